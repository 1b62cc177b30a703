"""Demo weeks of Lịch công tác: the week before this one, this week and the two after, written for
this site. The people are the demo leadership of Giới thiệu (invented names); the communes and wards
are those of the demo field-visit data (content/visits/localities_2025.csv). The last week is
left as a draft, as an editor would before publishing it; a few items are internal.
Idempotent: a week that already exists is left as it is.
"""

from datetime import timedelta

from .dateline import local_today
from .db import database
from .schedule import IsoWeek, ScheduleItem, ScheduleWeek

HEAD = "Đồng chí Phạm Xuân Bình, Trưởng ban"
STANDING_DEPUTY = "Đồng chí Nguyễn Thị Mai Hương, Phó Trưởng ban Thường trực"
DEPUTY_PARTY = "Đồng chí Lê Văn Cường, Phó Trưởng ban"
DEPUTY_STATE = "Đồng chí Trần Quốc Hưng, Phó Trưởng ban"
OFFICE = "Hội trường tầng 3, trụ sở Ban"
MEETING_ROOM = "Phòng họp số 1, trụ sở Ban"

# Each week: (weekday 0-6, time, content, chair, attendees, place, internal)
WEEKS = [
    [
        (0, "08:00", "Giao ban Lãnh đạo Ban đầu tuần, thống nhất nội dung trọng tâm của tháng 12.",
         HEAD, "Các đồng chí Phó Trưởng ban; Chánh Văn phòng", MEETING_ROOM, False),
        (1, "Sáng", "Làm việc với Ban Thường vụ Đảng ủy xã Quế Phong về kiện toàn chi bộ thôn, bản.",
         DEPUTY_PARTY, "Lãnh đạo Phòng Tổ chức đảng - đảng viên; chuyên viên theo dõi địa bàn",
         "Xã Quế Phong", False),
        (2, "14:00", "Thẩm định hồ sơ nhân sự theo đề nghị của các cấp ủy trực thuộc.",
         HEAD, "Các đồng chí Phó Trưởng ban; Trưởng phòng Cán bộ khối Nhà nước và doanh nghiệp",
         MEETING_ROOM, True),
        (3, "Cả ngày", "Kiểm tra công tác đánh giá, xếp loại chất lượng tổ chức đảng năm 2026.",
         DEPUTY_STATE, "Đoàn kiểm tra theo quyết định của Ban", "Phường Cửa Lò", False),
        (4, "Chiều", "Họp chi bộ cơ quan định kỳ tháng 12.", STANDING_DEPUTY,
         "Toàn thể đảng viên chi bộ", OFFICE, False),
    ],
    [
        (0, "07:30", "Dự chào cờ và giao ban cơ quan Tỉnh ủy.", HEAD,
         "Lãnh đạo Ban; Chánh Văn phòng", "Hội trường Tỉnh ủy", False),
        (0, "14:00", "Giao ban Lãnh đạo Ban, nghe các phòng báo cáo tiến độ nhiệm vụ cuối năm.",
         HEAD, "Các đồng chí Phó Trưởng ban; trưởng các phòng", MEETING_ROOM, False),
        (1, "Sáng", "Làm việc với Đảng ủy xã Tương Dương về công tác phát triển đảng viên ở bản "
         "vùng cao.", DEPUTY_PARTY, "Phòng Tổ chức đảng - đảng viên", "Xã Tương Dương", False),
        (1, "Chiều", "Tiếp và làm việc với đoàn công tác của Ban Tổ chức Trung ương (nếu có "
         "thay đổi, Văn phòng Ban sẽ thông báo).", HEAD, "Lãnh đạo Ban; các phòng liên quan",
         MEETING_ROOM, False),
        (2, "08:00", "Hội nghị tập huấn nghiệp vụ công tác tổ chức, đảng viên cho cán bộ làm công "
         "tác tổ chức của các đảng bộ trực thuộc.", STANDING_DEPUTY,
         "Cán bộ làm công tác tổ chức các đảng bộ trực thuộc", OFFICE, False),
        (3, "Sáng", "Trao đổi về phương án nhân sự (tài liệu mật, không phổ biến).", HEAD,
         "Các đồng chí Phó Trưởng ban", MEETING_ROOM, True),
        (3, "14:00", "Đi cơ sở: nắm tình hình tổ chức đảng ở doanh nghiệp ngoài nhà nước.",
         DEPUTY_STATE, "Phòng Cán bộ khối Nhà nước và doanh nghiệp", "Phường Vinh Phú", False),
        (4, "Sáng", "Làm việc với Đảng ủy xã Mường Xén về công tác bảo vệ chính trị nội bộ.",
         DEPUTY_PARTY, "Phòng Bảo vệ chính trị nội bộ", "Xã Mường Xén", False),
        (4, "Chiều", "Lãnh đạo Ban làm việc tại cơ quan.", HEAD, "", "Trụ sở Ban", False),
    ],
    [
        (0, "08:00", "Giao ban Lãnh đạo Ban đầu tuần.", HEAD, "Các đồng chí Phó Trưởng ban",
         MEETING_ROOM, False),
        (1, "Cả ngày", "Khảo sát việc sắp xếp chi bộ sau hợp nhất thôn, xóm.", DEPUTY_PARTY,
         "Phòng Tổ chức đảng - đảng viên; Văn phòng Ban", "Xã Quỳ Châu và xã Châu Tiến", False),
        (2, "14:00", "Họp Hội đồng thi đua, khen thưởng cơ quan, xét thành tích năm 2026.",
         STANDING_DEPUTY, "Thành viên Hội đồng thi đua, khen thưởng", MEETING_ROOM, False),
        (3, "Sáng", "Dự hội nghị Ban Thường vụ Tỉnh ủy.", HEAD, "", "Hội trường Tỉnh ủy", False),
        (4, "08:30", "Làm việc với Phường Thành Vinh về công tác cán bộ cơ sở.", DEPUTY_STATE,
         "Phòng Cán bộ khối Đảng, Mặt trận và đoàn thể", "Phường Thành Vinh", False),
    ],
    [
        (0, "08:00", "Giao ban Lãnh đạo Ban, sơ kết công tác tổ chức xây dựng Đảng năm 2026.",
         HEAD, "Các đồng chí Phó Trưởng ban; trưởng các phòng", MEETING_ROOM, False),
        (2, "Sáng", "Hội nghị tổng kết công tác tổ chức xây dựng Đảng năm 2026 (dự kiến).", HEAD,
         "Theo giấy mời", OFFICE, False),
    ],
]


def load_demo():
    """The week before this one, this week and the next two (the last as a draft)."""
    first = IsoWeek.of(local_today() - timedelta(weeks=1))
    created = 0
    with database.atomic():
        for offset, items in enumerate(WEEKS):
            week = first.shifted(offset)
            if ScheduleWeek.select().where((ScheduleWeek.year == week.year)
                                           & (ScheduleWeek.number == week.number)).exists():
                continue
            status = ScheduleWeek.DRAFT if offset == len(WEEKS) - 1 else ScheduleWeek.PUBLISHED
            schedule = ScheduleWeek.create(year=week.year, number=week.number, status=status)
            for weekday, time, content, chair, attendees, place, internal in items:
                ScheduleItem.create(week=schedule, day=week.days[weekday], time_text=time,
                                    content=content, chair=chair, attendees=attendees,
                                    place=place, internal=internal)
            created += 1
    return f"Lịch công tác: đã thêm {created} tuần."
