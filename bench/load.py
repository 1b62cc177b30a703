"""Load benchmark: the site under gunicorn on loopback, driven by wrk, as a ratio of a minimal route.

    .venv/bin/python bench/load.py                 # 10,000 articles; 8, 32, 128 connections; 8 s a run
    .venv/bin/python bench/load.py --quick         # 3 s a run, 1 s warm-up: a check of the set-up
    .venv/bin/python bench/load.py --seconds 15 --connections 32 --profiles article,search
    .venv/bin/python bench/load.py --json load.json --data-dir /tmp/load --keep

What one run does:

1. The site. A copy of the generated 10,000-article site cached in bench/out/
   (bench/generate.install_cached_site: built the first time, migrated) goes into a temporary data
   dir, with both search indexes. The indexes are built once by `flask --app app reindex` (the
   command the README gives) and cached in bench/out/load-index-<key>/, keyed by the code that
   shapes the documents (generator included); a later run copies them after checking every
   document's key and stamp against the site (search_index.sync.check), and builds them again if
   anything differs. The site_state row a real site has from its first edit is made. Every public
   article's related list is computed as a site that has served its articles has them
   (`flask --app app related-lists`, cached in bench/out/load-related-<key>/, keyed by the index
   and the code that computes the lists).
2. Two servers, both `gunicorn -c gunicorn.conf.py` on a free loopback port (CMS_BIND), so they
   share workers, threads, worker class, keep-alive, max_requests and logging: the site
   (wsgi_app of the config, CMS_DATA_DIR = the data dir), and the baseline,
   `bench.load_minimal:app`, one Flask route answering "ok" (the argument overrides wsgi_app).
3. wrk, in its own process (bench/load_wrk.lua), for each number of connections (8, 32, 128) and
   each page profile, a run of --seconds; between page runs, a run of the baseline at the same
   number of connections. A page's ratio is its requests/s over the mean of the baseline runs just
   before and just after it: the machine may be shared, and its load drifts. Before measuring,
   every profile is warmed up once (--warmup seconds at 32 connections), as a server that has been
   up for a while would be. Requests carry `Accept-Encoding: gzip`, as browsers' do.
4. Profiles: each is a file of paths sampled with the weights below; wrk picks a line at random per
   request, so every page type is requested over many URLs (the page cache must not make
   a page trivial by serving one URL), with the repetition real readers make:
     home      /
     category  every category, page 1 mostly, pages 2-5 sometimes, any deeper page rarely
     article   every public article; popularity falls with recency rank (Zipf, s = 1)
     search    /tim-kiem with ~50 common queries (diacritics or not, phrases, document numbers,
               place names, two misspellings), page 1 mostly, some page 2 and sort=date
     feed      /rss.xml and every category's feed
     documents /van-ban: page 1 mostly, some deeper pages, filtered by kind and by year
     document  every public document's page; popularity falls with rank (Zipf, s = 1)
     mixed     home 20 %, category 20 %, article 45 %, search 8 %, feed 7 %
     article-cold  every public article equally likely (mostly page-cache misses; information only)
5. Reported per run: requests/s, the ratio to the baseline, p50/p95/p99/max latency (wrk's own
   histogram, from the Lua done() hook), responses that are not 2xx/3xx, socket errors (connect,
   read, write), timeouts (answers later than --timeout, wrk's default 2 s, which wrk leaves out of
   its histogram) and "late" requests (still unanswered when wrk stopped, when the workers then
   needed longer than the timeout to get through them), the workers' CPU time per answer, and how
   long the workers stayed busy after wrk stopped (the next run waits for that). The RSS of each
   gunicorn worker (VmRSS, RssAnon, RssFile of the master's children in /proc) is read every 0.5 s
   during each run and once after the last; workers recycled by max_requests are counted. Then
   the targets of the issue, PASS or FAIL each; the exit status is 1 if any fails.

Only loopback traffic, every run bounded in time; both servers are stopped at the end, also on
Ctrl-C or an error. Nothing here writes outside the data dir and bench/out/.
"""

import argparse
import hashlib
import json
import math
import os
import platform
import random
import runpy
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

OUT_DIR = ROOT / "bench" / "out"
LUA_SCRIPT = ROOT / "bench" / "load_wrk.lua"
GUNICORN_CONF = ROOT / "gunicorn.conf.py"
BASELINE_APP = "bench.load_minimal:app"
BASELINE_PATH = "/ok"
BIN = Path(sys.executable).parent
# What shapes the indexed documents (not how they are searched): a change rebuilds the cached indexes.
INDEX_INPUTS = [ROOT / "search_index" / name for name in ("analysis.py", "schema.py", "store.py", "sync.py")]
INDEX_INPUTS += [ROOT / "cms" / name for name in ("search_documents.py", "markup.py", "text.py")]
INDEX_INPUTS += [ROOT / "bench" / "generate.py"]  # the text of the site (the seed picks the rest)
# What computes the related lists (bench/out/load-related-<key>/ holds them for a site and index):
# the algorithm, and the article text it reads.
RELATED_INPUTS = [ROOT / "search_index" / "related.py", ROOT / "cms" / "search_documents.py"]

