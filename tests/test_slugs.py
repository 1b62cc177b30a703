"""Article and category URLs: slugs made from Vietnamese titles, unique, and old URLs that 301."""

import unicodedata

from htmlpage import assert_not_found, get_page

from cms.models import Article


def location(response):
    return response.headers["Location"].removeprefix("http://localhost")


TITLE_URLS = {
    "Đổi mới, nâng cao chất lượng": "/bai-viet/doi-moi-nang-cao-chat-luong",
    "Ðảng bộ xã Kỳ Sơn": "/bai-viet/dang-bo-xa-ky-son",  # U+00D0 typed for Đ
    "ɖảng viên mới": "/bai-viet/dang-vien-moi",  # U+0256
    "Tỉnh uỷ chỉ đạo": "/bai-viet/tinh-uy-chi-dao",
    "Nghệ An: kết nạp 2.500 đảng viên!": "/bai-viet/nghe-an-ket-nap-2-500-dang-vien",
}


def test_article_url_is_made_from_its_title(client, make_article):
    for title in TITLE_URLS:
        make_article(title=title)
    for title, url in TITLE_URLS.items():
        assert get_page(client, url).find("h1", cls="article-title").text == title


def test_decomposed_title_gets_the_same_url(client, make_article):
    make_article(title=unicodedata.normalize("NFD", "Đổi mới, nâng cao chất lượng"))
    page = get_page(client, "/bai-viet/doi-moi-nang-cao-chat-luong")
    assert page.find("h1", cls="article-title").text == "Đổi mới, nâng cao chất lượng"


def test_same_titles_get_numbered_urls(client, make_article):
    for lead in ("Bài thứ nhất", "Bài thứ hai", "Bài thứ ba"):
        make_article(title="Đổi mới, nâng cao chất lượng", lead=lead)
    leads = [get_page(client, f"/bai-viet/{slug}").find(cls="article-lead").text
             for slug in ("doi-moi-nang-cao-chat-luong", "doi-moi-nang-cao-chat-luong-2",
                          "doi-moi-nang-cao-chat-luong-3")]
    assert sorted(leads) == sorted(["Bài thứ nhất", "Bài thứ hai", "Bài thứ ba"])


def test_titles_that_fold_alike_get_numbered_urls(client, make_article):
    """Đ, its homoglyph Ð and tone placement do not make two different URLs that look the same."""
    make_article(title="Đảng bộ Thanh Hoá", lead="một")
    make_article(title="Ðảng bộ Thanh Hóa", lead="hai")
    assert get_page(client, "/bai-viet/dang-bo-thanh-hoa").find(cls="article-lead").text == "một"
    assert get_page(client, "/bai-viet/dang-bo-thanh-hoa-2").find(cls="article-lead").text == "hai"


def test_title_without_letters_still_gets_a_url(client, make_article):
    make_article(title="!!!", lead="Tiêu đề toàn dấu")
    assert get_page(client, "/bai-viet/bai-viet").find(cls="article-lead").text == "Tiêu đề toàn dấu"


def test_category_url_is_made_from_its_name(client, make_category, make_article):
    make_category("Công tác cán bộ")
    make_category("Ðảng viên")
    make_article(title="Bài", category=make_category("Tổ chức cơ sở đảng"))
    menu = get_page(client, "/").find("nav", cls="menu").links()
    assert {"/chuyen-muc/cong-tac-can-bo", "/chuyen-muc/dang-vien",
            "/chuyen-muc/to-chuc-co-so-dang"} <= set(menu)
    assert get_page(client, "/chuyen-muc/dang-vien").find("h1").text == "Ðảng viên"


def test_editing_the_title_keeps_the_url(client, make_article):
    article = make_article(title="Tiêu đề ban đầu")
    article.title = "Tiêu đề đã sửa"
    article.save()
    page = get_page(client, "/bai-viet/tieu-de-ban-dau")
    assert page.find("h1", cls="article-title").text == "Tiêu đề đã sửa"
    assert_not_found(client, "/bai-viet/tieu-de-da-sua")


# --- changed slugs -----------------------------------------------------------------------

def rename(article, slug):
    article.slug = slug
    article.save()


def test_changed_slug_redirects_the_old_url(client, make_article):
    article = make_article(title="Tên cũ", slug="ten-cu")
    rename(article, "ten-moi")
    response = client.get("/bai-viet/ten-cu")
    assert response.status_code == 301
    assert location(response) == "/bai-viet/ten-moi"
    page = get_page(client, "/bai-viet/ten-moi")
    assert page.find("h1", cls="article-title").text == "Tên cũ"


def test_two_renames_send_both_old_urls_straight_to_the_current_one(client, make_article):
    article = make_article(title="Bài viết", slug="lan-dau")
    rename(article, "lan-hai")
    rename(article, "lan-ba")
    for old in ("lan-dau", "lan-hai"):
        response = client.get(f"/bai-viet/{old}")
        assert response.status_code == 301
        assert location(response) == "/bai-viet/lan-ba"  # no chain of redirects
    assert client.get("/bai-viet/lan-ba").status_code == 200


def test_renamed_back_slug_answers_again_and_the_other_redirects(client, make_article):
    article = make_article(title="Bài viết", slug="goc")
    rename(article, "tam-thoi")
    rename(article, "goc")
    assert client.get("/bai-viet/goc").status_code == 200
    response = client.get("/bai-viet/tam-thoi")
    assert response.status_code == 301
    assert location(response) == "/bai-viet/goc"


def test_old_url_of_a_withdrawn_article_is_404_not_a_redirect(client, make_article):
    article = make_article(title="Bài viết", slug="cu")
    rename(article, "moi")
    article.status = Article.ARCHIVED
    article.save()
    assert_not_found(client, "/bai-viet/cu")
    assert_not_found(client, "/bai-viet/moi")


def test_old_slug_is_not_given_to_a_new_article(client, make_article):
    first = make_article(title="Hội nghị cán bộ", lead="bài đầu")
    rename(first, "hoi-nghi-can-bo-chu-chot")
    make_article(title="Hội nghị cán bộ", lead="bài sau")
    # The old URL keeps leading to the first article; the new one gets its own.
    response = client.get("/bai-viet/hoi-nghi-can-bo")
    assert response.status_code == 301
    assert location(response) == "/bai-viet/hoi-nghi-can-bo-chu-chot"
    assert get_page(client, "/bai-viet/hoi-nghi-can-bo-2").find(cls="article-lead").text == "bài sau"


def test_old_slug_taken_over_by_another_article_shows_that_article(client, make_article):
    first = make_article(title="Bài một", slug="chung")
    rename(first, "bai-mot")
    second = make_article(title="Bài hai", slug="bai-hai")
    rename(second, "chung")
    page = get_page(client, "/bai-viet/chung")
    assert page.find("h1", cls="article-title").text == "Bài hai"
    assert location(client.get("/bai-viet/bai-hai")) == "/bai-viet/chung"
