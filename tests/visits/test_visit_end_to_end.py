"""The staff path end to end: plan a visit, submit, a leader approves, the staff member writes the
report with a follow-up item, confirms it done, and it shows on the dashboards."""

import re
from datetime import timedelta

from visitkit import post, text, token

from cms.audit import AuditEntry
from visits import vocab
from visits.calendar import today_local
from visits.models import FollowUp, Visit, VisitReport, VisitSearchText


def test_plan_submit_approve_report_follow_up_dashboards(field, as_user):
    today = today_local()  # the app's today: Vietnam's date
    start = today - timedelta(days=today.weekday() + 14)  # a Monday two weeks ago or more
    end = start + timedelta(days=1)
    staff = as_user("staff_a")

    form_page = text(staff.get("/admin/visit/new/"))
    assert "Cán bộ chủ trì" in form_page and "Xã Nậm Cắn" in form_page
    response = staff.post("/admin/visit/new/", data={
        "csrf_token": token(staff,
                            "/admin/visit/new/"), "title": "Nắm tình hình phát triển đảng viên ở Nậm Cắn",
        "lead": str(field.officials["a"].id), "participants": [str(field.officials["a2"].id)],
        "localities": [str(field.namcan.id)], "start_date": start.strftime("%d/%m/%Y"),
        "end_date": end.strftime("%d/%m/%Y"), "main_topic": "phat_trien_dang_vien",
        "other_topics": ["nam_tinh_hinh", "cung_co_co_so"], "methods": ["lam_viec_truc_tiep", "don_thu"],
        "partners": "Đảng ủy xã Nậm Cắn; bí thư chi bộ các bản", "plan_text": "Làm việc với Đảng ủy xã."})
    assert response.status_code == 302, text(response)
    visit = Visit.get(Visit.title == "Nắm tình hình phát triển đảng viên ở Nậm Cắn")
    assert (visit.state, visit.department_id, visit.main_topic) == (vocab.DRAFT, field.dept_a.id,
                                                                    "phat_trien_dang_vien")
    assert visit.created_by_id == field.users["staff_a"].id
    folded = VisitSearchText.get_by_id(visit.id).text
    assert "nam can" in folded and "phat trien dang vien" in folded

    assert post(staff, f"/admin/visit/transition/{visit.id}", {"name": "submit"}).status_code == 302
    leader = as_user("leader")
    assert "Trình duyệt" not in text(leader.get(f"/admin/visit/details/?id={visit.id}"))
    assert post(leader, f"/admin/visit/transition/{visit.id}", {"name": "approve", "comment": "Đồng ý"}
                ).status_code == 302
    assert Visit.get_by_id(visit.id).state == vocab.APPROVED

    report_page = f"/admin/visit/report/{visit.id}"
    response = staff.post(report_page, data={
        "csrf_token": token(staff, report_page),
        "findings": "Xã đã kết nạp 5 đảng viên mới; còn 2 bản chưa có đảng viên.",
        "proposals": "Đề nghị Huyện ủy Kỳ Sơn hỗ trợ tạo nguồn ở bản Huồi Khe.",
        "lessons": "Cần gửi đề cương trước cho xã."})
    assert response.status_code == 302
    due = today - timedelta(days=2)
    response = staff.post(f"/admin/visit/follow-up/add/{visit.id}", data={
        "csrf_token": token(staff, report_page), "responsible": "Đảng ủy xã Nậm Cắn",
        "description": "Báo cáo kết quả tạo nguồn đảng viên ở bản Huồi Khe",
        "due_date": due.strftime("%d/%m/%Y"), "official": str(field.officials["a"].id)})
    assert response.status_code == 302
    assert FollowUp.get(FollowUp.visit == visit.id).due_date == due
    assert post(staff, f"/admin/visit/transition/{visit.id}", {"name": "complete"}).status_code == 302
    done = Visit.get_by_id(visit.id)
    assert done.state == vocab.DONE and "huoi khe" in VisitSearchText.get_by_id(visit.id).text
    assert VisitReport.get(VisitReport.visit == visit.id).lessons == "Cần gửi đề cương trước cho xã."
    actions = [e.action for e in AuditEntry.select().where(AuditEntry.object_id == str(visit.id))
               .order_by(AuditEntry.id)]
    assert actions[:4] == ["create", "transition", "transition", "create"] and actions[-1] == "transition"

    # The dashboards, as the staff member and as the leader.
    for client in (staff, leader):
        field_days = text(client.get(f"/admin/visit-dashboard/field-days?year={start.year}"))
        row = re.search(r"<tr[^>]*><td>Nguyễn Văn An</td><td>[^<]*</td><td>(\d+)</td>", field_days)
        assert row and int(row.group(1)) >= 2, field_days[-3000:]
        assert re.search(r"<tr[^>]*><td>Trần Thị Ánh</td><td>[^<]*</td><td>[1-9]", field_days)
        assert "Mục tiêu 1/3" in field_days and "<svg" in field_days
        months = text(client.get("/admin/visit-dashboard/months"))
        assert f"<td>{start:%m/%Y}</td><td>1</td>" in months
        overdue = text(client.get("/admin/visit-dashboard/follow-ups"))
        assert "Báo cáo kết quả tạo nguồn đảng viên ở bản Huồi Khe" in overdue and "2 ngày" in overdue
        coverage = text(client.get("/admin/visit-dashboard/coverage?level=all"))
        assert end.strftime("%d/%m/%Y") in coverage
        assert re.search(r'<tr class="stale"><td>[^<]*<span title="Vùng sâu, vùng xa">▲ </span>'
                         r'<a [^>]*>Huyện Diễn Châu', coverage) is None  # Diễn Châu is not remote
        assert re.search(r'<tr class="stale"><td>[^<]*<a [^>]*>Huyện Diễn Châu</a>', coverage)
        index = text(client.get("/admin/visit-dashboard/"))
        assert "Việc cần theo dõi đã quá hạn: 1" in index
    # Another department's staff sees none of it.
    other = as_user("staff_b")
    assert "Huồi Khe" not in text(other.get("/admin/visit-dashboard/follow-ups"))
    assert "Nguyễn Văn An" not in text(other.get("/admin/visit-dashboard/field-days"))
