"""Cached pages are never stale: every kind of edit shows at once, in every worker.

Two workers (A and B, two app instances with their own page caches) serve every cached page
twice, so that each page comes from the cache; then something is edited and both must serve
exactly what a worker with an empty cache renders now (C), with a new ETag, and the edit itself
must be visible where the page shows it. Edits go through the models, as the back office and the
CLI make them, or through worker A's back office; the clock is frozen and moved by hand.
"""

from datetime import timedelta

import pytest
from perfkit import PAGES, counted_get, fresh, input_value, login

from cms.accounts import create_user
from cms.models import Article, Category, Tag

MAIN_URL = "/bai-viet/bai-chinh"
OLD_TITLE = "Hội nghị sơ kết công tác đảng viên"


def warm(worker, path):
    """Serve path twice; the second answer must come from the cache (only the validator query)."""
    client = worker.test_client()
    first = client.get(path)
    assert first.status_code == 200, (path, first.status_code)
    second, queries = counted_get(client, path)
    assert second.status_code == 200 and second.data == first.data
    assert queries == 1, f"{path}: the repeated request ran {queries} queries, not a cache hit"
    return second.headers["ETag"]


# Each edit returns what must now be true per page: (text, present?) or 404.
def publish(world):
    draft = Article.get_by_id(world.draft.id)
    draft.status, draft.published_at = Article.PUBLISHED, world.clock.now - timedelta(minutes=5)
    draft.save()
    return dict.fromkeys(PAGES, ("/bai-viet/bai-nhap", True))


def edit_title_and_body(world):
    main = Article.get_by_id(world.main.id)
    main.title, main.body = "Hội nghị tổng kết công tác đảng viên", "Nội dung đã được sửa lại."
    main.save()
    shown = {page: ("Hội nghị tổng kết công tác đảng viên", True)
             for page in ("home", "category", "article", "tag", "rss", "category rss")}
    return shown | {"article body": ("Nội dung đã được sửa lại.", True)}


def unpublish(world):
    main = Article.get_by_id(world.main.id)
    main.status = Article.DRAFT
    main.save()
    return {page: ("/bai-viet/bai-chinh", False) for page in PAGES if page != "article"} | {"article": 404}


def scheduled_time_arrives(world):
    world.clock.advance(hours=1, seconds=1)  # no write at all: only time passes
    return dict.fromkeys(PAGES, ("/bai-viet/bai-hen-gio", True))


def rename_category(world):
    party = Category.get_by_id(world.party.id)
    party.name = "Xây dựng Đảng và hệ thống chính trị"
    party.save()
    return {page: ("Xây dựng Đảng và hệ thống chính trị", True)
            for page in ("home", "category", "article", "tag", "rss", "category rss")}


def rename_tag(world):
    tag = Tag.get(Tag.slug == "dang-vien")
    tag.name = "Đảng viên trẻ"
    tag.save()
    return {"article": ("Đảng viên trẻ", True), "tag": ("Chủ đề: Đảng viên trẻ", True)}


def delete(world):
    Article.get_by_id(world.main.id).delete_instance()
    return {page: ("/bai-viet/bai-chinh", False) for page in PAGES if page != "article"} | {"article": 404}


EDITS = [publish, edit_title_and_body, unpublish, scheduled_time_arrives, rename_category, rename_tag,
         delete]


def stale_pages(workers, before, expected):
    """Every way a page of A or B differs from what it must be now (empty list: none)."""
    problems = []
    for name, path in PAGES.items():
        now_right = fresh(workers.c, path)
        for label, worker in (("A", workers.a), ("B", workers.b)):
            response = worker.test_client().get(path)
            where = f"worker {label} {name} ({path})"
            if response.status_code != now_right.status_code:
                problems.append(f"{where}: status {response.status_code}, now {now_right.status_code}")
                continue
            if response.data != now_right.data:
                problems.append(f"{where}: served a page that differs from a fresh render")
            if response.status_code == 200 and response.headers.get("ETag") == before[name]:
                problems.append(f"{where}: same ETag as before the edit")
            want = expected.get(name)
            text = response.get_data(as_text=True)
            if want == 404:
                if response.status_code != 404:
                    problems.append(f"{where}: {response.status_code}, expected 404")
            elif want is not None and (want[0] in text) != want[1]:
                problems.append(f"{where}: {want[0]!r} {'missing' if want[1] else 'still shown'}")
            body_want = expected.get("article body")
            if name == "article" and body_want and body_want[0] not in text:
                problems.append(f"{where}: the new body is missing")
    return problems


