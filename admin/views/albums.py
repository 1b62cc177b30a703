"""Photo albums in the back office ("Album ảnh"): an album's fields, its photos in order with their
captions (picked from the image library, "Thư viện ảnh", or uploaded here into it), and who may do
what: as articles (cms.roles "album": staff create and edit their own drafts, editors publish),
through the editorial workflow every kind shares (admin.editorial: steps, revisions of the title
and description, audit). Albums are published at once, never scheduled: the public pages' cache
follows the site's version, and a time passing changes no version.

Also the demo albums of `flask load-demo` (content/albums/<slug>/album.yaml and its photos), loaded
through the same upload checks as any image.
"""

from pathlib import Path

import yaml
from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.peewee.ajax import QueryAjaxModelLoader
from flask_login import current_user
from markupsafe import Markup
from wtforms import HiddenField, MultipleFileField
from wtforms.validators import Optional, ValidationError

from cms.albums import MAX_PHOTOS, Album, AlbumPhoto, photo_counts
from cms.db import database
from cms.media import Media
from cms.roles import STAFF, role_of
from cms.timeutil import utcnow

from ..editorial import STATUS_LABELS, ContentKind, register_kind
from ..forms import parse_local_datetime
from ..media import UploadError, delete_files, save_upload
from .base import SecureModelView
from .editorial_view import EditorialViewMixin
from .visit_base import DateTextField

ALBUM = register_kind(ContentKind("album", "album ảnh", Album, ("title", "description")))
# Library images are found by typing (never a list of the whole library in the form).
PHOTO_LOOKUP = QueryAjaxModelLoader("albumphoto.media", Media, page_size=10,
                                    fields=[Media.title, Media.original_name])
DEMO_DIR = Path(__file__).resolve().parents[2] / "content" / "albums"


def _photos_cell(view, context, model, name):
    return Markup("{} ảnh").format(g.get("album_photo_counts", {}).get(model.id, 0))


