"""A second pair of eyes on joint visits by consent, the one rule of review, sessions and the login
lockout, attacking with ordinary accounts. Each test here is an attack; what it asserts is what the
attacker must not get.

Every test makes its own plans in its own locality, so that the overlap notices of one test never
offer another test's plans (the world is shared by the module).
"""

import re
from datetime import date, timedelta
from itertools import count
from types import SimpleNamespace

import pytest
from seckit import PASSWORD, login, text_of, token

from cms.accounts import create_user
from cms.db import database
from visits import vocab
from visits.models import (
    Department,
    JointProposal,
    Locality,
    Official,
    Visit,
    VisitLocality,
    VisitParticipant,
    VisitTopic,
)
from visits.workflow import refresh_search_text

START = date.today() + timedelta(days=45)
_KEY = re.compile(r'name="key" value="([0-9a-f]+)"')
_serial = count(1)


@pytest.fixture(scope="module")
def red(sec_app, world):
    """A third department with its own field staff, and a leader linked to an official of
    department A (a leader who also plans and takes part in visits)."""
    with sec_app.app_context(), database.connection_context():
        dept_c = Department.create(code="RC", name="Phòng Bảo vệ chính trị nội bộ", position=3)
        users = {"field_c": create_user("red_field_c", PASSWORD, "staff", full_name="Cán bộ phòng C"),
                 "leader_a": create_user("red_leader_a", PASSWORD, "leader", full_name="Lãnh đạo phòng A")}
        official_c = Official.create(code="ROC", full_name="Đỗ Văn Cường", department=dept_c,
                                     user=users["field_c"].id)
        official_leader = Official.create(code="ROL", full_name="Vũ Thị Lãnh", department=world.field.dept_a,
                                          user=users["leader_a"].id)
    return SimpleNamespace(dept_c=dept_c, users=users, official_c=official_c, official_leader=official_leader,
                           official_a=world.field.official_a, official_b=world.field.official_b)


@pytest.fixture
def user_of(world, red):
    """user_of("field_c") -> that account (the world's or this module's)."""
    return lambda key: red.users.get(key) or world.users[key]


@pytest.fixture
def as_(sec_app, user_of):
    """as_("field_a") -> a client logged in as that account."""
    def make(key):
        client = sec_app.test_client()
        assert login(client, user_of(key).username).status_code == 302
        return client
    return make


@pytest.fixture
def place(sec_app):
    """A locality of this test alone."""
    with sec_app.app_context(), database.connection_context():
        return Locality.create(code=f"RT{next(_serial)}", name=f"Xã Thử Nghiệm {next(_serial)}", kind="xa")


@pytest.fixture
def plan(sec_app, place):
    """plan(lead_official, state, title=..., text=..., participants=[...], created_by=user, days=0)."""
    def make(lead, state=vocab.APPROVED, title="Kế hoạch", text="Nội dung kế hoạch.", participants=(),
             created_by=None, days=0):
        with sec_app.app_context(), database.connection_context():
            start = START + timedelta(days=days)
            visit = Visit.create(title=title, lead=lead, department=lead.department_id, start_date=start,
                                 end_date=start + timedelta(days=1), main_topic="nam_tinh_hinh", state=state,
                                 created_by=created_by.id if created_by else lead.user_id, plan_text=text)
            VisitTopic.create(visit=visit, topic="nam_tinh_hinh", is_main=True)
            VisitLocality.create(visit=visit, locality=place)
            for official in participants:
                VisitParticipant.create(visit=visit, official=official)
            refresh_search_text(visit.id)
            return Visit.get_by_id(visit.id)
    return make


def _post(client, path, data=None):
    data = dict(data or {})
    data.setdefault("csrf_token", token(client))
    return client.post(path, data=data)


def _propose(client, visit, keep="proposer", message="Đi chung một đoàn cho gọn."):
    page = text_of(client.get(f"/admin/visit/details/?id={visit.id}"))
    key = _KEY.search(page)
    assert key, "the overlap notice offers no proposal"
    return _post(client, f"/admin/visit/joint/propose/{visit.id}", {"key": key.group(1), "keep": keep,
                                                                    "message": message})


def _last_proposal(sec_app):
    with sec_app.app_context(), database.connection_context():
        return JointProposal.select().order_by(JointProposal.id.desc()).get()


def _fresh(sec_app, visit):
    with sec_app.app_context(), database.connection_context():
        return Visit.get_by_id(visit.id)


