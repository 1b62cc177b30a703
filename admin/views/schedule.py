"""Lịch công tác in the back office: a week and its items edited on one form (items inline).

The week is chosen by any of its days; each item's day must fall in it and its time must read as
a part of the day or a clock time (cms.schedule.parse_time_of_day), or nothing is saved.
"""

from flask import url_for
from flask_admin.contrib.peewee.filters import FilterEqual
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from cms.models import Article
from cms.schedule import IsoWeek, ScheduleItem, ScheduleWeek, day_label, parse_time_of_day

from ..editorial import ContentKind, register_kind
from .pages import EditorialKindView
from .visit_base import DateTextField

SCHEDULE_KIND = register_kind(ContentKind("schedule", "lịch công tác tuần", ScheduleWeek, ("title", "note")))
REQUIRED = "Không được để trống."
TOO_LONG = "Quá dài: tối đa %(max)d ký tự."
ITEM_LABELS = {"day": "Ngày (dd/mm/yyyy)", "time_text": "Thời gian (Sáng, Chiều hoặc 08:00)",
               "content": "Nội dung", "chair": "Chủ trì", "attendees": "Thành phần",
               "place": "Địa điểm", "internal": "Nội bộ (chỉ hiện trong trang quản trị)"}


class ScheduleWeekView(EditorialKindView):
    area = "schedule"
    column_list = ["number", "year", "status", "updated_at"]
    column_labels = {"number": "Tuần", "year": "Năm", "status": "Trạng thái", "updated_at": "Cập nhật",
                     "note": "Ghi chú", "published_at": "Ngày đăng", "created_at": "Ngày tạo"}
    column_formatters = {**EditorialKindView.column_formatters,
                         "number": lambda view, c, model, n: view.item_link(model, model.iso.title)}
    column_default_sort = [(ScheduleWeek.year, True), (ScheduleWeek.number, True)]
    column_sortable_list = ["year", "number", "status", "updated_at"]
    column_filters = [FilterEqual(ScheduleWeek.status, "Trạng thái", options=Article.STATUSES)]
    column_details_list = ["number", "year", "status", "note", "published_at", "updated_at"]
    form_columns = ["week_day", "note"]
    form_create_rules = form_edit_rules = ["week_day", "note", "items"]  # the week first
    # InputRequired, not DataRequired: that one would hide "Ngày không hợp lệ" behind "required"
    form_extra_fields = {"week_day": DateTextField("Một ngày bất kỳ trong tuần (dd/mm/yyyy)",
                                                   validators=[InputRequired(REQUIRED)])}
    form_overrides = {"note": TextAreaField}
    form_args = {"note": {"label": "Ghi chú của tuần"}}
    form_widget_args = {"note": {"rows": 2}}
    # Every item field is declared here, in the order shown: the inline form's fields are built
    # without the view's form class (nor its Vietnamese messages), so each says its own message.
    inline_models = [(ScheduleItem, {
        "form_columns": ["id"],  # hidden: which stored item a row is (empty for a new one)
        "form_args": {"id": {"validators": [Optional()]}},
        "form_extra_fields": {
            "day": DateTextField(ITEM_LABELS["day"], validators=[InputRequired(REQUIRED)]),
            "time_text": StringField(ITEM_LABELS["time_text"],
                                     validators=[DataRequired(REQUIRED), Length(max=30, message=TOO_LONG)]),
            "content": TextAreaField(ITEM_LABELS["content"], validators=[DataRequired(REQUIRED)]),
            "chair": StringField(ITEM_LABELS["chair"], validators=[Length(max=300, message=TOO_LONG)]),
            "attendees": TextAreaField(ITEM_LABELS["attendees"]),
            "place": StringField(ITEM_LABELS["place"], validators=[Length(max=300, message=TOO_LONG)]),
            "internal": BooleanField(ITEM_LABELS["internal"]),
        },
        "form_label": "Lịch trong tuần",
    })]

    def public_url(self, item):
        if item.status == ScheduleWeek.PUBLISHED:
            return url_for("schedule.week", label=item.iso.label)
        return None

    def prepare_form(self, form, obj=None):
        form = super().prepare_form(form, obj)
        if obj is not None and not form.week_day.raw_data:
            form.week_day.data = obj.iso.monday
        return form

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        week = IsoWeek.of(form.week_day.data)
        if IsoWeek.parse(week.label) is None:
            raise ValidationError("Năm của tuần phải từ 2000 đến 2100.")
        clash = ScheduleWeek.get_or_none((ScheduleWeek.year == week.year)
                                         & (ScheduleWeek.number == week.number)
                                         & (ScheduleWeek.id != (model.id or 0)))
        if clash is not None:
            raise ValidationError(f"{week.title} đã có lịch: hãy sửa lịch đó thay vì tạo mới.")
        model.year, model.number = week.year, week.number
        for entry in form.items.entries:
            if form.items.should_delete(entry):
                continue
            item = entry.form
            if item.day.data is not None and not week.contains(item.day.data):
                raise ValidationError(f"Ngày {day_label(item.day.data)} không thuộc {week.title}.")
            if parse_time_of_day(item.time_text.data) is None:
                raise ValidationError(f"Thời gian “{item.time_text.data}” không đọc được: ghi Sáng, "
                                      "Chiều, Tối, Cả ngày hoặc giờ dạng 08:00, 14h30.")