PROFILES = ["home", "category", "article", "search", "feed", "documents", "document", "mixed", "article-cold"]
TARGET_PROFILES = ["home", "category", "article", "search", "feed", "documents", "document", "mixed"]
MIX = {"home": 20, "category": 20, "article": 45, "search": 8, "feed": 7}
# (profile, minimum ratio to the baseline at 32 connections), from the issue.
RATIO_TARGETS = [("article", 0.5), ("home", 0.4), ("category", 0.4), ("search", 0.1),
                 ("documents", 0.4), ("document", 0.5)]  # the register: as category and article pages
RATIO_CONNECTIONS = 32
P99_TARGET_MS, P99_CONNECTIONS = 250.0, 32
ERROR_CONNECTIONS = 128
RSS_TARGET_MB = 150.0
SAMPLED_PATHS = 20_000

SEARCH_QUERIES = [
    "đảng viên", "chi bộ", "cán bộ", "sinh hoạt chi bộ", "kết nạp đảng viên", "quy hoạch cán bộ",
    "công tác tổ chức", "nghị quyết", "kiểm tra giám sát", "chuyển đổi số", "đào tạo bồi dưỡng",
    "Huy hiệu Đảng", "luân chuyển cán bộ", "tổ chức cơ sở đảng", "nhiệm kỳ", "hội nghị sơ kết",
    "Ban Tổ chức Tỉnh ủy", "chính sách cán bộ", "đảng phí", "hồ sơ đảng viên", "nêu gương",
    "bảo vệ chính trị nội bộ", "đồng bào dân tộc thiểu số", "chi bộ bốn tốt", "cải cách hành chính",
    "Nam Đàn", "Quỳnh Lưu", "Kỳ Sơn", "Thanh Chương", "Diễn Châu", "Con Cuông", "Mường Lống",
    "thành phố Vinh", "dang vien", "chi bo", "can bo", "ket nap dang vien", "nghi quyet",
    "xay dung dang", "quy hoach", "sinh hoat chi bo", "2993-QĐ/TU", "Quy định 132-QĐ/TW",
    "Kết luận 21-KL/TW", "26-NQ/TW", '"sinh hoạt chi bộ"', '"phát triển đảng viên"',
    "đánh giá xếp loại chất lượng", "đảng vien moi", "kêt nạp đang viên",
]


def log(message=""):
    print(message, file=sys.stderr, flush=True)


# --- the site and its URLs ---------------------------------------------------------------------

def _file_key(paths):
    digest = hashlib.sha1()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


DOCUMENTS = 600  # the register of a provincial Board over some ten years (an estimate)
DOCUMENT_BODIES = ["Tỉnh ủy", "Ban Thường vụ Tỉnh ủy", "Ban Tổ chức Tỉnh ủy", "Ủy ban Kiểm tra Tỉnh ủy",
                   "Ban Chấp hành Trung ương", "Ban Tổ chức Trung ương"]
DOCUMENT_SUFFIX = {"Tỉnh ủy": "TU", "Ban Thường vụ Tỉnh ủy": "TU", "Ban Tổ chức Tỉnh ủy": "BTCTU",
                   "Ủy ban Kiểm tra Tỉnh ủy": "UBKTTU", "Ban Chấp hành Trung ương": "TW",
                   "Ban Tổ chức Trung ương": "BTCTW"}
DOCUMENT_TOPICS = ["công tác cán bộ", "phát triển đảng viên", "kiểm tra, giám sát", "đánh giá, xếp loại",
                   "bảo vệ chính trị nội bộ", "sinh hoạt chi bộ", "quy hoạch cán bộ", "luân chuyển cán bộ"]


def add_documents(data_dir, count, seed):
    """`count` generated documents in the register (numbers in the real format, several kinds,
    bodies, years, fields, some replaced), unless the site has them; returns how many were added."""
    from datetime import date, timedelta

    from bench.generate import make_app
    from cms.db import database
    from cms.documents import KINDS, REPLACED, Document
    from cms.timeutil import utcnow

    app = make_app(data_dir)
    rng = random.Random(seed)
    with app.app_context(), database.connection_context():
        have = Document.select().count()
        if have >= count:
            return 0
        published = utcnow() - timedelta(days=2)
        made = []
        with database.atomic():
            for n in range(have + 1, count + 1):
                kind = rng.choice(KINDS)
                body = rng.choice(DOCUMENT_BODIES)
                issued = date(2015, 1, 1) + timedelta(days=rng.randrange(4000))
                topic = rng.choice(DOCUMENT_TOPICS)
                document = Document(
                    number=f"{n}-{kind.abbreviation}/{DOCUMENT_SUFFIX[body]}", kind=kind.key,
                    issuing_body=body,
                    signer=rng.choice(["Nguyễn Văn Thành", "Trần Thị Hồng", "Lê Quang Minh"]),
                    date_issued=issued, date_effective=issued + timedelta(days=rng.choice([0, 0, 15])),
                    field=topic.capitalize(), summary=f"{kind.name} về {topic} năm {issued.year}",
                    status=Document.PUBLISHED, published_at=published)
                document.save()
                made.append(document)
            for older, newer in zip(made[::40], made[20::40], strict=False):
                older.legal_status, older.replaced_by = REPLACED, newer.id
                older.save()
        return len(made)


