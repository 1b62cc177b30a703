"""Conditional requests: a browser that has the page gets 304, and only while nothing changed."""

import pytest
from perfkit import PAGES, counted_get

from cms.models import Article


@pytest.mark.parametrize("name", list(PAGES))
def test_a_matching_etag_gets_304_without_a_body(workers, world, name):
    client = workers.a.test_client()
    first = client.get(PAGES[name])
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert etag.startswith('W/"') and first.headers["Cache-Control"] == "public, no-cache"
    response, queries = counted_get(client, PAGES[name], headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == etag
    assert queries == 1  # the validator only: nothing rendered
    # Another worker knows the same ETag without having rendered the page.
    other = workers.b.test_client().get(PAGES[name], headers={"If-None-Match": etag})
    assert other.status_code == 304
    # A different or stale ETag gets the page.
    assert client.get(PAGES[name], headers={"If-None-Match": 'W/"khac"'}).status_code == 200


def test_a_matching_etag_gets_the_new_page_after_an_edit(workers, world):
    client = workers.a.test_client()
    etags = {name: client.get(path).headers["ETag"] for name, path in PAGES.items()}
    main = Article.get_by_id(world.main.id)
    main.title = "Tiêu đề mới sau khi sửa"
    main.save()
    for name, path in PAGES.items():
        response = workers.b.test_client().get(path, headers={"If-None-Match": etags[name]})
        assert response.status_code == 200, name
        assert response.headers["ETag"] != etags[name]


def test_if_modified_since_gets_304_until_something_changes(workers, world):
    client = workers.a.test_client()
    for name, path in PAGES.items():
        first = client.get(path)
        last_modified = first.headers["Last-Modified"]
        response, queries = counted_get(client, path, headers={"If-Modified-Since": last_modified})
        assert response.status_code == 304, name
        assert response.data == b"" and queries == 1
        earlier = client.get(path, headers={"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"})
        assert earlier.status_code == 200, name
    dates = {name: client.get(path).headers["Last-Modified"] for name, path in PAGES.items()}
    world.clock.advance(minutes=1)
    main = Article.get_by_id(world.main.id)
    main.title = "Tiêu đề mới sau khi sửa"
    main.save()
    for name, path in PAGES.items():
        response = workers.b.test_client().get(path, headers={"If-Modified-Since": dates[name]})
        assert response.status_code == 200, name


def test_if_modified_since_sees_a_scheduled_article_arrive(workers, world):
    client = workers.a.test_client()
    last_modified = client.get("/").headers["Last-Modified"]
    world.clock.advance(hours=1, seconds=1)
    response = workers.b.test_client().get("/", headers={"If-Modified-Since": last_modified})
    assert response.status_code == 200
    assert "/bai-viet/bai-hen-gio" in response.get_data(as_text=True)


@pytest.mark.xfail(strict=True, reason=(
    "Last-Modified is the time of the last change cut to the second (cms/caching.py, "
    "cached_page: modified.replace(microsecond=0)); a second change in the same second keeps the "
    "same Last-Modified, so a client revalidating by date only (If-Modified-Since without "
    "If-None-Match: some proxies and crawlers) gets 304 for the old page and keeps it until the "
    "next change. Fix: keep site_state.changed_at strictly increasing by whole seconds in "
    "bump_site_version (changed_at = max(now, previous changed_at truncated + 1 s)), or send no "
    "Last-Modified when it falls in the current second."))
def test_two_changes_in_the_same_second_do_not_leave_a_date_only_client_stale(workers, world):
    client = workers.a.test_client()
    main = Article.get_by_id(world.main.id)
    main.title = "Lần sửa thứ nhất"
    main.save()
    first = client.get("/")
    assert "Lần sửa thứ nhất" in first.get_data(as_text=True)
    main.title = "Lần sửa thứ hai"  # the frozen clock: the same second, as two quick saves
    main.save()
    response = workers.b.test_client().get("/", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert response.status_code == 200
    assert "Lần sửa thứ hai" in response.get_data(as_text=True)


def test_search_pages_carry_no_validator_while_the_index_is_unavailable(workers, world):
    """Search results are cached only from an index that is up to date (tests/search/
    test_search_cache.py): here it is missing, so no ETag, and no 304 can hide results later."""
    client = workers.a.test_client()
    response = client.get("/tim-kiem?q=dang+vien")
    assert response.status_code == 200
    assert "ETag" not in response.headers and "Last-Modified" not in response.headers

