"""The Board's departments (phòng, ban): one list for the public organisation page (Giới thiệu ›
Cơ cấu tổ chức) and for the field-visit records (visits), which import it from here.

Who leads a department is written on it as plain text (`head_name`, `head_title`): the field
records' officials are confidential and live above the core, so the public page cannot read them.
"""

from peewee import BooleanField, CharField, IntegerField

from .db import database
from .migrations import add_column_if_missing, register
from .models import BaseModel, bump_site_version
from .text import nfc

# Called with a department's id, inside the transaction of its renaming (visits re-indexes the
# visits that carry the name: see visits.models).
RENAME_HOOKS = []


def _clean(text):
    return nfc(text or "").strip()


class Department(BaseModel):
    """A department (phòng) of the Board."""

    code = CharField(max_length=30, unique=True)
    name = CharField(max_length=200)
    position = IntegerField(default=0)
    active = BooleanField(default=True)
    head_name = CharField(max_length=200, default="")  # người đứng đầu, as the public page shows it
    head_title = CharField(max_length=200, default="")  # "Trưởng phòng", "Chánh Văn phòng"...

    class Meta:
        table_name = "visit_department"  # its table since it lived in visits: no data to move

    def __str__(self):
        return self.name

    @classmethod
    def listed(cls):
        """Active departments in the Board's order: what the organisation page lists."""
        return cls.select().where(cls.active == True).order_by(cls.position, cls.name)  # noqa: E712

    def save(self, *args, **kwargs):
        self.code, self.name = _clean(self.code), _clean(self.name)
        self.head_name, self.head_title = _clean(self.head_name), _clean(self.head_title)
        with database.atomic():
            renamed = self.id is not None and Department.select().where(
                (Department.id == self.id) & (Department.name != self.name)).exists()
            result = super().save(*args, **kwargs)
            bump_site_version()  # the organisation page shows every department
            if renamed:
                for hook in RENAME_HOOKS:
                    hook(self.id)
            return result

    def delete_instance(self, *args, **kwargs):
        with database.atomic():
            bump_site_version()
            return super().delete_instance(*args, **kwargs)


def _department_table(db):
    """The table (for a site without field visits) and its head columns (for one that had it)."""
    db.create_tables([Department], safe=True)
    add_column_if_missing(db, "visit_department", "head_name", CharField(max_length=200, default=""))
    add_column_if_missing(db, "visit_department", "head_title", CharField(max_length=200, default=""))


register("0150_departments_in_core", _department_table)
