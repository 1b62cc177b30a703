"""Made-up report and plan text for the demo visits: templates and word pools, varied enough that
searching them finds different visits. Nothing here is copied from any document.

The bodies a text names are those of the unit's time: before 01/07/2025 a district's Party
committee ("Huyện ủy Thanh Chương"), since then a commune's ("Đảng ủy xã Hạnh Lâm"). Inside a
sentence the kind word of a name is lower case ("làm việc tại xã Kim Liên")."""

KIND_WORDS = {"tinh": "tỉnh", "thanh_pho": "thành phố", "thi_xa": "thị xã", "huyen": "huyện",
              "thi_tran": "thị trấn", "xa": "xã", "phuong": "phường", "dac_khu": "đặc khu"}
# The Party committee of a district-level unit (before 01/07/2025) and of the province.
COMMITTEE_WORDS = {"tinh": "Tỉnh ủy", "thanh_pho": "Thành ủy", "thi_xa": "Thị ủy", "huyen": "Huyện ủy"}
PARTY_ORGANISATION = "Đảng bộ "


def _split(loc):
    """(kind word, rest of the name) of an administrative unit ('huyện', 'Kỳ Sơn'), else None."""
    word = KIND_WORDS.get(loc.kind)
    if word and loc.name.lower().startswith(word + " "):
        return word, loc.name[len(word) + 1:]
    return None


def in_text(loc):
    """The locality's name inside a sentence: 'xã Nậm Cắn', 'huyện Kỳ Sơn', 'Đảng bộ Quân sự tỉnh'."""
    parts = _split(loc)
    return f"{parts[0]} {parts[1]}" if parts else loc.name


def party_committee(loc):
    """'Huyện ủy Kỳ Sơn', 'Thành ủy Vinh', 'Đảng ủy xã Hạnh Lâm', 'Đảng ủy Quân sự tỉnh'."""
    parts = _split(loc)
    if parts and loc.kind in COMMITTEE_WORDS:
        return f"{COMMITTEE_WORDS[loc.kind]} {parts[1]}"
    if parts:
        return f"Đảng ủy {parts[0]} {parts[1]}"
    if loc.name.startswith(PARTY_ORGANISATION):
        return "Đảng ủy " + loc.name[len(PARTY_ORGANISATION):]
    return f"Đảng ủy {loc.name}"


def people_committee(loc):
    """'UBND xã Kim Liên', 'UBND huyện Thanh Chương'; '' for a Party committee."""
    parts = _split(loc)
    return f"UBND {parts[0]} {parts[1]}" if parts else ""


def hosts(loc):
    """Who receives the visit: 'Đảng ủy, UBND xã Kim Liên', 'Huyện ủy, UBND huyện Kỳ Sơn'."""
    parts = _split(loc)
    if not parts:
        return party_committee(loc)
    return f"{COMMITTEE_WORDS.get(loc.kind, 'Đảng ủy')}, UBND {parts[0]} {parts[1]}"


def organisers(loc, two_level):
    """The board that prepares the work with the visit: a district's Ban Tổ chức before 2025, a
    commune's Ban Xây dựng Đảng since (`two_level`), the office of a former commune's Party
    committee, the Ban Tổ chức of a committee directly under the Provincial Committee."""
    committee = party_committee(loc)
    if loc.kind in ("xa", "phuong", "thi_tran", "dac_khu"):
        return f"Ban Xây dựng Đảng {committee}" if two_level else f"Văn phòng {committee}"
    return f"Ban Tổ chức {committee}"


OPENINGS = [
    "Qua làm việc với Ban Thường vụ {unit} và kiểm tra thực tế tại {place}, đoàn nắm được như sau.",
    "Đoàn đã nghe {unit} báo cáo, trao đổi trực tiếp với cán bộ chủ chốt và đảng viên ở {place}.",
    "Trong {days} ngày làm việc tại {place}, đoàn đã gặp gỡ bí thư chi bộ, trưởng xóm và một số hộ dân.",
    "Đoàn làm việc theo đề cương đã gửi trước; {unit} chuẩn bị báo cáo chu đáo, số liệu đầy đủ.",
    "Cùng với nội dung chính, đoàn kết hợp nắm tình hình tư tưởng cán bộ, đảng viên tại {place}.",
]

