"""History that still adds up (issue 17): a merger of three communes into one and a split of one
into two on 01/07/2025; coverage by today's units and by the units of the time; rotation and visits
of the predecessors on the new unit's page; the lineage walks; plans for units that have ended."""

import csv
import io
import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from visitkit import text, token

from visits import rules, vocab
from visits.access import build_scope
from visits.models import Assignment, Locality, LocalitySuccession, Visit
from visits.stats import coverage_table
from visits.workflow import plan_localities_problem

END = date(2025, 6, 30)
START = date(2025, 7, 1)


@pytest.fixture
def history(field):
    """Three communes of Kỳ Sơn merged into Xã Hữu Kiệm; Xã Mường Ải split between Xã Mường Xén
    (60%) and Xã Tà Cạ (40%)."""
    province, kyson = field.province, field.kyson
    old = {key: Locality.create(code=f"KS-{key.upper()}", name=name, kind="xa", parent=kyson, valid_to=END)
           for key, name in (("huukiem", "Xã Hữu Kiệm cũ"), ("huulap", "Xã Hữu Lập"),
                             ("baonam", "Xã Bảo Nam"), ("muongai", "Xã Mường Ải"))}
    merged = Locality.create(code="XA-HUUKIEM", name="Xã Hữu Kiệm", kind="xa", parent=province,
                             valid_from=START, position=101)
    xen = Locality.create(code="XA-MUONGXEN", name="Xã Mường Xén", kind="xa", parent=province,
                          valid_from=START, position=102)
    taca = Locality.create(code="XA-TACA", name="Xã Tà Cạ", kind="xa", parent=province, valid_from=START,
                           position=103)
    for key in ("huukiem", "huulap", "baonam"):
        LocalitySuccession.create(old=old[key], new=merged)
    LocalitySuccession.create(old=old["muongai"], new=xen, share=0.6)
    LocalitySuccession.create(old=old["muongai"], new=taca, share=0.4)
    return SimpleNamespace(old=old, merged=merged, xen=xen, taca=taca)


def _done(make_visit, lead, start, localities, title):
    return make_visit(lead, vocab.DONE, start, start + timedelta(days=1), localities=localities, title=title)


@pytest.fixture
def visited(history, make_visit):
    """Before the change, department A visits two of the merged communes in one trip and the split
    commune in another; after it, department B visits Xã Tà Cạ."""
    old = history.old
    two = _done(make_visit, "a", date(2025, 3, 10), [old["huukiem"], old["huulap"]],
                "Nắm tình hình Hữu Kiệm, Hữu Lập")
    split = _done(make_visit, "a", date(2025, 4, 1), [old["muongai"]], "Kiểm tra Mường Ải")
    later = _done(make_visit, "b", date(2025, 9, 8), [history.taca], "Làm việc với Đảng ủy xã Tà Cạ")
    return SimpleNamespace(two=two, split=split, later=later)


def _by_name(rows):
    return {r.locality.name: r for r in rows}


AS_OF, PERIOD_START = date(2026, 1, 15), date(2025, 1, 1)


# --- lineage ---------------------------------------------------------------------------------------

def test_merger_and_split_as_units_of_today(history):
    lineage = Locality.lineage()
    day = date(2026, 1, 1)
    for key in ("huukiem", "huulap", "baonam"):
        assert lineage.units_on(history.old[key].id, day) == {history.merged.id: 1.0}
    assert lineage.units_on(history.old["muongai"].id, day) == pytest.approx({history.xen.id: 0.6,
                                                                               history.taca.id: 0.4})
    # before the change a unit stands for itself; the new one does not exist yet
    assert lineage.units_on(history.old["huulap"].id, date(2025, 1, 1)) == {history.old["huulap"].id: 1.0}
    assert lineage.units_on(history.merged.id, date(2025, 1, 1)) == {}
    assert lineage.earlier_ids(history.merged.id) == {history.old[k].id for k in ("huukiem", "huulap",
                                                                                    "baonam")}
    assert lineage.later_ids(history.old["muongai"].id) == {history.xen.id, history.taca.id}


