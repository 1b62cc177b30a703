"""Ids answer alike whatever they point at (the one guard of admin.guard, and SecureModelView.get_one).

- An id that cannot be a database id (too large for BIGINT, not ASCII digits, zero, several) is a
  404 on every back-office URL, in the path, the query or the form: never a 500.
- A record that does not exist is a 404 on every model view (not Flask-Admin's redirect to the list).
- A record the user may not see answers exactly like one that does not exist: the same status and
  the same page.
"""

import re
from datetime import date

import pytest
from seckit import map_app, text_of, token

from cms.db import database
from visits.models import FollowUp, ReviewMeeting

HUGE = 99999999999999999999  # > 2**63 - 1: SQLite raises OverflowError, PostgreSQL "out of range"


def _back_office_rules(app):
    return sorted((r for r in app.url_map.iter_rules()
                   if r.rule.startswith("/admin/") and r.endpoint != "admin.static"), key=lambda r: r.rule)


# --- ids that no record can have -------------------------------------------------------------------------

def _fill(rule, number):
    words = {"export_type": "csv", "fmt": "csv", "kind": "departments", "filename": "x"}

    def one(match):
        converter, name = match.group(1), match.group(2)
        return str(number) if converter == "int" else words.get(name, "x")
    return re.sub(r"<(?:(\w+):)?(\w+)>", one, rule)


def _status(client, path, **request):
    """The status of a request; an exception escaping the app (TESTING propagates them) is a 500."""
    try:
        return client.open(path, **request).status_code
    except Exception:  # noqa: BLE001 - any escape is the failure this test looks for
        return 500


NUMBERED = [(r.endpoint, r.rule, sorted(r.methods - {"HEAD", "OPTIONS"}))
            for r in _back_office_rules(map_app()) if "<int:" in r.rule]


@pytest.mark.parametrize("number", [HUGE, 2**63, 0])
@pytest.mark.parametrize("who", ["admin", "field_a"])
def test_access_ids_out_of_range_in_paths_are_not_found(sec_app, world, client_as, who, number):
    client = client_as(who)
    csrf = token(client)
    problems = []
    for _endpoint, rule, methods in NUMBERED:
        path = _fill(rule, number)
        for method in methods:
            data = {"csrf_token": csrf, "name": "submit", "keep": "mine"} if method == "POST" else None
            status = _status(client, path, method=method, data=data)
            if status != 404:
                problems.append((method, path, status))
    assert problems == []


QUERY_IDS = [str(HUGE), str(2**63), "0", "-1", "²", "٣", "1e3", " 1", "9" * 5000]


def _model_views(app):
    return [view for view in app.extensions["board_admin"]._views if hasattr(view, "get_one")]


MODEL_ENDPOINTS = [view.endpoint for view in _model_views(map_app())]


@pytest.mark.parametrize("endpoint", MODEL_ENDPOINTS)
def test_access_ids_impossible_in_queries_and_forms_are_not_found(sec_app, world, client_as, endpoint):
    """?id= on details and edit, the id of delete, rowid of the bulk actions and list_form_pk of
    inline edits: a 404 for anything no record can have (an admin, so no role check comes first
    where Flask-Admin offers the view at all)."""
    client = client_as("admin")
    csrf = token(client)
    problems = []
    for value in QUERY_IDS:
        calls = [("GET", f"/admin/{endpoint}/details/", {"id": value}, None),
                 ("GET", f"/admin/{endpoint}/edit/", {"id": value}, None),
                 ("POST", f"/admin/{endpoint}/delete/", None, {"id": value}),
                 ("POST", f"/admin/{endpoint}/action/", None, {"action": "delete", "rowid": value}),
                 ("POST", f"/admin/{endpoint}/ajax/update/", None, {"list_form_pk": value})]
        for method, path, query, form in calls:
            data = {**(form or {}), "csrf_token": csrf} if form is not None else None
            status = _status(client, path, method=method, query_string=query, data=data)
            if status not in (403, 404):  # 403: the role may not use this view at all
                problems.append((method, path, value[:20], status))
    several = _status(client, f"/admin/{endpoint}/details/", query_string=[("id", "1"), ("id", "2")])
    assert problems == [] and several == 404


# --- hidden answers like absent ----------------------------------------------------------------------

@pytest.mark.parametrize("endpoint", MODEL_ENDPOINTS)
def test_access_ids_absent_records_are_not_found_on_every_model_view(sec_app, world, client_as, endpoint):
    """Flask-Admin's default for a missing record is a message and a redirect to the list; here it
    is a 404, so that it can be the same answer as for a record the user may not see."""
    client = client_as("admin")
    for path in (f"/admin/{endpoint}/details/?id=987654321", f"/admin/{endpoint}/edit/?id=987654321"):
        assert client.get(path).status_code in (403, 404), path
    deleted = client.post(f"/admin/{endpoint}/delete/", data={"csrf_token": token(client), "id": "987654321"})
    assert deleted.status_code in (403, 404), endpoint


@pytest.fixture(scope="module")
def hidden_ids(sec_app, world):
    """Records of department A and of another staff member, as seen by department B's staff and by
    the article staff member."""
    with sec_app.app_context(), database.connection_context():
        meeting = ReviewMeeting.create(department=world.field.dept_a, year=2025, quarter=2,
                                       meeting_date=date(2025, 6, 2), attendees="Phòng A họp kín",
                                       notes="Ghi chép mật")
        follow = FollowUp.get(FollowUp.visit == world.field.visit_a.id)
    return {"visit_follow_up": follow.id, "visit_meeting": meeting.id, "visit": world.field.visit_a.id,
            "article": world.articles.other_draft.id}


def _page(response):
    # the CSRF token of the session differs from one request to the next: everything else is compared
    return re.sub(r'content="[^"]+"', "", text_of(response))


HIDDEN_CASES = [("field_b", "visit_follow_up"), ("field_b", "visit_meeting"), ("field_b", "visit"),
                ("staff", "article")]


@pytest.mark.parametrize(("who", "endpoint"), HIDDEN_CASES)
def test_access_ids_hidden_answers_like_missing(sec_app, world, client_as, hidden_ids, who, endpoint):
    client = client_as(who)
    for action in ("details", "edit"):
        hidden = client.get(f"/admin/{endpoint}/{action}/?id={hidden_ids[endpoint]}")
        missing = client.get(f"/admin/{endpoint}/{action}/?id=987654321")
        assert (hidden.status_code, missing.status_code) == (404, 404), (endpoint, action)
        assert _page(hidden) == _page(missing)
        assert hidden.headers.get("Content-Type") == missing.headers.get("Content-Type")
    csrf = token(client)
    hidden = client.post(f"/admin/{endpoint}/delete/", data={"csrf_token": csrf, "id": hidden_ids[endpoint]})
    missing = client.post(f"/admin/{endpoint}/delete/", data={"csrf_token": csrf, "id": "987654321"})
    assert hidden.status_code == missing.status_code and _page(hidden) == _page(missing)
