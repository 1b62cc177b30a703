"""Field visits in the back office: plans, approvals, reports, attachments, follow-ups, joint visits.

Every endpoint looks the visit up through `_visible` (the scope rule of visits.access): a visit the
user may not see answers 404, as if it did not exist. Each change and its audit entry are written in
one transaction.
"""

import json

from flask import abort, current_app, flash, has_request_context, redirect, request, send_file, url_for
from flask_admin import expose
from flask_admin.contrib.peewee.filters import BasePeeweeFilter, DateBetweenFilter, FilterEqual
from flask_admin.helpers import get_form_data
from flask_login import current_user
from markupsafe import Markup
from peewee import JOIN
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from admin.auth import is_safe_next
from cms import audit
from cms.accounts import User
from cms.db import database
from cms.timeutil import format_day
from visits import joint, vocab
from visits.attachments import (
    ACCEPTED_TEXT,
    MAX_ATTACHMENT_BYTES,
    AttachmentError,
    delete_file,
    download_name,
    file_path,
    save_attachment,
)
from visits.calendar import today_local
from visits.export import report_tables, visit_list_table
from visits.models import (
    Attachment,
    Department,
    FollowUp,
    Locality,
    Official,
    PlanChange,
    Visit,
    VisitEvent,
    VisitLocality,
    VisitParticipant,
    VisitReport,
    VisitSearchText,
    VisitTopic,
)
from visits.presenters import (
    attach_list_columns,
    load_bundle,
    locality_choices,
    official_choices,
    plan_fields,
    plan_locality_choices,
    report_fields,
)
from visits.rules import DEFAULT_OVERLAP_WINDOW, plan_dates_problem
from visits.workflow import (
    TRANSITIONS,
    WorkflowError,
    apply_transition,
    assign_lead,
    available_transitions,
    can_change_approved_plan,
    can_edit_plan,
    can_manage_follow_ups,
    can_write_report,
    change_approved_plan,
    plan_localities_problem,
    refresh_search_text,
    set_relations,
)

from .base import LiveFilterEqual, changed_fields
from .visit_base import DateTextField, FieldModelView, MultiCheckboxField, VisitForm, export_response

# --- choices --------------------------------------------------------------------------------------


# --- filters ---------------------------------------------------------------------------------------

class _PickedIdFilter(BasePeeweeFilter):
    """A filter by the id of a record picked from `choices()`, a list read per request."""

    choices = None

    def operation(self):
        return "là"

    def validate(self, value):
        return str(value).isdigit()

    def get_options(self, view):
        return self.choices() if has_request_context() else None


class LocalityFilter(_PickedIdFilter):
    """Visits to a locality or any unit under it, or to any unit that went into them (a new
    commune lists the visits to the communes merged into it)."""

    choices = staticmethod(locality_choices)

    def apply(self, query, value):

        ids = set(Locality.subtree_ids(int(value)))
        lineage = Locality.lineage()
        for lid in list(ids):
            ids |= lineage.earlier_ids(lid)
        return query.where(Visit.id.in_(VisitLocality.select(VisitLocality.visit)
                                        .where(VisitLocality.locality.in_(ids))))


class OfficialFilter(_PickedIdFilter):
    """Visits an official leads or takes part in."""

    choices = staticmethod(official_choices)

    def apply(self, query, value):
        official = int(value)
        return query.where((Visit.lead == official) | Visit.id.in_(
            VisitParticipant.select(VisitParticipant.visit).where(VisitParticipant.official == official)))


class TopicFilter(BasePeeweeFilter):
    """Visits with a topic, main or not."""

    def apply(self, query, value):
        return query.where(Visit.id.in_(VisitTopic.select(VisitTopic.visit).where(VisitTopic.topic == value)))

    def operation(self):
        return "có"

    def get_options(self, view):
        return vocab.TOPICS


def _department_options():
    return [(d.id, d.name) for d in Department.select().order_by(Department.position, Department.name)]


