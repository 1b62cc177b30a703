"""Staff search (/admin/tim-kiem/): visits, reports and follow-ups in the internal index, per role.

The rule under test: a user finds exactly what visits.access lets them open (field staff: their own,
their department's and the visits they join; leaders and admins: all; editors: articles only unless
linked to an official), and nothing else reaches them through results, counts, snippets or filters.
"""

import functools
import re
from datetime import datetime

import pytest
from searchkit import connected
from staffkit import SECRETS, build_world, csrf_token, login
from werkzeug.security import generate_password_hash

import cms.accounts
from admin.views import staff_search as screen
from admin.views.staff_search import staff_visibility
from cms.db import database
from cms.models import IndexTask
from cms.roles import ALL_ROLES, RULES
from search_index.internal import Filters
from visits import vocab
from visits.access import build_scope
from visits.models import FollowUp, Locality, Official, Visit, VisitReport
from visits.workflow import apply_transition

RECORD_KINDS = ("visit", "report", "followup")


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch):
    monkeypatch.setattr(cms.accounts, "generate_password_hash",
                        functools.partial(generate_password_hash, method="pbkdf2:sha256:1000"))


@pytest.fixture
def world(app, db, indexes, catch_up):
    """The staffkit world, built after the (empty) indexes: it arrives through the outbox."""
    built = build_world()
    catch_up()
    return built


@pytest.fixture
def as_user(app, world):
    def make(key):
        return login(app.test_client(), world.users[key].username)
    return make


def search(app, user, text="", per_page=200, **filters):
    """Keys and total found by the internal index for `user` (what the screen asks)."""
    with app.app_context(), connected():
        from search_index import staff_search
        found = staff_search().search(text, staff_visibility(user), Filters(**filters), per_page=per_page)
    return found.ids, found.total


def record_keys(world, names):
    keys = set()
    for name in names:
        visit = world.visits[name]
        keys.add(f"visit:{visit.id}")
        if VisitReport.get_or_none(VisitReport.visit == visit.id):
            keys.add(f"report:{visit.id}")
        keys |= {f"followup:{f.id}" for f in FollowUp.select().where(FollowUp.visit == visit.id)}
    return keys


def page(client, **params):
    response = client.get("/admin/tim-kiem/", query_string=params)
    assert response.status_code == 200, (params, response.status_code)
    return response.get_data(as_text=True)


def shown_count(body):
    found = re.search(r"Tìm thấy <strong>(\d+)</strong>", body)
    return int(found.group(1)) if found else 0


def result_links(body):
    return re.findall(r'<h2 class="h6 my-1"><a href="([^"]+)">', body)


ALL_VISITS = ("a", "b", "joint", "b_draft")
SEES = {
    "admin": ALL_VISITS, "leader": ALL_VISITS,
    "staff_a": ("a", "joint"), "staff_a2": ("a", "joint"), "editor_staff": ("a", "b", "joint"),
    "staff_b": ("b", "joint", "b_draft"),
    "editor": (), "loner": (),
}


# --- roles -----------------------------------------------------------------------------------------

def test_each_role_finds_exactly_the_records_visits_access_allows(app, world):
    for user_key, visible in SEES.items():
        user = world.users[user_key]
        keys, total = search(app, user, kinds=list(RECORD_KINDS))
        assert set(keys) == record_keys(world, visible), user_key
        assert total == len(keys), user_key
        # the same rule as visits.access (kept in step): the visits found are those the scope sees
        with connected():
            scoped = {v.id for v in build_scope(user).restrict(Visit.select())}
        assert {int(k.split(":")[1]) for k in keys if k.startswith("visit:")} == scoped, user_key


def test_articles_per_role(app, world):
    arts = world.articles
    everything = {f"article:{a.id}" for a in arts.values()}
    expected = {
        "admin": everything, "leader": everything, "editor": everything, "editor_staff": everything,
        # staff find what they may open in the back office: their own articles, published or not
        # (others' published ones are on the public site and its search)
        "staff_a": {f"article:{arts['staff_draft'].id}"}, "staff_b": set(), "loner": set(),
    }
    for user_key, keys in expected.items():
        found, total = search(app, world.users[user_key], kinds=["article"])
        assert set(found) == keys and total == len(keys), user_key


