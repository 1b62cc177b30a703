"""Login, lockout, the `next` redirect, CSRF, logout, password change and the session cookie."""

from datetime import timedelta

import pytest
from backoffice import (
    PASSWORD,
    admin_token,
    csrf_from,
    is_login_redirect,
    location,
    login,
    next_of,
    text_of,
)

import admin.auth
from admin.auth import LoginAttempt
from cms.accounts import User
from cms.audit import AuditEntry
from cms.models import Article, Category

LOCKED = "Đăng nhập sai quá nhiều lần"
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."


def logged_in(client):
    return client.get("/admin/").status_code == 200


def later(monkeypatch, minutes):
    """Move the clock the lockout window is measured with."""
    real = admin.auth.utcnow
    monkeypatch.setattr(admin.auth, "utcnow", lambda: real() + timedelta(minutes=minutes))


# --- login -----------------------------------------------------------------------------------------

def test_login_with_the_right_password_opens_the_back_office(app, users):
    client = app.test_client()
    response = login(client, "bientap")
    assert response.status_code == 302 and location(response) == "/admin/"
    page = text_of(client.get("/admin/"))
    assert "Tổng quan" in page and "Trần Thị Biên" in page
    entry = AuditEntry.get(AuditEntry.action == "login")
    assert entry.actor_id == users["editor"].id


def test_wrong_password_is_refused_in_vietnamese_and_recorded(app, users):
    client = app.test_client()
    response = login(client, "bientap", "sai-mat-khau")
    assert response.status_code == 401
    assert WRONG in text_of(response)
    assert not logged_in(client)
    failed = AuditEntry.get(AuditEntry.action == "login_failed")
    assert failed.object_label == "bientap" and failed.actor_id is None


def test_an_inactive_account_cannot_log_in(app, users):
    User.update(active=False).where(User.username == "bientap").execute()
    client = app.test_client()
    assert login(client, "bientap").status_code == 401
    assert not logged_in(client)


def test_deactivating_an_account_ends_its_open_session(client_as, users):
    editor = client_as("editor")
    assert logged_in(editor)
    User.update(active=False).where(User.id == users["editor"].id).execute()
    assert is_login_redirect(editor.get("/admin/"))


# --- lockout -------------------------------------------------------------------------------------

def test_five_failures_for_one_account_from_one_address_lock_that_pair(app, users, monkeypatch):
    attacker = app.test_client()
    for n in range(5):
        response = login(attacker, "bientap", f"doan-sai-{n}", ip="203.0.113.1")
        assert response.status_code == 401
    response = login(attacker, "bientap", PASSWORD, ip="203.0.113.1")  # the right password, 6th try
    assert response.status_code == 429
    page = text_of(response)
    assert LOCKED in page and "Vui lòng thử lại sau" in page
    assert not logged_in(attacker)
    assert not AuditEntry.select().where(AuditEntry.action == "login").exists()
    # Other accounts from that address, and the owner from another address, are not affected.
    assert login(app.test_client(), "quantri", ip="203.0.113.1").status_code == 302
    owner = app.test_client()
    assert login(owner, "bientap", PASSWORD, ip="198.51.100.7").status_code == 302
    # Once the 15-minute window has passed, the right password works from there again.
    later(monkeypatch, 16)
    assert login(attacker, "bientap", PASSWORD, ip="203.0.113.1").status_code == 302
    assert logged_in(attacker)


def test_fifty_failures_from_many_addresses_lock_an_account_only_where_it_never_logged_in(app, users):
    assert login(app.test_client(), "bientap", ip="198.51.100.7").status_code == 302  # the owner's office
    for n in range(50):  # ten addresses, five each
        response = login(app.test_client(), "bientap", "doan-sai", ip=f"203.0.113.{n // 5 + 1}")
        assert response.status_code == 401
    response = login(app.test_client(), "bientap", PASSWORD, ip="192.0.2.200")
    assert response.status_code == 429 and LOCKED in text_of(response)
    owner = app.test_client()
    assert login(owner, "bientap", PASSWORD, ip="198.51.100.7").status_code == 302
    assert logged_in(owner)


def test_thirty_failures_from_one_address_lock_that_address_for_every_account(app, users):
    client = app.test_client()
    for n in range(30):
        assert login(client, f"khong-co-{n}", "doan-sai", ip="192.0.2.50").status_code == 401
    response = login(client, "chuyenvien", PASSWORD, ip="192.0.2.50")
    assert response.status_code == 429 and LOCKED in text_of(response)
    assert not logged_in(client)
    # The same account from another address is fine: the address was locked, not the account.
    elsewhere = app.test_client()
    assert login(elsewhere, "chuyenvien", PASSWORD, ip="192.0.2.99").status_code == 302
    assert logged_in(elsewhere)


