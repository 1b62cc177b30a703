"""Lịch công tác: weeks in Vietnam's time, what readers see of them (never an internal item), week
navigation and bad addresses, the page cache following publication and the turn of the week, and
the back office (a week and its items on one form, per role, audited)."""

from datetime import date, datetime

import pytest
import test_pages
from backoffice import admin_token, flashes, text_of  # tests/admin: put on the path by test_pages

import cms.timeutil
from cms.audit import AuditEntry
from cms.schedule import IsoWeek, ScheduleItem, ScheduleWeek, day_label, parse_time_of_day

users, client_as = test_pages.users, test_pages.client_as  # fixtures: an account of every role

TODAY = date(2026, 12, 2)  # a Wednesday of week 49


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """Freeze the clock Vietnam's "today" is read from (cms.dateline, as the banner and the page
    cache read it) at 10:00 of TODAY in Vietnam; move it with today.set(date) or today.at(utc)."""
    class Today:
        moment = datetime(TODAY.year, TODAY.month, TODAY.day, 3, 0)  # naive UTC

        def set(self, day):
            self.moment = datetime(day.year, day.month, day.day, 3, 0)

        def at(self, utc):
            self.moment = utc

    frozen = Today()
    monkeypatch.setattr(cms.timeutil, "utcnow", lambda: frozen.moment)
    return frozen


def week_with(week, *items, status=ScheduleWeek.PUBLISHED, note=""):
    """A schedule week with items given as (weekday, time, content, internal)."""
    schedule = ScheduleWeek.create(year=week.year, number=week.number, status=status, note=note)
    for weekday, time, content, internal in items:
        ScheduleItem.create(week=schedule, day=week.days[weekday], time_text=time, content=content,
                            chair="Đồng chí Trưởng ban", attendees="Lãnh đạo Ban", place="Phòng họp số 1",
                            internal=internal)
    return schedule


W49, W50 = IsoWeek(2026, 49), IsoWeek(2026, 50)


# --- weeks, days and times ---------------------------------------------------------------------------
def test_weeks_run_monday_to_sunday():
    assert W49.monday == date(2026, 11, 30) and W49.sunday == date(2026, 12, 6)
    assert IsoWeek.of(date(2026, 12, 6)) == W49 and IsoWeek.of(date(2026, 12, 7)) == W50
    assert W50.label == "2026-W50" and W50.title == "Tuần 50 (07/12/2026 – 13/12/2026)"
    assert IsoWeek(2026, 53).shifted(1) == IsoWeek(2027, 1)


def test_this_week_is_counted_in_vietnam(today):
    """Sunday 17:30 UTC is already Monday 00:30 in Vietnam: the new week has begun."""
    today.at(datetime(2026, 12, 6, 16, 59))
    assert IsoWeek.current() == W49
    today.at(datetime(2026, 12, 6, 17, 30))
    assert IsoWeek.current() == W50


def test_days_are_named_in_vietnamese():
    assert day_label(date(2026, 12, 7)) == "Thứ Hai, 07/12/2026"
    assert day_label(date(2026, 12, 13)) == "Chủ nhật, 13/12/2026"


@pytest.mark.parametrize("text, expected", [
    ("sáng", ("Sáng", 360)), ("CHIỀU", ("Chiều", 780)), ("chieu", ("Chiều", 780)),
    ("Cả ngày", ("Cả ngày", 0)), ("8:30", ("08:30", 510)), ("14h", ("14:00", 840)),
    ("8 giờ 30", ("08:30", 510)), ("25:00", None), ("8:75", None), ("trưa mai", None), ("", None)])
def test_times_of_day(text, expected):
    assert parse_time_of_day(text) == expected


@pytest.mark.parametrize("text", ["2026-W00", "2026-W54", "2025-W53", "1999-W10", "2101-W01", "abc",
                                  "2026-50", "99999999999999999999-W01", "2026-W5 0"])
def test_weeks_that_do_not_exist_are_refused(text):
    assert IsoWeek.parse(text) is None


# --- what readers see ----------------------------------------------------------------------------
def test_this_weeks_schedule_by_day_without_internal_items(client, db):
    week_with(W49, (0, "08:00", "Giao ban Lãnh đạo Ban đầu tuần.", False),
              (1, "Chiều", "Làm việc với Đảng ủy xã Quế Phong.", False),
              (1, "Sáng", "Trao đổi phương án nhân sự (nội bộ).", True),
              (5, "Sáng", "Kiểm tra công tác tại Phường Cửa Lò.", False))
    html = text_of(client.get("/lich-cong-tac"))
    assert "Tuần 49 (30/11/2026 – 06/12/2026)" in html and "Tuần này" in html
    assert html.index("Thứ Hai, 30/11/2026") < html.index("Giao ban Lãnh đạo Ban đầu tuần.") \
        < html.index("Thứ Ba, 01/12/2026") < html.index("Làm việc với Đảng ủy xã Quế Phong.")
    assert "Thứ Bảy, 05/12/2026" in html and "Chủ nhật" not in html  # the weekend only when used
    assert "Chủ trì:" in html and "Thành phần:" in html and "Địa điểm:" in html
    assert "nội bộ" not in html and "phương án nhân sự" not in html
    printable = text_of(client.get("/lich-cong-tac/2026-W49/ban-in"))
    assert "Giao ban Lãnh đạo Ban đầu tuần." in printable and "phương án nhân sự" not in printable
    assert 'class="menu"' not in printable and 'class="sidebar"' not in printable


