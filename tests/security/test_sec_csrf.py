"""CSRF on every state-changing endpoint (enumerated from the URL map), state changes by GET,
session fixation, and open redirects through every redirect target parameter."""

import pytest
from seckit import (
    changed_tables,
    csrf_from,
    db_fingerprint,
    is_offsite,
    location_of,
    login,
    map_app,
    text_of,
    token,
)

from cms.db import database
from visits.models import FollowUp

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
SKIPPED_GET = {"static", "admin.static", "assets.asset", "public.media"}  # files, tested elsewhere


def _ids(world):
    with database.connection_context():
        follow_up = FollowUp.get(FollowUp.visit == world.field.visit_a.id)
    f = world.field
    return {
        "args": {"article_id": world.articles.published.id, "number": 1, "visit_id": f.visit_a.id,
                 "other_id": f.visit_b.id, "attachment_id": f.attachment_a.id, "item_id": follow_up.id,
                 "export_type": "csv", "fmt": "csv", "kind": "departments",
                 "slug": "xay-dung-dang"},
        "rows": {"article": world.articles.published.id, "category": world.category.id, "tag": world.tag.id,
                 "user": world.users["staff"].id, "audit": 1, "media": 1, "visit": f.visit_a.id,
                 "visit_department": f.dept_a.id, "visit_official": f.official_a.id,
                 "visit_locality": f.locality.id, "visit_follow_up": follow_up.id},
    }


def _url(rule, ids):
    path = rule.rule
    for name in rule.arguments:
        path = path.replace(f"<{name}>", str(ids["args"].get(name, 1)))
        for converter in ("int", "path", "string"):
            path = path.replace(f"<{converter}:{name}>", str(ids["args"].get(name, 1)))
    view = rule.endpoint.split(".")[0]
    if rule.endpoint.endswith(("edit_view", "delete_view", "details_view")) and view in ids["rows"]:
        path += f"?id={ids['rows'][view]}"
    return path


def _rules(sec_app, methods):
    return sorted((rule for rule in sec_app.url_map.iter_rules() if rule.methods & methods),
                  key=lambda rule: rule.rule)


def _unsafe_endpoints():
    return [rule.endpoint for rule in _rules(map_app(), UNSAFE)]


UNSAFE_ENDPOINTS = _unsafe_endpoints()
ATTACK_FORM = {"id": "1", "rowid": "1", "action": "delete", "name": "approve", "title": "Tấn công CSRF",
               "body": "CSRF", "status": "done", "comment": "CSRF", "username": "ke-tan-cong",
               "password": "mat-khau-Ke-gian-1", "new": "mat-khau-Moi-1234", "confirm": "mat-khau-Moi-1234",
               "findings": "CSRF", "responsible": "CSRF", "description": "CSRF", "due_date": "01/01/2030",
               "reason": "CSRF", "keep": "other", "list_form_pk": "1", "value": "CSRF", "everywhere": "1"}


@pytest.fixture(scope="module")
def ids(world, sec_app):
    with sec_app.app_context():
        return _ids(world)


def test_csrf_endpoint_list_is_complete(sec_app):
    """Every rule accepting an unsafe method is attacked below (and there are many of them)."""
    assert len(UNSAFE_ENDPOINTS) >= 80
    assert {rule.endpoint for rule in _rules(sec_app, UNSAFE)} == set(UNSAFE_ENDPOINTS)
    for rule in _rules(sec_app, UNSAFE):
        assert rule.methods & UNSAFE <= {"POST"}, rule  # PUT/PATCH/DELETE would need attacking too


@pytest.mark.parametrize("endpoint", UNSAFE_ENDPOINTS)
def test_csrf_post_without_token_refused(sec_app, world, ids, client_as, endpoint):
    rule = next(rule for rule in sec_app.url_map.iter_rules() if rule.endpoint == endpoint)
    url = _url(rule, ids)
    client = client_as("admin")  # the account that may do everything
    with sec_app.app_context(), database.connection_context():
        before = db_fingerprint()
    response = client.post(url, data=ATTACK_FORM)
    assert response.status_code == 400, (url, response.status_code)
    assert "CSRF" in text_of(response)  # the Vietnamese explanation of the refusal
    with sec_app.app_context(), database.connection_context():
        assert changed_tables(before, db_fingerprint()) == [], url
    assert client.get("/admin/").status_code == 200  # still logged in: nothing was done, nothing lost


