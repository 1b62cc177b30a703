"""Public page benchmark: render time and SQL queries per request, at two site sizes.

    .venv/bin/python bench/pages.py                  # 1,000 and 10,000 articles, 200 requests a page
    .venv/bin/python bench/pages.py --requests 50 --json
    .venv/bin/python bench/pages.py --database-url postgresql://bench:bench@127.0.0.1/bench_scratch

Requests go through Flask's test client, in-process (no HTTP server): the time is what the app
needs to answer, from routing to the finished body, including opening the per-request database
connection. Every page is measured on a small and a large generated site (bench/generate.py), in
two ways when the app has a page cache (app.extensions["page_cache"]): rendered (the cache emptied
before every request, as after any change to the site or on a worker's first visit of a URL) and
served from the cache. A page's query count must be the same on both sites, or the run fails (exit
status 1): a page whose query count grows with the number of articles is an N+1 waiting to happen.

Queries are counted by wrapping the peewee database's execute_sql (every query peewee runs goes
through it). On SQLite the count is checked against a sqlite3 trace callback, which sees every
statement SQLite itself executes: both must agree on every request (the PRAGMAs that peewee runs
when it opens a connection do not go through execute_sql; they are reported on their own). Writes
the app batches across requests (view counts flushed every few seconds) are counted apart.
"""

import argparse
import json
import math
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import got_request_exception  # noqa: E402
from peewee import SqliteDatabase, fn  # noqa: E402

from bench.generate import DEFAULT_SEED, prepare_site  # noqa: E402
from cms.db import database  # noqa: E402
from cms.models import Article, ArticleTag, Category, Tag  # noqa: E402
from cms.site import CategoryTree  # noqa: E402

# (name, what must be in the body, so that an empty or wrong page is not measured)
PAGES = [
    ("home", 'class="section"'),
    ("category", 'class="item'),
    ("category-deep", 'class="item'),
    ("article", 'class="article-body"'),
    ("tag", 'class="item'),
    ("rss", "<item>"),
    ("sitemap", "<url>"),
]
MODES = {
    "render": "rendered (page cache emptied before every request)",
    "cached": "served from the page cache",
}
WARMUP = 3


class QueryCounter:
    """Counts the SQL a peewee database runs, two independent ways.

    queries: calls of database.execute_sql (peewee's single path to the driver).
    traced:  statements SQLite reports through sqlite3's trace callback (SQLite only), installed on
             every new connection before peewee sets its PRAGMAs.
    Inside `background()`, statements go to `background_queries` instead (batched writes that
    belong to no one request).
    """

    def __init__(self, db):
        self.db = db
        self.queries, self.traced, self.background_queries = [], [], []
        self.paused = False
        self.can_trace = isinstance(db, SqliteDatabase)
        original_execute_sql = db.execute_sql

        def execute_sql(sql, params=None):
            (self.background_queries if self.paused else self.queries).append(sql)
            return original_execute_sql(sql, params)

        db.execute_sql = execute_sql  # instance attribute: peewee calls self.execute_sql
        if self.can_trace:
            original_hooks = db._add_conn_hooks

            def add_conn_hooks(conn):
                conn.set_trace_callback(self._trace)
                original_hooks(conn)

            db._add_conn_hooks = add_conn_hooks

    def _trace(self, statement):
        if not self.paused:
            self.traced.append(statement)

    @contextmanager
    def background(self):
        self.paused = True
        try:
            yield
        finally:
            self.paused = False

    def reset(self):
        self.queries, self.traced = [], []
        if self.can_trace and not self.db.is_closed():
            # A connection opened before the hook (e.g. while the app was created) gets it now.
            self.db.connection().set_trace_callback(self._trace)

    @property
    def traced_queries(self):
        """Traced statements other than PRAGMAs (those come from opening the connection)."""
        return [s for s in self.traced if not s.lstrip().upper().startswith("PRAGMA")]

    @property
    def traced_pragmas(self):
        return len(self.traced) - len(self.traced_queries)

    def consistent(self):
        return not self.can_trace or len(self.traced_queries) == len(self.queries)


def watch_background_writes(app, counter):
    """Count the view-count flushes (if the app batches them) apart from the pages' queries."""
    view_counter = app.extensions.get("view_counter")
    stats = {"flushes": 0, "queries": 0}
    if view_counter is None or not hasattr(view_counter, "flush"):
        return stats
    original_flush = view_counter.flush

    def flush(*args, **kwargs):
        before = len(counter.background_queries)
        with counter.background():
            result = original_flush(*args, **kwargs)
        stats["flushes"] += 1
        stats["queries"] += len(counter.background_queries) - before
        return result

    view_counter.flush = flush
    return stats


