"""The back-office side of the editorial workflow, the same for every kind (admin.editorial): a
step of the workflow, the history of versions and steps, restoring an old version. A view of a
kind mixes it in before SecureModelView and says who may edit one item (`can_edit_item`)."""

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_login import current_user
from markupsafe import Markup
from peewee import JOIN
from wtforms.validators import ValidationError

from cms.accounts import User
from cms.db import database, roll_back
from cms.models import unique_slug
from cms.roles import can
from cms.text import slugify
from cms.timeutil import format_datetime, utcnow

from ..editorial import (
    DRAFT,
    STATUS_LABELS,
    TRANSITIONS,
    Revision,
    TransitionError,
    WorkflowEvent,
    apply_transition,
    available_transitions,
    diff_html,
    forget_history,
    is_scheduled,
    kind_of,
    restore_revision,
    save_revision,
    status_label,
)
from ..forms import parse_local_datetime


class EditorialViewMixin:
    """Endpoints `.transition`, `.revisions`, `.restore` (rules: admin.permissions, as
    "<endpoint>.transition" etc.), and what `_editorial_side.html` needs in `render`."""

    revisions_template = "admin/editorial_revisions.html"

    def can_edit_item(self, item):
        """May the current user change this item? Publishers always; writers their own drafts."""
        rules_area = kind_of(item).name
        if not can(rules_area, "edit"):
            return False
        if can(rules_area, "publish"):
            return True
        return item.owner_id == current_user.id and item.status == DRAFT

    def public_url(self, item):
        """The item's public page when readers can see it, else None."""
        return None

    def _back_to(self, item):
        target = ".edit_view" if self.can_edit_item(item) else ".details_view"
        return redirect(self.get_url(target, id=item.id))

    # --- saving --------------------------------------------------------------------------------
    def update_model(self, form, model):
        """With an `expected_version` field in the form: save only if nobody saved since the form
        was opened (the version is claimed in the same transaction), else report_conflict()."""
        if not hasattr(form, "expected_version"):
            return super().update_model(form, model)
        try:
            expected = int(form.expected_version.data or 0)
        except ValueError:
            expected = 0
        if expected != model.version:
            self.report_conflict(form, model)
            return False
        kind_model = type(model)
        with database.atomic() as transaction:
            claimed = (kind_model.update(version=kind_model.version + 1)
                       .where((kind_model.id == model.id) & (kind_model.version == expected)).execute())
            if not claimed:  # someone saved between our read and this write
                roll_back(transaction)
                self.report_conflict(form, kind_model.get_by_id(model.id))
                return False
            model.version = expected + 1
            ok = super().update_model(form, model)
            if not ok:
                roll_back(transaction)
            return ok

    def report_conflict(self, form, stored):
        """Tell the editor their save was refused: `stored` was saved by someone meanwhile."""
        form.expected_version.data = stored.version
        flash(f"{kind_of(stored).label.capitalize()} vừa được người khác lưu trong khi bạn đang sửa. "
              "Bản của bạn CHƯA được lưu.", "error")

    def chosen_slug(self, form, model):
        """The slug typed in the form, checked free among the kind's items; empty: keep the old one
        (a new item gets one made from its title when saved)."""
        if not form.slug.data:
            return form.slug.object_data or ""
        wanted = slugify(form.slug.data)
        if not wanted or unique_slug(type(model), wanted, exclude_id=model.id) != wanted:
            raise ValidationError(f"Đường dẫn '{form.slug.data}' đã được {kind_of(model).label} khác dùng "
                                  "hoặc không hợp lệ.")
        return wanted

    def after_model_change(self, form, model, is_created):
        save_revision(model, current_user, note="Tạo mới" if is_created else "")
        super().after_model_change(form, model, is_created)  # the audit entry

    def on_model_delete(self, model):
        forget_history(model)
        super().on_model_delete(model)

    @expose("/transition/<int:item_id>", methods=["POST"])
    def transition(self, item_id):
        item = self.get_one(item_id)
        name = request.form.get("name", "")
        comment = (request.form.get("comment") or "").strip()[:1000]
        published_at = None
        if name == "publish":
            try:
                published_at = parse_local_datetime(request.form.get("published_at", ""))
            except ValueError as exc:
                flash(str(exc), "error")
                return self._back_to(item)
        try:
            done = apply_transition(item, name, current_user, comment, published_at)
        except TransitionError:
            abort(403)
        if name == "publish" and is_scheduled(item):
            flash(f"Đã lên lịch đăng lúc {format_datetime(item.published_at)}.", "success")
        else:
            flash(f"Đã thực hiện: {done.label}.", "success")
        return self._back_to(item)

    @expose("/revisions/<int:item_id>")
    def revisions(self, item_id):
        item = self.get_one(item_id)
        kind = kind_of(item)
        revisions = list(Revision.of(item).select(Revision, User)
                         .join(User, on=(Revision.author == User.id), join_type=JOIN.LEFT_OUTER)
                         .order_by(Revision.number.desc()))
        events = list(WorkflowEvent.of(item).select(WorkflowEvent, User)
                      .join(User, on=(WorkflowEvent.actor == User.id), join_type=JOIN.LEFT_OUTER)
                      .order_by(WorkflowEvent.id.desc()))
        diff = None
        older, newer = request.args.get("a", type=int), request.args.get("b", type=int)
        by_number = {r.number: r for r in revisions}
        if older in by_number and newer in by_number:
            diff = Markup(diff_html(kind, by_number[older], by_number[newer], f"Phiên bản {older}",
                                    f"Phiên bản {newer}"))
        return self.render(self.revisions_template, item=item, item_title=self.item_title(item),
                           revisions=revisions, events=events, diff=diff, older=older, newer=newer,
                           status_labels=STATUS_LABELS, can_restore=self.can_edit_item(item))

    @expose("/revisions/<int:item_id>/restore/<int:number>", methods=["POST"])
    def restore(self, item_id, number):
        item = self.get_one(item_id)
        if not self.can_edit_item(item):
            abort(403)
        revision = Revision.of(item).where(Revision.number == number).first() or abort(404)
        restore_revision(item, revision, current_user)
        flash(f"Đã khôi phục nội dung của phiên bản {number} (lưu thành phiên bản mới).", "success")
        return redirect(self.get_url(".revisions", item_id=item.id))

    def item_title(self, item):
        return str(getattr(item, kind_of(item).text_fields[0]) or "")

    def editorial_context(self, model):
        """What `_editorial_side.html` shows beside an item's form or details."""
        return {"transitions": available_transitions(model, current_user),
                "status_label": status_label(model),
                "public_url": self.public_url(model),
                "all_transitions": TRANSITIONS,
                "now": utcnow()}

    def render(self, template, **kwargs):
        model = kwargs.get("model")
        if model is not None and type(model) is self.model:
            kwargs.update(self.editorial_context(model))
        return super().render(template, **kwargs)