# --- consent to a joint visit is informed consent --------------------------------------------------

def test_joint_acceptor_is_told_every_department_that_will_see_their_plan(sec_app, as_, red, plan):
    """B's plan takes along an official of department C. A's planner is asked to agree to B's
    people joining A's plan; agreeing opens A's plan and report to department C as well, so A's
    planner must be told so before agreeing (the page said "cán bộ của phòng kia" only)."""
    a = plan(red.official_a, title="Kế hoạch riêng của phòng A")
    b = plan(red.official_b, participants=[red.official_c])
    assert _propose(as_("field_b"), b, keep="target").status_code == 302
    page = text_of(as_("field_a").get(f"/admin/visit/details/?id={a.id}"))
    assert "Đồng ý đi chung" in page
    assert red.dept_c.name in page, "the acceptor is not told that department C will see the joint plan"
    # Agreed knowingly: department C sees the joint plan, as the page said it would.
    _post(as_("field_a"), f"/admin/visit/joint/{_last_proposal(sec_app).id}/accept")
    assert as_("field_c").get(f"/admin/visit/details/?id={a.id}").status_code == 200


def test_joint_a_leader_on_one_side_cannot_propose_for_the_other_side(sec_app, as_, red, plan):
    """A leader who takes part in A's plan opens B's plan (leaders see every plan), proposes that B's
    plan be absorbed into A's, and A's planner agrees: B's plan would be cancelled and its text copied
    to A, with nobody of B, and no leader standing apart from both, having agreed."""
    from visits.joint import overlap_key
    a = plan(red.official_a, participants=[red.official_leader], title="Kế hoạch phòng A")
    b = plan(red.official_b, text="Nội dung riêng của phòng B.")
    leader = as_("leader_a")
    page = text_of(leader.get(f"/admin/visit/details/?id={b.id}"))
    assert f"#{a.id} " in page and not _KEY.search(page)  # told of A's plan, offered no proposal
    with sec_app.test_request_context():
        key = overlap_key(b.id, a.id)  # the key the page offered before; keys do not change
    response = _post(leader, f"/admin/visit/joint/propose/{b.id}", {"key": key, "keep": "target"})
    assert response.status_code == 403
    with sec_app.app_context(), database.connection_context():
        assert not JointProposal.select().where(JointProposal.proposer_visit == b.id).exists()
    assert _fresh(sec_app, b).state == vocab.APPROVED
    assert "Nội dung riêng của phòng B." not in _fresh(sec_app, a).plan_text


def test_joint_a_leader_standing_apart_from_both_plans_may_still_propose(sec_app, as_, red, plan):
    """The planner proposes; so may a leader involved in neither plan (held before the fix, and kept)."""
    a = plan(red.official_a)
    b = plan(red.official_b)
    assert _propose(as_("leader"), b, keep="target").status_code == 302
    assert _post(as_("field_a"), f"/admin/visit/joint/{_last_proposal(sec_app).id}/accept").status_code == 302
    assert _fresh(sec_app, b).merged_into_id == a.id


# --- attempts that held (kept as guards) ---------------------------------------------------------------

def test_joint_held_keys_of_other_pairs_and_bad_input_make_no_proposal(sec_app, world, as_, red, plan):
    """A key is good for its own pair only; junk, NUL bytes, a missing token or a huge message make
    no proposal and no 500."""
    from visits.joint import overlap_key
    a = plan(red.official_a)
    b = plan(red.official_b)
    b2 = plan(red.official_b, days=1)  # another plan of B's department
    done = plan(red.official_a, state=vocab.DONE)
    field_b = as_("field_b")
    with sec_app.test_request_context():
        borrowed = overlap_key(b2.id, a.id)  # offered on b2's page, posted for b
        own_department = overlap_key(b.id, b2.id)
        finished = overlap_key(b.id, done.id)
    path = f"/admin/visit/joint/propose/{b.id}"
    for key in (borrowed, own_department, finished, "0" * 24, ""):
        assert _post(field_b, path, {"key": key, "keep": "target"}).status_code == 404
    key = _KEY.search(text_of(field_b.get(f"/admin/visit/details/?id={b.id}"))).group(1)
    assert field_b.post(path, data={"key": key, "keep": "target"}).status_code == 400  # no CSRF token
    assert _post(field_b, path, {"key": key, "keep": "target", "message": "a\x00b"}).status_code == 400
    _post(field_b, path, {"key": key, "keep": "ca-hai"})
    with sec_app.app_context(), database.connection_context():
        assert not JointProposal.select().where(JointProposal.proposer_visit == b.id).exists()
    assert _propose(field_b, b, keep="target", message="dài " * 100000).status_code == 302
    assert len(_last_proposal(sec_app).message) == 2000


