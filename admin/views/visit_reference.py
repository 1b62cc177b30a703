"""Reference data of field visits in the back office: departments, officials, localities (with who
follows them now and before), assignments (rotation keeps history), holidays, CSV import; the
follow-up list and the quarterly review meetings."""

from datetime import timedelta

from flask import Response, abort, flash, request, url_for
from flask_admin import expose
from flask_admin.contrib.peewee.filters import BasePeeweeFilter, FilterEqual
from flask_login import current_user
from markupsafe import Markup
from peewee import JOIN
from wtforms import FileField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from cms import audit
from cms.accounts import User
from cms.db import database
from cms.roles import can
from cms.text import fold, normalize_tones
from cms.timeutil import format_day
from cms.trees import id_tree
from visits import vocab
from visits.calendar import today_local
from visits.importer import KIND_CHOICES, KINDS, import_csv, template_csv
from visits.models import (
    Assignment,
    CalendarDay,
    Department,
    FollowUp,
    Locality,
    Official,
    ReviewMeeting,
    ReviewMeetingVisit,
    Visit,
    VisitLocality,
)
from visits.stats import current_followers
from visits.workflow import can_manage_follow_ups

from .base import LiveFilterEqual
from .visit_base import DateTextField, FieldBaseView, FieldModelView, VisitForm
from .visits import _department_options, locality_choices, official_choices


class FoldedSearchMixin:
    """Search the folded search_text column: "ky son" finds "Kỳ Sơn"."""

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        folded = fold(normalize_tones(search)) if search else search
        return super().get_list(page, sort_column, sort_desc, folded, filters, execute, page_size)


class ReferenceView(FieldModelView):
    area = "visit_reference"

    def in_use(self, model):
        """A message when the row is still referred to (then it cannot be deleted)."""
        return None

    def on_model_delete(self, model):
        reason = self.in_use(model)
        if reason:
            raise ValidationError(reason)
        super().on_model_delete(model)


class DepartmentView(ReferenceView):
    audit_type = "visit_department"
    column_list = ["code", "name", "position", "active"]
    column_labels = {"code": "Mã", "name": "Tên phòng", "position": "Thứ tự", "active": "Đang hoạt động"}
    column_default_sort = [(Department.position, False), (Department.name, False)]
    # head_name/head_title: who leads it, as the public organisation page (Giới thiệu) shows it
    form_columns = ["code", "name", "position", "active", "head_name", "head_title"]
    form_args = {"code": {"label": "Mã", "validators": [DataRequired(), Length(max=30)]},
                 "name": {"label": "Tên phòng", "validators": [DataRequired(), Length(max=200)]},
                 "position": {"label": "Thứ tự"}, "active": {"label": "Đang hoạt động"},
                 "head_name": {"label": "Người đứng đầu (hiện trên trang Giới thiệu)",
                               "validators": [Length(max=200)]},
                 "head_title": {"label": "Chức vụ người đứng đầu", "validators": [Length(max=200)]}}

    def on_model_change(self, form, model, is_created):
        clash = Department.get_or_none((Department.code == model.code.strip())
                                       & (Department.id != (model.id or 0)))
        if clash:
            raise ValidationError(f"Mã '{model.code}' đã được phòng '{clash.name}' dùng.")

    def in_use(self, model):
        if Official.select().where(Official.department == model).exists() or \
                Visit.select().where(Visit.department == model).exists():
            return f"Phòng '{model.name}' còn cán bộ hoặc đợt đi cơ sở: hãy chuyển đi hoặc ngừng hoạt động."
        return None


def _user_options():
    return [(u.id, f"{u.username} ({u.full_name})") for u in User.select().order_by(User.username)]


def may_link_accounts():
    return can("visit_reference", "link_account")


