"""The roles of the back office and the one table of what each may do, by area and operation.

The core holds them because every part needs them: the back office enforces them on every endpoint
(admin.permissions, admin.guard), field visits apply them row by row (visits.access). Hiding a menu
item is a courtesy; these checks are the enforcement.
"""

from flask_login import current_user

ADMIN, EDITOR, LEADER, STAFF = "admin", "editor", "leader", "staff"
# Each role with its Vietnamese name, in the order lists show them.
ROLES = [
    (ADMIN, "Quản trị"),
    (EDITOR, "Biên tập viên"),
    (LEADER, "Lãnh đạo"),
    (STAFF, "Chuyên viên"),
]
ROLE_NAMES = [name for name, _ in ROLES]
ALL_ROLES = set(ROLE_NAMES)

# area -> operation -> roles allowed. "read" covers the list and details views.
RULES = {
    "article": {
        "read": ALL_ROLES,  # staff see only their own articles (see article_visible_to)
        "create": {ADMIN, EDITOR, STAFF},
        "edit": {ADMIN, EDITOR, STAFF},  # staff: own drafts only (see can_edit_article)
        "delete": {ADMIN, EDITOR},
        "publish": {ADMIN, EDITOR},
    },
    # Giới thiệu pages and Lịch công tác weeks: the articles' rule (staff write drafts, editors
    # publish); staff edit only their own drafts (admin.views.pages / schedule).
    "page": {"read": ALL_ROLES, "create": {ADMIN, EDITOR, STAFF}, "edit": {ADMIN, EDITOR, STAFF},
             "delete": {ADMIN, EDITOR}, "publish": {ADMIN, EDITOR}},
    "schedule": {"read": ALL_ROLES, "create": {ADMIN, EDITOR, STAFF}, "edit": {ADMIN, EDITOR, STAFF},
                 "delete": {ADMIN, EDITOR}, "publish": {ADMIN, EDITOR}},
    # The documents register (Văn bản, cms.documents): editors keep and publish it; staff enter
    # drafts and submit them (own drafts only, as articles); leaders read it.
    "document": {"read": ALL_ROLES, "create": {ADMIN, EDITOR, STAFF}, "edit": {ADMIN, EDITOR, STAFF},
                 "delete": {ADMIN, EDITOR}, "publish": {ADMIN, EDITOR}},
    "category": {"read": {ADMIN, EDITOR, LEADER}, "create": {ADMIN, EDITOR},
                 "edit": {ADMIN, EDITOR}, "delete": {ADMIN, EDITOR}},
    "tag": {"read": {ADMIN, EDITOR, LEADER}, "create": {ADMIN, EDITOR},
            "edit": {ADMIN, EDITOR}, "delete": {ADMIN, EDITOR}},
    "album": {"read": ALL_ROLES, "create": {ADMIN, EDITOR, STAFF},  # staff: own drafts only
              "edit": {ADMIN, EDITOR, STAFF}, "delete": {ADMIN, EDITOR}, "publish": {ADMIN, EDITOR}},
    "media": {"read": {ADMIN, EDITOR, LEADER, STAFF}, "create": {ADMIN, EDITOR, STAFF},
              "edit": {ADMIN, EDITOR}, "delete": {ADMIN, EDITOR}},
    # accounts are deactivated, never deleted: the audit log points at them
    "user": {"read": {ADMIN}, "create": {ADMIN}, "edit": {ADMIN}, "delete": set()},
    "audit": {"read": {ADMIN}, "create": set(), "edit": set(), "delete": set()},
    # The footer's facts and the view-count setting (one row, never deleted); "Liên kết website".
    "site_settings": {"read": {ADMIN}, "create": {ADMIN}, "edit": {ADMIN}, "delete": set()},
    "site_link": {"read": {ADMIN, EDITOR}, "create": {ADMIN, EDITOR}, "edit": {ADMIN, EDITOR},
                  "delete": {ADMIN, EDITOR}},
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
    # Staff search (/admin/tim-kiem/): every back-office role; what each finds is each kind's own rule
    # (admin.search_access: articles as in the back office; records only for field staff).
    "staff_search": {"read": ALL_ROLES, "create": set(), "edit": set(), "delete": set()},
    # Departments, officials, localities, assignments, holidays: read by field staff, kept by leaders.
    # Linking a login account to an official hands that account a department's records: admins only
    # (the form field, the CSV column and the account names shown are all behind this row).
    "visit_reference": {"read": {ADMIN, LEADER, STAFF}, "create": {ADMIN, LEADER},
                        "edit": {ADMIN, LEADER}, "delete": {ADMIN, LEADER}, "link_account": {ADMIN}},
}


def role_of(user=None):
    user = user or current_user
    if not getattr(user, "is_authenticated", False):
        return None
    return user.role


def can(area, operation, user=None):
    return role_of(user) in RULES[area][operation]
