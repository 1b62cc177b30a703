"""Password guessing is stopped without letting anyone lock out an office or a named account.

The rules (admin/auth.py), over 15 minutes of failures: 5 for one name from one address lock that
pair; 30 from one address lock the address; 50 for one name from anywhere lock it from addresses
it has not logged in from. Every test uses its own addresses; failures are cleared after each.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from seckit import PASSWORD, login, text_of

from cms.db import database
from cms.timeutil import utcnow

LOCKED = "Đăng nhập sai quá nhiều lần"
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."


@pytest.fixture(autouse=True)
def _forget_failures(sec_app, world):
    yield
    from admin.auth import LoginAttempt
    with sec_app.app_context(), database.connection_context():
        LoginAttempt.delete().where(LoginAttempt.success == False).execute()  # noqa: E712


def _try(sec_app, username, password, ip):
    return login(sec_app.test_client(), username, password, ip=ip)


def _fail(sec_app, username, ip, times=1):
    for n in range(times):
        response = _try(sec_app, username, f"doan-sai-{n}", ip)
        assert response.status_code == 401, (username, ip, n)
        assert WRONG in text_of(response)


def test_lockout_typos_of_a_wrong_name_do_not_lock_the_office(sec_app, world):
    """One person behind the office's NAT types a name that is no account, again and again."""
    office = "10.40.0.1"
    _fail(sec_app, "nguyenvan-khongco", office, times=5)
    _fail(sec_app, "nguyen van an", office, times=5)
    for key in ("editor", "field_a", "leader"):  # everyone else at the office still logs in
        assert _try(sec_app, world.users[key].username, PASSWORD, office).status_code == 302, key


def test_lockout_a_wrong_name_cannot_lock_a_real_account(sec_app, world):
    """Names that are not the account (another case, a letter more) count against the address only."""
    real, ip = world.users["staff2"].username, "10.40.1.1"
    for wrong in (real.upper(), real + "x", "x" + real):
        _fail(sec_app, wrong, ip, times=5)
    assert _try(sec_app, real, PASSWORD, ip).status_code == 302  # even from the same address


def test_lockout_answers_the_same_for_a_name_that_is_no_account(sec_app, world):
    """A lock is no oracle: a made-up name is locked like a real one, with the same message."""
    answers = []
    for name, ip in ((world.users["editor"].username, "10.40.2.1"), ("khong-co-ai", "10.40.2.2")):
        _fail(sec_app, name, ip, times=5)
        response = _try(sec_app, name, "doan-tiep", ip)
        answers.append((response.status_code, text_of(response).split("Vui lòng thử lại sau")[0][-120:]))
    assert answers[0] == answers[1] and answers[0][0] == 429


def test_lockout_another_address_cannot_lock_a_named_account_for_its_owner(sec_app, world):
    """Guesses from many addresses, up to the per-account limit, leave the owner free everywhere."""
    name = world.users["field_b"].username
    for n in range(49):  # 10 addresses, 5 (the pair limit) or fewer each
        _fail(sec_app, name, f"10.40.3.{n // 5 + 1}")
    assert _try(sec_app, name, "doan-tiep", "10.40.3.1").status_code == 429  # the guesser's pair
    assert _try(sec_app, name, PASSWORD, "10.40.9.9").status_code == 302  # the owner, elsewhere


def test_lockout_past_the_account_limit_the_owner_keeps_their_usual_address(sec_app, world):
    name, usual = world.users["leader"].username, "10.40.4.200"
    assert _try(sec_app, name, PASSWORD, usual).status_code == 302  # has logged in from there before
    for n in range(50):
        _fail(sec_app, name, f"10.40.5.{n // 5 + 1}")
    response = _try(sec_app, name, PASSWORD, "10.40.6.1")  # an address it never logged in from
    assert response.status_code == 429 and "từ nhiều nơi" in text_of(response)
    assert _try(sec_app, name, PASSWORD, usual).status_code == 302


def test_lockout_per_pair_lock_still_applies(sec_app, world):
    name, ip = world.users["admin"].username, "10.40.7.1"
    _fail(sec_app, name, ip, times=4)
    _fail(sec_app, name, ip)  # the fifth
    response = _try(sec_app, name, PASSWORD, ip)  # even the right password
    assert response.status_code == 429 and LOCKED in text_of(response)
    assert _try(sec_app, name, PASSWORD, "10.40.7.2").status_code == 302  # the owner elsewhere


def test_lockout_one_address_across_accounts_is_limited_too(sec_app, world):
    ip = "10.40.8.1"
    for n in range(30):
        _fail(sec_app, f"doan-ten-{n}", ip)
    assert _try(sec_app, world.users["staff"].username, PASSWORD, ip).status_code == 429
    assert _try(sec_app, world.users["staff"].username, PASSWORD, "10.40.8.2").status_code == 302


def test_lockout_message_says_when_to_try_again_in_local_time(sec_app, world):
    from admin.auth import LoginAttempt
    name, ip = world.users["editor"].username, "10.40.10.1"
    _fail(sec_app, name, ip, times=5)
    first = (utcnow() - timedelta(minutes=5)).replace(second=0, microsecond=0)
    with sec_app.app_context(), database.connection_context():
        LoginAttempt.update(created_at=first).where(LoginAttempt.ip_address == ip).execute()
    response = _try(sec_app, name, PASSWORD, ip)
    assert response.status_code == 429
    until = (first + timedelta(minutes=15)).replace(tzinfo=ZoneInfo("UTC"))
    local = until.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    page = text_of(response)
    assert f"Vui lòng thử lại sau {local:%H:%M}" in page, page
    assert "phút nữa" in page