class OfficialView(FoldedSearchMixin, ReferenceView):
    """Officials; which login account is linked to one is set and shown to admins only (a link hands
    the account a department's records; leaders keep the rest, field staff read the rest)."""

    audit_type = "visit_official"
    prejoined = ("Department",)
    # "user" last: leaving it out for other roles then moves no column's sort index
    column_list = ["code", "full_name", "title", "department", "active", "user"]
    column_labels = {"code": "Mã", "full_name": "Họ tên", "title": "Chức vụ", "department": "Phòng",
                     "user": "Tài khoản đăng nhập", "active": "Đang công tác", "search_text": "Tên"}
    column_sortable_list = ["code", "full_name", "title", ("department", Department.name), "active"]
    column_default_sort = [(Official.full_name, False)]
    column_searchable_list = [Official.search_text]
    column_filters = [LiveFilterEqual(Official.department, "Phòng", options=_department_options),
                      FilterEqual(Official.active, "Đang công tác", options=[("1", "Có"), ("0", "Không")])]
    column_formatters_export = {"user": lambda v, c, m, n: m.user.username if m.user_id else ""}
    form_columns = ["code", "full_name", "title", "department", "user", "active"]
    form_overrides = {"user": SelectField, "department": SelectField}
    form_args = {"code": {"label": "Mã cán bộ", "validators": [DataRequired(), Length(max=30)]},
                 "full_name": {"label": "Họ tên", "validators": [DataRequired(), Length(max=200)]},
                 "title": {"label": "Chức vụ"},
                 "department": {"label": "Phòng", "coerce": int, "validators": [DataRequired()]},
                 "user": {"label": "Tài khoản đăng nhập (để cán bộ xem, lập kế hoạch của mình)",
                          "coerce": lambda v: int(v) if v not in (None, "", "0", 0) else None,
                          "validators": [Optional()]},
                 "active": {"label": "Đang công tác"}}

    def get_query(self):
        return Official.select(Official, Department).join(Department)

    def get_count_query(self):
        return self.get_query()

    def prepare_form(self, form, obj=None):
        form.department.choices = _department_options()
        if may_link_accounts():
            form.user.choices = [(0, "(chưa gắn)")] + _user_options()
        else:  # no field: no list of usernames, and a posted "user" is ignored
            del form.user
        if request.method == "GET" and obj is not None:
            if "user" in form:
                form.user.data = obj.user_id or 0
            form.department.data = obj.department_id
        return form

    @staticmethod
    def _shown(columns):
        return columns if may_link_accounts() else [c for c in columns if c[0] != "user"]

    def get_export_columns(self):
        return self._shown(super().get_export_columns())

    def render(self, template, **kwargs):
        for name in ("list_columns", "details_columns"):
            if name in kwargs:
                kwargs[name] = self._shown(kwargs[name])
        return super().render(template, **kwargs)

    def on_model_change(self, form, model, is_created):
        clash = Official.get_or_none((Official.code == model.code.strip()) & (Official.id != (model.id or 0)))
        if clash:
            raise ValidationError(f"Mã '{model.code}' đã được cán bộ '{clash.full_name}' dùng.")
        if model.user_id:
            linked = Official.get_or_none((Official.user == model.user_id) & (Official.id != (model.id or 0)))
            if linked:
                raise ValidationError(f"Tài khoản này đã gắn với cán bộ '{linked.full_name}'.")

    def in_use(self, model):
        if Visit.select().where(Visit.lead == model).exists() or \
                Assignment.select().where(Assignment.official == model).exists():
            return (f"Cán bộ '{model.full_name}' đã có đợt đi cơ sở hoặc phân công: không xóa được, "
                    "hãy bỏ chọn 'Đang công tác'.")
        return None


def _followers_cell(view, context, model, name):
    return ", ".join(getattr(model, "followers", []))


def _lifetime_cell(view, context, model, name):
    return model.lifetime_label


