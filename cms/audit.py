"""Audit log: who created, changed, published or deleted what, and when. Never editable."""

import json

from flask import has_request_context, request
from flask_login import current_user
from peewee import CharField, DateTimeField, ForeignKeyField, TextField

from .accounts import User
from .migrations import register
from .models import BaseModel
from .timeutil import utcnow

ACTIONS = {
    "create": "Tạo mới",
    "update": "Sửa",
    "delete": "Xóa",
    "transition": "Chuyển trạng thái",
    "restore": "Khôi phục phiên bản",
    "upload": "Tải lên",
    "login": "Đăng nhập",
    "login_failed": "Đăng nhập sai",
    "logout": "Đăng xuất",
    "logout_all": "Đăng xuất khỏi mọi nơi",
    "password": "Đổi mật khẩu",
    "password_failed": "Đổi mật khẩu: sai mật khẩu hiện tại",
}


class AuditEntry(BaseModel):
    created_at = DateTimeField(default=utcnow, index=True)
    actor = ForeignKeyField(User, null=True, backref="audit_entries", on_delete="SET NULL")
    actor_name = CharField(max_length=200, default="")  # kept if the account is ever removed
    action = CharField(max_length=30, index=True)
    object_type = CharField(max_length=50, index=True)
    object_id = CharField(max_length=50, default="")
    object_label = CharField(max_length=300, default="")
    details = TextField(default="")  # JSON
    ip_address = CharField(max_length=64, default="")

    class Meta:
        table_name = "audit_entry"

    @property
    def action_label(self):
        return ACTIONS.get(self.action, self.action)

    @property
    def details_text(self):
        if not self.details:
            return ""
        data = json.loads(self.details)
        return "; ".join(f"{key}: {value}" for key, value in data.items())


def record(action, object_type, obj=None, details=None, actor=None, label=None):
    """Add an entry; call it inside the transaction of the change it describes."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    return AuditEntry.create(
        actor=actor.id if actor is not None else None,
        actor_name=(str(actor) if actor is not None else ""),
        action=action,
        object_type=object_type,
        object_id=str(getattr(obj, "id", "") or ""),
        object_label=(label if label is not None else str(obj or ""))[:300],
        details=json.dumps(details, ensure_ascii=False, default=str) if details else "",
        ip_address=(request.remote_addr or "") if has_request_context() else "",
    )


register("0110_audit", lambda db: db.create_tables([AuditEntry], safe=True))
