"""CSV import of reference data: departments, officials, localities (with their lifetimes), what ended
localities went into (successors), assignments, holidays.

Each kind has its columns (headers are matched without regard to case or diacritics: "Mã cấp
trên" = "ma_cap_tren"). A file is checked whole first; if any row is wrong nothing is written and
the report lists every problem by line and column, in Vietnamese. Rows are matched by code (and an
assignment by official, locality and start date), so importing the same file twice changes nothing.
UTF-8 (with or without the BOM that Excel writes), separated by commas or semicolons.
"""

import csv
import functools
import io
import re
from dataclasses import dataclass, field
from datetime import timedelta

from cms.db import database
from cms.text import fold, nfc
from cms.timeutil import format_day, parse_day
from cms.trees import Tree

from . import vocab
from .models import Assignment, CalendarDay, Department, Locality, LocalitySuccession, Official

TRUE_WORDS = {"co", "x", "1", "true", "yes", "dung"}
FALSE_WORDS = {"", "khong", "0", "false", "no", "sai"}


@dataclass
class Column:
    key: str
    label: str
    required: bool = False


KINDS = {
    "departments": ("Phòng", [Column("ma", "Mã", True), Column("ten", "Tên phòng", True),
                              Column("thu_tu", "Thứ tự")]),
    "officials": ("Cán bộ", [Column("ma", "Mã", True), Column("ho_ten", "Họ tên", True),
                             Column("chuc_vu", "Chức vụ"), Column("phong", "Mã phòng", True),
                             Column("tai_khoan", "Tài khoản"), Column("dang_cong_tac", "Đang công tác")]),
    "localities": ("Địa bàn", [Column("ma", "Mã", True), Column("ten", "Tên", True),
                               Column("loai", "Loại", True), Column("ma_cap_tren", "Mã cấp trên"),
                               Column("mien_nui", "Miền núi"), Column("vung_sau_vung_xa",
                                                                      "Vùng sâu, vùng xa"),
                               Column("thu_tu", "Thứ tự"), Column("tu_ngay", "Từ ngày"),
                               Column("den_ngay", "Đến ngày")]),
    "successors": ("Địa bàn kế tiếp (sáp nhập, chia tách)",
                   [Column("ma_cu", "Mã địa bàn cũ", True), Column("ma_moi", "Mã địa bàn mới", True),
                    Column("ty_le", "Tỷ lệ")]),
    "assignments": ("Phân công theo dõi", [Column("ma_can_bo", "Mã cán bộ", True),
                                           Column("ma_dia_ban", "Mã địa bàn", True),
                                           Column("tu_ngay", "Từ ngày", True), Column("den_ngay", "Đến ngày"),
                                           Column("ghi_chu", "Ghi chú")]),
    "holidays": ("Ngày nghỉ lễ, làm bù", [Column("ngay", "Ngày", True), Column("loai", "Loại"),
                                          Column("ten", "Tên")]),
}
KIND_CHOICES = [(key, label) for key, (label, _) in KINDS.items()]


@dataclass
class RowError:
    line: int
    column: str
    message: str

    def __str__(self):
        where = f"Dòng {self.line}" if self.line else "Tệp"
        return f"{where}, cột '{self.column}': {self.message}" if self.column else f"{where}: {self.message}"


@dataclass
class ImportReport:
    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    def summary(self):
        label = KINDS[self.kind][0] if self.kind in KINDS else self.kind
        if self.errors:
            return f"{label}: có {len(self.errors)} lỗi, chưa nhập dòng nào."
        return (f"{label}: thêm {self.created}, cập nhật {self.updated}, "
                f"giữ nguyên {self.unchanged}.")


def header_key(text):
    return re.sub(r"[^a-z0-9]+", "_", fold(nfc(text or "")).strip()).strip("_")


def parse_date(text):
    day = parse_day(text)
    if day is None:
        typed = (text or "").strip()
        raise ValueError(f"ngày '{typed}' không hợp lệ (dùng dạng dd/mm/yyyy, ví dụ 02/09/2025)")
    return day