def test_the_screen_shows_each_role_its_results_and_count(app, world, as_user):
    """"Ủy ban" is in every visit's plan and in the public article: the count and the links differ by role."""
    for user_key, visible in SEES.items():
        body = page(as_user(user_key), q="uy ban")  # typed without diacritics: finds "Ủy ban"
        links = result_links(body)
        for name in ALL_VISITS:
            vid = world.visits[name].id
            linked = f"/admin/visit/details/?id={vid}" in links
            assert linked == (name in visible), (user_key, name)
            if name not in visible:
                for word in SECRETS[name].values():
                    if word:
                        assert word not in body, (user_key, name, word)
        found, total = search(app, world.users[user_key], "uy ban")
        assert shown_count(body) == total == len(links), user_key
        public = f"/admin/article/details/?id={world.articles['public'].id}"
        assert (public in links) == (world.users[user_key].role != "staff"), user_key


def test_anonymous_is_sent_to_the_login_and_the_rule_is_in_the_rules_table(client, world):
    response = client.get("/admin/tim-kiem/?q=ca+tam")
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]
    assert RULES["staff_search"]["read"] == ALL_ROLES


def test_the_rules_row_is_what_lets_a_role_in(app, world, as_user, monkeypatch):
    assert "Tìm kiếm nội bộ" in page(as_user("editor"))  # the menu entry
    monkeypatch.setitem(RULES["staff_search"], "read", ALL_ROLES - {"editor"})
    assert as_user("editor").get("/admin/tim-kiem/").status_code == 403
    assert as_user("staff_a").get("/admin/tim-kiem/").status_code == 200


def test_staff_of_one_department_never_sees_the_others_through_any_door(app, world, as_user):
    client = as_user("staff_a")
    b, b_draft = world.visits["b"], world.visits["b_draft"]
    hidden_words = [w for name in ("b", "b_draft") for w in SECRETS[name].values() if w]
    for word in hidden_words + ["Diễn Châu"]:
        body = page(client, q=word)
        assert shown_count(body) == 0, word
        assert f"id={b.id}\"" not in body and f"id={b_draft.id}\"" not in body
        assert f"<mark>{word}" not in body
    # filters that point at B's records: nothing of theirs, and the count says so
    assert shown_count(page(client, locality=world.dienchau.id)) == 0
    body = page(client, department=world.dept_b.id)  # B's plans: only the joint one A takes part in
    assert set(result_links(body)) <= {f"/admin/visit/details/?id={world.visits['joint'].id}",
                                        f"/admin/visit/report/{world.visits['joint'].id}"}
    assert shown_count(body) == len(record_keys(world, ["joint"]))
    body = page(client, official=world.officials["b2"].id)  # b2 leads only B's draft
    assert shown_count(body) == 0 and "Dự thảo đi cơ sở" not in body
    assert shown_count(page(client, state=f"visit:{vocab.DRAFT}")) == 0
    assert shown_count(page(client, state=f"article:{vocab.DRAFT}")) == 1  # their own draft article
    # the snippet of what A may see marks the words; B's report text is never cut into a snippet
    body = page(client, q="sâm ngọc linh")
    assert "<mark>sâm</mark>" in body and "khèxương" not in body
    # and through the staff search helper directly: counts of everything match the scope
    keys, total = search(app, world.users["staff_a"], "MAT")
    assert total == len(keys) and set(keys) <= record_keys(world, ["a", "joint"])


def test_editors_unlinked_find_articles_only(app, world, as_user):
    body = page(as_user("editor"), q="Ủy ban")
    assert "/admin/visit/" not in body.split("<main>")[1]
    assert shown_count(body) == 1  # the public article; visits are not counted
    assert "Địa bàn (kể cả cấp dưới)" not in body  # no record filters offered
    keys, _ = search(app, world.users["editor"], "MAT-8841")
    assert keys == []


# --- filters -----------------------------------------------------------------------------------------

def test_a_locality_filter_covers_everything_under_it(app, world):
    leader = world.users["leader"]
    keys, _ = search(app, leader, localities=[world.province.id])
    assert set(keys) == record_keys(world, ALL_VISITS)
    keys, _ = search(app, leader, localities=[world.kyson.id])
    assert set(keys) == record_keys(world, ["a", "joint"])  # Nậm Cắn is under Kỳ Sơn
    keys, _ = search(app, leader, localities=[world.namcan.id])
    assert set(keys) == record_keys(world, ["a"])


