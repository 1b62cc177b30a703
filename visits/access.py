"""Who sees which visits. One rule, applied by every list, page, export, download, dashboard and search:

- admins and leaders see every visit;
- field staff see the visits they created, lead or take part in, and those of their department
  (a visit whose department is theirs, or in which an official of their department takes part);
- nobody else sees any visit, not even that one exists.

"Field staff" is an account linked to an active Official (Official.user). A staff account becomes
field staff once an admin links it; an editor linked to an Official is field staff too (that is how
an editor who also follows localities is modelled); an unlinked staff or editor account has no
access to field visits at all.
"""

from dataclasses import dataclass, field

from flask import g, has_request_context
from flask_login import current_user

from cms.roles import ADMIN, EDITOR, LEADER, RULES, STAFF, role_of
from cms.search_sources import EVERYTHING, NOTHING, Grant

from .models import Official, Visit, VisitParticipant


@dataclass
class Scope:
    user_id: object
    role: object  # the effective role for field visits: admin, leader, staff or None
    official_ids: frozenset = field(default_factory=frozenset)
    department_ids: frozenset = field(default_factory=frozenset)
    # Every official linked to the account, active or not: having led or taken part in a plan is a
    # fact about the person, which marking their record "không còn công tác" must not undo (leaders
    # keep the officials list; the one rule of review asks this).
    linked_official_ids: frozenset = field(default_factory=frozenset)

    @property
    def sees_all(self):
        return self.role in (ADMIN, LEADER)

    @property
    def has_access(self):
        return self.role is not None

    @property
    def is_reviewer(self):
        return self.role in (ADMIN, LEADER)

    def can(self, area, operation):
        return self.role is not None and self.role in RULES[area][operation]

    def visit_condition(self):
        """A peewee expression selecting the visits this scope sees (None: all of them)."""
        if self.sees_all:
            return None
        if not self.has_access:
            return Visit.id < 0
        return Visit.id.in_(self.visible_ids())

    def visible_ids(self):
        """A subquery of the ids this scope sees: a UNION of index-driven selects, which the
        database materializes once (an OR of the same conditions would scan every visit)."""
        own = Visit.alias()
        parts = [own.select(own.id).where(own.created_by == self.user_id)]
        officials, departments = list(self.official_ids), list(self.department_ids)
        if officials:
            parts.append(own.select(own.id).where(own.lead.in_(officials)))
            parts.append(VisitParticipant.select(VisitParticipant.visit)
                         .where(VisitParticipant.official.in_(officials)))
        if departments:
            parts.append(own.select(own.id).where(own.department.in_(departments)))
            parts.append(VisitParticipant.select(VisitParticipant.visit)
                         .join(Official, on=(VisitParticipant.official == Official.id))
                         .where(Official.department.in_(departments)))
        query = parts[0]
        for part in parts[1:]:
            query = query | part  # UNION
        return query

    def restrict(self, query):
        """`query` (selecting from Visit) narrowed to what this scope sees."""
        condition = self.visit_condition()
        return query if condition is None else query.where(condition)

    def sees_visit(self, visit, participant_ids=None, participant_department_ids=None):
        """The same rule for one visit in memory (ids of its participants and their departments)."""
        if self.sees_all:
            return True
        if not self.has_access:
            return False
        if visit.created_by_id == self.user_id or visit.lead_id in self.official_ids:
            return True
        if visit.department_id in self.department_ids:
            return True
        if participant_ids is None:
            links = list(VisitParticipant.select(VisitParticipant.official, Official.department)
                         .join(Official).where(VisitParticipant.visit == visit.id).tuples())
            participant_ids = {official for official, _ in links}
            participant_department_ids = {department for _, department in links}
        return bool(set(participant_ids) & self.official_ids
                    or set(participant_department_ids or ()) & self.department_ids)

    def planned_condition(self):
        """is_owner as a query condition: the visits this person created or leads."""
        mine = Visit.created_by == self.user_id
        return mine | Visit.lead.in_(list(self.official_ids)) if self.official_ids else mine

    def is_owner(self, visit):
        """The visit's planner: its creator or its lead official."""
        return self.has_access and (visit.created_by_id == self.user_id
                                    or visit.lead_id in self.official_ids)

    def search_grant(self):
        """The same rule in a search index's terms: the facts every document of a visit carries
        (visits.search_source: `owner` its creator, `officials` its lead and participants,
        `department` its plan's and its participants' departments)."""
        if self.sees_all:
            return EVERYTHING
        if not self.has_access:
            return NOTHING
        return Grant(facts={"owner": [self.user_id], "officials": sorted(self.official_ids),
                            "department": sorted(self.department_ids)})


def awaits_official_link(user):
    """A staff or editor account that has no field-visit access only because no active official is
    linked to it: what it lacks is an admin's step, which its refusal page names."""
    return role_of(user) in (STAFF, EDITOR) and not scope_for(user).has_access


def build_scope(user):
    role = role_of(user)
    if role is None:
        return Scope(None, None)
    linked = list(Official.select(Official.id, Official.department, Official.active)
                  .where(Official.user == user.id).tuples())
    rows = [(official, department) for official, department, active in linked if active]
    official_ids = frozenset(official for official, _ in rows)
    department_ids = frozenset(department for _, department in rows)
    if role in (ADMIN, LEADER):
        effective = role
    elif role in (STAFF, EDITOR) and official_ids:
        effective = STAFF
    else:
        effective = None
    return Scope(user.id, effective, official_ids, department_ids,
                 frozenset(official for official, _, _ in linked))


def scope_for(user=None):
    """The Scope of `user` (default: the logged-in user), computed once per request."""
    if user is None:
        user = current_user
    if has_request_context() and getattr(user, "is_authenticated", False):
        cache = g.setdefault("visit_scopes", {})
        if user.id not in cache:
            cache[user.id] = build_scope(user)
        return cache[user.id]
    return build_scope(user)
