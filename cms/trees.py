"""One walker for the parent/child trees of the project: categories and localities.

A `Tree` is built in memory from items that know their id and their parent's id (a model row, a
dataclass, or plain `(id, parent_id)` pairs through `Tree.from_pairs`), so a caller loads the rows
in one query and asks everything else of the tree. Siblings keep the order the items came in.

Stored data can be wrong (a parent that no longer exists, a loop written before a check existed):
an item whose parent is not among the items is a root, and no method ever loops. Items on a loop
are reached by id but not by `walk()` from the roots.
"""

from operator import attrgetter


class Tree:
    def __init__(self, items, id_of=attrgetter("id"), parent_of=attrgetter("parent_id")):
        self._id_of = id_of
        self.all = list(items)
        self.by_id = {id_of(item): item for item in self.all}
        self._parent_id = {id_of(item): parent_of(item) for item in self.all}
        self._children = {}
        self.roots = []
        for item in self.all:
            parent = parent_of(item)
            if parent in self.by_id:
                self._children.setdefault(parent, []).append(item)
            else:
                self.roots.append(item)

    @classmethod
    def from_pairs(cls, pairs):
        """A tree of bare ids from `(id, parent_id)` pairs: its items are the ids themselves."""
        parents = dict(pairs)
        return cls(parents, id_of=lambda node: node, parent_of=parents.get)

    def parent_id(self, node_id):
        return self._parent_id.get(node_id)

    def children(self, node_id):
        """The items right under `node_id`, in the order given."""
        return self._children.get(node_id, [])

    def descendant_ids(self, node_id):
        """`node_id` and the ids of everything under it (just `node_id` if it has no children or
        is unknown)."""
        found, seen, stack = [], set(), [node_id]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            found.append(current)
            stack.extend(reversed([self._id_of(child) for child in self.children(current)]))
        return found

    def ancestors(self, node_id):
        """The items from the top of `node_id`'s branch down to its own item (breadcrumb order);
        empty for an unknown id. A loop in the data ends the chain where it would repeat."""
        chain, seen, current = [], set(), node_id
        while current in self.by_id and current not in seen:
            seen.add(current)
            chain.append(self.by_id[current])
            current = self._parent_id[current]
        return list(reversed(chain))

    def walk(self):
        """Every item reachable from the roots as `(item, depth)`, each parent before its
        children, siblings in the order given (an indented list, a report in tree order)."""
        seen, stack = set(), [(root, 0) for root in reversed(self.roots)]
        while stack:
            item, depth = stack.pop()
            node_id = self._id_of(item)
            if node_id in seen:
                continue
            seen.add(node_id)
            yield item, depth
            stack.extend((child, depth + 1) for child in reversed(self.children(node_id)))

    def would_create_cycle(self, node_id, new_parent_id):
        """Whether giving `node_id` the parent `new_parent_id` would leave a chain that never
        reaches the top: the new parent is the node itself or under it, or the new parent's own
        chain already loops (bad data a save must not build on). No parent is always fine."""
        seen, current = {node_id}, new_parent_id
        while current is not None:
            if current in seen:
                return True
            seen.add(current)
            current = self._parent_id.get(current)
        return False


def id_tree(model):
    """The bare-id tree of a peewee model with a `parent` field, in one query."""
    return Tree.from_pairs(model.select(model.id, model.parent).tuples())
