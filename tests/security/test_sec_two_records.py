"""Every action that touches two records, and every export, over roles and over record pairs.

A user acts on one record by way of another (an account onto an official, a follow-up onto a visit,
visits into a meeting, an official onto a locality) or reads a list that gathers many. Each ROW is one
such action; each case is a ROW for one of ROLES and one of PAIRS, the second record chosen relative
to the actor:

    own     the actor's own record (for accounts without an official: department A's main one)
    same    another record of the actor's department (A's second official, a visit A2 leads...)
    other   the other department's record
    absent  an id no record has (987654321)

Field staff of department B see the world mirrored (own = B's, other = A's). The expected outcome is
one letter per pair, in that order:

    D  done: 200/302 and the effect happened      S  shown: 200 and the record is in the body
    I  ignored or invalid: 200/302, no effect      N  not shown: 200 and it is not in the body
    R  refused: 403, nothing changed               H  hidden: 404 (as if absent), nothing changed

"Nothing changed" is checked on a fingerprint of the whole database (rows with strict=False: only
the effect, because the rest of the form is saved). After each case, `restore` puts the world back.

To add rows (joint visits: propose, accept, decline...), append a Row to ROWS: `kind` names the
records the pair picks (ctx.records[kind] has keys A, A2, B, B2; add a kind in `pairs` if needed),
`request(case)` returns the call, `effect(case, response)` says whether it happened or shows, and
`expect` gives the four letters for each role.
"""

import io
import itertools
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook
from seckit import PASSWORD, changed_tables, db_fingerprint, login, token

from cms.accounts import User, create_user
from cms.db import database
from visits import vocab
from visits.calendar import today_local
from visits.joint import fingerprint, overlap_key
from visits.models import (
    Assignment,
    FollowUp,
    JointProposal,
    Locality,
    Official,
    ReviewMeeting,
    ReviewMeetingVisit,
    Visit,
    VisitLocality,
    VisitTopic,
)
from visits.workflow import refresh_search_text

ROLES = ["admin", "leader", "field_a", "field_b", "staff", "editor"]  # staff, editor: not linked
PAIRS = ["own", "same", "other", "absent"]
ABSENT = 987654321
_serial = itertools.count(1)


# --- the world of pairs --------------------------------------------------------------------------------

def _visit(lead, title, state, start, locality, created_by=None):
    visit = Visit.create(title=title, lead=lead, department=lead.department_id, start_date=start,
                         end_date=start + timedelta(days=1), main_topic="nam_tinh_hinh", state=state,
                         created_by=created_by or lead.user_id, plan_text="Kế hoạch.")
    VisitTopic.create(visit=visit, topic="nam_tinh_hinh", is_main=True)
    VisitLocality.create(visit=visit, locality=locality)
    refresh_search_text(visit.id)
    return Visit.get_by_id(visit.id)


