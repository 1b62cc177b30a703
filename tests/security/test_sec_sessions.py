"""Sessions that can be ended: logout ends the session on the server (a copied cookie opens nothing
afterwards), "đăng xuất khỏi mọi nơi" ends every session of the account, and back-office sessions
end by themselves after an idle time and an absolute lifetime. Expiry is tested by moving the stored
timestamps, never by waiting."""

from datetime import timedelta

import pytest
from seckit import csrf_from, location_of, login, text_of, token

from cms.db import database
from cms.timeutil import utcnow

LOGIN_PATH = "/dang-nhap"


def _sessions_of(user):
    from admin.sessions import LoginSession
    return LoginSession.select().where(LoginSession.user == user.id)


def _opens_back_office(client):
    return client.get("/admin/").status_code == 200


def _sent_to_login(response):
    return response.status_code == 302 and location_of(response).split("?")[0].endswith(LOGIN_PATH)


def _copy_of(client, sec_app):
    """Another browser holding a copy of `client`'s session cookie (same address and browser name,
    so only the server can tell them apart)."""
    thief = sec_app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value, domain="localhost")
    return thief


def _logout(client, everywhere=False):
    data = {"csrf_token": token(client)}
    if everywhere:
        data["everywhere"] = "1"
    return client.post("/dang-xuat", data=data)


def _move(sec_app, user, **fields):
    """Set stored timestamps of every session of `user`."""
    from admin.sessions import LoginSession
    with sec_app.app_context(), database.connection_context():
        LoginSession.update(**fields).where(LoginSession.user == user.id).execute()


def test_session_copied_cookie_opens_nothing_after_logout(sec_app, world, client_as):
    victim = client_as("editor")
    thief = _copy_of(victim, sec_app)
    assert _opens_back_office(thief)  # a copy works while the session lives...
    assert _sent_to_login(_logout(victim))
    assert _sent_to_login(thief.get("/admin/"))  # ...and not once it was ended
    assert _sent_to_login(thief.get("/admin/article/"))
    assert thief.get("/admin/visit/").status_code == 302
    assert not _opens_back_office(victim)


def test_session_cookie_holds_a_random_key_and_the_database_only_its_hash(sec_app, world, client_as):
    """What the signed cookie carries is worth nothing without the cookie: the database (a backup)
    holds a hash of it, and that hash put in a correctly signed cookie opens nothing."""
    client = client_as("admin")
    serializer = sec_app.session_interface.get_signing_serializer(sec_app)
    data = serializer.loads(client.get_cookie("session").value)
    key = data["_user_id"]
    assert ":" not in key and len(key) >= 40  # not "<account id>:<token>": a random key
    with sec_app.app_context(), database.connection_context():
        stored = {row.key_hash for row in _sessions_of(world.users["admin"])}
    assert key not in stored and len(stored) >= 1
    forged = sec_app.test_client()
    for key_hash in stored:
        forged.set_cookie("session", serializer.dumps({**data, "_user_id": key_hash}), domain="localhost")
        assert _sent_to_login(forged.get("/admin/"))


def test_session_logout_everywhere_ends_every_session_of_the_account(sec_app, world, client_as):
    here, other_browser, colleague = client_as("leader"), client_as("leader"), client_as("staff")
    copy = _copy_of(other_browser, sec_app)
    assert all(_opens_back_office(c) for c in (here, other_browser, copy, colleague))
    response = _logout(here, everywhere=True)
    assert _sent_to_login(response)
    assert "Bạn đã đăng xuất khỏi mọi nơi" in text_of(here.get(LOGIN_PATH))
    for client in (here, other_browser, copy):
        assert _sent_to_login(client.get("/admin/"))
    assert _opens_back_office(colleague)  # another account's session is not touched
    again = sec_app.test_client()
    assert login(again, world.users["leader"].username).status_code == 302  # logging in again works
    assert _opens_back_office(again)
    with sec_app.app_context(), database.connection_context():
        from cms.audit import AuditEntry
        assert AuditEntry.select().where((AuditEntry.action == "logout_all")
                                         & (AuditEntry.actor == world.users["leader"].id)).count() == 1


