"""Working days: weekdays, minus public holidays, plus weekend days worked to make up for them.

Pure: a WorkCalendar is built from two sets of dates (the per-year configuration kept in
CalendarDay rows, see `load_calendar`), and answers without any database.
"""

import functools
from datetime import date, timedelta

from cms.timeutil import to_local, utcnow


def today_local():
    """Today's date in Vietnam."""
    return to_local(utcnow()).date()


def days_between(start, end):
    """Every date from start to end, both included."""
    for offset in range((end - start).days + 1):
        yield start + timedelta(days=offset)


@functools.cache
def _jan_first(year):
    return date(year, 1, 1).toordinal()


class WorkCalendar:
    def __init__(self, holidays=(), makeup_days=()):
        self.holidays = frozenset(holidays)
        self.makeup_days = frozenset(makeup_days)
        self._prefix = {}  # year -> cumulative working-day counts, built on first use

    def is_working_day(self, day):
        if day in self.makeup_days:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def _year_prefix(self, year):
        counts = self._prefix.get(year)
        if counts is None:
            counts, total = [0], 0
            for day in days_between(date(year, 1, 1), date(year, 12, 31)):
                total += self.is_working_day(day)
                counts.append(total)
            self._prefix[year] = counts
        return counts

    def working_days(self, start, end):
        """How many working days from start to end, both included (0 when end < start)."""
        if end < start:
            return 0
        if start.year == end.year:
            counts = self._year_prefix(start.year)
            base = _jan_first(start.year)
            return counts[end.toordinal() - base + 1] - counts[start.toordinal() - base]
        total = 0
        for year in range(start.year, end.year + 1):
            first = max(start, date(year, 1, 1))
            last = min(end, date(year, 12, 31))
            total += self.working_days(first, last)
        return total


def load_calendar():
    """The WorkCalendar of the configured holidays and make-up days (one query)."""
    from . import vocab
    from .models import CalendarDay

    holidays, makeup = set(), set()
    for day, kind in CalendarDay.select(CalendarDay.day, CalendarDay.kind).tuples():
        (makeup if kind == vocab.MAKEUP_WORKDAY else holidays).add(day)
    return WorkCalendar(holidays, makeup)


def period_bounds(year, quarter=None, month=None):
    """First and last date of a year, of one of its quarters, or of one of its months."""
    if month:
        start = date(year, month, 1)
        end = (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)
        return start, end
    if quarter:
        start = date(year, 3 * quarter - 2, 1)
        end_month = 3 * quarter
        end = date(year + (end_month == 12), end_month % 12 + 1, 1) - timedelta(days=1)
        return start, end
    return date(year, 1, 1), date(year, 12, 31)


def month_starts(start, end):
    """The first day of every month touched by start..end."""
    current = date(start.year, start.month, 1)
    while current <= end:
        yield current
        current = date(current.year + (current.month == 12), current.month % 12 + 1, 1)
