"""Each state transition, tried by each role, through the real endpoint (CSRF on): who may take it,
what the others get (403 when they see the visit, 404 when they do not, 403 without field access),
and that nothing changes when refused. Every step is in the audit log."""

from datetime import date, timedelta

import pytest
from visitkit import post, text

from cms.audit import AuditEntry
from visits import vocab
from visits.models import PlanChange, Visit, VisitEvent, VisitReport

ROLES = ["admin", "leader", "staff_a", "staff_a2", "staff_b", "editor", "editor_staff", "loner"]
# transition -> (source state, target, roles allowed). staff_a plans the visit (its lead and creator).
MATRIX = {
    "submit": (vocab.DRAFT, vocab.SUBMITTED, {"staff_a"}),
    "withdraw": (vocab.SUBMITTED, vocab.DRAFT, {"staff_a"}),
    "approve": (vocab.SUBMITTED, vocab.APPROVED, {"leader", "admin"}),
    "return": (vocab.SUBMITTED, vocab.RETURNED, {"leader", "admin"}),
    "complete": (vocab.APPROVED, vocab.DONE, {"staff_a", "leader", "admin"}),
    "cancel": (vocab.APPROVED, vocab.CANCELLED, {"staff_a", "leader", "admin"}),
}
SEES_A = {"admin", "leader", "staff_a", "staff_a2", "editor_staff"}
NO_FIELD_ACCESS = {"editor", "loner"}


def test_the_matrix_covers_every_transition():
    from visits.workflow import TRANSITIONS
    assert set(MATRIX) == set(TRANSITIONS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(MATRIX))
def test_transition_by_role(name, role, as_user, make_visit):
    source, target, allowed = MATRIX[name]
    visit = make_visit("a", state=source)
    if name == "complete":
        VisitReport.create(visit=visit, findings="Đã nắm tình hình chi bộ bản Huồi Tố.")
    client = as_user(role)
    response = post(client, f"/admin/visit/transition/{visit.id}",
                    {"name": name, "comment": "Ý kiến của người duyệt"})
    after = Visit.get_by_id(visit.id)
    if role in allowed:
        assert response.status_code == 302, text(response)
        assert after.state == target
        event = VisitEvent.get(VisitEvent.visit == visit.id)
        assert (event.from_state, event.to_state) == (source, target)
        entry = AuditEntry.get((AuditEntry.object_type == "visit") & (AuditEntry.object_id == str(visit.id)))
        assert entry.action == "transition"
    else:
        expected = 403 if role in NO_FIELD_ACCESS or role in SEES_A else 404
        assert response.status_code == expected
        assert after.state == source
        assert not VisitEvent.select().where(VisitEvent.visit == visit.id).exists()


def test_return_needs_a_comment_and_shows_it(as_user, make_visit):
    visit = make_visit("a", state=vocab.SUBMITTED)
    leader = as_user("leader")
    post(leader, f"/admin/visit/transition/{visit.id}", {"name": "return", "comment": ""})
    assert Visit.get_by_id(visit.id).state == vocab.SUBMITTED
    post(leader, f"/admin/visit/transition/{visit.id}", {"name": "return",
                                                         "comment": "Bổ sung đối tượng làm việc."})
    assert Visit.get_by_id(visit.id).state == vocab.RETURNED
    page = text(as_user("staff_a").get(f"/admin/visit/details/?id={visit.id}"))
    assert "Bổ sung đối tượng làm việc." in page
    # Returned: the planner edits and submits again.
    assert as_user("staff_a").get(f"/admin/visit/edit/?id={visit.id}").status_code == 200
    assert post(as_user("staff_a"), f"/admin/visit/transition/{visit.id}",
                {"name": "submit"}).status_code == 302
    assert Visit.get_by_id(visit.id).state == vocab.SUBMITTED


def test_complete_needs_a_report(as_user, make_visit):
    visit = make_visit("a", state=vocab.APPROVED)
    client = as_user("staff_a")
    post(client, f"/admin/visit/transition/{visit.id}", {"name": "complete"})
    assert Visit.get_by_id(visit.id).state == vocab.APPROVED


