"""Fixtures: an app on a fresh data dir per test, on SQLite or on TEST_DATABASE_URL (PostgreSQL)."""

import os
from datetime import timedelta

import pytest

from app import create_app
from cms.db import database
from cms.migrations import migrate
from cms.models import Article, Category
from cms.timeutil import utcnow

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def _empty_database():
    """Drop every table, so each test starts from the schema the migrations build."""
    tables = database.get_tables()
    if tables:
        if TEST_DATABASE_URL:
            database.execute_sql("DROP TABLE IF EXISTS {} CASCADE".format(
                ", ".join(f'"{name}"' for name in tables)))
        else:
            for name in tables:
                database.execute_sql(f'DROP TABLE IF EXISTS "{name}"')


@pytest.fixture
def app(tmp_path):
    settings = {"TESTING": True, "CMS_DATA_DIR": tmp_path / "data", "SECRET_KEY": "test-secret",
                "SERVER_NAME": "localhost"}
    if TEST_DATABASE_URL:
        settings["DATABASE_URL"] = TEST_DATABASE_URL
    else:
        settings["DATABASE_URL"] = f"sqlite:///{tmp_path / 'test.sqlite3'}"
    application = create_app(settings)
    with application.app_context():
        database.connect(reuse_if_open=True)
        _empty_database()
        migrate()
        database.close()
    yield application
    if not database.is_closed():
        database.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db(app):
    """An open connection for arranging data directly through the models.

    No app context is held open: each request of the test client then gets its own (and its own
    `g`), as in production.
    """
    database.connect(reuse_if_open=True)
    yield database
    if not database.is_closed():
        database.close()


@pytest.fixture
def make_category(db):
    def make(name="Xây dựng Đảng", **fields):
        return Category.create(name=name, **fields)
    return make


@pytest.fixture
def make_article(db, make_category):
    """Create an article; public (published an hour ago) unless told otherwise."""
    counter = {"n": 0}

    def make(title=None, category=None, status=Article.PUBLISHED, published_at=None, **fields):
        counter["n"] += 1
        if category is None:
            category = Category.get_or_none(Category.slug == "xay-dung-dang") or make_category()
        if published_at is None and status == Article.PUBLISHED:
            published_at = utcnow() - timedelta(hours=counter["n"])
        article = Article(title=title or f"Bài viết số {counter['n']}", category=category,
                          status=status, published_at=published_at, **fields)
        article.save()
        return article
    return make


class Clock:
    """What the site takes as "now" (naive UTC), moved by hand: no sleeping in tests."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    """Freeze the clock the public rules use (cms.models.utcnow); move it with clock.advance(hours=2)."""
    frozen = Clock(utcnow().replace(microsecond=0))
    monkeypatch.setattr("cms.models.utcnow", frozen)
    monkeypatch.setattr("cms.feeds.utcnow", frozen)
    return frozen


@pytest.fixture
def cli(app):
    """Run a `flask --app app` command: cli("import-content", "path", input=None) -> click Result.

    The app context is pushed as the `flask` command does (FlaskGroup pushes one for app commands).
    """
    runner = app.test_cli_runner()

    def invoke(*args, input=None):
        with app.app_context():
            return runner.invoke(args=[str(arg) for arg in args], input=input)
    return invoke


@pytest.fixture
def empty_database(app):
    """The test database with no tables at all, as on a new server before `init-db`."""
    with app.app_context():
        database.connect(reuse_if_open=True)
        if not TEST_DATABASE_URL:
            # SQLite checks foreign keys on DROP TABLE: drop in any order with the check off.
            database.pragma("foreign_keys", 0)
        _empty_database()
        database.close()