def test_each_filter(app, world):
    leader = world.users["leader"]
    v = world.visits

    def keys(**filters):
        return set(search(app, leader, **filters)[0])

    assert keys(kinds=["report"]) == {f"report:{v[n].id}" for n in ("a", "b", "joint")}
    assert keys(kinds=["followup"], officials=[world.officials["a2"].id]) == {
        f"followup:{world.items['joint'].id}"}
    assert keys(officials=[world.officials["b2"].id]) == record_keys(world, ["b_draft"])
    assert keys(departments=[world.dept_a.id]) == record_keys(world, ["a", "joint"])  # joint: A's participant
    assert keys(topics=["khao_sat"]) == record_keys(world, ["joint"])
    assert keys(topics=["kiem_tra"]) == record_keys(world, ["a", "joint"])
    assert keys(states=[vocab.DONE]) == record_keys(world, ["a"])
    assert keys(states=["fu_open"]) == {f"followup:{i.id}" for i in world.items.values()}
    assert keys(kinds=["visit"], states=[vocab.APPROVED]) == {f"visit:{v['b'].id}"}
    # dates: a visit is found when it overlaps the range (joint: 15-16/09/2025)
    assert keys(kinds=["visit"], date_from=datetime(2025, 9, 16), date_to=datetime(2025, 9, 30)) == {
        f"visit:{v['joint'].id}"}
    assert keys(kinds=["visit"], date_from=datetime(2025, 9, 17), date_to=datetime(2025, 11, 30)) == set()
    assert keys(kinds=["followup"], date_to=datetime(2025, 5, 1)) == {f"followup:{world.items['a'].id}"}


def test_the_screen_applies_filters_sorts_and_pages(app, world, as_user, monkeypatch):
    client = as_user("leader")
    v = world.visits
    body = page(client, kind="visit", sort="date")
    order = [int(link.split("=")[1]) for link in result_links(body)]
    assert order == [v["b_draft"].id, v["joint"].id, v["b"].id, v["a"].id]  # newest first
    body = page(client, kind="visit", **{"from": "16/09/2025", "to": "30/09/2025"})
    assert result_links(body) == [f"/admin/visit/details/?id={v['joint'].id}"]
    body = page(client, q="chè", topic="khao_sat", department=world.dept_b.id, locality=world.kyson.id,
                official=world.officials["a2"].id, state=f"visit:{vocab.SUBMITTED}", kind="visit")
    assert result_links(body) == [f"/admin/visit/details/?id={v['joint'].id}"]
    assert "<mark>chè</mark>" in body and "Huyện Kỳ Sơn" in body and "15/09/2025" in body
    monkeypatch.setattr(screen, "PER_PAGE", 3)
    first, second = page(client, kind="visit", sort="date"), page(client, kind="visit", sort="date", page=2)
    assert shown_count(first) == shown_count(second) == 4
    assert len(result_links(first)) == 3 and len(result_links(second)) == 1
    assert "Trang sau" in first and 'rel="prev"' in second
    assert not set(result_links(first)) & set(result_links(second))


BAD_INPUTS = [
    {"q": 'báo cáo "chưa đóng ngoặc'}, {"q": "\x00\x1b AND OR NOT ( ) * ? ~ ^ :"}, {"q": '"'}, {"q": "-"},
    {"from": "32/13/2025"}, {"to": "hôm qua"}, {"from": "01/10/2025", "to": "01/09/2025"}, {"to": "x" * 5000},
    {"locality": "abc"}, {"official": "1 OR 1=1"}, {"department": "-1"}, {"locality": "99999999"},
    {"official": "9" * 40}, {"kind": "secret"}, {"state": "<script>"}, {"topic": "x"}, {"sort": "drop"},
    {"page": "abc"}, {"page": "0"}, {"page": "99999999999"},
]


def test_bad_input_gets_a_vietnamese_message_never_a_500(app, world, as_user):
    client = as_user("staff_a")
    body = page(client, q="x" * 10_000)
    assert "Từ khóa quá dài" in body
    for params in BAD_INPUTS:
        body = page(client, **params)  # a page (200), never a 500
        main = body.split("<main>")[1]
        assert "\x00" not in main and "\x1b" not in main, params
        if set(params) != {"q"}:
            assert 'class="alert alert-danger"' in main, params
            assert "không hợp lệ" in main or "không tồn tại" in main, params
            assert "Tìm thấy" not in main, params  # a bad filter is reported, not silently dropped
        assert "<script>" not in main, params