# --- list cells ------------------------------------------------------------------------------------

def _state_cell(view, context, model, name):
    return Markup('<span class="badge visit-state-{}">{}</span>').format(model.state, model.state_label)


def _title_cell(view, context, model, name):
    return Markup('<a href="{}">{}</a>').format(url_for(".details_view", id=model.id), model.title)


class VisitView(FieldModelView):
    area = "visit"
    audit_type = "visit"
    list_template = "admin/visits/visit_list.html"
    create_template = "admin/visits/visit_edit.html"
    edit_template = "admin/visits/visit_edit.html"
    can_view_details = True

    column_list = ["title", "state", "start_date", "end_date", "lead", "department", "locality_names",
                   "main_topic"]
    column_labels = {
        "title": "Tên đợt", "state": "Trạng thái", "start_date": "Từ ngày", "end_date": "Đến ngày",
        "lead": "Chủ trì", "department": "Phòng", "locality_names": "Địa bàn", "main_topic": "Nội dung chính",
        "partners": "Đối tượng làm việc", "plan_text": "Kế hoạch chi tiết",
        "VisitSearchText.text": "Nội dung",
    }
    column_sortable_list = ["title", "state", "start_date", "end_date", ("lead", Official.full_name),
                            ("department", Department.name)]
    column_default_sort = [(Visit.start_date, True), (Visit.id, True)]
    column_searchable_list = [VisitSearchText.text]  # joined only when searching
    column_formatters = {
        "state": _state_cell, "title": _title_cell,
        "start_date": lambda v, c, m, n: format_day(m.start_date),
        "end_date": lambda v, c, m, n: format_day(m.end_date),
        "main_topic": lambda v, c, m, n: vocab.TOPIC_LABELS.get(m.main_topic, m.main_topic),
        "locality_names": lambda v, c, m, n: getattr(m, "locality_names", ""),
    }
    column_formatters_export = {
        "state": lambda v, c, m, n: m.state_label,
        "main_topic": lambda v, c, m, n: vocab.TOPIC_LABELS.get(m.main_topic, m.main_topic),
        "locality_names": lambda v, c, m, n: getattr(m, "locality_names", ""),
    }
    column_filters = [
        FilterEqual(Visit.state, "Trạng thái", options=vocab.STATES),
        LiveFilterEqual(Visit.department, "Phòng", options=_department_options),
        OfficialFilter(Visit.lead, "Cán bộ (chủ trì hoặc cùng đi)"),
        LocalityFilter(Visit.id, "Địa bàn (kể cả cấp dưới)"),
        FilterEqual(Visit.main_topic, "Nội dung chính", options=vocab.TOPICS),
        TopicFilter(Visit.id, "Có nội dung"),
        DateBetweenFilter(Visit.start_date, "Ngày bắt đầu"),
    ]

    form_columns = ["title", "lead", "start_date", "end_date", "partners", "plan_text"]
    form_overrides = {"lead": SelectField, "start_date": DateTextField, "end_date": DateTextField,
                      "partners": TextAreaField, "plan_text": TextAreaField}
    form_args = {
        "title": {"label": "Tên đợt đi cơ sở", "validators": [DataRequired(), Length(max=300)]},
        "lead": {"label": "Cán bộ chủ trì", "coerce": int, "validators": [DataRequired()]},
        "start_date": {"label": "Từ ngày (dd/mm/yyyy)", "validators": [DataRequired()]},
        "end_date": {"label": "Đến ngày (dd/mm/yyyy)", "validators": [DataRequired()]},
        "partners": {"label": "Đối tượng làm việc (tổ chức, cá nhân)"},
        "plan_text": {"label": "Kế hoạch chi tiết (nội dung, lịch làm việc, chuẩn bị)"},
    }
    form_widget_args = {"plan_text": {"rows": 8}, "partners": {"rows": 2}}
    form_extra_fields = {
        "participants": SelectMultipleField("Cán bộ cùng đi", coerce=int, validators=[Optional()]),
        "localities": SelectMultipleField("Địa bàn (một hoặc nhiều; ▲ vùng sâu, vùng xa)", coerce=int,
                                          validators=[DataRequired("Chọn ít nhất một địa bàn.")]),
        "main_topic": SelectField("Nội dung chính", choices=vocab.TOPICS, validators=[DataRequired()]),
        "other_topics": MultiCheckboxField("Các nội dung kết hợp", choices=vocab.TOPICS,
                                           validators=[Optional()]),
        "methods": MultiCheckboxField("Phương pháp tiếp cận", choices=vocab.METHODS, validators=[Optional()]),
    }
    form_create_rules = form_edit_rules = ["title", "lead", "participants", "localities", "start_date",
                                           "end_date", "main_topic", "other_topics", "methods", "partners",
                                           "plan_text"]

    # --- what each user sees ----------------------------------------------------------------------
    def get_query(self):
        # No joins: counting 50,000 visits stays an index scan; the page's leads, departments and
        # localities are loaded afterwards for its rows only (Flask-Admin joins to sort by name).
        return self.scope.restrict(Visit.select())

    def get_count_query(self):
        return self.get_query()

    def get_one(self, id):
        return _visible(id)

    def search_placeholder(self):
        return "Tìm theo tên, địa bàn, cán bộ, nội dung báo cáo"

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        from cms.text import fold, normalize_tones
        folded = fold(normalize_tones(search)) if search else search
        count, data = super().get_list(page, sort_column, sort_desc, folded, filters, execute, page_size)
        if execute and data:
            attach_list_columns(data)
        return count, data

    def export_table(self, data):
        return visit_list_table(data)

    def _handle_view(self, name, **kwargs):
        refused = super()._handle_view(name, **kwargs)
        if refused:
            return refused
        if name == "edit_view":
            visit = self.get_one(request.args.get("id", type=int)) or abort(404)
            if not can_edit_plan(visit, self.scope):
                if can_change_approved_plan(visit, self.scope):
                    return redirect(url_for(".change_plan", visit_id=visit.id))
                abort(403)
        if name == "create_view" and not (self.scope.official_ids or self.scope.sees_all):
            abort(403)
        return None

    # --- forms ----------------------------------------------------------------------------------------
    def prepare_form(self, form, visit=None):
        scope = self.scope
        form.lead.choices = official_choices(scope, only_own_departments=True)
        if visit is not None and visit.lead_id not in {c[0] for c in form.lead.choices}:
            lead = Official.get_or_none(Official.id == visit.lead_id)
            if lead:
                form.lead.choices.insert(0, (lead.id, lead.full_name))
        form.participants.choices = official_choices()
        form.localities.choices = plan_locality_choices(today_local())
        if request.method == "GET":
            if visit is None:
                own = sorted(scope.official_ids)
                if own:
                    form.lead.data = own[0]
                form.main_topic.data = "nam_tinh_hinh"
            else:
                fill_relations(form, visit)
        return form

    def on_model_change(self, form, model, is_created):
        validate_plan(form, model)
        if is_created:
            model.created_by = current_user.id
            model.state = vocab.DRAFT

    def after_model_change(self, form, model, is_created):
        save_relations(form, model)
        audit.record("create" if is_created else "update", "visit", model,
                     None if is_created else changed_fields(form))

    def get_save_return_url(self, model, is_created=False):
        return self.get_url(".details_view", id=model.id)

    # --- the record --------------------------------------------------------------------------------
    @expose("/details/")
    def details_view(self):
        visit = _visible(request.args.get("id", type=int))
        bundle = load_bundle(visit)
        scope = self.scope
        events = list(VisitEvent.select(VisitEvent, User)
                      .join(User, JOIN.LEFT_OUTER, on=(VisitEvent.actor == User.id))
                      .where(VisitEvent.visit == visit.id).order_by(VisitEvent.id))
        changes = list(PlanChange.select(PlanChange, User)
                       .join(User, JOIN.LEFT_OUTER, on=(PlanChange.actor == User.id))
                       .where(PlanChange.visit == visit.id).order_by(PlanChange.id))
        overlaps = joint.overlap_notices(visit, [loc.id for loc in bundle.localities], scope)
        merged = list(Visit.select(Visit.id, Visit.title).where(Visit.merged_into == visit.id))
        return self.render(
            "admin/visits/visit_details.html", visit=visit, bundle=bundle, events=events,
            changes=[(c, json.loads(c.changes or "{}")) for c in changes], overlaps=overlaps, merged=merged,
            proposals=joint.proposals_of(visit, current_user, scope),
            transitions=available_transitions(visit, scope), all_transitions=TRANSITIONS,
            plan=plan_fields(visit, bundle), report=report_fields(bundle), vocab=vocab,
            can_edit=can_edit_plan(visit, scope), can_change=can_change_approved_plan(visit, scope),
            can_report=can_write_report(visit, scope), can_follow=can_manage_follow_ups(visit, scope),
            merged_into=_visible_or_none(visit.merged_into_id), today=today_local(),
            window=DEFAULT_OVERLAP_WINDOW)

    @expose("/transition/<int:visit_id>", methods=["POST"])
    def transition(self, visit_id):
        visit = _visible(visit_id)
        name = request.form.get("name", "")
        try:
            done = apply_transition(visit, name, current_user, self.scope, request.form.get("comment",
                                                                                            "")[:2000])
        except WorkflowError as exc:
            transition = TRANSITIONS.get(name)
            if transition is None or not transition.allowed_for(visit, self.scope):
                abort(403)
            flash(str(exc), "error")
        else:
            flash(f"Đã thực hiện: {done.label}.", "success")
        return redirect(self.get_url(".details_view", id=visit.id))

    @expose("/change/<int:visit_id>", methods=["GET", "POST"])
    def change_plan(self, visit_id):
        """An approved plan changed through a recorded change (reason required)."""
        visit = _visible(visit_id)
        if not can_change_approved_plan(visit, self.scope):
            abort(403)
        form_class = type("PlanChangeForm", (self._edit_form_class,), {
            "reason": TextAreaField("Lý do điều chỉnh (bắt buộc)",
                                    validators=[DataRequired("Cần ghi lý do điều chỉnh."),
                                                Length(max=2000)])})
        form = self.prepare_form(form_class(get_form_data(), obj=visit), visit)
        if request.method == "POST" and form.validate():
            def apply_change():
                form.populate_obj(visit)
                validate_plan(form, visit)
                visit.save()
                set_relations(visit, form.participants.data or [], form.localities.data or [],
                              form.main_topic.data, form.other_topics.data or [])

            try:
                with database.atomic():
                    change_approved_plan(visit, apply_change, form.reason.data, current_user, self.scope)
            except ValidationError as exc:
                flash(str(exc), "error")
            else:
                again = " Kế hoạch chờ lãnh đạo duyệt lại." if visit.state == vocab.SUBMITTED else ""
                flash("Đã ghi nhận điều chỉnh kế hoạch." + again, "success")
                return redirect(self.get_url(".details_view", id=visit.id))
        return self.render("admin/visits/visit_change.html", form=form, visit=visit)

    # --- joint visits by consent (visits.joint) ------------------------------------------------------
    @expose("/joint/propose/<int:visit_id>", methods=["POST"])
    def propose_joint(self, visit_id):
        """Propose combining this plan with an overlapping plan of another department."""
        visit = _visible(visit_id)
        bundle = load_bundle(visit)
        try:
            with database.atomic():
                proposal = joint.propose(visit, [loc.id for loc in bundle.localities],
                                         request.form.get("key", ""), request.form.get("keep", ""),
                                         request.form.get("message", ""), current_user, self.scope)
        except PermissionError:
            abort(403)
        except WorkflowError as exc:
            flash(str(exc), "error")
        else:
            if proposal is None:
                abort(404)
            flash("Đã gửi đề nghị đi cơ sở chung. Hai kế hoạch giữ nguyên cho đến khi phòng kia đồng ý.",
                  "success")
        return redirect(self.get_url(".details_view", id=visit.id))

    @expose("/joint/<int:proposal_id>/<step>", methods=["POST"])
    def answer_joint(self, proposal_id, step):
        """Accept or decline a proposal addressed to this side, or withdraw one this side sent."""
        if step not in ("accept", "decline", "withdraw"):
            abort(404)
        found = joint.visible_proposal(proposal_id, self.scope) or abort(404)
        proposal, proposer, target = found
        back = target if step != "withdraw" else proposer
        try:
            with database.atomic():
                if step == "withdraw":
                    joint.withdraw(proposal, proposer, target, current_user, self.scope)
                    result = None
                else:
                    result = joint.answer(proposal, proposer, target, step == "accept",
                                          request.form.get("comment", ""), current_user, self.scope)
        except PermissionError:
            abort(403)
        except joint.ProposalLapsed as exc:
            with database.atomic():
                joint.lapse(proposal, proposer, target, current_user)
            flash(str(exc), "error")
        except WorkflowError as exc:
            flash(str(exc), "error")
        else:
            if result is not None:
                flash(f"Đã đồng ý đi chung: hai kế hoạch đã gộp thành đợt đi cơ sở chung #{result.id}"
                      f" ({result.state_label.lower()}).", "success")
                back = result
            else:
                flash("Đã rút đề nghị đi chung." if step == "withdraw" else "Đã từ chối đề nghị đi chung.",
                      "success")
        landing = next((v for v in (back, target, proposer) if self.scope.sees_visit(v)), back)
        return redirect(self.get_url(".details_view", id=landing.id))

    # --- report, attachments, follow-ups ----------------------------------------------------------
    @expose("/report/<int:visit_id>", methods=["GET", "POST"])
    def report(self, visit_id):
        visit = _visible(visit_id)
        if not can_write_report(visit, self.scope):
            abort(403)
        report = VisitReport.get_or_none(VisitReport.visit == visit.id)
        form = ReportForm(obj=report)
        if form.validate_on_submit():
            with database.atomic():
                created = report is None
                report = report or VisitReport(visit=visit.id)
                before = {"findings": report.findings, "proposals": report.proposals,
                          "lessons": report.lessons}
                form.populate_obj(report)
                report.updated_by = current_user.id
                report.save()
                changed = [ReportForm.LABELS[k] for k, v in before.items() if getattr(report, k) != v]
                refresh_search_text(visit.id)
                audit.record("create" if created else "update", "visit_report", visit,
                             {"trường đã sửa": ", ".join(changed)} if changed and not created else None,
                             label=f"Báo cáo: {visit.title}")
            flash("Đã lưu báo cáo.", "success")
            return redirect(self.get_url(".report", visit_id=visit.id))
        bundle = load_bundle(visit)
        follow_form = FollowUpForm(formdata=None)
        follow_form.official.choices = [(0, "(không chọn)")] + official_choices()
        return self.render("admin/visits/visit_report.html", visit=visit, bundle=bundle, form=form,
                           follow_form=follow_form, accepted=ACCEPTED_TEXT,
                           max_mb=MAX_ATTACHMENT_BYTES // (1024 * 1024), vocab=vocab,
                           can_follow=can_manage_follow_ups(visit, self.scope), today=today_local())

    @expose("/attachment/upload/<int:visit_id>", methods=["POST"])
    def upload_attachment(self, visit_id):
        visit = _visible(visit_id)
        if not can_write_report(visit, self.scope):
            abort(403)
        upload = request.files.get("file")
        if not upload or not upload.filename:
            flash("Vui lòng chọn tệp để tải lên.", "error")
        else:
            try:
                with database.atomic():
                    attachment = save_attachment(current_app, visit, upload.read(), upload.filename,
                                                 current_user)
                    audit.record("upload", "visit_attachment", attachment,
                                 {"đợt": f"#{visit.id}", "loại": attachment.kind.upper(),
                                  "dung lượng": attachment.size_bytes})
            except AttachmentError as exc:
                flash(f"Không nhận tệp '{upload.filename}': {exc}", "error")
            else:
                flash(f"Đã tải lên '{attachment.original_name}'.", "success")
        return redirect(self.get_url(".report", visit_id=visit.id))

    @expose("/attachment/<int:attachment_id>")
    def download_attachment(self, attachment_id):
        attachment = Attachment.get_or_none(Attachment.id == attachment_id) or abort(404)
        _visible(attachment.visit_id)
        try:
            path = file_path(current_app, attachment)
        except AttachmentError:
            abort(404)
        if not path.is_file():
            abort(404)
        response = send_file(path, mimetype=attachment.content_type, as_attachment=True,
                             download_name=download_name(attachment), max_age=0)
        response.headers["Cache-Control"] = "private, no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    @expose("/attachment/delete/<int:attachment_id>", methods=["POST"])
    def delete_attachment(self, attachment_id):
        attachment = Attachment.get_or_none(Attachment.id == attachment_id) or abort(404)
        visit = _visible(attachment.visit_id)
        if not can_write_report(visit, self.scope):
            abort(403)
        with database.atomic():
            attachment.delete_instance()
            audit.record("delete", "visit_attachment", attachment, {"đợt": f"#{visit.id}"})
        delete_file(current_app, attachment)
        flash(f"Đã xóa tệp '{attachment.original_name}'.", "success")
        return redirect(self.get_url(".report", visit_id=visit.id))

    @expose("/follow-up/add/<int:visit_id>", methods=["POST"])
    def add_follow_up(self, visit_id):
        visit = _visible(visit_id)
        if not can_manage_follow_ups(visit, self.scope):
            abort(403)
        form = FollowUpForm()
        form.official.choices = [(0, "(không chọn)")] + official_choices()
        if form.validate_on_submit():
            with database.atomic():
                item = FollowUp.create(visit=visit.id, responsible=form.responsible.data,
                                       description=form.description.data, due_date=form.due_date.data,
                                       official=form.official.data or None)
                audit.record("create", "visit_follow_up", item, {"đợt": f"#{visit.id}",
                                                                 "hạn": format_day(item.due_date)})
                refresh_search_text(visit.id)
            flash("Đã thêm việc cần theo dõi.", "success")
        else:
            for field, errors in form.errors.items():
                label = getattr(form, field).label.text if hasattr(form, field) else field
                flash(f"{label}: {'; '.join(errors)}", "error")
        return redirect(self.get_url(".report", visit_id=visit.id))

    @expose("/follow-up/status/<int:item_id>", methods=["POST"])
    def follow_up_status(self, item_id):
        item = FollowUp.get_or_none(FollowUp.id == item_id) or abort(404)
        visit = _visible(item.visit_id)
        if not (can_manage_follow_ups(visit, self.scope) or item.official_id in self.scope.official_ids):
            abort(403)
        status = request.form.get("status", "")
        if status not in vocab.FOLLOWUP_STATUS_LABELS:
            abort(400)
        with database.atomic():
            before = item.status
            item.status = status
            item.done_date = today_local() if status == vocab.FOLLOWUP_DONE else None
            item.note = (request.form.get("note") or item.note or "")[:2000]
            item.save()
            audit.record("update", "visit_follow_up", item,
                         {"tình trạng": f"{vocab.FOLLOWUP_STATUS_LABELS[before]} → {item.status_label}"})
        flash("Đã cập nhật tình trạng.", "success")
        return redirect(request.form.get("back") if _local(request.form.get("back"))
                        else self.get_url(".report", visit_id=visit.id))

    @expose("/export-record/<int:visit_id>/<fmt>")
    def export_record(self, visit_id, fmt):
        """One visit's full record (plan, report, follow-ups, attachments, history) as CSV or XLSX."""
        visit = _visible(visit_id)
        bundle = load_bundle(visit)
        events = list(VisitEvent.select(VisitEvent, User)
                      .join(User, JOIN.LEFT_OUTER, on=(VisitEvent.actor == User.id))
                      .where(VisitEvent.visit == visit.id).order_by(VisitEvent.id))
        tables = report_tables(bundle, plan_fields(visit, bundle), report_fields(bundle), events)
        return export_response(tables, fmt, f"dot-di-co-so-{visit.id}")