@pytest.mark.parametrize("endpoint", ["article.delete_view", "visit.transition", "auth.logout",
                                      "user.edit_view", "visit.add_follow_up"])
def test_csrf_token_of_another_session_refused(sec_app, world, ids, client_as, endpoint):
    """A token stolen from the attacker's own session does not work in the victim's."""
    attacker = client_as("editor")
    foreign = token(attacker)
    rule = next(rule for rule in sec_app.url_map.iter_rules() if rule.endpoint == endpoint)
    victim = client_as("admin")
    with sec_app.app_context(), database.connection_context():
        before = db_fingerprint()
    response = victim.post(_url(rule, ids), data={**ATTACK_FORM, "csrf_token": foreign})
    assert response.status_code == 400
    with sec_app.app_context(), database.connection_context():
        assert changed_tables(before, db_fingerprint()) == []


def test_csrf_control_same_post_with_token_is_accepted(sec_app, world, ids, client_as):
    """The refusals above are the token's doing: with the page's token the same kind of post works."""
    client = client_as("admin")
    response = client.post("/admin/tag/new/", data={"name": "Từ khóa hợp lệ", "slug": "",
                                                    "csrf_token": token(client, "/admin/tag/new/")})
    assert response.status_code == 302
    assert client.post("/admin/tag/new/", data={"name": "Từ khóa thứ hai", "slug": ""}).status_code == 400


def test_csrf_no_state_change_by_get(sec_app, world, ids, client_as):
    """Every GET endpoint, visited by an admin, writes nothing (a GET cannot be CSRF-protected)."""
    client = client_as("admin")
    with sec_app.app_context(), database.connection_context():
        before = db_fingerprint()
    visited = 0
    for rule in _rules(sec_app, {"GET"}):
        if rule.endpoint in SKIPPED_GET or rule.endpoint == "auth.logout":
            continue
        response = client.get(_url(rule, ids))
        assert response.status_code < 500, rule.rule
        visited += 1
    assert visited >= 60
    with sec_app.app_context(), database.connection_context():
        assert changed_tables(before, db_fingerprint()) == []


def test_csrf_login_form_needs_token(sec_app, world, client_as):
    """Login CSRF (logging the victim into the attacker's account) is refused too."""
    client = client_as()
    response = client.post("/dang-nhap", data={"username": world.users["editor"].username,
                                               "password": "mat-khau-Bao-mat-1"})
    assert response.status_code == 400
    assert client.get("/admin/").status_code == 302


# --- session fixation ---------------------------------------------------------------------------------

def _session_cookie(client):
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def test_session_fixation_cookie_and_token_change_at_login(sec_app, world, client_as):
    client = client_as()
    page = text_of(client.get("/dang-nhap"))
    before_cookie, before_token = _session_cookie(client), csrf_from(page)
    assert before_cookie
    response = client.post("/dang-nhap", data={"csrf_token": before_token, "password": "mat-khau-Bao-mat-1",
                                               "username": world.users["editor"].username})
    assert response.status_code == 302
    assert _session_cookie(client) != before_cookie
    assert token(client) != before_token  # the pre-login token is worthless afterwards


def test_session_fixation_planted_cookie_grants_nothing(sec_app, world, client_as):
    """An attacker plants its own pre-login session in the victim's browser; the victim logs in;
    the attacker's copy of that session is still anonymous."""
    attacker = client_as()
    attacker.get("/dang-nhap")
    planted = _session_cookie(attacker)
    victim = client_as()
    victim.set_cookie("session", planted, domain="localhost")
    assert login(victim, world.users["admin"].username).status_code == 302
    assert victim.get("/admin/user/").status_code == 200
    assert _session_cookie(victim) != planted
    response = attacker.get("/admin/user/")
    assert response.status_code == 302 and "/dang-nhap" in location_of(response)


def test_session_forged_cookie_grants_nothing(sec_app, world, client_as):
    """A session cookie signed with another key (a made-up _user_id) is ignored."""
    from flask.sessions import SecureCookieSessionInterface
    from itsdangerous import URLSafeTimedSerializer
    interface = SecureCookieSessionInterface()
    signer = {"key_derivation": "hmac", "digest_method": interface.digest_method}
    forged = URLSafeTimedSerializer("not-the-secret", salt=interface.salt, serializer=interface.serializer,
                                    signer_kwargs=signer).dumps({"_user_id": f"{world.users['admin'].id}:x"})
    client = client_as()
    client.set_cookie("session", forged, domain="localhost")
    response = client.get("/admin/user/")
    assert response.status_code == 302 and "/dang-nhap" in location_of(response)


