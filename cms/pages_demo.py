"""Demo content of Giới thiệu: four pages written for this site, and who heads each department.

The text is ours, a plain summary of what a provincial Party Committee's Organization Board does
under the Party's general rules for such boards, not a copy of any official text. Names are
invented and marked as such; the contact page shows the site's own address, phone and e-mail
(cms.site_settings, whose demo values are the chrome's). Idempotent: pages are matched by slug,
departments by code (the same codes as content/visits/departments.csv).
"""

from .db import database
from .organisation import Department
from .pages import Page

# code, name, position, head's title, head's name (invented)
DEPARTMENTS = [
    ("VP", "Văn phòng Ban", 1, "Chánh Văn phòng", "Nguyễn Văn Thắng"),
    ("TCD", "Phòng Tổ chức đảng - đảng viên", 2, "Trưởng phòng", "Phan Đình Tuấn"),
    ("CB1", "Phòng Cán bộ khối Đảng, Mặt trận và đoàn thể", 3, "Trưởng phòng", "Hoàng Minh Đức"),
    ("CB2", "Phòng Cán bộ khối Nhà nước và doanh nghiệp", 4, "Trưởng phòng", "Trần Đình Long"),
    ("BVCT", "Phòng Bảo vệ chính trị nội bộ", 5, "Trưởng phòng", "Ngô Xuân Trường"),
]

DEMO_NOTE = "*Nội dung minh họa: họ tên, địa chỉ và số điện thoại trên trang này là giả định.*"

FUNCTIONS = """\
## Chức năng

Ban Tổ chức Tỉnh ủy là cơ quan tham mưu, giúp việc của Ban Chấp hành Đảng bộ tỉnh, trực tiếp
và thường xuyên là Ban Thường vụ và Thường trực Tỉnh ủy, về công tác tổ chức xây dựng Đảng và hệ
thống chính trị, công tác cán bộ, đảng viên và bảo vệ chính trị nội bộ. Ban đồng thời là cơ quan
chuyên môn, nghiệp vụ về tổ chức, cán bộ của Tỉnh ủy.

## Nhiệm vụ

1. **Nghiên cứu, đề xuất.** Theo dõi tình hình tổ chức bộ máy, đội ngũ cán bộ, đảng viên trong
   Đảng bộ tỉnh; đề xuất với Tỉnh ủy chủ trương, quy chế, quy định về công tác tổ chức xây dựng
   Đảng, sắp xếp bộ máy và công tác cán bộ phù hợp với điều kiện của tỉnh.
2. **Tham mưu về cán bộ.** Chuẩn bị quy hoạch, đào tạo, luân chuyển, bổ nhiệm, giới thiệu ứng cử
   cán bộ thuộc diện Ban Thường vụ Tỉnh ủy quản lý; thẩm định nhân sự theo đúng quy trình.
3. **Hướng dẫn, kiểm tra.** Hướng dẫn các cấp ủy trực thuộc thực hiện nghiệp vụ tổ chức, đảng
   viên, chính sách cán bộ; kiểm tra, giám sát việc thực hiện các nghị quyết, quy định về công tác
   tổ chức và cán bộ.
4. **Đảng viên và tổ chức cơ sở đảng.** Theo dõi việc kết nạp, quản lý đảng viên, đánh giá, xếp
   loại chất lượng tổ chức đảng và đảng viên hằng năm; tham mưu củng cố tổ chức cơ sở đảng.
5. **Bảo vệ chính trị nội bộ.** Thẩm định, kết luận tiêu chuẩn chính trị theo phân cấp; nắm
   tình hình và tham mưu giải quyết các vấn đề chính trị nội bộ.
6. **Phối hợp.** Phối hợp với các ban, ngành, cơ quan liên quan trong công tác cán bộ và tổ
   chức bộ máy; thực hiện các nhiệm vụ khác do Tỉnh ủy, Ban Thường vụ Tỉnh ủy giao.
"""