def _months_ago(months):
    today = today_local()
    first = today.year * 12 + today.month - 1 - months
    return date(first // 12, first % 12 + 1, 10)


@pytest.fixture(scope="module")
def pairs(sec_app, world):
    """Records A, A2 (department A), B, B2 (department B) of every kind the rows act on."""
    f = world.field
    with sec_app.app_context(), database.connection_context():
        accounts = {key: create_user(f"sec_link_{key.lower()}", PASSWORD, "staff",
                                     full_name=f"Chủ tài khoản {key}") for key in ("A2", "B2")}
        officials = {"A": f.official_a, "B": f.official_b,
                     "A2": Official.create(code="SOA2", full_name="Trần Thị Ánh", department=f.dept_a,
                                           user=accounts["A2"].id),
                     "B2": Official.create(code="SOB2", full_name="Hồ Thị Bảo", department=f.dept_b,
                                           user=accounts["B2"].id)}
        start = date.today() + timedelta(days=40)
        visits = {"A": f.visit_a, "B": f.visit_b,
                  "A2": _visit(officials["A2"], "Đợt của cán bộ A hai", vocab.APPROVED, start, f.locality),
                  "B2": _visit(officials["B2"], "Đợt của cán bộ B hai", vocab.APPROVED, start, f.locality)}
        province = Locality.create(code="SPT", name="Tỉnh kiểm thử", kind="tinh")
        done, follow_ups, meetings = {}, {}, {}
        for months, key in enumerate(("A", "A2", "B", "B2"), start=14):  # one month and place each
            place = Locality.create(code=f"SL{key}", name=f"Huyện kiểm thử {key}", kind="huyen",
                                    parent=province)
            done[key] = _visit(officials[key], f"Đợt đã xong {key}", vocab.DONE, _months_ago(months), place)
            follow_ups[key] = FollowUp.create(visit=visits[key], responsible="Đảng ủy xã",
                                              description=f"Việc cần làm của {key} kiểm thử",
                                              due_date=date.today() - timedelta(days=5))
            department = f.dept_a if key.startswith("A") else f.dept_b
            creator = {"A": "field_a", "B": "field_b"}.get(key, "leader")
            meetings[key] = ReviewMeeting.create(department=department, year=2025, quarter=1,
                                                 meeting_date=date(2025, 3, 20), notes="",
                                                 created_by=world.users[creator].id,
                                                 attendees=f"Thành phần họp của {key}")
        accounts.update({"A": world.users["field_a"], "B": world.users["field_b"]})
    return SimpleNamespace(
        world=world, departments={"A": f.dept_a, "B": f.dept_b},
        records={"official": officials, "visit": visits, "follow_up": follow_ups, "done_visit": done,
                 "meeting": meetings, "account": accounts})


def side(role):
    return "B" if role == "field_b" else "A"


def key_of(role, pair):
    mine = side(role)
    return {"own": mine, "same": mine + "2", "other": "B" if mine == "A" else "A", "absent": None}[pair]


@dataclass
class Case:
    """What a row's functions get: the actor, the target record (None when absent) and its key."""

    ctx: SimpleNamespace
    role: str
    pair: str
    kind: str
    mark: str  # a text unique to this case, for what it writes
    saved: dict = field(default_factory=dict)  # what arrange kept for restore

    @property
    def key(self):
        return key_of(self.role, self.pair)

    @property
    def target(self):
        return self.ctx.records[self.kind][self.key] if self.key else None

    @property
    def target_id(self):
        return self.target.id if self.target else ABSENT

    def record(self, kind, key=None):
        return self.ctx.records[kind][key or side(self.role)]

    @property
    def department(self):
        """The target's department (the actor's for an absent target)."""
        key = self.key or side(self.role)
        return self.ctx.departments[key[0]]


@dataclass
class Row:
    name: str
    kind: str
    request: object  # case -> (method, path, data or None)
    effect: object  # (case, response) -> bool: it happened, or the record shows
    expect: dict  # role -> one letter per pair (own, same, other, absent)
    arrange: object = None  # case -> None, run before; may fill case.saved
    restore: object = None  # case -> None, run after, whatever happened
    strict: bool = True  # refused or ignored: the whole database unchanged


# --- requests and checks shared by rows -----------------------------------------------------------------

def _official_form(case, **changes):
    target = case.target
    data = {"code": target.code if target else "SOX", "full_name": target.full_name if target else "Người lạ",
            "title": target.title if target else "", "department": str(case.department.id), "active": "y"}
    data.update(changes)
    return data


def _new_account(case):
    case.saved["account"] = create_user(f"sec_new_{case.mark}", PASSWORD, "staff", full_name="Tài khoản mới")
    case.saved["user_id"] = case.target.user_id if case.target else None


def _account_linked(case, response):
    return Official.select().where(Official.user == case.saved["account"].id).exists()


def _unlink(case):
    if case.target:
        Official.update(user=case.saved["user_id"]).where(Official.id == case.target.id).execute()
    Official.delete().where(Official.code.startswith("SNEW")).execute()
    Official.update(user=None).where(Official.user == case.saved["account"].id).execute()


def _import_officials(case):
    target = case.target
    code, name = (target.code, target.full_name) if target else (f"SNEW{case.mark}", "Cán bộ mới nhập")
    account = case.saved["account"].username
    csv = f"ma,ho_ten,phong,tai_khoan\n{code},{name},{case.department.code},{account}\n"
    return ("POST", "/admin/visit-import/",
            {"kind": "officials", "file": (io.BytesIO(csv.encode()), "can-bo.csv")})


def _keep(case, name, model, record):
    """Keep the stored values of `record` (if any) for _put_back."""
    if record is not None:
        case.saved[name] = (model, model.get_by_id(record.id).__data__.copy())


def _put_back(case, name):
    if name in case.saved:
        model, data = case.saved[name]
        model.update(**{k: v for k, v in data.items() if k != "id"}).where(model.id == data["id"]).execute()


def _follow_up_saved(case):
    _keep(case, "item", FollowUp, case.target)


def _follow_up_back(case):
    _put_back(case, "item")


def _follow_up_stays(case, response):
    """Never moved to another visit, never given another official (whatever the form carried)."""
    if "item" not in case.saved:
        return True
    item, kept = FollowUp.get_by_id(case.target.id), case.saved["item"][1]
    return (item.visit_id, item.official_id) == (kept["visit"], kept["official"])


def _as_its_official(case):
    _follow_up_saved(case)
    own = case.ctx.records["official"][side(case.role)]
    if case.target is not None and case.role.startswith("field_"):
        FollowUp.update(official=own.id).where(FollowUp.id == case.target.id).execute()


def _meeting_saved(case):
    _keep(case, "meeting", ReviewMeeting, case.target)


def _meeting_back(case):
    _put_back(case, "meeting")
    created = ReviewMeeting.select(ReviewMeeting.id).where(ReviewMeeting.attendees == case.mark)
    ReviewMeetingVisit.delete().where(ReviewMeetingVisit.meeting.in_(created)).execute()
    ReviewMeeting.delete().where(ReviewMeeting.attendees == case.mark).execute()


def _meeting_form(case, meeting=None, department=None, visits=()):
    meeting = meeting or case.target
    return {"department": str(department if department is not None else
                              (meeting.department_id if meeting else case.department.id)),
            "year": "2025", "quarter": "3", "meeting_date": "15/07/2025", "attendees": case.mark,
            "notes": "", "visits": [str(v) for v in visits]}


def _body(response):
    data = response.get_data()
    if data[:2] == b"PK":  # an XLSX workbook: its cells' text
        book = load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join(",".join("" if v is None else str(v) for v in row)
                         for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))
    return data.decode("utf-8", "replace")


