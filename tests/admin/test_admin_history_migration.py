"""A site made before every content kind had a workflow keeps its articles' history: the steps and
revisions in the old article-only tables move into the shared ones, readable on the history page."""

from admin.editorial import Revision, WorkflowEvent, _move_article_history
from cms.db import database


def test_old_article_history_moves_into_the_shared_tables(client_as, make_article, users):
    article = make_article(title="Bài viết từ phiên bản cũ", body="Bản hai", owner=users["editor"].id)
    for table in ("content_event", "content_revision"):
        database.execute_sql(f'DROP TABLE "{table}"')
    database.execute_sql('CREATE TABLE "workflow_event" (id INTEGER PRIMARY KEY, article_id INTEGER,'
                         ' actor_id INTEGER, from_status VARCHAR(20), to_status VARCHAR(20),'
                         ' comment TEXT, created_at TIMESTAMP)')
    database.execute_sql('CREATE TABLE "revision" (id INTEGER PRIMARY KEY, article_id INTEGER,'
                         ' number INTEGER, title VARCHAR(300), lead TEXT, body TEXT, author_id INTEGER,'
                         ' note VARCHAR(300), created_at TIMESTAMP)')
    p = database.param
    database.execute_sql(f'INSERT INTO "workflow_event" VALUES (1, {p}, {p}, {p}, {p}, {p}, {p})',
                         (article.id, users["editor"].id, "draft", "published", "Đăng ngay",
                          "2025-03-01 08:00:00"))
    for number, body in ((1, "Bản một"), (2, "Bản hai")):
        database.execute_sql(
            f'INSERT INTO "revision" VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p})',
            (number, article.id, number, "Bài viết từ phiên bản cũ", "Sapo", body, users["editor"].id,
             "Tạo mới" if number == 1 else "", "2025-03-01 07:00:00"))
    _move_article_history(database)
    assert "revision" not in database.get_tables() and "workflow_event" not in database.get_tables()
    revisions = list(Revision.of(article).order_by(Revision.number))
    assert [(r.number, r.value("body"), r.value("lead")) for r in revisions] == [
        (1, "Bản một", "Sapo"), (2, "Bản hai", "Sapo")]
    assert [(e.from_status, e.to_status, e.comment) for e in WorkflowEvent.of(article)] == [
        ("draft", "published", "Đăng ngay")]
    page = client_as("editor").get(f"/admin/article/revisions/{article.id}?a=1&b=2").get_data(as_text=True)
    assert "So sánh phiên bản 1 và 2" in page and "Đăng ngay" in page
