"""Helpers for the search tests (imported by name: `conftest` is ambiguous across test folders).

- `connected()`, `rebuild_all(app)`: a database connection, every index built from the database;
- `Demo`: the 36 demo articles of content/articles in a SQLite file of their own, indexed once;
- `Site`: an app of its own for a module of read-only tests, on TEST_DATABASE_URL when set, so that
  a module arranges its articles once instead of once per test.

Every create_app() points the shared database proxy (cms.db.database) at its own database. A Site
points it back before each use, so a Demo or a Site created in between does not matter; the Demo
needs no database once built (PublicSearch reads the index only).
"""

import os
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from app import create_app
from cms.content_import import import_categories, import_folder
from cms.db import database
from cms.migrations import migrate
from cms.models import Article, Category
from cms.timeutil import utcnow
from search_index import sync

CONTENT = Path(__file__).resolve().parents[2] / "content"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
# "Now" for the demo corpus: article 33 (March 2027) is then still scheduled, 34-36 are drafts.
DEMO_NOW = datetime(2026, 11, 27, 12, 0)


@contextmanager
def connected():
    """A database connection for the block: the one already open, or one of our own."""
    opened_here = database.is_closed()
    if opened_here:
        database.connect()
    try:
        yield database
    finally:
        if opened_here and not database.is_closed():
            database.close()


def rebuild_all(app):
    """Build every index of the app from the database (what `reindex` does)."""
    service = app.extensions["search"]
    with app.app_context(), connected():
        return {name: sync.rebuild(store, service.sources) for name, store in service.stores.items()}


def result_slugs(data):
    """Slugs of an /api/search answer's results, in order."""
    return [result["url"].rsplit("/", 1)[-1] for result in data["results"]]


def _settings(data_dir, database_url):
    return {"TESTING": True, "CMS_DATA_DIR": data_dir, "SECRET_KEY": "test-secret",
            "SERVER_NAME": "localhost", "DATABASE_URL": database_url}


class Demo:
    """The demo corpus, searched as /tim-kiem searches it (10 to a page, as of DEMO_NOW)."""

    def __init__(self, data_dir):
        self.app = create_app(_settings(data_dir, f"sqlite:///{data_dir / 'demo.sqlite3'}"))
        self.db = database.obj
        with self.app.app_context(), connected():
            migrate()
            import_categories(CONTENT / "categories.yaml")
            report = import_folder(CONTENT / "articles")
            assert not report.errors, report.errors
            assert len(report.created) == 36, report.created
            self.slugs = dict(Article.select(Article.id, Article.slug).tuples())
        rebuild_all(self.app)
        self.service = self.app.extensions["search"]

    def page(self, text, now=DEMO_NOW, **options):
        """PublicSearch's SearchPage for `text`."""
        options.setdefault("per_page", 10)
        return self.service.public.search(text, now=now, **options)

    def search(self, text, **options):
        """Slugs of the first page, in rank order."""
        return [self.slugs[article_id] for article_id in self.page(text, **options).ids]

    def get(self, url, **options):
        """A request to the demo site (its pages need its database)."""
        if database.obj is not self.db:
            database.initialize(self.db)
        return self.app.test_client().get(url, **options)


class Site:
    """A whole app for one module of tests that only read: arrange once, then ask."""

    def __init__(self, data_dir):
        url = TEST_DATABASE_URL or f"sqlite:///{data_dir / 'site.sqlite3'}"
        self.app = create_app(_settings(data_dir, url))
        self.db = database.obj
        with self.app.app_context(), connected():
            tables = database.get_tables()
            if tables and TEST_DATABASE_URL:  # left by an earlier test: start from the migrations
                database.execute_sql("DROP TABLE IF EXISTS {} CASCADE".format(
                    ", ".join(f'"{name}"' for name in tables)))
            migrate()
        rebuild_all(self.app)  # empty: what follows arrives through the outbox
        self.client = self.app.test_client()
        self.service = self.app.extensions["search"]
        self._count = 0

    def _bind(self):
        if database.obj is not self.db:
            database.initialize(self.db)

    @contextmanager
    def arranging(self):
        """Models usable in the block; the outbox is applied after it."""
        self._bind()
        with self.app.app_context(), connected():
            yield self
            self.service.catch_up()

    def category(self, name, **fields):
        return Category.create(name=name, **fields)

    def article(self, title, category=None, status=Article.PUBLISHED, published_at=None, **fields):
        """An article, public (published an hour or more ago) unless told otherwise."""
        self._count += 1
        if category is None:
            category = (Category.get_or_none(Category.slug == "xay-dung-dang")
                        or self.category("Xây dựng Đảng"))
        if published_at is None and status == Article.PUBLISHED:
            published_at = utcnow() - timedelta(hours=self._count)
        article = Article(title=title, category=category, status=status, published_at=published_at, **fields)
        article.save()
        return article

    def get(self, url, **options):
        self._bind()
        return self.client.get(url, **options)

    def api(self, q, **params):
        """The /api/search JSON for q, checked for status 200 and the shape README.md gives
        ("Public URLs")."""
        response = self.get("/api/search", query_string={"q": q, **params})
        assert response.status_code == 200, (q, params, response.status_code)
        data = response.get_json()
        assert set(data) == {"query", "total", "page", "per_page", "results"}, data
        return data