def parse_bool(text):
    word = fold(nfc(text or "")).strip()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"giá trị '{text}' không hợp lệ (ghi 'có' hoặc 'không')")


def _choice(text, choices):
    """A code of `choices` from its code or its label, typed with or without diacritics."""
    wanted = header_key(text)
    for code, label in choices:
        if wanted in (code, header_key(label)):
            return code
    options = ", ".join(code for code, _ in choices)
    raise ValueError(f"giá trị '{text}' không hợp lệ (chọn một trong: {options})")


def read_rows(data, kind):
    """(rows as dicts keyed by column key with their line numbers, errors) of CSV bytes."""
    label, columns = KINDS[kind]
    errors = []
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        return [], [RowError(0, "", "tệp không ở mã UTF-8; hãy lưu lại dưới dạng 'CSV UTF-8'.")]
    text = nfc(text)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return [], [RowError(0, "", "tệp rỗng.")]
    except csv.Error as exc:
        return [], [RowError(1, "", f"không đọc được dòng tiêu đề ({exc}).")]
    keys = [header_key(h) for h in header]
    known = {c.key for c in columns}
    for c in columns:
        if c.required and c.key not in keys:
            errors.append(RowError(1, c.label, f"thiếu cột bắt buộc '{c.key}'."))
    unknown = [h for h, k in zip(header, keys, strict=True) if k and k not in known]
    if unknown:
        errors.append(RowError(1, "", "cột không dùng tới: " + ", ".join(unknown)
                               + ". Các cột của loại này: " + ", ".join(c.key for c in columns) + "."))
    if errors:
        return [], errors
    rows = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            line = reader.line_num
            if len(values) > len(keys):
                errors.append(RowError(line, "", f"có {len(values)} ô, nhiều hơn số cột ({len(keys)})."))
                continue
            row = {k: (values[i].strip() if i < len(values) else "") for i, k in enumerate(keys) if k}
            row["_line"] = line
            rows.append(row)
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, "", f"không đọc được dòng ({exc})."))
    for row in rows:
        for c in columns:
            if c.required and not row.get(c.key):
                errors.append(RowError(row["_line"], c.label, "bắt buộc, đang để trống."))
    return rows, errors


def _field(errors, row, column, parse):
    try:
        return parse(row.get(column.key, ""))
    except ValueError as exc:
        errors.append(RowError(row["_line"], column.label, str(exc)))
        return None


def _duplicates(rows, key, label, errors):
    seen = {}
    for row in rows:
        value = row.get(key)
        if value and value in seen:
            errors.append(RowError(row["_line"], label, f"mã '{value}' trùng với dòng {seen[value]}."))
        elif value:
            seen[value] = row["_line"]


def _upsert(model, where, values, report):
    """Create or update the row matching `where` (foreign keys given as ids); count what happened."""
    existing = model.get_or_none(where)
    if existing is None:
        model.create(**values)
        report.created += 1
    elif all(existing.__data__.get(name) == value for name, value in values.items()):
        report.unchanged += 1
    else:
        for name, value in values.items():
            setattr(existing, name, value)
        existing.save()
        report.updated += 1


# --- per kind: check every row, then write ---------------------------------------------------

def _departments(rows, errors, report, write):
    cols = {c.key: c for c in KINDS["departments"][1]}
    _duplicates(rows, "ma", cols["ma"].label, errors)
    parsed = []
    for row in rows:
        position = _field(errors, row, cols["thu_tu"], lambda t: int(t) if t else 0) \
            if row.get("thu_tu") else 0
        parsed.append({"code": row["ma"], "name": row["ten"], "position": position or 0})
    if write:
        for values in parsed:
            _upsert(Department, Department.code == values["code"], values, report)


