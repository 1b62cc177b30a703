"""Search result pages are cached like other public pages, and never stale.

A result page is stored only when the public index has applied every outbox row, and it is keyed
on the site version, so a publish, an edit or an unpublish changes the answer at once, in this
worker and in any other.
"""

from datetime import timedelta

from app import create_app
from cms.db import database
from cms.models import Article
from cms.timeutil import utcnow


def another_worker(app):
    """A second app on the same data dir and database, with a page cache of its own."""
    if not database.is_closed():
        database.close()  # create_app binds the models to a new Database object
    keys = ("TESTING", "CMS_DATA_DIR", "SECRET_KEY", "SERVER_NAME", "DATABASE_URL")
    return create_app({key: app.config[key] for key in keys})


def _titles(response):
    return response.get_data(as_text=True)


def test_a_repeated_search_is_served_from_the_cache_with_a_validator(client, app, indexes,
                                                                    make_article):
    make_article(title="Hội nghị quân dân chính", slug="hoi-nghi", body="Bàn về hậu cần.")
    first = client.get("/tim-kiem?q=hau+can")
    assert first.status_code == 200 and "Hội nghị quân dân chính" in _titles(first)
    assert first.headers.get("ETag")
    stored = len(app.extensions["page_cache"])
    again = client.get("/tim-kiem?q=hau+can&utm_source=x")  # made-up arguments share the entry
    assert again.get_data() == first.get_data()
    assert len(app.extensions["page_cache"]) == stored
    assert client.get("/tim-kiem?q=hau+can", headers={"If-None-Match": first.headers["ETag"]}
                      ).status_code == 304
    other_query = client.get("/tim-kiem?q=quan+dan")
    assert len(app.extensions["page_cache"]) == stored + 1 and other_query.status_code == 200


def test_cached_results_change_at_once_after_publish_edit_and_unpublish(client, app, indexes,
                                                                       make_article):
    other_worker = another_worker(app).test_client()
    make_article(title="Tập huấn nghiệp vụ kho bạc", slug="tap-huan", body="Lớp học kho bạc.")
    for reader in (client, other_worker):
        assert "Tập huấn nghiệp vụ kho bạc" in _titles(reader.get("/tim-kiem?q=kho+bac"))
    etag = client.get("/tim-kiem?q=kho+bac").headers["ETag"]

    article = make_article(title="Kiểm kê kho bạc cuối năm", slug="kiem-ke", body="Kho bạc.")
    for reader in (client, other_worker):  # publish
        response = reader.get("/tim-kiem?q=kho+bac", headers={"If-None-Match": etag})
        assert response.status_code == 200 and "Kiểm kê kho bạc cuối năm" in _titles(response)

    article.title = "Quyết toán kho bạc cuối năm"
    article.save()  # edit
    for reader in (client, other_worker):
        page = _titles(reader.get("/tim-kiem?q=kho+bac"))
        assert "Quyết toán kho bạc cuối năm" in page and "Kiểm kê" not in page

    article.status = Article.ARCHIVED
    article.save()  # unpublish
    for reader in (client, other_worker):
        page = _titles(reader.get("/tim-kiem?q=kho+bac"))
        assert "Quyết toán kho bạc" not in page and "Tập huấn nghiệp vụ kho bạc" in page


def test_the_next_page_and_the_date_order_follow_a_publish(client, api, indexes, make_article):
    """Each query's matches are kept for the index's state (page 2 and the date order reuse them):
    a publish is a new state, so neither can show the older answer."""
    for n in range(12):
        make_article(title=f"Bồi dưỡng lý luận chính trị khóa {n}", slug=f"boi-duong-{n}",
                     body="Lớp bồi dưỡng lý luận chính trị cho đảng viên trẻ.",
                     published_at=utcnow() - timedelta(hours=30 + n))
    assert api("boi duong", per_page=10, page=2)["total"] == 12
    newest = api("boi duong", per_page=10, sort="date")["results"][0]["url"]
    assert newest.endswith("/boi-duong-0")

    make_article(title="Bồi dưỡng lý luận chính trị khóa mới nhất", slug="boi-duong-moi",
                 body="Lớp bồi dưỡng lý luận chính trị vừa khai giảng.",
                 published_at=utcnow() - timedelta(minutes=5))
    second_page = api("boi duong", per_page=10, page=2)
    assert second_page["total"] == 13 and len(second_page["results"]) == 3
    assert api("boi duong", per_page=10, sort="date")["results"][0]["url"].endswith("/boi-duong-moi")