def test_joint_held_neither_side_finds_the_others_text_before_consent(sec_app, as_, red, plan):
    """The visit list's search (its folded text) and the staff search, before and after a refusal."""
    a = plan(red.official_a, text="Nội dung kín matphonga5120.")
    b = plan(red.official_b, text="Nội dung kín matphongb5121.")
    _propose(as_("field_b"), b, keep="target")
    proposal = _last_proposal(sec_app)

    def found(key, word, visit):
        client = as_(key)
        listed = text_of(client.get(f"/admin/visit/?search={word}"))
        searched = text_of(client.get(f"/admin/tim-kiem/?q={word}"))
        return f"details/?id={visit.id}" in listed or f"details/?id={visit.id}" in searched

    for step in ("pending", "declined"):
        assert not found("field_b", "matphonga5120", a), step
        assert not found("field_a", "matphongb5121", b), step
        assert found("field_a", "matphonga5120", a) and found("field_b", "matphongb5121", b), step
        _post(as_("field_a"), f"/admin/visit/joint/{proposal.id}/decline")


@pytest.mark.parametrize("path", ["/admin/visit/joint/99999999999999999999/accept",
                                  "/admin/visit/joint/propose/99999999999999999999",
                                  "/admin/visit/transition/99999999999999999999"])
def test_joint_a_huge_id_in_the_path_is_a_404(sec_app, as_, path):
    sec_app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        assert _post(as_("field_b"), path).status_code == 404
    finally:
        sec_app.config["PROPAGATE_EXCEPTIONS"] = None


def test_session_held_a_cookie_from_before_the_deploy_opens_nothing(sec_app, world, as_):
    """Before server-side sessions the cookie carried "<account id>:<session token>": such a cookie,
    correctly signed, and a remember-me cookie of that form, now open nothing."""
    from flask_login.utils import _cookie_digest

    from cms.accounts import User
    client = as_("field_a")
    serializer = sec_app.session_interface.get_signing_serializer(sec_app)
    data = serializer.loads(client.get_cookie("session").value)
    with sec_app.app_context(), database.connection_context():
        user = User.get_by_id(world.users["field_a"].id)
        old = f"{user.id}:{user.session_token}"
    forged = sec_app.test_client()
    forged.set_cookie("session", serializer.dumps({**data, "_user_id": old}), domain="localhost")
    assert forged.get("/admin/").status_code == 302
    remembered = sec_app.test_client()
    with sec_app.test_request_context():
        remembered.set_cookie("remember_token", f"{old}|{_cookie_digest(old)}", domain="localhost")
    assert remembered.get("/admin/").status_code == 302


def test_session_held_a_planted_cookie_is_worth_nothing_after_the_victim_logs_in(sec_app, world):
    """Session fixation: the attacker's own anonymous cookie put in the victim's browser."""
    attacker = sec_app.test_client()
    attacker.get("/dang-nhap")
    planted = attacker.get_cookie("session").value
    victim = sec_app.test_client()
    victim.set_cookie("session", planted, domain="localhost")
    assert login(victim, world.users["field_a"].username).status_code == 302
    assert victim.get("/admin/").status_code == 200
    assert attacker.get("/admin/").status_code == 302

# --- answers racing each other ------------------------------------------------------------------------

def _read_for_answer(sec_app, proposal_id, user):
    """What one answering request reads before it writes: the proposal, its plans and the scope."""
    from visits import joint
    from visits.access import build_scope
    with sec_app.app_context(), database.connection_context():
        scope = build_scope(user)
        return (*joint.visible_proposal(proposal_id, scope), scope)


def _answer_with(sec_app, read, user, accept=True):
    """The writing half of that request, on what it read earlier, as the view does it (a lapsed
    proposal is recorded as lapsed in a transaction of its own)."""
    from visits import joint
    proposal, proposer, target, scope = read
    with sec_app.test_request_context(), database.connection_context():
        try:
            with database.atomic():
                return joint.answer(proposal, proposer, target, accept, "", user, scope)
        except joint.ProposalLapsed as exc:
            with database.atomic():
                joint.lapse(proposal, proposer, target, user)
            return exc
        except (joint.WorkflowError, PermissionError) as exc:
            return exc