def self_test(app, counter):
    """Three known queries must count as three, both ways; raises AssertionError otherwise."""
    with app.app_context():
        database.connect(reuse_if_open=True)
        try:
            counter.reset()
            Category.select().count()
            list(Tag.select().limit(3))
            Article.get_or_none(Article.id == 1)
            assert len(counter.queries) == 3, f"execute_sql counted {counter.queries}"
            assert counter.consistent(), f"trace saw {counter.traced_queries}"
        finally:
            database.close()


@dataclass
class PageResult:
    name: str
    path: str
    requests: int = 0
    times_ms: list = field(default_factory=list)
    cpu_ms: list = field(default_factory=list)  # CPU time of the request's thread
    queries: list = field(default_factory=list)  # per request
    pragmas: int = 0
    bytes: int = 0
    errors: list = field(default_factory=list)
    sql: list = field(default_factory=list)  # statements of the first measured request

    @property
    def median_ms(self):
        return statistics.median(self.times_ms) if self.times_ms else math.nan

    @property
    def p95_ms(self):
        if not self.times_ms:
            return math.nan
        ordered = sorted(self.times_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]  # nearest rank

    @property
    def cpu_median_ms(self):
        return statistics.median(self.cpu_ms) if self.cpu_ms else math.nan

    @property
    def query_counts(self):
        return sorted(set(self.queries))

    def as_dict(self):
        return {"path": self.path, "requests": self.requests,
                "median_ms": round(self.median_ms, 3), "p95_ms": round(self.p95_ms, 3),
                "cpu_median_ms": round(self.cpu_median_ms, 3),
                "queries": self.query_counts, "connect_pragmas": self.pragmas, "bytes": self.bytes,
                "errors": self.errors[:5], "sql": self.sql}


