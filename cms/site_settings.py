"""What every public page carries besides the menu: the footer's facts about the site (licence, the
person responsible, address, phone, e-mail), the "Liên kết website" list, the view-count setting,
and the banner's date line (cms.dateline).

The facts and the setting are one row (`SiteSettings`, id 1) that admins edit in the back office
(admin.views.site_settings): a change shows at once, without a restart, because saving bumps the
site version like every other change public pages show. Each fact is shown only when set. The
footer is rendered once per state of the site (cms.site.per_site_state): two small queries when
the site changes, none on the pages after it.
"""

from flask import render_template
from markupsafe import Markup
from peewee import BooleanField, CharField, DateTimeField, IntegerField

from .cli import add_demo_loader
from .dateline import date_line, local_today
from .db import database
from .migrations import register
from .models import BaseModel, ShownOnPublicPages
from .site import per_site_state
from .text import nfc
from .timeutil import utcnow

SETTINGS_ID = 1
MAX_LINKS = 50  # the footer shows at most this many links (a public page's cost stays bounded)


class SiteSettings(ShownOnPublicPages, BaseModel):
    """The one row of the site's own facts; an empty field is not shown."""

    id = IntegerField(primary_key=True, default=SETTINGS_ID)
    licence = CharField(max_length=300, default="")  # after "Giấy phép số"
    responsible = CharField(max_length=200, default="")  # "Chịu trách nhiệm chính"
    address = CharField(max_length=300, default="")
    phone = CharField(max_length=100, default="")
    email = CharField(max_length=200, default="")
    show_view_counts = BooleanField(default=False)  # "Lượt xem: 1.234" on article pages
    updated_at = DateTimeField(default=utcnow)

    TEXT_FIELDS = ("licence", "responsible", "address", "phone", "email")

    class Meta:
        table_name = "site_settings"

    def __str__(self):
        return "Thông tin trang"

    @classmethod
    def current(cls):
        """The row, or an unsaved empty one (nothing shown) when there is none."""
        return cls.get_or_none(cls.id == SETTINGS_ID) or cls(id=SETTINGS_ID)

    @property
    def phone_href(self):
        """The phone as a tel: link (digits and a leading +), or "" when it has no digits."""
        digits = "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")
        return f"tel:{digits}" if any(ch.isdigit() for ch in digits) else ""

    def save(self, *args, **kwargs):
        for name in self.TEXT_FIELDS:
            setattr(self, name, nfc(getattr(self, name) or "").strip())
        self.updated_at = utcnow()
        if not kwargs.get("force_insert") and not SiteSettings.select().where(
                SiteSettings.id == self.id).exists():
            kwargs["force_insert"] = True  # the row has a fixed id: peewee would UPDATE nothing
        return super().save(*args, **kwargs)


class SiteLink(ShownOnPublicPages, BaseModel):
    """A link of "Liên kết website": a related body's site, in the order of `position`."""

    name = CharField(max_length=200)
    url = CharField(max_length=500)
    position = IntegerField(default=0)
    shown = BooleanField(default=True)

    class Meta:
        table_name = "site_link"

    def __str__(self):
        return self.name

    @classmethod
    def listed(cls):
        """The links the footer shows, in their order."""
        return (cls.select().where(cls.shown == True)  # noqa: E712
                .order_by(cls.position, cls.name, cls.id).limit(MAX_LINKS))

    def save(self, *args, **kwargs):
        self.name = nfc(self.name or "").strip()
        self.url = (self.url or "").strip()
        return super().save(*args, **kwargs)


def _create_tables(db):
    db.create_tables([SiteSettings, SiteLink], safe=True)
    SiteSettings.insert(id=SETTINGS_ID).on_conflict_ignore().execute()  # empty: nothing shown


register("0180_site_settings", _create_tables)


# --- what pages read --------------------------------------------------------------------------

def site_settings():
    """The settings row, read once per state of the site."""
    return per_site_state("site_settings", SiteSettings.current)


def site_links():
    return per_site_state("site_links", lambda: list(SiteLink.listed()))


def footer_html():
    """The footer's facts and links as HTML, rendered once per state of the site."""
    return per_site_state("footer_html", lambda: Markup(render_template("_footer.html")))


def show_view_counts():
    return site_settings().show_view_counts


def vietnamese_number(value):
    """1234567 -> '1.234.567' (Vietnamese groups thousands with dots)."""
    return f"{int(value or 0):,}".replace(",", ".")


# --- demo content -------------------------------------------------------------------------------

# INVENTED for the demo site: the licence number, the name of the person responsible, the house
# number, the phone and the e-mail are made up (in the real formats); the Board fills in its own in
# "Cổng thông tin > Thông tin trang". The bodies and addresses of the links are real public sites.
DEMO_SETTINGS = {
    "licence": "18/GP-TTĐT ngày 12/4/2021 của Sở Thông tin và Truyền thông tỉnh Nghệ An",
    "responsible": "Đồng chí Trần Quốc Hưng, Phó Trưởng Ban Tổ chức Tỉnh ủy",
    "address": "Số 12 đường Trường Thi, thành phố Vinh, tỉnh Nghệ An",
    "phone": "0238 3844 123",
    "email": "bantochuc@nghean.dcs.vn",
}
DEMO_LINKS = [
    ("Báo điện tử Đảng Cộng sản Việt Nam", "https://dangcongsan.vn"),
    ("Tạp chí Xây dựng Đảng", "https://www.xaydungdang.org.vn"),
    ("Cổng thông tin điện tử Chính phủ", "https://chinhphu.vn"),
    ("Cổng thông tin điện tử tỉnh Nghệ An", "https://www.nghean.gov.vn"),
    ("Báo Nghệ An", "https://baonghean.vn"),
]


def load_demo():
    """Fill the footer's facts and links for the demo site, unless they are set already."""
    with database.atomic():
        settings = SiteSettings.current()
        filled = 0
        for name, value in DEMO_SETTINGS.items():
            if not getattr(settings, name):
                setattr(settings, name, value)
                filled += 1
        if filled:
            settings.save()
        added = 0
        if not SiteLink.select().exists():
            for position, (name, url) in enumerate(DEMO_LINKS, start=1):
                SiteLink.create(name=name, url=url, position=position * 10)
                added += 1
    return f"Thông tin trang: {filled} mục điền mẫu, {added} liên kết website."


def init_app(app):
    app.jinja_env.filters["so"] = vietnamese_number
    add_demo_loader(app, load_demo)

    @app.context_processor
    def _chrome_context():
        return {"site_settings": site_settings, "site_links": site_links, "footer_html": footer_html,
                "show_view_counts": show_view_counts, "date_line": _date_line}


def _date_line():
    """(ISO date, 'Thứ Tư, 02/12/2026') of today in Vietnam, for the banner."""
    today = local_today()
    return today.isoformat(), date_line(today)
