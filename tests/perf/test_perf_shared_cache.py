"""The page cache's disk tier: a page rendered by one worker is served by every other worker and
after a restart, never under another validator; a cache that cannot be opened costs nothing but
speed."""

from htmlpage import get_page
from perfkit import PAGES, another_worker, counted_get, page_cache

from cms.models import Article


def test_a_page_rendered_by_one_worker_is_served_by_the_others_from_disk(workers, world):
    for name, path in PAGES.items():
        rendered, rendering_queries = counted_get(workers.a.test_client(), path)
        assert rendered.status_code == 200, name
        other = another_worker(workers.a)  # a worker that has rendered nothing yet
        assert len(page_cache(other)) == 0
        served, queries = counted_get(other.test_client(), path)
        assert served.get_data() == rendered.get_data(), name
        assert served.headers["ETag"] == rendered.headers["ETag"], name
        assert queries == 1 < rendering_queries, (name, queries, rendering_queries)  # the validator only


def test_the_disk_tier_outlives_a_restart_and_follows_an_edit(workers, world):
    path = PAGES["article"]
    before = workers.a.test_client().get(path)
    restarted = another_worker(workers.a)
    again, queries = counted_get(restarted.test_client(), path)
    assert again.get_data() == before.get_data() and queries == 1

    article = Article.get(Article.slug == "bai-chinh")
    article.title = "Hội nghị tổng kết công tác đảng viên"
    article.save()
    for worker in (workers.a, workers.b, restarted):
        title = get_page(worker.test_client(), path).find("h1", cls="article-title").text
        assert title == "Hội nghị tổng kết công tác đảng viên"


def test_pages_are_served_when_the_disk_tier_cannot_be_opened(workers, world, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache directory should be")
    worker = another_worker(workers.a, CMS_PAGE_CACHE_DIR=blocker / "pages")
    client = worker.test_client()
    for name, path in PAGES.items():
        assert client.get(path).status_code == 200, name
        hit, queries = counted_get(client, path)
        assert hit.status_code == 200 and queries == 1, name  # the memory tier still caches