def _officials(rows, errors, report, write, link_accounts=False):
    from cms.accounts import User

    cols = {c.key: c for c in KINDS["officials"][1]}
    _duplicates(rows, "ma", cols["ma"].label, errors)
    departments = {d.code: d for d in Department.select()}
    usernames = {u.username: u for u in User.select()}
    linked = {o.user_id: o.code for o in Official.select() if o.user_id}
    parsed = []
    seen_users = {}
    for row in rows:
        department = departments.get(row["phong"])
        if row["phong"] and department is None:
            errors.append(RowError(row["_line"], cols["phong"].label,
                                   f"không có phòng mã '{row['phong']}' (nhập danh sách phòng trước)."))
        user = None
        if row.get("tai_khoan") and not link_accounts:
            # said before any lookup: whether such an account exists is not told either
            errors.append(RowError(row["_line"], cols["tai_khoan"].label,
                                   "chỉ quản trị viên được gắn tài khoản đăng nhập cho cán bộ; "
                                   "hãy để trống cột này."))
        elif row.get("tai_khoan"):
            user = usernames.get(row["tai_khoan"])
            if user is None:
                errors.append(RowError(row["_line"], cols["tai_khoan"].label,
                                       f"không có tài khoản '{row['tai_khoan']}'."))
            elif linked.get(user.id, row["ma"]) != row["ma"]:
                errors.append(RowError(row["_line"], cols["tai_khoan"].label,
                                       f"tài khoản '{row['tai_khoan']}' đã gắn với cán bộ mã "
                                       f"'{linked[user.id]}'."))
            elif user.id in seen_users:
                errors.append(RowError(row["_line"], cols["tai_khoan"].label,
                                       f"tài khoản '{row['tai_khoan']}' đã dùng ở dòng "
                                       f"{seen_users[user.id]}."))
            else:
                seen_users[user.id] = row["_line"]
        active = _field(errors, row, cols["dang_cong_tac"], lambda t: parse_bool(t) if t else True)
        parsed.append({"code": row["ma"], "full_name": row["ho_ten"], "title": row.get("chuc_vu", ""),
                       "department": department.id if department else None,
                       "user": user.id if user else None, "active": active})
    if write:
        for values in parsed:
            existing = Official.get_or_none(Official.code == values["code"])
            if values["user"] is None and existing is not None:
                values["user"] = existing.user_id  # a file without accounts keeps the links made in the admin
            _upsert(Official, Official.code == values["code"], values, report)


def _localities(rows, errors, report, write):
    cols = {c.key: c for c in KINDS["localities"][1]}
    _duplicates(rows, "ma", cols["ma"].label, errors)
    existing = {code: parent for code, parent in
                Locality.select(Locality.code, Locality.parent).tuples()}
    existing_codes = {code: lid for lid, code in Locality.select(Locality.id, Locality.code).tuples()}
    code_of_id = {lid: code for code, lid in existing_codes.items()}
    parents = {code: code_of_id.get(parent) for code, parent in existing.items()}
    parsed = []
    for row in rows:
        kind = _field(errors, row, cols["loai"], lambda t: _choice(t, vocab.LOCALITY_KINDS))
        mountainous = _field(errors, row, cols["mien_nui"], parse_bool)
        remote = _field(errors, row, cols["vung_sau_vung_xa"], parse_bool)
        position = _field(errors, row, cols["thu_tu"], lambda t: int(t) if t else 0)
        parent = row.get("ma_cap_tren") or None
        if parent == row["ma"]:
            errors.append(RowError(row["_line"], cols["ma_cap_tren"].label,
                                   "không thể là cấp trên của chính nó."))
            parent = None
        parents[row["ma"]] = parent
        valid_from = _field(errors, row, cols["tu_ngay"], parse_date) if row.get("tu_ngay") else None
        valid_to = _field(errors, row, cols["den_ngay"], parse_date) if row.get("den_ngay") else None
        if valid_from and valid_to and valid_to < valid_from:
            errors.append(RowError(row["_line"], cols["den_ngay"].label, "đến ngày trước từ ngày."))
        values = {"code": row["ma"], "name": row["ten"], "kind": kind, "mountainous": bool(mountainous),
                  "remote": bool(remote), "position": position or 0}
        # A file without the lifetime columns (the older format) keeps the stored lifetimes.
        if "tu_ngay" in row:
            values["valid_from"] = valid_from
        if "den_ngay" in row:
            values["valid_to"] = valid_to
        parsed.append((row, values, parent))
    tree = Tree.from_pairs(parents.items())  # by code: the file's rows over the stored ones
    for row, _values, parent in parsed:
        if parent and parent not in parents:
            errors.append(RowError(row["_line"], cols["ma_cap_tren"].label,
                                   f"không có địa bàn mã '{parent}' (trong tệp hay đã có)."))
        elif tree.would_create_cycle(row["ma"], parent):
            errors.append(RowError(row["_line"], cols["ma_cap_tren"].label,
                                   "quan hệ cấp trên tạo thành vòng lặp."))
    if write:
        pending = list(parsed)
        ids = dict(existing_codes)
        while pending:
            rest = []
            for row, values, parent in pending:
                if parent and parent not in ids:
                    rest.append((row, values, parent))
                    continue
                values["parent"] = ids[parent] if parent else None
                _upsert(Locality, Locality.code == values["code"], values, report)
                ids[values["code"]] = Locality.get(Locality.code == values["code"]).id
            if len(rest) == len(pending):
                break
            pending = rest


