"""Coordination: a plan overlapping another department's plan for the same locality shows a warning
to both planners, who may combine them into one joint visit."""

from datetime import date, timedelta

from visitkit import post, text

from visits import vocab
from visits.models import PlanChange, Visit, VisitLocality, VisitParticipant


def test_both_planners_see_the_overlap_and_one_combines(field, make_visit, as_user):
    start = date.today() + timedelta(days=40)
    mine = make_visit("a", state=vocab.SUBMITTED, start=start, localities=[field.kyson],
                      title="Kế hoạch phòng A")
    theirs = make_visit("b", state=vocab.APPROVED, start=start + timedelta(days=3), localities=[field.kyson,
                        field.dienchau], title="Kế hoạch phòng B", topics=("cong_tac_can_bo",))
    far = make_visit("b", state=vocab.APPROVED, start=start + timedelta(days=30), localities=[field.kyson])
    same_dept = make_visit("a2", state=vocab.APPROVED, start=start, localities=[field.kyson])

    page_a = text(as_user("staff_a").get(f"/admin/visit/details/?id={mine.id}"))
    assert "Trùng địa bàn với kế hoạch của phòng khác" in page_a
    assert "Phòng Cán bộ" in page_a and "Lê Văn Bình" in page_a and f"#{theirs.id}" in page_a
    assert f"#{far.id}" not in page_a and f"#{same_dept.id} " not in page_a
    assert "Kế hoạch phòng B" not in page_a  # the other plan's title and text stay hidden
    page_b = text(as_user("staff_b").get(f"/admin/visit/details/?id={theirs.id}"))
    assert "Trùng địa bàn" in page_b and f"#{mine.id}" in page_b
    dashboard = text(as_user("leader").get("/admin/visit-dashboard/"))
    assert f"#{mine.id}" in dashboard and f"#{theirs.id}" in dashboard

    # Guessing an id that does not overlap gives nothing.
    assert post(as_user("staff_a"), f"/admin/visit/combine/{mine.id}/{far.id}").status_code == 404
    response = post(as_user("staff_a"), f"/admin/visit/combine/{mine.id}/{theirs.id}", {"keep": "mine"})
    assert response.status_code == 302
    joint, absorbed = Visit.get_by_id(mine.id), Visit.get_by_id(theirs.id)
    assert absorbed.state == vocab.CANCELLED and absorbed.merged_into_id == joint.id
    assert joint.state == vocab.SUBMITTED  # a planner's joint plan goes (back) for approval
    assert (joint.start_date, joint.end_date) == (start, theirs.end_date)
    assert {p for (p,) in VisitParticipant.select(VisitParticipant.official)
            .where(VisitParticipant.visit == joint.id).tuples()} == {field.officials["b"].id}
    assert {loc for (loc,) in VisitLocality.select(VisitLocality.locality)
            .where(VisitLocality.visit == joint.id).tuples()} == {field.kyson.id, field.dienchau.id}
    assert PlanChange.select().where(PlanChange.visit == joint.id).exists()
    # Department B now sees the joint visit (one of its officials takes part).
    assert as_user("staff_b").get(f"/admin/visit/details/?id={joint.id}").status_code == 200
    assert "Trùng địa bàn" not in text(as_user("staff_a").get(f"/admin/visit/details/?id={joint.id}"))


def test_a_colleague_who_is_not_a_planner_cannot_combine(field, make_visit, as_user):
    start = date.today() + timedelta(days=40)
    mine = make_visit("a", state=vocab.DRAFT, start=start)
    theirs = make_visit("b", state=vocab.DRAFT, start=start)
    assert post(as_user("staff_a2"), f"/admin/visit/combine/{mine.id}/{theirs.id}").status_code == 403
    assert Visit.get_by_id(theirs.id).state == vocab.DRAFT