def test_chains_through_two_changes_and_loops_never_hang(field):
    province = field.province
    first = Locality.create(code="CL", name="Thị xã Cửa Lò", kind="thi_xa", parent=province,
                            valid_to=date(2024, 11, 30))
    middle = Locality.create(code="VINH", name="Thành phố Vinh", kind="thanh_pho", parent=province,
                             valid_to=END)
    ward_a = Locality.create(code="PH-CUALO", name="Phường Cửa Lò", kind="phuong", parent=province,
                             valid_from=START)
    ward_b = Locality.create(code="PH-VINHPHU", name="Phường Vinh Phú", kind="phuong", parent=province,
                             valid_from=START)
    LocalitySuccession.create(old=first, new=middle)
    LocalitySuccession.create(old=middle, new=ward_a, share=0.25)
    LocalitySuccession.create(old=middle, new=ward_b, share=0.75)
    lineage = Locality.lineage()
    assert lineage.units_on(first.id, date(2025, 1, 1)) == {middle.id: 1.0}
    assert lineage.units_on(first.id, date(2026, 1, 1)) == pytest.approx({ward_a.id: 0.25, ward_b.id: 0.75})
    assert lineage.later_ids(first.id) == {middle.id, ward_a.id, ward_b.id}
    assert lineage.earlier_ids(ward_b.id) == {middle.id, first.id}

    # a loop written by a bad import: both ended, each the other's successor
    p = Locality.create(code="LOOP-P", name="Xã P", kind="xa", parent=province, valid_to=END)
    q = Locality.create(code="LOOP-Q", name="Xã Q", kind="xa", parent=province, valid_to=END)
    LocalitySuccession.create(old=p, new=q)
    LocalitySuccession.create(old=q, new=p)
    lineage = Locality.lineage()
    assert lineage.units_on(p.id, date(2026, 1, 1)) == {}
    assert lineage.later_ids(p.id) == {q.id}
    assert lineage.earlier_ids(p.id) == {q.id}
    assert lineage.related_ids(q.id) == {p.id}
    # and the dashboard still answers with them in the data
    rows, _ = coverage_table(build_scope(field.users["leader"]), AS_OF, PERIOD_START, 180)
    assert "Xã P" not in _by_name(rows)


def test_carry_over_counts_a_visit_once_per_unit_of_today():
    stand_for = {1: [10], 2: [10], 3: [11, 12], 10: [10]}.get
    stats, visits = rules.carry_over({1: (date(2025, 1, 5), 1), 2: (date(2025, 2, 5), 1),
                                      3: (date(2025, 3, 1), 1), 4: (date(2025, 3, 9), 1)},
                                     {100: [1, 2], 101: [3], 102: [4]}, lambda lid: stand_for(lid, []))
    assert stats == {10: (date(2025, 2, 5), 2), 11: (date(2025, 3, 1), 1), 12: (date(2025, 3, 1), 1)}
    assert visits == {100: [10], 101: [11, 12]}  # 4 ended with no successor: counted nowhere


# --- coverage, the stats function -------------------------------------------------------------------

def test_coverage_by_units_of_today(field, history, visited):
    rows, _ = coverage_table(build_scope(field.users["leader"]), AS_OF, PERIOD_START, 180)
    by_name = _by_name(rows)
    assert not {"Xã Hữu Kiệm cũ", "Xã Hữu Lập", "Xã Bảo Nam", "Xã Mường Ải"} & set(by_name)
    merged = by_name["Xã Hữu Kiệm"]
    assert merged.visits_in_period == 1  # one trip reaching it through two old communes
    assert merged.last_visit == visited.two.end_date  # "last visited" carried over
    assert by_name["Xã Mường Xén"].visits_in_period == 1  # a split counts for each part
    assert by_name["Xã Mường Xén"].last_visit == visited.split.end_date
    assert by_name["Xã Tà Cạ"].visits_in_period == 2
    assert by_name["Xã Tà Cạ"].last_visit == visited.later.end_date
    assert by_name["Tỉnh Nghệ An"].visits_in_period == 3  # rolled up to the parent, each visit once
    assert by_name["Huyện Kỳ Sơn"].visits_in_period == 0  # the old communes' visits left with them