# --- helpers shared by the plan form and the recorded change -----------------------------------------

def _local(url):
    return is_safe_next(url)  # no control characters either: "/\t/x" is "//x" to a browser


def _visible(visit_id):
    """The visit, if the current user may see it; else 404 (its existence is not revealed)."""
    from visits.access import scope_for
    if not visit_id:
        abort(404)
    visit = Visit.get_or_none(Visit.id == visit_id)
    if visit is None or not scope_for().sees_visit(visit):
        abort(404)
    return visit


def _visible_or_none(visit_id):
    from visits.access import scope_for
    visit = Visit.get_or_none(Visit.id == visit_id) if visit_id else None
    return visit if visit is not None and scope_for().sees_visit(visit) else None


def fill_relations(form, visit):
    form.participants.data = [pid for (pid,) in VisitParticipant.select(VisitParticipant.official)
                              .where(VisitParticipant.visit == visit.id).tuples()]
    form.localities.data = [lid for (lid,) in VisitLocality.select(VisitLocality.locality)
                            .where(VisitLocality.visit == visit.id).order_by(VisitLocality.id).tuples()]
    form.main_topic.data = visit.main_topic
    form.other_topics.data = [code for (code,) in VisitTopic.select(VisitTopic.topic)
                              .where((VisitTopic.visit == visit.id) & (VisitTopic.is_main == False))  # noqa: E712
                              .tuples()]
    form.methods.data = visit.method_codes


