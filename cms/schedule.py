"""Lịch công tác: the weekly work schedule of the Board's leadership, at /lich-cong-tac.

A ScheduleWeek is one ISO week (Monday to Sunday, counted in Vietnam's time zone) that editors
publish as a whole; its ScheduleItems are the meetings and trips of each day. An item marked
internal is kept for the back office and never shown to readers (`ScheduleItem.public_of`).
Every week has an address (/lich-cong-tac/2026-W50), published or not, so that a reader can step
from week to week; a week with nothing public says so.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from flask import Blueprint, redirect, render_template, request, url_for
from peewee import BooleanField, CharField, DateField, ForeignKeyField, IntegerField, TextField

from . import dateline
from .caching import cached_page
from .migrations import register
from .models import BaseModel, ShownOnPublicPages
from .pages import EditorialFields, newest_publication
from .site import add_portal_section
from .text import fold, nfc
from .timeutil import format_day

FIRST_YEAR, LAST_YEAR = 2000, 2100  # the weeks a reader can ask for (bounded, never an overflow)
ITEMS_LIMIT = 300  # a week's page shows at most this many items (far above a real week)
SITEMAP_WEEKS = 60  # the latest published weeks listed in sitemap.xml

_WEEK_RE = re.compile(r"^\s*(\d{4})-?[Ww](\d{1,2})\s*$")


def day_label(day):
    """'Thứ Hai, 07/12/2026': a day named as the banner's date line names today."""
    return dateline.date_line(day)


@dataclass(frozen=True, order=True)
class IsoWeek:
    """An ISO week: year and number, Monday first."""

    year: int
    number: int

    @classmethod
    def of(cls, day):
        year, number, _ = day.isocalendar()
        return cls(year, number)

    @classmethod
    def current(cls):
        return cls.of(dateline.local_today())

    @classmethod
    def parse(cls, text):
        """'2026-W50' (also '2026W50', '2026-w50'), or None for anything else or a week out of range."""
        found = _WEEK_RE.match(text or "")
        if not found:
            return None
        year, number = int(found.group(1)), int(found.group(2))
        if not FIRST_YEAR <= year <= LAST_YEAR:
            return None
        try:
            date.fromisocalendar(year, number, 1)
        except ValueError:  # week 0, week 53 of a year that has 52
            return None
        return cls(year, number)

    @property
    def label(self):
        return f"{self.year}-W{self.number:02d}"

    @property
    def monday(self):
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def sunday(self):
        return self.monday + timedelta(days=6)

    @property
    def days(self):
        return [self.monday + timedelta(days=n) for n in range(7)]

    def contains(self, day):
        return self.monday <= day <= self.sunday

    @property
    def title(self):
        return f"Tuần {self.number} ({format_day(self.monday)} – {format_day(self.sunday)})"

    def shifted(self, weeks):
        """The week `weeks` away, or None outside the years readers can ask for."""
        week = IsoWeek.of(self.monday + timedelta(weeks=weeks))
        return week if FIRST_YEAR <= week.year <= LAST_YEAR else None


# --- time of an item: a part of the day or a clock time -----------------------------------------
_PARTS_OF_DAY = {"sang": ("Sáng", 6 * 60), "chieu": ("Chiều", 13 * 60), "toi": ("Tối", 18 * 60),
                 "ca ngay": ("Cả ngày", 0)}
_CLOCK_RE = re.compile(r"^(\d{1,2})\s*(?::|h|g|gio)\s*(\d{1,2})?\s*(?:phut)?$")


def parse_time_of_day(text):
    """(label, minutes after midnight for sorting) of 'Sáng', 'chiều', 'Cả ngày', '8:30', '14h',
    '8 giờ 30'; None when it reads as none of them."""
    folded = " ".join(fold(nfc(text or "")).lower().split())
    if folded in _PARTS_OF_DAY:
        return _PARTS_OF_DAY[folded]
    found = _CLOCK_RE.match(folded)
    if not found:
        return None
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}", hour * 60 + minute


class ScheduleWeek(EditorialFields):
    """The schedule of one ISO week, published by editors as a whole."""

    year = IntegerField()
    number = IntegerField()
    title = CharField(max_length=100, default="")  # "Lịch công tác tuần 49/2026", kept on save
    note = TextField(default="")  # ghi chú shown under the week's title

    class Meta:
        table_name = "schedule_week"
        indexes = ((("year", "number"), True),)

    def __str__(self):
        return f"Lịch công tác tuần {self.number}/{self.year}"

    @property
    def iso(self):
        return IsoWeek(self.year, self.number)

    @classmethod
    def public(cls):
        return cls.select().where(cls.is_public_expr())

    @classmethod
    def public_of(cls, week):
        return cls.public().where((cls.year == week.year) & (cls.number == week.number)).first()

    def save(self, *args, **kwargs):
        self.note = nfc(self.note or "").strip()
        self.title = str(self)
        self.stamp()
        return super().save(*args, **kwargs)

    def delete_instance(self, *args, **kwargs):
        return super().delete_instance(*args, recursive=True, **kwargs)  # its items with it