def test_session_stolen_cookie_refused_from_another_address(sec_app, world, client_as):
    """Flask-Login's strong protection: a session copied to another address and browser is dropped."""
    victim = client_as("admin")
    stolen = _session_cookie(victim)
    thief = sec_app.test_client()
    thief.environ_base.update({"REMOTE_ADDR": "198.51.100.7", "HTTP_USER_AGENT": "ThiefBrowser/1.0"})
    thief.set_cookie("session", stolen, domain="localhost")
    response = thief.get("/admin/user/")
    assert response.status_code == 302 and "/dang-nhap" in location_of(response)


def test_session_password_change_ends_other_sessions(sec_app, world, client_as):
    from cms.accounts import User
    first, second = client_as("staff2"), client_as("staff2")
    response = first.post("/admin/doi-mat-khau", data={
        "csrf_token": token(first, "/admin/doi-mat-khau"), "current": "mat-khau-Bao-mat-1",
        "new": "mat-khau-Bao-mat-1", "confirm": "mat-khau-Bao-mat-1"})
    assert response.status_code == 302
    assert first.get("/admin/").status_code == 200
    assert second.get("/admin/").status_code == 302
    with sec_app.app_context(), database.connection_context():
        assert User.get_by_id(world.users["staff2"].id).check_password("mat-khau-Bao-mat-1")


# --- open redirects -------------------------------------------------------------------------------------

REDIRECT_TARGETS = [
    ("absolute", "http://evil.example/"),
    ("https", "https://evil.example/admin/"),
    ("protocol-relative", "//evil.example/"),
    ("triple-slash", "///evil.example/"),
    ("backslash", "/\\evil.example/"),
    ("double-backslash", "\\\\evil.example/"),
    ("scheme-no-slash", "https:evil.example"),
    ("http-one-slash", "http:/evil.example"),
    ("tab", "/\t/evil.example/"),
    ("newline", "/\n/evil.example/"),
    ("encoded", "%2F%2Fevil.example/"),
    ("javascript", "javascript:alert(document.cookie)"),
    ("data", "data:text/html,<script>alert(1)</script>"),
    ("userinfo", "http://localhost@evil.example/"),
    ("spaces", " //evil.example/"),
]
REDIRECT_IDS = [name for name, _ in REDIRECT_TARGETS]


def _assert_stays(response, target):
    assert response.status_code in (200, 302, 303, 400), response.status_code
    where = location_of(response)
    assert not is_offsite(where), (target, where)


@pytest.mark.parametrize("target", [t for _, t in REDIRECT_TARGETS], ids=REDIRECT_IDS)
def test_redirect_login_next_stays_on_site(sec_app, world, client_as, target):
    client = client_as()
    response = login(client, world.users["editor"].username, next_url=target)
    assert response.status_code == 302
    _assert_stays(response, target)
    _assert_stays(client.get("/dang-nhap", query_string={"next": target}), target)  # already logged in


@pytest.mark.parametrize("target", [t for _, t in REDIRECT_TARGETS], ids=REDIRECT_IDS)
def test_redirect_follow_up_back_stays_on_site(sec_app, world, ids, client_as, target):
    client = client_as("admin")
    response = client.post(f"/admin/visit/follow-up/status/{ids['args']['item_id']}", data={
        "csrf_token": token(client), "status": "open", "back": target})
    assert response.status_code == 302
    _assert_stays(response, target)


@pytest.mark.parametrize("target", [t for _, t in REDIRECT_TARGETS], ids=REDIRECT_IDS)
def test_redirect_admin_return_url_stays_on_site(sec_app, world, ids, client_as, target):
    """Flask-Admin's `url` return target, on a form post and on a refused delete."""
    client = client_as("admin")
    tag_id = ids["rows"]["tag"]
    response = client.post(f"/admin/tag/edit/?id={tag_id}&url={target}", data={
        "csrf_token": token(client), "name": "Đảng viên", "slug": "dang-vien"})
    assert response.status_code == 302
    _assert_stays(response, target)
    response = client.post("/admin/category/delete/", data={
        "csrf_token": token(client), "id": str(ids["rows"]["category"]), "url": target})
    _assert_stays(response, target)
