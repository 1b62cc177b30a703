"""Every back-office endpoint has a declared rule: the URL map walked.

Each rule under /admin/ and each login route needs an entry in the access rules (admin.permissions:
derived for Flask-Admin's own view functions from OPERATION_OF_VIEW, ENDPOINT_RULES for the rest);
one without is refused at runtime by admin.guard (403, even for an admin), and the walk names it.
"""

import tempfile

import pytest
from flask_admin import BaseView, expose
from seckit import map_app, text_of

from admin import guard
from admin.permissions import ANYONE, ENDPOINT_RULES, SIGNED_IN
from app import create_app
from cms.roles import RULES


def undeclared(app):
    """Back-office endpoints of `app` that have no rule (the guard refuses them)."""
    with app.app_context():
        return sorted({rule.endpoint for rule in app.url_map.iter_rules()
                       if guard.is_back_office(rule) and guard.rule_of(rule.endpoint) is None})


def back_office_rules(app):
    with app.app_context():
        return sorted((r for r in app.url_map.iter_rules() if guard.is_back_office(r)), key=lambda r: r.rule)


# --- the map ------------------------------------------------------------------------------------------

def test_access_rules_every_back_office_endpoint_has_a_rule():
    assert undeclared(map_app()) == []


def test_access_rules_cover_the_whole_admin_and_the_login_routes():
    """The walk above sees every /admin rule and the login, logout and password routes."""
    app = map_app()
    endpoints = {rule.endpoint for rule in back_office_rules(app)}
    assert {"auth.login", "auth.logout", "auth.change_password", "visit.export_record", "visit.report",
            "staff_search.index", "visit_dashboard.index", "visit_import.index"} <= endpoints
    assert all(r.endpoint in endpoints for r in app.url_map.iter_rules() if r.rule.startswith("/admin"))


def test_access_rules_name_real_areas_and_endpoints():
    """Every declared rule names an operation of RULES, and every entry an endpoint that exists
    (a stale line for a renamed function would otherwise hide that the new name has none)."""
    app = map_app()
    existing = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(set(ENDPOINT_RULES) - existing) == []
    with app.app_context():
        for rule in back_office_rules(app):
            needed = guard.rule_of(rule.endpoint)
            if needed not in (ANYONE, SIGNED_IN, None):  # None: the first test's finding
                area, operation = needed
                assert operation in RULES[area], rule.endpoint


def _app_with_an_undeclared_view():
    class Forgotten(BaseView):
        @expose("/")
        def index(self):
            return "bí mật"

    app = create_app({"CMS_DATA_DIR": tempfile.mkdtemp(prefix="security-rules-"), "SECRET_KEY": "x",
                      "DATABASE_URL": "sqlite:///:memory:", "TESTING": True})
    app.extensions["board_admin"].add_view(Forgotten(name="Quên khai báo", endpoint="forgotten",
                                                     url="/admin/quen"))
    return app


def test_access_rules_an_undeclared_endpoint_is_named_and_refused_at_runtime():
    app = _app_with_an_undeclared_view()
    assert undeclared(app) == ["forgotten.index"]
    response = app.test_client().get("/admin/quen/")
    assert response.status_code == 403 and "bí mật" not in text_of(response)


@pytest.mark.parametrize("endpoint", ["visit.export_record", "auth.change_password"])
def test_access_rules_a_removed_entry_is_named_and_refused(monkeypatch, sec_app, world, client_as, endpoint):
    """Loosening the table by deleting a line: the walk names the endpoint, and even an admin is
    refused there at runtime (the rule is not silently replaced by "allowed")."""
    monkeypatch.delitem(ENDPOINT_RULES, endpoint)
    assert undeclared(map_app()) == [endpoint]
    path = {"visit.export_record": f"/admin/visit/export-record/{world.field.visit_a.id}/csv",
            "auth.change_password": "/admin/doi-mat-khau"}[endpoint]
    assert client_as("admin").get(path).status_code == 403
