"""Articles in the back office: list, folded search, editor with live preview, workflow, revisions,
optimistic locking, cover upload."""

from flask import abort, current_app, flash, g, jsonify, request, url_for
from flask_admin import expose
from flask_admin.contrib.peewee.filters import (
    BooleanEqualFilter,
    DateTimeBetweenFilter,
    FilterEqual,
)
from flask_login import current_user
from markupsafe import Markup, escape
from peewee import JOIN
from wtforms import FileField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from cms.accounts import User
from cms.article_access import visible_articles
from cms.markup import render_markdown
from cms.models import Article, Category, is_safe_image_url, search_words
from cms.roles import can
from cms.timeutil import format_datetime, utcnow
from search_index import IndexUnavailable, staff_search

from ..editorial import ARTICLE, STATUS_LABELS, Revision, diff_html, is_scheduled
from ..forms import LocalDateTimeField
from ..media import UploadError, save_upload
from ..permissions import can_edit_article
from ..search_access import staff_visibility
from .base import LiveFilterEqual, SecureModelView
from .editorial_view import EditorialViewMixin


def _safe_cover(form, field):
    if not is_safe_image_url((field.data or "").strip()):
        raise ValidationError("Ảnh đại diện phải là đường dẫn trên trang (bắt đầu bằng /) hoặc một địa chỉ "
                              "http:// hay https:// (không dấu cách, không dấu nháy).")


def _category_options():
    return [(c.id, c.name) for c in Category.ordered()]


def _author_options():
    names = (Article.select(Article.author).where(Article.author != "").distinct()
             .order_by(Article.author).tuples())
    return [(name, name) for (name,) in names]


def _status_cell(view, context, model, name):
    label = STATUS_LABELS.get(model.status, model.status)
    if is_scheduled(model):
        label = "Đã lên lịch"
    return Markup('<span class="badge status-{}">{}</span>').format(model.status, label)


def _title_cell(view, context, model, name):
    link = url_for(".edit_view", id=model.id) if can_edit_article(model) else \
        url_for(".details_view", id=model.id)
    return Markup('<a href="{}">{}</a>').format(link, model.title)


