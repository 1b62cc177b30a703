"""Importing Markdown files with front matter (`flask import-content PATH`): idempotent by slug,
a bad file named with its field while the others still go in."""

import re
from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
from htmlpage import assert_not_found, get_page

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}

GOOD = {
    "01-hoi-nghi.md": """---
title: Hội nghị sơ kết công tác tổ chức xây dựng Đảng
category: Xây dựng Đảng
published_at: 2024-05-12 00:30
author: Nguyễn Văn Hùng
lead: Hội nghị đánh giá kết quả sáu tháng đầu năm.
tags: [đảng viên, cơ sở]
status: published
---
## Kết quả nổi bật

Toàn tỉnh kết nạp **1.250** đảng viên mới.
""",
    "02-ket-nap.md": """---
title: Kết nạp đảng viên là học sinh
category: Phát triển đảng viên
published_at: 2024-06-01 08:00
lead: Chi bộ trường học tạo nguồn đảng viên trẻ.
tags: [đảng viên]
slug: ket-nap-hoc-sinh
featured: true
---
Thân bài về kết nạp đảng viên.
""",
    "03-nhap.md": """---
title: Bản nháp chưa đăng
category: Xây dựng Đảng
status: draft
---
Chưa duyệt.
""",
}


def write(folder, files):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def public_article_urls(client):
    root = ET.fromstring(client.get("/sitemap.xml").data)
    return sorted(loc.text for loc in root.findall("sm:url/sm:loc", SITEMAP_NS) if "/bai-viet/" in loc.text)


@pytest.fixture
def content(tmp_path):
    return write(tmp_path / "content", GOOD)


def test_good_folder_imports(cli, client, content):
    result = cli("import-content", content)
    assert result.exit_code == 0, result.output
    assert "Đã thêm 3 bài, cập nhật 0 bài, lỗi 0 tệp." in result.output
    assert public_article_urls(client) == [
        "http://localhost/bai-viet/hoi-nghi-so-ket-cong-tac-to-chuc-xay-dung-dang",
        "http://localhost/bai-viet/ket-nap-hoc-sinh",
    ]


def test_imported_article_reads_as_written(cli, client, content):
    cli("import-content", content)
    page = get_page(client, "/bai-viet/hoi-nghi-so-ket-cong-tac-to-chuc-xay-dung-dang")
    article = page.find("article", cls="article")
    assert article.find("h1").text == "Hội nghị sơ kết công tác tổ chức xây dựng Đảng"
    assert article.find(cls="article-lead").text == "Hội nghị đánh giá kết quả sáu tháng đầu năm."
    assert article.find(cls="article-body").find("h2").text == "Kết quả nổi bật"
    assert article.find(cls="byline").text == "Nguyễn Văn Hùng"
    assert article.find(cls="tags").links() == ["/the/co-so", "/the/dang-vien"]
    assert page.find(cls="breadcrumb").links() == ["/", "/chuyen-muc/xay-dung-dang"]


def test_published_at_is_read_as_vietnam_time(cli, client, content):
    """00:30 on 12/05 in Vietnam is still 11/05 in UTC: the page must say 12/05/2024."""
    cli("import-content", content)
    time = get_page(client, "/bai-viet/hoi-nghi-so-ket-cong-tac-to-chuc-xay-dung-dang") \
        .find(cls="article-meta").find("time")
    assert time.text == "12/05/2024"
    assert time.attrs["datetime"] == "2024-05-12T00:30:00+07:00"


def test_import_creates_categories_and_tags(cli, client, content):
    cli("import-content", content)
    menu = get_page(client, "/").find("nav", cls="menu").links()
    assert {"/chuyen-muc/xay-dung-dang", "/chuyen-muc/phat-trien-dang-vien"} <= set(menu)
    assert get_page(client, "/the/dang-vien").find(cls="list").article_slugs() == [
        "ket-nap-hoc-sinh", "hoi-nghi-so-ket-cong-tac-to-chuc-xay-dung-dang"]


def test_featured_flag_is_imported(cli, client, content):
    cli("import-content", content)
    featured = get_page(client, "/").find("section", cls="featured")
    assert featured.article_slugs() == ["ket-nap-hoc-sinh"]


def test_draft_is_imported_but_not_shown(cli, client, content):
    cli("import-content", content)
    assert_not_found(client, "/bai-viet/ban-nhap-chua-dang")