def test_coverage_by_units_of_the_time(field, history, visited):
    rows, _ = coverage_table(build_scope(field.users["leader"]), AS_OF, PERIOD_START, 180,
                             units=rules.UNITS_THEN)
    by_name = _by_name(rows)
    assert by_name["Xã Hữu Kiệm cũ"].visits_in_period == 1
    assert by_name["Xã Hữu Lập"].visits_in_period == 1
    assert by_name["Xã Bảo Nam"].visits_in_period == 0
    assert by_name["Xã Mường Ải"].visits_in_period == 1
    assert by_name["Xã Mường Ải"].locality.lifetime_label == "đến 30/06/2025"
    assert by_name["Xã Hữu Kiệm"].visits_in_period == 0
    assert by_name["Xã Mường Xén"].visits_in_period == 0
    assert by_name["Xã Tà Cạ"].visits_in_period == 1
    assert by_name["Huyện Kỳ Sơn"].visits_in_period == 2  # the roll-up to the district of the time
    assert by_name["Tỉnh Nghệ An"].visits_in_period == 3
    # a unit that ended before the period is not a row of it
    rows, _ = coverage_table(build_scope(field.users["leader"]), AS_OF, date(2025, 8, 1), 180,
                             units=rules.UNITS_THEN)
    assert "Xã Mường Ải" not in _by_name(rows)


def test_coverage_of_a_staff_member_counts_only_their_scope(field, history, visited):
    rows, _ = coverage_table(build_scope(field.users["staff_b"]), AS_OF, PERIOD_START, 180)
    by_name = _by_name(rows)
    assert by_name["Xã Hữu Kiệm"].visits_in_period == 0
    assert by_name["Xã Tà Cạ"].visits_in_period == 1


# --- coverage, the page ------------------------------------------------------------------------------

