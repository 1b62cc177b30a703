"""Public search finds every published kind of the portal, each shown as itself: articles,
documents, Giới thiệu pages and photo albums; drafts and the weekly schedule's internal items
never; a kind's result follows its publication and its removal."""

from datetime import date

from cms.albums import Album, AlbumPhoto
from cms.media import Media
from cms.pages import Page
from cms.schedule import ScheduleItem, ScheduleWeek


def api(client, text):
    return client.get("/api/search", query_string={"q": text}).get_json()


def test_a_page_of_gioi_thieu_is_found_by_words_of_its_text(indexes, catch_up, client):
    page = Page(title="Chức năng, nhiệm vụ", summary="Ban Tổ chức Tỉnh ủy tham mưu cho Tỉnh ủy.",
                body="Tham mưu về tổ chức bộ máy, công tác cán bộ và bảo vệ chính trị nội bộ.",
                status=Page.PUBLISHED)
    page.save()
    Page(title="Trang nháp", body="Bảo vệ chính trị nội bộ, bản nháp chưa đăng.").save()
    catch_up()
    data = api(client, "bao ve chinh tri noi bo")
    assert [(r["title"], r["category"], r.get("kind")) for r in data["results"]] == [
        ("Chức năng, nhiệm vụ", "Giới thiệu", "page")]
    assert data["results"][0]["url"] == f"/gioi-thieu/{page.slug}"
    html = client.get("/tim-kiem", query_string={"q": "tham muu to chuc bo may"}).get_data(as_text=True)
    assert 'class="item search-page"' in html and '<strong class="search-kind">Giới thiệu</strong>' in html
    page.status = Page.DRAFT
    page.save()
    catch_up()
    assert api(client, "bao ve chinh tri noi bo")["total"] == 0


def test_an_album_is_found_by_its_photos_captions(indexes, catch_up, client):
    album = Album.create(title="Lớp bồi dưỡng cấp ủy viên", status=Album.PUBLISHED,
                         album_date=date(2026, 5, 12))
    media = Media.create(file_name="media/lop-1.jpg", content_type="image/jpeg", width=1200, height=800,
                         size_bytes=100)
    photo = AlbumPhoto.create(album=album, media=media, position=1, caption="Học viên thảo luận nhóm")
    catch_up()
    [result] = api(client, "thao luan nhom")["results"]
    assert (result["title"], result["category"], result["kind"]) == ("Lớp bồi dưỡng cấp ủy viên",
                                                                     "Thư viện ảnh", "album")
    html = client.get("/tim-kiem", query_string={"q": "thảo luận nhóm"}).get_data(as_text=True)
    assert '<time datetime="2026-05-12">12/05/2026</time>' in html
    photo.caption = "Học viên nghe giảng"  # a caption edited: the album's document follows
    photo.save()
    catch_up()
    assert api(client, "thao luan nhom")["total"] == 0 and api(client, "nghe giang")["total"] == 1
    album.delete_instance()
    catch_up()
    assert api(client, "nghe giang")["total"] == 0


def test_the_schedule_is_not_searched_and_its_internal_items_never_reach_search(indexes, catch_up, client):
    week = ScheduleWeek(year=2026, number=49, status=ScheduleWeek.PUBLISHED)
    week.save()
    ScheduleItem.create(week=week, day=date(2026, 12, 2), content="Họp kín về nhân sự zetamat",
                        internal=True)
    catch_up()
    assert api(client, "zetamat")["total"] == 0
