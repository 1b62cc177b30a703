"""Field-visit dashboards benchmark: 50,000 generated visits, each dashboard's in-process render
time (median and p95) and SQL query count, next to the article list /admin/article/.

    .venv/bin/python bench/visits.py                       # 50,000 visits on the 10,000-article site
    .venv/bin/python bench/visits.py --visits 5000 --requests 10
    .venv/bin/python bench/visits.py --database-url postgresql://bench:bench@127.0.0.1/bench_scratch

The site (articles) comes from bench/generate.py (a cached SQLite file, or generated into the given
PostgreSQL scratch database); the visits are added in bulk (insert_many with explicit ids) by
visits.demo.generate_plans/write_plans over five years, with 200 officials and ~360 localities.
Requests go through Flask's test client as a logged-in admin (and once as a staff member, whose
dashboards are scoped to a department). The query count of a page must not depend on the number of
visits: it is printed so that an N+1 shows.
"""

import argparse
import math
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generate import DEFAULT_SEED, prepare_site  # noqa: E402
from bench.pages import QueryCounter  # noqa: E402
from cms.db import database  # noqa: E402

PASSWORD = "bench-mat-khau-1"
PAGES = [
    ("article list", "/admin/article/", "<table"),
    ("visit list", "/admin/visit/", "<table"),
    ("dashboard overview", "/admin/visit-dashboard/", "<svg"),
    ("visits per month", "/admin/visit-dashboard/months", "<svg"),
    ("field days (year)", "/admin/visit-dashboard/field-days", "<svg"),
    ("coverage (units)", "/admin/visit-dashboard/coverage", "<svg"),
    ("coverage (all)", "/admin/visit-dashboard/coverage?level=all", "<svg"),
    ("overdue follow-ups", "/admin/visit-dashboard/follow-ups", "<svg"),
]
STAFF_PAGES = [
    ("staff: visit list", "/admin/visit/", "<table"),
    ("staff: overview", "/admin/visit-dashboard/", "<svg"),
    ("staff: field days", "/admin/visit-dashboard/field-days", "<svg"),
]


def populate(n_visits, seed, log):
    """Reference data, 200 officials, extra communes and n_visits visits (bulk)."""
    from cms.accounts import User, create_user
    from visits.calendar import today_local
    from visits.demo import generate_plans, load_reference, write_plans
    from visits.models import Department, Locality, Official, Visit

    rng = random.Random(seed)
    load_reference()
    if Visit.select().where(Visit.import_key.startswith("bench-")).exists():
        log("  visits already there")
        return
    departments = [d.id for d in Department.select()]
    have = Official.select().count()
    rows = [(f"BN{i:04d}", f"Cán bộ thử nghiệm {i}", "Chuyên viên", departments[i % len(departments)])
            for i in range(have, 200)]
    Official.insert_many(rows, fields=[Official.code, Official.full_name, Official.title,
                                       Official.department]).execute()
    units = list(Locality.select().where(Locality.kind.in_(["huyen", "thi_xa", "thanh_pho"])))
    communes = [(f"BX{i:04d}", f"Xã thử nghiệm {i}", "xa", units[i % len(units)].id,
                 units[i % len(units)].remote, units[i % len(units)].valid_to)  # ends with its district
                for i in range(300)]
    Locality.insert_many(communes, fields=[Locality.code, Locality.name, Locality.kind, Locality.parent,
                                           Locality.remote, Locality.valid_to]).execute()
    officials = list(Official.select().order_by(Official.id))
    localities = list(Locality.select().order_by(Locality.id))
    t0 = time.perf_counter()
    plans = generate_plans(rng, n_visits, today_local(), officials, localities, key_prefix="bench",
                           span_days=5 * 365, future_days=90)
    log(f"  {n_visits:,} visits generated in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    for start in range(0, len(plans), 5000):
        write_plans(plans[start:start + 5000], with_events=False, batch=1000)
    log(f"  inserted in {time.perf_counter() - t0:.1f} s")
    for username, role in (("bench_admin", "admin"), ("bench_staff", "staff")):
        if not User.select().where(User.username == username).exists():
            create_user(username, PASSWORD, role)
    staff = User.get(User.username == "bench_staff")
    Official.update(user=staff.id).where(Official.id == officials[5].id).execute()
    # Statistics for the planner, and on PostgreSQL the visibility map autovacuum would set after
    # such a bulk insert (index-only scans need it).
    postgres = database.obj.__class__.__name__ == "PostgresqlDatabase"
    database.execute_sql("VACUUM ANALYZE" if postgres else "ANALYZE")


def reset_visit_schema():
    """The visit tables as the current code defines them: the cached site file (or a scratch
    database) may hold them from an older run, with older indexes."""
    from cms.migrations import SchemaMigration, migrate
    from visits.models import VISIT_MODELS

    migrate()
    postgres = database.obj.__class__.__name__ == "PostgresqlDatabase"
    database.drop_tables(VISIT_MODELS, safe=True, cascade=postgres)
    SchemaMigration.delete().where(SchemaMigration.name.startswith("0200_")).execute()
    migrate()


def login(client, username):
    import html
    import re
    page = client.get("/dang-nhap").get_data(as_text=True)
    token = html.unescape(re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1))
    response = client.post("/dang-nhap", data={"csrf_token": token, "username": username,
                                               "password": PASSWORD})
    assert response.status_code == 302, response.status_code


