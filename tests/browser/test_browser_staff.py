"""The field-visit path in Chromium: a staff member (linked to a demo official) plans a visit and
submits it; a leader, in another browser, approves it; the staff member writes the report with a
follow-up item and confirms the visit done; it shows on the dashboards; then it is found again by
the words of its report, typed without diacritics, in the staff search screen and the visit list.
And a joint visit: a staff member of another department plans a trip to the same commune at the
same dates, is told of the other plan, proposes going together, and the first planner agrees."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from browserkit import login, snapshot, words
from playwright.sync_api import expect

TITLE = "Nắm tình hình củng cố chi bộ bản ở xã vùng cao"
FINDING = "Chi bộ bản Xốp Mạt sinh hoạt đều, đã kết nạp 2 đảng viên trẻ."
FOLLOW_UP = "Báo cáo kết quả tạo nguồn đảng viên ở bản Huồi Phuông"


def _dates():
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    start = today - timedelta(days=today.weekday() + 14)  # a Monday two weeks ago or more
    return today, start, start + timedelta(days=1)


def plan_visit(page, title, start, end, commune=0, lead=None):
    """Fill and save the plan form (the `commune`-th commune of today's: a former one, shown with the
    day it ended, cannot take a plan of these dates); returns the commune's name."""
    page.goto("/admin/visit/")
    page.get_by_role("link", name="Tạo", exact=True).click()
    page.wait_for_url("**/admin/visit/new/**")
    page.get_by_label("Tên đợt đi cơ sở").fill(title)
    if lead:
        expect(page.locator("#lead option:checked")).to_contain_text(lead)
    option = page.locator("#localities option", has_text="Xã ").filter(has_not_text="(đến").nth(commune)
    name = words(option.inner_text()).strip(" ▲")
    page.locator("#localities").select_option(value=option.get_attribute("value"))
    page.get_by_label("Từ ngày").fill(start.strftime("%d/%m/%Y"))
    page.get_by_label("Đến ngày").fill(end.strftime("%d/%m/%Y"))
    page.locator("#main_topic").select_option(value="cung_co_co_so")
    page.get_by_label("Nắm tình hình", exact=True).check()
    page.get_by_label("Làm việc trực tiếp").check()
    page.get_by_label("Đối tượng làm việc").fill("Đảng ủy xã; bí thư các chi bộ bản")
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.wait_for_url("**/admin/visit/details/**")
    expect(page.locator("h1")).to_have_text(title)
    return name


def test_plan_approve_report_dashboard_search(desktop, live_site, new_page):
    today, start, end = _dates()
    staff = desktop
    login(staff, "chuyenvien", live_site.password)

    # 1. Plan the visit.
    commune_name = plan_visit(staff, TITLE, start, end, lead="Phan Đình Tuấn")
    expect(staff.locator(".badge.visit-state-draft")).to_be_visible()
    expect(staff.locator("table.visit-fields").first).to_contain_text(commune_name)
    details_url = staff.url

    # 2. Submit it for approval.
    staff.get_by_role("button", name="Trình duyệt kế hoạch").click()
    expect(staff.locator(".alert", has_text="Đã thực hiện: Trình duyệt kế hoạch")).to_be_visible()
    expect(staff.locator(".badge.visit-state-submitted")).to_be_visible()
    expect(staff.get_by_role("button", name="Duyệt kế hoạch")).to_have_count(0)

    # 3. The leader approves it, from another browser.
    leader = new_page()
    login(leader, "lanhdao", live_site.password)
    leader.goto(details_url)
    leader.get_by_label("Ý kiến (nếu có)").first.fill("Đồng ý, kết hợp kiểm tra sổ sách chi bộ.")
    leader.get_by_role("button", name="Duyệt kế hoạch").click()
    expect(leader.locator(".alert", has_text="Đã thực hiện: Duyệt kế hoạch")).to_be_visible()
    expect(leader.locator(".badge.visit-state-approved")).to_be_visible()

    # 4. The report, with a follow-up item already overdue.
    staff.reload()
    expect(staff.locator(".badge.visit-state-approved")).to_be_visible()
    staff.get_by_role("link", name="Báo cáo, tệp, việc cần theo dõi").click()
    staff.get_by_label("Kết quả, tình hình nắm được").fill(FINDING)
    staff.get_by_label("Kiến nghị, đề xuất").fill("Đề nghị Đảng ủy xã hỗ trợ kinh phí sinh hoạt chi bộ.")
    staff.get_by_label("Bài học kinh nghiệm").fill("Gửi đề cương trước cho xã một tuần.")
    staff.get_by_role("button", name="Lưu báo cáo").click()
    expect(staff.locator(".alert", has_text="Đã lưu báo cáo")).to_be_visible()
    due = today - timedelta(days=3)
    staff.get_by_label("Đơn vị, người thực hiện").fill("Đảng ủy xã")
    staff.get_by_label("Nội dung cần làm").fill(FOLLOW_UP)
    staff.get_by_label("Hạn (dd/mm/yyyy)").fill(due.strftime("%d/%m/%Y"))
    staff.get_by_role("button", name="Thêm việc cần theo dõi").click()
    expect(staff.locator(".alert", has_text="Đã thêm việc cần theo dõi")).to_be_visible()
    expect(staff.locator(".overdue", has_text=FOLLOW_UP)).to_be_visible()

    # 5. Done: the details page shows the report and the item.
    staff.goto(details_url)
    staff.get_by_role("button", name="Xác nhận đã thực hiện").click()
    expect(staff.locator(".badge.visit-state-done")).to_be_visible()
    report = staff.locator("section", has=staff.get_by_role("heading", name="Báo cáo kết quả"))
    expect(report).to_contain_text(FINDING)
    expect(staff.locator("tr.overdue", has_text=FOLLOW_UP)).to_be_visible()

    # 6. The dashboards: the overdue item, the field days of the lead, the locality's last visit.
    staff.goto("/admin/visit-dashboard/follow-ups")
    row = staff.locator("table.overdue-list tr", has_text=FOLLOW_UP)
    expect(row).to_contain_text("3 ngày")
    expect(row.get_by_role("link", name=TITLE)).to_be_visible()
    staff.goto(f"/admin/visit-dashboard/field-days?year={start.year}")
    lead_row = staff.locator("table.field-days tbody tr", has_text="Phan Đình Tuấn")
    assert int(lead_row.locator("td").nth(2).inner_text()) >= 2
    staff.goto("/admin/visit-dashboard/months")
    expect(staff.locator("body")).to_contain_text(start.strftime("%m/%Y"))
    # The leader sees it on the main dashboard's overdue count too.
    leader.goto("/admin/visit-dashboard/follow-ups")
    expect(leader.locator("table.overdue-list tr", has_text=FOLLOW_UP)).to_be_visible()

    # 7. Found again by the words of its report, typed without diacritics, in the staff search
    # screen; the result is marked and leads back to the visit.
    staff.goto("/admin/tim-kiem/")
    staff.get_by_label("Từ khóa").fill("xop mat")
    staff.get_by_role("button", name="Tìm kiếm").click()
    staff.wait_for_url(re.compile(r"q=xop"))
    results = staff.locator(".search-result")
    hit = results.filter(has_text="Xốp Mạt").first
    expect(hit).to_be_visible()
    assert {m.lower() for m in hit.locator(".snippet mark").all_inner_texts()} >= {"xốp", "mạt"}
    hit.get_by_role("link").first.click()
    expect(staff.locator("h1")).to_contain_text(TITLE)

    # And from the visit list's own search box.
    staff.goto("/admin/visit/")
    search = staff.locator("input[name=search]")
    search.fill("xop mat")
    search.press("Enter")
    staff.wait_for_url(re.compile(r"search=xop"))
    expect(staff.get_by_role("link", name=TITLE)).to_be_visible()
    assert staff.locator("table.model-list tbody tr").count() == 1
    assert staff.errors == [] and leader.errors == []


