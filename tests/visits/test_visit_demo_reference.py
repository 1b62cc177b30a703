"""Demo data through load-demo (idempotent, every state, varied text) and the reference screens:
rotation keeps history, a locality shows who follows it now and who did before."""

from datetime import date

from peewee import fn
from visitkit import post, text

from cms.audit import AuditEntry
from visits import vocab
from visits.models import (
    Assignment,
    CalendarDay,
    Department,
    FollowUp,
    Locality,
    Official,
    ReviewMeeting,
    Visit,
    VisitReport,
    VisitSearchText,
)


def test_load_demo_twice_adds_visit_data_once(cli):
    first = cli("load-demo")
    assert first.exit_code == 0, first.output
    assert "Đi cơ sở: thêm" in first.output and "300 đợt đi cơ sở" in first.output
    counts = [m.select().count() for m in (Department, Official, Locality, Assignment, CalendarDay, Visit,
                                           VisitReport, FollowUp, ReviewMeeting)]
    second = cli("load-demo")
    assert second.exit_code == 0 and "0 đợt đi cơ sở" in second.output
    assert counts == [m.select().count() for m in (Department, Official, Locality, Assignment, CalendarDay,
                                                   Visit, VisitReport, FollowUp, ReviewMeeting)]
    assert 25 <= counts[1] <= 40 and counts[5] == 300
    assert {s for (s,) in Visit.select(Visit.state).distinct().tuples()} == {code for code, _ in vocab.STATES}
    assert Locality.select().where(Locality.kind == "dang_bo_truc_thuoc").count() >= 2
    assert Locality.select().where(Locality.remote == True).count() >= 5  # noqa: E712
    assert CalendarDay.select().where(CalendarDay.day == date(2027, 9, 2)).exists()
    findings = {r.findings.split(".")[0] for r in VisitReport.select()}
    assert len(findings) > 20
    assert VisitSearchText.select().where(VisitSearchText.text.contains("ky son")).exists()
    per_locality = (Assignment.select(Assignment.locality, fn.COUNT(Assignment.id))
                    .group_by(Assignment.locality).tuples())
    assert max(count for _, count in per_locality) >= 3  # rotations keep the former followers


def test_rotation_closes_the_previous_assignment_and_keeps_history(field, as_user):
    old = Assignment.create(official=field.officials["a"], locality=field.kyson, start_date=date(2024, 1, 1))
    leader = as_user("leader")
    response = post(leader, "/admin/visit_assignment/new/", {
        "official": str(field.officials["a2"].id), "locality": str(field.kyson.id),
        "start_date": "01/07/2025", "end_date": "", "note": "Luân chuyển địa bàn"})
    assert response.status_code == 302, text(response)
    assert Assignment.get_by_id(old.id).end_date == date(2025, 6, 30)
    assert Assignment.select().where(Assignment.locality == field.kyson).count() == 2
    page = text(leader.get(f"/admin/visit_locality/details/?id={field.kyson.id}"))
    assert "Trần Thị Ánh" in page and "đang theo dõi" in page
    assert "Nguyễn Văn An" in page and "30/06/2025" in page
    assert AuditEntry.select().where(AuditEntry.object_type == "visit_assignment").exists()
    listing = text(leader.get("/admin/visit_locality/"))
    assert "Trần Thị Ánh" in listing


def test_reference_data_is_kept_by_leaders_and_read_by_staff(field, as_user):
    staff = as_user("staff_a")
    assert staff.get("/admin/visit_locality/").status_code == 200
    assert staff.get("/admin/visit_locality/new/").status_code == 403
    response = post(staff, "/admin/visit_department/new/", {"code": "X", "name": "Phòng X", "position": "3"})
    assert response.status_code == 403 and not Department.select().where(Department.code == "X").exists()
    leader = as_user("leader")
    post(leader, "/admin/visit_department/new/", {"code": "X", "name": "Phòng X", "position": "3",
                                                  "active": "y"})
    assert Department.select().where(Department.code == "X").exists()
    # A department in use is not deleted (the rows under it would go with it).
    post(leader, "/admin/visit_department/delete/", {"id": str(field.dept_a.id)})
    assert Department.select().where(Department.id == field.dept_a.id).exists()
    search = text(staff.get("/admin/visit_locality/?search=ky+son"))
    assert "Huyện Kỳ Sơn" in search and "Huyện Diễn Châu" not in search
