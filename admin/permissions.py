"""Who may do what in the back office: the one table every view and action checks on the server.

Hiding a menu item is a courtesy; these checks are the enforcement.
"""

from flask import abort
from flask_login import current_user

ADMIN, EDITOR, LEADER, STAFF = "admin", "editor", "leader", "staff"
ALL_ROLES = {ADMIN, EDITOR, LEADER, STAFF}

# area -> operation -> roles allowed. "read" covers the list and details views.
RULES = {
    "article": {
        "read": ALL_ROLES,  # staff see only their own articles (see article_visible_to)
        "create": {ADMIN, EDITOR, STAFF},
        "edit": {ADMIN, EDITOR, STAFF},  # staff: own drafts only (see can_edit_article)
        "delete": {ADMIN, EDITOR},
        "publish": {ADMIN, EDITOR},
    },
    "category": {"read": {ADMIN, EDITOR, LEADER}, "create": {ADMIN, EDITOR},
                 "edit": {ADMIN, EDITOR}, "delete": {ADMIN, EDITOR}},
    "tag": {"read": {ADMIN, EDITOR, LEADER}, "create": {ADMIN, EDITOR},
            "edit": {ADMIN, EDITOR}, "delete": {ADMIN, EDITOR}},
    "media": {"read": {ADMIN, EDITOR, LEADER, STAFF}, "create": {ADMIN, EDITOR, STAFF},
              "edit": {ADMIN, EDITOR}, "delete": {ADMIN, EDITOR}},
    "user": {"read": {ADMIN}, "create": {ADMIN}, "edit": {ADMIN}, "delete": {ADMIN}},
    "audit": {"read": {ADMIN}, "create": set(), "edit": set(), "delete": set()},
    # Field visits (visits/). Here STAFF means field staff: a staff or editor account linked to an
    # Official; an unlinked staff or editor account has no access at all (see visits.access).
    # Which visits a role sees, and which steps it may take on one, is decided row by row there.
    "visit": {"read": {ADMIN, LEADER, STAFF}, "create": {ADMIN, LEADER, STAFF},
              "edit": {ADMIN, LEADER, STAFF}, "delete": set(), "approve": {ADMIN, LEADER}},
    "visit_follow_up": {"read": {ADMIN, LEADER, STAFF}, "create": {ADMIN, LEADER, STAFF},
                        "edit": {ADMIN, LEADER, STAFF}, "delete": {ADMIN, LEADER}},
    "visit_meeting": {"read": {ADMIN, LEADER, STAFF}, "create": {ADMIN, LEADER, STAFF},
                      "edit": {ADMIN, LEADER, STAFF}, "delete": {ADMIN, LEADER}},
    "visit_dashboard": {"read": {ADMIN, LEADER, STAFF}, "create": set(), "edit": set(), "delete": set()},
    # Staff search (/admin/tim-kiem/): every back-office role; what each finds is decided by
    # admin.views.staff_search.staff_visibility (editors: articles; records only for field staff).
    "staff_search": {"read": ALL_ROLES, "create": set(), "edit": set(), "delete": set()},
    # Departments, officials, localities, assignments, holidays: read by field staff, kept by leaders.
    "visit_reference": {"read": {ADMIN, LEADER, STAFF}, "create": {ADMIN, LEADER},
                        "edit": {ADMIN, LEADER}, "delete": {ADMIN, LEADER}},
}


def role_of(user=None):
    user = user or current_user
    if not getattr(user, "is_authenticated", False):
        return None
    return user.role


def can(area, operation, user=None):
    return role_of(user) in RULES[area][operation]


def require(area, operation):
    if not can(area, operation):
        abort(403)


def article_visible_to(article, user=None):
    """Staff see the articles they created; everyone else in the back office sees all."""
    user = user or current_user
    if role_of(user) != STAFF:
        return can("article", "read", user)
    return article.owner_id == user.id


def can_edit_article(article, user=None):
    """Editors and admins edit any article; staff only their own drafts."""
    user = user or current_user
    role = role_of(user)
    if role in (ADMIN, EDITOR):
        return True
    if role == STAFF:
        return article.owner_id == user.id and article.status == "draft"
    return False