def test_four_failures_do_not_lock(app, users):
    client = app.test_client()
    for n in range(4):
        assert login(client, "bientap", f"sai-{n}").status_code == 401
    assert login(client, "bientap").status_code == 302
    assert logged_in(client)


def test_failures_older_than_fifteen_minutes_do_not_count(app, users, monkeypatch):
    client = app.test_client()
    for n in range(4):
        assert login(client, "bientap", f"sai-{n}").status_code == 401
    later(monkeypatch, 16)
    assert login(client, "bientap", "sai-nua").status_code == 401  # 1 recent failure, not 5
    assert login(client, "bientap").status_code == 302


def test_another_accounts_login_from_the_same_address_does_not_reset_a_lockout(app, users):
    attacker = app.test_client()
    for n in range(4):
        assert login(attacker, "bientap", f"doan-{n}", ip="203.0.113.9").status_code == 401
    # The attacker logs in to an account they do own, from the same address...
    assert login(app.test_client(), "chuyenvien", PASSWORD, ip="203.0.113.9").status_code == 302
    # ...and one more guess at the editor's password makes five failures within 15 minutes.
    assert login(attacker, "bientap", "doan-4", ip="203.0.113.9").status_code == 401
    response = login(app.test_client(), "bientap", PASSWORD, ip="203.0.113.9")
    assert response.status_code == 429


# --- next --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("wanted", "lands_on"), [
    ("/admin/article/", "/admin/article/"),
    ("/admin/article/?search=uy+ban", "/admin/article/?search=uy+ban"),
    ("http://evil.example", "/admin/"),
    ("https://evil.example/admin/", "/admin/"),
    ("//evil.example", "/admin/"),
    ("//evil.example/admin/", "/admin/"),
    ("/\\evil.example", "/admin/"),
    ("\\\\evil.example", "/admin/"),
    ("javascript:alert(1)", "/admin/"),
    ("/\t/evil.example", "/admin/"),
    ("", "/admin/"),
])
def test_next_accepts_local_paths_only(app, users, wanted, lands_on):
    client = app.test_client()
    response = login(client, "bientap", next_url=wanted)
    assert response.status_code == 302
    assert response.headers["Location"] == lands_on
    # The same when the address comes in the query string of the login page.
    again = app.test_client()
    page = text_of(again.get("/dang-nhap", query_string={"next": wanted}))
    response = again.post("/dang-nhap", query_string={"next": wanted},
                          data={"csrf_token": csrf_from(page), "username": "bientap", "password": PASSWORD})
    assert response.headers["Location"] == lands_on


def test_a_logged_in_user_visiting_the_login_page_is_not_sent_away(client_as):
    editor = client_as("editor")
    assert editor.get("/dang-nhap?next=//evil.example").headers["Location"] == "/admin/"
    assert editor.get("/dang-nhap?next=/admin/tag/").headers["Location"] == "/admin/tag/"


def test_anonymous_visitor_comes_back_to_the_page_asked_for_after_logging_in(app, users):
    client = app.test_client()
    response = client.get("/admin/article/?search=uy")
    assert is_login_redirect(response)
    wanted = next_of(response)
    assert wanted == "/admin/article/?search=uy"
    page = text_of(client.get(location(response)))
    response = client.post(location(response), data={"csrf_token": csrf_from(page), "username": "bientap",
                                                      "password": PASSWORD, "next": wanted})
    assert response.headers["Location"] == wanted


# --- CSRF --------------------------------------------------------------------------------------------

def test_admin_create_without_csrf_token_is_refused_and_creates_nothing(client_as):
    editor = client_as("editor")
    response = editor.post("/admin/category/new/", data={"name": "Chuyên mục lậu", "slug": ""})
    assert response.status_code == 400
    assert "mã bảo vệ" in text_of(response)
    response = editor.post("/admin/category/new/", data={"name": "Chuyên mục lậu", "csrf_token": "gia-mao"})
    assert response.status_code == 400
    assert not Category.select().where(Category.name == "Chuyên mục lậu").exists()


def test_workflow_step_without_csrf_token_is_refused(client_as, world):
    editor = client_as("editor")
    response = editor.post(f"/admin/article/transition/{world.pending.id}", data={"name": "publish"})
    assert response.status_code == 400
    assert Article.get_by_id(world.pending.id).status == Article.PENDING


def test_login_without_csrf_token_is_refused_and_logs_nobody_in(app, users):
    client = app.test_client()
    client.get("/dang-nhap")
    response = client.post("/dang-nhap", data={"username": "bientap", "password": PASSWORD})
    assert response.status_code == 400
    assert "mã bảo vệ" in text_of(response)
    assert not logged_in(client)
    assert LoginAttempt.select().count() == 0
    assert AuditEntry.select().count() == 0


