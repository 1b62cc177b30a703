"""Fixtures for the back-office tests: accounts of every role, logged-in clients, a small world of
articles, categories, tags, media and audit entries to act on.

These fixtures reach the database through the models without pushing an application context
(peewee connects by itself). The top-level `db` fixture keeps one app context pushed for the whole
test, and then every test-client request shares its `flask.g`: Flask-Login's cached user and
Flask-WTF's CSRF token would leak from one client (one browser) to another. So nothing here uses it.

`app` is redefined here to be fast on PostgreSQL (see below). Passwords are hashed with a cheap
pbkdf2 here (scrypt, the app's default, costs ~50 ms a hash); the login code path is the same.
"""

import functools
import os
from datetime import timedelta
from types import SimpleNamespace

import pytest
from backoffice import PASSWORD, image_bytes, is_login_redirect, login
from peewee import sort_models
from werkzeug.security import generate_password_hash

import cms.accounts
from admin.editorial import save_revision
from admin.media import save_upload
from app import create_app
from cms.accounts import create_user
from cms.audit import AuditEntry
from cms.db import database
from cms.migrations import SchemaMigration, migrate, pending_migrations
from cms.models import Article, BaseModel, Category, Tag
from cms.timeutil import utcnow

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")

ACCOUNTS = {
    "admin": ("quantri", "Nguyễn Văn Quản"),
    "editor": ("bientap", "Trần Thị Biên"),
    "leader": ("lanhdao", "Lê Văn Lãnh"),
    "staff": ("chuyenvien", "Phạm Thị Chuyên"),
    "staff2": ("chuyenvien2", "Hoàng Văn Khác"),
}


def _models():
    found, stack = [], list(BaseModel.__subclasses__())
    while stack:
        model = stack.pop()
        if model not in found:
            found.append(model)
            stack.extend(model.__subclasses__())
    return [model for model in found if model is not SchemaMigration]


def _emptied_in_place():
    """On PostgreSQL, empty every table (children first) when the schema is already current: about
    10 ms, where dropping and migrating again takes about 2 s a test. False when it cannot be sure
    (pending migrations, or a table no model describes): then the schema is rebuilt."""
    tables = set(database.get_tables())
    if not tables or pending_migrations():
        return False
    models = [model for model in _models() if model._meta.table_name in tables]
    if tables - {model._meta.table_name for model in models} - {SchemaMigration._meta.table_name}:
        return False
    with database.atomic():
        for model in reversed(sort_models(models)):
            model.delete().execute()
    return True


@pytest.fixture
def app(tmp_path):
    """The top-level `app` fixture (same settings), made faster on PostgreSQL: rows are deleted
    instead of the schema being dropped and migrated for every test. On SQLite each test still
    gets a new database file."""
    settings = {"TESTING": True, "CMS_DATA_DIR": tmp_path / "data", "SECRET_KEY": "test-secret",
                "SERVER_NAME": "localhost",
                "DATABASE_URL": TEST_DATABASE_URL or f"sqlite:///{tmp_path / 'test.sqlite3'}"}
    application = create_app(settings)
    with application.app_context():
        database.connect(reuse_if_open=True)
        if not (TEST_DATABASE_URL and _emptied_in_place()):
            tables = database.get_tables()
            if tables and TEST_DATABASE_URL:
                database.execute_sql("DROP TABLE IF EXISTS {} CASCADE".format(
                    ", ".join(f'"{name}"' for name in tables)))
            migrate()
        database.close()
    yield application
    if not database.is_closed():
        database.close()


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch):
    monkeypatch.setattr(cms.accounts, "generate_password_hash",
                        functools.partial(generate_password_hash, method="pbkdf2:sha256:1000"))


@pytest.fixture
def users(app):
    """One account per role (plus a second staff member), keyed by role; all use PASSWORD."""
    made = {}
    for key, (username, full_name) in ACCOUNTS.items():
        role = "staff" if key == "staff2" else key
        made[key] = create_user(username, PASSWORD, role, full_name=full_name,
                                email=f"{username}@example.vn")
    return made


@pytest.fixture
def client_as(app, users):
    """client_as("editor") -> a new test client logged in as that role's account."""
    def make(key):
        client = app.test_client()
        response = login(client, users[key].username)
        assert response.status_code == 302 and not is_login_redirect(response), response
        return client
    return make


@pytest.fixture
def anon(app):
    """A logged-out browser."""
    return app.test_client()


@pytest.fixture
def world(app, users):
    """Things to act on: drafts of two staff members, a submitted and a published article, an empty
    category and an unused tag, an uploaded image and an audit entry."""
    category = Category.create(name="Xây dựng Đảng")
    empty_category = Category.create(name="Chuyên mục trống")
    tag = Tag.create(name="Đảng viên", slug="dang-vien")
    spare_tag = Tag.create(name="Từ khóa thừa", slug="tu-khoa-thua")

    def article(title, owner, status, body):
        item = Article(title=title, category=category, status=status, body=body, owner_id=owner.id,
                       published_at=utcnow() - timedelta(hours=1) if status == Article.PUBLISHED else None)
        item.save()
        save_revision(item, owner, note="Tạo mới")
        item.body = body + "\n\nĐoạn bổ sung ở lần lưu thứ hai."
        item.save()
        save_revision(item, owner)
        return item

    own = article("Bài nháp của chuyên viên", users["staff"], Article.DRAFT, "Nội dung bản đầu của tôi.")
    other = article("Bài nháp của người khác", users["staff2"], Article.DRAFT, "Nội dung của đồng nghiệp.")
    pending = article("Bài đã gửi duyệt", users["staff"], Article.PENDING, "Nội dung đang chờ duyệt.")
    published = article("Bài đã xuất bản", users["editor"], Article.PUBLISHED, "Nội dung đã đăng.")
    media = save_upload(app, image_bytes(size=(120, 80)), "hoi-nghi.png", "Ảnh hội nghị", users["editor"])
    entry = AuditEntry.create(actor=users["admin"].id, actor_name=str(users["admin"]), action="update",
                              object_type="category", object_id=str(category.id),
                              object_label="Mục nhật ký mẫu")
    return SimpleNamespace(category=category, empty_category=empty_category, tag=tag, spare_tag=spare_tag,
                           own=own, other=other, pending=pending, published=published, media=media,
                           entry=entry, users=users)