def test_existing_category_is_reused_whatever_the_case_and_tone_style(cli, client, tmp_path,
                                                                      make_category, db):
    make_category("Tỉnh ủy chỉ đạo")
    folder = write(tmp_path / "c", {"a.md": """---
title: Bài một
category: tỉnh uỷ chỉ đạo
published_at: 2024-01-02 08:00
---
""", "b.md": """---
title: Bài hai
category: TỈNH ỦY CHỈ ĐẠO
published_at: 2024-01-03 08:00
---
"""})
    assert cli("import-content", folder).exit_code == 0
    page = get_page(client, "/chuyen-muc/tinh-uy-chi-dao")
    assert page.find(cls="list").article_slugs() == ["bai-hai", "bai-mot"]
    assert page.find("h1").text == "Tỉnh ủy chỉ đạo"
    assert_not_found(client, "/chuyen-muc/tinh-uy-chi-dao-2")


def test_subfolders_are_imported_and_readme_skipped(cli, client, tmp_path):
    folder = write(tmp_path / "c", {"README.md": "# Hướng dẫn\nKhông phải bài viết.\n"})
    write(folder / "2024", {"x.md": GOOD["02-ket-nap.md"]})
    result = cli("import-content", folder)
    assert result.exit_code == 0, result.output
    assert public_article_urls(client) == ["http://localhost/bai-viet/ket-nap-hoc-sinh"]


def test_a_single_file_can_be_imported(cli, client, content):
    result = cli("import-content", content / "02-ket-nap.md")
    assert result.exit_code == 0, result.output
    assert public_article_urls(client) == ["http://localhost/bai-viet/ket-nap-hoc-sinh"]


def test_missing_path_is_refused(cli, tmp_path):
    result = cli("import-content", tmp_path / "khong-co")
    assert result.exit_code != 0
    assert "khong-co" in result.output


# --- idempotence -----------------------------------------------------------------------------

def test_reimport_creates_no_duplicates(cli, client, content):
    cli("import-content", content)
    first = public_article_urls(client)
    result = cli("import-content", content)
    assert result.exit_code == 0
    assert "Đã thêm 0 bài, cập nhật 3 bài, lỗi 0 tệp." in result.output
    assert public_article_urls(client) == first
    assert get_page(client, "/the/dang-vien").find(cls="list").article_slugs() == [
        "ket-nap-hoc-sinh", "hoi-nghi-so-ket-cong-tac-to-chuc-xay-dung-dang"]
    menu = get_page(client, "/").find("nav", cls="menu").links()
    assert not [link for link in menu if link.endswith("-2")]


def test_reimport_updates_the_article(cli, client, content):
    cli("import-content", content)
    (content / "02-ket-nap.md").write_text("""---
title: Kết nạp đảng viên là học sinh trung học phổ thông
category: Phát triển đảng viên
published_at: 2024-06-02 09:00
lead: Sapo đã sửa.
tags: [học sinh]
slug: ket-nap-hoc-sinh
---
Thân bài đã sửa.
""", encoding="utf-8")
    result = cli("import-content", content)
    assert "cập nhật 3 bài" in result.output
    page = get_page(client, "/bai-viet/ket-nap-hoc-sinh")
    assert page.find("h1", cls="article-title").text == "Kết nạp đảng viên là học sinh trung học phổ thông"
    assert page.find(cls="article-lead").text == "Sapo đã sửa."
    assert page.find(cls="article-body").text == "Thân bài đã sửa."
    assert page.find(cls="article-meta").find("time").text == "02/06/2024"
    assert page.find(cls="tags").links() == ["/the/hoc-sinh"]
    assert get_page(client, "/the/dang-vien").find(cls="list").article_slugs() == [
        "hoi-nghi-so-ket-cong-tac-to-chuc-xay-dung-dang"]
    # No longer featured: the flag was taken out of the file.
    assert get_page(client, "/").find("section", cls="featured") is None


def test_reimport_can_withdraw_an_article(cli, client, content):
    cli("import-content", content)
    text = (content / "02-ket-nap.md").read_text(encoding="utf-8")
    (content / "02-ket-nap.md").write_text(text.replace("featured: true", "status: archived"),
                                           encoding="utf-8")
    cli("import-content", content)
    assert_not_found(client, "/bai-viet/ket-nap-hoc-sinh")


