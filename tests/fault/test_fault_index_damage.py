"""A missing or damaged index: the search page says so in Vietnamese (never a 500), every other page
works, and `index-check --fix` or `reindex` brings search back."""

import shutil

import pytest
from faultkit import api_slugs, connected

from cms.models import Article, Tag
from cms.timeutil import utcnow

UNAVAILABLE = "tạm thời chưa sẵn sàng"
ARTICLES = 8


def _files(store, pattern):
    found = sorted(store.current_dir().glob(pattern))
    assert found, pattern
    return found


def truncate(path):
    with open(path, "r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


def garble(path):
    """Overwrite the middle half of the file with bytes no Whoosh structure expects."""
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        handle.seek(size // 4)
        handle.write(bytes((n * 37 + 11) % 256 for n in range(max(1, size // 2))))


# name -> (damage, the search page notices it, index-check notices it)
DAMAGE = {
    "index folder deleted": (lambda store: shutil.rmtree(store.base_dir), True, True),
    "term files truncated": (lambda store: [truncate(p) for p in _files(store, "*.trm")], True, True),
    # Whoosh keeps no checksums: garbled postings fail the search, but index-check compares stored
    # fields only (reading every posting list would make it slow on a large index): reindex repairs.
    "postings garbled": (lambda store: [garble(p) for p in _files(store, "*.pst")], True, False),
    # Garbled stored fields of some documents: searches that do not reach them still answer.
    "stored fields garbled": (lambda store: [garble(p) for p in _files(store, "*_stored.col")], False, True),
    "table of contents emptied": (lambda store: [p.write_bytes(b"") for p in _files(store, "*.toc")],
                                  True, True),
}
CASES = [(damage, repair) for damage, (_, _, checked) in DAMAGE.items()
         for repair in (["index-check --fix", "reindex"] if checked else ["reindex"])]


@pytest.fixture
def published(site):
    with site.app.app_context(), connected():
        tag = Tag.create(name="Chỉnh đốn", slug="chinh-don")
        for number in range(ARTICLES):
            article = Article(title=f"Bài củng cố tổ chức số {number}", category=site.category_id,
                              status=Article.PUBLISHED, published_at=utcnow(), slug=f"cung-co-{number}",
                              body=f"Củng cố tổ chức cơ sở Đảng, đợt {number}.")
            article.save()
            article.set_tags([tag.name])
    site.rebuild()
    return site


@pytest.mark.parametrize(("damage", "repair"), CASES)
def test_a_damaged_index_is_reported_and_repaired(published, client, cli, damage, repair):
    store = published.service.stores["public"]
    assert len(api_slugs(client, "củng cố")) == ARTICLES
    damage_index, search_notices, check_notices = DAMAGE[damage]
    damage_index(store)
    for _ in range(2):  # a fresh look, and one more with whatever the first left cached
        # Words not asked before: their postings must come from the damaged files.
        page = client.get("/tim-kiem?q=tổ+chức")
        assert page.status_code == 200
        assert (UNAVAILABLE in page.get_data(as_text=True)) == search_notices
        response = client.get("/api/search?q=tổ+chức")
        assert response.status_code == (503 if search_notices else 200)
        # Words asked before the damage: the worker may still hold their decoded postings
        # (search_index.vectorized); then the answer is the right one, never a wrong one.
        response = client.get("/api/search?q=củng+cố")
        assert response.status_code in (200, 503)
        if response.status_code == 200:
            assert len(api_slugs(client, "củng cố")) == ARTICLES
    for url in ("/", "/chuyen-muc/xay-dung-dang", "/bai-viet/cung-co-0", "/the/chinh-don", "/rss.xml",
                "/sitemap.xml", "/dang-nhap"):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    assert "Bài củng cố tổ chức số 0" in client.get("/bai-viet/cung-co-0").get_data(as_text=True)
    admin = published.admin_client()
    assert admin.get("/admin/article/").status_code == 200
    assert admin.get("/admin/article/?search=củng+cố").status_code == 200

    if repair == "reindex":
        result = cli("reindex")
        assert result.exit_code == 0, result.output
    else:
        checked = cli("index-check")
        assert checked.exit_code == 1 and "Chỉ mục public: không dùng được" in checked.output, checked.output
        result = cli("index-check", "--fix")
        assert result.exit_code == 0, result.output
    assert cli("index-check").exit_code == 0
    assert sorted(api_slugs(client, "củng cố")) == [f"cung-co-{n}" for n in range(ARTICLES)]
