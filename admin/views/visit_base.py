"""What the field-visit screens share: access through visits.access (field staff, leaders, admins),
CSV/XLSX export of any filtered list, and plain date fields typed as dd/mm/yyyy."""

from datetime import datetime

from flask import Response, abort, current_app
from flask_admin import BaseView, expose
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.utils import secure_filename
from wtforms import SelectMultipleField, StringField
from wtforms.widgets import CheckboxInput, ListWidget

from cms.text import slugify
from cms.timeutil import format_day, parse_day
from visits.access import scope_for
from visits.export import render

from ..i18n import TRANSLATIONS
from .base import SecureModelView, login_redirect

EXPORT_TYPES = ["csv", "xlsx"]


class DateTextField(StringField):
    """A calendar date typed as dd/mm/yyyy (yyyy-mm-dd accepted too); data is a date."""

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_day(self.data)

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            return
        self.data = parse_day(text)
        if self.data is None:
            raise ValueError("Ngày không hợp lệ: dùng dạng dd/mm/yyyy, ví dụ 02/09/2025.")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class VisitForm(FlaskForm):
    """Forms of the custom screens: CSRF from Flask-WTF, messages in Vietnamese."""

    class Meta:
        def get_translations(self, form):
            return TRANSLATIONS


def export_response(tables, fmt, name):
    if fmt not in EXPORT_TYPES:
        abort(404)
    body, mimetype = render(tables, fmt)
    filename = secure_filename(f"{slugify(name) or 'du-lieu'}-{datetime.now():%Y%m%d-%H%M}.{fmt}")
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename={filename}",
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})


class FieldModelView(SecureModelView):
    """A SecureModelView whose role check is the field-visit scope (visits.access), not the raw role:
    an editor counts only when linked to an Official, a staff member likewise."""

    can_export = True
    export_types = EXPORT_TYPES
    export_max_rows = 0
    column_formatters_export = {}
    extra_css = ["/static/admin/admin.css", "/static/admin/visits.css"]

    @property
    def scope(self):
        return scope_for()

    @property
    def can_create(self):
        return self.scope.can(self.area, "create")

    @property
    def can_edit(self):
        return self.scope.can(self.area, "edit")

    @property
    def can_delete(self):
        return self.scope.can(self.area, "delete")

    def is_accessible(self):
        return current_user.is_authenticated and self.scope.can(self.area, "read")

    def is_action_allowed(self, name):
        if name == "delete":
            return self.scope.can(self.area, "delete")
        return super(SecureModelView, self).is_action_allowed(name)

    # Joins made by get_query: Flask-Admin must not join those models a second time to sort.
    prejoined = ()

    def _handle_join(self, query, field, joins):
        joins.update(self.prejoined)
        return super()._handle_join(query, field, joins)

    def export_table(self, data):
        columns = self.get_export_columns()
        return ([label for _, label in columns],
                [[self.get_export_value(model, name) for name, _ in columns] for model in data])

    @expose("/export/<export_type>/")
    def export(self, export_type):
        if export_type not in self.export_types:
            abort(404)
        _count, data = self._export_data()
        headers, rows = self.export_table(data)
        return export_response([(str(self.name), headers, rows)], export_type, str(self.name))


class FieldBaseView(BaseView):
    """A plain back-office page of the field-visit area (dashboards, imports)."""

    area = None
    operation = "read"
    extra_css = ["/static/admin/admin.css", "/static/admin/visits.css"]

    @property
    def scope(self):
        return scope_for()

    def is_accessible(self):
        return current_user.is_authenticated and self.scope.can(self.area, self.operation)

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return login_redirect()
        abort(403)


def app_config(name, default):
    return current_app.config.get(name, default)