def prepare_data_dir(data_dir, n_articles, seed, index_procs):
    """A data dir serving the generated site with both search indexes; returns the SQLite path."""
    from bench.generate import cached_site_database, install_cached_site

    def progress(message):
        log(f"    {message}")

    started = time.perf_counter()
    source = cached_site_database(n_articles, seed, progress=progress)
    database_file = install_cached_site(data_dir, n_articles, seed, progress=progress)
    log(f"  site: {database_file} (copy of {source.name}, {time.perf_counter() - started:.1f} s)")
    added = add_documents(data_dir, DOCUMENTS, seed)
    log(f"  documents register: {DOCUMENTS} documents ({added} added now, each through Document.save)")
    # The same generator and seed give the same articles (dates shift by whole days from one day to
    # the next): the indexes are reused for a site rebuilt for a change elsewhere (a model, a
    # migration), after index_drift() has checked every document's key and stamp against it.
    key = _file_key(INDEX_INPUTS)
    cached_index = OUT_DIR / f"load-index-{n_articles}-seed{seed}-{key}"
    target = Path(data_dir) / "index"
    if target.exists():
        shutil.rmtree(target)
    if cached_index.is_dir():
        shutil.copytree(cached_index, target, symlinks=True)
        drift = index_drift(data_dir)
        if drift:
            log(f"  search indexes in {cached_index.relative_to(ROOT)} do not match the site ({drift}): "
                "building them again")
            shutil.rmtree(cached_index, ignore_errors=True)
            shutil.rmtree(target)
        else:
            log(f"  search indexes: copied from {cached_index.relative_to(ROOT)} (checked against the site)")
    if not target.exists():
        log(f"  search indexes: flask --app app reindex --procs {index_procs} (minutes, once; cached "
            f"in {cached_index.relative_to(ROOT)})")
        started = time.perf_counter()
        subprocess.run([str(BIN / "flask"), "--app", "app", "reindex", "--procs", str(index_procs)],
                       cwd=ROOT, env=server_env(data_dir), check=True, stdout=sys.stderr)
        log(f"  reindex: {time.perf_counter() - started:.0f} s")
        building = Path(tempfile.mkdtemp(prefix="load-index-build-", dir=OUT_DIR))
        try:
            shutil.copytree(target, building / "index", symlinks=True)
            for stale in OUT_DIR.glob(f"load-index-{n_articles}-seed{seed}-*"):
                shutil.rmtree(stale, ignore_errors=True)
            os.replace(building / "index", cached_index)
        finally:
            shutil.rmtree(building, ignore_errors=True)
    prepare_related_lists(data_dir, n_articles, seed, key, index_procs)
    return database_file


def prepare_related_lists(data_dir, n_articles, seed, index_key, procs):
    """Every public article's related list, as a site that has served its articles has them:
    `flask --app app related-lists` once (about a minute), cached in bench/out/load-related-<key>/
    (keyed by the index and by the code computing the lists); the command then fills any list
    the cache lacks or that has expired."""
    key = index_key + "-" + _file_key(RELATED_INPUTS)
    cached = OUT_DIR / f"load-related-{n_articles}-seed{seed}-{key}"
    target = Path(data_dir) / "index" / "derived-public"
    if target.exists():
        shutil.rmtree(target)
    if cached.is_dir():
        shutil.copytree(cached, target)
    started = time.perf_counter()
    subprocess.run([str(BIN / "flask"), "--app", "app", "related-lists", "--procs", str(procs)],
                   cwd=ROOT, env=server_env(data_dir), check=True, stdout=sys.stderr)
    log(f"  related lists: {time.perf_counter() - started:.0f} s"
        + (f" (from {cached.relative_to(ROOT)})" if cached.is_dir() else ""))
    if not cached.is_dir():
        for stale in OUT_DIR.glob(f"load-related-{n_articles}-seed{seed}-*"):
            shutil.rmtree(stale, ignore_errors=True)
        shutil.copytree(target, cached)


def index_drift(data_dir):
    """"" when both indexes hold exactly the site's documents (keys and stamps), else a summary."""
    from bench.generate import make_app
    from cms.db import database
    from search_index import sync
    from search_index.store import IndexUnavailable

    app = make_app(data_dir)
    service = app.extensions["search"]
    found = []
    with app.app_context(), database.connection_context():
        for name, store in service.stores.items():
            try:
                drift = sync.check(store, service.sources)
            except IndexUnavailable as exc:
                found.append(f"{name}: {exc}")
                continue
            counts = {kind: len(keys) for kind, keys in drift.items() if keys}
            if counts:
                found.append(f"{name}: {counts}")
    return "; ".join(found)