def parse_share(text):
    """'0,25', '0.25' or '25%' -> 0.25; a share must be above 0 and at most 1."""
    typed = (text or "").strip().replace(" ", "")
    try:
        value = float(typed.rstrip("%").replace(",", ".")) / (100 if typed.endswith("%") else 1)
    except ValueError:
        raise ValueError(f"tỷ lệ '{typed}' không phải là số (ví dụ 0,25 hoặc 25%)") from None
    if not 0 < value <= 1:
        raise ValueError(f"tỷ lệ '{typed}' phải lớn hơn 0 và không quá 1")
    return value


def _successors(rows, errors, report, write):
    cols = {c.key: c for c in KINDS["successors"][1]}
    units = {row.code: row for row in Locality.select(Locality.id, Locality.code, Locality.name,
                                                      Locality.valid_from, Locality.valid_to)}
    seen, shares, parsed = {}, {}, []
    for row in rows:
        old, new = units.get(row["ma_cu"]), units.get(row["ma_moi"])
        for key, unit in (("ma_cu", old), ("ma_moi", new)):
            if row[key] and unit is None:
                errors.append(RowError(row["_line"], cols[key].label, f"không có địa bàn mã '{row[key]}'."))
        share = _field(errors, row, cols["ty_le"], parse_share) if row.get("ty_le") else None
        pair = (row["ma_cu"], row["ma_moi"])
        if pair in seen:
            errors.append(RowError(row["_line"], cols["ma_moi"].label, f"trùng với dòng {seen[pair]}."))
            continue
        seen[pair] = row["_line"]
        if old is None or new is None:
            continue
        if old.id == new.id:
            errors.append(RowError(row["_line"], cols["ma_moi"].label, "địa bàn không thể kế tiếp chính nó."))
        elif old.valid_to is None:
            errors.append(RowError(row["_line"], cols["ma_cu"].label,
                                   f"{old.name} chưa có ngày kết thúc (cột den_ngay của tệp địa bàn)."))
        elif not new.exists_on(old.valid_to + timedelta(days=1)):
            errors.append(RowError(row["_line"], cols["ma_moi"].label,
                                   f"{new.name} không tồn tại vào ngày sau khi {old.name} kết thúc "
                                   f"({format_day(old.valid_to + timedelta(days=1))})."))
        if share is not None:
            shares.setdefault(row["ma_cu"], []).append((row["_line"], share))
        parsed.append((old.id, new.id, share))
    for code, parts in shares.items():
        if sum(share for _line, share in parts) > 1.001:
            errors.append(RowError(parts[-1][0], cols["ty_le"].label,
                                   f"tổng tỷ lệ của địa bàn '{code}' vượt quá 1."))
    if write:
        for old_id, new_id, share in parsed:
            where = (LocalitySuccession.old == old_id) & (LocalitySuccession.new == new_id)
            _upsert(LocalitySuccession, where, {"old": old_id, "new": new_id, "share": share}, report)