def test_the_visit_list_search_box_folds_like_search(app, world, as_user):
    body = as_user("leader").get("/admin/visit/?search=uy+ban+nhan+dan").get_data(as_text=True)
    assert world.visits["a"].title in body and world.visits["joint"].title in body


# --- keeping the index true ------------------------------------------------------------------------------

def test_every_change_records_its_outbox_rows_in_its_own_transaction(app, world):
    with app.app_context(), connected():
        visit = Visit.get_by_id(world.visits["a"].id)
        before = IndexTask.select().count()
        with database.atomic() as transaction:
            visit.title = "Đổi tên rồi hủy"
            visit.save()
            assert IndexTask.select().count() > before
            transaction.rollback()
        assert IndexTask.select().count() == before  # rolled back together with the change
        assert Visit.get_by_id(visit.id).title == "Kiểm tra Đảng bộ xã Nậm Cắn"


def test_a_failing_index_write_never_blocks_the_change(app, world, as_user, monkeypatch):
    from search_index import sync

    def broken(*args, **kwargs):
        raise OSError("disk full")

    client = as_user("staff_a")
    visit = world.visits["a"]
    monkeypatch.setattr(sync, "_write_docs", broken)
    response = client.post(f"/admin/visit/follow-up/add/{visit.id}", data={
        "csrf_token": csrf_token(client), "responsible": "Đảng ủy xã",
        "description": "Rà soát quỹ đất ômxàlu",
        "due_date": "30/06/2025", "official": "0"})
    assert response.status_code == 302
    with connected():
        assert FollowUp.select().where(FollowUp.description.contains("ômxàlu")).exists()
    monkeypatch.undo()
    assert shown_count(page(client, q="ômxàlu")) == 1  # the next search applies the outbox