def validate_plan(form, model):
    problem = plan_dates_problem(model.start_date, model.end_date)
    if problem:
        raise ValidationError(problem)
    if not assign_lead(model, model.lead_id):
        raise ValidationError("Cán bộ chủ trì không hợp lệ.")
    problem = plan_localities_problem(form.localities.data or [], model.start_date, model.end_date)
    if problem:
        raise ValidationError(problem)
    model.main_topic = form.main_topic.data
    model.methods = vocab.known_codes(form.methods.data, vocab.METHOD_LABELS)


def save_relations(form, model):
    set_relations(model, form.participants.data or [], form.localities.data or [], form.main_topic.data,
                  form.other_topics.data or [])
    refresh_search_text(model.id)


class ReportForm(VisitForm):
    LABELS = {"findings": "Kết quả, tình hình nắm được", "proposals": "Kiến nghị, đề xuất",
              "lessons": "Bài học kinh nghiệm"}
    findings = TextAreaField(LABELS["findings"], validators=[Length(max=50000)])
    proposals = TextAreaField(LABELS["proposals"], validators=[Length(max=50000)])
    lessons = TextAreaField(LABELS["lessons"], validators=[Length(max=50000)])


class FollowUpForm(VisitForm):
    responsible = StringField("Đơn vị, người thực hiện", validators=[DataRequired(), Length(max=300)])
    description = TextAreaField("Nội dung cần làm", validators=[DataRequired(), Length(max=5000)])
    due_date = DateTextField("Hạn (dd/mm/yyyy)", validators=[DataRequired()])
    official = SelectField("Cán bộ theo dõi, đôn đốc", coerce=int, validators=[Optional()], choices=[])