def test_a_token_from_another_session_is_refused(app, users):
    other = app.test_client()
    stolen = csrf_from(text_of(other.get("/dang-nhap")))
    victim = app.test_client()
    victim.get("/dang-nhap")
    response = victim.post("/dang-nhap", data={"csrf_token": stolen, "username": "bientap",
                                               "password": PASSWORD})
    assert response.status_code == 400
    assert not logged_in(victim)


# --- logout ------------------------------------------------------------------------------------------

def test_logout_is_a_post_a_get_only_asks(client_as):
    editor = client_as("editor")
    page = editor.get("/dang-xuat")
    assert page.status_code == 200 and "Bạn muốn kết thúc phiên làm việc?" in text_of(page)
    assert logged_in(editor)  # a link or an <img src="/dang-xuat"> does not log anyone out
    assert editor.post("/dang-xuat").status_code == 400  # no token: refused
    assert logged_in(editor)
    response = editor.post("/dang-xuat", data={"csrf_token": csrf_from(text_of(page))})
    assert is_login_redirect(response)
    assert "Bạn đã đăng xuất." in text_of(editor.get("/dang-nhap"))
    assert is_login_redirect(editor.get("/admin/"))
    assert AuditEntry.select().where(AuditEntry.action == "logout").count() == 1


def test_the_admin_logout_button_logs_out(client_as):
    editor = client_as("editor")
    page = text_of(editor.get("/admin/"))
    assert 'action="/dang-xuat"' in page
    editor.post("/dang-xuat", data={"csrf_token": csrf_from(page)})
    assert not logged_in(editor)


# --- password change ---------------------------------------------------------------------------------

def change_password(client, current, new, confirm=None):
    page = text_of(client.get("/admin/doi-mat-khau"))
    return client.post("/admin/doi-mat-khau", data={
        "csrf_token": csrf_from(page), "current": current, "new": new,
        "confirm": new if confirm is None else confirm})


def test_password_change_ends_the_other_sessions_and_keeps_this_one(client_as, app):
    here, elsewhere = client_as("editor"), client_as("editor")
    assert logged_in(here) and logged_in(elsewhere)
    response = change_password(here, PASSWORD, "mat-khau-moi-2025")
    assert response.status_code == 302 and location(response) == "/admin/"
    page = text_of(here.get("/admin/"))
    assert "Đã đổi mật khẩu." in page
    assert is_login_redirect(elsewhere.get("/admin/"))
    assert is_login_redirect(elsewhere.get("/admin/article/"))
    assert login(app.test_client(), "bientap", PASSWORD).status_code == 401
    assert login(app.test_client(), "bientap", "mat-khau-moi-2025").status_code == 302
    assert AuditEntry.select().where(AuditEntry.action == "password").count() == 1


@pytest.mark.parametrize(("current", "new", "confirm", "message"), [
    ("sai-mat-khau", "mat-khau-moi-2025", None, "Mật khẩu hiện tại không đúng."),
    (PASSWORD, "ngan", None, "Mật khẩu mới cần ít nhất 8 ký tự."),
    (PASSWORD, "mat-khau-moi-2025", "mat-khau-khac-2025", "Hai lần nhập mật khẩu mới không khớp."),
])
def test_a_refused_password_change_changes_nothing(client_as, app, current, new, confirm, message):
    here, elsewhere = client_as("editor"), client_as("editor")
    response = change_password(here, current, new, confirm)
    assert response.status_code == 200 and message in text_of(response)
    assert logged_in(elsewhere)
    assert login(app.test_client(), "bientap", PASSWORD).status_code == 302


def test_admin_resetting_a_password_ends_that_users_sessions(client_as, users):
    staff, admin_client = client_as("staff"), client_as("admin")
    response = admin_client.post(f"/admin/user/edit/?id={users['staff'].id}", data={
        "csrf_token": admin_token(admin_client), "username": "chuyenvien", "full_name": "Phạm Thị Chuyên",
        "email": "", "role": "staff", "department": "", "active": "y", "new_password": "dat-lai-2025"})
    assert response.status_code == 302
    assert is_login_redirect(staff.get("/admin/"))
    assert logged_in(admin_client)


# --- the session cookie ------------------------------------------------------------------------------

def test_session_cookie_is_httponly_and_samesite_lax(app, users):
    response = login(app.test_client(), "bientap")
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies
    attributes = [part.strip().lower() for part in cookies[-1].split(";")]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes


def test_login_page_is_vietnamese_and_not_indexed(app):
    page = text_of(app.test_client().get("/dang-nhap"))
    assert "Đăng nhập hệ thống" in page and "Tên đăng nhập" in page and "Mật khẩu" in page
    assert '<meta name="robots" content="noindex">' in page

