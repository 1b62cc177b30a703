"""CSV import of reference data (per-row Vietnamese errors, all or nothing, idempotent), the CLI
command and the admin upload; CSV and XLSX exports of lists, dashboards and one visit's record."""

import io
from datetime import date, timedelta

from openpyxl import load_workbook
from visitkit import post, text, upload

from visits import vocab
from visits.importer import import_csv
from visits.models import Assignment, CalendarDay, Department, FollowUp, Locality, Official, VisitReport

LOCALITIES = """Mã,Tên,Loại,Mã cấp trên,Miền núi,Vùng sâu vùng xa
TT,Huyện Tương Dương,Huyện,NA,có,có
TT-NM,Xã Nga My,xa,TT,có,có
"""


def test_localities_import_with_headers_in_vietnamese_and_parents_later_in_the_file(field):
    report = import_csv("localities", ("Mã,Tên,Loại,Mã cấp trên\nX1,Xã Một,xã,H1\nH1,Huyện Một,huyện,NA\n"
                                       ).encode("utf-8-sig"))
    assert report.ok, report.errors
    assert Locality.get(Locality.code == "X1").parent.code == "H1"
    report = import_csv("localities", LOCALITIES.encode())
    assert (report.created, report.errors) == (2, [])
    nga_my = Locality.get(Locality.code == "TT-NM")
    assert nga_my.remote and nga_my.mountainous and nga_my.kind == "xa" and nga_my.parent.code == "TT"
    again = import_csv("localities", LOCALITIES.encode())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_a_file_with_errors_writes_nothing_and_lists_each_row(field):
    bad = ("ma,ho_ten,chuc_vu,phong,tai_khoan\n"
           "N1,Nguyễn Văn Một,Chuyên viên,A,\n"
           "N2,,Chuyên viên,A,\n"
           "N3,Trần Ba,Chuyên viên,ZZ,\n"
           "N1,Lê Bốn,Chuyên viên,A,\n"
           "N5,Hồ Năm,Chuyên viên,B,khong-co-tai-khoan\n")
    report = import_csv("officials", bad.encode(), link_accounts=True)
    messages = [str(e) for e in report.errors]
    assert not report.ok
    assert "Dòng 3, cột 'Họ tên': bắt buộc, đang để trống." in messages
    assert any(m.startswith("Dòng 4, cột 'Mã phòng': không có phòng mã 'ZZ'") for m in messages)
    assert any(m.startswith("Dòng 5, cột 'Mã': mã 'N1' trùng với dòng 2") for m in messages)
    assert any(m.startswith("Dòng 6, cột 'Tài khoản': không có tài khoản") for m in messages)
    assert not Official.select().where(Official.code == "N1").exists()
    assert report.summary() == "Cán bộ: có 4 lỗi, chưa nhập dòng nào."


def test_bad_values_dates_and_columns_are_reported(field):
    report = import_csv("localities", "ma,ten,loai,mien_nui\nQ,Quận,quan,có lẽ\nZ,Xã Zét,xa,không\n".encode())
    messages = [str(e) for e in report.errors]
    assert any("Dòng 2, cột 'Loại': giá trị 'quan' không hợp lệ" in m for m in messages)
    assert any("Dòng 2, cột 'Miền núi': giá trị 'có lẽ' không hợp lệ" in m for m in messages)
    assert import_csv("localities", b"ma,ten\nQ,X\n").errors[0].message.startswith("thiếu cột bắt buộc")
    assert "cột không dùng tới: dan_so" in str(import_csv("departments",
                                                          "ma,ten,dan_so\nP,Phòng,3\n".encode()).errors[0])
    report = import_csv("assignments", b"ma_can_bo,ma_dia_ban,tu_ngay,den_ngay\nOA,KS,31/02/2025,\n"
                                       b"OA,KS,01/03/2025,01/01/2025\nOZ,KS,01/03/2025,\n")
    messages = [str(e) for e in report.errors]
    assert any("Dòng 2, cột 'Từ ngày': ngày '31/02/2025' không hợp lệ" in m for m in messages)
    assert "Dòng 3, cột 'Đến ngày': đến ngày trước từ ngày." in messages
    assert any("Dòng 4, cột 'Mã cán bộ': không có cán bộ mã 'OZ'" in m for m in messages)
    assert import_csv("holidays", b"ngay,loai,ten\n03/09/2025,lam_bu,X\n").errors[0].message.startswith(
        "ngày làm bù phải là")
    assert import_csv("departments", b"\xff\xfe\x00bad").errors[0].message.startswith("tệp không ở mã UTF-8")


