"""The public index follows every change, and nothing non-public reaches a reader through search."""

from datetime import timedelta

import pytest
from htmlpage import get_page
from searchkit import connected, result_slugs

from cms.models import Article, IndexTask, Tag
from cms.timeutil import utcnow
from search_index.store import IndexStore


def indexed_keys(store):
    with store.index().searcher() as searcher:
        return {fields["key"] for fields in searcher.all_stored_fields()}


def found(api, text):
    return result_slugs(api(text, per_page=50))


def test_the_index_follows_an_article_through_its_life(api, service, indexes, make_article):
    public, internal = service.stores["public"], service.stores["internal"]
    article = make_article(title="Hội nghị quân dân", slug="hoi-nghi", body="Bàn về công tác hậu cần.")
    key = f"article:{article.id}"
    assert found(api, "hậu cần") == ["hoi-nghi"]  # create
    assert key in indexed_keys(public) and key in indexed_keys(internal)

    article.body = "Bàn về công tác kho bạc."
    article.save()  # edit
    assert found(api, "hậu cần") == [] and found(api, "kho bạc") == ["hoi-nghi"]
    article.title = "Hội nghị tổng kết"
    article.save()
    assert found(api, "quân dân") == [] and found(api, "tổng kết") == ["hoi-nghi"]

    for status in (Article.DRAFT, Article.PENDING, Article.ARCHIVED):
        article.status = Article.PUBLISHED
        article.save()  # publish: a status change and a save
        assert found(api, "kho bạc") == ["hoi-nghi"], status
        article.status = status
        article.save()  # unpublish, send back for review, archive
        assert found(api, "kho bạc") == [], status
        assert api("kho bạc")["total"] == 0
        assert key not in indexed_keys(public) and key in indexed_keys(internal), status

    article.status = Article.PUBLISHED
    article.save()
    assert found(api, "kho bạc") == ["hoi-nghi"]
    article.delete_instance()  # delete
    assert found(api, "kho bạc") == [] and api("kho bạc")["total"] == 0
    assert key not in indexed_keys(public) and key not in indexed_keys(internal)


def test_a_category_rename_or_move_reaches_its_articles(api, indexes, make_category, make_article):
    parent = make_category("Xây dựng Đảng")
    category = make_category("Công tác dân vận")
    make_article(title="Gặp gỡ bà con", slug="gap-go", category=category, body="Lắng nghe ý kiến.")
    assert found(api, "dân vận") == ["gap-go"]  # the category's name is searchable text
    assert api("lắng nghe")["results"][0]["category"] == "Công tác dân vận"
    category.name = "Công tác mặt trận"
    category.save()
    assert found(api, "dân vận") == []
    assert found(api, "mặt trận") == ["gap-go"]
    assert api("lắng nghe")["results"][0]["category"] == "Công tác mặt trận"
    assert result_slugs(api("lắng nghe", **{"chuyen-muc": "xay-dung-dang"})) == []
    category.parent = parent
    category.save()  # moved under another category: the parent's filter finds its articles
    assert result_slugs(api("lắng nghe", **{"chuyen-muc": "xay-dung-dang"})) == ["gap-go"]


def test_a_tag_rename_reaches_its_articles(api, indexes, make_article):
    article = make_article(title="Gặp gỡ bà con", slug="gap-go", body="Lắng nghe ý kiến.")
    article.set_tags(["dân vận"])
    article.save()
    assert found(api, "dân vận") == ["gap-go"]
    tag = Tag.get(Tag.name == "dân vận")
    tag.name = "mặt trận"
    tag.save()
    assert found(api, "mặt trận") == ["gap-go"]


HIDDEN_STATES = {
    "draft": {"status": Article.DRAFT, "published_at": -1},
    "draft-undated": {"status": Article.DRAFT, "published_at": None},
    "pending": {"status": Article.PENDING, "published_at": -1},
    "archived": {"status": Article.ARCHIVED, "published_at": -2},
    "scheduled": {"status": Article.PUBLISHED, "published_at": +3},
}


@pytest.fixture
def hidden(indexes, make_article, catch_up):
    """A public article and, beside it, a non-public twin in every state (all with the same words)."""
    now = utcnow()
    public = make_article(title="Kế hoạch nhân sự Quỳnh Lưu", slug="cong-khai",
                          published_at=now - timedelta(days=3),
                          lead="Kế hoạch nhân sự của huyện Quỳnh Lưu năm nay.",
                          body="Kế hoạch nhân sự, luân chuyển cán bộ và đào tạo ở Quỳnh Lưu.")
    twins = {}
    for state, fields in HIDDEN_STATES.items():
        offset = fields["published_at"]
        twins[state] = make_article(
            title=f"Tuyệt mật zetamật {state}", slug=f"an-{state}", status=fields["status"],
            published_at=None if offset is None else now + timedelta(hours=offset),
            lead="Kế hoạch nhân sự tuyệt mật zetamật của huyện Quỳnh Lưu.",
            body=f"Kế hoạch nhân sự, luân chuyển cán bộ và đào tạo ở Quỳnh Lưu. Bản {state} zetamật.")
    catch_up()
    return public, twins