def test_scheduled_import_appears_on_time(cli, client, tmp_path, clock):
    from cms.timeutil import to_local

    when = to_local(clock.now + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")
    folder = write(tmp_path / "c", {"hen-gio.md": f"""---
title: Bài hẹn giờ
category: Xây dựng Đảng
published_at: {when}
---
Sẽ đăng sau.
"""})
    assert cli("import-content", folder).exit_code == 0
    assert_not_found(client, "/bai-viet/bai-hen-gio")
    clock.advance(hours=3)
    assert client.get("/bai-viet/bai-hen-gio").status_code == 200


# --- bad files -------------------------------------------------------------------------------

BAD = {
    "missing-title": ("title", """---
category: Xây dựng Đảng
published_at: 2024-05-12 08:00
---
Không có tiêu đề.
"""),
    "empty-title": ("title", """---
title: "   "
category: Xây dựng Đảng
published_at: 2024-05-12 08:00
---
"""),
    "bad-date": ("published_at", """---
title: Ngày sai
category: Xây dựng Đảng
published_at: hôm qua
---
"""),
    "impossible-date": ("published_at", """---
title: Ngày không có
category: Xây dựng Đảng
published_at: 2024-02-30 08:00
---
"""),
    "published-without-date": ("published_at", """---
title: Thiếu ngày
category: Xây dựng Đảng
status: published
---
"""),
    "bad-status": ("status", """---
title: Trạng thái sai
category: Xây dựng Đảng
published_at: 2024-05-12 08:00
status: public
---
"""),
    "tags-not-a-list": ("tags", """---
title: Thẻ sai
category: Xây dựng Đảng
published_at: 2024-05-12 08:00
tags: 5
---
"""),
    "tags-a-mapping": ("tags", """---
title: Thẻ là từ điển
category: Xây dựng Đảng
published_at: 2024-05-12 08:00
tags: {dang: vien}
---
"""),
    "missing-category": ("category", """---
title: Không chuyên mục
published_at: 2024-05-12 08:00
---
"""),
    "category-a-list": ("category", """---
title: Chuyên mục là danh sách
category: [Xây dựng Đảng, Cán bộ]
published_at: 2024-05-12 08:00
---
"""),
    "featured-not-bool": ("featured", """---
title: Nổi bật sai
category: Xây dựng Đảng
published_at: 2024-05-12 08:00
featured: có
---
"""),
    "yaml-error": ("YAML", """---
title: [Tiêu đề chưa đóng ngoặc
category: Xây dựng Đảng
---
"""),
}


def test_each_bad_file_is_named_with_its_field_and_the_rest_imported(cli, client, content):
    for case, (_, text) in BAD.items():
        (content / f"{case}.md").write_text(text, encoding="utf-8")
    result = cli("import-content", content)
    assert result.exit_code == 1
    assert f"Đã thêm 3 bài, cập nhật 0 bài, lỗi {len(BAD)} tệp." in result.output
    errors = {}
    for line in result.output.splitlines():
        if line.startswith("LỖI"):
            name = re.search(r"([\w-]+\.md)", line).group(1)
            errors[name.removesuffix(".md")] = line
    assert set(errors) == set(BAD)
    for case, (field, _) in BAD.items():
        assert field in errors[case], errors[case]
    assert public_article_urls(client) == [
        "http://localhost/bai-viet/hoi-nghi-so-ket-cong-tac-to-chuc-xay-dung-dang",
        "http://localhost/bai-viet/ket-nap-hoc-sinh",
    ]


def test_one_bad_file_fails_the_command_with_its_name(cli, content):
    (content / "thieu-tieu-de.md").write_text(BAD["missing-title"][1], encoding="utf-8")
    result = cli("import-content", content)
    assert result.exit_code == 1
    assert "lỗi 1 tệp" in result.output
    error = [line for line in result.output.splitlines() if line.startswith("LỖI")]
    assert len(error) == 1 and "thieu-tieu-de.md" in error[0] and "'title'" in error[0]


def test_file_that_is_not_utf8_is_named(cli, client, content):
    (content / "latin1.md").write_bytes("---\ntitle: Tiêu đề\n---\n".encode("utf-16"))
    result = cli("import-content", content)
    assert result.exit_code == 1
    assert "latin1.md" in result.output
    assert len(public_article_urls(client)) == 2
