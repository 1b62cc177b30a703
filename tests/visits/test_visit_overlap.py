"""Coordination: a plan overlapping another department's submitted or approved plan for the same
locality shows a notice to both planners, telling only what coordination needs: the department, the
shared locality and the dates (never drafts, titles, plan text or people of a plan the viewer may not
open)."""

from datetime import date, timedelta

from visitkit import post, text

from visits import vocab
from visits.models import Visit


def test_the_notice_names_the_department_place_and_dates_only(field, make_visit, as_user):
    start = date.today() + timedelta(days=40)
    mine = make_visit("a", state=vocab.SUBMITTED, start=start, localities=[field.kyson],
                      title="Kế hoạch phòng A")
    theirs = make_visit("b", state=vocab.APPROVED, start=start + timedelta(days=3), localities=[field.kyson,
                        field.dienchau], title="Kế hoạch phòng B", topics=("cong_tac_can_bo",))
    far = make_visit("b", state=vocab.APPROVED, start=start + timedelta(days=30), localities=[field.kyson])
    same_dept = make_visit("a2", state=vocab.APPROVED, start=start, localities=[field.kyson])

    page_a = text(as_user("staff_a").get(f"/admin/visit/details/?id={mine.id}"))
    assert "Trùng địa bàn với kế hoạch của phòng khác" in page_a
    assert "Phòng Cán bộ" in page_a and "Huyện Kỳ Sơn" in page_a
    assert (start + timedelta(days=3)).strftime("%d/%m/%Y") in page_a
    # Nothing that identifies the other plan or its people.
    assert "Kế hoạch phòng B" not in page_a and "Lê Văn Bình" not in page_a
    assert f"#{theirs.id}" not in page_a and f"id={theirs.id}" not in page_a
    assert "Đã duyệt" not in page_a.split("visit-overlaps")[1].split("</section>")[0]
    assert f"#{far.id}" not in page_a and f"#{same_dept.id} " not in page_a
    page_b = text(as_user("staff_b").get(f"/admin/visit/details/?id={theirs.id}"))
    assert "Trùng địa bàn" in page_b and "Phòng Tổ chức đảng" in page_b
    assert "Kế hoạch phòng A" not in page_b and "Nguyễn Văn An" not in page_b
    # A leader, who may open both, gets the links.
    page_leader = text(as_user("leader").get(f"/admin/visit/details/?id={mine.id}"))
    assert f"#{theirs.id} Kế hoạch phòng B" in page_leader
    dashboard = text(as_user("leader").get("/admin/visit-dashboard/"))
    assert f"#{mine.id}" in dashboard and f"#{theirs.id}" in dashboard


def test_drafts_of_other_departments_are_nobodys_business(field, make_visit, as_user):
    """Hole 3: a draft spanning every locality and two months listed other departments' plans,
    drafts included, with id, lead, dates and state."""
    start = date.today() + timedelta(days=40)
    wide = make_visit("a", state=vocab.DRAFT, start=start, end=start + timedelta(days=59),
                      localities=[field.province, field.kyson, field.namcan, field.dienchau])
    draft_b = make_visit("b", state=vocab.DRAFT, start=start + timedelta(days=5),
                         localities=[field.dienchau], title="Dự thảo kín của phòng B")
    returned_b = make_visit("b2", state=vocab.RETURNED, start=start + timedelta(days=6),
                            localities=[field.namcan])
    submitted_b = make_visit("b", state=vocab.SUBMITTED, start=start + timedelta(days=9),
                             localities=[field.kyson])
    page = text(as_user("staff_a").get(f"/admin/visit/details/?id={wide.id}"))
    panel = page.split("visit-overlaps")[1].split("</section>")[0]
    assert panel.count("Phòng Cán bộ") == 1  # the submitted plan only
    assert (start + timedelta(days=9)).strftime("%d/%m/%Y") in panel
    for hidden in (draft_b, returned_b):
        assert hidden.start_date.strftime("%d/%m/%Y") not in panel
    assert "Dự thảo kín" not in page and "Hồ Thị Bảo" not in page and "Lê Văn Bình" not in page
    for other in (draft_b, returned_b, submitted_b):
        assert f"#{other.id}" not in panel
    # The dashboard's list of overlapping plans follows the same rule.
    dashboard = text(as_user("staff_a").get("/admin/visit-dashboard/"))
    assert f"#{draft_b.id} " not in dashboard and f"#{submitted_b.id} " not in dashboard
    assert f"id={submitted_b.id}" not in dashboard and "Dự thảo kín" not in dashboard


def test_the_old_combine_endpoint_is_gone(field, make_visit, as_user):
    """Hole 1: POST /admin/visit/combine/<own>/<other> with keep=other joined another department's plan
    without its consent."""
    start = date.today() + timedelta(days=40)
    theirs = make_visit("a", state=vocab.APPROVED, start=start, localities=[field.kyson])
    mine = make_visit("b", state=vocab.DRAFT, start=start, localities=[field.kyson])
    for keep in ("other", "mine"):
        response = post(as_user("staff_b"), f"/admin/visit/combine/{mine.id}/{theirs.id}", {"keep": keep})
        assert response.status_code == 404
    assert Visit.get_by_id(theirs.id).state == vocab.APPROVED
    assert Visit.get_by_id(mine.id).state == vocab.DRAFT
    assert as_user("staff_b").get(f"/admin/visit/details/?id={theirs.id}").status_code == 404
