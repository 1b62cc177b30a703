"""Keeping the indexes true: index-check, reindex, a missing index, a busy writer."""

import shutil

import pytest
from htmlpage import get_page
from searchkit import connected, result_slugs

from cms.models import Article
from cms.timeutil import utcnow
from search_index import sync

UNAVAILABLE = "tạm thời chưa sẵn sàng"


def found(api, text):
    return result_slugs(api(text, per_page=50))


@pytest.fixture
def three(indexes, make_article, catch_up):
    made = [make_article(title=f"Bài hậu cần {n}", slug=f"hau-can-{n}", body=f"Công tác hậu cần số {n}.")
            for n in range(3)]
    catch_up()
    return made


def test_index_check_finds_a_removed_document_and_fix_restores_it(cli, api, service, three):
    assert cli("index-check").exit_code == 0
    removed = three[1]
    writer = service.stores["public"].index().writer()
    writer.delete_by_term("key", f"article:{removed.id}")
    writer.commit()
    assert "hau-can-1" not in found(api, "hậu cần")

    result = cli("index-check")
    assert result.exit_code == 1, result.output
    assert "Chỉ mục public: thiếu 1, thừa 0, cũ 0" in result.output
    assert f"article:{removed.id}" in result.output

    fixed = cli("index-check", "--fix")
    assert fixed.exit_code == 0, fixed.output
    assert "Đã sửa 1 tài liệu" in fixed.output
    assert cli("index-check").exit_code == 0
    assert sorted(found(api, "hậu cần")) == ["hau-can-0", "hau-can-1", "hau-can-2"]


def test_index_check_finds_changes_made_behind_the_outbox(cli, api, three):
    stale, extra = three[0], three[2]
    # Written straight to the database (as a restore or a hand-made SQL fix would): no outbox row.
    Article.update(title="Bài kho bạc", body_html="<p>Kho bạc.</p>", updated_at=utcnow()).where(
        Article.id == stale.id).execute()
    Article.update(status=Article.DRAFT).where(Article.id == extra.id).execute()
    result = cli("index-check")
    assert result.exit_code == 1
    assert "Chỉ mục public: thiếu 0, thừa 1, cũ 1" in result.output
    assert "hau-can-2" not in found(api, "hậu cần")  # the database still decides what is shown
    assert cli("index-check", "--fix").exit_code == 0
    assert cli("index-check").exit_code == 0
    assert found(api, "kho bạc") == ["hau-can-0"]
    assert api("hậu cần")["total"] == 1 and found(api, "hậu cần") == ["hau-can-1"]


def test_search_answers_during_and_after_a_reindex(app, cli, api, service, three):
    """An already open PublicSearch answers from the old index while the new one fills, then the new."""
    store, public = service.stores["public"], service.public
    before = store.current_dir()
    assert public.search("hậu cần").total == 3
    seen = []

    class WatchedSource:
        """The article source, searching each time the rebuild asks it for documents."""

        def __init__(self, inner):
            self.inner, self.doc_type = inner, inner.doc_type

        def all_ids(self):
            return self.inner.all_ids()

        def load(self, ids):
            seen.append((store.current_dir(), public.search("hậu cần").total))
            return self.inner.load(ids)

        def stamps(self, index_name):
            return self.inner.stamps(index_name)

    with app.app_context(), connected():
        Article.update(title="Bài kho bạc", body_html="<p>Kho bạc.</p>").where(
            Article.id == three[0].id).execute()
        sync.rebuild(store, {"article": WatchedSource(service.sources["article"])})
    assert seen == [(before, 3)]  # mid-rebuild: the old directory, every answer still there
    rebuilt = store.current_dir()
    assert rebuilt != before and rebuilt.parent == before.parent
    assert public.search("hậu cần").total == 2  # the same object now reads the new index
    assert public.search("kho bạc").total == 1

    result = cli("reindex")  # the command does the same for both indexes
    assert result.exit_code == 0, result.output
    assert "Chỉ mục public: 3 tài liệu" in result.output and "Chỉ mục internal: 3 tài liệu" in result.output
    assert store.current_dir() not in (before, rebuilt)
    assert store.link.is_symlink() and store.exists()
    assert sorted(found(api, "hậu cần")) == ["hau-can-1", "hau-can-2"]
    assert public.search("kho bạc").total == 1
    assert cli("index-check").exit_code == 0