class ExistsFilter(BasePeeweeFilter):
    """Units existing today, or those that have ended (merged, split, dissolved)."""

    def apply(self, query, value):
        today = today_local()
        ended = Locality.valid_to.is_null(False) & (Locality.valid_to < today)
        return query.where(ended if value == "0" else ~ended)

    def operation(self):
        return "là"

    def get_options(self, view):
        return [("1", "Còn tồn tại"), ("0", "Đã kết thúc")]


LOCALITY_VISITS_SHOWN = 200


class LocalityView(FoldedSearchMixin, ReferenceView):
    audit_type = "visit_locality"
    details_template = "admin/visits/locality_details.html"
    column_list = ["name", "kind", "parent", "mountainous", "remote", "followers", "lifetime", "code"]
    column_details_list = ["code", "name", "kind", "parent", "lifetime", "mountainous", "remote", "position",
                           "active"]
    column_labels = {"code": "Mã", "name": "Tên", "kind": "Loại", "parent": "Thuộc",
                     "lifetime": "Thời gian tồn tại", "valid_from": "Từ ngày", "valid_to": "Đến ngày",
                     "mountainous": "Miền núi",
                     "remote": "Vùng sâu, vùng xa", "followers": "Cán bộ đang theo dõi", "position": "Thứ tự",
                     "active": "Đang theo dõi", "search_text": "Tên"}
    column_sortable_list = ["name", "kind", "code", "mountainous", "remote"]
    column_default_sort = [(Locality.position, False), (Locality.name, False)]
    column_searchable_list = [Locality.search_text]
    column_filters = [FilterEqual(Locality.kind, "Loại", options=vocab.LOCALITY_KINDS),
                      FilterEqual(Locality.remote, "Vùng sâu, vùng xa", options=[("1", "Có"), ("0",
                                                                                               "Không")]),
                      FilterEqual(Locality.mountainous, "Miền núi", options=[("1", "Có"), ("0", "Không")]),
                      ExistsFilter(Locality.id, "Tình trạng")]
    column_formatters = {"kind": lambda v, c, m, n: m.kind_label, "followers": _followers_cell,
                         "lifetime": _lifetime_cell}
    column_formatters_export = {"kind": lambda v, c, m, n: m.kind_label, "followers": _followers_cell,
                                "lifetime": _lifetime_cell}
    column_formatters_detail = {"kind": lambda v, c, m, n: m.kind_label, "lifetime": _lifetime_cell,
                                **{name: (lambda v, c, m, n: "Có" if getattr(m, n) else "Không")
                                   for name in ("mountainous", "remote", "active")}}
    form_columns = ["code", "name", "kind", "parent", "valid_from", "valid_to", "mountainous", "remote",
                    "position", "active"]
    form_overrides = {"kind": SelectField, "parent": SelectField, "valid_from": DateTextField,
                      "valid_to": DateTextField}
    form_args = {"code": {"label": "Mã", "validators": [DataRequired(), Length(max=30)]},
                 "name": {"label": "Tên", "validators": [DataRequired(), Length(max=200)]},
                 "kind": {"label": "Loại", "choices": vocab.LOCALITY_KINDS},
                 "parent": {"label": "Thuộc (cấp trên)",
                            "coerce": lambda v: int(v) if v not in (None, "", "0", 0) else None},
                 "valid_from": {"label": "Từ ngày (dd/mm/yyyy, để trống nếu có từ trước)",
                                "validators": [Optional()]},
                 "valid_to": {"label": "Đến ngày (dd/mm/yyyy, để trống nếu còn tồn tại)",
                              "validators": [Optional()]},
                 "mountainous": {"label": "Miền núi"}, "remote": {"label": "Vùng sâu, vùng xa"},
                 "position": {"label": "Thứ tự"}, "active": {"label": "Đang theo dõi"}}

    def get_list(self, *args, **kwargs):
        count, data = super().get_list(*args, **kwargs)
        if isinstance(data, list) and data:
            followers = current_followers(today_local())
            for model in data:
                model.followers = followers.get(model.id, [])
        return count, data

    def prepare_form(self, form, obj=None):
        form.parent.choices = [(0,
                                "(không có)")] + [c for c in locality_choices() if not obj or c[0] != obj.id]
        if request.method == "GET" and obj is not None:
            form.parent.data = obj.parent_id or 0
        return form

    def on_model_change(self, form, model, is_created):
        clash = Locality.get_or_none((Locality.code == model.code.strip()) & (Locality.id != (model.id or 0)))
        if clash:
            raise ValidationError(f"Mã '{model.code}' đã được địa bàn '{clash.name}' dùng.")
        if model.valid_from and model.valid_to and model.valid_to < model.valid_from:
            raise ValidationError("Ngày kết thúc của địa bàn không được trước ngày bắt đầu.")
        if id_tree(Locality).would_create_cycle(model.id, model.parent_id):
            raise ValidationError("Không thể đặt một địa bàn làm cấp dưới của chính nó.")

    def in_use(self, model):
        if Locality.select().where(Locality.parent == model).exists():
            return f"Địa bàn '{model.name}' còn địa bàn cấp dưới."
        if VisitLocality.select().where(VisitLocality.locality == model).exists() or \
                Assignment.select().where(Assignment.locality == model).exists():
            return f"Địa bàn '{model.name}' đã có đợt đi cơ sở hoặc phân công: hãy bỏ chọn 'Đang theo dõi'."
        return None

    def render(self, template, **kwargs):
        model = kwargs.get("model")
        if isinstance(model, Locality) and template == self.details_template:
            kwargs.update(self._history(model))
        return super().render(template, **kwargs)

    def _history(self, model):
        """The unit's lifetime and lineage, the assignments of the unit and of every unit that went
        into it (rotation carries across a merger), and the visits the viewer's scope sees of them:
        a fixed number of queries, whatever the length of the history."""
        lineage = Locality.lineage()
        earlier = lineage.earlier_ids(model.id)
        units = [model.id] + sorted(earlier)
        predecessors = [(lineage.units[old], share)
                        for old in dict.fromkeys(lineage.predecessors.get(model.id, []))
                        for new, share in lineage.successors.get(old, []) if new == model.id
                        and old in lineage.units]
        successors = [(lineage.units[new], share) for new, share in lineage.successors.get(model.id, [])
                      if new in lineage.units]
        today = today_local()
        now = lineage.units_on(model.id, today) if not model.exists_on(today) else {}
        history = list(Assignment.select(Assignment, Official, Department, Locality)
                       .join(Official).join(Department).switch(Assignment).join(Locality)
                       .where(Assignment.locality.in_(units))
                       .order_by(Assignment.start_date.desc(), Assignment.id.desc()))
        visits_query = (Visit.select(Visit.id, Visit.title, Visit.start_date, Visit.end_date, Visit.state,
                                     Department.name.alias("department_name"),
                                     Locality.id.alias("unit_id"), Locality.name.alias("unit_name"))
                        .join(VisitLocality).join(Locality).switch(Visit).join(Department)
                        .where(VisitLocality.locality.in_(units))
                        .order_by(Visit.start_date.desc(), Visit.id.desc(), Locality.name))
        rows = list(self.scope.restrict(visits_query).limit(LOCALITY_VISITS_SHOWN + 1).dicts())
        visits = {}
        for row in rows[:LOCALITY_VISITS_SHOWN]:
            entry = visits.setdefault(row["id"], dict(row, units=[]))
            entry["units"].append((row["unit_id"], row["unit_name"]))
        return {"history": history, "today": today, "lineage_units": lineage.units,
                "predecessors": predecessors, "successors": successors,
                "now_units": sorted((lineage.units[uid] for uid in now), key=lambda u: u.name),
                "now_differs": bool(now) and set(now) != {unit.id for unit, _share in successors},
                "earlier_ids": earlier, "earlier_count": len(earlier),
                "unit_visits": list(visits.values()), "more_visits": len(rows) > LOCALITY_VISITS_SHOWN,
                "state_labels": vocab.STATE_LABELS}


