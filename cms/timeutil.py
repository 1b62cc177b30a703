"""Time: stored as naive UTC, shown and typed in Asia/Ho_Chi_Minh."""

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
