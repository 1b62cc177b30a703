"""The site's own facts (footer, view-count setting) and the "Liên kết website" list in the back
office, under "Cổng thông tin". Saving either shows on the public pages at once (the models bump
the site version in the transaction of the change); each change is audited (SecureModelView)."""

import re
from urllib.parse import urlsplit

from wtforms.validators import DataRequired, Length, Optional, ValidationError

from cms.roles import can
from cms.site_settings import SiteLink, SiteSettings

from .base import SecureModelView

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^[0-9+().\s-]*$")


def web_address(form, field):
    """A link must open a web page: http(s) with a host (no javascript:, no relative path)."""
    parts = urlsplit((field.data or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError("Địa chỉ website phải bắt đầu bằng http:// hoặc https://, "
                              "ví dụ https://dangcongsan.vn")


def email_address(form, field):
    if field.data and not EMAIL.match(field.data.strip()):
        raise ValidationError("Thư điện tử không hợp lệ, ví dụ bantochuc@nghean.dcs.vn")


def phone_number(form, field):
    if field.data and not PHONE.match(field.data.strip()):
        raise ValidationError("Số điện thoại chỉ gồm chữ số, dấu cách và các dấu + ( ) . -")


class SiteSettingsView(SecureModelView):
    """The one row of the site's facts: edited, never deleted; created only if it is missing."""

    area = "site_settings"
    column_list = ["licence", "responsible", "address", "phone", "email", "show_view_counts"]
    column_labels = {"licence": "Giấy phép số", "responsible": "Chịu trách nhiệm chính",
                     "address": "Địa chỉ", "phone": "Điện thoại", "email": "Thư điện tử",
                     "show_view_counts": "Hiện lượt xem", "updated_at": "Cập nhật lúc"}
    column_sortable_list = []
    form_columns = ["licence", "responsible", "address", "phone", "email", "show_view_counts"]
    form_args = {
        "licence": {"label": "Giấy phép số (ví dụ: 18/GP-TTĐT ngày 12/4/2021 của Sở Thông tin và "
                             "Truyền thông tỉnh ...; để trống thì không hiện)",
                    "validators": [Optional(), Length(max=300)]},
        "responsible": {"label": "Chịu trách nhiệm chính", "validators": [Optional(), Length(max=200)]},
        "address": {"label": "Địa chỉ", "validators": [Optional(), Length(max=300)]},
        "phone": {"label": "Điện thoại", "validators": [Optional(), Length(max=100), phone_number]},
        "email": {"label": "Thư điện tử", "validators": [Optional(), Length(max=200), email_address]},
        "show_view_counts": {"label": "Hiện số lượt xem trên trang bài viết"},
    }

    @property
    def can_create(self):
        return can(self.area, "create") and not SiteSettings.select().exists()

    @property
    def can_delete(self):
        return False

    def is_action_allowed(self, name):
        return False  # one row: nothing to act on in bulk

    def on_model_change(self, form, model, is_created):
        if is_created:
            model.id = 1  # the one row (cms.site_settings.SETTINGS_ID)


class SiteLinkView(SecureModelView):
    area = "site_link"

    def is_action_allowed(self, name):
        """No bulk actions: a short list, each link deleted on its own row (and no unlabelled row
        checkboxes on the screen)."""
        return False
    column_list = ["position", "name", "url", "shown"]
    column_labels = {"position": "Thứ tự", "name": "Tên cơ quan, đơn vị", "url": "Địa chỉ website",
                     "shown": "Đang hiện"}
    column_default_sort = [(SiteLink.position, False), (SiteLink.name, False)]
    column_sortable_list = ["position", "name"]
    column_editable_list = []
    form_columns = ["name", "url", "position", "shown"]
    form_args = {
        "name": {"label": "Tên cơ quan, đơn vị", "validators": [DataRequired(), Length(max=200)]},
        "url": {"label": "Địa chỉ website", "validators": [DataRequired(), Length(max=500), web_address]},
        "position": {"label": "Thứ tự (số nhỏ đứng trước)"},
        "shown": {"label": "Hiện ở chân trang"},
    }
