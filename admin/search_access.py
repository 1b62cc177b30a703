"""What each back-office user may find through the internal index (search_index.internal)."""

from cms.roles import ADMIN, EDITOR, LEADER, STAFF, role_of
from search_index.internal import Visibility

RECORD_KINDS = ("visit", "report", "followup")


def visibility_for(user, departments=(), officials=()):
    """Leaders and admins: everything. Editors: all articles. Staff: the articles they may open in
    the back office (their own: admin.permissions.article_visible_to; not others' published,
    scheduled or draft ones), plus the records of their department or that they take part in
    (`departments`, `officials` come from the visits package's link between the account and an
    official)."""
    role = role_of(user)
    if role in (ADMIN, LEADER):
        return Visibility(everything=True)
    if role == EDITOR:
        return Visibility(all_articles=True, record_kinds=RECORD_KINDS if (departments or officials) else (),
                          departments=list(departments), officials=list(officials))
    if role == STAFF:
        return Visibility(own_articles_of=user.id, record_kinds=RECORD_KINDS,
                          departments=list(departments), officials=list(officials), owner=user.id)
    return Visibility()
