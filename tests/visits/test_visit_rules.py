"""The rules as pure functions: working days, field days, coverage, overlapping plans."""

from datetime import date, timedelta

from visits.calendar import WorkCalendar, period_bounds
from visits.rules import (
    LocalityInfo,
    PlanSpan,
    coverage,
    field_day_ratio,
    field_days,
    field_days_by_official,
    find_overlaps,
    merge_intervals,
    overlapping_pairs,
)

# September 2025: Mon 1 and Tue 2 are the National Day holidays; Sat 6 and Sun 7 a weekend.
CALENDAR = WorkCalendar(holidays={date(2025, 9, 1), date(2025, 9, 2)}, makeup_days={date(2025, 9, 13)})
D = date


def test_working_days_skip_weekends_and_holidays_and_count_makeup_days():
    assert CALENDAR.working_days(D(2025, 9, 1), D(2025, 9, 7)) == 3  # Wed, Thu, Fri
    assert CALENDAR.working_days(D(2025, 9, 8), D(2025, 9, 14)) == 6  # Mon-Fri + make-up Saturday 13
    assert CALENDAR.working_days(D(2025, 9, 6), D(2025, 9, 7)) == 0
    assert CALENDAR.working_days(D(2025, 9, 10), D(2025, 9, 9)) == 0
    plain = WorkCalendar()
    assert plain.working_days(D(2025, 1, 1), D(2025, 12, 31)) == 261
    assert plain.working_days(D(2024, 12, 30), D(2025, 1, 3)) == 5  # across a year boundary


def test_overlapping_visits_count_each_day_once():
    visits = [(D(2025, 9, 3), D(2025, 9, 5)), (D(2025, 9, 4), D(2025, 9, 5)), (D(2025, 9, 5), D(2025, 9, 5))]
    assert field_days(visits, D(2025, 9, 1), D(2025, 9, 30), CALENDAR) == 3


def test_weekends_and_holidays_inside_a_visit_are_not_field_days():
    # Fri 29 Aug to Wed 3 Sep: Fri 29, (Sat, Sun, holiday Mon, holiday Tue), Wed 3.
    assert field_days([(D(2025, 8, 29), D(2025, 9, 3))], D(2025, 8, 1), D(2025, 9, 30), CALENDAR) == 2
    # A make-up Saturday is a working day, so a visit on it counts.
    assert field_days([(D(2025, 9, 13), D(2025, 9, 13))], D(2025, 9, 1), D(2025, 9, 30), CALENDAR) == 1


def test_a_visit_spanning_two_months_counts_in_each_for_its_own_days():
    visit = [(D(2025, 7, 30), D(2025, 8, 4))]  # Wed 30, Thu 31 July; Fri 1, Mon 4 August
    july, august = period_bounds(2025, month=7), period_bounds(2025, month=8)
    assert field_days(visit, *july, CALENDAR) == 2
    assert field_days(visit, *august, CALENDAR) == 2
    assert field_days(visit, *period_bounds(2025, quarter=3), CALENDAR) == 4


def test_ratio_against_working_days_and_the_one_third_target():
    start, end = period_bounds(2025, month=9)  # 22 weekdays - 2 holidays + 1 make-up day = 21
    assert CALENDAR.working_days(start, end) == 21
    seven = [(D(2025, 9, 3), D(2025, 9, 5)), (D(2025, 9, 8), D(2025, 9, 11))]
    result = field_day_ratio(seven, start, end, CALENDAR)
    assert (result.field_days, result.working_days) == (7, 21)
    assert result.meets_target
    assert not field_day_ratio(seven[:1], start, end, CALENDAR).meets_target


def test_field_days_by_official_groups_rows():
    rows = [(1, D(2025, 9, 3), D(2025, 9, 3)), (2, D(2025, 9, 3), D(2025, 9, 4)), (1, D(2025, 9, 3), D(2025,
                                                                                                       9, 3))]
    result = field_days_by_official(rows, D(2025, 9, 1), D(2025, 9, 30), CALENDAR)
    assert result[1].field_days == 1 and result[2].field_days == 2
    assert result[1].working_days == 21


