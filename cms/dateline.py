"""The banner's date line ("Thứ Tư, 02/12/2026"): today in Vietnam, as every page shows it.

A cached page carries the day it was rendered on, so the page cache keys its entity tags by the
local day too (cms.page_store.entity_tag) and never answers after midnight with yesterday's page:
the first request of a new day renders it again, and a browser's copy from yesterday no longer
matches (its ETag differs; Last-Modified is never before today's local midnight,
cms.validator.last_modified). No cron, no expiry timer: the day is part of what a page is valid for.
"""

from datetime import datetime, time

from . import timeutil

# Monday first, as datetime.weekday() counts.
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def local_today():
    """Today's date in Vietnam."""
    return timeutil.to_local(timeutil.utcnow()).date()


def local_midnight_utc(day=None):
    """The start of `day` (default today) in Vietnam, as the naive UTC the database stores."""
    return timeutil.local_to_utc(datetime.combine(day or local_today(), time()))


def date_line(day=None):
    """'Thứ Tư, 02/12/2026' for `day` (default today in Vietnam)."""
    day = day or local_today()
    return f"{WEEKDAYS[day.weekday()]}, {day:%d/%m/%Y}"