def measure(client, counter, path, marker, requests):
    for _ in range(2):
        client.get(path)
    times, queries, errors, size = [], set(), [], 0
    for _ in range(requests):
        counter.reset()
        t0 = time.perf_counter()
        response = client.get(path)
        body = response.get_data()
        times.append((time.perf_counter() - t0) * 1000)
        queries.add(len(counter.queries))
        size = max(size, len(body))
        if response.status_code != 200 or marker.encode() not in body:
            errors.append(f"{path}: HTTP {response.status_code}")
    ordered = sorted(times)
    return {"median": statistics.median(times), "p95": ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)],
            "queries": sorted(queries), "kb": size / 1024, "errors": errors}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--visits", type=int, default=50_000)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--data-dir", type=Path, help="keep the data dir here (default: temporary)")
    parser.add_argument("--database-url", help="postgresql://... scratch database (its content is replaced)")
    args = parser.parse_args(argv)

    def log(message):
        print(message, flush=True)

    with tempfile.TemporaryDirectory(prefix="cms-bench-visits-") as tmp:
        data_dir = (args.data_dir or Path(tmp)).resolve()
        t0 = time.perf_counter()
        app = prepare_site(data_dir / "site", args.articles, args.seed, database_url=args.database_url,
                           progress=lambda m: log(f"    {m}"))
        log(f"site of {args.articles:,} articles ready in {time.perf_counter() - t0:.1f} s")
        with app.app_context():
            database.connect(reuse_if_open=True)
            reset_visit_schema()
            populate(args.visits, args.seed, log)
            database.close()
        counter = QueryCounter(database.obj)
        results = []
        for username, pages in (("bench_admin", PAGES), ("bench_staff", STAFF_PAGES)):
            client = app.test_client()
            login(client, username)
            for name, path, marker in pages:
                result = measure(client, counter, path, marker, args.requests)
                results.append((name, path, result))
                log(f"  {name:<22} median {result['median']:8.1f} ms  p95 {result['p95']:8.1f} ms  "
                    f"queries {result['queries']}")
        if not database.is_closed():
            database.close()

    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(f"\nBack-office pages with {args.visits:,} visits and {args.articles:,} articles — {backend}, "
          f"{args.requests} requests a page, in-process (Flask test client)")
    print(f"{'page':<22}{'path':<44}{'median ms':>10}{'p95 ms':>9}{'queries':>9}{'KB':>8}")
    print("-" * 102)
    base = next(r for n, _, r in results if n == "article list")["median"]
    for name, path, r in results:
        print(f"{name:<22}{path:<44}{r['median']:>10.1f}{r['p95']:>9.1f}{'/'.join(map(str, r['queries'])):>9}"
              f"{r['kb']:>8.1f}  x{r['median'] / base:.1f}")
    errors = [e for _, _, r in results for e in r["errors"]]
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    for error in errors[:20]:
        print(f"ERROR: {error}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