def test_joint_two_answers_at_once_combine_once(sec_app, world, as_, red, plan):
    """Two clicks on "Đồng ý" (two tabs, a double submit) both read the pending proposal before either
    wrote: the second must not combine the plans again (B's text copied twice, two plan changes)."""
    a = plan(red.official_a)
    b = plan(red.official_b, text="Nội dung phòng B.")
    _propose(as_("field_b"), b, keep="target")
    proposal = _last_proposal(sec_app)
    user = world.users["field_a"]
    first, second = (_read_for_answer(sec_app, proposal.id, user) for _ in range(2))
    assert isinstance(_answer_with(sec_app, first, user), Visit)
    assert isinstance(_answer_with(sec_app, second, user), Exception)
    joint = _fresh(sec_app, a)
    assert joint.plan_text.count("Nội dung phòng B.") == 1
    with sec_app.app_context(), database.connection_context():
        from visits.models import PlanChange
        assert PlanChange.select().where(PlanChange.visit == a.id).count() == 1
        # The record keeps saying what happened: accepted (the late click does not relabel it "lapsed").
        assert JointProposal.get_by_id(proposal.id).state == vocab.JOINT_ACCEPTED


def test_joint_two_proposals_for_one_plan_accepted_at_once_absorb_it_once(sec_app, as_, user_of, red, plan):
    """B's plan is proposed to A and to C; both accept at the same moment. B's plan must end in one
    joint visit, not be cancelled into two (its text handed to both)."""
    a = plan(red.official_a)
    c = plan(red.official_c)
    b = plan(red.official_b, text="Nội dung phòng B.")
    field_b = as_("field_b")
    page = text_of(field_b.get(f"/admin/visit/details/?id={b.id}"))
    for key in _KEY.findall(page):
        _post(field_b, f"/admin/visit/joint/propose/{b.id}", {"key": key, "keep": "target"})
    with sec_app.app_context(), database.connection_context():
        proposals = {p.target_visit_id: p.id
                     for p in JointProposal.select().where(JointProposal.proposer_visit == b.id)}
    assert set(proposals) == {a.id, c.id}
    planners = ((a, user_of("field_a")), (c, user_of("field_c")))
    reads = [(_read_for_answer(sec_app, proposals[v.id], user), user) for v, user in planners]  # both first
    results = [_answer_with(sec_app, read, user) for read, user in reads]
    assert sum(isinstance(r, Visit) for r in results) == 1, results
    texts = [_fresh(sec_app, v).plan_text for v in (a, c)]
    assert sum("Nội dung phòng B." in t for t in texts) == 1


def test_joint_a_late_withdrawal_does_not_relabel_an_accepted_proposal(sec_app, world, as_, red, plan):
    """The proposer clicks "Rút đề nghị" while the other side's "Đồng ý" goes through."""
    from visits import joint
    a = plan(red.official_a)
    b = plan(red.official_b)
    _propose(as_("field_b"), b, keep="target")
    proposal = _last_proposal(sec_app)
    withdrawal = _read_for_answer(sec_app, proposal.id, world.users["field_b"])
    planner_a = world.users["field_a"]
    _answer_with(sec_app, _read_for_answer(sec_app, proposal.id, planner_a), planner_a)
    stale, proposer, target, scope = withdrawal
    with sec_app.test_request_context(), database.connection_context():
        try:
            with database.atomic():
                joint.withdraw(stale, proposer, target, world.users["field_b"], scope)
        except (joint.WorkflowError, PermissionError):
            pass
        assert JointProposal.get_by_id(proposal.id).state == vocab.JOINT_ACCEPTED
    assert _fresh(sec_app, b).merged_into_id == a.id


# --- the login answers alike for every name ---------------------------------------------------------

def test_login_does_the_same_work_for_a_name_that_is_no_account(sec_app, world, monkeypatch):
    """A password check costs tens of milliseconds (scrypt); a login that skips it for a name that is
    no account, or for a deactivated one, tells a guesser by its speed which names are accounts."""
    import cms.accounts
    calls = []
    real = cms.accounts.check_password_hash
    monkeypatch.setattr(cms.accounts, "check_password_hash",
                        lambda stored, password: calls.append(stored) or real(stored, password))
    with sec_app.app_context(), database.connection_context():
        inactive = create_user("red_inactive", PASSWORD, "staff")
        inactive.active = False
        inactive.save()
    work = {}
    for n, name in enumerate((world.users["editor"].username, "khong-ai-co-ten-nay", "red_inactive")):
        calls.clear()
        response = login(sec_app.test_client(), name, "doan-sai-mat-khau", ip=f"10.77.0.{n + 1}")
        assert response.status_code == 401
        work[name] = len(calls)
    assert set(work.values()) == {1}, work


