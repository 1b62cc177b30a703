"""The dashboard's inboxes per role: each person sees what waits for them, linked to the record,
and never a record outside their scope; no button a role cannot use."""

from datetime import date, timedelta

from visitkit import text

from cms.timeutil import utcnow
from visits import vocab
from visits.joint import fingerprint
from visits.models import FollowUp, JointProposal, Visit


def submitted(make_visit, lead, title, days_ago):
    visit = make_visit(lead, state=vocab.SUBMITTED, title=title)
    Visit.update(submitted_at=utcnow() - timedelta(days=days_ago)).where(Visit.id == visit.id).execute()
    return visit


def test_leader_sees_plans_waiting_with_how_long(field, make_visit, as_user):
    plan = submitted(make_visit, "a", "Kế hoạch xã Nậm Cắn", 3)
    page = text(as_user("leader").get("/admin/"))
    assert "Kế hoạch chờ duyệt" in page
    assert "Kế hoạch xã Nậm Cắn" in page and "chờ 3 ngày" in page
    assert f"/admin/visit/details/?id={plan.id}" in page


def test_approving_clears_the_leaders_inbox(field, make_visit, as_user):
    plan = submitted(make_visit, "a", "Kế hoạch sẽ được duyệt", 1)
    Visit.update(state=vocab.APPROVED).where(Visit.id == plan.id).execute()
    assert "Kế hoạch sẽ được duyệt" not in text(as_user("leader").get("/admin/"))


def test_staff_see_their_returned_plans_and_own_overdue_follow_ups(field, make_visit, as_user):
    mine = make_visit("a", state=vocab.RETURNED, title="Kế hoạch bị trả của An")
    Visit.update(return_comment="Bổ sung thành phần đoàn").where(Visit.id == mine.id).execute()
    done = make_visit("a", state=vocab.APPROVED, title="Chuyến đã duyệt của An")
    FollowUp.create(visit=done, responsible="Đảng ủy xã", description="Rà soát hồ sơ đảng viên mới",
                    due_date=date.today() - timedelta(days=2))
    page = text(as_user("staff_a").get("/admin/"))
    assert "Kế hoạch bị trả của An" in page and "Bổ sung thành phần đoàn" in page
    assert "Rà soát hồ sơ đảng viên mới" in page
    assert f"/admin/visit/details/?id={mine.id}" in page
    assert "Kế hoạch chờ duyệt" not in page


def test_an_attacker_from_another_department_sees_none_of_it(field, make_visit, as_user):
    returned = make_visit("a", state=vocab.RETURNED, title="Kế hoạch kín phòng A")
    submitted(make_visit, "a2", "Kế hoạch chờ của phòng A", 2)
    FollowUp.create(visit=make_visit("a", state=vocab.APPROVED, title="Chuyến kín A"),
                    responsible="Chi bộ", description="Việc kín của phòng A",
                    due_date=date.today() - timedelta(days=5))
    other = make_visit("b", state=vocab.DRAFT, title="Kế hoạch phòng B")
    JointProposal.create(proposer_visit=other, target_visit=returned, proposed_by=field.users["staff_b"].id,
                         proposer_fingerprint=fingerprint(other), target_fingerprint=fingerprint(returned))
    for key in ("staff_b", "editor", "loner"):
        page = text(as_user(key).get("/admin/"))
        for secret in ("Kế hoạch kín phòng A", "Kế hoạch chờ của phòng A", "Việc kín của phòng A",
                       "Chuyến kín A"):
            assert secret not in page, (key, secret)
    # the target's planner answers the proposal: it shows in their inbox, linked to their plan
    page_a = text(as_user("staff_a").get("/admin/"))
    assert page_a.count(f"/admin/visit/details/?id={returned.id}") >= 2  # returned + proposal


def test_leader_sees_overdue_follow_ups_and_no_write_button(field, make_visit, as_user):
    FollowUp.create(visit=make_visit("b", state=vocab.APPROVED), responsible="Đảng ủy xã",
                    description="Báo cáo kết quả củng cố chi bộ", due_date=date.today() - timedelta(days=1))
    page = text(as_user("leader").get("/admin/"))
    assert "Báo cáo kết quả củng cố chi bộ" in page
    assert "Viết bài mới" not in page  # leaders may not create articles (RULES["article"]["create"])
    assert "Viết bài mới" in text(as_user("editor").get("/admin/"))


def test_editor_without_field_access_sees_pending_articles_not_visit_inboxes(field, as_user):
    page = text(as_user("editor").get("/admin/"))
    assert "Chờ duyệt" in page
    assert "visit-inboxes" not in page
