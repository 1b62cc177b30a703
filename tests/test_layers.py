"""The packages stand in layers, bottom up: cms -> search_index -> visits -> admin -> app. A module
imports only from its own layer or those below it, and no modules import each other in a circle
(imports inside functions count: they hide a circle, they do not remove it)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ["cms", "search_index", "visits", "admin", "app"]


def module_name(path, root=ROOT):
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules(root=ROOT):
    paths = [root / "app.py"] + [p for layer in LAYERS[:-1] for p in sorted((root / layer).rglob("*.py"))]
    return {module_name(p, root): p for p in paths}


def imports_of(name, path, known):
    """The project modules `name` imports, anywhere in the file."""
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[:len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            # "from visits import vocab" imports the module visits.vocab, not the package.
            targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in known else module for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def layer_of(module):
    return LAYERS.index(module.split(".")[0])


def import_graph(root=ROOT):
    known = project_modules(root)
    return {name: imports_of(name, path, known) for name, path in known.items()}


def upward_imports(graph):
    return sorted((m, d) for m, deps in graph.items() for d in deps if layer_of(d) > layer_of(m))


def circles(graph):
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for dep in sorted(graph.get(node, ())):
            if dep not in index:
                visit(dep)
                low[node] = min(low[node], low[dep])
            elif dep in on_stack:
                low[node] = min(low[node], index[dep])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def test_no_package_imports_one_above_it():
    assert upward_imports(import_graph()) == []


def test_no_circle_of_modules():
    assert circles(import_graph()) == []


@pytest.fixture
def planted(tmp_path):
    """A copy of the project's packages with one planted import, to see the checks catch it."""
    def plant(module_path, line):
        for layer in LAYERS[:-1]:
            for source in (ROOT / layer).rglob("*.py"):
                target = tmp_path / source.relative_to(ROOT)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
        (tmp_path / "app.py").write_text((ROOT / "app.py").read_text(encoding="utf-8"), encoding="utf-8")
        path = tmp_path / module_path
        path.write_text(path.read_text(encoding="utf-8") + f"\n\ndef _planted():\n    {line}\n",
                        encoding="utf-8")
        return import_graph(tmp_path)
    return plant


def test_the_checks_catch_a_planted_upward_import(planted):
    graph = planted("cms/text.py", "from admin import permissions")
    assert ("cms.text", "admin.permissions") in upward_imports(graph)


def test_the_checks_catch_a_planted_circle(planted):
    graph = planted("cms/text.py", "from cms import markup")
    assert any({"cms.markup", "cms.text"} <= set(group) for group in circles(graph))
