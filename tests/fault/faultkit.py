"""Helpers for the fault tests (imported by name: `conftest` is ambiguous across test folders).

- `SiteKit`: one site (data dir + database) to break: accounts, articles through the back office,
  indexes, the checks every fault test ends with (database whole, nothing half-written, search true);
- `spawn(...)`: a child Python process running a script of this folder against the same site, so
  that it can be killed with SIGKILL at a chosen moment;
- the back office's form helpers come from tests/admin/backoffice.py (one copy of them).
"""

import os
import re
import selectors
import sqlite3
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE.parent / "admin"))
sys.path.insert(0, str(HERE.parent / "search"))

from backoffice import (  # noqa: E402
    PASSWORD,
    admin_token,
    article_form,
    csrf_from,
    flashes,
    image_bytes,
    login,
    text_of,
)
from searchkit import connected  # noqa: E402

from cms.db import database  # noqa: E402

__all__ = ["PASSWORD", "admin_token", "article_form", "csrf_from", "flashes", "image_bytes", "login",
           "text_of", "connected", "sqlite_problems", "database_problems", "half_written", "spawn",
           "child_env", "created_id", "api_slugs", "read_line", "flask_command"]

ADMIN_USER = "quantri"


def sqlite_problems(path):
    """What SQLite itself finds wrong with the file: integrity and foreign keys ([] when whole)."""
    connection = sqlite3.connect(path)
    try:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check") if row[0] != "ok"]
        problems += [f"foreign key: {row}" for row in connection.execute("PRAGMA foreign_key_check")]
    finally:
        connection.close()
    return problems


def database_problems(app):
    """The database checked whole: SQLite's own checks, or on PostgreSQL every reference resolved."""
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        return sqlite_problems(url[len("sqlite:///"):])
    problems = []
    with app.app_context(), connected():
        for table in database.get_tables():
            for fk in database.get_foreign_keys(table):
                orphans = database.execute_sql(
                    f'SELECT COUNT(*) FROM "{table}" AS c WHERE c."{fk.column}" IS NOT NULL AND NOT EXISTS '
                    f'(SELECT 1 FROM "{fk.dest_table}" AS p WHERE p."{fk.dest_column}" = c."{fk.column}")'
                ).fetchone()[0]
                if orphans:
                    problems.append(f"{table}.{fk.column}: {orphans} dangling")
    return problems


def half_written(app):
    """Articles missing a part of their save: a revision, an audit entry or an outbox row."""
    from admin.editorial import Revision
    from cms.audit import AuditEntry
    from cms.models import Article, IndexTask

    with app.app_context(), connected():
        articles = set(Article.select(Article.id).tuples())
        with_revision = set(Revision.select(Revision.object_id).where(Revision.kind == "article").tuples())
        audited = {(int(object_id),) for (object_id,) in AuditEntry.select(AuditEntry.object_id).where(
            (AuditEntry.object_type == "article") & (AuditEntry.action == "create")).tuples()}
        queued = set(IndexTask.select(IndexTask.doc_id).where(IndexTask.doc_type == "article").tuples())
    return {"no revision": sorted(articles - with_revision), "no audit": sorted(articles - audited),
            "no outbox row": sorted(articles - queued),
            "audit without article": sorted(audited - articles)}


def child_env(app):
    """Environment for a child process (a `flask` command or a script) on the same site."""
    env = dict(os.environ, CMS_DATA_DIR=str(app.config["CMS_DATA_DIR"]),
               DATABASE_URL=app.config["DATABASE_URL"], SECRET_KEY=app.config["SECRET_KEY"],
               PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1")
    return env


def spawn(app, script, *args):
    """Start `script` (a file of this folder, or a module with -m) in a child process; stdout piped."""
    command = [sys.executable, *(["-m", script] if script.startswith("flask") else [str(HERE / script)]),
               *map(str, args)]
    return subprocess.Popen(command, cwd=REPO, env=child_env(app), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def read_line(process, limit=120):
    """The child's next stdout line, or "" if it says nothing within `limit` seconds (a safety net
    against a hung test, not a timing condition: the child normally answers at once)."""
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    try:
        return process.stdout.readline() if selector.select(limit) else ""
    finally:
        selector.close()


def flask_command(app, *args):
    """Run `flask --app app ARGS` in a child process; (returncode, output)."""
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *map(str, args)], cwd=REPO,
                            env=child_env(app), capture_output=True, text=True, timeout=300)
    return result.returncode, result.stdout + result.stderr


def created_id(response):
    """The id of the record a Flask-Admin create redirected to (…/edit/?id=N)."""
    found = re.search(r"[?&]id=(\d+)", response.headers.get("Location", ""))
    assert found, (response.status_code, response.headers.get("Location"))
    return int(found.group(1))


def api_slugs(client, text):
    """Slugs /api/search answers for `text` (every page)."""
    slugs, page = [], 1
    while True:
        response = client.get("/api/search", query_string={"q": text, "per_page": 50, "page": page})
        assert response.status_code == 200, (response.status_code, response.get_data(as_text=True)[:300])
        data = response.get_json()
        slugs += [result["url"].rsplit("/", 1)[-1] for result in data["results"]]
        if page * 50 >= data["total"]:
            return slugs
        page += 1