class AlbumView(EditorialViewMixin, SecureModelView):
    area = "album"
    edit_template = "admin/album_edit.html"
    details_template = "admin/album_details.html"
    column_list = ["title", "album_date", "status", "photos", "owner", "updated_at"]
    column_labels = {"title": "Tiêu đề", "slug": "Đường dẫn", "description": "Mô tả",
                     "cover": "Ảnh bìa (để trống: ảnh đầu tiên)", "album_date": "Ngày diễn ra",
                     "status": "Trạng thái", "photos": "Số ảnh", "owner": "Người tạo",
                     "published_at": "Ngày xuất bản", "updated_at": "Cập nhật", "created_at": "Ngày tạo",
                     "photo_links": "Ảnh trong album"}
    column_formatters = {"status": lambda v, c, m, n: STATUS_LABELS.get(m.status, m.status),
                         "photos": _photos_cell}
    column_default_sort = (Album.updated_at, True)
    column_searchable_list = ["title"]
    column_details_list = ["title", "slug", "album_date", "description", "status", "cover", "owner",
                           "published_at", "created_at", "updated_at"]
    form_columns = ["title", "slug", "album_date", "description", "cover", "photo_links"]
    form_args = {"title": {"label": "Tiêu đề"},
                 "slug": {"label": "Đường dẫn (để trống: tự tạo)", "validators": [Optional()]},
                 "description": {"label": "Mô tả"}, "album_date": {"label": "Ngày diễn ra (dd/mm/yyyy)"},
                 "cover": {"label": "Ảnh bìa (để trống: ảnh đầu tiên)"}}
    # The photo field of the inline rows is converted with this view's references (Flask-Admin's
    # peewee inline forms look the field's name up here), so the loader is named in both places.
    form_overrides = {"album_date": DateTextField}  # dd/mm/yyyy, as every date of the back office
    form_ajax_refs = {"cover": {"fields": ["title", "original_name"], "page_size": 10}, "media": PHOTO_LOOKUP}
    inline_models = [(AlbumPhoto, {
        "form_columns": ["id", "media", "position", "caption"],
        "form_overrides": {"id": HiddenField},  # a new row has none yet
        "form_args": {"id": {"validators": [Optional()]},
                      "media": {"label": "Ảnh (gõ để tìm theo chú thích hoặc tên tệp trong Thư viện ảnh)"},
                      "position": {"label": "Thứ tự"}, "caption": {"label": "Chú thích"}},
        "form_label": "Ảnh",
        "form_ajax_refs": {"media": PHOTO_LOOKUP},
    })]
    form_extra_fields = {"uploads": MultipleFileField(
        "Tải ảnh mới lên (JPEG, PNG, WebP; chọn được nhiều tệp; thêm vào cuối album)")}

    # --- what each role sees ----------------------------------------------------------------
    def get_query(self):
        query = Album.select()
        if role_of() == STAFF:  # staff see their own albums, every other role all (as articles)
            query = query.where(Album.owner == current_user.id)
        return query

    def get_count_query(self):
        return self.get_query()

    def get_list(self, *args, **kwargs):
        count, albums = super().get_list(*args, **kwargs)
        albums = list(albums)
        g.album_photo_counts = photo_counts([album.id for album in albums])  # one query a page
        return count, albums

    def _handle_view(self, name, **kwargs):
        refused = super()._handle_view(name, **kwargs)
        if refused:
            return refused
        if name == "edit_view" and not self.can_edit_item(self.get_one(request.args.get("id"))):
            abort(403)
        return None

    def public_url(self, item):
        return url_for("albums.album", slug=item.slug) if item.is_public else None

    @expose("/transition/<int:item_id>", methods=["POST"])
    def transition(self, item_id):
        """The shared step, except that an album is not scheduled (see the module's docstring)."""
        if request.form.get("name") == "publish":
            try:
                when = parse_local_datetime(request.form.get("published_at", ""))
            except ValueError:
                when = None  # the shared step says what is wrong with it
            if when is not None and when > utcnow():
                flash("Album ảnh được xuất bản ngay, không lên lịch: để trống thời điểm đăng.", "error")
                return redirect(self.get_url(".edit_view", id=item_id))
        return super().transition(item_id)

    # --- forms --------------------------------------------------------------------------------
    def on_model_change(self, form, model, is_created):
        if not (model.title or "").strip():
            raise ValidationError("Vui lòng nhập tiêu đề album.")
        model.slug = self.chosen_slug(form, model)
        if is_created:  # a new album is a draft of its author; steps go through the workflow
            model.owner, model.status = current_user.id, Album.DRAFT
        model.version = (model.version or 0) + (0 if is_created else 1)
        g.album_uploads = self._save_uploads(model)

    def _save_uploads(self, model):
        """Each chosen file into the image library (checked as every upload); all or none."""
        files = [f for f in request.files.getlist("uploads") if f and f.filename]
        present = AlbumPhoto.select().where(AlbumPhoto.album == model.id).count() if model.id else 0
        if present + len(files) > MAX_PHOTOS:
            raise ValidationError(f"Một album có tối đa {MAX_PHOTOS} ảnh.")
        saved = []
        try:
            for upload in files:
                saved.append(save_upload(current_app, upload.read(), upload.filename, model.title,
                                         current_user))
        except UploadError as exc:
            for media in saved:
                delete_files(current_app, media)
            raise ValidationError(f"{upload.filename}: {exc}") from exc
        return saved

    def after_model_change(self, form, model, is_created):
        uploads = g.pop("album_uploads", [])
        last = max([photo.position for photo in AlbumPhoto.select(AlbumPhoto.position)
                    .where(AlbumPhoto.album == model.id)] or [0])
        for offset, media in enumerate(uploads, start=1):
            AlbumPhoto.create(album=model.id, media=media.id, position=last + offset, caption="")
        super().after_model_change(form, model, is_created)


def load_demo_albums():
    """The demo albums of content/albums (skipped when their slug exists): one-line summary."""
    made = 0
    for spec in sorted(DEMO_DIR.glob("*/album.yaml")):
        data = yaml.safe_load(spec.read_text(encoding="utf-8"))
        if Album.select().where(Album.slug == data["slug"]).exists():
            continue
        with database.atomic():
            album = Album.create(title=data["title"], slug=data["slug"], album_date=data.get("date"),
                                 description=data.get("description", ""), status=Album.PUBLISHED)
            for position, photo in enumerate(data["photos"], start=1):
                path = spec.parent / photo["file"]
                media = save_upload(current_app, path.read_bytes(), path.name, photo["caption"][:300])
                AlbumPhoto.create(album=album, media=media, position=position, caption=photo["caption"])
        made += 1
    return f"Đã thêm {made} album ảnh mẫu."
