"""The editor's path in Chromium: log in, upload an image to the library, write an article with the
live Markdown preview (a heading, a table and the image), give it a cover image, publish it, and
see it on the public site with its pictures loaded."""

import io
import re

from browserkit import broken_images, login
from PIL import Image
from playwright.sync_api import expect

TITLE = "Hội nghị giao ban công tác đi cơ sở quý IV tại huyện Quỳ Hợp"
CAPTION = "Đoàn công tác làm việc tại xã Châu Quang"


def png(color, size=(1200, 700)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return {"name": "anh-chau-quang.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def test_editor_writes_with_preview_uploads_publishes(desktop, live_site, new_page):
    page = desktop
    login(page, "bientap", live_site.password)
    expect(page.locator("body")).to_contain_text("Trần Thị Biên")

    # 1. The image goes into the library, which offers the Markdown to paste.
    page.goto("/admin/media/new/")
    page.get_by_label("Chú thích ảnh").fill(CAPTION)
    page.get_by_label("Tệp ảnh").set_input_files(png((30, 90, 160)))
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.wait_for_url(re.compile(r"/admin/media/(\?.*)?$"))
    snippet = page.locator("code.md-snippet", has_text=CAPTION).first.inner_text()
    image_url = re.search(r"\((/media/[^)]+)\)", snippet).group(1)

    # 2. The article, written with the live preview beside it.
    page.goto("/admin/article/new/")
    page.get_by_label("Tiêu đề").fill(TITLE)
    page.get_by_label("Chuyên mục").select_option(label="Tin hoạt động")
    page.get_by_label("Sapo").fill("Giao ban kết quả đi cơ sở của các phòng trong quý IV.")
    body = page.locator("textarea#body")
    body.fill("## Kết quả chính\n\nCác đoàn đã làm việc tại 12 xã.\n\n"
              "| Phòng | Số đợt |\n|:---|---:|\n| Tổ chức đảng | 5 |\n\n"
              f"{snippet}\n\n<script>document.title='hacked'</script>\n")
    preview = page.locator("#preview")
    expect(preview.locator("h2")).to_have_text("Kết quả chính")
    expect(preview.locator("table td").nth(1)).to_have_text("5")
    expect(preview.locator(f'img[src="{image_url}"]')).to_have_attribute("alt", CAPTION)
    expect(preview.locator("script")).to_have_count(0)
    # The toolbar writes Markdown at the cursor, and the preview follows.
    body.press("End")
    page.get_by_role("toolbar", name="Định dạng nội dung").get_by_role("button", name="Đậm").click()
    expect(preview.locator("strong")).to_have_text("chữ đậm")
    page.get_by_label("Từ khóa").fill("đi cơ sở, Quỳ Hợp")
    page.get_by_label("Tải ảnh đại diện lên").set_input_files(png((200, 40, 40)))
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".alert").first).to_be_visible()
    assert page.title() != "hacked"

    # 3. Publish it now from its edit page.
    page.goto("/admin/article/")
    page.get_by_role("link", name=TITLE).first.click()
    if "/details/" in page.url:
        page.get_by_role("link", name="Sửa bài").click()
    page.get_by_role("button", name="Xuất bản / lên lịch").click()
    expect(page.locator(".alert", has_text="Đã thực hiện")).to_be_visible()
    expect(page.locator(".badge.status-published")).to_be_visible()

    # 4. A reader (no session) finds it on the home page and reads it, pictures loaded.
    reader = new_page()
    reader.goto("/")
    link = reader.get_by_role("link", name=TITLE).first
    expect(link).to_be_visible()
    # Its cover, resized from the upload, shows beside it.
    covers = reader.locator("article", has=reader.get_by_role("link", name=TITLE)).locator("img")
    expect(covers.first).to_be_visible()
    assert broken_images(reader) == []
    link.click()
    reader.wait_for_url("**/bai-viet/**")
    expect(reader.locator("h1")).to_have_text(TITLE)
    article = reader.locator(".article-body")
    expect(article.locator("h2")).to_have_text("Kết quả chính")
    expect(article.locator(f'img[src="{image_url}"]')).to_be_visible()
    expect(article.locator("script")).to_have_count(0)
    assert broken_images(reader) == []
    assert reader.evaluate(f"document.querySelector('img[src=\"{image_url}\"]').naturalWidth") > 0
    assert reader.title() != "hacked"
    # Its tag page lists it too.
    reader.get_by_role("link", name="Quỳ Hợp", exact=True).click()
    reader.wait_for_url("**/the/quy-hop")
    expect(reader.get_by_role("link", name=TITLE).first).to_be_visible()
    # No script failed and nothing was refused by the Content-Security-Policy, on either side.
    assert page.errors == [] and reader.errors == []
