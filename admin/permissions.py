"""Which rule each back-office endpoint needs, and who may edit an article. The roles and the table of
what each may do live in the core (cms.roles), and so does who sees which article (cms.article_access)."""

from flask import abort
from flask_login import current_user

from cms.roles import ADMIN, EDITOR, STAFF, can, role_of

# Areas whose STAFF means field staff (an account linked to an official): checked through
# visits.access.Scope.can, which gives an unlinked account no role there at all.
FIELD_AREAS = {"visit", "visit_follow_up", "visit_meeting", "visit_dashboard", "visit_reference"}

# --- which rule each back-office endpoint needs ---------------------------------------------------
# Every endpoint under /admin/ and of the login blueprint ("auth") has a rule, or admin.guard refuses
# it (403) before any view runs, and tests/security/test_sec_endpoint_rules.py fails. A rule is an
# (area, operation) pair of RULES, or ANYONE (no login needed) or SIGNED_IN (any logged-in account).
# The rule is the first gate, by role; the view still checks the record itself (scope, owner, state).

ANYONE = "anyone"
SIGNED_IN = "signed in"

# Flask-Admin's own view functions, on any view that names its `area`: the operation each needs.
OPERATION_OF_VIEW = {
    "index_view": "read", "details_view": "read", "export": "read", "ajax_lookup": "read",
    "create_view": "create", "edit_view": "edit", "ajax_update": "edit",
    "delete_view": "delete", "action_view": "edit",
}

# Every other endpoint, by Flask's name "<view endpoint>.<function>" (what url_for takes). To add an
# @expose'd function, add its line here, e.g. "visit.propose_joint": ("visit", "edit").
ENDPOINT_RULES = {
    "auth.login": ANYONE,
    "auth.logout": ANYONE,  # logging out of no session is harmless, and must not need a login
    "auth.change_password": SIGNED_IN,
    "admin.static": ANYONE,  # Flask-Admin's CSS and scripts
    "admin.index": SIGNED_IN,  # the home page: each role sees its own lists
    "article.preview": ("article", "create"),
    "article.transition": ("article", "edit"),  # which step a role may take: admin.editorial
    "article.revisions": ("article", "read"),
    "article.restore": ("article", "edit"),
    "intro_page.transition": ("page", "edit"),  # Giới thiệu pages: the same workflow as articles
    "intro_page.revisions": ("page", "read"),
    "intro_page.restore": ("page", "edit"),
    "schedule_week.transition": ("schedule", "edit"),  # Lịch công tác weeks, likewise
    "schedule_week.revisions": ("schedule", "read"),
    "schedule_week.restore": ("schedule", "edit"),
    "document.transition": ("document", "edit"),  # which step: admin.editorial, from RULES["document"]
    "document.revisions": ("document", "read"),
    "document.restore": ("document", "edit"),
    "album.transition": ("album", "edit"),  # which step a role may take: admin.editorial
    "album.revisions": ("album", "read"),
    "album.restore": ("album", "edit"),
    "staff_search.index": ("staff_search", "read"),
    "visit.transition": ("visit", "edit"),  # approve/return: visits.workflow checks the reviewer
    "visit.change_plan": ("visit", "edit"),
    "visit.propose_joint": ("visit", "edit"),  # who may propose or answer: visits.joint
    "visit.answer_joint": ("visit", "edit"),
    "visit.report": ("visit", "edit"),
    "visit.upload_attachment": ("visit", "edit"),
    "visit.download_attachment": ("visit", "read"),
    "visit.delete_attachment": ("visit", "edit"),
    "visit.add_follow_up": ("visit_follow_up", "create"),
    "visit.follow_up_status": ("visit_follow_up", "edit"),
    "visit.export_record": ("visit", "read"),
    "visit_dashboard.index": ("visit_dashboard", "read"),
    "visit_dashboard.months": ("visit_dashboard", "read"),
    "visit_dashboard.field_days": ("visit_dashboard", "read"),
    "visit_dashboard.coverage": ("visit_dashboard", "read"),
    "visit_dashboard.follow_ups": ("visit_dashboard", "read"),
    "visit_import.index": ("visit_reference", "create"),
    "visit_import.template": ("visit_reference", "create"),
}


def rule_for(endpoint, area=None):
    """The rule of `endpoint`: declared in ENDPOINT_RULES, else Flask-Admin's own view function of a
    view whose area is `area`; None when it has none (then it is refused)."""
    if endpoint in ENDPOINT_RULES:
        return ENDPOINT_RULES[endpoint]
    function = endpoint.rpartition(".")[2]
    if area is not None and function in OPERATION_OF_VIEW:
        return area, OPERATION_OF_VIEW[function]
    return None






def require(area, operation):
    if not can(area, operation):
        abort(403)


def can_edit_article(article, user=None):
    """Editors and admins edit any article; staff only their own drafts."""
    user = user or current_user
    role = role_of(user)
    if role in (ADMIN, EDITOR):
        return True
    if role == STAFF:
        return article.owner_id == user.id and article.status == "draft"
    return False
