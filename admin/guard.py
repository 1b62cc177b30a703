"""The one gate every back-office request passes before any view runs (registered by admin.init_app).

For a request to an endpoint under /admin/ or of the login blueprint it:
1. finds the endpoint's rule (admin.permissions.rule_for); an endpoint without one is refused (403),
   so a new view cannot be reached until its rule is declared;
2. sends a visitor who is not logged in to the login page (unless the rule is ANYONE);
3. checks the role against the rule (field areas through visits.access: an unlinked account has no
   role there), 403 when refused;
4. answers 404 for an id that cannot be a database id (path numbers, ?id=, rowid, list_form_pk): a
   missing record, never a query the database refuses with a 500 (SQLite: OverflowError).

The view then checks the record (scope, owner, state); a record the user may not see answers 404,
like one that does not exist (SecureModelView.get_one and the visit views).
"""

import re

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from cms.roles import can
from visits.access import awaits_official_link, scope_for

from .permissions import ANYONE, FIELD_AREAS, SIGNED_IN, rule_for

MAX_ID = 2**63 - 1  # the largest BIGINT: PostgreSQL's and SQLite's integer keys
ID_FIELDS = ("id", "rowid", "list_form_pk")  # Flask-Admin's names for record ids in queries and forms
_DIGITS = re.compile(r"[0-9]{1,19}")  # ASCII only: "²" and "٣" pass str.isdigit()
LOGIN_BLUEPRINTS = ("auth",)


def login_redirect():
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def is_database_id(value):
    if isinstance(value, int):
        return 0 < value <= MAX_ID
    return bool(_DIGITS.fullmatch(value)) and 0 < int(value) <= MAX_ID


def refuse_malformed_ids():
    """404 for any id of the request that no record can have."""
    values = [v for v in (request.view_args or {}).values() if isinstance(v, int)]
    for name in ID_FIELDS:
        found = request.args.getlist(name) + request.form.getlist(name)
        if name == "id" and len(found) > 1:
            abort(404)  # one record at a time: Flask-Admin would pass the list on as an id
        values += found
    if not all(is_database_id(value) for value in values):
        abort(404)


def _areas():
    """Flask-Admin view endpoint -> its `area` (None for a view without one)."""
    found = current_app.extensions.get("board_view_areas")
    if found is None:  # every view is added by admin.init_app, before the first request
        views = current_app.extensions["board_admin"]._views
        found = current_app.extensions["board_view_areas"] = {
            view.endpoint: getattr(view, "area", None) for view in views}
    return found


def is_back_office(rule):
    """A URL rule the guard answers for: under /admin, or a login route, or of an admin view."""
    blueprint = rule.endpoint.partition(".")[0] if "." in rule.endpoint else None
    return (rule.rule == "/admin" or rule.rule.startswith("/admin/") or blueprint in LOGIN_BLUEPRINTS
            or blueprint in _areas())


def rule_of(endpoint):
    blueprint = endpoint.partition(".")[0]
    return rule_for(endpoint, _areas().get(blueprint))


def allowed(area, operation):
    if area in FIELD_AREAS:
        return scope_for().can(area, operation)
    return can(area, operation)


def check_request():
    rule = request.url_rule
    if rule is None or not is_back_office(rule):
        return None  # not found (Flask answers 404), or the public site
    needed = rule_of(rule.endpoint)
    if needed is None:
        abort(403)  # declared nowhere: refused for everyone until its rule is written
    if needed == ANYONE:
        return None
    if not current_user.is_authenticated:
        return login_redirect()
    if needed != SIGNED_IN and not allowed(*needed):
        return refusal(needed[0])
    refuse_malformed_ids()
    return None


UNLINKED_ACCOUNT = ("Tài khoản của bạn chưa được gắn với tên của bạn trong danh sách cán bộ, nên chưa "
                    "mở được mục đi cơ sở. Hãy đề nghị quản trị viên hệ thống gắn tài khoản này với "
                    "tên của bạn trong danh sách cán bộ.")


def refusal(area):
    """403; an account kept out of the field-visit area only for want of a linked official is told
    what to ask for (it learns nothing about any record: no record has been looked up yet)."""
    if area in FIELD_AREAS and awaits_official_link(current_user):
        return render_template("errors/403.html", reason=UNLINKED_ACCOUNT), 403
    abort(403)


def init_app(app):
    app.before_request(check_request)
