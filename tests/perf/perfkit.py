"""Helpers for the performance tests: counting SQL, several "workers" on one database, the pages.

A gunicorn worker is a process with its own in-memory page cache. Here each worker is an app
instance made by create_app on the same data dir and database: its own app.extensions
["page_cache"], the same rows underneath. What one worker's cache holds must never hide a change
made through another worker (or through the models, as the back office and the CLI write).
"""

import html
import re

from app import create_app
from cms.db import database

# The cached public pages, by name (the world fixture creates what they show).
PAGES = {
    "home": "/",
    "category": "/chuyen-muc/xay-dung-dang",
    "article": "/bai-viet/bai-chinh",
    "tag": "/the/dang-vien",
    "rss": "/rss.xml",
    "category rss": "/chuyen-muc/xay-dung-dang/rss.xml",
    "sitemap": "/sitemap.xml",
}
CONFIG_KEYS = ("TESTING", "CMS_DATA_DIR", "DATABASE_URL", "SECRET_KEY", "SERVER_NAME")


class QueryCounter:
    """Counts the statements peewee runs (its execute_sql, wrapped on the database instance)."""

    def __init__(self):
        self.statements = []

    def __enter__(self):
        self._db = database.obj
        original = self._db.execute_sql

        def execute_sql(sql, params=None):
            self.statements.append(sql)
            return original(sql, params)

        self._db.execute_sql = execute_sql  # an instance attribute: peewee calls self.execute_sql
        return self

    def __exit__(self, *exc):
        del self._db.execute_sql

    @property
    def count(self):
        return len(self.statements)


def counted_get(client, path, **kwargs):
    """(response, number of SQL statements the request ran)."""
    with QueryCounter() as counter:
        response = client.get(path, **kwargs)
    return response, counter.count


def another_worker(app, **overrides):
    """A second app on app's data dir and database, with its own page cache (another worker)."""
    if not database.is_closed():
        database.close()  # create_app binds the models to a new Database object
    settings = {key: app.config[key] for key in CONFIG_KEYS if key in app.config}
    settings.update(overrides)
    worker = create_app(settings)
    quiet_view_counter(worker)
    return worker


def quiet_view_counter(app):
    """View counts are flushed every few seconds; keep that write out of the query counts."""
    app.extensions["view_counter"].flush_every = 10**9
    app.extensions["view_counter"].flush_at = 10**9


def page_cache(app):
    return app.extensions["page_cache"]


def fresh(app, path):
    """What `path` renders now with nothing cached (the cache of `app` is emptied first)."""
    page_cache(app).clear()
    return app.test_client().get(path)


# --- logging in as a browser does ----------------------------------------------------------------

PASSWORD = "mat-khau-Thu-nghiem-1"
_CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(page_html):
    found = _CSRF.search(page_html)
    assert found, "no CSRF token on the page"
    return html.unescape(found.group(1))


def login(client, username, password=PASSWORD):
    """Fetch /dang-nhap, take the form's CSRF token, post the credentials."""
    page = client.get("/dang-nhap").get_data(as_text=True)
    response = client.post("/dang-nhap", data={"csrf_token": csrf_token(page), "username": username,
                                               "password": password})
    assert response.status_code == 302 and "/dang-nhap" not in response.headers["Location"], response
    return response


def input_value(page_html, name):
    for tag in re.findall(r"<(?:input|textarea)[^>]*>", page_html):
        if re.search(rf'\bname="{re.escape(name)}"', tag):
            value = re.search(r'\bvalue="([^"]*)"', tag)
            return html.unescape(value.group(1)) if value else ""
    return None
