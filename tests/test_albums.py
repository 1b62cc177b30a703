"""Photo albums on the public site (/thu-vien-anh), an article's album strip and image captions."""

import datetime

import pytest
from flask import render_template_string
from htmlpage import assert_not_found, get_page

from cms.albums import Album, AlbumPhoto
from cms.db import database
from cms.media import Media

TRAINING = "Tập huấn nghiệp vụ công tác tổ chức năm 2026"


@pytest.fixture
def make_album(db):
    counter = {"n": 0}

    def make(title=None, photos=3, status=Album.PUBLISHED, day=None, **fields):
        counter["n"] += 1
        day = day or datetime.date(2026, 1, 1) + datetime.timedelta(days=counter["n"])
        album = Album.create(title=title or f"Album số {counter['n']}", status=status, album_date=day,
                             **fields)
        for position in range(1, photos + 1):
            media = Media.create(file_name=f"media/a{counter['n']}-{position}.jpg", content_type="image/jpeg",
                                 width=1200, height=800, size_bytes=100, title="")
            AlbumPhoto.create(album=album, media=media, position=position,
                              caption=f"Chú thích ảnh {position} của {album.title}")
        return album
    return make


def test_list_shows_published_albums_latest_first_and_pages(client, make_album):
    older = make_album("Đoàn công tác về xã vùng cao", day=datetime.date(2026, 4, 9))
    newer = make_album(TRAINING, day=datetime.date(2026, 5, 12))
    make_album("Album còn nháp", status=Album.DRAFT)
    page = get_page(client, "/thu-vien-anh")
    titles = [node.text.strip() for node in page.find_all(cls="album-card-title")]
    assert titles.index(newer.title) < titles.index(older.title)
    assert "Album còn nháp" not in page.html
    assert "12/05/2026" in page.html and "3 ảnh" in page.html
    cover = page.find(cls="album-card").find("img")
    assert cover.attrs["src"].endswith("-thumb.jpg") and cover.attrs["width"] == "400"
    assert cover.attrs["height"] == "267" and cover.attrs["loading"] == "lazy"
    for _ in range(12):
        make_album(photos=1)
    assert get_page(client, "/thu-vien-anh?page=2").find_all(cls="album-card")
    assert_not_found(client, "/thu-vien-anh?page=9")


def test_album_page_is_a_grid_of_linked_thumbnails(client, make_album):
    album = make_album(TRAINING, photos=4, description="Hai ngày tập huấn cho cán bộ cấp xã.")
    page = get_page(client, f"/thu-vien-anh/{album.slug}")
    assert page.find("h1").text.strip() == TRAINING
    links = page.find(cls="album-grid").find_all("a")
    assert [link.attrs["href"] for link in links] == [f"/thu-vien-anh/{album.slug}/{n}" for n in range(1, 5)]
    image = links[1].find("img")
    assert image.attrs["alt"] == f"Chú thích ảnh 2 của {TRAINING}"
    assert image.attrs["loading"] == "lazy" and image.attrs["width"] and image.attrs["height"]
    assert links[1].attrs["data-large"].endswith("-article.jpg")
    assert "/js/albums.js" in page.html  # the lightbox: local script, no CDN
    assert "http" not in page.find("script").attrs["src"]


def test_each_photo_has_its_own_page_with_caption_and_previous_next(client, make_album):
    album = make_album(TRAINING, photos=3)
    page = get_page(client, f"/thu-vien-anh/{album.slug}/2")
    assert page.find("figcaption").text == f"Chú thích ảnh 2 của {TRAINING}"
    assert page.find("a", rel="prev").attrs["href"] == f"/thu-vien-anh/{album.slug}/1"
    assert page.find("a", rel="next").attrs["href"] == f"/thu-vien-anh/{album.slug}/3"
    assert page.find(cls="album-large").find("img").attrs["src"].endswith("-article.jpg")
    first = get_page(client, f"/thu-vien-anh/{album.slug}/1")
    assert first.find("a", rel="prev") is None and "Ảnh 1/3" in first.html
    assert_not_found(client, f"/thu-vien-anh/{album.slug}/4")
    assert_not_found(client, f"/thu-vien-anh/{album.slug}/0")