class CurrentFilter(BasePeeweeFilter):
    def apply(self, query, value):
        today = today_local()
        current = ((Assignment.start_date <= today)
                   & (Assignment.end_date.is_null() | (Assignment.end_date >= today)))
        return query.where(current if value == "1" else ~current)

    def operation(self):
        return "là"

    def get_options(self, view):
        return [("1", "Đang theo dõi"), ("0", "Đã kết thúc")]


class AssignmentView(ReferenceView):
    """Rotation is a new assignment: the locality's open assignment in the same department closes the
    day before the new one starts; nothing is deleted, so a locality keeps its history."""

    audit_type = "visit_assignment"
    prejoined = ("Official", "Locality")
    column_list = ["locality", "official", "start_date", "end_date", "note"]
    column_labels = {"locality": "Địa bàn", "official": "Cán bộ theo dõi", "start_date": "Từ ngày",
                     "end_date": "Đến ngày", "note": "Ghi chú"}
    column_sortable_list = [("locality", Locality.name), ("official", Official.full_name), "start_date",
                            "end_date"]
    column_default_sort = [(Assignment.start_date, True)]
    column_formatters = {"start_date": lambda v, c, m, n: format_day(m.start_date),
                         "end_date": lambda v, c, m, n: format_day(m.end_date) or "nay"}
    column_filters = [CurrentFilter(Assignment.id, "Tình trạng"),
                      LiveFilterEqual(Assignment.official, "Cán bộ", options=lambda: official_choices()),
                      LiveFilterEqual(Assignment.locality, "Địa bàn", options=locality_choices)]
    form_columns = ["official", "locality", "start_date", "end_date", "note"]
    form_overrides = {"official": SelectField, "locality": SelectField, "start_date": DateTextField,
                      "end_date": DateTextField}
    form_args = {"official": {"label": "Cán bộ", "coerce": int, "validators": [DataRequired()]},
                 "locality": {"label": "Địa bàn", "coerce": int, "validators": [DataRequired()]},
                 "start_date": {"label": "Từ ngày (dd/mm/yyyy)", "validators": [DataRequired()]},
                 "end_date": {"label": "Đến ngày (để trống nếu đang theo dõi)", "validators": [Optional()]},
                 "note": {"label": "Ghi chú"}}

    def get_query(self):
        return (Assignment.select(Assignment, Official, Locality)
                .join(Official).switch(Assignment).join(Locality))

    def get_count_query(self):
        return self.get_query()

    def prepare_form(self, form, obj=None):
        form.official.choices = official_choices()
        form.locality.choices = locality_choices()
        if request.method == "GET" and obj is not None:
            form.official.data, form.locality.data = obj.official_id, obj.locality_id
        return form

    def on_model_change(self, form, model, is_created):
        if model.end_date and model.end_date < model.start_date:
            raise ValidationError("Ngày kết thúc không được trước ngày bắt đầu.")

    def after_model_change(self, form, model, is_created):
        closed = []
        if is_created and model.end_date is None:
            department = Official.select(Official.department).where(Official.id == model.official_id).scalar()
            previous = (Assignment.select(Assignment, Official).join(Official)
                        .where((Assignment.locality == model.locality_id) & (Assignment.id != model.id)
                               & (Official.department == department) & Assignment.end_date.is_null()
                               & (Assignment.start_date < model.start_date)))
            for old in previous:
                old.end_date = model.start_date - timedelta(days=1)
                old.save()
                closed.append(f"{old.official.full_name} (đến {old.end_date:%d/%m/%Y})")
        details = {"luân chuyển, kết thúc phân công": ", ".join(closed)} if closed else None
        audit.record("create" if is_created else "update", "visit_assignment", model, details)


