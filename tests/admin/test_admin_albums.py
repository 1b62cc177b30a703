"""Albums in the back office ("Album ảnh"): editors create and publish an album with photos picked
from the library or uploaded, ordered, captioned; staff keep to their own drafts; every change is
audited and bad uploads are refused in Vietnamese with nothing saved."""

import pytest
from backoffice import SVG_WITH_SCRIPT, admin_token, flashes, image_bytes, text_of, upload_field

from admin.editorial import Revision, WorkflowEvent
from cms.albums import Album, AlbumPhoto
from cms.audit import AuditEntry
from cms.media import Media


def album_form(client, title, **extra):
    data = {"csrf_token": admin_token(client), "title": title, "slug": "", "album_date": "12/03/2026",
            "description": "Ảnh hội nghị", "cover": ""}
    data.update(extra)
    return data


def post_album(client, data, album_id=None, files=None):
    url = f"/admin/album/edit/?id={album_id}" if album_id else "/admin/album/new/"
    if files:
        data = {**data, "uploads": files}
    return client.post(url, data=data, content_type="multipart/form-data", follow_redirects=True)


def step(client, album, name, **extra):
    return client.post(f"/admin/album/transition/{album.id}",
                       data={"csrf_token": admin_token(client), "name": name, **extra})


def test_editor_creates_publishes_an_album_with_uploads_and_a_library_photo(client_as, world, anon):
    editor = client_as("editor")
    data = album_form(editor, "Hội nghị sơ kết công tác tổ chức",
                      **{"photo_links-0-media": str(world.media.id), "photo_links-0-position": "1",
                         "photo_links-0-caption": "Đại biểu dự hội nghị sơ kết"})
    response = post_album(editor, data, files=[upload_field(image_bytes(size=(300, 200)), "a.png"),
                                               upload_field(image_bytes(fmt="JPEG"), "b.jpg")])
    assert response.status_code == 200
    assert Album.select().count() == 1, flashes(text_of(response))
    album = Album.get(Album.title == "Hội nghị sơ kết công tác tổ chức")
    photos = album.photos()
    assert [photo.media_id for photo in photos][0] == world.media.id  # the library photo first
    assert len(photos) == 3 and photos[0].caption == "Đại biểu dự hội nghị sơ kết"
    assert album.owner_id == world.users["editor"].id and album.status == Album.DRAFT
    assert str(album.album_date) == "2026-03-12"
    assert anon.get(f"/thu-vien-anh/{album.slug}").status_code == 404  # a draft until published
    assert Revision.of(album).count() == 1
    assert step(editor, album, "publish").status_code == 302
    album = Album.get_by_id(album.id)
    assert album.status == Album.PUBLISHED and album.published_at is not None
    assert WorkflowEvent.of(album).where(WorkflowEvent.to_status == Album.PUBLISHED).exists()
    assert "Xem trên trang công khai" in text_of(editor.get(f"/admin/album/edit/?id={album.id}"))
    assert "Tạo mới" in text_of(editor.get(f"/admin/album/revisions/{album.id}"))  # the first revision
    page = text_of(anon.get(f"/thu-vien-anh/{album.slug}"))
    assert "Đại biểu dự hội nghị sơ kết" in page
    actions = {entry.action for entry in AuditEntry.select().where(
        (AuditEntry.object_type == "album") & (AuditEntry.object_id == str(album.id)))}
    assert {"create", "transition"} <= actions


def test_editor_reorders_and_recaptions(client_as, world, anon):
    editor = client_as("editor")
    album = Album.create(title="Album thứ tự", status=Album.PUBLISHED)
    second = Media.create(file_name="media/x.png", content_type="image/png", width=10, height=10,
                          size_bytes=1)
    one = AlbumPhoto.create(album=album, media=world.media, position=1, caption="Ảnh một")
    two = AlbumPhoto.create(album=album, media=second, position=2, caption="Ảnh hai")
    data = album_form(editor, "Album thứ tự", **{
        "photo_links-0-id": str(one.id), "photo_links-0-media": str(world.media.id),
        "photo_links-0-position": "2", "photo_links-0-caption": "Ảnh một, chú thích mới",
        "photo_links-1-id": str(two.id), "photo_links-1-media": str(second.id),
        "photo_links-1-position": "1", "photo_links-1-caption": "Ảnh hai"})
    response = post_album(editor, data, album.id)
    assert response.status_code == 200, flashes(text_of(response))
    assert [p.caption for p in Album.get_by_id(album.id).photos()] == ["Ảnh hai", "Ảnh một, chú thích mới"]
    assert "Ảnh một, chú thích mới" in text_of(anon.get(f"/thu-vien-anh/{album.slug}/2"))


