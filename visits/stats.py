"""The dashboards' figures: aggregated in SQL (a fixed number of queries, whatever the number of
visits), then shaped by the pure rules of visits.rules.

Every function takes the viewer's Scope: staff get their department's figures, leaders and admins
everybody's (optionally one department's).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from peewee import JOIN, Case, PostgresqlDatabase, fn

from cms.db import database
from cms.trees import Tree

from . import rules, vocab
from .calendar import month_starts
from .models import (
    Assignment,
    Department,
    FollowUp,
    Locality,
    Official,
    Visit,
    VisitLocality,
    VisitParticipant,
)


def _is_postgres():
    return isinstance(database.obj, PostgresqlDatabase)


def month_key(column):
    """'YYYY-MM' of a date column, in the database's own dialect."""
    if _is_postgres():
        return fn.to_char(column, "YYYY-MM")
    return fn.strftime("%Y-%m", column)


def _visits(scope, department_id=None):
    """A where-clause builder: the scope's visits, optionally of one department."""
    conditions = []
    condition = scope.visit_condition()
    if condition is not None:
        conditions.append(condition)
    if department_id:
        conditions.append(Visit.department == department_id)
    return conditions


def _as_date(value):
    return value if isinstance(value, date) or value is None else date.fromisoformat(str(value)[:10])


def raw_rows(query):
    """The rows of `query` as the driver returns them (no per-value conversion by peewee: cheaper
    for the thousands of rows an aggregate reads)."""
    return database.execute(query).fetchall()


def _where(query, conditions):
    for condition in conditions:
        query = query.where(condition)
    return query


# --- counts ----------------------------------------------------------------------------------

def state_counts(scope, department_id=None):
    query = _where(Visit.select(Visit.state, fn.COUNT(Visit.id)).group_by(Visit.state),
                   _visits(scope, department_id))
    counts = dict(query.tuples())
    return [(code, label, counts.get(code, 0)) for code, label in vocab.STATES]


@dataclass
class MonthRow:
    month: object  # date: first day of the month
    done: int = 0
    planned: int = 0
    cancelled: int = 0

    @property
    def label(self):
        return f"{self.month:%m/%Y}"

    @property
    def total(self):
        return self.done + self.planned + self.cancelled


def visits_per_month(scope, start, end, department_id=None):
    """Visits starting in each month from start to end: done, still planned, cancelled."""
    key = month_key(Visit.start_date)
    query = (Visit.select(key.alias("m"), Visit.state, fn.COUNT(Visit.id))
             .where((Visit.start_date >= start) & (Visit.start_date <= end)
                    & Visit.state.in_([code for code, _ in vocab.STATES]))  # the covering index
             .group_by(key, Visit.state))
    rows = {m.month_start: MonthRow(m.month_start) for m in _months(start, end)}
    for month, state, count in _where(query, _visits(scope, department_id)).tuples():
        year, number = (int(part) for part in month.split("-"))
        row = rows.get(_first(year, number))
        if row is None:
            continue
        if state == vocab.DONE:
            row.done += count
        elif state == vocab.CANCELLED:
            row.cancelled += count
        else:
            row.planned += count
    return list(rows.values())


@dataclass
class _Month:
    month_start: object


def _first(year, month):
    return date(year, month, 1)


def _months(start, end):
    return [_Month(m) for m in month_starts(start, end)]


# --- time at the grassroots ----------------------------------------------------------------------

@dataclass
class OfficialFieldDays:
    official: Official
    department_name: str
    result: rules.FieldDayRatio
    by_month: list  # FieldDayRatio per month of the period (year view), else []


def officials_in_view(scope, department_id=None):
    query = (Official.select(Official, Department.name.alias("department_name")).join(Department)
             .where(Official.active == True)  # noqa: E712
             .order_by(Department.position, Department.name, Official.full_name))
    if department_id:
        query = query.where(Official.department == department_id)
    if not scope.sees_all:
        query = query.where(Official.department.in_(list(scope.department_ids) or [-1])
                            | Official.id.in_(list(scope.official_ids) or [-1]))
    return list(query.objects())


def field_day_rows(official_ids, start, end):
    """(official_id, first, last) of every done visit touching start..end, as lead or participant."""
    in_period = ((Visit.state == vocab.DONE) & (Visit.start_date <= end) & (Visit.end_date >= start))
    leads = Visit.select(Visit.lead, Visit.start_date, Visit.end_date).where(in_period)
    joined = (VisitParticipant.select(VisitParticipant.official, Visit.start_date, Visit.end_date)
              .join(Visit).where(in_period))
    if official_ids is not None:
        ids = list(official_ids) or [-1]
        leads = leads.where(Visit.lead.in_(ids))
        joined = joined.where(VisitParticipant.official.in_(ids))
    return [(official, _as_date(first), _as_date(last))
            for official, first, last in raw_rows(leads.union_all(joined))]


