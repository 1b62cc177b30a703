"""Revisions (one per save, readable diff, restore) and two people saving the same article."""

import html
import re

import pytest
from backoffice import admin_token, article_form, input_value, location, text_of

from admin.editorial import Revision
from cms.audit import AuditEntry
from cms.models import Article, Category

CONFLICT = "Bản của bạn CHƯA được lưu"


def visible_text(page):
    """The page's text as a reader sees it (tags dropped, entities and non-breaking spaces resolved)."""
    text = html.unescape(re.sub(r"<[^>]+>", "", page)).replace("\xa0", " ")
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def category(app):
    return Category.create(name="Xây dựng Đảng")


def create_article(client, category, title, body, lead=""):
    response = client.post("/admin/article/new/", data=article_form(
        category.id, title, body=body, lead=lead, csrf_token=admin_token(client)))
    assert response.status_code == 302, text_of(response)
    return Article.get(Article.title == title)


def open_form(client, article):
    page = text_of(client.get(f"/admin/article/edit/?id={article.id}"))
    return {"csrf_token": admin_token(client), "expected_version": input_value(page, "expected_version")}


def save(client, article, opened, title, body, lead=""):
    return client.post(f"/admin/article/edit/?id={article.id}", data=article_form(
        article.category_id, title, body=body, lead=lead, **opened))


def revisions_of(article):
    return list(Revision.of(article).order_by(Revision.number))


# --- revisions -------------------------------------------------------------------------------------

def test_every_save_keeps_a_revision(client_as, category, users):
    editor = client_as("editor")
    article = create_article(editor, category, "Hội nghị sơ kết", "Đoạn mở đầu.")
    assert save(editor, article, open_form(editor, article), "Hội nghị sơ kết quý I",
                "Đoạn mở đầu.\n\nĐoạn thứ hai.").status_code == 302
    assert save(editor, article, open_form(editor, article), "Hội nghị sơ kết quý I",
                "Đoạn mở đầu đã sửa.\n\nĐoạn thứ hai.", lead="Sapo mới").status_code == 302
    revisions = revisions_of(article)
    assert [r.number for r in revisions] == [1, 2, 3]
    assert [r.title for r in revisions] == ["Hội nghị sơ kết", "Hội nghị sơ kết quý I",
                                            "Hội nghị sơ kết quý I"]
    assert revisions[2].value("body") == "Đoạn mở đầu đã sửa.\n\nĐoạn thứ hai."
    assert revisions[2].value("lead") == "Sapo mới"
    assert {r.author_id for r in revisions} == {users["editor"].id}
    assert revisions[0].note == "Tạo mới"
    page = visible_text(text_of(editor.get(f"/admin/article/revisions/{article.id}")))
    assert "Các phiên bản đã lưu" in page and page.count("Trần Thị Biên") >= 3


def test_the_diff_between_two_revisions_shows_what_changed(client_as, category):
    editor = client_as("editor")
    article = create_article(editor, category, "Đi cơ sở", "Đoàn công tác làm việc tại xã Nghi Phong.")
    save(editor, article, open_form(editor, article), "Đi cơ sở quý II",
         "Đoàn công tác làm việc tại xã Nghi Thái.\n\nMột đoạn mới được thêm.")
    response = editor.get(f"/admin/article/revisions/{article.id}?a=1&b=2")
    assert response.status_code == 200
    page = text_of(response)
    assert "So sánh phiên bản 1 và 2" in page
    diff = visible_text(page.split("So sánh phiên bản 1 và 2", 1)[1].split("Các phiên bản đã lưu", 1)[0])
    for text in ("Nghi Phong", "Nghi Thái", "Một đoạn mới được thêm.", "Đi cơ sở quý II"):
        assert text in diff
    # Without two revisions chosen there is no diff table.
    assert "So sánh phiên bản" not in text_of(editor.get(f"/admin/article/revisions/{article.id}?a=1&b=9"))


def test_the_diff_escapes_what_was_written(client_as, category):
    editor = client_as("editor")
    article = create_article(editor, category, "Bài thử", "Dòng một.")
    save(editor, article, open_form(editor, article), "Bài thử", "<script>alert('x')</script>")
    page = text_of(editor.get(f"/admin/article/revisions/{article.id}?a=1&b=2"))
    assert "<script>alert(" not in page