def collect_urls(data_dir):
    """Paths of every page type, read from the site's database: {name: [(path, weight)]}."""
    from bench.generate import make_app
    from cms.db import database
    from cms.models import Article, Category, bump_site_version
    from cms.site import CategoryTree

    app = make_app(data_dir)
    page_size = app.config["CMS_PAGE_SIZE"]
    with app.app_context(), database.connection_context():
        # A generated site has no site_state row (rows go in with insert_many); a real one has it
        # from its first edit on, and the page cache's validator reads it: make it, as an edit would.
        with database.atomic():
            bump_site_version()
        slugs = [slug for (slug,) in Article.public().select(Article.slug).tuples()]  # newest first
        from cms.documents import Document

        documents = list(Document.public().select(Document.slug, Document.kind, Document.year).tuples())
        document_pages = max(1, math.ceil(len(documents) / 20))
        tree = CategoryTree(Category.ordered())
        categories = []
        for category in tree.all:
            count = Article.public().where(Article.category.in_(tree.descendant_ids(category))).count()
            categories.append((category.slug, max(1, math.ceil(count / page_size))))
    urls = {"home": [("/", 1.0)]}
    category_urls = []
    for slug, pages in categories:
        category_urls.append((f"/chuyen-muc/{slug}", 1.0))
        category_urls += [(f"/chuyen-muc/{slug}?page={n}", 0.1) for n in range(2, min(pages, 5) + 1)]
        deep = list(range(6, pages + 1))
        category_urls += [(f"/chuyen-muc/{slug}?page={n}", 0.1 / len(deep)) for n in deep]
    urls["category"] = category_urls
    urls["article"] = [(f"/bai-viet/{slug}", 1.0 / rank) for rank, slug in enumerate(slugs, 1)]
    urls["article-cold"] = [(f"/bai-viet/{slug}", 1.0) for slug in slugs]
    # The register: its list (page 1 mostly, filters by kind and year, deeper pages rarely), and each
    # document's page, popularity falling with rank as articles'.
    register = [("/van-ban", 4.0)]
    register += [(f"/van-ban?page={n}", 0.2) for n in range(2, min(document_pages, 5) + 1)]
    register += [(f"/van-ban?loai={kind}", 0.3) for kind in sorted({k for _, k, _ in documents})]
    register += [(f"/van-ban?nam={year}", 0.2) for year in sorted({y for _, _, y in documents})]
    urls["documents"] = register
    urls["document"] = [(f"/van-ban/{slug}", 1.0 / rank) for rank, (slug, _, _) in enumerate(documents, 1)]
    search = []
    for query in SEARCH_QUERIES:
        q = urllib.parse.quote_plus(query)
        search += [(f"/tim-kiem?q={q}", 1.0), (f"/tim-kiem?q={q}&page=2", 0.15),
                   (f"/tim-kiem?q={q}&sort=date", 0.15)]
    urls["search"] = search
    urls["feed"] = [("/rss.xml", float(len(categories)))] + [
        (f"/chuyen-muc/{slug}/rss.xml", 1.0) for slug, _ in categories]
    return urls, {"public_articles": len(slugs), "categories": len(categories),
                  "category_pages": sum(pages for _, pages in categories)}


def sample_paths(urls, rng, n=SAMPLED_PATHS):
    """n paths drawn with the weights (with replacement); the mixed profile draws from the others."""
    samples = {}
    for name, weighted in urls.items():
        paths, weights = zip(*weighted, strict=True)
        samples[name] = rng.choices(paths, weights=weights, k=n)
    kinds = rng.choices(list(MIX), weights=list(MIX.values()), k=n)
    samples["mixed"] = [samples[kind][i] for i, kind in enumerate(kinds)]
    return samples


# --- servers -----------------------------------------------------------------------------------

def gunicorn_settings():
    """The values gunicorn.conf.py gives in this environment (workers, threads...)."""
    values = runpy.run_path(str(GUNICORN_CONF))
    return {name: values.get(name) for name in ("workers", "threads", "worker_class", "keepalive",
                                                 "max_requests", "max_requests_jitter", "timeout",
                                                 "reuse_port")}


def server_env(data_dir, bind=None):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CMS_BIND")}
    env["CMS_DATA_DIR"] = str(data_dir)
    env["DATABASE_URL"] = f"sqlite:///{Path(data_dir).resolve() / 'cms.sqlite3'}"
    env.setdefault("SECRET_KEY", "bench-load-not-secret")
    if bind:
        env["CMS_BIND"] = bind
    return env


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children_of(pid):
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:  # fields after "(comm)": state, ppid, ...
            found.append(int(entry.name))
    return sorted(found)


def memory_mb(pid):
    """{"rss", "anon", "file"} in MB from /proc/<pid>/status (None if the process is gone).

    RSS counts the pages of files a process maps (Whoosh maps its segment files) as well as its
    own memory: "anon" is what the process alone holds, "file" is shared with the page cache.
    """
    wanted = {"VmRSS:": "rss", "RssAnon:": "anon", "RssFile:": "file"}
    found = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key = line.split(":", 1)[0] + ":"
            if key in wanted:
                found[wanted[key]] = int(line.split()[1]) / 1024
    except OSError:
        return None
    return found if "rss" in found else None


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User + system CPU time of a process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime (fields 14, 15)