def test_staff_submit_their_own_draft_and_cannot_publish(client_as, world, users, anon):
    staff = client_as("staff")
    post_album(staff, album_form(staff, "Album của chuyên viên", status="published"))  # status: ignored
    own = Album.get(Album.title == "Album của chuyên viên")
    assert own.status == Album.DRAFT and own.owner_id == users["staff"].id
    assert step(staff, own, "publish").status_code == 403
    assert step(staff, own, "submit").status_code == 302
    own = Album.get_by_id(own.id)
    assert own.status == Album.PENDING and anon.get(f"/thu-vien-anh/{own.slug}").status_code == 404
    other = Album.create(title="Album của người khác", owner=users["staff2"].id)
    listing = text_of(staff.get("/admin/album/"))
    assert "Album của chuyên viên" in listing and "Album của người khác" not in listing
    assert staff.get(f"/admin/album/edit/?id={other.id}").status_code == 404
    assert staff.get(f"/admin/album/edit/?id={own.id}").status_code == 403  # submitted: not a draft now
    assert staff.post("/admin/album/delete/", data={"csrf_token": admin_token(staff),
                                                     "id": own.id}).status_code == 403


def test_an_album_is_published_at_once_never_scheduled(client_as, world):
    editor = client_as("editor")
    album = Album.create(title="Album định lên lịch", owner=world.users["editor"].id)
    response = step(editor, album, "publish", published_at="01/01/2099 08:00")
    assert "không lên lịch" in " ".join(flashes(text_of(editor.get(response.headers["Location"]))))
    assert Album.get_by_id(album.id).status == Album.DRAFT


def test_leaders_read_every_album_and_change_none(client_as, world, users):
    album = Album.create(title="Album của biên tập viên", owner=users["editor"].id)
    leader = client_as("leader")
    AlbumPhoto.create(album=album, media=world.media, position=1, caption="")
    listing = text_of(leader.get("/admin/album/"))
    assert "Album của biên tập viên" in listing and "1 ảnh" in listing
    assert leader.get(f"/admin/album/details/?id={album.id}").status_code == 200
    assert leader.get(f"/admin/album/edit/?id={album.id}").status_code == 403
    assert step(leader, album, "publish").status_code == 403


@pytest.mark.parametrize("role, status", [("leader", 403), ("admin", 200), ("editor", 200)])
def test_who_may_open_the_new_album_form(client_as, world, role, status):
    assert client_as(role).get("/admin/album/new/").status_code == status


def test_a_bad_upload_is_refused_in_vietnamese_and_nothing_is_saved(client_as, world):
    editor = client_as("editor")
    before = Media.select().count()
    response = post_album(editor, album_form(editor, "Album có tệp xấu"),
                          files=[upload_field(image_bytes(), "tot.png"),
                                 upload_field(SVG_WITH_SCRIPT, "xau.svg")])
    messages = " ".join(flashes(text_of(response)))
    assert "xau.svg" in messages and "không phải ảnh hợp lệ" in messages
    assert not Album.select().where(Album.title == "Album có tệp xấu").exists()
    assert Media.select().count() == before


def test_menu_names_are_unambiguous(client_as, world):
    page = text_of(client_as("editor").get("/admin/album/"))
    assert "Album ảnh" in page and "Thư viện ảnh" in page


def test_photos_are_picked_by_typing_not_from_a_list_of_the_whole_library(client_as, world):
    editor = client_as("editor")
    for n in range(30):
        Media.create(file_name=f"media/lib{n}.png", content_type="image/png", width=10, height=10,
                     size_bytes=1, title=f"Ảnh thư viện số {n}")
    album = Album.create(title="Album chọn ảnh", owner=world.users["editor"].id)
    AlbumPhoto.create(album=album, media=world.media, position=1, caption="Ảnh đầu")
    form = text_of(editor.get(f"/admin/album/edit/?id={album.id}"))
    i = form.find("Ảnh thư viện số")
    assert i < 0, form[i - 1500:i + 100]  # no <option> per library image
    found = editor.get("/admin/album/ajax/lookup/?name=albumphoto.media&query=hội nghị").get_json()
    assert [item[1] for item in found] == ["Ảnh hội nghị"]
    assert editor.get("/admin/album/ajax/lookup/?name=cover&query=thư viện").get_json()


def test_a_bad_date_is_said_in_vietnamese(client_as, world):
    editor = client_as("editor")
    response = post_album(editor, album_form(editor, "Album ngày sai", album_date="31/02/2026"))
    assert "Ngày không hợp lệ" in text_of(response)
    assert not Album.select().where(Album.title == "Album ngày sai").exists()
