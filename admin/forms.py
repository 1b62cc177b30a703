"""Form pieces for the back office: Vietnamese messages and local (Vietnam) date-times."""

from flask_admin.form import BaseForm
from wtforms import StringField

from cms import timeutil
from cms.timeutil import to_local

from .i18n import TRANSLATIONS


class VietnameseForm(BaseForm):
    class Meta:
        def get_translations(self, form):
            return TRANSLATIONS


class LocalDateTimeField(StringField):
    """A date-time typed as dd/mm/yyyy HH:MM in Vietnam time; data is naive UTC (as stored)."""

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        local = to_local(self.data)
        return local.strftime("%d/%m/%Y %H:%M") if local else ""

    def process_formdata(self, valuelist):
        self.data = parse_local_datetime(valuelist[0] if valuelist else "")


def parse_local_datetime(text):
    """A date-time typed in Vietnam time (dd/mm/yyyy HH:MM and the other forms of
    cms.timeutil.LOCAL_DATETIME_FORMATS) as naive UTC.

    Empty text gives None; anything unreadable raises ValueError with a message for the user.
    """
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = timeutil.parse_local_datetime(text)
    except OverflowError:  # 01/01/0001 00:00 in Vietnam comes before the first moment of UTC
        value = None
    if value is None:
        raise ValueError("Ngày giờ không hợp lệ: dùng dạng dd/mm/yyyy HH:MM, ví dụ 12/05/2025 08:00.")
    return value
