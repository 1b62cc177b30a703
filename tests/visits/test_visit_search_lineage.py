"""Staff search across the 2025 reorganisation: a search by a new commune finds the visits made to
the communes merged into it, a search by an old commune finds the visits to the new one, and the
result row shows the unit of the time. Visibility stays the scope's; renames and succession changes
reach the documents through the outbox (staff_search() catches up before it searches)."""

from datetime import date

import pytest
from visitkit import text

from admin.search_access import staff_visibility
from admin.views.visits import LocalityFilter
from cms.db import database
from search_index import staff_search, sync
from search_index.internal import Filters
from visits import vocab
from visits.models import Locality, LocalitySuccession, Visit


@pytest.fixture
def merged(app, db, field, make_visit):
    """Xã Thanh Đức and Xã Thanh Mỹ (ended 30/06/2025) went into Xã Hạnh Lâm (from 01/07/2025)."""
    old_1 = Locality.create(code="TD", name="Xã Thanh Đức", kind="xa", parent=field.kyson,
                            valid_to=date(2025, 6, 30))
    old_2 = Locality.create(code="TM", name="Xã Thanh Mỹ", kind="xa", parent=field.kyson,
                            valid_to=date(2025, 6, 30))
    new = Locality.create(code="HL", name="Xã Hạnh Lâm", kind="xa", parent=field.province,
                          valid_from=date(2025, 7, 1))
    for old in (old_1, old_2):
        LocalitySuccession.create(old=old, new=new)
    before = make_visit("a", vocab.DONE, date(2025, 3, 10), date(2025, 3, 11), localities=[old_1],
                        title="Kiểm tra chi bộ thôn")
    after = make_visit("a", vocab.DONE, date(2025, 9, 15), date(2025, 9, 16), localities=[new],
                       title="Khảo sát mô hình chè")
    other = make_visit("a", vocab.DONE, date(2025, 9, 20), date(2025, 9, 21), localities=[field.dienchau],
                       title="Nắm tình hình vùng biển")
    service = app.extensions["search"]
    with app.app_context():
        for store in service.stores.values():
            sync.rebuild(store, service.sources)
    return dict(old_1=old_1, old_2=old_2, new=new, before=before, after=after, other=other)


def _found(app, user, words, **filters):
    with app.app_context():
        return set(staff_search().search(words, staff_visibility(user), Filters(**filters), per_page=100).ids)


def test_a_new_unit_finds_the_visits_to_its_predecessors_and_the_reverse(app, field, merged):
    leader = field.users["leader"]
    before, after = f"visit:{merged['before'].id}", f"visit:{merged['after'].id}"
    for words in ("Hạnh Lâm", "hanh lam", "Xã Hạnh Lâm"):
        found = _found(app, leader, words)
        assert {before, after} <= found, words
        assert f"visit:{merged['other'].id}" not in found
    for words in ("Thanh Đức", "thanh duc"):
        assert {before, after} <= _found(app, leader, words), words
    # Xã Thanh Mỹ went into Hạnh Lâm too: it finds the later visit, not the one to its sister commune
    found = _found(app, leader, "Thanh Mỹ")
    assert after in found and before not in found


def test_the_own_unit_ranks_first(app, field, merged):
    with app.app_context():
        ids = staff_search().search("Thanh Đức", staff_visibility(field.users["leader"]),
                                    Filters(kinds=["visit"]), per_page=10).ids
    assert ids[0] == f"visit:{merged['before'].id}"


def test_a_user_outside_the_scope_still_finds_nothing(app, field, merged):
    for key in ("staff_b", "editor", "loner"):
        found = _found(app, field.users[key], "Hạnh Lâm")
        assert not found & {f"visit:{merged['before'].id}", f"visit:{merged['after'].id}"}, key


def test_the_result_shows_the_unit_of_the_time(app, field, merged, as_user):
    client = as_user("staff_a")
    body = text(client.get("/admin/tim-kiem/", query_string={"q": "Hạnh Lâm"}))
    assert "Kiểm tra chi bộ thôn" in body and "Khảo sát mô hình chè" in body
    assert "Địa bàn khi đó: Xã Thanh Đức (nay thuộc Xã Hạnh Lâm)" in body
    assert "Xã Hạnh Lâm (trước đây: Xã Thanh Đức, Xã Thanh Mỹ)" in body
    outside = text(as_user("staff_b").get("/admin/tim-kiem/", query_string={"q": "Hạnh Lâm"}))
    assert "Kiểm tra chi bộ thôn" not in outside and "Khảo sát mô hình chè" not in outside


def test_a_rename_and_a_succession_change_reach_the_results(app, field, merged):
    leader = field.users["leader"]
    before, other = f"visit:{merged['before'].id}", f"visit:{merged['other'].id}"
    with app.app_context():
        new = Locality.get_by_id(merged["new"].id)
        new.name = "Xã Hạnh Lâm Mới"
        new.save()
    assert before in _found(app, leader, "Hạnh Lâm Mới")
    assert before in _found(app, leader, "hanh lam moi")
    # a new successor row: the old commune's visits are found by it; deleted, no longer
    with app.app_context():
        link = LocalitySuccession.create(old=merged["old_1"], new=field.dienchau)
    assert before in _found(app, leader, "Diễn Châu")
    with app.app_context():
        LocalitySuccession.get_by_id(link.id).delete_instance()
    found = _found(app, leader, "Diễn Châu")
    assert before not in found and other in found
    # a unit that merged later down the chain: the first visits reach it too
    with app.app_context():
        last = Locality.create(code="HL2", name="Phường Trung Đô", kind="phuong", parent=field.province,
                               valid_from=date(2026, 7, 1))
        LocalitySuccession.create(old=merged["new"], new=last)
    assert before in _found(app, leader, "Trung Đô")


def test_the_visit_list_filter_by_a_new_unit_lists_its_predecessors_visits(app, field, merged):
    with app.app_context(), database.connection_context():
        picked = LocalityFilter(Visit.id, "Địa bàn")
        shown = {v.id for v in picked.apply(Visit.select(), str(merged["new"].id))}
        old_only = {v.id for v in picked.apply(Visit.select(), str(merged["old_1"].id))}
    assert shown == {merged["before"].id, merged["after"].id}
    assert old_only == {merged["before"].id}
