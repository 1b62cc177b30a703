"""What every back-office view shares: login, the role rules of admin.permissions, audit, transactions."""

import flask_admin.helpers
from flask import abort, flash, has_request_context
from flask_admin.contrib.peewee import ModelView
from flask_admin.contrib.peewee.filters import FilterEqual
from flask_login import current_user
from peewee import OperationalError

from cms import audit
from cms.db import database, roll_back, storage_failure
from cms.roles import can

from ..auth import is_safe_next
from ..forms import VietnameseForm
from ..guard import login_redirect

# Flask-Admin's return targets (?url=) pass its own check when they read "http:/evil.example", which
# werkzeug then sends as "http:///evil.example" (a browser goes to evil.example): local paths only.
flask_admin.helpers.is_safe_url = is_safe_next


class LiveFilterEqual(FilterEqual):
    """An equality filter whose options come from the database when the page is drawn
    (Flask-Admin would otherwise query them once, at start-up, and keep them stale)."""

    def get_options(self, view):
        return super().get_options(view) if has_request_context() else None


class SecureModelView(ModelView):
    """A ModelView of one `area` of the role rules. admin.guard checks every endpoint's rule (and the
    ids of the request) before the view runs; what the view opens is what its list shows."""

    area = None  # key of admin.permissions.RULES
    audit_type = None  # object_type in the audit log; defaults to `area`
    form_base_class = VietnameseForm
    page_size = 20
    can_view_details = True
    can_set_page_size = True
    column_display_actions = True

    # Per request, from the role: Flask-Admin reads these to draw buttons and guard views.
    @property
    def can_create(self):
        return can(self.area, "create")

    @property
    def can_edit(self):
        return can(self.area, "edit")

    @property
    def can_delete(self):
        return can(self.area, "delete")

    def is_accessible(self):
        return current_user.is_authenticated and can(self.area, "read")

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return login_redirect()
        abort(403)

    def get_one(self, id):
        """The record, if this view's list (get_query: the user's scope) holds it; else 404, the same
        answer for a record the user may not see and for one that does not exist (Flask-Admin
        would redirect to the list for a missing one and tell the two apart)."""
        found = self.get_query().where(self.model._meta.primary_key == id).first()
        if found is None:
            abort(404)
        return found

    def _get_list_filter_args(self):
        """Filters with a list of choices accept only those choices: any other value is dropped
        with a message (compared with an integer column, PostgreSQL would refuse it with a 500)."""
        kept = []
        for idx, name, value in super()._get_list_filter_args() or []:
            options = self._filters[idx].get_options(self)
            if options is not None and str(value) not in {str(key) for key, _ in options}:
                flash(self.get_invalid_value_msg(value, self._filters[idx]), "error")
                continue
            kept.append((idx, name, value))
        return kept

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        if sort_column is not None and sort_column not in self._sortable_columns:
            sort_column = None  # ?sort=N of a column that cannot be sorted: Flask-Admin fails with a 500
        return super().get_list(page, sort_column, sort_desc, search, filters, execute, page_size)

    def _get_filter_groups(self):
        self._refresh_filters_cache()  # LiveFilterEqual options stay current
        return super()._get_filter_groups()

    def is_action_allowed(self, name):
        if name == "delete":
            return self.can_delete and can(self.area, "delete")
        return super().is_action_allowed(name)

    # --- forms: one hook for what create and edit forms add to the generated ones -------------
    def prepare_form(self, form, obj=None):
        """The form with its choices and defaults filled in; `obj` is the record edited, None on
        create. A view overrides this, never create_form/edit_form."""
        return form

    def create_form(self, obj=None):
        return self.prepare_form(super().create_form(obj))

    def edit_form(self, obj=None):
        return self.prepare_form(super().edit_form(obj), obj)

    def handle_view_exception(self, exc):
        """A locked database or a full disk: say so in Vietnamese (Flask-Admin shows English)."""
        message = storage_failure(exc)
        if message:
            flash(message, "error")
            return True
        return super().handle_view_exception(exc)

    # --- every change in one transaction with its audit entry --------------------------------
    def _in_transaction(self, change, *args):
        """Run a Flask-Admin change in one transaction; rolled back when it reports failure. A
        transaction that cannot even begin (database locked, disk full) is reported like a failed
        change: the form is shown again with the message."""
        try:
            with database.atomic() as transaction:
                result = change(*args)
                if not result:
                    roll_back(transaction)
                return result
        except OperationalError as exc:
            if not self.handle_view_exception(exc):
                raise
            return False

    def create_model(self, form):
        return self._in_transaction(super().create_model, form)

    def update_model(self, form, model):
        return self._in_transaction(super().update_model, form, model)

    def delete_model(self, model):
        return self._in_transaction(super().delete_model, model)

    def after_model_change(self, form, model, is_created):
        audit.record("create" if is_created else "update", self.audit_type or self.area, model,
                     changed_fields(form) if not is_created else None)

    def on_model_delete(self, model):
        audit.record("delete", self.audit_type or self.area, model)


def changed_fields(form):
    """Names of the form fields whose submitted value differs from the stored one."""
    changed = [field.label.text for field in form
               if field.type not in ("CSRFTokenField", "HiddenField", "FileField", "PasswordField")
               and field.object_data != field.data and not (field.object_data is None and field.data == "")]
    return {"trường đã sửa": ", ".join(changed)} if changed else None