def shows(text_of_target):
    """An effect for reads: the target's text is in the body (never for an absent target)."""
    def effect(case, response):
        if case.target is None or response.status_code != 200:
            return False
        return any(text in _body(response) for text in text_of_target(case))
    return effect


def _account_names(case):
    """The login and the name of the target official's account (the actor's own name is on every
    page, in the menu bar: only its login counts there)."""
    account = case.ctx.records["account"][case.key]
    return [account.username] + ([account.full_name] if case.pair != "own" or case.role in ("admin", "leader")
                                 else [])


def _month_row(case):
    return [f"\n{case.target.start_date:%m/%Y},1,"]


def _opposite(key):
    return "B" if key[0] == "A" else "A"


def _propose_between(case, proposer, target):
    """A pending proposal from plan `proposer` to plan `target`, made by the proposer's planner."""
    case.saved["proposal"] = JointProposal.create(
        proposer_visit=proposer.id, target_visit=target.id, keep="target", message=case.mark,
        proposed_by=proposer.created_by_id, proposer_fingerprint=fingerprint(proposer),
        target_fingerprint=fingerprint(target))


def _proposal_to_target(case):
    """Proposed to the target plan by the other department's main plan."""
    if case.target is not None:
        _propose_between(case, case.record("visit", _opposite(case.key)), case.target)


def _proposal_to_target_by_actor(case):
    """Proposed to the target plan, as if by the actor (who then may not answer it)."""
    _proposal_to_target(case)
    proposal = case.saved.get("proposal")
    if proposal is not None:
        proposal.proposed_by = case.ctx.world.users[case.role].id
        proposal.save()


def _counterpart(case):
    """The other department's plan of the same rank: B for A, B2 for A2 (and back)."""
    return case.ctx.records["visit"][_opposite(case.key) + case.key[1:]]


def _proposal_from_target(case):
    """Proposed by the target plan to the other department's main plan."""
    if case.target is not None:
        _propose_between(case, case.target, case.record("visit", _opposite(case.key)))