def field_days_table(scope, calendar, start, end, department_id=None, monthly=False):
    """One row per official in view: field days against working days from start to end (the end
    is cut at `end`, which callers set to today for a period still running)."""
    officials = officials_in_view(scope, department_id)
    ids = None if scope.sees_all and not department_id else [o.id for o in officials]
    rows = field_day_rows(ids, start, end)
    intervals = {}
    for official_id, first, last in rows:
        intervals.setdefault(official_id, []).append((first, last))
    months = list(month_starts(start, end)) if monthly else []
    month_working = [calendar.working_days(max(start, m), min(end, _month_end(m))) for m in months]
    working = calendar.working_days(start, end)
    table = []
    for official in officials:
        merged = rules.merge_intervals(intervals.get(official.id, []), start, end)
        total = sum(calendar.working_days(first, last) for first, last in merged)
        by_month = []
        if months:
            per_month = rules.split_by_month(merged, calendar)
            by_month = [rules.FieldDayRatio(per_month.get((m.year, m.month), 0), w)
                        for m, w in zip(months, month_working, strict=True)]
        table.append(OfficialFieldDays(official, official.department_name,
                                       rules.FieldDayRatio(total, working), by_month))
    return table


def _month_end(month):
    return _first(month.year + (month.month == 12), month.month % 12 + 1) - timedelta(days=1)


# --- coverage --------------------------------------------------------------------------------------

def localities_info(day=None, period_start=None):
    """The active localities in tree order, with their lifetimes: all of them, those existing on
    `day`, or (with period_start) those that existed at some time from period_start to `day`.

    A unit kept whose parent is not kept (a commune that outlived its district) hangs under the
    nearest unit above it that is, so that it still shows, and still rolls up, under the province."""
    query = (Locality.select(Locality.id, Locality.name, Locality.parent, Locality.kind, Locality.remote,
                             Locality.mountainous, Locality.valid_from, Locality.valid_to)
             .where(Locality.active == True)  # noqa: E712
             .order_by(Locality.position, Locality.name))
    infos = [rules.LocalityInfo(lid, name, parent_id, kind, bool(remote), bool(mountainous),
                                _as_date(valid_from), _as_date(valid_to))
             for lid, name, parent_id, kind, remote, mountainous, valid_from, valid_to in raw_rows(query)]
    if day is None:
        return infos
    first = day if period_start is None else period_start
    tree = Tree(infos)  # the stored parents, read before any is changed below
    kept = [info for info in infos if info.overlaps(first, day)]
    kept_ids = {info.id for info in kept}
    for info in kept:
        above = [unit.id for unit in tree.ancestors(info.id)[:-1] if unit.id in kept_ids]
        info.parent_id = above[-1] if above else None
    return kept


def coverage_table(scope, as_of, period_start, stale_days, department_id=None, units=rules.UNITS_NOW):
    """rules.coverage over the scope's done visits: last visit up to as_of, visits since period_start.

    units="now": the rows are the units existing on as_of, and a visit to a unit that has ended
    counts for the units of as_of it went into (visits.lineage, loaded once: two queries).
    units="then": the rows are the units that existed at some time in the period, ended ones
    included, and visits count for the units they were made to.
    """
    conditions = _visits(scope, department_id) + [Visit.state == vocab.DONE, Visit.start_date <= as_of]
    in_period = (Visit.end_date >= period_start)
    stats_query = (VisitLocality.select(VisitLocality.locality, fn.MAX(Visit.end_date),
                                        fn.SUM(Case(None, [(in_period, 1)], 0)))
                   .join(Visit).group_by(VisitLocality.locality))
    stats = {lid: (_as_date(last), int(count or 0))
             for lid, last, count in raw_rows(_where(stats_query, conditions))}
    pairs_query = (VisitLocality.select(VisitLocality.visit, VisitLocality.locality).join(Visit)
                   .where(in_period))
    visit_localities = {}
    for visit_id, locality_id in raw_rows(_where(pairs_query, conditions)):
        visit_localities.setdefault(visit_id, []).append(locality_id)
    if units == rules.UNITS_THEN:
        infos = localities_info(as_of, period_start)
    else:
        infos = localities_info(as_of)
        lineage = Locality.lineage()
        stats, visit_localities = rules.carry_over(stats, visit_localities,
                                                   lambda lid: lineage.units_on(lid, as_of))
    rows = rules.coverage(infos, stats, as_of, stale_days, visit_localities)
    return rows, current_followers(as_of)


