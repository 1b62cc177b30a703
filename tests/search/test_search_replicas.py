"""Several app servers on one database: each keeps its own index copy (in its own data dir) fed by
the shared outbox at its own position, so an edit made through one is found by search on the
other; and an outbox row that commits after a later one is never skipped."""

from datetime import timedelta

from searchkit import TEST_DATABASE_URL, connected

from app import create_app
from cms.db import database
from cms.migrations import migrate
from cms.models import Article, Category, IndexTask
from cms.timeutil import utcnow
from search_index import sync


def _server(data_dir, url):
    return create_app({"TESTING": True, "CMS_DATA_DIR": data_dir, "SECRET_KEY": "test-secret",
                       "SERVER_NAME": "localhost", "DATABASE_URL": url})


def _titles(server, text):
    data = server.test_client().get("/api/search", query_string={"q": text}).get_json()
    return [result["title"] for result in data["results"]]


def test_an_edit_through_one_server_is_found_by_search_on_the_other(tmp_path):
    url = TEST_DATABASE_URL or f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    first = _server(tmp_path / "server-a", url)
    with first.app_context(), connected():
        tables = database.get_tables()
        if tables and TEST_DATABASE_URL:
            names = ", ".join(f'"{t}"' for t in tables)
            database.execute_sql(f"DROP TABLE IF EXISTS {names} CASCADE")
        migrate()
    second = _server(tmp_path / "server-b", url)
    for server in (first, second):
        with server.app_context(), connected():
            for store in server.extensions["search"].stores.values():
                sync.rebuild(store, server.extensions["search"].sources)
    assert (tmp_path / "server-a") != (tmp_path / "server-b")

    with first.app_context(), connected():
        category = Category.create(name="Xây dựng Đảng")
        article = Article.create(title="Hội nghị giao ban công tác tổ chức quý IV", category=category,
                                 body="Ban Tổ chức Huyện ủy Quỳ Hợp báo cáo kết quả rà soát quy hoạch.",
                                 status=Article.PUBLISHED, published_at=utcnow() - timedelta(hours=1))
    assert _titles(second, "giao ban quy hop") == ["Hội nghị giao ban công tác tổ chức quý IV"]

    with second.app_context(), connected():
        article = Article.get_by_id(article.id)
        article.title = "Hội nghị giao ban công tác tổ chức năm 2026"
        article.save()
    assert _titles(first, "giao ban") == ["Hội nghị giao ban công tác tổ chức năm 2026"]
    assert _titles(second, "giao ban") == ["Hội nghị giao ban công tác tổ chức năm 2026"]
    # Each server keeps its own copy and its own place in the outbox.
    positions = [server.extensions["search"].stores["public"].position() for server in (first, second)]
    with first.app_context(), connected():
        newest = IndexTask.select(IndexTask.id).order_by(IndexTask.id.desc()).scalar()
    assert positions == [newest, newest]


class _Row:
    def __init__(self, id, seconds_ago):
        self.id, self.created_at = id, utcnow() - timedelta(seconds=seconds_ago)


def test_the_position_waits_at_a_missing_id_until_it_is_old_enough_to_be_a_rollback():
    assert sync.settled_position(10, [_Row(11, 1), _Row(12, 1)]) == 12
    assert sync.settled_position(10, [_Row(12, 1), _Row(13, 1)]) == 10  # 11 may still commit
    assert sync.settled_position(10, [_Row(11, 1), _Row(13, 1)]) == 11
    assert sync.settled_position(10, [_Row(13, 300), _Row(14, 1)]) == 14  # 11, 12: rolled back long ago


def test_a_row_committed_after_a_later_one_still_reaches_the_index(app, db, indexes, catch_up, client):
    category = Category.create(name="Xây dựng Đảng")
    early = Article.create(title="Thông báo lịch tiếp công dân", category=category, status=Article.PUBLISHED,
                           published_at=utcnow() - timedelta(hours=2))
    late = Article.create(title="Kế hoạch kiểm tra chi bộ", category=category, status=Article.PUBLISHED,
                          published_at=utcnow() - timedelta(hours=1))
    catch_up()
    store = indexes.stores["public"]
    start = store.position()
    # Two saves at once: the second's outbox row (a higher id) commits first. (Written here as the
    # rows and the changes they announce, with the ids the database would have handed out.)
    Article.update(title="Kế hoạch kiểm tra chi bộ quý I").where(Article.id == late.id).execute()
    IndexTask.insert(id=start + 2, doc_type="article", doc_id=late.id).execute()
    catch_up()
    assert store.position() == start  # id start + 1 may still commit
    assert "Kế hoạch kiểm tra chi bộ quý I" in [r["title"] for r in client.get(
        "/api/search", query_string={"q": "kiem tra"}).get_json()["results"]]
    Article.update(title="Thông báo lịch tiếp công dân tháng 12").where(Article.id == early.id).execute()
    IndexTask.insert(id=start + 1, doc_type="article", doc_id=early.id).execute()
    catch_up()
    assert store.position() == start + 2
    assert [r["title"] for r in client.get("/api/search", query_string={"q": "tiep cong dan"}).get_json()[
        "results"]] == ["Thông báo lịch tiếp công dân tháng 12"]


def test_servers_sharing_an_uploads_directory_serve_each_others_files(tmp_path):
    from cms.config import uploads_dir

    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    shared = tmp_path / "uploads-shared"
    first, second = (create_app({"TESTING": True, "CMS_DATA_DIR": tmp_path / name, "SECRET_KEY": "s",
                                 "DATABASE_URL": url, "CMS_UPLOADS_DIR": shared})
                     for name in ("server-a", "server-b"))
    with first.app_context():
        (uploads_dir(first) / "media").mkdir(parents=True, exist_ok=True)
        (uploads_dir(first) / "media" / "bao-cao.txt").write_text("Báo cáo", encoding="utf-8")
    assert uploads_dir(second) == shared
    with second.app_context(), connected():
        migrate()
    assert second.test_client().get("/media/media/bao-cao.txt").status_code == 200
