"""The fixed vocabularies of field visits, with their Vietnamese labels (codes are stored)."""

DRAFT, SUBMITTED, APPROVED, RETURNED, DONE, CANCELLED = (
    "draft", "submitted", "approved", "returned", "done", "cancelled")
STATES = [
    (DRAFT, "Dự thảo kế hoạch"),
    (SUBMITTED, "Chờ duyệt"),
    (APPROVED, "Đã duyệt"),
    (RETURNED, "Trả lại"),
    (DONE, "Đã thực hiện"),
    (CANCELLED, "Đã hủy"),
]
STATE_LABELS = dict(STATES)
# Joint-visit proposals (đề nghị đi cơ sở chung): sent by one planner, answered by the other side.
JOINT_PENDING, JOINT_ACCEPTED, JOINT_DECLINED, JOINT_WITHDRAWN, JOINT_LAPSED = (
    "pending", "accepted", "declined", "withdrawn", "lapsed")
JOINT_STATES = [
    (JOINT_PENDING, "Chờ phòng kia trả lời"),
    (JOINT_ACCEPTED, "Đã đồng ý, đã gộp"),
    (JOINT_DECLINED, "Không đồng ý"),
    (JOINT_WITHDRAWN, "Đã rút đề nghị"),
    (JOINT_LAPSED, "Hết hiệu lực (kế hoạch đã thay đổi)"),
]
JOINT_STATE_LABELS = dict(JOINT_STATES)
# A plan still to be carried out: what coordination between departments looks at.
PLANNED_STATES = (DRAFT, SUBMITTED, RETURNED, APPROVED)

TOPICS = [
    ("kiem_tra", "Kiểm tra"),
    ("giam_sat", "Giám sát"),
    ("huong_dan", "Hướng dẫn"),
    ("nam_tinh_hinh", "Nắm tình hình"),
    ("khao_sat", "Khảo sát"),
    ("tong_ket_mo_hinh", "Tổng kết mô hình"),
    ("du_hoi_nghi", "Dự hội nghị, sinh hoạt"),
    ("cong_tac_can_bo", "Công tác cán bộ"),
    ("phat_trien_dang_vien", "Phát triển đảng viên"),
    ("cung_co_co_so", "Củng cố tổ chức cơ sở đảng"),
]
TOPIC_LABELS = dict(TOPICS)

METHODS = [
    ("bao_cao", "Qua báo cáo bằng văn bản"),
    ("lam_viec_truc_tiep", "Làm việc trực tiếp"),
    ("trao_doi", "Tiếp xúc, trao đổi với cán bộ, đảng viên"),
    ("du_luan", "Nắm dư luận"),
    ("don_thu", "Qua đơn thư phản ánh"),
    ("tham_khao", "Tham khảo ý kiến các ban, ngành cấp trên"),
    ("thuc_dia", "Khảo sát thực tế"),
]
METHOD_LABELS = dict(METHODS)

# Since 01/07/2025 local government has two levels (province, commune); the district-level units and
# the towns (thị trấn) are kept as historical kinds for the records of earlier years.
LOCALITY_KINDS = [
    ("tinh", "Tỉnh"),
    ("xa", "Xã"),
    ("phuong", "Phường"),
    ("dac_khu", "Đặc khu"),
    ("dang_bo_xa", "Đảng bộ xã, phường, đặc khu"),
    ("dang_bo_truc_thuoc", "Đảng bộ trực thuộc Tỉnh ủy"),
    ("co_so", "Tổ chức cơ sở đảng"),
    ("thanh_pho", "Thành phố (cấp huyện, trước 01/7/2025)"),
    ("thi_xa", "Thị xã (trước 01/7/2025)"),
    ("huyen", "Huyện (trước 01/7/2025)"),
    ("thi_tran", "Thị trấn (trước 01/7/2025)"),
]
HISTORICAL_LOCALITY_KINDS = {"thanh_pho", "thi_xa", "huyen", "thi_tran"}
LOCALITY_KIND_LABELS = dict(LOCALITY_KINDS)

FOLLOWUP_OPEN, FOLLOWUP_DONE, FOLLOWUP_DROPPED = "open", "done", "dropped"
FOLLOWUP_STATUSES = [
    (FOLLOWUP_OPEN, "Đang theo dõi"),
    (FOLLOWUP_DONE, "Đã xong"),
    (FOLLOWUP_DROPPED, "Không thực hiện nữa"),
]
FOLLOWUP_STATUS_LABELS = dict(FOLLOWUP_STATUSES)

HOLIDAY, MAKEUP_WORKDAY = "holiday", "workday"
CALENDAR_KINDS = [
    (HOLIDAY, "Ngày nghỉ lễ, Tết"),
    (MAKEUP_WORKDAY, "Ngày làm bù (cuối tuần đi làm)"),
]
CALENDAR_KIND_LABELS = dict(CALENDAR_KINDS)


def codes_to_labels(codes, labels):
    """'a,b' or ['a', 'b'] -> 'Label A, Label B' (unknown codes shown as they are)."""
    if isinstance(codes, str):
        codes = [code for code in codes.split(",") if code]
    return ", ".join(labels.get(code, code) for code in codes)


def known_codes(codes, labels):
    """The codes of `codes` that `labels` knows, comma separated (as stored)."""
    return ",".join(code for code in (codes or []) if code in labels)