def test_the_index_follows_a_visit_through_its_life(app, world, as_user):
    staff, leader = as_user("staff_a"), as_user("leader")
    with connected():
        official = world.officials["a"]
        locality_ids = [world.namcan.id]
    # create (through the form)
    response = staff.post("/admin/visit/new/", data={
        "csrf_token": csrf_token(staff, "/admin/visit/new/"), "title": "Giám sát xã Nậm Cắn pơlăngtơ",
        "lead": official.id, "localities": locality_ids, "start_date": "02/02/2026", "end_date": "03/02/2026",
        "main_topic": "giam_sat", "plan_text": "Giám sát việc pơlăngtơ.", "partners": "Đảng ủy xã"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with connected():
        visit = Visit.get(Visit.title.contains("pơlăngtơ"))
    key = f"visit:{visit.id}"

    def found(client, text, **params):
        return result_links(page(client, q=text, **params))

    assert found(staff, "polangto") == [f"/admin/visit/details/?id={visit.id}"]
    assert found(as_user("staff_b"), "polangto") == []
    # submit, approve: the state filter follows
    for client, name, state in ((staff, "submit", vocab.SUBMITTED), (leader, "approve", vocab.APPROVED)):
        response = client.post(f"/admin/visit/transition/{visit.id}",
                               data={"csrf_token": csrf_token(client), "name": name})
        assert response.status_code == 302
        assert found(staff, "pơlăngtơ", state=f"visit:{state}") == [f"/admin/visit/details/?id={visit.id}"]
    # report
    response = staff.post(f"/admin/visit/report/{visit.id}", data={
        "csrf_token": csrf_token(staff, f"/admin/visit/report/{visit.id}"),
        "findings": "Chi bộ làm tốt việc xìtrâylơ.", "proposals": "", "lessons": ""})
    assert response.status_code == 302
    assert found(staff, "xìtrâylơ") == [f"/admin/visit/report/{visit.id}"]
    # follow-up added, then its status changed
    response = staff.post(f"/admin/visit/follow-up/add/{visit.id}", data={
        "csrf_token": csrf_token(staff), "responsible": "Đảng ủy xã", "description": "Nộp báo cáo bôlêrô",
        "due_date": "30/03/2026", "official": "0"})
    assert response.status_code == 302
    with connected():
        item = FollowUp.get(FollowUp.description.contains("bôlêrô"))
    assert found(staff, "bôlêrô", state="fu_open") == [f"/admin/visit/report/{visit.id}"]
    staff.post(f"/admin/visit/follow-up/status/{item.id}",
               data={"csrf_token": csrf_token(staff), "status": vocab.FOLLOWUP_DONE})
    assert found(staff, "bôlêrô", state="fu_open") == []
    assert found(staff, "bôlêrô", state="fu_done") == [f"/admin/visit/report/{visit.id}"]
    # participants changed through a recorded change of the approved plan: department B now sees it
    response = leader.post(f"/admin/visit/change/{visit.id}", data={
        "csrf_token": csrf_token(leader, f"/admin/visit/change/{visit.id}"), "title": visit.title,
        "lead": official.id, "participants": [world.officials["b"].id], "localities": locality_ids,
        "start_date": "02/02/2026", "end_date": "03/02/2026", "main_topic": "giam_sat",
        "plan_text": "Giám sát việc pơlăngtơ.", "partners": "Đảng ủy xã", "reason": "Thêm cán bộ phòng B"})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert f"/admin/visit/details/?id={visit.id}" in found(as_user("staff_b"), "polangto")
    # follow-up deleted (leader, through its list)
    response = leader.post("/admin/visit_follow_up/delete/", data={
        "csrf_token": csrf_token(leader, "/admin/visit_follow_up/"), "id": item.id,
        "url": "/admin/visit_follow_up/"})
    assert response.status_code == 302
    assert found(staff, "bôlêrô") == []
    # cancel
    with app.app_context(), connected():
        apply_transition(Visit.get_by_id(visit.id), "cancel", world.users["leader"],
                         build_scope(world.users["leader"]), comment="Trùng lịch")
    assert found(staff, "pơlăngtơ", state=f"visit:{vocab.CANCELLED}", kind="visit") == [
        f"/admin/visit/details/?id={visit.id}"]
    # delete (no screen deletes a visit; the model does, with its documents)
    with app.app_context(), connected():
        Visit.get_by_id(visit.id).delete_instance()
    assert found(leader, "pơlăngtơ") == [] and found(leader, "xìtrâylơ") == []
    keys, total = search(app, world.users["leader"], "pơlăngtơ")
    assert key not in keys and total == 0


def test_reference_renames_reach_the_documents(app, world):
    leader = world.users["leader"]
    with app.app_context(), connected():
        locality = Locality.get_by_id(world.namcan.id)
        locality.name = "Xã Mường Típ"
        locality.save()
        official = Official.get_by_id(world.officials["a"].id)
        official.full_name = "Nguyễn Văn Ân Điền"
        official.save()
    assert set(search(app, leader, "muong tip")[0]) >= {f"visit:{world.visits['a'].id}"}
    assert f"visit:{world.visits['a'].id}" in search(app, leader, "Ân Điền")[0]
    # a locality moved elsewhere in the tree: the old parent's filter no longer finds its visits
    with app.app_context(), connected():
        locality = Locality.get_by_id(world.namcan.id)
        locality.parent = world.dienchau.id
        locality.save()
    assert f"visit:{world.visits['a'].id}" not in search(app, leader, localities=[world.kyson.id])[0]
    assert f"visit:{world.visits['a'].id}" in search(app, leader, localities=[world.dienchau.id])[0]


def test_index_check_fix_repairs_a_removed_visit_document(app, world, cli, service):
    key = f"visit:{world.visits['b'].id}"
    store = service.stores["internal"]
    writer = store.index().writer()
    writer.delete_by_term("key", key)
    writer.commit()
    assert key not in search(app, world.users["leader"], "cá tầm")[0]
    result = cli("index-check")
    assert result.exit_code == 1 and key in result.output
    result = cli("index-check", "--fix")
    assert result.exit_code == 0, result.output
    assert key in search(app, world.users["leader"], "cá tầm")[0]
    assert cli("index-check").exit_code == 0


def test_reindex_includes_visits_in_the_internal_index_only(app, world, cli, service):
    result = cli("reindex")
    assert result.exit_code == 0, result.output
    with service.stores["internal"].index().searcher() as searcher:
        kinds = {fields["kind"] for fields in searcher.all_stored_fields()}
    assert kinds == {"article", "visit", "report", "followup"}
    with service.stores["public"].index().searcher() as searcher:
        assert {fields["kind"] for fields in searcher.all_stored_fields()} == {"article"}
    assert set(search(app, world.users["leader"], "MAT-5520")[0]) == {f"followup:{world.items['b'].id}"}