class Server:
    """One gunicorn master (with its workers) started here, in its own process group."""

    def __init__(self, name, data_dir, app_arg=None):
        self.name, self.data_dir, self.app_arg = name, Path(data_dir), app_arg
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.data_dir / f"gunicorn-{name}.log"
        self.process = None
        self.workers_seen = set()
        self._cpu = {}

    def start(self):
        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = [str(BIN / "gunicorn"), "-c", str(GUNICORN_CONF)] + ([self.app_arg] if self.app_arg else [])
        self._log = open(self.log_path, "w")  # closed in stop()
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT,
                                        env=server_env(self.data_dir, f"127.0.0.1:{self.port}"),
                                        start_new_session=True)
        return self

    def wait_ready(self, path, workers, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name}: gunicorn exited ({self.process.returncode}); "
                                   f"see {self.log_path}")
            if len(self.workers()) >= workers:
                try:
                    with urllib.request.urlopen(self.url + path, timeout=10) as response:
                        if response.status == 200:
                            return
                except (urllib.error.URLError, OSError):
                    pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.name}: not ready after {timeout} s; see {self.log_path}")

    def workers(self):
        pids = children_of(self.process.pid) if self.process else []
        self.workers_seen.update(pids)
        return pids

    def memory(self):
        """{worker pid: {"rss", "anon", "file"} MB}."""
        found = {pid: memory_mb(pid) for pid in self.workers()}
        return {pid: mb for pid, mb in found.items() if mb is not None}

    def cpu(self):
        """CPU seconds used by the workers alive now (and by those seen earlier, while alive)."""
        for pid in self.workers():
            self._cpu[pid] = cpu_seconds(pid) or self._cpu.get(pid, 0.0)
        return sum(self._cpu.values())

    def drain(self, cap=180.0):
        """Wait until the workers are idle (requests queued by clients that have gone are still
        served); returns the seconds it took."""
        started = time.monotonic()
        previous = self.cpu()
        while time.monotonic() - started < cap:
            time.sleep(0.5)
            current = self.cpu()
            if current - previous < 0.03:
                break
            previous = current
        return time.monotonic() - started

    def errors_logged(self):
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return 0
        return sum(1 for line in text.splitlines() if "Traceback (most recent call last)" in line)

    def stop(self):
        if self.process is None:
            return
        try:
            if self.process.poll() is None:
                os.kill(self.process.pid, signal.SIGTERM)  # graceful: workers finish their requests
                self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            pass
        finally:
            try:  # anything left in the process group this script created (workers included)
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            if self.process.poll() is None:
                self.process.wait(timeout=10)
            self._log.close()


# --- wrk ---------------------------------------------------------------------------------------

def run_wrk(url, paths_file, connections, seconds, args, seed):
    command = [args.wrk, f"-t{min(args.wrk_threads, connections)}", f"-c{connections}", f"-d{seconds}s",
               "--timeout", f"{args.timeout}s", "-H", "Accept-Encoding: gzip", "-s", str(LUA_SCRIPT),
               url, "--", str(paths_file), str(seed)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    for line in done.stdout.splitlines():
        if line.startswith("LOAD_RESULT "):
            raw = json.loads(line[len("LOAD_RESULT "):])
            break
    else:
        raise RuntimeError(f"wrk gave no result (status {done.returncode}):\n{done.stdout}\n{done.stderr}")
    seconds_run = raw["duration_us"] / 1e6
    errors = raw["errors"]
    latency = {k: v / 1000 for k, v in raw["latency_us"].items()}
    # wrk records the latency of answers within the timeout only; a slower answer is a timeout
    # (and a request still unanswered at the end is neither: see "open_at_end"). When timeouts are
    # more than a percentile's tail, that percentile is beyond the timeout.
    share = min(1.0, errors["timeout"] / max(raw["requests"], 1))
    beyond = {f"p{p}_beyond_timeout": share > 1 - p / 100 for p in (50, 95, 99)}
    return {
        **beyond,
        "requests": raw["requests"], "seconds": round(seconds_run, 3),
        "open_at_end": max(0, raw.get("sent", raw["requests"]) - raw["requests"]),
        "rps": raw["requests"] / seconds_run if seconds_run else 0.0,
        "bytes": raw["bytes"], "statuses": raw["statuses"],
        "bad_status": errors["status"],
        "socket_errors": errors["connect"] + errors["read"] + errors["write"],
        "timeouts": errors["timeout"], "wrk_errors": errors,
        "p50_ms": latency["p50"], "p95_ms": latency["p95"], "p99_ms": latency["p99"],
        "max_ms": latency["max"], "mean_ms": latency["mean"],
    }


def error_count(result):
    return result["bad_status"] + result["socket_errors"] + result["timeouts"] + result.get("late_at_end", 0)


# --- the run -----------------------------------------------------------------------------------

class MemorySampler:
    """Largest RSS (and its anonymous and file parts) of each worker, read every 0.5 s meanwhile."""

    def __init__(self, server):
        self.server, self.peak, self._stop = server, {}, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self):
        for pid, mb in self.server.memory().items():
            best = self.peak.setdefault(pid, dict(mb))
            for key, value in mb.items():
                best[key] = max(best.get(key, 0.0), value)

    def _run(self):
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(0.5)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._sample()