class CalendarDayView(ReferenceView):
    audit_type = "visit_calendar"
    column_list = ["day", "kind", "name"]
    column_labels = {"day": "Ngày", "kind": "Loại", "name": "Tên"}
    column_default_sort = [(CalendarDay.day, True)]
    column_formatters = {"day": lambda v, c, m, n: format_day(m.day),
                         "kind": lambda v, c, m, n: vocab.CALENDAR_KIND_LABELS.get(m.kind, m.kind)}
    column_formatters_export = {"kind": lambda v, c, m, n: vocab.CALENDAR_KIND_LABELS.get(m.kind, m.kind)}
    column_filters = [FilterEqual(CalendarDay.kind, "Loại", options=vocab.CALENDAR_KINDS)]
    form_columns = ["day", "kind", "name"]
    form_overrides = {"day": DateTextField, "kind": SelectField}
    form_args = {"day": {"label": "Ngày (dd/mm/yyyy)", "validators": [DataRequired()]},
                 "kind": {"label": "Loại", "choices": vocab.CALENDAR_KINDS},
                 "name": {"label": "Tên ngày lễ / ghi chú"}}

    def on_model_change(self, form, model, is_created):
        clash = CalendarDay.get_or_none((CalendarDay.day == model.day) & (CalendarDay.id != (model.id or 0)))
        if clash:
            raise ValidationError(f"Ngày {model.day:%d/%m/%Y} đã có trong lịch ({clash.name}).")
        if model.kind == vocab.MAKEUP_WORKDAY and model.day.weekday() < 5:
            raise ValidationError("Ngày làm bù phải là thứ Bảy hoặc Chủ nhật.")