def _proposal_path(case, step):
    proposal = case.saved.get("proposal")
    proposal_id = proposal.id if proposal else ABSENT
    return "POST", f"/admin/visit/joint/{proposal_id}/{step}", {"comment": case.mark}


def _proposal_closed_as(state):
    def effect(case, response):
        proposal = case.saved.get("proposal")
        return proposal is not None and JointProposal.get_by_id(proposal.id).state == state
    return effect


def _no_proposals(case):
    JointProposal.delete().execute()


FIELD_ONLY_OWN_DEPARTMENT = {"admin": "SSSN", "leader": "SSSN", "field_a": "SSNN", "field_b": "SSNN",
                             "staff": "RRRR", "editor": "RRRR"}
ADMIN_SEES_ACCOUNTS = {"admin": "SSSN", "leader": "NNNN", "field_a": "NNNN", "field_b": "NNNN",
                       "staff": "RRRR", "editor": "RRRR"}
OWNER_OR_REVIEWER = {"admin": "DDDH", "leader": "DDDH", "field_a": "DRHH", "field_b": "DRHH",
                     "staff": "RRRR", "editor": "RRRR"}
RECORD_OPENERS = {"admin": "SSSH", "leader": "SSSH", "field_a": "SSHH", "field_b": "SSHH", "staff": "RRRR",
                  "editor": "RRRR"}
REFERENCE_KEEPERS = {"admin": "DDDI", "leader": "DDDI", "field_a": "RRRR", "field_b": "RRRR",
                     "staff": "RRRR", "editor": "RRRR"}

TITLE_SHOWN = shows(lambda c: [c.target.title])
ACCOUNT_SHOWN = shows(_account_names)