class ScheduleItem(ShownOnPublicPages, BaseModel):
    """One meeting, trip or task of a day of the week."""

    week = ForeignKeyField(ScheduleWeek, backref="items", on_delete="CASCADE")
    day = DateField()
    time_text = CharField(max_length=30, default="Sáng")  # "Sáng", "Chiều", "08:00"
    sort_minutes = IntegerField(default=0)  # from time_text: the order within the day
    content = TextField()  # nội dung
    chair = CharField(max_length=300, default="")  # chủ trì
    attendees = TextField(default="")  # thành phần
    place = CharField(max_length=300, default="")  # địa điểm
    internal = BooleanField(default=False)  # back office only: never on a public page

    class Meta:
        table_name = "schedule_item"
        indexes = ((("week", "day", "sort_minutes"), False),)

    def __str__(self):
        return f"{day_label(self.day)} {self.time_text}: {self.content[:80]}"

    @classmethod
    def public_of(cls, schedule_week):
        """What readers see of a week: every item not marked internal, in the order of the days."""
        return (cls.select().where((cls.week == schedule_week) & (cls.internal == False))  # noqa: E712
                .order_by(cls.day, cls.sort_minutes, cls.id).limit(ITEMS_LIMIT))

    @property
    def day_label(self):
        return day_label(self.day)

    def save(self, *args, **kwargs):
        for name in ("time_text", "content", "chair", "attendees", "place"):
            setattr(self, name, nfc(getattr(self, name) or "").strip())
        parsed = parse_time_of_day(self.time_text)
        if parsed is not None:  # the back-office form refuses the others, with a message
            self.time_text, self.sort_minutes = parsed
        return super().save(*args, **kwargs)


register("0160_schedule", lambda db: db.create_tables([ScheduleWeek, ScheduleItem], safe=True))


# --- public pages ----------------------------------------------------------------------------------
bp = Blueprint("schedule", __name__)


def _bad_week(text, status):
    return render_template("schedule/bad_week.html", text=text), status


def _week_page(week, template="schedule/week.html"):
    published = ScheduleWeek.public_of(week)
    items = list(ScheduleItem.public_of(published)) if published else []
    by_day = {}
    for item in items:
        by_day.setdefault(item.day, []).append(item)
    # Monday to Friday always (a free weekday says so); the weekend only when it has items.
    days = [(day, day_label(day), by_day.get(day, [])) for day in week.days
            if day.weekday() < 5 or by_day.get(day)]
    current = IsoWeek.current()
    return render_template(template, week=week, schedule=published, days=days,
                           has_items=bool(items), previous=week.shifted(-1), next=week.shifted(1),
                           is_current=(week == current), current=current)


# What a week's page depends on beyond the site version: the scheduled publications whose time
# has come. Which week is "this week" needs nothing more: a cached page is valid for one local day
# only (cms.dateline), and a week changes with its Monday.
_week_state = newest_publication(ScheduleWeek)


@bp.route("/lich-cong-tac")
@cached_page(key_args=("tuan",), depends_on=_week_state)
def this_week():
    """This week (in Vietnam); ?tuan=2026-W50 goes to that week's own address."""
    asked = request.args.get("tuan")
    if asked is not None:
        week = IsoWeek.parse(asked)
        if week is None:
            return _bad_week(asked, 400)
        return redirect(url_for("schedule.week", label=week.label))
    return _week_page(IsoWeek.current())


@bp.route("/lich-cong-tac/<label>")
@cached_page(depends_on=_week_state)
def week(label):
    found = IsoWeek.parse(label)
    if found is None:
        return _bad_week(label, 404)
    if found.label != label:  # 2026w5 -> 2026-W05: one address per week
        return redirect(url_for("schedule.week", label=found.label), code=301)
    return _week_page(found)


@bp.route("/lich-cong-tac/<label>/ban-in")
@cached_page(depends_on=_week_state)
def printable(label):
    """The week alone, without the site's menu and sidebar, to print or save as PDF."""
    found = IsoWeek.parse(label)
    if found is None or found.label != label:
        return _bad_week(label, 404)
    return _week_page(found, template="schedule/print.html")


def sitemap_urls():
    """(address, last change) of the section and the latest published weeks, for sitemap.xml
    (nothing while no week is published)."""
    rows = list(ScheduleWeek.public().select(ScheduleWeek.year, ScheduleWeek.number,
                                             ScheduleWeek.updated_at)
                .order_by(ScheduleWeek.year.desc(), ScheduleWeek.number.desc())
                .limit(SITEMAP_WEEKS).tuples())
    if not rows:
        return []
    return [(url_for("schedule.this_week", _external=True), None)] + [
        (url_for("schedule.week", label=IsoWeek(year, number).label, _external=True), updated)
        for year, number, updated in rows]


def init_app(app):
    app.register_blueprint(bp)
    add_portal_section(app, "Lịch công tác", "schedule.this_week", 30)