def test_cancelling_an_approved_plan_needs_a_reason(as_user, make_visit):
    visit = make_visit("a", state=vocab.APPROVED)
    post(as_user("staff_a"), f"/admin/visit/transition/{visit.id}", {"name": "cancel", "comment": ""})
    assert Visit.get_by_id(visit.id).state == vocab.APPROVED


def test_a_leader_does_not_approve_a_plan_they_lead(field, as_user, make_visit):
    from visits.models import Official
    Official.update(user=field.users["leader"].id).where(Official.id == field.officials["b2"].id).execute()
    visit = make_visit("b2", state=vocab.SUBMITTED)
    response = post(as_user("leader"), f"/admin/visit/transition/{visit.id}", {"name": "approve"})
    assert response.status_code == 403
    assert post(as_user("admin"), f"/admin/visit/transition/{visit.id}",
                {"name": "approve"}).status_code == 302
    assert Visit.get_by_id(visit.id).state == vocab.APPROVED


def _plan_form(field, **extra):
    start = date.today() + timedelta(days=20)
    data = {"title": "Nắm tình hình xã Nậm Cắn", "lead": str(field.officials["a"].id),
            "localities": [str(field.namcan.id)], "start_date": start.strftime("%d/%m/%Y"),
            "end_date": (start + timedelta(days=1)).strftime("%d/%m/%Y"), "main_topic": "nam_tinh_hinh",
            "other_topics": ["phat_trien_dang_vien"], "methods": ["lam_viec_truc_tiep", "du_luan"],
            "partners": "Đảng ủy xã Nậm Cắn", "plan_text": "Làm việc với Đảng ủy xã."}
    data.update(extra)
    return data


def test_an_approved_plan_is_not_edited_but_changed_with_a_recorded_reason(field, as_user, make_visit):
    visit = make_visit("a", state=vocab.APPROVED)
    staff = as_user("staff_a")
    response = staff.get(f"/admin/visit/edit/?id={visit.id}")
    assert response.status_code == 302 and f"/admin/visit/change/{visit.id}" in response.headers["Location"]
    blocked = post(staff, f"/admin/visit/edit/?id={visit.id}", _plan_form(field, title="Sửa lén"))
    assert blocked.status_code in (302, 403) and Visit.get_by_id(visit.id).title != "Sửa lén"
    page = text(staff.get(f"/admin/visit/change/{visit.id}"))
    assert "Lý do điều chỉnh" in page
    no_reason = post(staff, f"/admin/visit/change/{visit.id}", _plan_form(field, title="Đợt đã điều chỉnh"))
    assert no_reason.status_code == 200 and Visit.get_by_id(visit.id).title != "Đợt đã điều chỉnh"
    done = post(staff, f"/admin/visit/change/{visit.id}",
                _plan_form(field, title="Đợt đã điều chỉnh", reason="Địa phương đề nghị lùi lịch"))
    assert done.status_code == 302
    changed = Visit.get_by_id(visit.id)
    assert changed.title == "Đợt đã điều chỉnh"
    assert changed.state == vocab.SUBMITTED  # a planner's change goes back for approval
    change = PlanChange.get(PlanChange.visit == visit.id)
    assert change.reason == "Địa phương đề nghị lùi lịch" and "Tên đợt" in change.changes
    assert AuditEntry.select().where((AuditEntry.object_type == "visit") & (AuditEntry.action == "update")
                                     & (AuditEntry.object_id == str(visit.id))).exists()
    # A leader's change keeps the approval.
    approved = make_visit("a", state=vocab.APPROVED)
    post(as_user("leader"), f"/admin/visit/change/{approved.id}",
         _plan_form(field, title="Lãnh đạo điều chỉnh", reason="Kết hợp thêm nội dung"))
    assert Visit.get_by_id(approved.id).state == vocab.APPROVED
    # Nobody else changes it.
    assert as_user("staff_a2").get(f"/admin/visit/change/{approved.id}").status_code == 403
    assert as_user("staff_b").get(f"/admin/visit/change/{approved.id}").status_code == 404