def _row(page, name):
    found = re.search(r"<tr[^>]*><td>[^<]*(?:<span[^>]*>[^<]*</span>)?<a [^>]*>" + re.escape(name)
                      + r"</a>(.*?)</tr>", page, re.S)
    assert found, name
    cells = re.findall(r"<td>(.*?)</td>", found.group(1), re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


def test_coverage_page_both_views_as_a_leader(field, history, visited, as_user):
    leader = as_user("leader")
    page = text(leader.get("/admin/visit-dashboard/coverage?level=all&period=3650"))
    assert "Theo địa bàn hiện nay" in page and "Theo địa bàn tại thời điểm đi" in page
    assert "Đơn vị trực thuộc tỉnh (xã, phường, đảng bộ trực thuộc)" in page
    assert 'aria-current="page">Theo địa bàn hiện nay' in page
    assert ">Xã Hữu Lập</a>" not in page and ">Xã Mường Ải</a>" not in page
    assert _row(page, "Xã Hữu Kiệm")[:3] == [visited.two.end_date.strftime("%d/%m/%Y"), _days(visited.two),
                                             "1"]
    assert _row(page, "Xã Mường Xén")[2] == "1" and _row(page, "Xã Tà Cạ")[2] == "2"

    then = text(leader.get("/admin/visit-dashboard/coverage?level=all&period=3650&units=then"))
    assert 'aria-current="page">Theo địa bàn tại thời điểm đi' in then
    assert _row(then, "Xã Hữu Lập")[2] == "1" and _row(then, "Xã Mường Ải")[2] == "1"
    assert "đến 30/06/2025" in then  # the lifetime of an ended unit is shown
    assert _row(then, "Xã Hữu Kiệm")[2] == "0"
    # the switch keeps the other choices of the page
    assert re.search(r'href="[^"]*units=now[^"]*"', then) and "period=3650" in then

    export = leader.get("/admin/visit-dashboard/coverage?level=all&period=3650&units=then&format=csv")
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    names = {row[0]: row for row in rows[1:]}
    assert "Thời gian tồn tại" in rows[0] and names["Xã Mường Ải"][2] == "đến 30/06/2025"
    now = leader.get("/admin/visit-dashboard/coverage?level=all&period=3650&format=csv")
    names = {row[0]: row for row in csv.reader(io.StringIO(now.get_data(as_text=True).lstrip("\ufeff")))}
    assert "Xã Mường Ải" not in names and names["Xã Hữu Kiệm"][rows[0].index("Số đợt trong 3650 ngày")] == "1"
    # an unknown view falls back to today's units
    assert 'aria-current="page">Theo địa bàn hiện nay' in text(
        leader.get("/admin/visit-dashboard/coverage?units=x"))


def _days(visit):
    from visits.calendar import today_local
    return str((today_local() - visit.end_date).days)


def test_coverage_page_query_count_does_not_grow_with_history(field, history, visited, as_user, make_visit):
    from bench.pages import QueryCounter
    from cms.db import database
    leader = as_user("leader")
    counter = QueryCounter(database.obj)
    counts = []
    for extra in range(2):
        for units in ("now", "then"):
            leader.get(f"/admin/visit-dashboard/coverage?level=all&units={units}")
            counter.reset()
            assert leader.get(f"/admin/visit-dashboard/coverage?level=all&units={units}").status_code == 200
            counts.append((units, len(counter.queries)))
        # more history: another merger, more visits to old units
        old = [Locality.create(code=f"KS-X{extra}{i}", name=f"Xã cũ {extra}{i}", kind="xa",
                               parent=field.kyson, valid_to=END) for i in range(3)]
        new = Locality.create(code=f"XA-X{extra}", name=f"Xã mới {extra}", kind="xa", parent=field.province,
                              valid_from=START)
        for unit in old:
            LocalitySuccession.create(old=unit, new=new)
            _done(make_visit, "a", date(2025, 5, 5), [unit], f"Đi {unit.name}")
    assert counts[:2] == counts[2:]


# --- the locality page ----------------------------------------------------------------------------

def test_rotation_across_the_merger_on_the_new_units_page(field, history, visited, as_user):
    Assignment.create(official=field.officials["a"], locality=history.old["huulap"],
                      start_date=date(2023, 1, 1), end_date=END, note="Theo dõi xã cũ")
    Assignment.create(official=field.officials["b"], locality=history.merged, start_date=START)
    leader = as_user("leader")
    page = text(leader.get(f"/admin/visit_locality/details/?id={history.merged.id}"))
    assert "từ 01/07/2025" in page and "còn tồn tại" in page
    assert "True" not in re.sub(r"<script.*?</script>", "", page, flags=re.S)  # Vietnamese yes/no
    lineage_card = page.split("Thời gian tồn tại và sắp xếp địa bàn")[1].split("</section>")[0]
    for key, name in (("huukiem", "Xã Hữu Kiệm cũ"), ("huulap", "Xã Hữu Lập"), ("baonam", "Xã Bảo Nam")):
        assert f'details/?id={history.old[key].id}">{name}</a>' in lineage_card  # predecessors, linked
    history_table = page.split("Cán bộ theo dõi địa bàn")[1].split("</table>")[0]
    assert "Lê Văn Bình" in history_table and "đang theo dõi" in history_table
    assert "Nguyễn Văn An" in history_table and "Theo dõi xã cũ" in history_table
    assert re.search(r"Xã Hữu Lập</a> <span[^>]*>trước sắp xếp", history_table)
    assert "30/06/2025" in history_table and "01/01/2023" in history_table
    visits_table = page.split("Đợt đi cơ sở đến địa bàn")[1].split("</table>")[0]
    assert "Nắm tình hình Hữu Kiệm, Hữu Lập" in visits_table
    assert ">Xã Hữu Kiệm cũ</a>, <a" in visits_table  # the units of the time, both
    assert "Kiểm tra Mường Ải" not in visits_table

    old_page = text(leader.get(f"/admin/visit_locality/details/?id={history.old['muongai'].id}"))
    assert "đến 30/06/2025" in old_page and "đã kết thúc" in old_page
    assert "Xã Mường Xén" in old_page and "(60%)" in old_page and "(40%)" in old_page
    assert "Kiểm tra Mường Ải" in old_page


def test_locality_page_shows_only_the_visits_the_scope_allows(field, history, visited, as_user):
    staff_b = as_user("staff_b")
    page = text(staff_b.get(f"/admin/visit_locality/details/?id={history.merged.id}"))
    assert "Xã Hữu Lập" in page  # the lineage is reference data
    assert "Nắm tình hình Hữu Kiệm, Hữu Lập" not in page and f"id={visited.two.id}" not in page
    page = text(staff_b.get(f"/admin/visit_locality/details/?id={history.taca.id}"))
    assert "Làm việc với Đảng ủy xã Tà Cạ" in page and "Kiểm tra Mường Ải" not in page
    staff_a = as_user("staff_a")
    page = text(staff_a.get(f"/admin/visit_locality/details/?id={history.taca.id}"))
    assert "Kiểm tra Mường Ải" in page and "Làm việc với Đảng ủy xã Tà Cạ" not in page


def test_locality_list_and_form_lifetime(field, history, as_user):
    admin = as_user("admin")
    page = text(admin.get("/admin/visit_locality/"))
    assert "Thời gian tồn tại" in page and "đến 30/06/2025" in page and "từ 01/07/2025" in page
    form = text(admin.get(f"/admin/visit_locality/edit/?id={history.merged.id}"))
    assert "Từ ngày" in form and "Đến ngày" in form and 'value="01/07/2025"' in form
    path = f"/admin/visit_locality/edit/?id={history.merged.id}"
    data = {"csrf_token": token(admin, path), "code": "XA-HUUKIEM", "name": "Xã Hữu Kiệm", "kind": "xa",
            "parent": str(field.province.id), "valid_from": "01/07/2025", "valid_to": "30/06/2025",
            "position": "101", "active": "y"}
    response = admin.post(path, data=data)
    assert "Ngày kết thúc của địa bàn không được trước ngày bắt đầu." in text(response)
    assert Locality.get_by_id(history.merged.id).valid_to is None
    response = admin.post(path, data=dict(data, valid_to="31/12/2099"))
    assert response.status_code == 302
    assert Locality.get_by_id(history.merged.id).valid_to == date(2099, 12, 31)
    response = admin.post(path, data=dict(data, valid_to="31/02/2099"))
    assert "Ngày không hợp lệ" in text(response)


def test_locality_list_filter_ended(field, history, as_user):
    admin = as_user("admin")
    page = text(admin.get("/admin/visit_locality/"))
    index = _filter_index(page, "Tình trạng")
    ended = text(admin.get(f"/admin/visit_locality/?flt0_{index}=0"))
    assert "Xã Mường Ải" in ended and "Xã Tà Cạ" not in ended
    existing = text(admin.get(f"/admin/visit_locality/?flt0_{index}=1"))
    assert "Xã Tà Cạ" in existing and "Xã Mường Ải" not in existing


def _filter_index(page, label):
    import json
    found = re.search(r'var filter_groups_data = (\{.*?\});|data-filter-groups=\'([^\']*)\'', page, re.S)
    if found:
        groups = json.loads(found.group(1) or found.group(2))
    else:
        found = re.search(r'id="filter-groups-data"[^>]*>(.*?)</', page, re.S)
        groups = json.loads(found.group(1))
    for item in groups[label]:
        return item["index"]
    raise AssertionError(label)


# --- plans for units that have ended ------------------------------------------------------------------

def test_plan_problem_names_the_successors(history):
    old, plan = history.old, (date(2027, 3, 1), date(2027, 3, 2))
    problem = plan_localities_problem([old["huulap"].id], *plan)
    assert problem == ("Địa bàn không tồn tại vào thời gian của đợt: Xã Hữu Lập đã kết thúc ngày "
                       "30/06/2025, nay thuộc Xã Hữu Kiệm.")
    problem = plan_localities_problem([old["muongai"].id, history.merged.id], *plan)
    assert "Xã Mường Ải đã kết thúc ngày 30/06/2025, nay thuộc Xã Mường Xén, Xã Tà Cạ" in problem
    assert "Xã Hữu Kiệm " not in problem.replace("Xã Hữu Kiệm.", "")
    assert plan_localities_problem([history.merged.id, history.taca.id], *plan) is None
    assert plan_localities_problem([old["huulap"].id], date(2025, 3, 1), date(2025, 3, 2)) is None
    # a plan across the change day, and one for a unit not formed yet
    assert "đã kết thúc" in plan_localities_problem([old["huulap"].id], END, START)
    assert "Xã Hữu Kiệm chỉ có từ 01/07/2025" in plan_localities_problem([history.merged.id],
                                                                         date(2025, 6, 1), date(2025, 6, 2))
    assert plan_localities_problem([], *plan) is None


def test_a_2027_plan_for_an_ended_unit_is_refused_in_the_back_office(field, history, as_user):
    staff = as_user("staff_a")
    form_page = text(staff.get("/admin/visit/new/"))
    assert "Xã Mường Ải (đến 30/06/2025)" in form_page
    before = Visit.select().count()
    response = staff.post("/admin/visit/new/", data={
        "csrf_token": token(staff, "/admin/visit/new/"), "title": "Kiểm tra công tác tổ chức ở Mường Ải",
        "lead": str(field.officials["a"].id), "localities": [str(history.old["muongai"].id)],
        "start_date": "02/03/2027", "end_date": "03/03/2027", "main_topic": "nam_tinh_hinh",
        "methods": ["lam_viec_truc_tiep"], "partners": "Đảng ủy xã", "plan_text": "Làm việc với Đảng ủy xã."})
    page = text(response)
    assert response.status_code == 200
    assert ("Địa bàn không tồn tại vào thời gian của đợt: Xã Mường Ải đã kết thúc ngày 30/06/2025, "
            "nay thuộc Xã Mường Xén, Xã Tà Cạ.") in page
    assert Visit.select().count() == before
    assert not Visit.select().where(Visit.title == "Kiểm tra công tác tổ chức ở Mường Ải").exists()


def test_a_commune_that_outlived_its_district_stays_under_the_province(field, history, make_visit):
    Locality.update(valid_to=END).where(Locality.id == field.kyson.id).execute()
    visit = _done(make_visit, "a", date(2025, 10, 6), [field.namcan], "Đi Nậm Cắn")
    rows, _ = coverage_table(build_scope(field.users["leader"]), AS_OF, PERIOD_START, 180)
    by_name = _by_name(rows)
    assert "Huyện Kỳ Sơn" not in by_name
    assert by_name["Xã Nậm Cắn"].depth == 1 and by_name["Xã Nậm Cắn"].last_visit == visit.end_date
    assert by_name["Tỉnh Nghệ An"].visits_in_period == 1
    rows, _ = coverage_table(build_scope(field.users["leader"]), AS_OF, PERIOD_START, 180,
                             units=rules.UNITS_THEN)
    assert _by_name(rows)["Xã Nậm Cắn"].depth == 2  # under its district of the time
