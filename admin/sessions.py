"""Server-side back-office sessions: each login is a row, the signed cookie carries only its key.

A session is accepted while its row exists and is not revoked, its account is active and has not
changed its password since (the account's session token is copied into the row at login), it has
seen a request within CMS_SESSION_IDLE_MINUTES, and it began less than CMS_SESSION_MAX_HOURS ago.
Logout revokes the row, so a copy of the cookie opens nothing afterwards; "đăng xuất khỏi mọi nơi"
revokes every row of the account. The table keeps a hash of the key, not the key: a copy of the
database (a backup) opens no session.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, flash, request, session
from flask_login import login_user
from peewee import CharField, DateTimeField, ForeignKeyField

from cms.accounts import User
from cms.migrations import register
from cms.models import BaseModel
from cms.timeutil import utcnow

# "Last seen" is written at most this often per session: not a write on every request.
TOUCH_EVERY = timedelta(minutes=1)

ENDED = "Phiên đăng nhập đã kết thúc. Vui lòng đăng nhập lại."
IDLE = "Phiên làm việc đã hết hạn vì quá {minutes} phút không thao tác. Vui lòng đăng nhập lại."
TOO_OLD = "Phiên làm việc đã quá {hours} giờ kể từ khi đăng nhập. Vui lòng đăng nhập lại."


class LoginSession(BaseModel):
    key_hash = CharField(max_length=64, unique=True)
    user = ForeignKeyField(User, backref="login_sessions", on_delete="CASCADE")
    account_token = CharField(max_length=64)  # User.session_token at login
    ip_address = CharField(max_length=64, default="")
    user_agent = CharField(max_length=200, default="")
    created_at = DateTimeField(default=utcnow, index=True)
    last_seen_at = DateTimeField(default=utcnow)
    revoked_at = DateTimeField(null=True)

    class Meta:
        table_name = "login_session"


register("0106_login_sessions", lambda db: db.create_tables([LoginSession], safe=True))


def _hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


def _limits():
    config = current_app.config
    return (timedelta(minutes=int(config.get("CMS_SESSION_IDLE_MINUTES", 60))),
            timedelta(hours=int(config.get("CMS_SESSION_MAX_HOURS", 12))))


def begin(user):
    """Log `user` in to a new server-side session, in a fresh cookie (nothing from before survives)."""
    key = secrets.token_urlsafe(32)
    now = utcnow()
    _idle, max_age = _limits()
    LoginSession.delete().where(LoginSession.created_at < now - max_age).execute()  # can never be valid
    LoginSession.create(key_hash=_hash(key), user=user, account_token=user.session_token,
                        ip_address=(request.remote_addr or "")[:64],
                        user_agent=request.headers.get("User-Agent", "")[:200],
                        created_at=now, last_seen_at=now)
    session.clear()
    user.session_key = key
    login_user(user)


def _refusal(record, now):
    """Why this session no longer opens anything (a message for its user), or None if it still does."""
    idle, max_age = _limits()
    user = record.user
    if record.revoked_at is not None or not user.active or record.account_token != user.session_token:
        return ENDED
    if now - record.created_at >= max_age:
        return TOO_OLD.format(hours=int(max_age.total_seconds() // 3600))
    if now - record.last_seen_at >= idle:
        return IDLE.format(minutes=int(idle.total_seconds() // 60))
    return None


def load(key):
    """Flask-Login's user loader: the session's account, or None (and the cookie forgets it)."""
    record = None
    if key and len(key) <= 100:
        record = (LoginSession.select(LoginSession, User).join(User)
                  .where(LoginSession.key_hash == _hash(key)).first())
    now = utcnow()
    refusal = _refusal(record, now) if record is not None else ENDED
    if refusal:
        session.pop("_user_id", None)
        session.pop("_fresh", None)
        flash(refusal, "warning")
        return None
    if now - record.last_seen_at >= TOUCH_EVERY:
        LoginSession.update(last_seen_at=now).where(LoginSession.id == record.id).execute()
    user = record.user
    user.session_key = key
    return user


def end(user):
    """Revoke the session this request runs under."""
    if user.session_key:
        LoginSession.update(revoked_at=utcnow()).where(
            (LoginSession.key_hash == _hash(user.session_key)) & LoginSession.revoked_at.is_null()).execute()


def end_everywhere(user):
    """Revoke every session of the account, this one included; returns how many were open."""
    return LoginSession.update(revoked_at=utcnow()).where(
        (LoginSession.user == user.id) & LoginSession.revoked_at.is_null()).execute()
