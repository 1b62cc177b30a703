"""CSV and XLSX files of lists and reports.

CSV is UTF-8 with a BOM (so that Excel shows Vietnamese correctly), XLSX is written by openpyxl.
A "table" is (title, headers, rows); a workbook holds one sheet per table. Cells starting with
=, +, - or @ are prefixed with an apostrophe in CSV, so that a spreadsheet never runs them as
formulas (CSV injection); openpyxl is told explicitly that such text is a string.
"""

import csv
import io
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from cms.timeutil import format_day

from . import vocab

CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return format_day(value)
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    text = str(value)
    if text.startswith(FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def to_csv(tables):
    """bytes of a CSV file: the tables one after another, separated by an empty line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for index, (title, headers, rows) in enumerate(tables):
        if index:
            writer.writerow([])
        if len(tables) > 1:
            writer.writerow([title])
        writer.writerow(headers)
        for row in rows:
            writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _sheet_title(title, used):
    cleaned = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Trang"
    name, n = cleaned, 2
    while name in used:
        suffix = f" ({n})"
        name = cleaned[:31 - len(suffix)] + suffix
        n += 1
    used.add(name)
    return name


def to_xlsx(tables):
    """bytes of an XLSX workbook with one sheet per table, headers bold and frozen."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    used = set()
    for title, headers, rows in tables:
        sheet = workbook.create_sheet(_sheet_title(title, used))
        sheet.append(list(headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [len(str(h)) for h in headers]
        for row in rows:
            values = []
            for value in row:
                if isinstance(value, list | tuple | set):
                    value = ", ".join(str(v) for v in value)
                elif value is not None and not isinstance(value, str | int | float | date):
                    value = str(value)  # rows of related models, markup...
                if isinstance(value, str):
                    value = value.replace("\r\n", "\n")
                values.append(value)
            sheet.append(values)
            for i, value in enumerate(values[:len(widths)]):
                widths[i] = max(widths[i], min(60, len(str(value or "").split("\n")[0])))
        for cell in (c for row in sheet.iter_rows(min_row=2) for c in row):
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text that looks like a formula stays text
                if "\n" in cell.value:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            elif isinstance(cell.value, date) and not isinstance(cell.value, datetime):
                cell.number_format = "DD/MM/YYYY"
            elif isinstance(cell.value, datetime):
                cell.number_format = "DD/MM/YYYY HH:MM"
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = max(8, width + 2)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render(tables, fmt):
    """(bytes, mimetype) of the tables as 'csv' or 'xlsx'."""
    if fmt == "xlsx":
        return to_xlsx(tables), XLSX_MIMETYPE
    if fmt == "csv":
        return to_csv(tables), CSV_MIMETYPE
    raise ValueError(fmt)


def report_tables(bundle, plan, report, events=()):
    """The tables of one visit's full record: plan, report, follow-ups, attachments, history."""
    from cms.timeutil import to_local

    from .vocab import STATE_LABELS

    def local(moment):
        return to_local(moment).replace(tzinfo=None) if moment else None

    visit = bundle.visit
    head = [("Mã đợt", visit.id), ("Trạng thái", STATE_LABELS.get(visit.state, visit.state)),
            ("Phòng", bundle.department.name if bundle.department else "")]
    tables = [
        ("Kế hoạch", ["Mục", "Nội dung"], head + list(plan.items())),
        ("Báo cáo", ["Mục", "Nội dung"], list(report.items())),
        ("Việc cần theo dõi", ["Đơn vị/người thực hiện", "Nội dung", "Cán bộ theo dõi", "Hạn", "Tình trạng",
                               "Ngày xong", "Ghi chú"],
         [(f.responsible, f.description, f.official.full_name if f.official_id else "", f.due_date,
           f.status_label, f.done_date, f.note) for f in bundle.follow_ups]),
        ("Tệp đính kèm", ["Tên tệp", "Loại", "Dung lượng (byte)", "Ngày tải lên"],
         [(a.original_name, a.kind.upper(), a.size_bytes, local(a.created_at)) for a in bundle.attachments]),
    ]
    if events:
        tables.append(("Lịch sử", ["Thời điểm", "Người thực hiện", "Từ", "Sang", "Ý kiến"],
                       [(local(e.created_at), e.actor.shown_name if e.actor_id else "",
                         STATE_LABELS.get(e.from_state, ""),
                         STATE_LABELS.get(e.to_state, ""), e.comment) for e in events]))
    return tables


def visit_list_table(data):
    """The visit list as exported: one row per visit, its people, places and topics by name."""
    headers = ["Mã", "Tên đợt", "Trạng thái", "Từ ngày", "Đến ngày", "Số ngày", "Chủ trì",
               "Cán bộ cùng đi",
               "Phòng", "Địa bàn", "Nội dung chính", "Các nội dung", "Phương pháp", "Đối tượng làm việc"]
    rows = []
    from .presenters import load_bundles  # presenters reads the models; export is used without them

    for start in range(0, len(data), 500):
        for b in load_bundles(data[start:start + 500], with_report=False):
            v = b.visit
            rows.append([v.id, v.title, v.state_label, v.start_date, v.end_date, v.days,
                         b.lead.full_name if b.lead else "",
                         ", ".join(p.full_name for p in b.participants),
                         b.department.name if b.department else "",
                         ", ".join(loc.name for loc in b.localities),
                         b.main_topic_label, ", ".join(t.label for t in b.topics),
                         vocab.codes_to_labels(v.methods, vocab.METHOD_LABELS), v.partners])
    return headers, rows