class ImportForm(VisitForm):
    kind = SelectField("Loại dữ liệu", choices=KIND_CHOICES)
    file = FileField("Tệp CSV (UTF-8)")


class ImportView(FieldBaseView):
    """Upload a CSV of reference data; the page lists every error by line and column."""

    area = "visit_reference"
    operation = "create"

    @expose("/", methods=["GET", "POST"])
    def index(self):
        form = ImportForm()
        report = None
        if form.validate_on_submit():
            upload = request.files.get("file")
            if not upload or not upload.filename:
                flash("Vui lòng chọn tệp CSV.", "error")
            else:
                data = upload.read()
                report = import_csv(form.kind.data, data, link_accounts=may_link_accounts())
                if report.ok:
                    with database.atomic():
                        audit.record("create", "visit_import", None, {
                            "loại": KINDS[form.kind.data][0], "tệp": upload.filename, "thêm": report.created,
                            "cập nhật": report.updated}, label=f"Nhập CSV: {KINDS[form.kind.data][0]}")
                    flash(report.summary(), "success")
                else:
                    flash(report.summary(), "error")
        return self.render("admin/visits/import.html", form=form, report=report, kinds=KINDS)

    @expose("/template/<kind>.csv")
    def template(self, kind):
        if kind not in KINDS:
            abort(404)
        return Response("\ufeff" + template_csv(kind), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f"attachment; filename=mau-{kind}.csv"})


# --- follow-ups ---------------------------------------------------------------------------------------

class OverdueFilter(BasePeeweeFilter):
    def apply(self, query, value):
        overdue = (FollowUp.status == vocab.FOLLOWUP_OPEN) & (FollowUp.due_date < today_local())
        return query.where(overdue if value == "1" else ~overdue)

    def operation(self):
        return "là"

    def get_options(self, view):
        return [("1", "Quá hạn"), ("0", "Chưa quá hạn hoặc đã xong")]


def _visit_cell(view, context, model, name):
    return Markup('<a href="{}">{}</a>').format(url_for("visit.details_view", id=model.visit_id),
                                                model.visit.title)


def _due_cell(view, context, model, name):
    late = model.status == vocab.FOLLOWUP_OPEN and model.due_date < today_local()
    return Markup('<span class="{}">{}</span>').format("overdue" if late else "", format_day(model.due_date))