def test_non_public_articles_never_reach_a_reader_through_search(client, api, hidden):
    public, twins = hidden
    for text in ("kế hoạch nhân sự", "Quỳnh Lưu", "quynh luu", "luân chuyển cán bộ", '"nhân sự"'):
        data = api(text, per_page=50)
        assert result_slugs(data) == ["cong-khai"], text  # results
        assert data["total"] == 1, text  # counts
        assert "zetam" not in str(data) and "Tuyệt mật" not in str(data)  # snippets
        page = get_page(client, f"/tim-kiem?q={text}")
        assert "zetam" not in page.html and "Tuyệt mật" not in page.html
        assert page.find("p", cls="search-summary").text == "Tìm thấy 1 bài viết."
    for text in ("zetamật", "zetamat", "tuyệt mật", "ZETAMẬT", "scheduled", "pending"):
        data = api(text)
        assert (data["total"], data["results"]) == (0, []), text
    service = client.application.extensions["search"]
    for typo in ("zetamatt", "zetamaat", "zetmat", "tuyeet zetamat"):  # suggestions
        page = get_page(client, f"/tim-kiem?q={typo}")
        assert "Có phải bạn muốn tìm" not in page.text, typo
        assert "zetamật" not in page.html
        assert service.public.search(typo).suggestion == "", typo
    page = get_page(client, "/bai-viet/cong-khai")  # related articles
    related = page.find("section", cls="related")
    assert related is None or not [slug for slug in related.article_slugs() if slug.startswith("an-")]
    assert "zetam" not in page.html and "Tuyệt mật" not in page.html
    # The drafts are in the internal index only; the scheduled twin waits in the public one.
    assert {f"article:{twin.id}" for twin in twins.values()} <= indexed_keys(service.stores["internal"])
    assert indexed_keys(service.stores["public"]) == {f"article:{public.id}",
                                                      f"article:{twins['scheduled'].id}"}


def test_counts_never_include_a_scheduled_article_behind_an_empty_filter(client, api, indexes,
                                                                          make_category, make_article):
    make_article(title="Bài công khai", slug="cong-khai", body="Tin công khai.")
    upcoming = make_category("Tin sắp đăng")
    make_article(title="Thông báo tuyển dụng", slug="sap-dang", category=upcoming,
                 published_at=utcnow() + timedelta(days=400), body="Thông báo tuyển dụng công chức.")
    next_year = (utcnow() + timedelta(days=400)).year
    assert api("tuyển dụng")["total"] == 0
    assert api("tuyển dụng", **{"chuyen-muc": "tin-sap-dang"})["total"] == 0
    assert api("tuyển dụng", nam=next_year)["total"] == 0
    page = get_page(client, f"/tim-kiem?q=tuyển+dụng&nam={next_year}")
    assert "Tìm thấy" not in page.text


def test_a_scheduled_article_becomes_findable_when_its_time_comes(client, api, indexes, make_article,
                                                                   monkeypatch):
    now = utcnow().replace(microsecond=0)
    make_article(title="Lễ kỷ niệm ngày thành lập", slug="hen-gio", published_at=now + timedelta(hours=1),
                 body="Kỷ niệm 95 năm ngày truyền thống ngành tổ chức xây dựng Đảng.")
    assert api("kỷ niệm")["total"] == 0
    assert client.get("/bai-viet/hen-gio").status_code == 404
    later = now + timedelta(hours=2)
    monkeypatch.setattr("cms.models.utcnow", lambda: later)
    monkeypatch.setattr("cms.search_views.utcnow", lambda: later)
    assert result_slugs(api("kỷ niệm")) == ["hen-gio"]  # no reindex, no cron
    assert api("ky niem 95")["total"] == 1
    assert client.get("/bai-viet/hen-gio").status_code == 200


def test_public_search_holds_only_the_public_index(demo):
    service = demo.service
    held = [value for value in vars(service.public).values() if isinstance(value, IndexStore)]
    assert held == [service.stores["public"]]
    assert service.stores["public"].name == "public"
    internal_dir = str(service.stores["internal"].current_dir())
    assert internal_dir not in repr(vars(service.public))


