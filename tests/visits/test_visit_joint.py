"""Joint visits by consent: one planner proposes, the other side (its planner, or a leader involved
in neither plan) accepts or declines; until then nothing of either plan changes and neither side
learns more of the other. And the one rule of review: nobody leaves a plan approved that they
created, lead or take part in, by any path."""

import re
from datetime import date, timedelta

import pytest
from visitkit import post, text

from cms.audit import AuditEntry
from visits import vocab
from visits.models import (
    Department,
    JointProposal,
    Official,
    PlanChange,
    Visit,
    VisitLocality,
    VisitParticipant,
)

START = date.today() + timedelta(days=40)
_KEY = re.compile(r'name="key" value="([0-9a-f]+)"')


def participants(visit):
    return {p for (p,) in VisitParticipant.select(VisitParticipant.official)
            .where(VisitParticipant.visit == visit.id).tuples()}


def snapshot(visit):
    v = Visit.get_by_id(visit.id)
    return (v.title, v.state, v.start_date, v.end_date, v.plan_text, v.version, participants(v),
            v.merged_into_id)


def propose(client, visit, keep="proposer", message="Đề nghị đi chung một đoàn."):
    """Propose from `visit`'s page, with the key the page's overlap notice offers."""
    page = text(client.get(f"/admin/visit/details/?id={visit.id}"))
    key = _KEY.search(page)
    assert key, "the overlap notice offers no proposal"
    return post(client, f"/admin/visit/joint/propose/{visit.id}",
                {"key": key.group(1), "keep": keep, "message": message})


@pytest.fixture
def pair(field, make_visit):
    """Department A's approved plan and department B's draft for the same place and days."""
    a = make_visit("a", state=vocab.APPROVED, start=START, localities=[field.kyson], title="Kế hoạch kín A")
    b = make_visit("b", state=vocab.DRAFT, start=START + timedelta(days=1), localities=[field.kyson],
                   title="Kế hoạch phòng B")
    return a, b


def test_proposing_changes_nothing_and_reveals_nothing(field, pair, as_user):
    a, b = pair
    before_a, before_b = snapshot(a), snapshot(b)
    staff_b = as_user("staff_b")
    assert propose(staff_b, b, keep="target").status_code == 302
    assert (snapshot(a), snapshot(b)) == (before_a, before_b)
    proposal = JointProposal.get()
    assert proposal.state == vocab.JOINT_PENDING and proposal.keep == "target"
    # B still may not open A's plan, its report or its record export.
    for path in (f"/admin/visit/details/?id={a.id}", f"/admin/visit/report/{a.id}",
                 f"/admin/visit/export-record/{a.id}/csv"):
        assert staff_b.get(path).status_code == 404
    # Both sides see the proposal's state; B's page shows A's department and dates, no more.
    page_b = text(staff_b.get(f"/admin/visit/details/?id={b.id}"))
    assert "Chờ phòng kia trả lời" in page_b and "Phòng Tổ chức đảng" in page_b
    assert "Kế hoạch kín A" not in page_b and "Nguyễn Văn An" not in page_b
    page_a = text(as_user("staff_a").get(f"/admin/visit/details/?id={a.id}"))
    assert "Phòng Cán bộ</strong> đề nghị đi chung" in page_a and "Đề nghị đi chung một đoàn." in page_a
    assert "Kế hoạch phòng B" not in page_a and "Lê Văn Bình" not in page_a
    assert "Đồng ý đi chung" in page_a
    # The dashboard tells A's planner there is something to answer.
    assert "Cần trả lời" in text(as_user("staff_a").get("/admin/visit-dashboard/"))
    assert AuditEntry.select().where(AuditEntry.action == "joint_propose").count() == 2  # on both plans


def test_only_the_other_side_accepts_and_then_both_see_the_joint_visit(field, pair, as_user):
    a, b = pair
    staff_b = as_user("staff_b")
    propose(staff_b, b, keep="target")
    proposal = JointProposal.get()
    before = (snapshot(a), snapshot(b))
    # Not the proposer, not a colleague of either side who plans neither, not an outsider.
    for key, status in (("staff_b", 403), ("staff_a2", 403), ("editor", 403), ("loner", 403)):
        response = post(as_user(key), f"/admin/visit/joint/{proposal.id}/accept")
        assert response.status_code == status, key
    assert (snapshot(a), snapshot(b)) == before
    assert post(as_user("staff_a"), f"/admin/visit/joint/{proposal.id}/accept").status_code == 302
    joint, absorbed = Visit.get_by_id(a.id), Visit.get_by_id(b.id)
    assert absorbed.state == vocab.CANCELLED and absorbed.merged_into_id == joint.id
    # A planner's agreement is no approval: the changed joint plan goes for approval.
    assert joint.state == vocab.SUBMITTED
    assert participants(joint) == {field.officials["b"].id}
    assert staff_b.get(f"/admin/visit/details/?id={joint.id}").status_code == 200
    assert JointProposal.get_by_id(proposal.id).state == vocab.JOINT_ACCEPTED
    assert PlanChange.select().where(PlanChange.visit == joint.id).exists()
    assert AuditEntry.select().where(AuditEntry.action == "joint_accept").count() == 2
    # Answered once: a second answer is refused.
    assert post(as_user("staff_a"), f"/admin/visit/joint/{proposal.id}/decline").status_code == 403


