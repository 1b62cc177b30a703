"""The rules of the work, as pure functions (no Flask, no database): time at the grassroots,
coverage of localities, and overlapping plans of different departments.

    field_days(intervals, start, end, calendar)        working days covered, each day once
    field_day_ratio(...)                               against the working days of the period
    coverage(localities, visit_stats, as_of, stale_days)  last visit and count per locality
    find_overlaps(plan, others, window_days)           other departments' plans to combine with
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from cms.timeutil import format_day
from cms.trees import Tree

TARGET_RATIO = 1 / 3  # a third of working time at the grassroots
DEFAULT_STALE_DAYS = 180
DEFAULT_OVERLAP_WINDOW = 7
MAX_VISIT_DAYS = 60  # a longer stay is several trips, planned and reported one by one


def plan_dates_problem(start, end):
    """What is wrong with a plan's dates, in Vietnamese, or None."""
    if start and end and end < start:
        return "Ngày kết thúc không được trước ngày bắt đầu."
    if start and end and (end - start).days > MAX_VISIT_DAYS:
        return (f"Một đợt đi cơ sở không kéo dài quá {MAX_VISIT_DAYS} ngày; "
                "hãy chia thành nhiều đợt.")
    return None


# --- time at the grassroots ------------------------------------------------------------------

def merge_intervals(intervals, start=None, end=None):
    """Date intervals (first, last) clipped to start..end and merged where they overlap or touch."""
    clipped = []
    for first, last in intervals:
        if start is not None:
            first = max(first, start)
        if end is not None:
            last = min(last, end)
        if first <= last:
            clipped.append((first, last))
    clipped.sort()
    merged = []
    for first, last in clipped:
        if merged and first <= merged[-1][1] + timedelta(days=1):
            if last > merged[-1][1]:
                merged[-1] = (merged[-1][0], last)
        else:
            merged.append((first, last))
    return merged


def field_days(intervals, start, end, calendar):
    """Working days from start to end covered by at least one of the visits' (first, last) intervals.

    A day is counted once however many visits cover it; weekends and holidays are not field days
    (a make-up Saturday is), so the figure compares with the period's working days.
    """
    return sum(calendar.working_days(first, last) for first, last in merge_intervals(intervals, start, end))


def split_by_month(merged, calendar):
    """{(year, month): working days} of already merged intervals (each day belongs to one month)."""
    counts = {}
    for first, last in merged:
        current = first
        while current <= last:
            month_end = (date(current.year + (current.month == 12), current.month % 12 + 1, 1)
                         - timedelta(days=1))
            chunk_end = min(last, month_end)
            key = (current.year, current.month)
            counts[key] = counts.get(key, 0) + calendar.working_days(current, chunk_end)
            current = chunk_end + timedelta(days=1)
    return counts


@dataclass
class FieldDayRatio:
    field_days: int
    working_days: int

    @property
    def ratio(self):
        return self.field_days / self.working_days if self.working_days else 0.0

    @property
    def meets_target(self):
        return self.working_days > 0 and self.ratio + 1e-9 >= TARGET_RATIO


def field_day_ratio(intervals, start, end, calendar):
    return FieldDayRatio(field_days(intervals, start, end, calendar), calendar.working_days(start, end))


def field_days_by_official(rows, start, end, calendar):
    """rows: (official_id, first, last) of done visits -> {official_id: FieldDayRatio}."""
    intervals = {}
    for official_id, first, last in rows:
        intervals.setdefault(official_id, []).append((first, last))
    working = calendar.working_days(start, end)
    return {official_id: FieldDayRatio(field_days(spans, start, end, calendar), working)
            for official_id, spans in intervals.items()}


# --- coverage ---------------------------------------------------------------------------------

class Lifetime:
    """What a unit's lifetime (valid_from, valid_to; blank: before our records / still exists)
    answers; shared by the Locality model and the plain records built from it."""

    valid_from = None
    valid_to = None

    @property
    def ended(self):
        return self.valid_to is not None

    def exists_on(self, day):
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None
                                                                         or day <= self.valid_to)

    def overlaps(self, start, end):
        """Whether the unit existed at some time from start to end."""
        return ((self.valid_from is None or self.valid_from <= end)
                and (self.valid_to is None or start <= self.valid_to))

    @property
    def lifetime_label(self):
        """'từ 01/07/2025', 'đến 30/06/2025', 'từ 01/12/2024 đến 30/06/2025' or ''."""
        parts = []
        if self.valid_from:
            parts.append(f"từ {format_day(self.valid_from)}")
        if self.valid_to:
            parts.append(f"đến {format_day(self.valid_to)}")
        return " ".join(parts)


@dataclass
class LocalityInfo(Lifetime):
    id: int
    name: str
    parent_id: int = None
    kind: str = ""
    remote: bool = False
    mountainous: bool = False
    valid_from: object = None  # date or None: the unit's lifetime (blank: before our records)
    valid_to: object = None  # date or None (blank: still exists)


UNITS_NOW = "now"  # rows: today's units; an old unit's visits counted for its successors
UNITS_THEN = "then"  # rows: the units of the period, ended ones included; visits as they were made
UNITS_VIEWS = ((UNITS_NOW, "Theo địa bàn hiện nay"), (UNITS_THEN, "Theo địa bàn tại thời điểm đi"))


