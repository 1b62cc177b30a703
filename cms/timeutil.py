"""Time: stored as naive UTC, shown and typed in Asia/Ho_Chi_Minh; calendar days as people type them.

Every form, import and query argument reads days and date-times through `parse_day` and
`parse_local_datetime`, so the formats accepted are listed once, here.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def utcnow():
    """Now as naive UTC, the form stored in the database."""
    return datetime.now(UTC).replace(tzinfo=None)


def local_to_utc(value):
    """A naive local (Vietnam) datetime to naive UTC."""
    return value.replace(tzinfo=LOCAL_TZ).astimezone(UTC).replace(tzinfo=None)


def to_local(value):
    """A stored naive-UTC datetime as an aware Vietnam datetime."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC).astimezone(LOCAL_TZ)


def format_datetime(value):
    local = to_local(value)
    return local.strftime("%d/%m/%Y %H:%M") if local else ""


def format_date(value):
    local = to_local(value)
    return local.strftime("%d/%m/%Y") if local else ""


def isoformat_local(value):
    local = to_local(value)
    return local.isoformat() if local else ""


# A calendar day: 02/09/2025 as people write it, 2025-09-02 as machines do, 02-09-2025.
DAY_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y")
# A Vietnam date-time: typed in a form (dd/mm/yyyy HH:MM) or written in front matter (ISO-like);
# a day alone is its midnight.
LOCAL_DATETIME_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S",
                          "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d")


def _strptime(text, formats):
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def parse_day(text):
    """A calendar day typed in one of DAY_FORMATS (spaces around ignored), or None."""
    found = _strptime((text or "").strip(), DAY_FORMATS)
    return found.date() if found else None


def parse_local_datetime(text):
    """A Vietnam date-time typed in one of LOCAL_DATETIME_FORMATS, as naive UTC; None if it
    reads as none of them. OverflowError for a time with no UTC form (01/01/0001 00:00)."""
    found = _strptime((text or "").strip(), LOCAL_DATETIME_FORMATS)
    return local_to_utc(found) if found else None


def format_day(value):
    """A calendar day (a date) as dd/mm/yyyy; empty for none."""
    return value.strftime("%d/%m/%Y") if value else ""
