"""Login at /dang-nhap, logout at /dang-xuat, password change; Flask-Login over server-side sessions.

Lockout, counted over the last 15 minutes of failed logins (a try made while locked is not counted):
- 5 for one account name from one address lock that name from that address: one person's typos,
  or one guesser, and nobody else is affected;
- 30 from one address, whatever the names, lock that address: an office behind one NAT survives
  several people's bad mornings (a login forgives that person's own failures), a guesser there
  gets at most 30 tries in 15 minutes across all accounts;
- 50 for one account name from any number of addresses lock that name from addresses it has never
  logged in from (in 30 days): distributed guessing is slowed, while its owner still logs in from
  their usual places.
The rules count names, whether or not they are accounts: a name that is no account locks no one
(only its guesser's address fills up), and no answer tells an account from a name that is none.
The message says when to try again. Sessions: admin.sessions.
"""

import math
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, login_required, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from peewee import BooleanField, CharField, DateTimeField
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from cms import audit
from cms.accounts import User, login_allowed
from cms.db import database
from cms.migrations import register
from cms.models import BaseModel
from cms.text import nfc
from cms.timeutil import to_local, utcnow

from . import sessions

FAILURE_WINDOW = timedelta(minutes=15)
PAIR_LIMIT = 5  # one name from one address
ADDRESS_LIMIT = 30  # one address, any names
ACCOUNT_LIMIT = 50  # one name, any addresses except those it logged in from lately
KNOWN_ADDRESS_AGE = timedelta(days=30)
LOCK_REASONS = {
    "pair": "với tài khoản này từ địa chỉ của bạn",
    "address": "từ địa chỉ của bạn",
    "account": "với tài khoản này từ nhiều nơi",
}

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
login_manager.login_message_category = "warning"
login_manager.session_protection = "strong"


class LoginAttempt(BaseModel):
    username = CharField(max_length=80, index=True)
    ip_address = CharField(max_length=64, index=True)
    success = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        table_name = "login_attempt"


register("0105_login_attempts", lambda db: db.create_tables([LoginAttempt], safe=True))


login_manager.user_loader(sessions.load)