def test_merge_intervals_clips_and_joins_touching_spans():
    merged = merge_intervals([(D(2025, 1, 1), D(2025, 1, 3)), (D(2025, 1, 4), D(2025, 1, 5)),
                              (D(2025, 1, 10), D(2025, 1, 20))], D(2025, 1, 2), D(2025, 1, 12))
    assert merged == [(D(2025, 1, 2), D(2025, 1, 5)), (D(2025, 1, 10), D(2025, 1, 12))]


# --- coverage ----------------------------------------------------------------------------------

TREE = [LocalityInfo(1, "Tỉnh"), LocalityInfo(2, "Huyện Kỳ Sơn", 1, "huyen", remote=True),
        LocalityInfo(3, "Xã Nậm Cắn", 2, "xa", remote=True), LocalityInfo(4, "Xã Mỹ Lý", 2, "xa",
                                                                          remote=True),
        LocalityInfo(5, "Huyện Diễn Châu", 1, "huyen")]


def test_coverage_rolls_up_to_the_district_and_flags_stale_and_never_visited():
    today = D(2025, 10, 1)
    stats = {3: (D(2025, 9, 20), 2), 4: (D(2025, 3, 1), 1)}
    visit_localities = {10: [3], 11: [3, 4], 12: [4]}  # visit 11 went to both communes
    rows = {r.locality.id: r for r in coverage(TREE, stats, today, 90, visit_localities)}
    assert rows[2].last_visit == D(2025, 9, 20) and rows[2].days_since == 11 and not rows[2].stale
    assert rows[2].visits_in_period == 3  # visits 10, 11, 12: the joint one counted once
    assert rows[3].visits_in_period == 2 and rows[4].visits_in_period == 2
    assert rows[4].stale and rows[4].days_since == 214
    assert rows[5].last_visit is None and rows[5].stale and rows[5].visits_in_period == 0
    assert rows[2].remote and not rows[5].remote
    assert [r.locality.id for r in coverage(TREE, stats, today, 90)] == [1, 2, 3, 4, 5]
    assert [r.depth for r in coverage(TREE, stats, today, 90)] == [0, 1, 2, 2, 1]


def test_coverage_threshold_is_strictly_more_than_the_set_days():
    rows = coverage(TREE, {5: (D(2025, 7, 3), 1)}, D(2025, 10, 1), 90)
    diem = next(r for r in rows if r.locality.id == 5)
    assert diem.days_since == 90 and not diem.stale


# --- coordination ----------------------------------------------------------------------------

def span(vid, dept, start, days, localities):
    return PlanSpan(vid, dept, start, start + timedelta(days=days - 1), frozenset(localities))


def test_overlaps_are_other_departments_same_locality_within_the_window():
    plan = span(1, 10, D(2025, 11, 10), 2, {3})
    others = [span(2, 20, D(2025, 11, 11), 1, {3, 5}),   # same days
              span(3, 20, D(2025, 11, 18), 1, {3}),      # 7 days after: within a 7-day window
              span(4, 20, D(2025, 11, 19), 1, {3}),      # 8 days after: outside
              span(5, 10, D(2025, 11, 10), 1, {3}),      # same department
              span(6, 30, D(2025, 11, 10), 1, {5})]      # other locality
    found = find_overlaps(plan, others, window_days=7)
    assert [(o.other.id, o.gap_days, set(o.shared_locality_ids)) for o in found] == [(2, 0, {3}), (3, 7, {3})]
    assert [o.other.id for o in find_overlaps(plan, others, window_days=0)] == [2]


def test_overlapping_pairs_are_listed_once():
    spans = [span(1, 10, D(2025, 11, 10), 2, {3}), span(2, 20, D(2025, 11, 11), 1, {3}),
             span(3, 20, D(2025, 12, 30), 1, {3}), span(4, 30, D(2025, 11, 12), 1, {3, 4})]
    pairs = overlapping_pairs(spans, 3)
    assert [(a.id, b.id) for a, b, _, _ in pairs] == [(1, 2), (1, 4), (2, 4)]


def test_split_by_month_counts_each_working_day_in_its_month():
    from visits.rules import split_by_month
    merged = merge_intervals([(D(2025, 7, 30), D(2025, 8, 4)), (D(2025, 8, 29), D(2025, 9, 3))])
    assert split_by_month(merged, CALENDAR) == {(2025, 7): 2, (2025, 8): 3, (2025, 9): 1}
