"""Giới thiệu pages in the back office, and what every view of an editorial kind shares here
(Page, ScheduleWeek): who sees which record, who may publish, the status as the form sets it.

Until the generalized workflow (admin.editorial) covers these kinds, the status is a field of
the form: staff write drafts and send them for review; editors and admins publish and archive.
"""

from flask import abort
from flask_admin.contrib.peewee.filters import FilterEqual
from flask_login import current_user
from markupsafe import Markup
from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from cms.models import Article, unique_slug
from cms.pages import Page
from cms.roles import ADMIN, EDITOR, STAFF, can, role_of
from cms.text import slugify
from cms.timeutil import format_datetime

from .base import SecureModelView

STATUS_LABELS = dict(Article.STATUSES)
STAFF_STATUSES = (Article.DRAFT, Article.PENDING)  # what staff may leave their own record in


def choices(pairs):
    return [SelectChoice(value, label) for value, label in pairs]


def status_cell(view, context, model, name):
    return Markup('<span class="badge status-{}">{}</span>').format(
        model.status, STATUS_LABELS.get(model.status, model.status))


class EditorialKindView(SecureModelView):
    """A content kind with the articles' statuses: staff see and edit their own drafts only;
    publishing, archiving and taking a record down need the area's "publish" operation."""

    column_formatters = {
        "status": status_cell,
        "updated_at": lambda v, c, m, n: format_datetime(m.updated_at),
        "published_at": lambda v, c, m, n: format_datetime(m.published_at),
    }
    form_overrides = {"status": SelectField}

    def get_query(self):
        query = super().get_query()
        if role_of() == STAFF:
            return query.where(self.model.owner == current_user.id)
        return query

    def may_edit(self, model):
        if role_of() in (ADMIN, EDITOR):
            return True
        return model.owner_id == current_user.id and model.status in STAFF_STATUSES

    def edit_form(self, obj=None):
        if obj is not None and not self.may_edit(obj):
            abort(403)
        return super().edit_form(obj)

    def prepare_form(self, form, obj=None):
        form.status.choices = choices(
            pair for pair in Article.STATUSES if can(self.area, "publish") or pair[0] in STAFF_STATUSES)
        if obj is None and not form.status.data:
            form.status.data = Article.DRAFT
        return form

    def on_model_change(self, form, model, is_created):
        if not is_created and not self.may_edit(model):
            abort(403)
        if model.status not in STATUS_LABELS:
            raise ValidationError("Trạng thái không hợp lệ.")
        if model.status not in STAFF_STATUSES and not can(self.area, "publish"):
            raise ValidationError("Chỉ biên tập viên hoặc quản trị mới được xuất bản hay lưu trữ.")
        if is_created:
            model.owner = current_user.id
        else:
            model.version = (model.version or 1) + 1

    def delete_model(self, model):
        if not can(self.area, "delete"):
            abort(403)
        return super().delete_model(model)


class PageView(EditorialKindView):
    area = "page"
    audit_type = "page"
    column_list = ["title", "slug", "position", "status", "updated_at"]
    column_labels = {"title": "Tiêu đề", "slug": "Đường dẫn", "position": "Thứ tự",
                     "status": "Trạng thái", "updated_at": "Cập nhật", "summary": "Tóm tắt",
                     "body": "Nội dung (Markdown)", "shows": "Hiện thêm dưới nội dung",
                     "published_at": "Ngày đăng", "created_at": "Ngày tạo", "owner": "Người tạo"}
    column_default_sort = [(Page.position, False), (Page.title, False)]
    column_sortable_list = ["title", "position", "status", "updated_at"]
    column_searchable_list = [Page.title]
    column_filters = [FilterEqual(Page.status, "Trạng thái", options=Article.STATUSES)]
    column_details_list = ["title", "slug", "position", "status", "summary", "shows", "published_at",
                           "updated_at"]
    form_columns = ["title", "slug", "position", "summary", "body", "shows", "status"]
    form_overrides = {**EditorialKindView.form_overrides, "body": TextAreaField,
                      "summary": TextAreaField, "shows": SelectField}
    form_args = {
        "title": {"label": "Tiêu đề", "validators": [DataRequired(), Length(max=300)]},
        "slug": {"label": "Đường dẫn (để trống để tạo tự động)", "validators": [Optional(), Length(max=100)]},
        "position": {"label": "Thứ tự"},
        "summary": {"label": "Tóm tắt (hiện ở trang Giới thiệu)"},
        "body": {"label": "Nội dung (Markdown)"},
        "shows": {"label": "Hiện thêm dưới nội dung", "choices": choices(Page.SHOWS)},
        "status": {"label": "Trạng thái", "choices": choices(Article.STATUSES)},
    }
    form_widget_args = {"slug": {"required": False}, "body": {"rows": 18}, "summary": {"rows": 2}}

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        wanted = slugify(form.slug.data or "") or slugify(model.title)
        if not wanted:
            raise ValidationError("Tiêu đề phải có ít nhất một chữ hoặc số để tạo đường dẫn.")
        if unique_slug(Page, wanted, exclude_id=model.id) != wanted:
            raise ValidationError(f"Đường dẫn '{wanted}' đã được trang khác dùng.")
        model.slug = wanted