def test_an_unpublished_or_empty_week_says_so(client, db):
    week_with(W50, (0, "08:00", "Giao ban.", False), status=ScheduleWeek.DRAFT)
    week_with(IsoWeek(2026, 51), (0, "08:00", "Chỉ có việc nội bộ.", True))
    for url in ("/lich-cong-tac/2026-W50", "/lich-cong-tac/2026-W51", "/lich-cong-tac/2026-W52"):
        html = text_of(client.get(url))
        assert "Chưa có lịch công tác được công bố cho tuần này." in html
        assert "Giao ban." not in html and "Chỉ có việc nội bộ." not in html


def test_week_navigation(client, db):
    html = text_of(client.get("/lich-cong-tac"))
    assert 'href="/lich-cong-tac/2026-W48"' in html and 'href="/lich-cong-tac/2026-W50"' in html
    html = text_of(client.get("/lich-cong-tac/2026-W53"))
    assert 'href="/lich-cong-tac/2027-W01"' in html and 'href="/lich-cong-tac"' in html
    asked = client.get("/lich-cong-tac?tuan=2026-W50")
    assert asked.status_code == 302 and asked.headers["Location"].endswith("/lich-cong-tac/2026-W50")
    loose = client.get("/lich-cong-tac/2026w5")
    assert loose.status_code == 301 and loose.headers["Location"].endswith("/lich-cong-tac/2026-W05")


@pytest.mark.parametrize("url, status", [
    ("/lich-cong-tac?tuan=abc", 400), ("/lich-cong-tac?tuan=2026-W60", 400),
    ("/lich-cong-tac?tuan=" + "9" * 500, 400), ("/lich-cong-tac/2026-W54", 404),
    ("/lich-cong-tac/0000-W01", 404), ("/lich-cong-tac/2026-W%C3%A9", 404),
    ("/lich-cong-tac/99999999999999999999-W01", 404), ("/lich-cong-tac/2026-W99/ban-in", 404)])
def test_a_bad_week_gets_a_clear_vietnamese_page(client, db, url, status):
    response = client.get(url)
    assert response.status_code == status
    html = text_of(response)
    assert "Tuần không hợp lệ" in html and "2026-W50" in html


def test_sitemap_lists_published_weeks(client, db):
    week_with(W49, (0, "08:00", "Giao ban.", False))
    week_with(W50, (0, "08:00", "Giao ban.", False), status=ScheduleWeek.DRAFT)
    xml = text_of(client.get("/sitemap.xml"))
    assert "http://localhost/lich-cong-tac</loc>" in xml
    assert "http://localhost/lich-cong-tac/2026-W49</loc>" in xml and "2026-W50" not in xml


# --- the page cache ----------------------------------------------------------------------------------
def test_publishing_and_editing_a_week_show_at_once(client, db):
    schedule = week_with(W49, (0, "08:00", "Giao ban đầu tuần.", False), status=ScheduleWeek.DRAFT)
    assert "Giao ban đầu tuần." not in text_of(client.get("/lich-cong-tac"))
    assert "Giao ban đầu tuần." not in text_of(client.get("/lich-cong-tac"))  # from the cache
    schedule.status = ScheduleWeek.PUBLISHED
    schedule.save()
    assert "Giao ban đầu tuần." in text_of(client.get("/lich-cong-tac"))
    item = ScheduleItem.get(ScheduleItem.week == schedule)
    item.content = "Giao ban đầu tuần, dời sang 9 giờ."
    item.save()
    assert "dời sang 9 giờ" in text_of(client.get("/lich-cong-tac"))
    item.internal = True
    item.save()
    assert "dời sang 9 giờ" not in text_of(client.get("/lich-cong-tac"))


def test_the_turn_of_the_week_changes_the_cached_page(client, db, today):
    week_with(W49, (0, "08:00", "Việc của tuần 49.", False))
    week_with(W50, (0, "08:00", "Việc của tuần 50.", False))
    assert "Việc của tuần 49." in text_of(client.get("/lich-cong-tac"))
    today.set(date(2026, 12, 7))
    html = text_of(client.get("/lich-cong-tac"))
    assert "Việc của tuần 50." in html and "Việc của tuần 49." not in html


# --- back office ------------------------------------------------------------------------------------
def week_form(client, day, items=(), note=""):
    data = {"csrf_token": admin_token(client), "week_day": day, "note": note}
    for n, (item_day, time, content, internal) in enumerate(items):
        data.update({f"items-{n}-day": item_day, f"items-{n}-time_text": time,
                     f"items-{n}-content": content, f"items-{n}-chair": "Đồng chí Trưởng ban",
                     f"items-{n}-attendees": "Lãnh đạo Ban", f"items-{n}-place": "Xã Tương Dương"})
        if internal:
            data[f"items-{n}-internal"] = "y"
    return data


