"""Accounts of the back office: users, roles, password hashing."""

import secrets

from peewee import BooleanField, CharField, DateTimeField
from werkzeug.security import check_password_hash, generate_password_hash

from .migrations import register
from .models import BaseModel
from .roles import ROLE_NAMES, ROLES
from .text import nfc
from .timeutil import utcnow


class User(BaseModel):
    username = CharField(max_length=80, unique=True)
    full_name = CharField(max_length=200, default="")
    email = CharField(max_length=200, default="")
    role = CharField(max_length=20, choices=ROLES, default="staff")
    department = CharField(max_length=200, default="")
    active = BooleanField(default=True)
    password_hash = CharField(max_length=300)
    # Copied into each login session (admin.sessions); a new one (on a password change) ends every
    # session begun before it.
    session_token = CharField(max_length=64, default=lambda: secrets.token_hex(16))
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "app_user"

    def __str__(self):
        return self.full_name or self.username

    @property
    def shown_name(self):
        """The name colleagues see in histories: the full name, never the login (half a credential)."""
        return self.full_name or f"Tài khoản số {self.id} (chưa ghi họ tên)"

    # The key of the server-side session (admin.sessions) this object was logged in or loaded with.
    session_key = None

    def get_id(self):
        """Flask-Login's session id: the key of this login's server-side session, nothing else."""
        return self.session_key

    # What Flask-Login asks of a user object.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self):
        return self.active

    @property
    def role_label(self):
        return dict(ROLES).get(self.role, self.role)

    def set_password(self, password):
        # werkzeug's default is scrypt with a random salt.
        self.password_hash = generate_password_hash(password)
        self.session_token = secrets.token_hex(16)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    def save(self, *args, **kwargs):
        self.username = nfc(self.username).strip()
        self.full_name = nfc(self.full_name or "").strip()
        return super().save(*args, **kwargs)


_stand_in_hash = []  # a random password's hash, made once: what a name that is no account is checked against


def login_allowed(user, password):
    """May `user` (None: the name is no account) log in with `password`? The password is checked
    against a hash whatever the name: a login that skipped the check (tens of milliseconds) for a
    name that is no account, or a deactivated one, would tell a guesser by its speed which names
    are accounts."""
    if user is None and not _stand_in_hash:
        _stand_in_hash.append(generate_password_hash(secrets.token_urlsafe(16)))
    matches = check_password_hash(user.password_hash if user is not None else _stand_in_hash[0], password)
    return matches and user is not None and user.active


def create_user(username, password, role, full_name="", email=""):
    if role not in ROLE_NAMES:
        raise ValueError(f"Vai trò không hợp lệ: {role}")
    if len(password) < 8:
        raise ValueError("Mật khẩu cần ít nhất 8 ký tự.")
    user = User(username=username, role=role, full_name=full_name, email=email)
    user.set_password(password)
    user.save()
    return user


register("0100_users", lambda db: db.create_tables([User], safe=True))