def timed_run(server, paths_file, connections, seconds, args, seed):
    """One wrk run against server, with its CPU per request, peak memory and the time to drain."""
    workers_before = set(server.workers())
    cpu_before = server.cpu()
    with MemorySampler(server) as memory:
        result = run_wrk(server.url, paths_file, connections, seconds, args, seed)
    cpu_used = server.cpu() - cpu_before
    result["drain_s"] = round(server.drain(), 1)
    # Requests still waiting when wrk stopped: if the workers needed longer than the timeout to get
    # through them, they were answered too late as well (wrk cannot count those).
    result["late_at_end"] = result["open_at_end"] if result["drain_s"] > args.timeout else 0
    slow = min(1.0, (result["timeouts"] + result["late_at_end"])
               / max(result["requests"] + result["late_at_end"], 1))
    for p in (50, 95, 99):
        result[f"p{p}_beyond_timeout"] = slow > 1 - p / 100
    result["cpu_ms_per_request"] = cpu_used * 1000 / result["requests"] if result["requests"] else math.inf
    result["workers_recycled"] = len(workers_before - set(server.workers()))
    result["peak_memory_mb"] = {str(pid): {k: round(v, 1) for k, v in mb.items()}
                                for pid, mb in memory.peak.items()}
    return result


def summarize_baseline(runs):
    rps = [r["rps"] for r in runs]
    return {
        "runs": runs, "rps": statistics.median(rps),
        "p50_ms": statistics.median(r["p50_ms"] for r in runs),
        "p95_ms": statistics.median(r["p95_ms"] for r in runs),
        "p99_ms": statistics.median(r["p99_ms"] for r in runs),
        "max_ms": max(r["max_ms"] for r in runs),
        "bad_status": sum(r["bad_status"] for r in runs),
        "socket_errors": sum(r["socket_errors"] for r in runs),
        "timeouts": sum(r["timeouts"] for r in runs),
        "late_at_end": sum(r["late_at_end"] for r in runs),
        "cpu_ms_per_request": statistics.median(r["cpu_ms_per_request"] for r in runs),
        "drain_s": max(r["drain_s"] for r in runs),
        "spread": max(rps) / min(rps) if min(rps) else math.inf,
    }


def measure(args, site, baseline, files):
    """Warm-up, then for each connection count: B P1 B P2 ... Pn B (B = a baseline run)."""
    results = {"pages": {}, "baseline": {}, "warmup": {}}
    seed = args.seed
    log(f"warm-up: {args.warmup} s per profile at 32 connections (then the server drains)")
    timed_run(baseline, files["baseline"], 32, args.warmup, args, seed)
    for name in args.profiles:
        warm = timed_run(site, files[name], 32, args.warmup, args, seed)
        results["warmup"][name] = {"requests": warm["requests"], "drain_s": warm["drain_s"]}
        log(f"  {name}: {warm['requests']} requests, drained in {warm['drain_s']} s")
    for connections in args.connections:
        runs = [timed_run(baseline, files["baseline"], connections, args.seconds, args, seed)]
        log(f"{connections:>4} conns  baseline      {runs[0]['rps']:8.0f} req/s")
        for name in args.profiles:
            seed += 1
            page = timed_run(site, files[name], connections, args.seconds, args, seed)
            runs.append(timed_run(baseline, files["baseline"], connections, args.seconds, args, seed))
            around = (runs[-2]["rps"] + runs[-1]["rps"]) / 2
            page["baseline_rps"] = around
            page["ratio"] = page["rps"] / around if around else 0.0
            results["pages"].setdefault(name, {})[connections] = page
            log(f"{connections:>4} conns  {name:<12}  {page['rps']:8.0f} req/s  ratio {page['ratio']:.2f}  "
                f"p99 {page['p99_ms']:.0f} ms  errors {error_count(page)}  "
                f"CPU {page['cpu_ms_per_request']:.1f} ms/req  drained in {page['drain_s']} s  "
                f"(baseline after {runs[-1]['rps']:.0f} req/s)")
        results["baseline"][connections] = summarize_baseline(runs)
    return results


def peak_rss(results):
    """The largest {"rss", "anon", "file"} any site worker reached during a measured run."""
    best = {"rss": 0.0, "anon": 0.0, "file": 0.0}
    for cells in results["pages"].values():
        for cell in cells.values():
            for mb in cell["peak_memory_mb"].values():
                if mb.get("rss", 0) > best["rss"]:
                    best = dict(mb)
    return best