def test_semicolons_and_bom_and_holidays(field):
    report = import_csv("holidays",
                        "\ufeffngay;loai;ten\n30/04/2026;holiday;Giải phóng\n02/05/2026;lam_bu;Bù\n"
                        .encode("utf-8"))
    assert report.ok, report.errors
    assert CalendarDay.get(CalendarDay.day == date(2026, 5, 2)).kind == vocab.MAKEUP_WORKDAY


def test_the_cli_command_reports_errors_and_exits_1(cli, field, tmp_path):
    good = tmp_path / "phong.csv"
    good.write_text("ma,ten\nC,Phòng C\n", encoding="utf-8")
    result = cli("import-visit-data", "departments", good)
    assert result.exit_code == 0 and "thêm 1" in result.output
    bad = tmp_path / "sai.csv"
    bad.write_text("ma,ten\n,Không mã\n", encoding="utf-8")
    result = cli("import-visit-data", "departments", bad)
    assert result.exit_code == 1
    assert "Dòng 2, cột 'Mã': bắt buộc, đang để trống." in result.output
    assert Department.select().count() == 3


def test_the_admin_upload_shows_the_error_table(field, as_user):
    leader = as_user("leader")
    page = text(leader.get("/admin/visit-import/"))
    data = {"csrf_token": __import__("visitkit").token(leader, "/admin/visit-import/"), "kind": "assignments",
            "file": upload(b"ma_can_bo,ma_dia_ban,tu_ngay\nOA,KHONG,01/01/2025\n", "pc.csv")}
    response = leader.post("/admin/visit-import/", data=data, content_type="multipart/form-data")
    body = text(response)
    assert "không có địa bàn mã &#39;KHONG&#39;" in body or "không có địa bàn mã 'KHONG'" in body
    assert "Phân công theo dõi" in page
    assert not Assignment.select().exists()
    assert as_user("staff_a").get("/admin/visit-import/").status_code == 403