def current_followers(day):
    """{locality_id: [official names]} of the assignments running on `day` (one query)."""
    query = (Assignment.select(Assignment.locality, Official.full_name).join(Official)
             .where((Assignment.start_date <= day)
                    & (Assignment.end_date.is_null() | (Assignment.end_date >= day)))
             .order_by(Official.full_name))
    followers = {}
    for locality_id, name in query.tuples():
        followers.setdefault(locality_id, []).append(name)
    return followers


# --- follow-ups -----------------------------------------------------------------------------------

def overdue_follow_ups(scope, today, department_id=None, limit=200):
    """(items, total, per-department counts) of open follow-ups past their due date."""
    base = (FollowUp.select().join(Visit)
            .where((FollowUp.status == vocab.FOLLOWUP_OPEN) & (FollowUp.due_date < today)))
    base = _where(base, _visits(scope, department_id))
    items = list(base.select(FollowUp, Visit, Official)
                 .join_from(FollowUp, Official, JOIN.LEFT_OUTER, on=(FollowUp.official == Official.id))
                 .order_by(FollowUp.due_date, FollowUp.id).limit(limit)) if limit else []
    per_department = (base.select(Department.name, fn.COUNT(FollowUp.id))
                      .join_from(Visit, Department).group_by(Department.name)
                      .order_by(fn.COUNT(FollowUp.id).desc(), Department.name))
    counts = list(per_department.tuples())
    return items, sum(count for _, count in counts), counts


# --- coordination ----------------------------------------------------------------------------------

def _upcoming(today, window_days, horizon_days):
    return (Visit.state.in_(vocab.PLANNED_STATES) & (Visit.end_date >= today - timedelta(days=window_days))
            & (Visit.start_date <= today + timedelta(days=horizon_days)))


def upcoming_plan_spans(today, window_days, horizon_days=180):
    """PlanSpans of every plan still to be carried out, ending from today on (one query)."""
    query = (Visit.select(Visit.id, Visit.department, Visit.start_date, Visit.end_date,
                          VisitLocality.locality)
             .join(VisitLocality).where(_upcoming(today, window_days, horizon_days)))
    spans = {}
    for visit_id, department_id, raw_start, raw_end, locality_id in raw_rows(query):
        start, end = _as_date(raw_start), _as_date(raw_end)
        span = spans.setdefault(visit_id, rules.PlanSpan(visit_id, department_id, start, end, frozenset()))
        span.locality_ids = span.locality_ids | {locality_id}
    return list(spans.values())


def overlap_candidates(visit, locality_ids, window_days):
    """PlanSpans of other departments' plans sharing a locality with `visit` near its dates."""
    if not locality_ids:
        return []
    low = visit.start_date - timedelta(days=window_days)
    high = visit.end_date + timedelta(days=window_days)
    query = (Visit.select(Visit.id, Visit.department, Visit.start_date, Visit.end_date,
                          VisitLocality.locality)
             .join(VisitLocality)
             .where(Visit.state.in_(vocab.PLANNED_STATES) & (Visit.id != visit.id)
                    & (Visit.department != visit.department_id)
                    & VisitLocality.locality.in_(list(locality_ids))
                    & (Visit.start_date <= high) & (Visit.end_date >= low)))
    spans = {}
    for visit_id, department_id, start, end, locality_id in query.tuples():
        span = spans.setdefault(visit_id, rules.PlanSpan(visit_id, department_id, start, end, frozenset()))
        span.locality_ids = span.locality_ids | {locality_id}
    return list(spans.values())


def overlaps_for(visit, locality_ids, window_days=rules.DEFAULT_OVERLAP_WINDOW):
    """rules.find_overlaps for one visit, with the other plans' rows for display."""
    if visit.state not in vocab.PLANNED_STATES:
        return []
    plan = rules.PlanSpan(visit.id, visit.department_id, visit.start_date, visit.end_date,
                          frozenset(locality_ids))
    found = rules.find_overlaps(plan, overlap_candidates(visit, locality_ids, window_days), window_days)
    return found


def overlapping_pairs_in_view(scope, today, window_days, horizon_days=180):
    """rules.overlapping_pairs of the upcoming plans, keeping the pairs the viewer has a part in."""
    spans = upcoming_plan_spans(today, window_days, horizon_days)
    pairs = rules.overlapping_pairs(spans, window_days)
    if scope.sees_all or not pairs:
        return pairs
    visible = {vid for (vid,) in raw_rows(scope.restrict(
        Visit.select(Visit.id).where(_upcoming(today, window_days, horizon_days))))}
    return [p for p in pairs if p[0].id in visible or p[1].id in visible]