def test_login_a_name_typed_in_decomposed_unicode_is_the_same_name(sec_app):
    """Vietnamese keyboards may send "ngân" as n-g-a-combining circumflex-n: the account (stored
    composed) was not found, and failures typed so counted for a name of their own."""
    import unicodedata
    with sec_app.app_context(), database.connection_context():
        create_user("red_ngân", PASSWORD, "staff")
    typed = unicodedata.normalize("NFD", "red_ngân")
    assert typed != "red_ngân"
    assert login(sec_app.test_client(), typed, ip="10.77.1.1").status_code == 302
    for n in range(5):
        assert login(sec_app.test_client(), typed, f"sai-{n}", ip="10.77.1.2").status_code == 401
    assert login(sec_app.test_client(), "red_ngân", ip="10.77.1.2").status_code == 429


def test_login_guessing_through_the_password_form_is_limited_like_the_login(sec_app, as_, user_of):
    """Someone at an unattended browser (a session is open for up to 60 idle minutes) guesses the
    owner's password on "Đổi mật khẩu", which checks the current one without any limit: the password
    found, they log in again whenever they like, after every logout."""
    from seckit import csrf_from
    with sec_app.app_context(), database.connection_context():
        create_user("red_guessed", PASSWORD, "staff")
    client = sec_app.test_client()
    assert login(client, "red_guessed", ip="10.77.2.1").status_code == 302

    def change(current):
        page = text_of(client.get("/admin/doi-mat-khau"))
        return client.post("/admin/doi-mat-khau", data={"csrf_token": csrf_from(page), "current": current,
                                                        "new": "mat-khau-Moi-Hoan-Toan", "confirm":
                                                        "mat-khau-Moi-Hoan-Toan"})
    for n in range(5):
        assert "Mật khẩu hiện tại không đúng." in text_of(change(f"doan-{n}"))
    response = change(PASSWORD)  # the sixth guess is right, and refused all the same
    assert response.status_code == 429 and "Đăng nhập sai quá nhiều lần" in text_of(response)
    assert login(sec_app.test_client(), "red_guessed", ip="10.77.2.9").status_code == 302  # unchanged

# --- the one rule of review ---------------------------------------------------------------------------

def _set_official(sec_app, official, **fields):
    with sec_app.app_context(), database.connection_context():
        Official.update(**fields).where(Official.id == official.id).execute()


def test_review_a_leader_cannot_approve_own_plan_by_marking_their_official_inactive(
        sec_app, world, as_, red, plan):
    """Leaders keep the officials list: a leader who takes part in (or leads) a submitted plan marks
    their own official "không còn công tác" (an ordinary edit on Danh mục đi cơ sở → Cán bộ),
    approves the plan, and marks the official active again. Taking part is a fact about the person,
    whatever the state of their record."""
    leader = as_("leader_a")
    page = text_of(leader.get(f"/admin/visit_official/edit/?id={red.official_leader.id}"))
    assert 'name="active"' in page  # the leader may edit that field
    for lead, participants in ((red.official_a, [red.official_leader]), (red.official_leader, [])):
        submitted = plan(lead, state=vocab.SUBMITTED, participants=participants,
                         created_by=world.users["field_a"])
        _set_official(sec_app, red.official_leader, active=False)
        try:
            _post(leader, f"/admin/visit/transition/{submitted.id}", {"name": "approve"})
        finally:
            _set_official(sec_app, red.official_leader, active=True)
        assert _fresh(sec_app, submitted).state == vocab.SUBMITTED, lead


def test_review_a_leader_cannot_keep_their_own_plan_approved_by_an_inactive_official(
        sec_app, world, as_, red, plan):
    """The same side door on a recorded change: a plan a colleague drew up with the leader as its
    lead; the leader, official inactive for the moment, moves its dates and it stays approved."""
    approved = plan(red.official_leader, created_by=world.users["field_a"])
    with sec_app.app_context(), database.connection_context():
        localities = [str(lid) for (lid,) in VisitLocality.select(VisitLocality.locality)
                      .where(VisitLocality.visit == approved.id).tuples()]
    later = approved.start_date + timedelta(days=2)
    data = {"title": approved.title, "lead": str(red.official_leader.id), "localities": localities,
            "start_date": later.strftime("%d/%m/%Y"), "end_date": later.strftime("%d/%m/%Y"),
            "main_topic": "nam_tinh_hinh", "reason": "Đổi lịch"}
    _set_official(sec_app, red.official_leader, active=False)
    try:
        assert _post(as_("leader_a"), f"/admin/visit/change/{approved.id}", data).status_code == 302
    finally:
        _set_official(sec_app, red.official_leader, active=True)
    changed = _fresh(sec_app, approved)
    assert changed.start_date == later and changed.state == vocab.SUBMITTED