def test_hidden_and_absent_albums_answer_the_same(client, make_album):
    draft = make_album("Album chờ duyệt", status=Album.PENDING)
    for url in (f"/thu-vien-anh/{draft.slug}", f"/thu-vien-anh/{draft.slug}/1", "/thu-vien-anh/khong-co",
                "/thu-vien-anh/khong-co/1"):
        assert_not_found(client, url)


def test_album_pages_allow_their_own_script_only(client, make_album):
    album = make_album(TRAINING)
    response = client.get(f"/thu-vien-anh/{album.slug}")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    [script] = [tag.attrs["src"] for tag in get_page(client, f"/thu-vien-anh/{album.slug}").find_all("script")
                if "albums" in tag.attrs.get("src", "")]
    served = client.get(script)
    assert served.status_code == 200 and b"showModal" in served.data


def test_sitemap_lists_the_album_list_and_public_albums(client, make_album):
    album = make_album(TRAINING)
    draft = make_album("Album nháp", status=Album.DRAFT)
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert "http://localhost/thu-vien-anh</loc>" in sitemap
    assert f"/thu-vien-anh/{album.slug}</loc>" in sitemap and draft.slug not in sitemap


def _queries(client, url):
    statements = []
    original = database.obj.execute_sql

    def counted(sql, params=None):
        statements.append(sql)
        return original(sql, params)
    database.obj.execute_sql = counted
    try:
        assert client.get(url).status_code == 200
    finally:
        del database.obj.execute_sql
    return len(statements)


def test_pages_are_cached_and_follow_publishing_and_caption_changes(client, make_album):
    album = make_album(TRAINING, photos=2)
    draft = make_album("Đoàn công tác về xã vùng cao", status=Album.DRAFT)
    for url in ("/thu-vien-anh", f"/thu-vien-anh/{album.slug}", f"/thu-vien-anh/{album.slug}/1"):
        client.get(url)
        assert _queries(client, url) == 1, url  # served from the page cache (the validator only)
    photo = AlbumPhoto.get((AlbumPhoto.album == album.id) & (AlbumPhoto.position == 1))
    photo.caption = "Quang cảnh hội nghị, chú thích đã sửa"
    photo.save()
    assert "chú thích đã sửa" in get_page(client, f"/thu-vien-anh/{album.slug}/1").html
    assert "chú thích đã sửa" in get_page(client, f"/thu-vien-anh/{album.slug}").html
    draft.status = Album.PUBLISHED
    draft.save()
    assert "Đoàn công tác về xã vùng cao" in get_page(client, "/thu-vien-anh").html
    assert get_page(client, f"/thu-vien-anh/{draft.slug}")
    draft.status = Album.ARCHIVED
    draft.save()
    assert "Đoàn công tác về xã vùng cao" not in get_page(client, "/thu-vien-anh").html
    AlbumPhoto.get_by_id(photo.id).delete_instance()
    assert "chú thích đã sửa" not in get_page(client, f"/thu-vien-anh/{album.slug}").html


def test_list_and_album_queries_do_not_grow_with_albums_or_photos(client, make_album):
    # Each measured request follows a change (a new site version), so it is rendered, not cached.
    small = make_album(photos=2)
    few = _queries(client, "/thu-vien-anh?x=1"), _queries(client, f"/thu-vien-anh/{small.slug}?x=1")
    big = make_album(photos=30)
    for _ in range(10):
        make_album(photos=3)
    many = _queries(client, "/thu-vien-anh?x=2"), _queries(client, f"/thu-vien-anh/{big.slug}?x=2")
    assert many == few and min(few) > 1


def test_article_image_with_a_title_shows_its_caption(client, make_article):
    article = make_article(body='Đoạn mở đầu.\n\n![Đại biểu dự hội nghị](/media/demo/hoi-nghi-tap-huan.png '
                                '"Hội nghị sơ kết công tác tổ chức xây dựng Đảng")\n\n'
                                '![Ảnh không chú thích](/media/demo/chuyen-doi-so.png)')
    body = get_page(client, f"/bai-viet/{article.slug}").find(cls="article-body")
    figure = body.find("figure")
    assert figure.find("img").attrs["alt"] == "Đại biểu dự hội nghị"
    assert figure.find("figcaption").text == "Hội nghị sơ kết công tác tổ chức xây dựng Đảng"
    assert len(body.find_all("figure")) == 1  # an image without a title stays a plain image
    hostile = make_article(body='![a](/x.png "<script>alert(1)</script> chú thích")')
    html = get_page(client, f"/bai-viet/{hostile.slug}").find(cls="article-body")
    assert html.find("script") is None and "chú thích" in html.find("figcaption").text