class FollowUpView(FieldModelView):
    area = "visit_follow_up"
    audit_type = "visit_follow_up"
    can_create = False  # added from the visit's report page
    prejoined = ("Visit",)
    column_list = ["due_date", "status", "responsible", "description", "visit", "official"]
    column_labels = {"due_date": "Hạn", "status": "Tình trạng", "responsible": "Đơn vị, người thực hiện",
                     "description": "Nội dung", "visit": "Đợt đi cơ sở", "official": "Cán bộ theo dõi",
                     "note": "Ghi chú", "done_date": "Ngày xong"}
    column_sortable_list = ["due_date", "status", "responsible"]
    column_default_sort = [(FollowUp.due_date, False)]
    column_formatters = {"status": lambda v, c, m, n: m.status_label, "visit": _visit_cell,
                         "due_date": _due_cell,
                         "official": lambda v, c, m, n: m.official.full_name if m.official_id else ""}
    column_formatters_export = {"status": lambda v, c, m, n: m.status_label,
                                "visit": lambda v, c, m, n: m.visit.title,
                                "official": lambda v, c, m, n: m.official.full_name if m.official_id else ""}
    column_filters = [OverdueFilter(FollowUp.id, "Quá hạn"),
                      FilterEqual(FollowUp.status, "Tình trạng", options=vocab.FOLLOWUP_STATUSES),
                      LiveFilterEqual(Visit.department, "Phòng", options=_department_options)]
    form_columns = ["responsible", "description", "due_date", "status", "note"]
    form_overrides = {"due_date": DateTextField, "status": SelectField, "description": TextAreaField,
                      "note": TextAreaField}
    form_args = {"responsible": {"label": "Đơn vị, người thực hiện", "validators": [DataRequired()]},
                 "description": {"label": "Nội dung", "validators": [DataRequired()]},
                 "due_date": {"label": "Hạn (dd/mm/yyyy)", "validators": [DataRequired()]},
                 "status": {"label": "Tình trạng", "choices": vocab.FOLLOWUP_STATUSES},
                 "note": {"label": "Ghi chú"}}

    def get_query(self):
        query = (FollowUp.select(FollowUp, Visit, Official).join(Visit)
                 .switch(FollowUp).join(Official, JOIN.LEFT_OUTER, on=(FollowUp.official == Official.id)))
        return self.scope.restrict(query)

    def get_count_query(self):
        return self.get_query()

    def _handle_view(self, name, **kwargs):
        refused = super()._handle_view(name, **kwargs)
        if refused:
            return refused
        if name in ("edit_view", "delete_view"):
            item = self.get_one((request.args if name == "edit_view" else request.form).get("id"))
            scope = self.scope
            if not (can_manage_follow_ups(item.visit, scope) or item.official_id in scope.official_ids):
                abort(403)
        return None

    def on_model_change(self, form, model, is_created):
        model.done_date = (model.done_date or today_local()) if model.status == vocab.FOLLOWUP_DONE else None


# --- review meetings --------------------------------------------------------------------------------