def break_index(store, how):
    if how == "directory removed":
        shutil.rmtree(store.current_dir())
    elif how == "link removed":
        store.link.unlink()
    elif how == "table of contents corrupt":
        for toc in store.current_dir().glob("*.toc"):
            toc.write_bytes(b"\x00 not an index \xff" * 10)


@pytest.mark.parametrize("how", [
    "directory removed", "link removed",
    "table of contents corrupt",
])
def test_a_broken_index_gives_a_friendly_page_and_index_check_restores_it(client, api, cli, service,
                                                                           three, make_article, how):
    break_index(service.stores["public"], how)
    page = get_page(client, "/tim-kiem?q=hậu+cần")
    assert UNAVAILABLE in page.text
    response = client.get("/api/search?q=hậu+cần")
    assert response.status_code == 503 and UNAVAILABLE in response.get_json()["error"]
    assert get_page(client, "/").find("main")  # the rest of the site reads on
    article_page = get_page(client, "/bai-viet/hau-can-0")
    assert "Bài hậu cần 0" in article_page.text and not article_page.find("section", cls="related")
    make_article(title="Bài viết trong lúc hỏng", slug="trong-luc-hong", body="Hậu cần mới.")  # saving works
    assert client.get("/tim-kiem?q=x").status_code == 200

    checked = cli("index-check")
    assert checked.exit_code == 1 and "Chỉ mục public: không dùng được" in checked.output
    fixed = cli("index-check", "--fix")
    assert fixed.exit_code == 0, fixed.output
    assert "Đã dựng lại: 4 tài liệu" in fixed.output
    assert cli("index-check").exit_code == 0
    assert sorted(found(api, "hậu cần")) == ["hau-can-0", "hau-can-1", "hau-can-2", "trong-luc-hong"]


def test_a_site_whose_index_was_never_built_says_search_is_not_ready(client, db, make_article):
    make_article(title="Bài đầu tiên", slug="bai-dau-tien")
    assert UNAVAILABLE in get_page(client, "/tim-kiem?q=bài").text
    assert client.get("/api/search?q=bài").status_code == 503
    assert get_page(client, "/bai-viet/bai-dau-tien").find("h1")


def test_a_held_writer_lock_blocks_neither_saving_nor_searching(api, service, three, make_article):
    public_writer = service.stores["public"].index().writer()  # as if another worker were writing
    internal_writer = service.stores["internal"].index().writer()
    try:
        added = make_article(title="Bài trong lúc khóa", slug="trong-luc-khoa", body="Hậu cần thêm.")
        assert Article.get_by_id(added.id).slug == "trong-luc-khoa"  # the save went through
        data = api("hậu cần", per_page=50)  # the search answers from the index as it stands
        assert sorted(result_slugs(data)) == ["hau-can-0", "hau-can-1", "hau-can-2"]
    finally:
        public_writer.cancel()
        internal_writer.cancel()
    assert "trong-luc-khoa" in found(api, "hậu cần")  # applied by the next search, nothing lost
    assert service.stores["public"].position() == service.stores["internal"].position()


def test_an_index_built_by_an_older_version_without_a_field_is_rebuilt_by_index_check_fix(
        cli, service, three, monkeypatch):
    """An upgrade that adds a field (the internal index's `related`, for the units before and after
    a visit's) must not leave an index that answers but never finds what the field holds."""
    from whoosh import index as whoosh_index

    import search_index.store as store_module
    store = service.stores["internal"]
    older = store_module.SCHEMAS["internal"]()
    older.remove("related")
    older.remove("related_f")
    path = store._new_dir()
    whoosh_index.create_in(str(path), older)
    store._point_link_at(path)
    assert store.schema_outdated()
    result = cli("index-check")
    assert result.exit_code == 1 and "cấu trúc chỉ mục đã đổi" in result.output
    fixed = cli("index-check", "--fix")
    assert fixed.exit_code == 0, fixed.output
    assert not store.schema_outdated() and "related" in store.index().schema.names()