def step(client, schedule, name):
    return client.post(f"/admin/schedule_week/transition/{schedule.id}",
                       data={"csrf_token": admin_token(client), "name": name})


@pytest.mark.parametrize("role, allowed", [("admin", True), ("editor", True), ("staff", True),
                                           ("leader", False)])
def test_who_may_create_a_week(client_as, role, allowed):
    assert client_as(role).get("/admin/schedule_week/new/").status_code == (200 if allowed else 403)


def test_editor_publishes_a_week_and_readers_see_it_at_once(client_as, client, db):
    assert "Làm việc với Đảng ủy xã Tương Dương." not in text_of(client.get("/lich-cong-tac"))  # cached
    editor = client_as("editor")
    response = editor.post("/admin/schedule_week/new/", data=week_form(editor, "02/12/2026", [
        ("01/12/2026", "sáng", "Làm việc với Đảng ủy xã Tương Dương.", False),
        ("03/12/2026", "14h", "Thẩm định hồ sơ nhân sự.", True)]))
    assert response.status_code == 302, flashes(text_of(response))
    schedule = ScheduleWeek.get()
    assert (schedule.year, schedule.number, schedule.status) == (2026, 49, ScheduleWeek.DRAFT)
    assert [(i.time_text, i.internal) for i in schedule.items.order_by(ScheduleItem.day)] == \
        [("Sáng", False), ("14:00", True)]
    edit_page = text_of(editor.get(f"/admin/schedule_week/edit/?id={schedule.id}"))
    assert "Thẩm định hồ sơ nhân sự." in edit_page  # internal items: in the back office
    assert step(editor, schedule, "publish").status_code == 302
    html = text_of(client.get("/lich-cong-tac"))
    assert "Làm việc với Đảng ủy xã Tương Dương." in html and "Thẩm định hồ sơ nhân sự." not in html
    actions = [e.action for e in AuditEntry.select().where(AuditEntry.object_type == "schedule")
               .order_by(AuditEntry.id)]
    assert actions == ["create", "transition"]


@pytest.mark.parametrize("items, message", [
    ([("08/12/2026", "Sáng", "Ngày của tuần khác.", False)], "Ngày Thứ Ba, 08/12/2026 không thuộc Tuần 49"),
    ([("01/12/2026", "giữa trưa", "Giờ không đọc được.", False)], "Thời gian “giữa trưa” không đọc được"),
    ([("31/02/2026", "Sáng", "Ngày không có.", False)], "Ngày không hợp lệ"),
    ([("", "Sáng", "Chưa ghi ngày.", False)], "Không được để trống."),
])
def test_bad_items_are_refused_and_nothing_is_saved(client_as, db, items, message):
    editor = client_as("editor")
    response = editor.post("/admin/schedule_week/new/", data=week_form(editor, "02/12/2026", items))
    assert response.status_code == 200
    assert message in text_of(response)
    assert ScheduleWeek.select().count() == 0 and ScheduleItem.select().count() == 0


@pytest.mark.parametrize("day, message", [("99/99/2026", "Ngày không hợp lệ"), ("", "Không được để trống."),
                                          ("01/01/2150", "Năm của tuần phải từ 2000 đến 2100.")])
def test_a_bad_week_day_is_refused(client_as, db, day, message):
    editor = client_as("editor")
    response = editor.post("/admin/schedule_week/new/", data=week_form(editor, day))
    assert response.status_code == 200 and message in text_of(response)
    assert ScheduleWeek.select().count() == 0


def test_a_second_schedule_for_the_same_week_is_refused(client_as, db):
    week_with(W49)
    editor = client_as("editor")
    response = editor.post("/admin/schedule_week/new/", data=week_form(editor, "05/12/2026"))
    assert "Tuần 49 (30/11/2026 – 06/12/2026) đã có lịch" in text_of(response)
    assert ScheduleWeek.select().count() == 1


def test_staff_draft_a_week_but_may_not_publish_it(client_as, users, db):
    staff = client_as("staff")
    response = staff.post("/admin/schedule_week/new/", data=week_form(staff, "09/12/2026", [
        ("09/12/2026", "Chiều", "Họp chi bộ.", False)]))
    assert response.status_code == 302
    schedule = ScheduleWeek.get()
    assert step(staff, schedule, "publish").status_code == 403
    assert ScheduleWeek.get_by_id(schedule.id).status == ScheduleWeek.DRAFT
    other = ScheduleWeek.create(year=2026, number=48, owner=users["staff2"])
    assert staff.get(f"/admin/schedule_week/edit/?id={other.id}").status_code == 404
    assert staff.get(f"/admin/schedule_week/edit/?id={schedule.id}").status_code == 200


def test_leader_reads_but_does_not_change(client_as, db):
    schedule = week_with(W49, (0, "08:00", "Giao ban.", False))
    leader = client_as("leader")
    assert leader.get("/admin/schedule_week/").status_code == 200
    assert leader.get(f"/admin/schedule_week/edit/?id={schedule.id}").status_code == 403
    assert step(leader, schedule, "unpublish").status_code == 403