def is_safe_next(target):
    """Only local paths: '/admin/...' yes; 'http://x', '//x', '/\\x', 'javascript:' no."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    parts = urlsplit(target.replace("\\", "/"))
    return not parts.scheme and not parts.netloc and all(ord(ch) > 31 for ch in target)


def _lock(username, ip_address, now):
    """(reason, until) of the lock that lasts longest for this name from this address, or None.
    A rule locks while it has `limit` failures in the window, so until the limit-th most recent
    one leaves it."""
    failed = (LoginAttempt.success == False) & (LoginAttempt.created_at >= now - FAILURE_WINDOW)  # noqa: E712
    same_name, same_address = LoginAttempt.username == username, LoginAttempt.ip_address == ip_address
    found = None
    for reason, limit, condition in (("pair", PAIR_LIMIT, same_name & same_address),
                                     ("address", ADDRESS_LIMIT, same_address),
                                     ("account", ACCOUNT_LIMIT, same_name)):
        limit_th = (LoginAttempt.select(LoginAttempt.created_at).where(failed & condition)
                    .order_by(LoginAttempt.created_at.desc()).offset(limit - 1).limit(1).scalar())
        if limit_th is None or (found and limit_th + FAILURE_WINDOW <= found[1]):
            continue
        if reason == "account" and LoginAttempt.select().where(
                (LoginAttempt.success == True) & same_name & same_address  # noqa: E712
                & (LoginAttempt.created_at >= now - KNOWN_ADDRESS_AGE)).exists():
            continue  # the owner's usual address: only the pair and address limits apply there
        found = (reason, limit_th + FAILURE_WINDOW)
    return found


def _count_failure(action, username, ip_address, user, actor):
    """A wrong password, counted towards the lockout and audited."""
    with database.atomic():
        LoginAttempt.create(username=username, ip_address=ip_address)
        audit.record(action, "user", user, label=username, actor=actor)


def _lock_message(reason, until, now):
    """When to try again: the local time the lock ends, rounded up to the minute, and how soon."""
    at = to_local(until)
    if at.second or at.microsecond:
        at = at.replace(second=0, microsecond=0) + timedelta(minutes=1)
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return (f"Đăng nhập sai quá nhiều lần {LOCK_REASONS[reason]}. Vui lòng thử lại sau "
            f"{at:%H:%M} (khoảng {minutes} phút nữa).")


class LoginForm(FlaskForm):
    username = StringField("Tên đăng nhập", validators=[
        DataRequired("Vui lòng nhập tên đăng nhập."),
        Length(max=80, message="Tên đăng nhập không dài quá 80 ký tự.")])  # the column's size
    password = PasswordField("Mật khẩu", validators=[DataRequired("Vui lòng nhập mật khẩu.")])


class PasswordChangeForm(FlaskForm):
    current = PasswordField("Mật khẩu hiện tại",
                            validators=[DataRequired("Vui lòng nhập mật khẩu hiện tại.")])
    new = PasswordField("Mật khẩu mới", validators=[
        DataRequired("Vui lòng nhập mật khẩu mới."),
        Length(min=8, message="Mật khẩu mới cần ít nhất 8 ký tự.")])
    confirm = PasswordField("Nhập lại mật khẩu mới", validators=[
        EqualTo("new", message="Hai lần nhập mật khẩu mới không khớp.")])


@bp.route("/dang-nhap", methods=["GET", "POST"])
def login():
    next_url = request.values.get("next", "")
    if not is_safe_next(next_url):
        next_url = ""
    if current_user.is_authenticated:
        return redirect(next_url or url_for("admin.index"))
    form = LoginForm()
    if form.validate_on_submit():
        username = nfc(form.username.data).strip()  # as accounts store it (one name, however typed)
        ip_address = request.remote_addr or ""
        now = utcnow()
        lock = _lock(username, ip_address, now)
        if lock:
            form.form_errors.append(_lock_message(*lock, now))
            return render_template("auth/login.html", form=form, next_url=next_url), 429
        user = User.get_or_none(User.username == username)
        if not login_allowed(user, form.password.data):
            _count_failure("login_failed", username, ip_address, user, actor=None)
            form.form_errors.append("Tên đăng nhập hoặc mật khẩu không đúng.")
            return render_template("auth/login.html", form=form, next_url=next_url), 401
        with database.atomic():
            # Only this person's own typos are forgiven (this name, this address): a login must not
            # reset guesses made at another account, nor at this one from elsewhere.
            LoginAttempt.delete().where((LoginAttempt.username == username)
                                        & (LoginAttempt.ip_address == ip_address)
                                        & (LoginAttempt.success == False)).execute()  # noqa: E712
            LoginAttempt.create(username=username, ip_address=ip_address, success=True)
            audit.record("login", "user", user, actor=user)
            sessions.begin(user)  # a fresh cookie: nothing from before survives (fixation)
        return redirect(next_url or url_for("admin.index"))
    return render_template("auth/login.html", form=form, next_url=next_url)


@bp.route("/dang-xuat", methods=["GET", "POST"])
def logout():
    """POST ends this session on the server; with `everywhere`, every session of the account."""
    if request.method == "GET":
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login"))
        return render_template("auth/logout.html", form=FlaskForm())
    message = "Bạn đã đăng xuất."
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        with database.atomic():
            if request.form.get("everywhere"):
                count = sessions.end_everywhere(user)
                audit.record("logout_all", "user", user, details={"số phiên kết thúc": count})
                message = "Bạn đã đăng xuất khỏi mọi nơi: mọi phiên đăng nhập của tài khoản đã kết thúc."
            else:
                sessions.end(user)
                audit.record("logout", "user", user)
    logout_user()
    session.clear()
    flash(message, "info")
    return redirect(url_for("auth.login"))


@bp.route("/admin/doi-mat-khau", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = User.get_by_id(current_user.id)
        # The current password is a guess like a login's (by whoever sits at an open session), and
        # counts against the same limits.
        ip_address, now = request.remote_addr or "", utcnow()
        lock = _lock(user.username, ip_address, now)
        if lock:
            form.current.errors.append(_lock_message(*lock, now))
            return render_template("auth/password.html", form=form), 429
        if not user.check_password(form.current.data):
            _count_failure("password_failed", user.username, ip_address, user, actor=user)
            form.current.errors.append("Mật khẩu hiện tại không đúng.")
        else:
            with database.atomic():
                user.set_password(form.new.data)  # new session token: every session begun before ends
                user.save()
                audit.record("password", "user", user, actor=user)
                sessions.begin(user)  # this browser goes on in a new session
            flash("Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc.", "success")
            return redirect(url_for("admin.index"))
    return render_template("auth/password.html", form=form)


def init_app(app):
    login_manager.init_app(app)
    app.register_blueprint(bp)

    @app.errorhandler(403)
    def forbidden(error):
        return render_template("errors/403.html"), 403

    @app.errorhandler(CSRFError)
    def csrf_refused(error):
        return render_template("errors/400.html", reason="Biểu mẫu đã hết hạn hoặc thiếu mã bảo vệ "
                               "(CSRF); vui lòng tải lại trang rồi thử lại."), 400

    @app.errorhandler(413)
    def too_large(error):
        return render_template("errors/413.html"), 413
