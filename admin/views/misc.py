"""Categories, tags, users, media and the audit log in the back office."""

from flask import current_app, flash, request
from flask_admin.contrib.peewee.filters import DateTimeBetweenFilter, FilterEqual, FilterLike
from flask_login import current_user
from markupsafe import Markup
from wtforms import FileField, PasswordField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from cms import audit
from cms.accounts import User
from cms.audit import ACTIONS, AuditEntry
from cms.models import Article, Category, Tag, unique_slug
from cms.roles import ROLES
from cms.text import slugify
from cms.timeutil import format_datetime
from cms.trees import id_tree

from ..media import Media, UploadError, delete_files, save_upload
from .base import SecureModelView

DATE_CELL = {"created_at": lambda v, c, m, n: format_datetime(m.created_at)}


class CategoryView(SecureModelView):
    area = "category"
    form_widget_args = {"slug": {"required": False}}
    column_list = ["name", "slug", "parent", "position"]
    column_labels = {"name": "Tên", "slug": "Đường dẫn", "parent": "Chuyên mục cha",
                     "position": "Thứ tự", "description": "Mô tả"}
    column_default_sort = [(Category.position, False), (Category.name, False)]
    column_sortable_list = ["name", "slug", "position"]
    form_columns = ["name", "slug", "parent", "position", "description"]
    form_args = {"name": {"label": "Tên", "validators": [DataRequired(), Length(max=200)]},
                 "slug": {"label": "Đường dẫn (để trống để tạo tự động)", "validators": [Optional()]},
                 "parent": {"label": "Chuyên mục cha"}, "position": {"label": "Thứ tự"},
                 "description": {"label": "Mô tả"}}

    def on_model_change(self, form, model, is_created):
        if model.id is not None and id_tree(Category).would_create_cycle(model.id, model.parent_id):
            raise ValidationError("Không thể đặt một chuyên mục làm con của chính nó.")
        wanted = slugify(form.slug.data or "") if form.slug.data else (form.slug.object_data or "")
        if wanted and unique_slug(Category, wanted, exclude_id=model.id) != wanted:
            raise ValidationError(f"Đường dẫn '{wanted}' đã được chuyên mục khác dùng.")
        model.slug = wanted

    def on_model_delete(self, model):
        if Article.select().where(Article.category == model).exists():
            raise ValidationError(f"Chuyên mục '{model.name}' còn bài viết: hãy chuyển các bài sang "
                                  "chuyên mục khác trước khi xóa.")
        super().on_model_delete(model)


class TagView(SecureModelView):
    area = "tag"
    form_widget_args = {"slug": {"required": False}}
    column_list = ["name", "slug"]
    column_labels = {"name": "Tên", "slug": "Đường dẫn"}
    form_columns = ["name", "slug"]
    form_args = {"name": {"label": "Tên", "validators": [DataRequired(), Length(max=100)]},
                 "slug": {"label": "Đường dẫn (để trống để tạo tự động)", "validators": [Optional()]}}

    def on_model_change(self, form, model, is_created):
        wanted = slugify(form.slug.data or model.name) or "the"
        clash = Tag.get_or_none((Tag.slug == wanted) & (Tag.id != (model.id or 0)))
        if clash:
            raise ValidationError(f"Đã có từ khóa '{clash.name}' với đường dẫn '{wanted}'.")
        model.slug = wanted


class UserView(SecureModelView):
    area = "user"
    can_delete = False  # accounts are deactivated, never deleted: the audit log points at them
    column_list = ["username", "full_name", "role", "department", "email", "active", "created_at"]
    column_labels = {"username": "Tên đăng nhập", "full_name": "Họ và tên", "role": "Vai trò",
                     "department": "Phòng", "email": "Thư điện tử", "active": "Đang hoạt động",
                     "created_at": "Ngày tạo"}
    column_formatters = {**DATE_CELL, "role": lambda v, c, m, n: m.role_label}
    column_filters = [FilterEqual(User.role, "Vai trò", options=ROLES),
                      FilterEqual(User.active, "Đang hoạt động", options=[("1", "Có"), ("0", "Không")])]
    column_details_exclude_list = ["password_hash", "session_token"]
    form_columns = ["username", "full_name", "email", "role", "department", "active"]
    form_overrides = {"role": SelectField}
    form_args = {"username": {"label": "Tên đăng nhập", "validators": [DataRequired(), Length(max=80)]},
                 "full_name": {"label": "Họ và tên"}, "email": {"label": "Thư điện tử"},
                 "role": {"label": "Vai trò", "choices": [SelectChoice(v, label) for v, label in ROLES]},
                 "department": {"label": "Phòng"},
                 "active": {"label": "Đang hoạt động"}}
    form_extra_fields = {"new_password": PasswordField(
        "Mật khẩu mới (để trống nếu không đổi)",
        validators=[Optional(), Length(min=8, message="Mật khẩu cần ít nhất 8 ký tự.")])}

    def on_model_change(self, form, model, is_created):
        clash = User.get_or_none((User.username == model.username) & (User.id != (model.id or 0)))
        if clash:
            raise ValidationError(f"Tên đăng nhập '{model.username}' đã có người dùng.")
        if is_created and not form.new_password.data:
            raise ValidationError("Tài khoản mới cần một mật khẩu (ít nhất 8 ký tự).")
        if form.new_password.data:
            model.set_password(form.new_password.data)  # also ends the account's sessions
        if not is_created and model.id == current_user.id and (model.role != "admin" or not model.active):
            raise ValidationError("Bạn không thể tự bỏ quyền quản trị hoặc tự khóa tài khoản của mình.")