def test_an_album_link_paragraph_becomes_a_strip_of_its_photos(app, make_album, make_article):
    album = make_album(TRAINING, photos=6)
    hidden = make_album("Album nháp", status=Album.DRAFT)
    article = make_article(body=f"Bài viết.\n\n[Xem album ảnh]({'/thu-vien-anh/' + album.slug})\n\n"
                                f"[Album nháp](/thu-vien-anh/{hidden.slug})\n\nCó [liên kết trong câu]"
                                f"(/thu-vien-anh/{album.slug}) thì giữ nguyên.")
    with app.test_request_context("/"):
        html = render_template_string("{{ body|album_strips }}", body=article.body_html)
    strip = html[html.index('<aside class="album-strip"'):html.index("</aside>")]
    assert TRAINING in strip and strip.count("<img") == 4 and "Xem cả 6 ảnh" in strip
    assert f'href="/thu-vien-anh/{album.slug}/1"' in strip
    assert html.count('class="album-strip"') == 1  # the draft album stays a plain link
    assert f'<a href="/thu-vien-anh/{hidden.slug}"' in html and "liên kết trong câu" in html


def test_media_model_lives_in_the_core_and_stays_importable_from_admin():
    from admin.media import Media as AdminMedia
    assert AdminMedia is Media and Media._meta.table_name == "media"
    media = Media(file_name="media/2026/ab.png", width=1920, height=1080)
    assert media.url("thumb") == "/media/media/2026/ab-thumb.png"
    assert media.rendition_size("article") == (960, 540) and media.rendition_size(None) == (1920, 1080)


def test_load_demo_adds_two_albums_once_with_their_photos_served(cli, client, app):
    result = cli("load-demo")
    assert result.exit_code == 0 and "Đã thêm 2 album ảnh mẫu." in result.output, result.output
    assert cli("load-demo").exit_code == 0 and Album.select().count() == 2  # not added twice
    for album in Album.public():
        photos = album.photos()
        assert 6 <= len(photos) <= 10 and all(photo.caption for photo in photos)
        assert "demo" not in (album.title + album.description).lower()
        page = get_page(client, f"/thu-vien-anh/{album.slug}")
        for image in page.find(cls="album-grid").find_all("img")[:2]:
            served = client.get(image.attrs["src"])
            assert served.status_code == 200 and served.mimetype == "image/jpeg"
    article = get_page(client, "/bai-viet/tap-huan-nghiep-vu-cong-tac-to-chuc-cho-can-bo-cap-xa-sau-sap-xep")
    assert "tại hội trường Tỉnh ủy" in article.find(cls="article-body").find("figcaption").text


def test_cover_figure_shows_the_library_caption_of_the_cover(app, make_article, db):
    media = Media.create(file_name="media/2026/12/bia.jpg", content_type="image/jpeg", width=1600,
                         height=900, size_bytes=1, title="Đại biểu biểu quyết thông qua nghị quyết")
    captioned = make_article(title="Đại hội chi bộ", cover_image=media.url("article"))
    repeated = make_article(title="Đại biểu biểu quyết thông qua nghị quyết",
                            cover_image=media.url("article"))
    elsewhere = make_article(cover_image="/media/demo/hoi-nghi-tap-huan.png")
    bare = make_article()
    with app.test_request_context("/"):
        def render(article):
            return str(render_template_string("{{ cover_figure(article) }}", article=article))
        html = render(captioned)
        assert html.startswith("<figure>") and 'width="960" height="540"' in html
        assert "<figcaption>Đại biểu biểu quyết thông qua nghị quyết</figcaption>" in html
        assert "figcaption" not in render(repeated)  # the article's own title is no caption
        other = render(elsewhere)
        assert "figcaption" not in other and "/media/demo/hoi-nghi-tap-huan.png" in other
        assert render(bare) == ""


def test_a_library_image_removed_leaves_the_cached_album_at_once(client, make_album):
    album = make_album(TRAINING, photos=2)
    assert len(get_page(client, f"/thu-vien-anh/{album.slug}").find(cls="album-grid").find_all("img")) == 2
    album.photos()[0].media.delete_instance(recursive=True)  # as the library's delete does
    assert len(get_page(client, f"/thu-vien-anh/{album.slug}").find(cls="album-grid").find_all("img")) == 1
