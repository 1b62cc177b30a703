"""Documents (Văn bản) in the back office: list with folded search and filters, the form in Vietnamese
(days as dd/mm/yyyy), files checked by content, optimistic locking, and the editorial workflow,
revisions and audit every content kind shares (admin.editorial, EditorialViewMixin).

Roles (cms.roles RULES["document"]): admins and editors create, edit, publish and delete; staff
enter drafts, edit their own drafts and submit them for review (an editor publishes: the register
is the Board's official record); leaders read.
"""

from flask import abort, current_app, flash, g, request, url_for
from flask_admin.contrib.peewee.filters import FilterEqual
from flask_admin.form import rules
from flask_login import current_user
from markupsafe import Markup
from wtforms import HiddenField, MultipleFileField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from cms import audit
from cms.document_files import delete_file, detect_kind, save_file
from cms.documents import KIND_CHOICES, LEGAL_STATUSES, REPLACED, Document, DocumentFile
from cms.file_checks import FileRefused, clean_file_name
from cms.models import search_words
from cms.timeutil import format_datetime, format_day

from ..editorial import ContentKind, register_kind
from .base import LiveFilterEqual, SecureModelView
from .editorial_view import EditorialViewMixin
from .visit_base import DateTextField, MultiCheckboxField

STATUS_LABELS = dict(Document.STATUSES)
MAX_FILES_PER_SAVE = 10
DOCUMENT = register_kind(ContentKind("document", "văn bản", Document, ("number", "summary", "body")))


def _body_options():
    rows = Document.select(Document.issuing_body).distinct().order_by(Document.issuing_body).tuples()
    return [(name, name) for (name,) in rows]


def _year_options():
    rows = Document.select(Document.year).distinct().order_by(Document.year.desc()).tuples()
    return [(str(year), str(year)) for (year,) in rows]


class HiddenInput(rules.Field):
    """A form rule that keeps a hidden field and writes its bare input (no label)."""

    def __call__(self, form, form_opts=None, field_args=None):
        return Markup(getattr(form, self.field_name)())


def _number_cell(view, context, model, name):
    endpoint = ".edit_view" if view.can_edit_item(model) else ".details_view"
    link = url_for(endpoint, id=model.id)
    return Markup('<a href="{}">{}</a>').format(link, model.number)


def _status_cell(view, context, model, name):
    return Markup('<span class="badge status-{}">{}</span>').format(
        model.status, STATUS_LABELS.get(model.status, model.status))


