"""cms.timeutil's one day parser and one date-time parser: every form accepted before they were one."""

from datetime import date, datetime

import pytest

from cms.timeutil import format_day, parse_day, parse_local_datetime


@pytest.mark.parametrize("text", ["02/09/2025", "2/9/2025", "2025-09-02", "02-09-2025", "  02/09/2025 "])
def test_a_day_in_each_accepted_form(text):
    assert parse_day(text) == date(2025, 9, 2)


@pytest.mark.parametrize("text", ["", None, "31/02/2025", "02.09.2025", "hôm nay", "2025/09/02", "02/09/25"])
def test_anything_else_is_no_day(text):
    assert parse_day(text) is None


@pytest.mark.parametrize("text", [
    "12/05/2025 08:00", "2025-05-12 08:00", "2025-05-12T08:00",  # the back-office forms
    "2025-05-12 08:00:00", "2025-05-12T08:00:00",  # front matter of imported content
])
def test_a_vietnam_date_time_is_stored_as_utc(text):
    assert parse_local_datetime(text) == datetime(2025, 5, 12, 1, 0)


@pytest.mark.parametrize("text", ["12/05/2025", "2025-05-12"])
def test_a_day_alone_is_its_vietnam_midnight(text):
    assert parse_local_datetime(text) == datetime(2025, 5, 11, 17, 0)


def test_unreadable_date_time_is_none():
    assert parse_local_datetime("12/05/2025 8 giờ") is None


def test_format_day():
    assert format_day(date(2025, 9, 2)) == "02/09/2025"
    assert format_day(None) == ""