ROWS = [
    # --- an account onto an official: admins only ------------------------------------------------------
    Row("link-account-by-form", "official",
        lambda c: ("POST", f"/admin/visit_official/edit/?id={c.target_id}",
                   _official_form(c, user=str(c.saved["account"].id))),
        _account_linked, {"admin": "DDDH", "leader": "IIIH", "field_a": "RRRR", "field_b": "RRRR",
                          "staff": "RRRR", "editor": "RRRR"},
        arrange=_new_account, restore=_unlink, strict=False),
    Row("link-account-by-import", "official", _import_officials, _account_linked,
        {"admin": "DDDD", "leader": "IIII", "field_a": "RRRR", "field_b": "RRRR", "staff": "RRRR",
         "editor": "RRRR"}, arrange=_new_account, restore=_unlink),
    # --- follow-ups and their visit, their official ----------------------------------------------------
    Row("follow-up-add-to-visit", "visit",
        lambda c: ("POST", f"/admin/visit/follow-up/add/{c.target_id}",
                   {"responsible": "Đảng ủy xã", "description": c.mark, "due_date": "01/01/2031",
                    "official": "0"}),
        lambda c, r: FollowUp.select().where(FollowUp.description == c.mark).exists(), OWNER_OR_REVIEWER,
        restore=lambda c: FollowUp.delete().where(FollowUp.description == c.mark).execute()),
    Row("follow-up-edit-and-try-to-move", "follow_up",
        lambda c: ("POST", f"/admin/visit_follow_up/edit/?id={c.target_id}",
                   {"responsible": "Đảng ủy xã", "description": c.mark, "due_date": "01/01/2031",
                    "status": "open", "note": "", "visit": str(c.record("visit").id),
                    "official": str(c.record("official", "B" if side(c.role) == "A" else "A").id)}),
        lambda c, r: (_follow_up_stays(c, r)
                      and FollowUp.select().where(FollowUp.description == c.mark).exists()),
        OWNER_OR_REVIEWER, arrange=_follow_up_saved, restore=_follow_up_back),
    Row("follow-up-status", "follow_up",
        lambda c: ("POST", f"/admin/visit/follow-up/status/{c.target_id}", {"status": vocab.FOLLOWUP_DONE}),
        lambda c, r: c.target is not None and FollowUp.get_by_id(c.target.id).status == vocab.FOLLOWUP_DONE,
        OWNER_OR_REVIEWER, arrange=_follow_up_saved, restore=_follow_up_back),
    # being named as a follow-up's official lets one update it where one sees the visit, and opens
    # nothing of another department's visit
    Row("follow-up-status-as-its-official", "follow_up",
        lambda c: ("POST", f"/admin/visit/follow-up/status/{c.target_id}", {"status": vocab.FOLLOWUP_DONE}),
        lambda c, r: c.target is not None and FollowUp.get_by_id(c.target.id).status == vocab.FOLLOWUP_DONE,
        {"admin": "DDDH", "leader": "DDDH", "field_a": "DDHH", "field_b": "DDHH", "staff": "RRRR",
         "editor": "RRRR"}, arrange=_as_its_official, restore=_follow_up_back),
    # --- review meetings and the visits they discuss ---------------------------------------------------
    Row("meeting-create-linking-a-visit", "done_visit",
        lambda c: ("POST", "/admin/visit_meeting/new/",
                   _meeting_form(c, department=c.ctx.departments[side(c.role)].id, visits=[c.target_id])),
        lambda c, r: ReviewMeetingVisit.select().join(ReviewMeeting).where(
            (ReviewMeeting.attendees == c.mark) & (ReviewMeetingVisit.visit == c.target_id)).exists(),
        {"admin": "DDDI", "leader": "DDDI", "field_a": "DDII", "field_b": "DDII", "staff": "RRRR",
         "editor": "RRRR"}, restore=_meeting_back),
    Row("meeting-edit", "meeting",
        lambda c: ("POST", f"/admin/visit_meeting/edit/?id={c.target_id}", _meeting_form(c)),
        lambda c, r: ReviewMeeting.select().where(ReviewMeeting.attendees == c.mark).exists(),
        {"admin": "DDDH", "leader": "DDDH", "field_a": "DDHH", "field_b": "DDHH", "staff": "RRRR",
         "editor": "RRRR"}, arrange=_meeting_saved, restore=_meeting_back),
    Row("meeting-move-to-a-department", "official",  # the pair picks the department (of its official)
        lambda c: ("POST", f"/admin/visit_meeting/edit/?id={c.record('meeting').id}",
                   _meeting_form(c, meeting=c.record("meeting"),
                                 department=c.target.department_id if c.target else ABSENT)),
        lambda c, r: c.target is not None and ReviewMeeting.get_by_id(c.record("meeting").id).department_id
        == c.target.department_id and ReviewMeeting.get_by_id(c.record("meeting").id).attendees == c.mark,
        {"admin": "DDDI", "leader": "DDDI", "field_a": "DDII", "field_b": "DDII", "staff": "RRRR",
         "editor": "RRRR"},
        arrange=lambda c: _keep(c, "meeting", ReviewMeeting, c.record("meeting")),
        restore=_meeting_back),
    # --- an official onto a locality -------------------------------------------------------------------
    Row("assignment-of-an-official", "official",
        lambda c: ("POST", "/admin/visit_assignment/new/",
                   {"official": str(c.target_id), "locality": str(c.ctx.world.field.locality.id),
                    "start_date": "01/03/2025", "end_date": "", "note": c.mark}),
        lambda c, r: Assignment.select().where((Assignment.note == c.mark)
                                               & (Assignment.official == c.target_id)).exists(),
        REFERENCE_KEEPERS, restore=lambda c: Assignment.delete().where(Assignment.note == c.mark).execute()),
    # --- joint visits: a plan proposed with another, answered by the other side ---------------------
    # From the actor's own plan (department A's main one for accounts without an official), with
    # the key of the pair: only another department's overlapping plan can be proposed with.
    Row("joint-propose-with-a-plan", "visit",
        lambda c: ("POST", f"/admin/visit/joint/propose/{c.record('visit').id}",
                   {"key": overlap_key(c.record("visit").id, c.target_id), "keep": "target",
                    "message": c.mark}),
        lambda c, r: JointProposal.select().where((JointProposal.message == c.mark)
                                                  & (JointProposal.target_visit == c.target_id)).exists(),
        {"admin": "HHDH", "leader": "HHDH", "field_a": "HHDH", "field_b": "HHDH", "staff": "RRRR",
         "editor": "RRRR"}, restore=_no_proposals),
    # From the pair's plan to its counterpart in the other department (A -> B, A2 -> B2, and back):
    # only that plan's planner, a leader or an admin proposes for it.
    Row("joint-propose-from-a-plan", "visit",
        lambda c: ("POST", f"/admin/visit/joint/propose/{c.target_id}",
                   {"key": overlap_key(c.target_id, _counterpart(c).id) if c.target else "0",
                    "keep": "target", "message": c.mark}),
        lambda c, r: JointProposal.select().where((JointProposal.message == c.mark)
                                                  & (JointProposal.proposer_visit == c.target_id)).exists(),
        {"admin": "DDDH", "leader": "DDDH", "field_a": "DRHH", "field_b": "DRHH", "staff": "RRRR",
         "editor": "RRRR"}, restore=_no_proposals),
    # Answering (declining here; accepting is decided by the same rule): the target plan's planner,
    # or a leader or admin involved in neither plan, never the proposer.
    Row("joint-answer-a-proposal-to-a-plan", "visit", lambda c: _proposal_path(c, "decline"),
        _proposal_closed_as(vocab.JOINT_DECLINED),
        {"admin": "DDDH", "leader": "DDDH", "field_a": "DRRH", "field_b": "DRRH", "staff": "RRRR",
         "editor": "RRRR"}, arrange=_proposal_to_target, restore=_no_proposals),
    Row("joint-answer-ones-own-proposal", "visit", lambda c: _proposal_path(c, "accept"),
        _proposal_closed_as(vocab.JOINT_ACCEPTED),
        {"admin": "RRRH", "leader": "RRRH", "field_a": "RRRH", "field_b": "RRRH", "staff": "RRRR",
         "editor": "RRRR"}, arrange=_proposal_to_target_by_actor, restore=_no_proposals),
    Row("joint-withdraw-a-proposal-of-a-plan", "visit", lambda c: _proposal_path(c, "withdraw"),
        _proposal_closed_as(vocab.JOINT_WITHDRAWN),
        {"admin": "RRRH", "leader": "RRRH", "field_a": "DRRH", "field_b": "DRRH", "staff": "RRRR",
         "editor": "RRRR"}, arrange=_proposal_from_target, restore=_no_proposals),
    # --- exports and the lists behind them -------------------------------------------------------------
    Row("visit-list-export-csv", "visit", lambda c: ("GET", "/admin/visit/export/csv/", None),
        TITLE_SHOWN, FIELD_ONLY_OWN_DEPARTMENT),
    Row("visit-list-export-xlsx", "visit", lambda c: ("GET", "/admin/visit/export/xlsx/", None),
        TITLE_SHOWN, FIELD_ONLY_OWN_DEPARTMENT),
    Row("visit-record-export-csv", "visit",
        lambda c: ("GET", f"/admin/visit/export-record/{c.target_id}/csv", None),
        TITLE_SHOWN, RECORD_OPENERS),
    Row("visit-record-export-xlsx", "visit",
        lambda c: ("GET", f"/admin/visit/export-record/{c.target_id}/xlsx", None),
        TITLE_SHOWN, RECORD_OPENERS),
    Row("follow-up-list-export", "follow_up", lambda c: ("GET", "/admin/visit_follow_up/export/csv/", None),
        shows(lambda c: [c.target.description]), FIELD_ONLY_OWN_DEPARTMENT),
    Row("meeting-list-export", "meeting", lambda c: ("GET", "/admin/visit_meeting/export/csv/", None),
        shows(lambda c: [c.target.attendees]), FIELD_ONLY_OWN_DEPARTMENT),
    Row("official-list-export-account-names", "official",
        lambda c: ("GET", "/admin/visit_official/export/csv/", None), ACCOUNT_SHOWN, ADMIN_SEES_ACCOUNTS),
    Row("official-list-account-names", "official", lambda c: ("GET", "/admin/visit_official/", None),
        ACCOUNT_SHOWN, ADMIN_SEES_ACCOUNTS),
    Row("official-details-account-names", "official",
        lambda c: ("GET", f"/admin/visit_official/details/?id={c.target_id}", None), ACCOUNT_SHOWN,
        {"admin": "SSSH", "leader": "NNNH", "field_a": "NNNH", "field_b": "NNNH", "staff": "RRRR",
         "editor": "RRRR"}),
    Row("official-form-account-names", "official",  # the admin's form lists every account to choose from
        lambda c: ("GET", f"/admin/visit_official/edit/?id={c.target_id}", None), ACCOUNT_SHOWN,
        {"admin": "SSSH", "leader": "NNNH", "field_a": "RRRR", "field_b": "RRRR", "staff": "RRRR",
         "editor": "RRRR"}),
    Row("dashboard-follow-ups-export", "follow_up",
        lambda c: ("GET", "/admin/visit-dashboard/follow-ups?format=csv", None),
        shows(lambda c: [c.target.description]), FIELD_ONLY_OWN_DEPARTMENT),
    Row("dashboard-field-days-export", "official",
        lambda c: ("GET", "/admin/visit-dashboard/field-days?format=xlsx", None),
        shows(lambda c: [c.target.full_name]), FIELD_ONLY_OWN_DEPARTMENT),
    Row("dashboard-coverage-export", "done_visit",
        lambda c: ("GET", "/admin/visit-dashboard/coverage?format=csv", None),
        shows(lambda c: [f"{c.target.end_date:%d/%m/%Y}"]), FIELD_ONLY_OWN_DEPARTMENT),  # its last day
    Row("dashboard-months-export", "done_visit",
        lambda c: ("GET", "/admin/visit-dashboard/months?format=csv", None), shows(_month_row),
        FIELD_ONLY_OWN_DEPARTMENT),
]