class DocumentView(EditorialViewMixin, SecureModelView):
    area = "document"
    edit_template = "admin/document_edit.html"
    create_template = "admin/document_edit.html"
    details_template = "admin/document_details.html"
    list_template = "admin/document_list.html"

    column_list = ["number", "kind", "summary", "issuing_body", "date_issued", "legal_status", "status",
                   "published_at"]
    column_labels = {
        "number": "Số, ký hiệu", "kind": "Loại", "summary": "Trích yếu", "issuing_body": "Cơ quan ban hành",
        "signer": "Người ký", "date_issued": "Ngày ban hành", "date_effective": "Ngày hiệu lực",
        "field": "Lĩnh vực", "legal_status": "Hiệu lực", "replaced_by": "Được thay thế bởi",
        "status": "Trạng thái", "published_at": "Ngày đăng", "updated_at": "Cập nhật", "slug": "Đường dẫn",
        "body": "Ghi chú, nội dung (Markdown)", "created_at": "Ngày tạo", "year": "Năm",
    }
    column_sortable_list = ["number", "kind", "issuing_body", "date_issued", "status", "published_at"]
    column_default_sort = (Document.date_issued, True)
    column_formatters = {
        "number": _number_cell,
        "status": _status_cell,
        "kind": lambda v, c, m, n: m.kind_name,
        "legal_status": lambda v, c, m, n: m.legal_status_label,
        "date_issued": lambda v, c, m, n: format_day(m.date_issued),
        "date_effective": lambda v, c, m, n: format_day(m.date_effective),
        "published_at": lambda v, c, m, n: format_datetime(m.published_at),
        "updated_at": lambda v, c, m, n: format_datetime(m.updated_at),
        "created_at": lambda v, c, m, n: format_datetime(m.created_at),
        "summary": lambda v, c, m, n: (m.summary[:140] + "…") if len(m.summary) > 140 else m.summary,
    }
    column_details_list = ["number", "kind", "summary", "issuing_body", "signer", "date_issued",
                           "date_effective", "field", "legal_status", "replaced_by", "status", "published_at",
                           "slug", "created_at", "updated_at"]
    column_searchable_list = [Document.search_text]
    column_filters = [
        FilterEqual(Document.kind, "Loại văn bản", options=KIND_CHOICES),
        LiveFilterEqual(Document.issuing_body, "Cơ quan ban hành", options=_body_options),
        LiveFilterEqual(Document.year, "Năm ban hành", options=_year_options),
        FilterEqual(Document.legal_status, "Hiệu lực", options=LEGAL_STATUSES),
        FilterEqual(Document.status, "Trạng thái", options=Document.STATUSES),
    ]
    form_columns = ["number", "kind", "summary", "issuing_body", "signer", "date_issued", "date_effective",
                    "field", "legal_status", "replaced_by", "body", "slug"]
    # The order the form shows its fields in (the day fields are extra fields, see below).
    _FIELD_ORDER = ["number", "kind", "summary", "issuing_body", "signer", "date_issued", "date_effective",
                    "field", "legal_status", "replaced_by", "body", "slug", "new_files"]
    form_create_rules = _FIELD_ORDER
    form_edit_rules = [*_FIELD_ORDER, "remove_files", HiddenInput("expected_version")]
    form_overrides = {"kind": SelectField,
                      "legal_status": SelectField, "summary": TextAreaField, "body": TextAreaField}
    form_args = {
        "number": {"label": "Số, ký hiệu (ví dụ 2993-QĐ/TU)",
                   "validators": [DataRequired(), Length(max=100)]},
        "kind": {"label": "Loại văn bản", "choices": KIND_CHOICES},
        "summary": {"label": "Trích yếu", "validators": [DataRequired(), Length(max=2000)]},
        "issuing_body": {"label": "Cơ quan ban hành", "validators": [DataRequired(), Length(max=200)]},
        "signer": {"label": "Người ký", "validators": [Optional(), Length(max=200)]},
        "field": {"label": "Lĩnh vực", "validators": [Optional(), Length(max=200)]},
        "legal_status": {"label": "Hiệu lực", "choices": LEGAL_STATUSES},
        "replaced_by": {"label": "Được thay thế bởi văn bản (khi hiệu lực là “Đã được thay thế”)"},
        "body": {"label": "Ghi chú, nội dung (Markdown, không bắt buộc)"},
        "slug": {"label": "Đường dẫn (để trống để tạo tự động)", "validators": [Optional(), Length(max=120)]},
    }
    form_widget_args = {"slug": {"required": False}, "summary": {"rows": 3}, "body": {"rows": 8},
                        "remove_files": {"class": "list-unstyled mb-0"},
                        }
    form_extra_fields = {
        # Days typed as dd/mm/yyyy. Extra fields, not converted ones: the converter would add a
        # "required" check that hides the field's own "Ngày không hợp lệ" (on_model_change asks for it).
        "date_issued": DateTextField("Ngày ban hành (dd/mm/yyyy)", render_kw={"placeholder": "dd/mm/yyyy"}),
        "date_effective": DateTextField("Ngày có hiệu lực (dd/mm/yyyy, để trống nếu như ngày ban hành)",
                                        render_kw={"placeholder": "dd/mm/yyyy"}),
        "new_files": MultipleFileField("Tải tệp văn bản lên (PDF hoặc Word .docx; tối đa 20 MB mỗi tệp)"),
        "remove_files": MultiCheckboxField("Gỡ các tệp đã đính kèm (đánh dấu tệp cần gỡ)", coerce=int,
                                           choices=[]),
        "expected_version": HiddenField(),
    }

    def _handle_view(self, name, **kwargs):
        refused = super()._handle_view(name, **kwargs)
        if refused:
            return refused
        if name == "edit_view" and not self.can_edit_item(self.get_one(request.args.get("id"))):
            abort(403)  # staff: their own drafts only
        return None

    # --- list -----------------------------------------------------------------------------------
    def get_query(self):
        query = Document.select()
        for word in g.get("document_search_words") or []:
            query = query.where(Document.search_text.contains(f" {word} "))
        return query

    def get_count_query(self):
        return self.get_query()

    def search_placeholder(self):
        return "Tìm theo số (2993-QĐ/TU, 2993 qd tu), trích yếu, cơ quan"

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        """Search by whole folded words (as /van-ban does): any way of typing a number finds it."""
        g.document_search_words = search_words(search)[:10] if search else None
        return super().get_list(page, sort_column, sort_desc, None, filters, execute, page_size)

    # --- forms ----------------------------------------------------------------------------------
    def prepare_form(self, form, obj=None):
        others = (Document.select(Document.id, Document.kind, Document.number)
                  .order_by(Document.date_issued.desc()))
        if obj is not None:
            others = others.where(Document.id != obj.id)
        form.replaced_by.query = others  # peewee's select field reads its choices from this query
        if obj is not None:
            form.remove_files.choices = [(f.id, f.original_name) for f in obj.files()]
            if request.method == "GET":
                form.expected_version.data = obj.version
        return form  # (the create form has no remove_files: form_create_rules leave it out)

    def on_model_change(self, form, model, is_created):
        model.slug = self.chosen_slug(form, model)
        if model.date_issued is None:
            raise ValidationError("Hãy nhập ngày ban hành (dd/mm/yyyy).")
        if model.replaced_by_id is not None and model.legal_status != REPLACED:
            model.replaced_by = None  # only a replaced document names its successor
        if model.date_effective and model.date_issued and model.date_effective < model.date_issued:
            raise ValidationError("Ngày có hiệu lực không thể trước ngày ban hành.")
        if is_created:  # published through the workflow's steps, never by the form
            model.owner = current_user.id
            model.status = Document.DRAFT
        g.document_uploads = self._checked_uploads()

    @staticmethod
    def _checked_uploads():
        """The uploaded files, each checked by content now: a bad one stops the save with its reason."""
        uploads = [f for f in request.files.getlist("new_files") if f and f.filename]
        if len(uploads) > MAX_FILES_PER_SAVE:
            raise ValidationError(f"Mỗi lần lưu tải lên tối đa {MAX_FILES_PER_SAVE} tệp.")
        checked = []
        for upload in uploads:
            data = upload.read()
            name = clean_file_name(upload.filename)
            try:
                detect_kind(data)
            except FileRefused as exc:
                raise ValidationError(f"Tệp “{name}” không được nhận: {exc}") from exc
            checked.append((data, name))
        return checked

    def report_conflict(self, form, stored):
        form.expected_version.data = stored.version
        flash("Văn bản vừa được người khác lưu trong khi bạn đang sửa. Bản của bạn CHƯA được lưu; "
              "hãy mở lại văn bản, xem bản mới rồi sửa lại.", "error")

    def after_model_change(self, form, model, is_created):
        """The revision and audit entry of the save (EditorialViewMixin), then the files: removed,
        added, and an audit entry of their own."""
        super().after_model_change(form, model, is_created)
        details, removed = {}, []
        if not is_created and getattr(form, "remove_files", None) is not None and form.remove_files.data:
            for row in DocumentFile.select().where((DocumentFile.document == model.id)
                                                   & DocumentFile.id.in_(form.remove_files.data)):
                removed.append(row.original_name)
                row.delete_instance()
                delete_file(current_app, row)
        added = []
        position = len(model.files())
        for data, name in g.pop("document_uploads", []):
            try:
                save_file(current_app, model, data, name, current_user, position=position)
            except FileRefused as exc:  # a full disk between the check and the write
                flash(f"Tệp “{name}” chưa lưu được: {exc}", "error")
                continue
            position += 1
            added.append(name)
        if added:
            details["tệp tải lên"] = ", ".join(added)
        if removed:
            details["tệp đã gỡ"] = ", ".join(removed)
        if details:
            audit.record("upload", "document", model, details)

    def on_model_delete(self, model):
        g.document_files_deleted = model.files()
        super().on_model_delete(model)

    def after_model_delete(self, model):
        for row in g.pop("document_files_deleted", []):
            delete_file(current_app, row)

    def get_save_return_url(self, model, is_created=False):
        return self.get_url(".edit_view", id=model.id)

    def public_url(self, item):
        return url_for("documents.detail", slug=item.slug) if item.is_public else None