def test_keep_mine_cancels_nothing_until_accepted_and_a_refusal_changes_nothing(field, pair, as_user):
    a, b = pair
    before = (snapshot(a), snapshot(b))
    propose(as_user("staff_b"), b, keep="proposer")
    proposal = JointProposal.get()
    assert (snapshot(a), snapshot(b)) == before
    post(as_user("staff_a"), f"/admin/visit/joint/{proposal.id}/decline", {"comment": "Đã có lịch riêng."})
    assert (snapshot(a), snapshot(b)) == before
    assert JointProposal.get_by_id(proposal.id).state == vocab.JOINT_DECLINED
    assert "Đã có lịch riêng." in text(as_user("staff_b").get(f"/admin/visit/details/?id={b.id}"))
    # Accepted this time: B's plan is kept, A's is cancelled into it, with A's consent.
    propose(as_user("staff_b"), b, keep="proposer")
    second = JointProposal.select().order_by(JointProposal.id.desc()).get()
    post(as_user("staff_a"), f"/admin/visit/joint/{second.id}/accept")
    assert Visit.get_by_id(a.id).state == vocab.CANCELLED and Visit.get_by_id(a.id).merged_into_id == b.id
    assert f"Nội dung gộp từ kế hoạch #{a.id}" in Visit.get_by_id(b.id).plan_text


def test_a_proposal_lapses_when_a_plan_changes_after_it(field, pair, as_user):
    a, b = pair
    propose(as_user("staff_b"), b, keep="target")
    proposal = JointProposal.get()
    Visit.update(end_date=START + timedelta(days=3)).where(Visit.id == b.id).execute()
    before = (snapshot(a), snapshot(b))
    response = post(as_user("staff_a"), f"/admin/visit/joint/{proposal.id}/accept", follow_redirects=True)
    assert "hết hiệu lực" in text(response)
    assert (snapshot(a), snapshot(b)) == before
    assert JointProposal.get_by_id(proposal.id).state == vocab.JOINT_LAPSED


def test_the_proposer_may_withdraw_and_a_guessed_key_or_id_finds_nothing(field, pair, make_visit, as_user):
    a, b = pair
    staff_b = as_user("staff_b")
    bogus = post(staff_b, f"/admin/visit/joint/propose/{b.id}", {"key": "0" * 24, "keep": "target"})
    assert bogus.status_code == 404 and not JointProposal.select().exists()
    far = make_visit("a", state=vocab.APPROVED, start=START + timedelta(days=90), localities=[field.kyson])
    from visits.joint import overlap_key
    with staff_b.application.test_request_context():
        far_key = overlap_key(b.id, far.id)
    far_post = post(staff_b, f"/admin/visit/joint/propose/{b.id}", {"key": far_key, "keep": "target"})
    assert far_post.status_code == 404
    propose(staff_b, b)
    proposal = JointProposal.get()
    assert post(as_user("staff_a"), f"/admin/visit/joint/{proposal.id}/withdraw").status_code == 403
    assert post(staff_b, f"/admin/visit/joint/{proposal.id}/withdraw").status_code == 302
    assert JointProposal.get_by_id(proposal.id).state == vocab.JOINT_WITHDRAWN
    # For field staff of a third department, a proposal they may not see and one that does not exist
    # answer alike.
    dept_c = Department.create(code="C", name="Phòng Bảo vệ chính trị nội bộ", position=3)
    Official.create(code="OC", full_name="Đỗ Văn Cường", department=dept_c, user=field.users["loner"].id)
    third = as_user("loner")
    hidden = post(third, f"/admin/visit/joint/{proposal.id}/accept")
    absent = post(third, "/admin/visit/joint/999999/accept")
    assert hidden.status_code == absent.status_code == 404
    assert text(hidden) == text(absent)


def test_a_colleague_who_is_not_a_planner_cannot_propose(field, pair, as_user):
    a, b = pair
    page = text(as_user("staff_b").get(f"/admin/visit/details/?id={b.id}"))
    key = _KEY.search(page).group(1)
    # An official of B's department who does not plan it may see it, but not propose.
    Official.update(user=field.users["loner"].id).where(Official.id == field.officials["b2"].id).execute()
    response = post(as_user("loner"), f"/admin/visit/joint/propose/{b.id}", {"key": key, "keep": "target"})
    assert response.status_code == 403 and not JointProposal.select().exists()


