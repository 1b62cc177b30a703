"""Fixtures for the search tests: built indexes, searching as a reader does, the demo corpus.

Two worlds:
- per test (the top-level `app`/`db`/`make_article` fixtures, SQLite or TEST_DATABASE_URL):
  `indexes` builds empty indexes before the test arranges its articles, so everything the test
  creates reaches the index through the outbox, as in production;
- per session (`demo`): the 36 demo articles of content/articles in a SQLite file of their own,
  whatever TEST_DATABASE_URL says (the per-test fixture drops every table of that database),
  indexed once. See searchkit.py.
"""

import shutil

import pytest
from searchkit import Demo, connected, rebuild_all


@pytest.fixture
def service(app):
    return app.extensions["search"]


@pytest.fixture
def indexes(app, db, service):
    """Empty indexes, built before the test's articles exist: they arrive through the outbox."""
    rebuild_all(app)
    return service


@pytest.fixture
def catch_up(app, service):
    """Apply pending outbox rows now (what every search and every write request does)."""
    def run():
        with app.app_context(), connected():
            service.catch_up()
    return run


@pytest.fixture
def api(client):
    """api("cán bộ", page=2) -> the /api/search JSON, checked for status 200 and its shape."""
    def get(q, **params):
        response = client.get("/api/search", query_string={"q": q, **params})
        assert response.status_code == 200, (q, params, response.status_code)
        data = response.get_json()
        assert set(data) == {"query", "total", "page", "per_page", "results"}, data
        return data
    return get


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """The demo corpus (searchkit.Demo): demo.search(text) -> slugs, demo.page(text) -> SearchPage."""
    data_dir = tmp_path_factory.mktemp("demo")
    yield Demo(data_dir)
    shutil.rmtree(data_dir, ignore_errors=True)