CASES = [pytest.param(row, role, pair, id=f"{row.name}-{role}-{pair}")
         for row in ROWS for role in ROLES for pair in PAIRS]


def test_access_two_records_table_is_complete():
    assert len({row.name for row in ROWS}) == len(ROWS)
    for row in ROWS:
        assert set(row.expect) == set(ROLES), row.name
        assert all(re.fullmatch(r"[DISNRH]{4}", letters) for letters in row.expect.values()), row.name


@pytest.fixture(scope="module")
def clients(sec_app, world, pairs):
    made = {}
    for role in ROLES:
        client = sec_app.test_client()
        assert login(client, world.users[role].username).status_code == 302
        made[role] = client
    return made


def _send(client, method, path, data):
    if method == "GET":
        return client.get(path)
    data = {**data, "csrf_token": token(client)}
    multipart = any(isinstance(value, tuple) for value in data.values())
    return client.post(path, data=data, content_type="multipart/form-data" if multipart else None)


STATUS = {"D": (200, 302), "I": (200, 302), "S": (200,), "N": (200,), "R": (403,), "H": (404,)}


@pytest.mark.parametrize(("row", "role", "pair"), CASES)
def test_access_two_records(sec_app, pairs, clients, row, role, pair):
    expected = row.expect[role][PAIRS.index(pair)]
    case = Case(pairs, role, pair, row.kind, mark=f"m{next(_serial)}x")
    with sec_app.app_context(), database.connection_context():
        if row.arrange:
            row.arrange(case)
        before = db_fingerprint(skip_tables={"login_attempt"})
        method, path, data = row.request(case)
    try:
        response = _send(clients[role], method, path, data)
        with sec_app.app_context(), database.connection_context():
            happened = row.effect(case, response)
            changed = changed_tables(before, db_fingerprint(skip_tables={"login_attempt"}))
        assert response.status_code in STATUS[expected], (expected, response.status_code)
        assert happened == (expected in "DS"), (expected, "happened" if happened else "did not happen")
        if expected not in "DS" and (row.strict or expected in "RH"):
            assert changed == [], expected
    finally:
        with sec_app.app_context(), database.connection_context():
            if row.restore:
                row.restore(case)


def test_access_leader_never_sees_the_list_of_accounts(sec_app, pairs, clients):
    """The new-official form and the import page of a leader name no account; an admin's form does."""
    with sec_app.app_context(), database.connection_context():
        names = [u.username for u in User.select()]
    for path in ("/admin/visit_official/new/", "/admin/visit-import/"):
        body = clients["leader"].get(path).get_data(as_text=True)
        assert 'name="user"' not in body and not [n for n in names if n in body], path
    assert all(n in clients["admin"].get("/admin/visit_official/new/").get_data(as_text=True) for n in names)