# --- the dashboard's list of proposals -------------------------------------------------------------

def test_joint_inbox_is_not_crowded_out_by_other_peoples_proposals(sec_app, world, as_, red, plan):
    """The dashboard read the 500 oldest pending proposals of the whole Board and then kept the
    viewer's: 500 proposals between other departments' plans (one field staff member's drafts can
    make them; stale ones pile up by themselves, since a cancelled plan's proposals stay pending)
    and A's planner is never told of the proposal waiting for them."""
    b = plan(red.official_b, state=vocab.DRAFT, days=30)
    c = plan(red.official_c, days=30)
    with sec_app.app_context(), database.connection_context():
        JointProposal.insert_many([{"proposer_visit": b.id, "target_visit": c.id, "keep": "proposer",
                                    "proposed_by": world.users["field_b"].id, "proposer_fingerprint": "x",
                                    "target_fingerprint": "y"} for _ in range(500)]).execute()
    a = plan(red.official_a)
    mine = plan(red.official_b, days=1)
    _propose(as_("field_b"), mine, keep="proposer")
    page = text_of(as_("field_a").get("/admin/visit-dashboard/"))
    assert "Cần trả lời" in page and f"#{a.id} " in page


# --- what a proposal tells of the other plan, later ------------------------------------------------

def test_joint_an_old_proposal_does_not_track_the_other_plans_dates(sec_app, as_, red, plan):
    """B once proposed going with A's plan, and A declined. The proposal stays on B's page, and it
    showed A's plan's dates as they are now: A moving its plan far away (where no notice would tell
    of it), or taking it back as a draft, was followed from B's page ever after."""
    a = plan(red.official_a, state=vocab.SUBMITTED)
    b = plan(red.official_b, state=vocab.DRAFT)
    _propose(as_("field_b"), b)
    _post(as_("field_a"), f"/admin/visit/joint/{_last_proposal(sec_app).id}/decline")
    for state, days in ((vocab.SUBMITTED, 120), (vocab.DRAFT, 150)):
        moved = START + timedelta(days=days)
        with sec_app.app_context(), database.connection_context():
            Visit.update(start_date=moved, end_date=moved + timedelta(days=1), state=state).where(
                Visit.id == a.id).execute()
        page = text_of(as_("field_b").get(f"/admin/visit/details/?id={b.id}"))
        assert "Không đồng ý" in page  # the proposal is still shown, with its answer
        assert moved.strftime("%d/%m/%Y") not in page, state


# --- who links an account to an official --------------------------------------------------------------

def test_reference_a_leader_cannot_link_an_account_by_importing_officials(sec_app, world, as_):
    """Only admins link accounts to officials (a link hands the account its department's records),
    and the officials screen no longer lets a leader do it; the CSV import of officials, open to
    leaders, still took a `tai_khoan` column and linked any free account to any official."""
    import io
    leader = as_("leader")
    for line in (f"RNEW,Người Mới Vào,SA,,{world.users['staff'].username},có",  # a new official
                 f"SOB,Lê Văn Bình,SB,,{world.users['staff2'].username},có"):  # relinking one
        csv = ("ma,ho_ten,phong,chuc_vu,tai_khoan,dang_cong_tac\n" + line + "\n").encode()
        leader.post("/admin/visit-import/", data={"csrf_token": token(leader, "/admin/visit-import/"),
                                                  "kind": "officials", "file": (io.BytesIO(csv), "cb.csv")},
                    content_type="multipart/form-data")
    with sec_app.app_context(), database.connection_context():
        linked = {o.user_id for o in Official.select()}
    assert world.users["staff"].id not in linked and world.users["staff2"].id not in linked
    assert world.users["field_b"].id in linked  # the existing link is kept
    for key in ("staff", "staff2"):
        assert as_(key).get(f"/admin/visit/details/?id={world.field.visit_a.id}").status_code in (403, 404)