def carry_over(visit_stats, visit_localities, stand_for):
    """The figures of coverage re-addressed to the units that stand for the visited ones.

    stand_for(locality_id) -> the ids of the rows a visit to that unit counts for (today's
    successors of an ended unit, each part of a split; the unit itself when it still exists;
    nothing when it ended with no successor). A visit that reaches one row through two old units
    counts once for it; the last visit of a row is the latest of the units standing behind it.
    The counts of visit_stats are summed as given (callers that count visits once pass
    visit_localities, which is what rules.coverage counts from).
    """
    cache = {}

    def targets(locality_id):
        if locality_id not in cache:
            cache[locality_id] = tuple(stand_for(locality_id))
        return cache[locality_id]

    stats = {}
    for locality_id, (last_date, count) in visit_stats.items():
        for target in targets(locality_id):
            old_last, old_count = stats.get(target, (None, 0))
            if old_last is None or (last_date is not None and last_date > old_last):
                old_last = last_date
            stats[target] = (old_last, old_count + count)
    carried = None
    if visit_localities is not None:
        carried = {}
        for visit_id, locality_ids in visit_localities.items():
            reached = list(dict.fromkeys(t for lid in locality_ids for t in targets(lid)))
            if reached:
                carried[visit_id] = reached
    return stats, carried


@dataclass
class CoverageRow:
    locality: LocalityInfo
    depth: int
    last_visit: object  # date or None, this locality or any below it
    visits_in_period: int  # done visits to this locality or below it (a visit counted once)
    days_since: object  # int or None (never visited)
    stale: bool

    @property
    def remote(self):
        return self.locality.remote


def coverage(localities, visit_stats, as_of, stale_days=DEFAULT_STALE_DAYS, visit_localities=None):
    """Per locality (tree order), the last done visit and the visits in the period, counting what
    happened in the units below it (a visit to a commune is a visit to its district too).

    localities: LocalityInfo list; visit_stats: {locality_id: (last_visit_date, visits_in_period)}
    for the localities visited directly. visit_localities, when given, is {visit_id: locality ids}
    of the period's visits, so that a visit to two communes of one district counts once for it.
    A locality never visited, or last visited more than stale_days before as_of, is stale.
    """
    tree = Tree(localities)
    by_id = tree.by_id
    above = {}  # locality id: its id and those of the units above it

    def chain(locality_id):
        if locality_id not in above:
            above[locality_id] = [info.id for info in tree.ancestors(locality_id)]
        return above[locality_id]

    last = {}
    counts = {}
    for locality_id, (last_date, _count) in visit_stats.items():
        if locality_id not in by_id:
            continue
        for ancestor in chain(locality_id):
            if last_date is not None and (last.get(ancestor) is None or last_date > last[ancestor]):
                last[ancestor] = last_date
    if visit_localities is not None:
        for locality_ids in visit_localities.values():
            reached = {a for lid in locality_ids if lid in by_id for a in chain(lid)}
            for ancestor in reached:
                counts[ancestor] = counts.get(ancestor, 0) + 1
    else:
        for locality_id, (_last, count) in visit_stats.items():
            if locality_id in by_id:
                for ancestor in chain(locality_id):
                    counts[ancestor] = counts.get(ancestor, 0) + count

    rows = []
    for info, depth in tree.walk():
        last_visit = last.get(info.id)
        days_since = (as_of - last_visit).days if last_visit else None
        stale = days_since is None or days_since > stale_days
        rows.append(CoverageRow(info, depth, last_visit, counts.get(info.id, 0), days_since, stale))
    return rows


# --- coordination -----------------------------------------------------------------------------

@dataclass
class PlanSpan:
    id: int
    department_id: int
    start: object
    end: object
    locality_ids: frozenset = field(default_factory=frozenset)


@dataclass
class Overlap:
    other: PlanSpan
    shared_locality_ids: frozenset
    gap_days: int  # 0 when the dates overlap, else the days between the two trips


def gap_between(a_start, a_end, b_start, b_end):
    if a_start <= b_end and b_start <= a_end:
        return 0
    return (b_start - a_end).days if b_start > a_end else (a_start - b_end).days


def find_overlaps(plan, others, window_days=DEFAULT_OVERLAP_WINDOW):
    """Plans of other departments for a locality of `plan` whose dates fall within window_days of it.

    Those are the trips worth combining into one joint visit, so the locality receives one
    delegation instead of two.
    """
    found = []
    for other in others:
        if other.id == plan.id or other.department_id == plan.department_id:
            continue
        shared = frozenset(plan.locality_ids) & frozenset(other.locality_ids)
        if not shared:
            continue
        gap = gap_between(plan.start, plan.end, other.start, other.end)
        if gap <= window_days:
            found.append(Overlap(other, shared, gap))
    found.sort(key=lambda o: (o.gap_days, o.other.start, o.other.id))
    return found


def overlapping_pairs(plans, window_days=DEFAULT_OVERLAP_WINDOW):
    """Every pair (a, b, shared locality ids, gap) of plans that find_overlaps would flag, once each."""
    by_locality = {}
    for plan in plans:
        for locality_id in plan.locality_ids:
            by_locality.setdefault(locality_id, []).append(plan)
    pairs = {}
    for group in by_locality.values():
        group.sort(key=lambda p: p.start)
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if b.start > a.end + timedelta(days=window_days):
                    break
                if a.department_id == b.department_id:
                    continue
                key = (min(a.id, b.id), max(a.id, b.id))
                if key not in pairs:
                    first, second = (a, b) if a.id < b.id else (b, a)
                    shared = frozenset(a.locality_ids) & frozenset(b.locality_ids)
                    pairs[key] = (first, second, shared, gap_between(a.start, a.end, b.start, b.end))
    return sorted(pairs.values(), key=lambda p: (p[0].start, p[0].id, p[1].id))