def test_xlsx_export_of_a_filtered_list(field, make_visit, as_user):
    make_visit("a", state=vocab.DONE, title="Đợt tháng trước ở Kỳ Sơn", start=date(2025, 9, 3))
    make_visit("a", state=vocab.DRAFT, title="Dự thảo Diễn Châu", localities=[field.dienchau],
               topics=("kiem_tra", "giam_sat"))
    client = as_user("leader")
    body = client.get("/admin/visit/export/xlsx/?flt0_0=done").data
    sheet = load_workbook(io.BytesIO(body)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Mã", "Tên đợt", "Trạng thái", "Từ ngày")
    assert [r[1] for r in rows[1:]] == ["Đợt tháng trước ở Kỳ Sơn"]
    assert rows[1][2] == "Đã thực hiện" and rows[1][9] == "Huyện Kỳ Sơn"
    assert rows[1][3].date() == date(2025, 9, 3)
    everything = load_workbook(io.BytesIO(client.get("/admin/visit/export/xlsx/").data)).active
    titles = {r[1] for r in everything.iter_rows(min_row=2, values_only=True)}
    assert titles == {"Đợt tháng trước ở Kỳ Sơn", "Dự thảo Diễn Châu"}
    draft = next(r for r in everything.iter_rows(min_row=2, values_only=True) if r[1] == "Dự thảo Diễn Châu")
    assert draft[10] == "Kiểm tra" and draft[11] == "Kiểm tra, Giám sát"
    csv_body = client.get("/admin/visit/export/csv/?search=dien+chau").data
    assert csv_body.startswith(b"\xef\xbb\xbf")
    assert "Dự thảo Diễn Châu" in csv_body.decode("utf-8-sig")
    assert "Kỳ Sơn" not in csv_body.decode("utf-8-sig").split("\n", 1)[1]


def test_xlsx_export_of_one_visit_record(field, make_visit, as_user):
    visit = make_visit("a", state=vocab.DONE, start=date(2025, 9, 3), participants=["a2"])
    VisitReport.create(visit=visit, findings="Chi bộ bản sinh hoạt đều đặn.", proposals="=SUM(A1:A9)",
                       lessons="Đi thực tế xóm, bản.")
    FollowUp.create(visit=visit, responsible="Huyện ủy Kỳ Sơn", description="Báo cáo kết quả khắc phục",
                    due_date=date(2025, 10, 30))
    body = as_user("staff_a").get(f"/admin/visit/export-record/{visit.id}/xlsx").data
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames[:4] == ["Kế hoạch", "Báo cáo", "Việc cần theo dõi", "Tệp đính kèm"]
    plan = dict(book["Kế hoạch"].iter_rows(min_row=2, values_only=True))
    assert plan["Cán bộ chủ trì"] == "Nguyễn Văn An" and plan["Cán bộ cùng đi"] == "Trần Thị Ánh"
    assert plan["Địa bàn"] == "Huyện Kỳ Sơn" and plan["Từ ngày"] == "03/09/2025"
    report = dict(book["Báo cáo"].iter_rows(min_row=2, values_only=True))
    assert report["Kết quả, tình hình nắm được"] == "Chi bộ bản sinh hoạt đều đặn."
    assert book["Báo cáo"]["B3"].data_type == "s"  # a formula-looking text stays text
    follow = list(book["Việc cần theo dõi"].iter_rows(min_row=2, values_only=True))
    assert follow[0][0] == "Huyện ủy Kỳ Sơn" and follow[0][3].date() == date(2025, 10, 30)
    csv_text = as_user("staff_a").get(f"/admin/visit/export-record/{visit.id}/csv").data.decode("utf-8-sig")
    assert "'=SUM(A1:A9)" in csv_text
    assert as_user("staff_a").get(f"/admin/visit/export-record/{visit.id}/pdf").status_code == 404


def test_dashboard_tables_export(field, make_visit, as_user):
    make_visit("a", state=vocab.DONE, start=date.today() - timedelta(days=10))
    client = as_user("leader")
    book = load_workbook(io.BytesIO(client.get("/admin/visit-dashboard/coverage?format=xlsx").data))
    names = [r[0] for r in book.active.iter_rows(min_row=2, values_only=True)]
    assert "Huyện Kỳ Sơn" in names and "Huyện Diễn Châu" in names
    field_days = client.get("/admin/visit-dashboard/field-days?format=csv").data.decode("utf-8-sig")
    assert "Nguyễn Văn An" in field_days
    assert post  # keep the helper import used


def test_reference_lists_export_with_related_names(field, as_user):
    from visits.models import Assignment
    Assignment.create(official=field.officials["a"], locality=field.namcan, start_date=date(2025, 1, 1))
    client = as_user("leader")
    book = load_workbook(io.BytesIO(client.get("/admin/visit_locality/export/xlsx/").data))
    rows = {r[0]: r for r in book.active.iter_rows(min_row=2, values_only=True)}
    assert rows["Xã Nậm Cắn"][2] == "Huyện Kỳ Sơn" and rows["Xã Nậm Cắn"][5] == "Nguyễn Văn An"
    follow = client.get("/admin/visit_assignment/export/csv/").data.decode("utf-8-sig")
    assert "Xã Nậm Cắn,Nguyễn Văn An" in follow