def check_targets(results, final_memory, args):
    pages = results["pages"]
    checks = []
    for name, minimum in RATIO_TARGETS:
        cell = pages.get(name, {}).get(RATIO_CONNECTIONS)
        if cell is None:
            continue
        checks.append((f"{name} throughput >= {minimum} x baseline at {RATIO_CONNECTIONS} connections",
                       cell["ratio"] >= minimum, f"{cell['ratio']:.2f}"))
    targeted = [n for n in TARGET_PROFILES if n in pages]
    at_128 = [(n, pages[n][ERROR_CONNECTIONS]) for n in targeted if ERROR_CONNECTIONS in pages[n]]
    if at_128:
        bad = {n: (c["bad_status"], c["socket_errors"], c["timeouts"], c["late_at_end"])
               for n, c in at_128 if error_count(c)}
        checks.append((f"no error and no timeout at {ERROR_CONNECTIONS} connections", not bad,
                       "none" if not bad else "; ".join(
                           f"{n}: {s} not 2xx/3xx, {e} socket errors, {t} timeouts + {late} late"
                           for n, (s, e, t, late) in bad.items())))
    at_32 = [(n, pages[n][P99_CONNECTIONS]) for n in targeted if P99_CONNECTIONS in pages[n]]
    if at_32:
        ok = all(c["p99_ms"] < P99_TARGET_MS and c["requests"] and not c["p99_beyond_timeout"]
                 for _, c in at_32)
        checks.append((f"p99 < {P99_TARGET_MS:.0f} ms at {P99_CONNECTIONS} connections (every page)", ok,
                       ", ".join(f"{n} >{args.timeout * 1000}" if c["p99_beyond_timeout"] or not c["requests"]
                                 else f"{n} {c['p99_ms']:.0f}" for n, c in at_32) + " ms"))
    peak = peak_rss(results)
    last = max((mb["rss"] for mb in final_memory.values()), default=0.0)
    checks.append((f"worker RSS < {RSS_TARGET_MB:.0f} MB", max(peak["rss"], last) < RSS_TARGET_MB,
                   f"largest during the runs {peak['rss']:.0f} MB (own memory {peak['anon']:.0f} MB, "
                   f"mapped files {peak['file']:.0f} MB); after the run, idle: {last:.0f} MB"))
    return checks