class ArticleView(EditorialViewMixin, SecureModelView):
    area = "article"
    edit_template = "admin/article_edit.html"
    create_template = "admin/article_edit.html"
    details_template = "admin/article_details.html"
    list_template = "admin/article_list.html"
    extra_js = ["/static/admin/editor.js"]

    column_list = ["title", "category", "status", "author", "published_at", "updated_at", "featured"]
    column_labels = {
        "title": "Tiêu đề", "slug": "Đường dẫn", "category": "Chuyên mục", "status": "Trạng thái",
        "author": "Tác giả", "published_at": "Ngày đăng", "updated_at": "Cập nhật",
        "featured": "Nổi bật", "lead": "Sapo", "body": "Nội dung (Markdown)", "source": "Nguồn",
        "cover_image": "Ảnh đại diện (đường dẫn)", "created_at": "Ngày tạo", "view_count": "Lượt xem",
        "Category.name": "Chuyên mục", "search_text": "Nội dung",
    }
    column_sortable_list = ["title", "status", "author", "published_at", "updated_at", "featured",
                            ("category", Category.name)]
    column_default_sort = (Article.updated_at, True)
    column_searchable_list = [Article.search_text]
    column_formatters = {
        "status": _status_cell,
        "title": _title_cell,
        "published_at": lambda v, c, m, n: format_datetime(m.published_at),
        "updated_at": lambda v, c, m, n: format_datetime(m.updated_at),
        "created_at": lambda v, c, m, n: format_datetime(m.created_at),
    }
    column_details_list = ["title", "slug", "category", "status", "author", "source", "lead",
                           "published_at", "created_at", "updated_at", "view_count", "featured"]
    column_filters = [
        LiveFilterEqual(Article.category, "Chuyên mục", options=_category_options),
        FilterEqual(Article.status, "Trạng thái", options=Article.STATUSES),
        LiveFilterEqual(Article.author, "Tác giả", options=_author_options),
        DateTimeBetweenFilter(Article.published_at, "Ngày đăng"),
        DateTimeBetweenFilter(Article.updated_at, "Cập nhật"),
        BooleanEqualFilter(Article.featured, "Nổi bật"),
    ]
    form_columns = ["title", "slug", "category", "lead", "body", "author", "source", "cover_image",
                    "featured", "published_at"]
    form_overrides = {"published_at": LocalDateTimeField, "body": TextAreaField, "lead": TextAreaField}
    form_args = {
        "title": {"label": "Tiêu đề", "validators": [DataRequired(), Length(max=300)]},
        "slug": {"label": "Đường dẫn (để trống để tạo tự động)", "validators": [Optional(), Length(max=100)]},
        "category": {"label": "Chuyên mục", "validators": [DataRequired()]},
        "lead": {"label": "Sapo"},
        "body": {"label": "Nội dung (Markdown)"},
        "author": {"label": "Tác giả (ký tên cuối bài)"},
        "source": {"label": "Nguồn"},
        "cover_image": {"label": "Ảnh đại diện (đường dẫn)", "validators": [_safe_cover]},
        "featured": {"label": "Tin nổi bật"},
        "published_at": {"label": "Thời điểm đăng (dd/mm/yyyy HH:MM, giờ Việt Nam)"},
    }
    form_widget_args = {
        "slug": {"required": False},  # empty means "make one from the title"
        "body": {"rows": 22, "class": "form-control markdown-editor", "data-preview-target": "preview"},
        "lead": {"rows": 3},
    }
    form_extra_fields = {
        "tags_text": StringField("Từ khóa (cách nhau bởi dấu phẩy)"),
        "cover_upload": FileField("Tải ảnh đại diện lên (JPEG, PNG, WebP)"),
        "expected_version": HiddenField(),
    }

    # --- what each role sees ----------------------------------------------------------------
    def get_query(self):
        query = visible_articles(Article.select(Article, Category).join(Category))
        ids = g.get("article_search_ids")
        if ids is not None:
            query = query.where(Article.id.in_(ids or [0]))
        for word in g.get("article_search_words") or []:
            query = query.where(Article.search_text.contains(f" {word} "))
        return query

    def get_count_query(self):
        return self.get_query()

    def _handle_view(self, name, **kwargs):
        refused = super()._handle_view(name, **kwargs)
        if refused:
            return refused
        if name == "edit_view":
            if not can_edit_article(self.get_one(request.args.get("id"))):
                abort(403)
        return None

    def search_placeholder(self):
        return "Tìm theo tiêu đề, sapo, tác giả, nội dung"

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        """The search box goes through the internal index (same Vietnamese analysis as every
        search: "uy ban" finds "Ủy ban"); if the index is down, through the folded column."""
        g.article_search_ids = None  # on g: the view object is shared by every request
        g.article_search_words = None
        if search:
            try:
                visibility = staff_visibility(current_user, kinds=["article"])
                g.article_search_ids = staff_search().article_ids(search, visibility)
            except IndexUnavailable:  # whole folded syllables in the stored folded text
                g.article_search_words = search_words(search)
        return super().get_list(page, sort_column, sort_desc, None, filters, execute, page_size)

    # --- forms --------------------------------------------------------------------------------
    def prepare_form(self, form, obj=None):
        if not can("article", "publish"):
            del form.featured  # choosing the front page is an editor's call
        if request.method == "GET" and obj is not None:
            form.tags_text.data = ", ".join(tag.name for tag in obj.tag_list())
            form.expected_version.data = obj.version
        return form

    def on_model_change(self, form, model, is_created):
        model.slug = self.chosen_slug(form, model)
        if is_created:
            model.owner_id = current_user.id
            model.status = Article.DRAFT
        upload = request.files.get(form.cover_upload.name)
        if upload and upload.filename:
            try:
                media = save_upload(current_app, upload.read(), upload.filename, model.title, current_user)
            except UploadError as exc:
                raise ValidationError(str(exc)) from exc
            model.cover_image = media.url("article")

    def report_conflict(self, form, stored):
        last = (Revision.of(stored).select(Revision, User)
                .join(User, JOIN.LEFT_OUTER, on=(Revision.author == User.id))
                .order_by(Revision.number.desc()).first())
        who = f"{last.author} lúc {format_datetime(last.created_at)}" if last else "người khác"
        submitted = {"title": form.title.data, "lead": form.lead.data, "body": form.body.data}
        g.conflict_diff = Markup(diff_html(ARTICLE, stored, submitted, "Bản đã lưu (của người khác)",
                                           "Bản bạn vừa gửi (chưa lưu)"))
        form.expected_version.data = stored.version
        flash(f"Bài viết vừa được {who} lưu trong khi bạn đang sửa. Bản của bạn CHƯA được lưu; "
              "xem phần khác biệt bên dưới, sửa lại nếu cần rồi bấm Lưu lần nữa để ghi bản của bạn.",
              "error")

    def after_model_change(self, form, model, is_created):
        model.set_tags((form.tags_text.data or "").split(","))
        super().after_model_change(form, model, is_created)  # its revision and audit entry

    def get_save_return_url(self, model, is_created=False):
        return self.get_url(".edit_view", id=model.id)

    # --- extra endpoints -------------------------------------------------------------------------
    @expose("/preview", methods=["POST"])
    def preview(self):
        """The body rendered exactly as the public page renders it (same Markdown and sanitizer)."""
        if not can("article", "create") and not can("article", "edit"):
            abort(403)
        body = request.form.get("body", "")
        if len(body) > 2_000_000:
            return jsonify(error="Nội dung quá dài để xem trước."), 413
        return jsonify(html=render_markdown(body))

    # --- what the templates need ---------------------------------------------------------------
    def can_edit_item(self, item):
        return can_edit_article(item)

    def public_url(self, item):
        return url_for("public.article", slug=item.slug) if item.is_public else None

    def render(self, template, **kwargs):
        kwargs["conflict_diff"] = g.get("conflict_diff")
        kwargs["now"] = utcnow()
        kwargs["escape"] = escape
        return super().render(template, **kwargs)