FINDINGS = {
    "phat_trien_dang_vien": [
        "Từ đầu năm đến nay đã kết nạp {n} đảng viên mới, đạt {pct}% chỉ tiêu; nguồn kết nạp chủ yếu là "
        "đoàn viên thanh niên và quân nhân xuất ngũ.",
        "Còn {m} xóm, bản chưa có đảng viên; việc tạo nguồn ở vùng đồng bào dân tộc thiểu số gặp khó khăn "
        "do thanh niên đi làm ăn xa.",
        "Quy trình kết nạp được thực hiện đúng hướng dẫn; một số hồ sơ còn chậm do thẩm tra lý lịch kéo dài.",
    ],
    "cong_tac_can_bo": [
        "Công tác rà soát, bổ sung quy hoạch đã hoàn thành; {n} đồng chí được đưa vào quy hoạch "
        "các chức danh "
        "chủ chốt cấp xã.",
        "Đội ngũ cán bộ cấp xã cơ bản đạt chuẩn; còn {m} công chức chưa đủ trình độ lý luận chính trị "
        "theo quy định.",
        "Việc luân chuyển, điều động cán bộ được thực hiện công khai; tâm lý cán bộ nhìn chung ổn định.",
    ],
    "cung_co_co_so": [
        "Có {m} chi bộ sinh hoạt chưa nền nếp, nội dung sinh hoạt còn đơn điệu, "
        "chưa gắn với nhiệm vụ cụ thể.",
        "Việc kiện toàn chi ủy sau khi sáp nhập xóm đã cơ bản xong; {n} chi bộ đã bầu bổ sung bí thư.",
        "Chất lượng sinh hoạt chi bộ chuyên đề có chuyển biến; nhiều chi bộ chọn được chủ đề sát thực tế.",
    ],
    "kiem_tra": [
        "Đã kiểm tra hồ sơ đảng viên của {n} chi bộ; phát hiện một số sổ sách ghi chép chưa đầy đủ, đã hướng "
        "dẫn khắc phục ngay.",
        "Việc quản lý hồ sơ, thẻ đảng viên cơ bản đúng quy định; "
        "cần cập nhật dữ liệu đảng viên trên phần mềm.",
    ],
    "giam_sat": [
        "Qua giám sát, việc thực hiện quy chế làm việc của cấp ủy cơ bản nghiêm túc; "
        "còn hiện tượng hội họp nhiều.",
        "Việc thực hiện trách nhiệm nêu gương của người đứng đầu được đánh giá tốt, dư luận đồng tình.",
    ],
    "huong_dan": [
        "Đoàn đã hướng dẫn quy trình đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên cuối năm.",
        "Cán bộ văn phòng cấp ủy được hướng dẫn trực tiếp cách lập và lưu trữ hồ sơ nghiệp vụ.",
    ],
    "nam_tinh_hinh": [
        "Tình hình chính trị ổn định; một số hộ còn băn khoăn về chính sách đền bù giải phóng mặt bằng.",
        "Tư tưởng cán bộ ở cơ sở cơ bản yên tâm công tác; có ý kiến đề nghị quan tâm chế độ cho người "
        "hoạt động không chuyên trách.",
        "Đời sống nhân dân vùng cao còn nhiều khó khăn, giao thông đi lại mùa mưa bị chia cắt.",
    ],
    "khao_sat": [
        "Số liệu khảo sát cho thấy {pct}% chi bộ duy trì sinh hoạt định kỳ đúng kỳ hạn.",
        "Khảo sát {n} đảng viên trẻ cho thấy nhu cầu được bồi dưỡng kỹ năng số còn lớn.",
    ],
    "tong_ket_mo_hinh": [
        "Mô hình 'chi bộ bốn tốt' ở {place} bước đầu có hiệu quả, có thể nhân rộng ra các xã lân cận.",
        "Mô hình dân vận khéo gắn với phát triển đảng viên trong doanh nghiệp được đánh giá cao.",
    ],
    "du_hoi_nghi": [
        "Đoàn dự hội nghị sơ kết của {unit}; các ý kiến tham luận tập trung vào giải pháp nâng cao chất "
        "lượng sinh hoạt chi bộ.",
    ],
}

DIFFICULTIES = [
    "Địa bàn rộng, giao thông khó khăn nên việc đi lại của cán bộ chuyên trách còn hạn chế.",
    "Một số cấp ủy chưa chủ động, còn trông chờ hướng dẫn của cấp trên.",
    "Kinh phí hoạt động của chi bộ xóm, bản còn thấp so với yêu cầu.",
    "Đội ngũ cán bộ làm công tác tổ chức ở cơ sở thường xuyên thay đổi, kinh nghiệm chưa nhiều.",
    "Việc ứng dụng công nghệ thông tin trong quản lý đảng viên còn chậm.",
]

PROPOSALS = [
    "Đề nghị Ban Thường vụ {unit} chỉ đạo các chi bộ còn yếu xây dựng kế hoạch khắc phục cụ thể.",
    "Kiến nghị Ban Tổ chức Tỉnh ủy tham mưu hướng dẫn thống nhất về tiêu chí đánh giá chi bộ xóm, bản.",
    "Đề nghị bố trí kinh phí hỗ trợ tập huấn nghiệp vụ cho bí thư chi bộ mới được bầu.",
    "Đề xuất tăng cường cán bộ tỉnh về cơ sở theo dõi, giúp đỡ {place} trong năm tới.",
    "Kiến nghị xem xét chế độ phụ cấp cho người hoạt động không chuyên trách ở xóm, bản vùng cao.",
    "Đề nghị {unit} hoàn thiện hồ sơ đề nghị công nhận mô hình điểm trước ngày {due}.",
    "Đề xuất tổ chức hội nghị chuyên đề về tạo nguồn phát triển đảng viên trong doanh nghiệp.",
]

