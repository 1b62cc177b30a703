"""The field-visit screens in the back-office menu (called by admin.init_app)."""

from visits.models import (
    Assignment,
    CalendarDay,
    Department,
    FollowUp,
    Locality,
    Official,
    ReviewMeeting,
    Visit,
)

from .visit_dashboards import VisitDashboardView
from .visit_reference import (
    AssignmentView,
    CalendarDayView,
    DepartmentView,
    FollowUpView,
    ImportView,
    LocalityView,
    OfficialView,
    ReviewMeetingView,
)
from .visits import VisitView

VISITS = "Đi cơ sở"
REFERENCE = "Danh mục đi cơ sở"


def register_visit_views(admin):
    admin.add_view(VisitView(Visit, name="Đợt đi cơ sở", endpoint="visit", category=VISITS))
    admin.add_view(VisitDashboardView(name="Bảng theo dõi", endpoint="visit_dashboard",
                                      url="/admin/visit-dashboard", category=VISITS))
    admin.add_view(FollowUpView(FollowUp, name="Việc cần theo dõi", endpoint="visit_follow_up",
                                category=VISITS))
    admin.add_view(ReviewMeetingView(ReviewMeeting, name="Họp rút kinh nghiệm", endpoint="visit_meeting",
                                     category=VISITS))
    admin.add_view(LocalityView(Locality, name="Địa bàn", endpoint="visit_locality", category=REFERENCE))
    admin.add_view(AssignmentView(Assignment, name="Phân công theo dõi", endpoint="visit_assignment",
                                  category=REFERENCE))
    admin.add_view(OfficialView(Official, name="Cán bộ", endpoint="visit_official", category=REFERENCE))
    admin.add_view(DepartmentView(Department, name="Phòng", endpoint="visit_department", category=REFERENCE))
    admin.add_view(CalendarDayView(CalendarDay, name="Ngày nghỉ lễ, làm bù", endpoint="visit_calendar",
                                   category=REFERENCE))
    admin.add_view(ImportView(name="Nhập từ tệp CSV", endpoint="visit_import", url="/admin/visit-import",
                              category=REFERENCE))
