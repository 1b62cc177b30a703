"""Settings from the environment (README.md, "Settings (environment)"), resolved once when the app is
created."""

import os
import secrets
import uuid
from pathlib import Path

from .timeutil import utcnow


def _secret_key(data_dir):
    """SECRET_KEY from the environment, else one generated on first start and kept in the data dir."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _whole_number(name, default):
    """A positive whole number from the environment; anything else stops the app at start."""
    raw = os.environ.get(name) or str(default)
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None
    if value < 1:
        raise ValueError(f"{name} must be at least 1, not {raw!r}")
    return value


def load_settings(overrides=None):
    """A dict of Flask config values; `overrides` (tests, tools) win over the environment."""
    overrides = dict(overrides or {})
    data_dir = Path(overrides.get("CMS_DATA_DIR") or os.environ.get("CMS_DATA_DIR") or "instance")
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = {
        "CMS_DATA_DIR": data_dir,
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{data_dir / 'cms.sqlite3'}",
        "CMS_SITE_NAME": os.environ.get("CMS_SITE_NAME") or "Ban Tổ chức Tỉnh ủy Nghệ An",
        "CMS_SITE_TAGLINE": os.environ.get("CMS_SITE_TAGLINE") or "Trang thông tin điện tử",
        "CMS_TIMEZONE": "Asia/Ho_Chi_Minh",
        "CMS_PAGE_SIZE": 20,
        "CMS_SAME_CATEGORY_COUNT": 15,  # the article page's "Tin cùng chuyên mục"
        "CMS_PAGE_CACHE_MB": int(os.environ.get("CMS_PAGE_CACHE_MB") or 512),  # shared, on disk
        # Uploaded files; several servers on one database point this at one shared directory.
        "CMS_UPLOADS_DIR": os.environ.get("CMS_UPLOADS_DIR") or "",
        # Back-office sessions (admin.sessions): end after this long without a request, and this
        # long after the login whatever happens (an office day, then log in again).
        "CMS_SESSION_IDLE_MINUTES": _whole_number("CMS_SESSION_IDLE_MINUTES", 60),
        "CMS_SESSION_MAX_HOURS": _whole_number("CMS_SESSION_MAX_HOURS", 12),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "JSON_AS_ASCII": False,
    }
    settings.update(overrides)
    settings["CMS_DATA_DIR"] = Path(settings["CMS_DATA_DIR"])
    if "SECRET_KEY" not in settings:
        settings["SECRET_KEY"] = _secret_key(settings["CMS_DATA_DIR"])
    return settings


def uploads_dir(app):
    """Where uploads live: CMS_UPLOADS_DIR when set (shared by several servers), else the data dir's."""
    path = Path(app.config.get("CMS_UPLOADS_DIR") or Path(app.config["CMS_DATA_DIR"]) / "uploads")
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_upload_path(app, folder, ext):
    """Where a new upload goes: uploads/<folder>/<year>/<month>/<random name>.<ext> (a name never
    taken from the sender). Returns the path the row stores (relative to uploads/) and the full
    path, its folder made."""
    now = utcnow()
    relative = Path(folder) / f"{now:%Y}" / f"{now:%m}" / f"{uuid.uuid4().hex}.{ext}"
    target = uploads_dir(app) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    return relative, target