def print_report(results, args, settings, info, final_memory, checks, site, baseline):
    print(f"\nSite: {args.articles} articles ({info['public_articles']} public), {info['categories']} "
          f"categories ({info['category_pages']} list pages), SQLite, both search indexes; "
          f"gunicorn.conf.py: {settings['workers']} workers x {settings['threads']} threads "
          f"({settings['worker_class']}), max_requests {settings['max_requests']}, "
          f"reuse_port {settings['reuse_port']}")
    print(f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}; 1-minute load average "
          f"{args.load_before} before the run, {os.getloadavg()[0]:.2f} after; wrk {args.wrk_threads} "
          f"thread(s), {args.seconds} s a run, timeout {args.timeout} s, Accept-Encoding: gzip\n")
    columns = [("conns", 5), ("page", 12), ("req/s", 7), ("ratio", 5), ("p50 ms", 7), ("p95 ms", 7),
               ("p99 ms", 7), ("max ms", 6), ("not 2xx/3xx", 11), ("socket err", 10), ("timeouts", 8),
               ("late", 4),
               ("CPU ms/req", 10), ("drain s", 7)]
    print("| " + " | ".join(f"{name:>{width}}" for name, width in columns) + " |")
    print("|" + "|".join("-" * (width + 1) + ":" for _, width in columns) + "|")
    for connections in args.connections:
        base = results["baseline"].get(connections)
        rows = [("baseline", base)] if base else []
        rows += [(name, results["pages"][name][connections]) for name in args.profiles
                 if connections in results["pages"].get(name, {})]
        for name, cell in rows:
            ratio = f"{cell['ratio']:.2f}" if "ratio" in cell else "1"
            latency = [f">{args.timeout * 1000}" if cell.get(f"{p}_beyond_timeout")
                       else f"{cell[p + '_ms']:.1f}" for p in ("p50", "p95", "p99")]
            values = [connections, name, f"{cell['rps']:.0f}", ratio, *latency, f"{cell['max_ms']:.0f}",
                      cell["bad_status"], cell["socket_errors"], cell["timeouts"], cell["late_at_end"],
                      f"{cell['cpu_ms_per_request']:.2f}", f"{cell['drain_s']:.1f}"]
            cells = zip(values, columns, strict=True)
            print("| " + " | ".join(f"{str(v):>{width}}" for v, (_, width) in cells) + " |")
    print("\nratio: requests/s over the mean of the baseline runs just before and after it. Latency: "
          "wrk's histogram of answers within the timeout; '>N' when timeouts outnumber that\n"
          "percentile's tail. timeouts: answers later than the timeout (wrk); late: requests still "
          "unanswered when wrk stopped, counted when the workers needed longer than the\n"
          "timeout to get through them. CPU ms/req: CPU time of the server's workers during the run "
          "per answer. drain s: how long the workers stayed busy after wrk stopped (requests\n"
          "queued by connections that had already gone).")
    print("\nBaseline runs per connection count (req/s, in order):")
    for connections, base in results["baseline"].items():
        print(f"  {connections:>4}: " + ", ".join(f"{r['rps']:.0f}" for r in base["runs"])
              + f"  (max/min {base['spread']:.2f})")
    recycled = sum(cell["workers_recycled"] for cells in results["pages"].values() for cell in cells.values())
    peak = peak_rss(results)
    print(f"\nSite workers: {len(site.workers_seen)} seen over the run ({recycled} recycled by max_requests "
          f"during measured runs).")
    idle = ", ".join(f"{pid}: {mb['rss']:.0f} MB ({mb.get('anon', 0):.0f} own)"
                     for pid, mb in sorted(final_memory.items()))
    print(f"Worker memory, largest during a run: RSS {peak['rss']:.0f} MB = own {peak['anon']:.0f} MB + "
          f"mapped files {peak['file']:.0f} MB. After the run (idle): {idle}")
    print("Baseline workers after the run: "
          + ", ".join(f"{mb['rss']:.0f} MB" for mb in baseline.memory().values()))
    logged = site.errors_logged()
    if logged:
        print(f"Tracebacks in the site's log: {logged} (see {site.log_path})")
    print("\nTargets:")
    for label, ok, detail in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {label}: {detail}")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=8, help="length of each measured wrk run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per profile")
    parser.add_argument("--connections", default="8,32,128", help="comma-separated, e.g. 8,32,128")
    parser.add_argument("--profiles", default=",".join(PROFILES), help=f"any of {','.join(PROFILES)}")
    parser.add_argument("--quick", action="store_true", help="3 s runs and 1 s warm-up")
    parser.add_argument("--timeout", type=int, default=2, help="wrk's request timeout, seconds")
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--wrk", default=shutil.which("wrk") or "/usr/bin/wrk")
    parser.add_argument("--index-procs", type=int, default=2, help="processes for the first reindex")
    parser.add_argument("--data-dir", type=Path, help="work here (default: a temporary dir)")
    parser.add_argument("--keep", action="store_true", help="keep the data dir (and server logs)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds, args.warmup = 3, 1  # wrk checks timeouts every 2 s: shorter runs would miss them
    args.connections = [int(c) for c in args.connections.split(",") if c.strip()]
    args.profiles = [p.strip() for p in args.profiles.split(",") if p.strip()]
    unknown = [p for p in args.profiles if p not in PROFILES]
    if unknown:
        parser.error(f"unknown profile(s): {', '.join(unknown)}")
    if not Path(args.wrk).exists():
        parser.error(f"wrk not found ({args.wrk}); apt-get install wrk")
    return args


def _stop_on_signal(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv=None):
    args = parse_args(argv)
    args.load_before = f"{os.getloadavg()[0]:.2f}"
    for signum in (signal.SIGINT, signal.SIGTERM):  # SIGINT too: a background job ignores it by default
        signal.signal(signum, _stop_on_signal)
    work = Path(args.data_dir).resolve() if args.data_dir else Path(tempfile.mkdtemp(prefix="cms-load-"))
    if work == (ROOT / "instance").resolve():
        sys.exit("refusing to use ./instance")
    site_dir, baseline_dir = work / "site", work / "baseline"
    servers = []
    try:
        log(f"preparing the site in {site_dir}")
        prepare_data_dir(site_dir, args.articles, args.seed, args.index_procs)
        urls, info = collect_urls(site_dir)
        samples = sample_paths(urls, random.Random(args.seed))
        files = {"baseline": work / "paths-baseline.txt"}
        files["baseline"].write_text(BASELINE_PATH + "\n")
        for name, paths in samples.items():
            files[name] = work / f"paths-{name}.txt"
            files[name].write_text("\n".join(paths) + "\n")
        log("distinct paths sampled: " + ", ".join(f"{n} {len(set(p))}" for n, p in samples.items()))
        settings = gunicorn_settings()
        site = Server("site", site_dir)
        baseline = Server("baseline", baseline_dir, BASELINE_APP)
        for server in (site, baseline):
            servers.append(server)
            server.start()
        site.wait_ready("/robots.txt", settings["workers"])
        baseline.wait_ready(BASELINE_PATH, settings["workers"])
        log(f"site at {site.url}, baseline at {baseline.url} ({settings['workers']} workers x "
            f"{settings['threads']} threads each)")
        results = measure(args, site, baseline, files)
        final_memory = site.memory()
        checks = check_targets(results, final_memory, args)
        print_report(results, args, settings, info, final_memory, checks, site, baseline)
        if args.json:
            args.json.write_text(json.dumps({
                "settings": settings, "site": info, "seconds": args.seconds, "connections": args.connections,
                "results": results, "final_memory_mb": {str(k): v for k, v in final_memory.items()},
                "checks": [{"target": label, "pass": ok, "measured": detail} for label, ok, detail in checks],
            }, indent=1, default=str))
        return 0 if all(ok for _, ok, _ in checks) else 1
    except KeyboardInterrupt:
        log("interrupted: stopping the servers")
        return 130
    finally:
        for server in servers:
            server.stop()
        if args.keep or args.data_dir:
            log(f"data dir kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
