"""cms.trees: the one walker of categories and localities, on good data and on bad (never a loop)."""

from dataclasses import dataclass

from cms.trees import Tree


@dataclass
class Node:
    id: int
    parent_id: int = None


# 1 ─ 2 ─ 4      order given: 1, 2, 3, 4, 5, 6
#   └ 3         6 names a parent (99) that does not exist: it stands at the top
# 5
GOOD = [Node(1), Node(2, 1), Node(3, 1), Node(4, 2), Node(5), Node(6, 99)]


def test_walk_is_tree_order_with_depths_siblings_as_given():
    walked = [(n.id, depth) for n, depth in Tree(GOOD).walk()]
    assert walked == [(1, 0), (2, 1), (4, 2), (3, 1), (5, 0), (6, 0)]


def test_roots_children_descendants_and_ancestors():
    tree = Tree(GOOD)
    assert [n.id for n in tree.roots] == [1, 5, 6]
    assert [n.id for n in tree.children(1)] == [2, 3]
    assert sorted(tree.descendant_ids(1)) == [1, 2, 3, 4]
    assert tree.descendant_ids(4) == [4]
    assert tree.descendant_ids(1234) == [1234]
    assert [n.id for n in tree.ancestors(4)] == [1, 2, 4]
    assert tree.ancestors(1234) == []


def test_from_pairs_holds_bare_ids():
    tree = Tree.from_pairs([(1, None), (2, 1), (3, 2)])
    assert tree.descendant_ids(2) == [2, 3]
    assert tree.ancestors(3) == [1, 2, 3]


def test_would_create_cycle():
    tree = Tree(GOOD)
    assert tree.would_create_cycle(1, 1)
    assert tree.would_create_cycle(1, 4)  # under itself
    assert not tree.would_create_cycle(4, 3)
    assert not tree.would_create_cycle(2, None)
    assert not tree.would_create_cycle(None, 4)  # a new node


def test_a_loop_in_stored_data_never_loops():
    # 7 → 8 → 7, with 9 hanging under the loop and 10 under a root
    tree = Tree([Node(7, 8), Node(8, 7), Node(9, 8), Node(10), Node(11, 11)])
    assert [(n.id, d) for n, d in tree.walk()] == [(10, 0)]
    assert sorted(tree.descendant_ids(7)) == [7, 8, 9]
    assert [n.id for n in tree.ancestors(9)] == [7, 8, 9]
    assert [n.id for n in tree.ancestors(11)] == [11]
    assert tree.would_create_cycle(10, 9)  # the new parent's own chain loops
    assert tree.would_create_cycle(10, 11)
    assert not tree.would_create_cycle(10, None)