@pytest.mark.parametrize("page", ["/dang-xuat", "/admin/doi-mat-khau"])
def test_session_logout_everywhere_is_offered_as_a_post_with_csrf(sec_app, world, client_as, page):
    client = client_as("staff2")
    html = text_of(client.get(page))
    assert "Đăng xuất khỏi mọi nơi" in html
    assert 'name="everywhere"' in html and 'action="/dang-xuat"' in html
    other = client_as("staff2")
    response = client.post("/dang-xuat", data={"everywhere": "1"})  # no token: refused, nothing ends
    assert response.status_code == 400
    assert _opens_back_office(client) and _opens_back_office(other)
    client.post("/dang-xuat", data={"everywhere": "1", "csrf_token": csrf_from(html)})
    assert not _opens_back_office(other)


def test_session_idle_for_too_long_ends_with_a_message(sec_app, world, client_as):
    client = client_as("field_a")
    assert _opens_back_office(client)
    _move(sec_app, world.users["field_a"], last_seen_at=utcnow() - timedelta(minutes=61))
    response = client.get("/admin/visit/")
    assert _sent_to_login(response)
    page = text_of(client.get(location_of(response)))
    assert "Phiên làm việc đã hết hạn vì quá 60 phút không thao tác" in page
    assert not _opens_back_office(client)  # it stays ended when the clock is put back
    _move(sec_app, world.users["field_a"], last_seen_at=utcnow())
    assert not _opens_back_office(client)


def test_session_activity_keeps_it_alive_and_last_seen_is_written_at_most_once_a_minute(
        sec_app, world, client_as):
    from admin.sessions import LoginSession
    user = world.users["field_b"]
    client = client_as("field_b")
    _move(sec_app, user, last_seen_at=utcnow() - timedelta(minutes=59))
    assert _opens_back_office(client)  # 59 idle minutes: still open, and now seen again
    with sec_app.app_context(), database.connection_context():
        seen = LoginSession.get(LoginSession.user == user.id).last_seen_at
    assert utcnow() - seen < timedelta(minutes=1)
    recently = utcnow() - timedelta(seconds=30)
    _move(sec_app, user, last_seen_at=recently)
    for _ in range(3):
        assert _opens_back_office(client)
    with sec_app.app_context(), database.connection_context():
        assert LoginSession.get(LoginSession.user == user.id).last_seen_at == recently  # no write


def test_session_older_than_the_absolute_lifetime_ends_even_when_busy(sec_app, world, client_as):
    client = client_as("editor")
    _move(sec_app, world.users["editor"], created_at=utcnow() - timedelta(hours=12, minutes=1),
          last_seen_at=utcnow())
    response = client.get("/admin/")
    assert _sent_to_login(response)
    assert "Phiên làm việc đã quá 12 giờ kể từ khi đăng nhập" in text_of(client.get(LOGIN_PATH))
    fresh = client_as("editor")  # a new login is a new session, with its own lifetime
    assert _opens_back_office(fresh)


def test_session_limits_come_from_the_settings(sec_app, world, client_as, monkeypatch):
    client = client_as("staff")
    monkeypatch.setitem(sec_app.config, "CMS_SESSION_IDLE_MINUTES", 5)
    _move(sec_app, world.users["staff"], last_seen_at=utcnow() - timedelta(minutes=6))
    assert _sent_to_login(client.get("/admin/"))
    assert "quá 5 phút không thao tác" in text_of(client.get(LOGIN_PATH))


@pytest.mark.parametrize(("name", "raw"), [("CMS_SESSION_IDLE_MINUTES", "abc"),
                                           ("CMS_SESSION_MAX_HOURS", "0")])
def test_session_bad_limit_setting_refused_at_start(monkeypatch, tmp_path, name, raw):
    from cms.config import load_settings
    monkeypatch.setenv(name, raw)
    with pytest.raises(ValueError, match=name):
        load_settings({"CMS_DATA_DIR": tmp_path, "SECRET_KEY": "x"})


def test_session_reading_the_public_site_sets_no_cookie(sec_app, world, client_as):
    """The page cache answers readers without a session cookie: public pages must not hand one out."""
    reader = client_as()
    for path in ("/", "/chuyen-muc/xay-dung-dang", "/tim-kiem?q=đảng"):
        response = reader.get(path)
        assert response.status_code == 200
        assert not response.headers.getlist("Set-Cookie"), path