def _assignments(rows, errors, report, write):
    cols = {c.key: c for c in KINDS["assignments"][1]}
    officials = {code: oid for oid, code in Official.select(Official.id, Official.code).tuples()}
    localities = {code: lid for lid, code in Locality.select(Locality.id, Locality.code).tuples()}
    parsed = []
    for row in rows:
        official = officials.get(row["ma_can_bo"])
        if row["ma_can_bo"] and official is None:
            errors.append(RowError(row["_line"], cols["ma_can_bo"].label,
                                   f"không có cán bộ mã '{row['ma_can_bo']}'."))
        locality = localities.get(row["ma_dia_ban"])
        if row["ma_dia_ban"] and locality is None:
            errors.append(RowError(row["_line"], cols["ma_dia_ban"].label,
                                   f"không có địa bàn mã '{row['ma_dia_ban']}'."))
        start = _field(errors, row, cols["tu_ngay"], parse_date) if row.get("tu_ngay") else None
        end = _field(errors, row, cols["den_ngay"], parse_date) if row.get("den_ngay") else None
        if start and end and end < start:
            errors.append(RowError(row["_line"], cols["den_ngay"].label, "đến ngày trước từ ngày."))
        parsed.append({"official": official, "locality": locality, "start_date": start, "end_date": end,
                       "note": row.get("ghi_chu", "")})
    if write:
        for values in parsed:
            existing = Assignment.get_or_none((Assignment.official == values["official"])
                                              & (Assignment.locality == values["locality"])
                                              & (Assignment.start_date == values["start_date"]))
            if existing is None:
                Assignment.create(**values)
                report.created += 1
            elif existing.end_date == values["end_date"] and existing.note == values["note"]:
                report.unchanged += 1
            else:
                existing.end_date, existing.note = values["end_date"], values["note"]
                existing.save()
                report.updated += 1


def _holidays(rows, errors, report, write):
    cols = {c.key: c for c in KINDS["holidays"][1]}
    seen = {}
    parsed = []
    for row in rows:
        day = _field(errors, row, cols["ngay"], parse_date) if row.get("ngay") else None
        kind = _field(errors, row, cols["loai"], lambda t: _choice(t, vocab.CALENDAR_KINDS + [
            (vocab.HOLIDAY, "nghi_le"), (vocab.HOLIDAY, "nghi"), (vocab.MAKEUP_WORKDAY, "lam_bu")])
            if t else vocab.HOLIDAY)
        if day in seen:
            errors.append(RowError(row["_line"], cols["ngay"].label, f"ngày trùng với dòng {seen[day]}."))
        elif day:
            seen[day] = row["_line"]
        if day and kind == vocab.MAKEUP_WORKDAY and day.weekday() < 5:
            errors.append(RowError(row["_line"], cols["loai"].label,
                                   "ngày làm bù phải là thứ Bảy hoặc Chủ nhật."))
        parsed.append({"day": day, "kind": kind, "name": row.get("ten", "")})
    if write:
        for values in parsed:
            _upsert(CalendarDay, CalendarDay.day == values["day"], values, report)


HANDLERS = {"departments": _departments, "officials": _officials, "localities": _localities,
            "successors": _successors, "assignments": _assignments, "holidays": _holidays}


def import_csv(kind, data, link_accounts=False):
    """Check the CSV `data` (bytes or text) of `kind`; write it only if every row is right.
    `link_accounts`: the officials' "tai_khoan" column may link login accounts (admins only: the
    caller decides; without it a filled column is an error and existing links are kept)."""
    if kind not in KINDS:
        raise ValueError(f"Loại dữ liệu không hợp lệ: {kind}")
    report = ImportReport(kind)
    rows, errors = read_rows(data, kind)
    report.errors.extend(errors)
    if report.errors and not rows:  # the file itself (encoding, header) is wrong
        return report
    handler = HANDLERS[kind]
    if kind == "officials":
        handler = functools.partial(_officials, link_accounts=link_accounts)
    handler(rows, report.errors, report, write=False)
    if report.errors:
        report.errors.sort(key=lambda e: e.line)
        return report
    with database.atomic():
        handler(rows, report.errors, report, write=True)
    return report


def template_csv(kind):
    """A header line for `kind`, for people to start from."""
    return ",".join(c.key for c in KINDS[kind][1]) + "\n"
