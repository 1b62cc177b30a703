"""Dashboards of field visits: visits per month, time at the grassroots per official against the 1/3
target, coverage of localities (stale ones highlighted, remote ones marked), overdue follow-ups and
plans of different departments that overlap. Charts are inline SVG drawn here; every table can be
exported (?format=csv or xlsx). Figures are aggregated in SQL (visits.stats) and scoped: staff see
their department's, leaders and admins everyone's."""

from datetime import date, timedelta

from flask import request
from flask_admin import expose
from flask_login import current_user

from visits import charts, joint, rules, vocab
from visits.calendar import load_calendar, month_starts, period_bounds, today_local
from visits.models import Department
from visits.stats import (
    coverage_table,
    field_days_table,
    overdue_follow_ups,
    state_counts,
    visits_per_month,
)

from .visit_base import FieldBaseView, export_response

MONTHS_SHOWN = 24


def _int(name, default, low=None, high=None):
    value = request.args.get(name, type=int)
    if value is None:
        return default
    if low is not None and value < low or high is not None and value > high:
        return default
    return value


def _pct(ratio):
    return f"{ratio * 100:.1f}%"


class VisitDashboardView(FieldBaseView):
    area = "visit_dashboard"

    # --- parameters --------------------------------------------------------------------------------
    def _department(self):
        departments = list(Department.select().order_by(Department.position, Department.name))
        if not self.scope.sees_all:
            departments = [d for d in departments if d.id in self.scope.department_ids]
        wanted = request.args.get("department", type=int)
        chosen = wanted if wanted in {d.id for d in departments} else None
        return chosen, departments

    def _page(self, template, **kwargs):
        department_id, departments = kwargs.pop("department_info")
        return self.render(template, department_id=department_id, departments=departments,
                           args={k: v for k, v in request.args.items() if k != "format"},
                           pct=_pct, vocab=vocab, **kwargs)

    # --- pieces -----------------------------------------------------------------------------------
    def _months(self, department_id, months=MONTHS_SHOWN):
        today = today_local()
        end = date(today.year + (today.month == 12), today.month % 12 + 1, 1) - timedelta(days=1)
        first = today.year * 12 + today.month - 1 - (months - 1)  # months counted from year 0
        start = date(first // 12, first % 12 + 1, 1)
        rows = visits_per_month(self.scope, start, end, department_id)
        chart = charts.stacked_columns(
            [r.label for r in rows],
            [("Đã thực hiện", [r.done for r in rows], charts.GREEN),
             ("Kế hoạch", [r.planned for r in rows], charts.BLUE),
             ("Đã hủy", [r.cancelled for r in rows], charts.GREY)],
            "Số đợt đi cơ sở theo tháng", f"Số đợt bắt đầu trong mỗi tháng từ {start:%m/%Y} đến {end:%m/%Y}.")
        return rows, chart

    def _field_days(self, department_id, monthly=True):
        today = today_local()
        year = _int("year", today.year, 2000, 2100)
        quarter = _int("quarter", None, 1, 4)
        month = None if quarter else _int("month", None, 1, 12)
        start, end = period_bounds(year, quarter, month)
        cut = min(end, today) if start <= today else end
        calendar = load_calendar()
        table = field_days_table(self.scope, calendar, start, cut, department_id,
                                 monthly=monthly and not (quarter or month))
        chart = charts.ratio_bars(
            [(row.official.full_name, row.result.ratio,
              f"{row.result.field_days}/{row.result.working_days} ngày ({_pct(row.result.ratio)})")
             for row in table],
            rules.TARGET_RATIO, "Tỷ lệ thời gian đi cơ sở của từng cán bộ",
            "Số ngày làm việc có đi cơ sở so với số ngày làm việc trong kỳ; vạch đứt là mục tiêu 1/3.")
        label = (f"tháng {month}/{year}" if month else f"quý {quarter}/{year}" if quarter else f"năm {year}")
        return {"table": table, "chart": chart, "year": year, "quarter": quarter, "month": month,
                "start": start, "end": cut, "label": label,
                "months": _month_labels(start, cut) if monthly and not (quarter or month) else []}

    def _coverage(self, department_id):
        today = today_local()
        period_days = _int("period", 365, 1, 3650)
        stale_days = _int("stale", rules.DEFAULT_STALE_DAYS, 1, 3650)
        units = request.args.get("units")
        units = units if units in dict(rules.UNITS_VIEWS) else rules.UNITS_NOW
        rows, followers = coverage_table(self.scope, today, today - timedelta(days=period_days - 1),
                                         stale_days, department_id, units=units)
        level = request.args.get("level", "units")
        shown = [r for r in rows if r.depth == 1] if level == "units" else [r for r in rows if r.depth >= 1]
        chart = charts.coverage_bars(
            [(("\u2003" * (r.depth - 1)) + r.locality.name
              + (f" ({r.locality.lifetime_label})" if r.locality.ended else ""),
              r.days_since, r.stale, r.remote) for r in shown],
            stale_days, "Số ngày kể từ lần đi cơ sở gần nhất",
            f"Địa bàn chưa được đến quá {stale_days} ngày tô đỏ; tam giác đánh dấu vùng sâu, vùng xa.")
        return {"rows": shown, "chart": chart, "followers": followers, "period": period_days,
                "stale": stale_days, "level": level, "stale_count": sum(1 for r in shown if r.stale),
                "units": units, "units_views": rules.UNITS_VIEWS, "today": today}

    def _follow_ups(self, department_id, limit=200):
        today = today_local()
        items, total, per_department = overdue_follow_ups(self.scope, today, department_id, limit=limit)
        chart = charts.count_bars(per_department, "Việc quá hạn theo phòng",
                                  "Số việc cần theo dõi đã quá hạn mà chưa xong, theo phòng.")
        return {"overdue": items, "total": total, "per_department": per_department, "chart": chart,
                "today": today}

    # --- pages --------------------------------------------------------------------------------------
    @expose("/")
    def index(self):
        info = self._department()
        department_id = info[0]
        _rows, month_chart = self._months(department_id, 12)
        today = today_local()
        return self._page("admin/visits/dashboard_index.html", department_info=info,
                          counts=state_counts(self.scope, department_id), month_chart=month_chart,
                          field=self._field_days(department_id, monthly=False),
                          coverage=self._coverage(department_id),
                          follow=self._follow_ups(department_id, limit=0),  # count and chart only
                          pairs=joint.dashboard_overlaps(self.scope, today, horizon_days=60),
                          proposals=joint.inbox(current_user, self.scope),
                          window=rules.DEFAULT_OVERLAP_WINDOW)

    @expose("/months")
    def months(self):
        info = self._department()
        rows, chart = self._months(info[0])
        if request.args.get("format"):
            return export_response([("Số đợt theo tháng", ["Tháng", "Đã thực hiện", "Kế hoạch", "Đã hủy",
                                                           "Tổng"],
                                     [[r.label, r.done, r.planned, r.cancelled, r.total] for r in rows])],
                                   request.args["format"], "so-dot-theo-thang")
        return self._page("admin/visits/dashboard_months.html", department_info=info, rows=rows, chart=chart)

    @expose("/field-days")
    def field_days(self):
        info = self._department()
        data = self._field_days(info[0])
        if request.args.get("format"):
            headers = ["Cán bộ", "Phòng", "Ngày đi cơ sở", "Ngày làm việc", "Tỷ lệ",
                       "Đạt 1/3"] + data["months"]
            rows = [[r.official.full_name, r.department_name, r.result.field_days, r.result.working_days,
                     round(r.result.ratio, 4), "Đạt" if r.result.meets_target else "Chưa đạt"]
                    + [m.field_days for m in r.by_month] for r in data["table"]]
            return export_response([(f"Ngày đi cơ sở {data['label']}", headers, rows)],
                                   request.args["format"],
                                   "thoi-gian-di-co-so")
        return self._page("admin/visits/dashboard_field_days.html", department_info=info, data=data)

    @expose("/coverage")
    def coverage(self):
        info = self._department()
        data = self._coverage(info[0])
        if request.args.get("format"):
            headers = ["Địa bàn", "Loại", "Thời gian tồn tại", "Vùng sâu, vùng xa", "Miền núi",
                       "Lần gần nhất", "Số ngày", f"Số đợt trong {data['period']} ngày", "Quá ngưỡng",
                       "Cán bộ đang theo dõi"]
            rows = [[r.locality.name, vocab.LOCALITY_KIND_LABELS.get(r.locality.kind, r.locality.kind),
                     r.locality.lifetime_label, "Có" if r.remote else "",
                     "Có" if r.locality.mountainous else "", r.last_visit, r.days_since,
                     r.visits_in_period, "Có" if r.stale else "",
                     ", ".join(data["followers"].get(r.locality.id, []))] for r in data["rows"]]
            sheet = "Địa bàn hiện nay" if data["units"] == rules.UNITS_NOW else "Địa bàn tại thời điểm đi"
            return export_response([(sheet, headers, rows)], request.args["format"],
                                   "dia-ban-di-co-so" if data["units"] == rules.UNITS_NOW
                                   else "dia-ban-di-co-so-theo-thoi-diem")
        return self._page("admin/visits/dashboard_coverage.html", department_info=info, data=data)

    @expose("/follow-ups")
    def follow_ups(self):
        info = self._department()
        data = self._follow_ups(info[0])
        if request.args.get("format"):
            headers = ["Hạn", "Quá hạn (ngày)", "Đơn vị, người thực hiện", "Nội dung", "Đợt đi cơ sở",
                       "Cán bộ theo dõi"]
            rows = [[f.due_date, (data["today"] - f.due_date).days, f.responsible, f.description,
                     f.visit.title,
                     f.official.full_name if f.official_id else ""] for f in data["overdue"]]
            return export_response([("Việc quá hạn", headers, rows)], request.args["format"], "viec-qua-han")
        return self._page("admin/visits/dashboard_follow_ups.html", department_info=info, data=data)


def _month_labels(start, end):
    return [f"T{m.month:02d}" for m in month_starts(start, end)]