LESSONS = [
    "Cần chuẩn bị kỹ đề cương và gửi trước cho cơ sở để buổi làm việc đi vào trọng tâm.",
    "Kết hợp nhiều nội dung trong một đợt giúp tiết kiệm thời gian cho cả đoàn và cơ sở.",
    "Lắng nghe ý kiến từ nhiều kênh, nhất là đảng viên ở chi bộ, để nhận định khách quan.",
    "Phối hợp với các phòng trước khi xuống cơ sở để tránh trùng lặp lịch làm việc.",
    "Nên dành thời gian đi thực tế ở xóm, bản thay vì chỉ nghe báo cáo tại hội trường.",
    "Ghi chép đầy đủ các kiến nghị để theo dõi, đôn đốc việc thực hiện sau đợt công tác.",
]

FOLLOW_UPS = [
    ("Ban Thường vụ {unit}", "Báo cáo kết quả khắc phục các tồn tại về hồ sơ đảng viên"),
    ("Văn phòng {unit}", "Gửi danh sách chi bộ chưa có chi ủy và phương án kiện toàn"),
    ("{organisers}", "Hoàn thiện hồ sơ đề nghị kết nạp đảng viên còn tồn đọng"),
    ("{grassroots}", "Xây dựng kế hoạch nhân rộng mô hình chi bộ tiêu biểu"),
    ("Cán bộ theo dõi địa bàn", "Tổng hợp kiến nghị của cơ sở, báo cáo lãnh đạo Ban"),
    ("Ban Thường vụ {unit}", "Rà soát, bổ sung quy hoạch cán bộ chủ chốt cấp xã"),
    ("{government}", "Báo cáo kết quả giải quyết kiến nghị của người dân về đền bù giải phóng mặt bằng"),
]

PLAN_INTROS = [
    "Thực hiện chương trình công tác của Ban, đoàn làm việc tại {place} nhằm {purpose}.",
    "Theo kế hoạch theo dõi địa bàn {period}, đoàn về {place} để {purpose}.",
    "Đoàn công tác của phòng xuống {place} với mục đích {purpose}.",
]

PURPOSES = {
    "phat_trien_dang_vien": "nắm kết quả phát triển đảng viên và công tác tạo nguồn",
    "cong_tac_can_bo": "làm việc về công tác quy hoạch, luân chuyển cán bộ",
    "cung_co_co_so": "hướng dẫn củng cố, kiện toàn tổ chức cơ sở đảng",
    "kiem_tra": "kiểm tra công tác quản lý hồ sơ đảng viên",
    "giam_sat": "giám sát việc thực hiện quy chế làm việc của cấp ủy",
    "huong_dan": "hướng dẫn nghiệp vụ công tác tổ chức xây dựng Đảng",
    "nam_tinh_hinh": "nắm tình hình tư tưởng cán bộ, đảng viên và nhân dân",
    "khao_sat": "khảo sát chất lượng sinh hoạt chi bộ",
    "tong_ket_mo_hinh": "tổng kết mô hình điểm về xây dựng chi bộ",
    "du_hoi_nghi": "dự hội nghị sơ kết công tác xây dựng Đảng",
}

PARTNERS = [
    "Thường trực {unit}; {organisers}",
    "{hosts}; bí thư các chi bộ",
    "Ban Thường vụ {unit}; các ban xây dựng Đảng",
    "Cấp ủy {place}; một số đảng viên cao tuổi Đảng",
    "Lãnh đạo {unit}; đại diện Mặt trận và các đoàn thể",
]

TITLES = {
    "phat_trien_dang_vien": "Nắm tình hình phát triển đảng viên tại {place}",
    "cong_tac_can_bo": "Làm việc về công tác cán bộ tại {place}",
    "cung_co_co_so": "Hướng dẫn củng cố tổ chức cơ sở đảng ở {place}",
    "kiem_tra": "Kiểm tra hồ sơ đảng viên tại {place}",
    "giam_sat": "Giám sát thực hiện quy chế làm việc ở {place}",
    "huong_dan": "Hướng dẫn nghiệp vụ tổ chức cho {place}",
    "nam_tinh_hinh": "Nắm tình hình cơ sở tại {place}",
    "khao_sat": "Khảo sát chất lượng sinh hoạt chi bộ ở {place}",
    "tong_ket_mo_hinh": "Tổng kết mô hình điểm tại {place}",
    "du_hoi_nghi": "Dự hội nghị sơ kết tại {place}",
}

MEETING_NOTES = [
    "Các đồng chí trao đổi kinh nghiệm chuẩn bị đề cương trước khi xuống cơ sở; thống nhất kết hợp nhiều "
    "nội dung trong một đợt.",
    "Phòng rút kinh nghiệm về việc phối hợp lịch với các phòng khác để tránh trùng lặp.",
    "Thảo luận cách nắm dư luận qua nhiều kênh; đề nghị lãnh đạo Ban định hướng nội dung trọng tâm quý tới.",
    "Đánh giá thời gian đi cơ sở của từng đồng chí so với yêu cầu 1/3 thời gian; đề ra biện pháp bù đắp.",
]