def test_joint_visit_proposed_by_one_department_and_accepted_by_the_other(desktop, live_site, new_page):
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    start = today + timedelta(days=300)  # past every demo plan
    end = start + timedelta(days=1)
    first = desktop
    login(first, "chuyenvien", live_site.password)
    plan_visit(first, "Hướng dẫn quy trình kết nạp đảng viên ở xã", start, end, commune=2)
    first.get_by_role("button", name="Trình duyệt kế hoạch").click()
    expect(first.locator(".badge.visit-state-submitted")).to_be_visible()
    first_url = first.url

    # Another department plans the same commune at the same dates and is told of it, no more.
    second = new_page()
    login(second, "chuyenvien2", live_site.password)
    commune = plan_visit(second, "Khảo sát đội ngũ cán bộ chủ chốt xã", start, end, commune=2)
    notice = second.locator("section.visit-overlaps")
    expect(notice).to_contain_text("Phòng Tổ chức đảng - đảng viên")
    expect(notice).to_contain_text(commune)
    expect(notice).not_to_contain_text("kết nạp đảng viên")  # the other plan's title stays hidden
    expect(notice).not_to_contain_text("Phan Đình Tuấn")
    snapshot(second, "joint-notice")
    second.set_viewport_size({"width": 390, "height": 844})
    snapshot(second, "joint-notice")
    second.set_viewport_size({"width": 1280, "height": 800})
    row = notice.locator("tr", has_text="Phòng Tổ chức đảng - đảng viên").first
    row.get_by_label("Kế hoạch của phòng kia").check()
    row.get_by_label("Lời nhắn cho phòng kia").fill("Đề nghị đi chung một đoàn, tôi sẽ gọi điện trao đổi.")
    row.get_by_role("button", name="Đề nghị đi chung").click()
    expect(second.locator(".alert", has_text="Đã gửi đề nghị đi cơ sở chung")).to_be_visible()
    expect(second.locator("section.visit-joint-proposals")).to_contain_text("Chờ phòng kia trả lời")
    second_url = second.url

    # The first planner finds it on the dashboard and agrees.
    first.goto("/admin/visit-dashboard/")
    inbox = first.locator("section.joint-inbox")
    expect(inbox).to_contain_text("Cần trả lời")
    inbox.get_by_role("link", name=re.compile("kết nạp đảng viên")).click()
    proposal = first.locator("section.visit-joint-proposals")
    expect(proposal).to_contain_text("Đề nghị đi chung một đoàn")
    snapshot(first, "joint-proposal")
    first.set_viewport_size({"width": 390, "height": 844})
    snapshot(first, "joint-proposal")
    first.set_viewport_size({"width": 1280, "height": 800})
    proposal.get_by_role("button", name="Đồng ý đi chung").click()
    expect(first.locator(".alert", has_text="Đã đồng ý đi chung")).to_be_visible()
    assert first.url.split("#")[0] == first_url
    expect(first.locator(".badge.visit-state-submitted")).to_be_visible()  # the joint plan awaits approval
    expect(first.locator("table.visit-fields").first).to_contain_text("Hoàng Minh Đức")

    # The second department's plan now points at the joint visit, which it may open.
    second.goto(second_url)
    expect(second.locator(".badge.visit-state-cancelled")).to_be_visible()
    second.get_by_role("link", name=re.compile("kết nạp đảng viên")).first.click()
    expect(second.locator("h1")).to_have_text("Hướng dẫn quy trình kết nạp đảng viên ở xã")
    assert first.errors == [] and second.errors == []