class ReviewMeetingView(FieldModelView):
    """Each department's quarterly experience-sharing meeting, with the visits it discussed."""

    area = "visit_meeting"
    audit_type = "visit_meeting"
    prejoined = ("Department",)
    details_template = "admin/visits/meeting_details.html"
    column_list = ["department", "year", "quarter", "meeting_date", "attendees"]
    column_labels = {"department": "Phòng", "year": "Năm", "quarter": "Quý", "meeting_date": "Ngày họp",
                     "attendees": "Thành phần dự", "notes": "Nội dung rút kinh nghiệm"}
    column_sortable_list = [("department", Department.name), "year", "quarter", "meeting_date"]
    column_default_sort = [(ReviewMeeting.meeting_date, True)]
    column_formatters = {"meeting_date": lambda v, c, m, n: format_day(m.meeting_date)}
    column_filters = [LiveFilterEqual(ReviewMeeting.department, "Phòng", options=_department_options),
                      FilterEqual(ReviewMeeting.quarter, "Quý", options=[(str(q),
                                                                          f"Quý {q}") for q in range(1, 5)])]
    form_columns = ["department", "year", "quarter", "meeting_date", "attendees", "notes"]
    form_overrides = {"department": SelectField, "meeting_date": DateTextField, "attendees": TextAreaField,
                      "notes": TextAreaField}
    form_args = {"department": {"label": "Phòng", "coerce": int, "validators": [DataRequired()]},
                 "year": {"label": "Năm", "validators": [DataRequired(), NumberRange(2000, 2100)]},
                 "quarter": {"label": "Quý", "validators": [DataRequired(), NumberRange(1, 4)]},
                 "meeting_date": {"label": "Ngày họp (dd/mm/yyyy)", "validators": [DataRequired()]},
                 "attendees": {"label": "Thành phần dự"}, "notes": {"label": "Nội dung rút kinh nghiệm"}}
    form_widget_args = {"notes": {"rows": 8}, "attendees": {"rows": 3}}
    form_extra_fields = {"visits": SelectMultipleField("Các đợt đi cơ sở được rút kinh nghiệm", coerce=int,
                                                       validators=[Optional()])}

    def get_query(self):
        query = ReviewMeeting.select(ReviewMeeting, Department).join(Department)
        if not self.scope.sees_all:
            query = query.where(ReviewMeeting.department.in_(list(self.scope.department_ids) or [-1]))
        return query

    def get_count_query(self):
        return self.get_query()

    def _visit_choices(self):
        query = (Visit.select(Visit.id, Visit.title, Visit.start_date).where(Visit.state == vocab.DONE)
                 .order_by(Visit.start_date.desc()).limit(400))
        return [(v.id, f"{v.start_date:%d/%m/%Y} - {v.title}") for v in self.scope.restrict(query)]

    def prepare_form(self, form, obj=None):
        options = _department_options()
        if not self.scope.sees_all:
            options = [o for o in options if o[0] in self.scope.department_ids]
        form.department.choices = options
        form.visits.choices = self._visit_choices()
        if request.method == "GET" and obj is not None:
            form.department.data = obj.department_id
            form.visits.data = [v for (v,) in ReviewMeetingVisit.select(ReviewMeetingVisit.visit)
                                .where(ReviewMeetingVisit.meeting == obj.id).tuples()]
        elif request.method == "GET":
            today = today_local()
            form.year.data, form.meeting_date.data = today.year, today
            form.quarter.data = (today.month - 1) // 3 + 1
        return form

    def on_model_change(self, form, model, is_created):
        if not self.scope.sees_all and model.department_id not in self.scope.department_ids:
            raise ValidationError("Chỉ ghi cuộc họp của phòng mình.")
        if is_created:
            model.created_by = current_user.id

    def after_model_change(self, form, model, is_created):
        allowed = {c[0] for c in form.visits.choices}
        ReviewMeetingVisit.delete().where(ReviewMeetingVisit.meeting == model.id).execute()
        chosen = [v for v in dict.fromkeys(form.visits.data or []) if v in allowed]
        if chosen:
            ReviewMeetingVisit.insert_many([(model.id, v) for v in chosen],
                                           fields=[ReviewMeetingVisit.meeting,
                                                   ReviewMeetingVisit.visit]).execute()
        super().after_model_change(form, model, is_created)

    def render(self, template, **kwargs):
        model = kwargs.get("model")
        if isinstance(model, ReviewMeeting):
            kwargs["linked"] = list(self.scope.restrict(
                Visit.select(Visit).join(ReviewMeetingVisit).where(ReviewMeetingVisit.meeting == model.id)
                .order_by(Visit.start_date)))
        return super().render(template, **kwargs)

    def export_table(self, data):
        headers = ["Phòng", "Năm", "Quý", "Ngày họp", "Thành phần dự", "Nội dung rút kinh nghiệm"]
        return headers, [[m.department.name, m.year, m.quarter, m.meeting_date, m.attendees,
                          m.notes] for m in data]