@pytest.fixture
def topic(indexes, make_category, make_article, catch_up):
    """Seven articles on rotating officials (one a draft), in two categories (a related list leaves
    out what "Tin cùng chuyên mục" lists), three on other things."""
    category = make_category("Công tác cán bộ")
    other = make_category("Tin hoạt động")
    base = "Luân chuyển cán bộ về cơ sở giúp cán bộ trẻ rèn luyện qua thực tiễn, {}."
    extras = ["giữ chức vụ chủ chốt ở xã", "làm phó bí thư đảng ủy xã", "về huyện miền núi",
              "từ các sở ngành về huyện", "đánh giá sau luân chuyển", "chế độ hỗ trợ cán bộ luân chuyển"]
    made = [make_article(title=f"Luân chuyển cán bộ {n}", slug=f"luan-chuyen-{n}",
                         category=category if n % 2 == 0 else other,
                         body=base.format(extra) + " Luân chuyển cán bộ là khâu then chốt.")
            for n, extra in enumerate(extras)]
    make_article(title="Luân chuyển cán bộ (nháp)", slug="luan-chuyen-nhap", category=category,
                 status=Article.DRAFT, body=base.format("bản nháp chưa duyệt"))
    for n, text in enumerate(["Nuôi ong lấy mật ở bản vùng cao.", "Khám sức khỏe định kỳ cho hưu trí.",
                              "Lịch tiếp công dân tháng tới."]):
        make_article(title=f"Tin khác {n}", slug=f"tin-khac-{n}", category=other, body=text)
    catch_up()
    return made


def test_related_articles_are_up_to_five_alike_public_never_itself(client, topic, catch_up):
    page = get_page(client, "/bai-viet/luan-chuyen-0")
    assert page.find("section", cls="same-category")  # beside "Tin cùng chuyên mục"
    related = page.find("section", cls="related").article_slugs()
    assert 1 <= len(related) <= 5
    assert "luan-chuyen-0" not in related
    assert "luan-chuyen-nhap" not in related
    # The alike ones of the other category first ("Tin cùng chuyên mục" lists the others already).
    assert set(related[:3]) == {"luan-chuyen-1", "luan-chuyen-3", "luan-chuyen-5"}
    # Related lists are cached; an article unpublished since then still drops out at once.
    gone = Article.get(Article.slug == related[0])
    gone.status = Article.ARCHIVED
    gone.save()
    catch_up()
    again = get_page(client, "/bai-viet/luan-chuyen-0").find("section", cls="related")
    assert gone.slug not in (again.article_slugs() if again else [])


def test_related_lists_are_stored_for_every_worker_and_filled_by_the_command(
        app, client, cli, topic, monkeypatch):
    """`related-lists` computes each public article's list once; pages then read the stored lists
    (here Whoosh may not be asked again), in this worker and in a new one on the same data."""
    from app import create_app
    from cms.db import database
    from search_index import related

    result = cli("related-lists")
    assert result.exit_code == 0, result.output
    assert "9 bài" in result.output  # the public ones: not the draft
    expected = get_page(client, "/bai-viet/luan-chuyen-2").find("section", cls="related").article_slugs()
    assert expected

    def no_whoosh(*args, **kwargs):
        raise AssertionError("a stored related list was computed again")

    monkeypatch.setattr(related, "similar_ids", no_whoosh)
    database.close()
    keys = ("TESTING", "CMS_DATA_DIR", "SECRET_KEY", "SERVER_NAME", "DATABASE_URL")
    restarted = create_app({key: app.config[key] for key in keys})
    for slug in [f"luan-chuyen-{n}" for n in range(6)]:
        for worker in (app, restarted):
            page = get_page(worker.test_client(), f"/bai-viet/{slug}")
            assert page.find("section", cls="related"), slug
    assert get_page(restarted.test_client(), "/bai-viet/luan-chuyen-2").find(
        "section", cls="related").article_slugs() == expected


def test_the_outbox_is_written_in_the_change_s_transaction_and_applied_after_a_write_request(
        client, db, service, indexes, make_article):
    article = make_article(title="Bài có hàng đợi", slug="hang-doi")
    rows = list(IndexTask.select().where(IndexTask.doc_id == article.id))
    assert [(row.doc_type, row.action) for row in rows] == [("article", IndexTask.UPSERT)]
    before = IndexTask.select().count()
    with connected(), db.atomic() as transaction:
        article.title = "Đổi tên rồi bỏ"
        article.save()
        rolled_back = Article(title="Bài bị hủy", slug="bi-huy", category=article.category,
                              status=Article.PUBLISHED, published_at=utcnow())
        rolled_back.save()
        transaction.rollback()
    assert IndexTask.select().count() == before  # a rolled-back save leaves no index task
    assert Article.get_or_none(Article.slug == "bi-huy") is None

    # Nothing has searched yet: the row waits. Any write request applies it once its response closes.
    key = f"article:{article.id}"
    assert key not in indexed_keys(service.stores["public"])
    response = client.post("/tim-kiem")  # even one that is refused
    response.close()  # what the WSGI server does after sending it
    assert key in indexed_keys(service.stores["public"]) and key in indexed_keys(service.stores["internal"])
    assert service.stores["public"].position() == IndexTask.select().order_by(IndexTask.id.desc()).first().id

    article.delete_instance()
    assert IndexTask.select().order_by(IndexTask.id.desc()).first().action == IndexTask.DELETE
    client.get("/").close()  # a read request leaves the outbox to the next search or write
    assert key in indexed_keys(service.stores["public"])
    client.post("/dang-xuat").close()
    assert key not in indexed_keys(service.stores["public"])
