"""The whole path of an article: a staff member writes it (with a table and an uploaded image),
previews it, submits it; an editor publishes it; readers find it on the public site."""

import html
import re

from backoffice import (
    article_form,
    csrf_from,
    image_bytes,
    input_value,
    location,
    login,
    text_of,
    upload_field,
)

from cms.models import Article, Category

TITLE = "Kết quả đi cơ sở quý I tại huyện Nghi Lộc"
TABLE = """| Đơn vị | Số buổi | Ghi chú |
|:-------|--------:|---------|
| Xã Nghi Phong | 4 | Kết hợp nhiều nội dung |
| Xã Nghi Thái | 3 | Đã phối hợp với Ban Tuyên giáo |"""


def test_staff_writes_editor_publishes_readers_see_it(app, users):
    category = Category.create(name="Đi cơ sở")
    staff = app.test_client()
    assert login(staff, "chuyenvien").headers["Location"] == "/admin/"

    # 1. The image goes into the media library; its list offers the Markdown to paste.
    form_page = text_of(staff.get("/admin/media/new/"))
    response = staff.post("/admin/media/new/", content_type="multipart/form-data", data={
        "csrf_token": csrf_from(form_page), "title": "Đoàn công tác tại xã Nghi Phong",
        "upload": upload_field(image_bytes("PNG", size=(1400, 900)), "nghi-phong.png")})
    assert response.status_code == 302
    library = text_of(staff.get("/admin/media/"))
    snippet = html.unescape(re.search(r'<code class="md-snippet">(.*?)</code>', library).group(1))
    image_url = re.search(r"\((/media/[^)]+)\)", snippet).group(1)
    assert snippet.startswith("![Đoàn công tác tại xã Nghi Phong](") and image_url.endswith("-article.png")

    # 2. The article, with a table, the image and some things the sanitizer must remove.
    body = (f"Trong quý I, đoàn công tác đã làm việc tại các xã sau.\n\n{TABLE}\n\n{snippet}\n\n"
            "<script>alert('xss')</script>\n\n[Liên kết lạ](javascript:alert(1))\n")
    form_page = text_of(staff.get("/admin/article/new/"))
    assert 'data-preview-url="/admin/article/preview"' in form_page
    response = staff.post("/admin/article/new/", data=article_form(
        category.id, TITLE, body=body, lead="Tóm tắt kết quả đi cơ sở.", tags_text="đi cơ sở, Nghi Lộc",
        csrf_token=csrf_from(form_page)))
    assert response.status_code == 302
    article = Article.get(Article.title == TITLE)
    assert (article.status, article.owner_id) == ("draft", users["staff"].id)

    # 3. The live preview, rendered by the server as the public page will be.
    edit_page = text_of(staff.get(location(response)))
    token = csrf_from(edit_page)
    preview = staff.post("/admin/article/preview", data={"csrf_token": token, "body": body})
    assert preview.status_code == 200
    rendered = preview.get_json()["html"]
    assert "<table>" in rendered and '<td align="right">4</td>' in rendered
    assert f'src="{image_url}"' in rendered and 'alt="Đoàn công tác tại xã Nghi Phong"' in rendered
    assert "<script" not in rendered and "alert('xss')" not in rendered and "javascript:" not in rendered
    assert staff.post("/admin/article/preview", data={"body": body}).status_code == 400  # CSRF applies

    # 4. Submitted for review: out of the writer's hands, not yet public.
    assert 'name="name" value="submit"' in edit_page
    response = staff.post(f"/admin/article/transition/{article.id}",
                          data={"csrf_token": token, "name": "submit", "comment": "Kính trình duyệt"})
    assert response.status_code == 302
    assert "Đã thực hiện: Gửi duyệt." in text_of(staff.get(location(response)))
    assert staff.get(f"/admin/article/edit/?id={article.id}").status_code == 403
    reader = app.test_client()
    assert reader.get(f"/bai-viet/{article.slug}").status_code == 404

    # 5. An editor finds it waiting and publishes it.
    editor = app.test_client()
    login(editor, "bientap")
    dashboard = text_of(editor.get("/admin/"))
    assert TITLE in dashboard.split("Chờ duyệt", 1)[1].split("Đã lên lịch đăng", 1)[0]
    review_page = text_of(editor.get(f"/admin/article/edit/?id={article.id}"))
    assert input_value(review_page, "title") == TITLE
    response = editor.post(f"/admin/article/transition/{article.id}",
                           data={"csrf_token": csrf_from(review_page), "name": "publish", "published_at": ""})
    assert response.status_code == 302
    assert Article.get_by_id(article.id).status == "published"

    # 6. Readers see it on the home page, its category page, its tag page and its own page.
    assert TITLE in text_of(reader.get("/"))
    assert TITLE in text_of(reader.get(f"/chuyen-muc/{category.slug}"))
    assert TITLE in text_of(reader.get("/the/di-co-so"))
    page = text_of(reader.get(f"/bai-viet/{article.slug}"))
    assert TITLE in page and "<table>" in page and "Xã Nghi Phong" in page
    assert f'src="{image_url}"' in page
    assert "alert('xss')" not in page and "javascript:alert" not in page
    image = reader.get(image_url)
    assert image.status_code == 200 and image.mimetype == "image/png"