def _thumb_cell(view, context, model, name):
    return Markup('<img src="{}" alt="" width="120" loading="lazy">').format(model.url("thumb"))


def _markdown_cell(view, context, model, name):
    return Markup('<code class="md-snippet">{}</code>').format(model.markdown)


class MediaView(SecureModelView):
    area = "media"
    column_list = ["preview", "title", "original_name", "width", "height", "size_bytes", "uploaded_by",
                   "created_at", "markdown"]
    column_labels = {"preview": "Ảnh", "title": "Chú thích", "original_name": "Tên tệp gốc",
                     "width": "Rộng", "height": "Cao", "size_bytes": "Dung lượng (byte)",
                     "uploaded_by": "Người tải lên", "created_at": "Ngày tải", "markdown": "Chèn vào bài"}
    column_formatters = {**DATE_CELL, "preview": _thumb_cell, "markdown": _markdown_cell}
    column_default_sort = (Media.created_at, True)
    form_columns = ["title"]
    form_args = {"title": {"label": "Chú thích ảnh", "validators": [Length(max=300)]}}
    form_extra_fields = {"upload": FileField("Tệp ảnh (JPEG, PNG, WebP; tối đa 8 MB)")}

    def prepare_form(self, form, obj=None):
        if obj is not None:
            del form.upload  # an image is replaced by uploading a new one
        return form

    def create_model(self, form):
        upload = request.files.get("upload")
        if not upload or not upload.filename:
            flash("Vui lòng chọn một tệp ảnh để tải lên.", "error")
            return False
        try:
            media = save_upload(current_app, upload.read(), upload.filename,
                                form.title.data or "", current_user)
        except UploadError as exc:
            flash(str(exc), "error")
            return False
        self.after_model_change(form, media, True)
        return media

    def after_model_change(self, form, model, is_created):
        audit.record("upload" if is_created else "update", "media", model)

    def on_model_delete(self, model):
        super().on_model_delete(model)
        # Files go with the row, whether deleted one by one or by the bulk "delete" action.
        # (Removed before the commit: a failed delete then loses the files, never leaves them served.)
        delete_files(current_app, model)


class AuditView(SecureModelView):
    """Readable and filterable by admins; no create, edit or delete for anyone."""

    area = "audit"
    column_list = ["created_at", "actor_name", "action", "object_type", "object_id", "object_label",
                   "details", "ip_address"]
    column_labels = {"created_at": "Thời điểm", "actor_name": "Người thực hiện", "action": "Hành động",
                     "object_type": "Loại đối tượng", "object_id": "Mã", "object_label": "Tên",
                     "details": "Chi tiết", "ip_address": "Địa chỉ IP"}
    column_formatters = {**DATE_CELL, "action": lambda v, c, m, n: m.action_label,
                         "details": lambda v, c, m, n: m.details_text}
    column_default_sort = (AuditEntry.created_at, True)
    column_filters = [
        FilterEqual(AuditEntry.action, "Hành động", options=list(ACTIONS.items())),
        FilterEqual(AuditEntry.object_type, "Loại đối tượng",
                    options=[("article", "Bài viết"), ("category", "Chuyên mục"), ("tag", "Từ khóa"),
                             ("user", "Tài khoản"), ("media", "Ảnh"), ("album", "Album ảnh"),
                             ("site_settings", "Thông tin trang"), ("site_link", "Liên kết website")]),
        FilterLike(AuditEntry.actor_name, "Người thực hiện"),
        FilterEqual(AuditEntry.object_id, "Mã đối tượng"),
        DateTimeBetweenFilter(AuditEntry.created_at, "Thời điểm"),
    ]