def pick_targets(app, n_articles_sampled, seed):
    """URLs for every page: the biggest top-level category, its last full page, the most used tag,
    and a random sample of public articles."""
    with app.app_context():
        database.connect(reuse_if_open=True)
        try:
            tree = CategoryTree(Category.ordered())
            public = Article.select().where(Article.is_public_expr())
            sizes = {top.slug: public.where(Article.category.in_(tree.descendant_ids(top))).count()
                     for top in tree.top_level}
            category = max(sizes, key=lambda slug: (sizes[slug], slug))
            deep_page = max(1, sizes[category] // app.config["CMS_PAGE_SIZE"])  # last full page
            tag = (Tag.select(Tag.slug, fn.COUNT(ArticleTag.id).alias("n"))
                   .join(ArticleTag).join(Article)
                   .where(Article.is_public_expr())
                   .group_by(Tag.slug).order_by(fn.COUNT(ArticleTag.id).desc(), Tag.slug)
                   .first())
            slugs = [row.slug for row in public.select(Article.slug).order_by(Article.id)]
        finally:
            database.close()
    sample = random.Random(seed).sample(slugs, min(len(slugs), n_articles_sampled))
    return {
        "home": ["/"],
        "category": [f"/chuyen-muc/{category}"],
        "category-deep": [f"/chuyen-muc/{category}?page={deep_page}"],
        "article": [f"/bai-viet/{slug}" for slug in sample],
        "tag": [f"/the/{tag.slug}"],
        "rss": ["/rss.xml"],
        "sitemap": ["/sitemap.xml"],
    }


class ExceptionLog:
    """The last exception a request raised (the 500 page hides it from the test client)."""

    def __init__(self, app):
        self.last = None
        got_request_exception.connect(self._record, app, weak=False)

    def _record(self, sender, exception, **extra):
        self.last = exception

    def take(self):
        exception, self.last = self.last, None
        return f" ({type(exception).__name__}: {exception})" if exception else ""


def measure(client, counter, name, marker, paths, args, page_cache, mode, exceptions):
    shown = paths[0] if len(paths) == 1 else paths[0].rsplit("/", 1)[0] + f"/<{len(paths)} bài>"
    result = PageResult(name=name, path=shown)
    if mode == "cached":
        for path in paths:  # every URL in the cache first
            client.get(path)
    else:
        for i in range(WARMUP):  # templates compiled, the process warmed up
            client.get(paths[-1 - i % len(paths)])
    min_requests = min(args.requests, 20)
    started = time.perf_counter()
    for i in range(args.requests):
        path = paths[i % len(paths)]
        if mode == "render" and page_cache is not None:
            page_cache.clear()
        counter.reset()
        t0, c0 = time.perf_counter(), time.thread_time()
        response = client.get(path)
        elapsed, cpu = time.perf_counter() - t0, time.thread_time() - c0
        body = response.get_data()
        raised = exceptions.take()
        if response.status_code != 200 or marker.encode() not in body:
            result.errors.append(f"{mode} {path}: HTTP {response.status_code}{raised}")
        if not counter.consistent():
            result.errors.append(f"{mode} {path}: execute_sql counted {len(counter.queries)}, "
                                 f"sqlite trace saw {len(counter.traced_queries)}")
        if i == 0:
            result.sql = list(counter.queries)
            result.pragmas = counter.traced_pragmas
        result.times_ms.append(elapsed * 1000)
        result.cpu_ms.append(cpu * 1000)
        result.queries.append(len(counter.queries))
        result.bytes = max(result.bytes, len(body))
        result.requests += 1
        if result.requests >= min_requests and time.perf_counter() - started > args.max_seconds:
            break
    return result


def run_size(n_articles, args, data_root, log):
    """{mode: {page: PageResult}} for one site size, and the background write stats."""
    data_dir = data_root / f"site-{n_articles}"
    t0 = time.perf_counter()
    app = prepare_site(data_dir, n_articles, args.seed, database_url=args.database_url,
                       progress=lambda message: log(f"    {message}"))
    log(f"  site of {n_articles} articles ready in {time.perf_counter() - t0:.1f} s ({data_dir})")
    counter = QueryCounter(database.obj)
    background = watch_background_writes(app, counter)
    self_test(app, counter)
    targets = pick_targets(app, args.requests, args.seed)
    page_cache = app.extensions.get("page_cache")
    exceptions = ExceptionLog(app)
    client = app.test_client()
    results = {}
    for mode in MODES:
        if mode == "cached" and page_cache is None:
            continue
        results[mode] = {}
        for name, marker in PAGES:
            if args.pages and name not in args.pages:
                continue
            result = measure(client, counter, name, marker, targets[name], args, page_cache, mode,
                             exceptions)
            results[mode][name] = result
            log(f"  {mode:<6} {name:<14} {result.requests:>4} req  median {result.median_ms:8.2f} ms"
                f"  p95 {result.p95_ms:8.2f} ms  queries {result.query_counts}")
    if "view_counter" in app.extensions and hasattr(app.extensions["view_counter"], "flush"):
        with app.app_context():
            app.extensions["view_counter"].flush()  # what is left, counted with the others
    if not database.is_closed():
        database.close()
    return results, background


def compare(sizes, runs):
    """Pages whose query count is not the same (and constant) at every size."""
    problems = []
    for mode in MODES:
        for name, _ in PAGES:
            counts = {size: runs[size][mode][name].query_counts for size in sizes
                      if name in runs[size].get(mode, {})}
            if (len({tuple(c) for c in counts.values()}) > 1
                    or any(len(c) > 1 for c in counts.values())):
                problems.append(f"{name} ({mode}): queries per request " + ", ".join(
                    f"{c} at {size} articles" for size, c in counts.items()))
    return problems


def _fmt(value):
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def print_table(sizes, runs, mode):
    small, large = sizes
    if mode not in runs[large]:
        return
    print(f"\n{MODES[mode].capitalize()}")
    groups = [("queries/req", 7), ("median ms", 7), ("p95 ms", 7), ("CPU ms", 7)]
    head = f"{'page':<14}{'path (large site)':<38}"
    head += "".join(f"{title:>{2 * width + 2}}" for title, width in groups)
    head += f"{'KB':>8}{'requests':>13}"
    sub = f"{'':<52}" + "".join(f"{f'{small:,}':>{width + 2}}{f'{large:,}':>{width}}"
                                for _, width in groups)
    sub += f"{f'{large:,}':>8}{f'{small:,}/{large:,}':>13}"
    print(head)
    print(sub)
    print("-" * len(sub))
    for name, _ in PAGES:
        if name not in runs[large][mode]:
            continue
        a, b = runs[small][mode][name], runs[large][mode][name]
        path = b.path if len(b.path) <= 37 else b.path[:34] + "..."
        qa, qb = ("/".join(map(str, r.query_counts)) for r in (a, b))
        print(f"{name:<14}{path:<38}{qa:>9}{qb:>7}{_fmt(a.median_ms):>9}{_fmt(b.median_ms):>7}"
              f"{_fmt(a.p95_ms):>9}{_fmt(b.p95_ms):>7}"
              f"{_fmt(a.cpu_median_ms):>9}{_fmt(b.cpu_median_ms):>7}{b.bytes / 1024:>8.1f}"
              f"{f'{a.requests}/{b.requests}':>13}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000, help="large site (default 10000)")
    parser.add_argument("--small", type=int, default=1_000, help="small site (default 1000)")
    parser.add_argument("--requests", type=int, default=200,
                        help="requests per page, size and mode (default 200)")
    parser.add_argument("--max-seconds", type=float, default=15.0,
                        help="stop a page after this long once 20 requests are done (default 15)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--data-dir", type=Path,
                        help="keep the sites' data dirs here (default: a temporary directory)")
    parser.add_argument("--database-url",
                        help="postgresql://... scratch database (its articles, categories and tags "
                             "are replaced by each size in turn); default: SQLite in the data dir")
    parser.add_argument("--page", dest="pages", action="append", choices=[n for n, _ in PAGES],
                        help="only this page (repeatable)")
    parser.add_argument("--show-sql", action="store_true",
                        help="print the SQL of one request of every page (large site)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    if args.small >= args.articles:
        parser.error("--small must be smaller than --articles")

    def log(message):
        print(message, file=sys.stderr if args.json else sys.stdout, flush=True)

    backend = ("PostgreSQL" if args.database_url else f"SQLite {sqlite3.sqlite_version}")
    load_before = os.getloadavg()[0]
    sizes = (args.small, args.articles)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cms-bench-") as tmp:
        data_root = Path(args.data_dir).resolve() if args.data_dir else Path(tmp)
        if data_root == (ROOT / "instance").resolve():
            parser.error("refusing to use ./instance as the benchmark's data dir")
        runs, background = {}, {}
        for size in sizes:
            log(f"{size:,} articles:")
            runs[size], background[size] = run_size(size, args, data_root, log)
    problems = compare(sizes, runs)
    errors = [e for run in runs.values() for pages in run.values() for r in pages.values()
              for e in r.errors]
    seconds = time.perf_counter() - started
    load_after = os.getloadavg()[0]

    if args.json:
        print(json.dumps({
            "backend": backend, "python": platform.python_version(), "cpus": os.cpu_count(),
            "seed": args.seed, "requests": args.requests, "max_seconds": args.max_seconds,
            "modes": MODES,
            "sizes": {str(size): {mode: {name: r.as_dict() for name, r in pages.items()}
                                  for mode, pages in runs[size].items()} for size in sizes},
            "background_writes": {str(size): background[size] for size in sizes},
            "query_count_mismatches": problems, "errors": errors[:20],
            "ok": not problems and not errors, "seconds": round(seconds, 1),
            "load_average_1min": {"start": load_before, "end": load_after},
        }, ensure_ascii=False, indent=2))
        return 1 if problems or errors else 0

    print(f"\nPublic pages — {backend}, seed {args.seed}, {args.requests} requests a page (fewer "
          f"if a page takes over {args.max_seconds:g} s); in-process, Flask test client")
    for mode in MODES:
        print_table(sizes, runs, mode)
    print("\nCPU ms: median CPU time of the requesting thread (the app and SQLite, not a PostgreSQL "
          "server), steadier than wall time on a busy machine.")
    pragmas = {r.pragmas for run in runs.values() for pages in run.values() for r in pages.values()}
    if pragmas and pragmas != {0}:
        print(f"Each request also runs {'/'.join(map(str, sorted(pragmas)))} PRAGMA statements when "
              "peewee opens its connection; they are not counted as queries.")
    for size in sizes:
        if background[size]["flushes"]:
            print(f"Batched view-count writes at {size:,} articles: {background[size]['flushes']} "
                  f"flushes, {background[size]['queries']} statements in all (not in the counts).")
    if args.show_sql:
        for mode, pages in runs[args.articles].items():
            for name, result in pages.items():
                print(f"\n-- {name}, {mode} ({len(result.sql)} queries)")
                for sql in result.sql:
                    print(f"   {sql}")
    if args.database_url:
        traced = "n/a (not SQLite)"
    elif any("trace" in e for e in errors):
        traced = "DISAGREE"
    else:
        traced = "agree on every request"
    print(f"\nQueries per page: {'SAME at both sizes' if not problems else 'DIFFERENT'}; "
          f"execute_sql count vs. sqlite trace: {traced}; total {seconds:.0f} s")
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average (1 min) "
          f"{load_before:.2f} at start, {load_after:.2f} at end: other work on the machine shows "
          "in the times, not in the query counts.")
    for problem in problems:
        print(f"QUERY COUNT CHANGES WITH SIZE: {problem}")
    for error in errors[:20]:
        print(f"ERROR: {error}")
    return 1 if problems or errors else 0


if __name__ == "__main__":
    sys.exit(main())