def test_restoring_an_old_revision_makes_a_new_one_and_the_public_page_shows_it(client_as, category, client):
    editor = client_as("editor")
    article = create_article(editor, category, "Kết quả đại hội", "Bản đầu: số liệu đúng.")
    editor.post(f"/admin/article/transition/{article.id}",
                data={"csrf_token": admin_token(editor), "name": "publish"})
    save(editor, article, open_form(editor, article), "Kết quả đại hội (sửa)", "Bản hai: số liệu sai.")
    public = text_of(client.get(f"/bai-viet/{article.slug}"))
    assert "Bản hai: số liệu sai." in public
    version_before = Article.get_by_id(article.id).version

    history = text_of(editor.get(f"/admin/article/revisions/{article.id}"))
    assert f'action="/admin/article/revisions/{article.id}/restore/1"' in history
    response = editor.post(f"/admin/article/revisions/{article.id}/restore/1",
                           data={"csrf_token": admin_token(editor)})
    assert response.status_code == 302
    assert "Đã khôi phục nội dung của phiên bản 1" in text_of(editor.get(location(response)))

    revisions = revisions_of(article)
    assert [r.number for r in revisions] == [1, 2, 3]
    assert (revisions[2].title, revisions[2].value("body")) == ("Kết quả đại hội", "Bản đầu: số liệu đúng.")
    assert revisions[2].note == "Khôi phục từ phiên bản 1"
    stored = Article.get_by_id(article.id)
    assert (stored.title, stored.body, stored.status) == ("Kết quả đại hội", "Bản đầu: số liệu đúng.",
                                                          "published")
    assert stored.version == version_before + 1
    public = text_of(client.get(f"/bai-viet/{stored.slug}"))
    assert "Bản đầu: số liệu đúng." in public and "Bản hai: số liệu sai." not in public
    entry = AuditEntry.get(AuditEntry.action == "restore")
    assert entry.object_id == str(article.id) and '"phiên bản": 1' in entry.details


def test_restoring_an_unknown_revision_is_not_found(client_as, category):
    editor = client_as("editor")
    article = create_article(editor, category, "Bài một phiên bản", "Nội dung.")
    response = editor.post(f"/admin/article/revisions/{article.id}/restore/7",
                           data={"csrf_token": admin_token(editor)})
    assert response.status_code == 404
    assert len(revisions_of(article)) == 1


# --- two people editing one article ---------------------------------------------------------------

def test_the_second_save_is_not_silently_overwriting_the_first(client_as, category, users):
    first, second = client_as("editor"), client_as("admin")
    article = create_article(first, category, "Bài hai người sửa", "Bản gốc.")
    opened_first, opened_second = open_form(first, article), open_form(second, article)
    assert opened_first["expected_version"] == opened_second["expected_version"]

    response = save(first, article, opened_first, "Bài hai người sửa", "Bản của người thứ nhất.")
    assert response.status_code == 302
    response = save(second, article, opened_second, "Bài hai người sửa", "Bản của người thứ hai.")
    assert response.status_code == 200
    page = text_of(response)
    assert CONFLICT in page and "Trần Thị Biên" in page  # who saved in between
    assert "Khác biệt giữa bản đã lưu và bản của bạn" in page
    diff = visible_text(page.split("Khác biệt giữa bản đã lưu và bản của bạn", 1)[1])
    assert "Bản của người thứ nhất." in diff and "Bản của người thứ hai." in diff
    stored = Article.get_by_id(article.id)
    assert stored.body == "Bản của người thứ nhất."
    assert len(revisions_of(article)) == 2  # no revision for the refused save
    # The form comes back with what they typed and the version now stored: saving again overwrites.
    assert "Bản của người thứ hai." in page
    assert input_value(page, "expected_version") == str(stored.version)
    again = {"csrf_token": admin_token(second), "expected_version": input_value(page, "expected_version")}
    assert save(second, article, again, "Bài hai người sửa", "Bản của người thứ hai.").status_code == 302
    assert Article.get_by_id(article.id).body == "Bản của người thứ hai."
    assert revisions_of(article)[-1].author_id == users["admin"].id


def test_a_workflow_step_in_between_also_makes_the_save_a_conflict(client_as, category):
    editor, admin = client_as("editor"), client_as("admin")
    article = create_article(editor, category, "Bài đang sửa", "Bản gốc.")
    opened = open_form(editor, article)
    admin.post(f"/admin/article/transition/{article.id}", data={"csrf_token": admin_token(admin),
                                                                "name": "publish"})
    response = save(editor, article, opened, "Bài đang sửa", "Bản sửa muộn.")
    assert response.status_code == 200 and CONFLICT in text_of(response)
    assert Article.get_by_id(article.id).body == "Bản gốc."


def test_a_save_without_the_version_is_refused_as_a_conflict(client_as, category):
    editor = client_as("editor")
    article = create_article(editor, category, "Bài không kèm phiên bản", "Bản gốc.")
    response = editor.post(f"/admin/article/edit/?id={article.id}", data=article_form(
        category.id, "Bài không kèm phiên bản", body="Ghi đè mù.", csrf_token=admin_token(editor)))
    assert response.status_code == 200 and CONFLICT in text_of(response)
    assert Article.get_by_id(article.id).body == "Bản gốc."