@pytest.mark.parametrize("edit", EDITS, ids=[edit.__name__ for edit in EDITS])
def test_every_cached_page_changes_right_after_an_edit_in_every_worker(workers, world, edit):
    before = {}
    for name, path in PAGES.items():
        tags = {warm(worker, path) for worker in (workers.a, workers.b)}
        assert len(tags) == 1, f"{name}: workers disagree on the ETag of unchanged data"
        before[name] = tags.pop()
    expected = edit(world)
    assert stale_pages(workers, before, expected) == []


def test_a_save_in_the_back_office_of_one_worker_shows_in_the_other_at_once(workers, world,
                                                                               fast_passwords):
    create_user("bientap", "mat-khau-Thu-nghiem-1", "editor", full_name="Trần Thị Biên")
    before = {name: warm(workers.b, path) for name, path in PAGES.items()}
    for path in PAGES.values():
        warm(workers.a, path)
    editor = workers.a.test_client()
    login(editor, "bientap")
    form = editor.get(f"/admin/article/edit/?id={world.main.id}").get_data(as_text=True)
    response = editor.post(f"/admin/article/edit/?id={world.main.id}", data={
        "csrf_token": input_value(form, "csrf_token"),
        "expected_version": input_value(form, "expected_version"),
        "title": "Tiêu đề sửa trong trang quản trị", "slug": "bai-chinh", "category": str(world.party.id),
        "lead": "Tóm tắt mới.", "body": "Nội dung sửa trong trang quản trị.", "author": "", "source": "",
        "cover_image": "", "published_at": input_value(form, "published_at"), "tags_text": "Đảng viên",
        "featured": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert Article.get_by_id(world.main.id).title == "Tiêu đề sửa trong trang quản trị"
    # The editor, logged in on A, sees the page as saved; readers on A and B too.
    assert "Tiêu đề sửa trong trang quản trị" in editor.get(MAIN_URL).get_data(as_text=True)
    expected = {page: ("Tiêu đề sửa trong trang quản trị", True)
                for page in ("home", "category", "article", "tag", "rss", "category rss")}
    assert stale_pages(workers, before, expected | {"article body": ("Nội dung sửa trong trang quản trị.",
                                                                     True)}) == []


def test_a_logged_in_user_bypasses_the_page_cache(workers, world, fast_passwords):
    create_user("bientap", "mat-khau-Thu-nghiem-1", "editor", full_name="Trần Thị Biên")
    for path in PAGES.values():
        warm(workers.a, path)
    # A write that does not bump the site version (no model save): the cache cannot know of it,
    # so only a request that bypasses the cache shows it.
    Article.update(title="Tiêu đề chỉ người đăng nhập thấy").where(Article.id == world.main.id).execute()
    editor = workers.a.test_client()
    login(editor, "bientap")
    for name, path in PAGES.items():
        response = editor.get(path)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-cache", name
        assert "ETag" not in response.headers, name
        if name != "sitemap":
            assert "Tiêu đề chỉ người đăng nhập thấy" in response.get_data(as_text=True), name
    # ... and what it rendered was not put in the cache readers get.
    anonymous, queries = counted_get(workers.a.test_client(), "/")
    assert queries == 1 and anonymous.headers["Cache-Control"] == "public, no-cache"
    assert OLD_TITLE in anonymous.get_data(as_text=True)


def test_readers_after_a_logout_get_cached_pages_again(workers, world, fast_passwords):
    create_user("bientap", "mat-khau-Thu-nghiem-1", "editor", full_name="Trần Thị Biên")
    warm(workers.a, "/")
    client = workers.a.test_client()
    login(client, "bientap")
    page = client.get("/dang-xuat").get_data(as_text=True)
    token = input_value(page, "csrf_token")
    if token is not None:  # logging out is a POST with the form's token
        client.post("/dang-xuat", data={"csrf_token": token})
    response, queries = counted_get(client, "/")
    assert response.status_code == 200 and queries == 1


def test_the_cache_does_not_serve_one_host_s_absolute_urls_to_another(workers, world):
    worker = workers.a
    worker.config["SERVER_NAME"] = None  # production sets none: URLs follow the request's Host
    client = worker.test_client()
    forged = client.get("/rss.xml", base_url="http://ke-gia-mao.example")
    assert "http://ke-gia-mao.example/bai-viet/bai-chinh" in forged.get_data(as_text=True)
    reader = client.get("/rss.xml", base_url="https://bantochuc.example")
    body = reader.get_data(as_text=True)
    assert "ke-gia-mao.example" not in body
    assert "https://bantochuc.example/bai-viet/bai-chinh" in body