ORGANISATION = """\
Ban Tổ chức Tỉnh ủy gồm Lãnh đạo Ban (Trưởng ban và các Phó Trưởng ban) cùng các phòng chuyên
môn, nghiệp vụ. Mỗi phòng do một trưởng phòng (ở Văn phòng Ban là Chánh Văn phòng) phụ trách,
chịu trách nhiệm trước Lãnh đạo Ban về lĩnh vực được giao.

Danh sách dưới đây là danh sách phòng mà các bộ phận của Ban cùng dùng (hồ sơ đi cơ sở, phân
công theo dõi địa bàn), nên luôn thống nhất với cách tổ chức hiện hành.

""" + DEMO_NOTE

LEADERSHIP = """\
## Đồng chí Phạm Xuân Bình
Ủy viên Ban Thường vụ Tỉnh ủy, Trưởng Ban Tổ chức Tỉnh ủy. Phụ trách chung; trực tiếp phụ trách
công tác cán bộ.

## Đồng chí Nguyễn Thị Mai Hương
Phó Trưởng ban Thường trực. Phụ trách công tác tổ chức bộ máy, Văn phòng Ban và công tác thi đua,
khen thưởng của cơ quan.

## Đồng chí Lê Văn Cường
Phó Trưởng ban. Phụ trách công tác tổ chức cơ sở đảng, đảng viên và bảo vệ chính trị nội bộ.

## Đồng chí Trần Quốc Hưng
Phó Trưởng ban. Phụ trách công tác cán bộ khối Nhà nước và doanh nghiệp.

Lịch làm việc hằng tuần của Lãnh đạo Ban được đăng tại mục [Lịch công tác](/lich-cong-tac).

""" + DEMO_NOTE

CONTACT = """\
Cơ quan, tổ chức và cá nhân có thể liên hệ, gửi văn bản đến Ban Tổ chức Tỉnh ủy theo địa chỉ,
số điện thoại và thư điện tử dưới đây. Văn bản gửi đến Ban xin ghi rõ phòng hoặc đồng chí nhận và
số điện thoại liên hệ để Văn phòng Ban chuyển xử lý kịp thời.

Giờ tiếp nhận hồ sơ, văn bản: sáng từ 7 giờ 30 đến 11 giờ 30, chiều từ 13 giờ 30 đến 17 giờ, từ
thứ Hai đến thứ Sáu (trừ ngày nghỉ lễ, Tết).
"""

# slug, title, position, summary, body, shows
PAGES = [
    ("chuc-nang-nhiem-vu", "Chức năng, nhiệm vụ", 1,
     "Ban Tổ chức Tỉnh ủy tham mưu cho Tỉnh ủy về tổ chức xây dựng Đảng, công tác cán bộ, đảng "
     "viên và bảo vệ chính trị nội bộ.", FUNCTIONS, Page.SHOWS_NOTHING),
    ("co-cau-to-chuc", "Cơ cấu tổ chức", 2,
     "Lãnh đạo Ban và các phòng chuyên môn, nghiệp vụ cùng người phụ trách.", ORGANISATION,
     Page.SHOWS_DEPARTMENTS),
    ("lanh-dao-ban", "Lãnh đạo Ban", 3,
     "Trưởng ban, các Phó Trưởng ban và lĩnh vực mỗi đồng chí phụ trách.", LEADERSHIP,
     Page.SHOWS_NOTHING),
    ("lien-he", "Liên hệ", 4, "Địa chỉ, điện thoại và thư điện tử của Ban.", CONTACT,
     Page.SHOWS_CONTACT),
]


def load_demo():
    """Create what is missing (an edited page or department is left as the editors made it)."""
    with database.atomic():
        for code, name, position, head_title, head_name in DEPARTMENTS:
            department = Department.get_or_none(Department.code == code)
            if department is None:
                Department.create(code=code, name=name, position=position,
                                  head_title=head_title, head_name=head_name)
            elif not department.head_name:
                department.head_title, department.head_name = head_title, head_name
                department.save()
        created = 0
        for slug, title, position, summary, body, shows in PAGES:
            if not Page.select().where(Page.slug == slug).exists():
                Page.create(slug=slug, title=title, position=position, summary=summary, body=body,
                            shows=shows, status=Page.PUBLISHED)
                created += 1
    return f"Giới thiệu: đã thêm {created} trang."
