"""CSV import of localities with their lifetimes and of what ended units went into (successors):
per-row Vietnamese errors, all or nothing, idempotent, and the format of earlier files still read."""

from datetime import date

from visits.importer import import_csv
from visits.models import Locality, LocalitySuccession

UNITS = """ma,ten,loai,ma_cap_tren,tu_ngay,den_ngay
H-TC,Huyện Thanh Chương,huyen,NA,,30/06/2025
TC-A,Xã Thanh An,xa,H-TC,,30/06/2025
TC-B,Xã Thanh Bình,xa,H-TC,,30/06/2025
TC-C,Xã Thanh Cẩm,xa,H-TC,,30/06/2025
XA-MOI,Xã Đại Đồng,xa,NA,01/07/2025,
XA-HAI,Xã Hạnh Lâm,xa,NA,01/07/2025,
"""
SUCCESSORS = """ma_cu,ma_moi,ty_le
TC-A,XA-MOI,
TC-B,XA-MOI,
TC-C,XA-MOI,
H-TC,XA-MOI,"0,75"
H-TC,XA-HAI,25%
"""


def _import(kind, text):
    return import_csv(kind, text.encode())


def test_lifetimes_and_successors_are_imported_once(field):
    assert _import("localities", UNITS).ok
    report = _import("successors", SUCCESSORS)
    assert (report.created, report.errors) == (5, [])
    district = Locality.get(Locality.code == "H-TC")
    assert (district.valid_from, district.valid_to) == (None, date(2025, 6, 30))
    assert Locality.get(Locality.code == "XA-MOI").valid_from == date(2025, 7, 1)
    shares = {row.new.code: row.share for row in LocalitySuccession.select().where(
        LocalitySuccession.old == district.id)}
    assert shares == {"XA-MOI": 0.75, "XA-HAI": 0.25}
    again = _import("successors", SUCCESSORS)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    # the three communes merged into one: each now stands for it, in full
    lineage = Locality.lineage()
    new_id = Locality.get(Locality.code == "XA-MOI").id
    for code in ("TC-A", "TC-B", "TC-C"):
        assert lineage.units_on(Locality.get(Locality.code == code).id, date(2026, 1, 1)) == {new_id: 1.0}
    assert lineage.units_on(district.id, date(2024, 1, 1)) == {district.id: 1.0}


def test_a_file_without_lifetime_columns_keeps_the_stored_lifetimes(field):
    assert _import("localities", UNITS).ok
    assert _import("localities", "ma,ten,loai,ma_cap_tren\nH-TC,Huyện Thanh Chương,huyen,NA\n").ok
    assert Locality.get(Locality.code == "H-TC").valid_to == date(2025, 6, 30)


def test_bad_lifetimes_are_reported_by_row_and_nothing_is_written(field):
    report = _import("localities", "ma,ten,loai,tu_ngay,den_ngay\nA1,Xã A,xa,01/07/2025,30/06/2025\n"
                                   "A2,Xã B,xa,31/06/2025,\n")
    messages = [str(e) for e in report.errors]
    assert "Dòng 2, cột 'Đến ngày': đến ngày trước từ ngày." in messages
    assert any(m.startswith("Dòng 3, cột 'Từ ngày': ngày '31/06/2025' không hợp lệ") for m in messages)
    assert not Locality.select().where(Locality.code.in_(["A1", "A2"])).exists()


def test_bad_successor_rows_are_each_reported_and_nothing_is_written(field):
    assert _import("localities", UNITS).ok
    bad = ("ma_cu,ma_moi,ty_le\n"
           "TC-A,XA-MOI,\n"  # fine on its own
           "XA-MOI,XA-HAI,\n"  # the old unit has not ended
           "TC-B,KHONG-CO,\n"  # unknown code
           "TC-C,XA-MOI,nửa\n"  # not a number
           "H-TC,XA-MOI,0.8\n"
           "H-TC,XA-HAI,0.4\n"  # shares above 1
           "TC-A,XA-MOI,\n"  # repeated pair
           "TC-B,TC-B,\n"  # itself
           "TC-C,XA-HAI,1.5\n")
    report = _import("successors", bad)
    messages = [str(e) for e in report.errors]
    assert any(m.startswith("Dòng 3, cột 'Mã địa bàn cũ': Xã Đại Đồng chưa có ngày kết thúc")
               for m in messages)
    assert "Dòng 4, cột 'Mã địa bàn mới': không có địa bàn mã 'KHONG-CO'." in messages
    assert any(m.startswith("Dòng 5, cột 'Tỷ lệ': tỷ lệ 'nửa' không phải là số") for m in messages)
    assert "Dòng 7, cột 'Tỷ lệ': tổng tỷ lệ của địa bàn 'H-TC' vượt quá 1." in messages
    assert "Dòng 8, cột 'Mã địa bàn mới': trùng với dòng 2." in messages
    assert "Dòng 9, cột 'Mã địa bàn mới': địa bàn không thể kế tiếp chính nó." in messages
    assert any(m.startswith("Dòng 10, cột 'Tỷ lệ': tỷ lệ '1.5' phải lớn hơn 0") for m in messages)
    assert report.summary() == (f"Địa bàn kế tiếp (sáp nhập, chia tách): có {len(messages)} lỗi, "
                                "chưa nhập dòng nào.")
    assert LocalitySuccession.select().count() == 0


def test_a_successor_must_exist_the_day_after_the_old_unit_ended(field):
    units = ("ma,ten,loai,tu_ngay,den_ngay\nOLD,Xã Cũ,xa,,30/11/2024\n"
             "LATE,Xã Mới Muộn,xa,01/07/2025,\n")
    assert _import("localities", units).ok
    report = _import("successors", "ma_cu,ma_moi\nOLD,LATE\n")
    assert [str(e) for e in report.errors] == [
        "Dòng 2, cột 'Mã địa bàn mới': Xã Mới Muộn không tồn tại vào ngày sau khi Xã Cũ kết thúc "
        "(01/12/2024)."]


def test_the_shipped_files_import_cleanly_and_the_chain_through_2024_reaches_todays_wards(field):
    from visits.demo import CONTENT_DIR
    for kind, name in (("localities", "localities_history.csv"), ("localities", "localities_2025.csv"),
                       ("successors", "locality_successors.csv")):
        report = import_csv(kind, (CONTENT_DIR / name).read_bytes())
        assert report.ok, (name, [str(e) for e in report.errors[:5]])
    current = Locality.existing_on(date(2026, 12, 2))
    kinds = [unit.kind for unit in current if unit.kind in ("xa", "phuong") and unit.valid_from]
    assert (kinds.count("xa"), kinds.count("phuong")) == (119, 11)
    # Thị xã Cửa Lò went into Thành phố Vinh (12/2024), which went into six wards (07/2025)
    lineage = Locality.lineage()
    cua_lo = Locality.get(Locality.code == "CUALO")
    today = lineage.units_on(cua_lo.id, date(2026, 12, 2))
    assert len(today) == 6 and abs(sum(today.values()) - 1.0) < 0.01
    assert Locality.get(Locality.code == "PH-CUALO").id in today
    assert lineage.units_on(cua_lo.id, date(2025, 3, 1)) == {Locality.get(Locality.code == "VINH").id: 1.0}
