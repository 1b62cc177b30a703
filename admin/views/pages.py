"""Giới thiệu pages in the back office, and what the views of the portal's editorial kinds share
here (Page, ScheduleWeek): the workflow of admin.editorial (steps, revisions, audit) through
EditorialViewMixin, staff seeing and editing only their own drafts.
"""

from flask import abort, url_for
from flask_admin.contrib.peewee.filters import FilterEqual
from flask_login import current_user
from markupsafe import Markup
from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from cms.models import Article, unique_slug
from cms.pages import Page
from cms.roles import STAFF, role_of
from cms.text import slugify
from cms.timeutil import format_datetime

from ..editorial import ContentKind, register_kind, status_label
from .base import SecureModelView
from .editorial_view import EditorialViewMixin

PAGE_KIND = register_kind(ContentKind("page", "trang giới thiệu", Page, ("title", "summary", "body")))
EDIT_TEMPLATE = "pages/admin_edit.html"  # the form with the workflow card beside it
DETAILS_TEMPLATE = "pages/admin_details.html"


def choices(pairs):
    return [SelectChoice(value, label) for value, label in pairs]


def status_cell(view, context, model, name):
    return Markup('<span class="badge status-{}">{}</span>').format(model.status, status_label(model))


class EditorialKindView(EditorialViewMixin, SecureModelView):
    """A portal kind under the editorial workflow: the status changes only by its steps (the card
    beside the form); staff see their own items and edit them while they are drafts."""

    edit_template = create_template = EDIT_TEMPLATE
    details_template = DETAILS_TEMPLATE
    column_formatters = {
        "title": lambda view, c, model, n: view.item_link(model, model.title),
        "status": status_cell,
        "updated_at": lambda v, c, m, n: format_datetime(m.updated_at),
        "published_at": lambda v, c, m, n: format_datetime(m.published_at),
    }

    def item_link(self, item, text):
        """A list cell opening the item: its form if the user may edit it, else its details."""
        target = ".edit_view" if self.can_edit_item(item) else ".details_view"
        return Markup('<a href="{}">{}</a>').format(url_for(target, id=item.id), text)

    def get_query(self):
        query = super().get_query()
        if role_of() == STAFF:
            return query.where(self.model.owner == current_user.id)
        return query

    def edit_form(self, obj=None):
        if obj is not None and not self.can_edit_item(obj):
            abort(403)
        return super().edit_form(obj)

    def on_model_change(self, form, model, is_created):
        if is_created:
            model.owner = current_user.id
            model.status = Article.DRAFT
        elif not self.can_edit_item(model):
            abort(403)
        else:
            model.version = (model.version or 1) + 1


class PageView(EditorialKindView):
    area = "page"
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
    form_columns = ["title", "slug", "position", "summary", "body", "shows"]
    form_overrides = {"body": TextAreaField, "summary": TextAreaField, "shows": SelectField}
    form_args = {
        "title": {"label": "Tiêu đề", "validators": [DataRequired(), Length(max=300)]},
        "slug": {"label": "Đường dẫn (để trống để tạo tự động)", "validators": [Optional(), Length(max=100)]},
        "position": {"label": "Thứ tự"},
        "summary": {"label": "Tóm tắt (hiện ở trang Giới thiệu)"},
        "body": {"label": "Nội dung (Markdown)"},
        "shows": {"label": "Hiện thêm dưới nội dung", "choices": choices(Page.SHOWS)},
    }
    form_widget_args = {"slug": {"required": False}, "body": {"rows": 18}, "summary": {"rows": 2}}

    def public_url(self, item):
        if item.status == Page.PUBLISHED:
            return url_for("pages.page", slug=item.slug)
        return None

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        wanted = slugify(form.slug.data or "") or slugify(model.title)
        if not wanted:
            raise ValidationError("Tiêu đề phải có ít nhất một chữ hoặc số để tạo đường dẫn.")
        if unique_slug(Page, wanted, exclude_id=model.id) != wanted:
            raise ValidationError(f"Đường dẫn '{wanted}' đã được trang khác dùng.")
        model.slug = wanted