# --- the one rule of review -----------------------------------------------------------------------

def _leaders_own_plan(field, make_visit, state):
    """A plan the leader account created (department A's official leads it)."""
    visit = make_visit("a", state=state, start=START, localities=[field.kyson])
    Visit.update(created_by=field.users["leader"].id).where(Visit.id == visit.id).execute()
    return Visit.get_by_id(visit.id)


def test_a_leader_does_not_approve_their_own_plan_by_a_joint_visit(field, make_visit, as_user):
    """Hole 2: a leader's own submitted plan combined with an approved plan came out approved."""
    own = _leaders_own_plan(field, make_visit, vocab.SUBMITTED)
    make_visit("b", state=vocab.APPROVED, start=START, localities=[field.kyson])
    leader = as_user("leader")
    propose(leader, own, keep="proposer")
    proposal = JointProposal.get()
    assert post(leader, f"/admin/visit/joint/{proposal.id}/accept").status_code == 403
    post(as_user("staff_b"), f"/admin/visit/joint/{proposal.id}/accept")
    assert Visit.get_by_id(own.id).state == vocab.SUBMITTED
    # And the leader still may not approve the joint plan they created.
    post(leader, f"/admin/visit/transition/{own.id}", {"name": "approve"})
    assert Visit.get_by_id(own.id).state == vocab.SUBMITTED
    # A leader involved in neither plan may approve it.
    assert post(as_user("admin"), f"/admin/visit/transition/{own.id}", {"name": "approve"}).status_code == 302
    assert Visit.get_by_id(own.id).state == vocab.APPROVED


def test_a_neutral_leader_agreeing_keeps_two_approved_plans_approved(field, make_visit, as_user):
    a = make_visit("a", state=vocab.APPROVED, start=START, localities=[field.kyson])
    b = make_visit("b", state=vocab.APPROVED, start=START, localities=[field.kyson])
    propose(as_user("staff_b"), b, keep="target")
    proposal = JointProposal.get()
    post(as_user("leader"), f"/admin/visit/joint/{proposal.id}/accept")
    assert Visit.get_by_id(a.id).state == vocab.APPROVED and Visit.get_by_id(b.id).state == vocab.CANCELLED


def test_a_leader_rewriting_their_own_approved_plan_sends_it_back(field, make_visit, as_user):
    """Hole 2: a leader's approved plan rewritten by that leader stayed approved."""
    own = _leaders_own_plan(field, make_visit, vocab.APPROVED)
    data = {"title": "Đổi ngày, đổi nơi", "lead": str(field.officials["a"].id),
            "localities": [str(field.dienchau.id)],
            "start_date": (START + timedelta(days=9)).strftime("%d/%m/%Y"),
            "end_date": (START + timedelta(days=10)).strftime("%d/%m/%Y"), "main_topic": "nam_tinh_hinh",
            "reason": "Đổi lịch"}
    assert post(as_user("leader"), f"/admin/visit/change/{own.id}", data).status_code == 302
    changed = Visit.get_by_id(own.id)
    assert changed.title == "Đổi ngày, đổi nơi" and changed.state == vocab.SUBMITTED
    assert {loc for (loc,) in VisitLocality.select(VisitLocality.locality)
            .where(VisitLocality.visit == own.id).tuples()} == {field.dienchau.id}


def test_a_leader_who_takes_part_neither_approves_nor_keeps_an_approval(field, make_visit, as_user):
    Official.update(user=field.users["leader"].id).where(Official.id == field.officials["b2"].id).execute()
    submitted = make_visit("a", state=vocab.SUBMITTED, participants=["b2"])
    post(as_user("leader"), f"/admin/visit/transition/{submitted.id}", {"name": "approve"})
    assert Visit.get_by_id(submitted.id).state == vocab.SUBMITTED
    approved = make_visit("a", state=vocab.APPROVED)
    data = {"title": "Thêm lãnh đạo cùng đi", "lead": str(field.officials["a"].id),
            "participants": [str(field.officials["b2"].id)], "localities": [str(field.kyson.id)],
            "start_date": approved.start_date.strftime("%d/%m/%Y"),
            "end_date": approved.end_date.strftime("%d/%m/%Y"), "main_topic": "nam_tinh_hinh",
            "reason": "Lãnh đạo cùng đi"}
    post(as_user("leader"), f"/admin/visit/change/{approved.id}", data)
    assert Visit.get_by_id(approved.id).state == vocab.SUBMITTED  # took part after the change
