"""Soak benchmark: a bounded mixed load on the site under gunicorn, then a check that no write was lost.

    .venv/bin/python bench/soak.py                        # 180 s, 4 readers, 2 searchers, 2 editors, 2 staff
    .venv/bin/python bench/soak.py --seconds 30           # a quick check of the set-up
    .venv/bin/python bench/soak.py --seconds 600 --readers 8 --editors 4 --staff 4 --workers 6
    .venv/bin/python bench/soak.py --json soak.json --data-dir /tmp/soak --keep

What one run does:

1. The site: the generated site of --articles articles with both search indexes, prepared as
   bench/load.py prepares it (bench.load.prepare_data_dir: a copy of the cached SQLite file and of the
   cached indexes, checked against it). Then, in the database, the accounts the load logs in with
   (one per editor and per staff member, one leader) and the field-visit reference data staff plan
   with (a department, an official linked to each staff account, a few localities).
2. The server: `gunicorn -c gunicorn.conf.py` on a free loopback port (bench.load.Server), as
   `make serve` runs it, with --workers processes (CMS_WORKERS, default 4: several processes
   sharing the database, the index writer lock and the index files, whatever the machine).
3. The load, for --seconds, each virtual user a thread with its own connection and cookies, doing
   one thing after another (with --think seconds between):
     reader    home, category pages, articles (the weights of bench/load.py), feeds, and the articles
               the editors published during the run;
     searcher  /tim-kiem and /api/search with bench/load.py's queries, and the marker of the last
               saved version of an article published during the run (found at once or not:
               reported, not an error: a search does not wait for another worker's index write);
     editor    logs in through /dang-nhap (CSRF token from the form), then creates articles through
               /admin/article/new/, saves new versions of its own articles through the edit form (all
               the form's fields sent back as a browser does, expected_version included), publishes
               its drafts (/admin/article/transition/<id>);
     staff     logs in, plans a visit (/admin/visit/new/), submits it; the leader's session approves
               it; the staff member writes the report (/admin/visit/report/<id>), saves it a second
               time, and confirms the visit done.
   Every text saved carries a unique word (a "marker") so that it can be found in the index.
4. The checks, after the server has stopped: a save is acknowledged when the server answered it with
   the redirect of a successful save (a form shown again with 200 is a refused save, counted apart;
   a workflow step counts when the page it redirects to shows the success message). Every
   acknowledged write must be in the database with the content sent (the last acknowledged version
   of each article, visit and report; the state of its last step). Then the outbox is applied
   (search_index.sync.apply_pending, what every search does first) and both indexes are compared
   with the database (sync.check: missing, extra and stale documents), and every acknowledged write
   is looked up directly in the index by its marker: the latest marker must be in the document, no
   earlier one; a published article must be in the public index, and nothing else of the run.

Printed: requests by kind (status classes, latency), 5xx responses, other errors (socket errors,
timeouts, unexpected statuses), writes acknowledged and refused, lost writes, index drift. Exit
status 1 if any of 5xx, lost writes, index drift or missing index entries is not zero.

Only loopback traffic; the server is stopped at the end, also on Ctrl-C or an error. Nothing here
writes outside the data dir and bench/out/.
"""

import argparse
import json
import os
import random
import re
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
import unicodedata
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.load import (  # noqa: E402
    MIX,
    SEARCH_QUERIES,
    Server,
    collect_urls,
    gunicorn_settings,
    log,
    prepare_data_dir,
    sample_paths,
)
from bench.soakclient import Browser, form_with, forms_of  # noqa: E402

PASSWORD = "Soak-mat-khau-" + secrets.token_hex(6)
READER_KINDS = {kind: weight for kind, weight in MIX.items() if kind != "search"}
_META_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
_ERROR_FLASH = re.compile(r'<div class="alert[^"]*alert-(?:danger|error)[^"]*"[^>]*>(.*?)</div>', re.S)


def error_flash(page):
    """The text of the first error message flashed on a page ("" if none)."""
    found = _ERROR_FLASH.search(page)
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1)).strip()[:90] if found else ""


# --- what happened --------------------------------------------------------------------------------

class Tally:
    """Requests by kind, status classes, latencies and errors; shared by every virtual user."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = defaultdict(Counter)  # kind -> Counter of "2xx", "3xx", "4xx", "5xx", "error"
        self.latency = defaultdict(list)
        self.errors = Counter()  # description -> count (5xx responses included)
        self.server_errors = 0
        self.notes = Counter()  # things worth reporting that are not errors

    def request(self, kind, browser, method, path, form=None, expect=(200,)):
        """One request; a socket error or a status outside `expect` is counted (and None returned)."""
        started = time.perf_counter()
        try:
            response = browser.request(method, path, form)
        except Exception as exc:  # timeouts, resets: counted, the user goes on
            with self.lock:
                self.statuses[kind]["error"] += 1
                self.errors[f"{kind}: {type(exc).__name__}"] += 1
            return None
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.statuses[kind][f"{response.status // 100}xx"] += 1
            self.latency[kind].append(elapsed)
            self.server_errors += response.status >= 500
            if response.status not in expect:
                where = urllib.parse.urlsplit(path).path
                where = re.sub(r"/\d+", "/<id>", where)
                self.errors[f"{kind}: {response.status} on {method} {where}"] += 1
        return response if response.status in expect else None

    def note(self, text, n=1):
        with self.lock:
            self.notes[text] += n


@dataclass
class Write:
    """An object the load wrote: what the last acknowledged save sent, and every save attempted."""

    kind: str  # article, visit, report
    id: int
    fields: dict = field(default_factory=dict)  # field -> value of the last acknowledged save
    state: str = ""  # status / state after the last acknowledged step
    marker: str = ""  # the marker of the last acknowledged save
    markers: list = field(default_factory=list)  # every marker sent, acknowledged or not
    pending: list = field(default_factory=list)  # unanswered saves: (fields, marker) that may have landed
    acknowledged: int = 0


class Journal:
    def __init__(self):
        self.lock = threading.Lock()
        self.writes = {}  # (kind, id) -> Write
        self.counts = Counter()  # acknowledged and refused writes by kind
        self.published = []  # (slug, id) of articles published during the run

    def ack(self, kind, object_id, fields=None, marker=None, state=None, label=None):
        with self.lock:
            write = self.writes.setdefault((kind, object_id), Write(kind, object_id))
            if fields is not None:
                write.fields, write.marker, write.pending = dict(fields), marker, []
                write.markers.append(marker)
                write.acknowledged += 1
            if state is not None:
                write.state = state
            self.counts[label or f"{kind} saved"] += 1

    def attempt(self, kind, object_id, fields, marker):
        """A save sent without an answer (socket error, timeout): it may or may not have landed."""
        with self.lock:
            write = self.writes.setdefault((kind, object_id), Write(kind, object_id))
            write.pending.append((dict(fields), marker))
            write.markers.append(marker)

    def count(self, label):
        with self.lock:
            self.counts[label] += 1


class Markers:
    """Unique lower-case ASCII words, one per save: soak<run><n>."""

    def __init__(self):
        self.run = secrets.token_hex(3)
        self._n = 0
        self._lock = threading.Lock()

    def next(self):
        with self._lock:
            self._n += 1
            return f"soak{self.run}x{self._n}"


# --- the site ---------------------------------------------------------------------------------------

def setup_people(data_dir, editors, staff):
    """Accounts and visit reference data in the site's database; returns {role: [usernames]}."""
    from bench.generate import make_app
    from cms.accounts import User, create_user
    from cms.db import database
    from visits.models import Department, Locality, Official

    app = make_app(data_dir)
    names = {"editor": [f"soak_bientap_{i}" for i in range(editors)],
             "staff": [f"soak_chuyenvien_{i}" for i in range(staff)], "leader": ["soak_lanhdao"]}
    with app.app_context(), database.connection_context(), database.atomic():
        accounts = {}
        for role, usernames in names.items():
            for username in usernames:
                user = User.get_or_none(User.username == username) or create_user(
                    username, PASSWORD, role, full_name=f"Soak {username}")
                user.set_password(PASSWORD)
                user.save()
                accounts[username] = user
        department = Department.get_or_none(Department.code == "SOAK") or Department.create(
            code="SOAK", name="Phòng Tổ chức đảng (soak)", position=99)
        province = Locality.get_or_none(Locality.code == "SOAK") or Locality.create(
            code="SOAK", name="Tỉnh Nghệ An (soak)", kind="tinh")
        for i, name in enumerate(["Huyện Kỳ Sơn", "Huyện Nam Đàn", "Huyện Quỳnh Lưu"]):
            code = f"SOAK-{i}"
            Locality.get_or_none(Locality.code == code) or Locality.create(
                code=code, name=f"{name} (soak)", kind="huyen", parent=province, position=i)
        for i, username in enumerate(names["staff"]):
            if not Official.select().where(Official.user == accounts[username].id).exists():
                Official.create(code=f"SOAK{i}", full_name=f"Cán bộ soak {i}", department=department,
                                user=accounts[username].id)
    return names


# --- virtual users ------------------------------------------------------------------------------------

class User:
    def __init__(self, kind, base_url, tally, journal, markers, stop_at, think, seed, timeout):
        self.kind, self.tally, self.journal, self.markers = kind, tally, journal, markers
        self.browser = Browser(base_url, timeout)
        self.stop_at, self.think = stop_at, think
        self.rng = random.Random(seed)

    def running(self):
        return time.monotonic() < self.stop_at

    def pause(self):
        if self.think:
            time.sleep(self.rng.uniform(0, 2 * self.think))

    def get(self, path, expect=(200,), kind=None):
        return self.tally.request(kind or self.kind, self.browser, "GET", path, expect=expect)

    def post(self, path, form, expect=(302,), kind=None):
        return self.tally.request(kind or self.kind, self.browser, "POST", path, form, expect=expect)

    def token(self, page):
        for form in forms_of(page):
            if form.value("csrf_token"):
                return form.value("csrf_token")
        found = _META_TOKEN.search(page)
        return found.group(1) if found else ""

    def login(self, username):
        page = self.get("/dang-nhap", kind="login")
        form = page and form_with(page.text, "username")
        if form is None:
            return False
        done = self.post("/dang-nhap", form.data(username=username, password=PASSWORD), kind="login")
        return done is not None and done.location.startswith("/admin")

    def step_succeeded(self, response, kind):
        """A workflow step answered with a redirect: did the page it leads to say it was done?"""
        if response is None:
            return False
        page = self.get(response.location, kind=kind)
        if page is None:
            return False
        refused = error_flash(page.text)
        if refused:
            self.tally.note(f"{kind}: step refused: {refused}")
            return False
        return "Đã thực hiện" in page.text

    def save_again(self, kind, object_id, path, field_name, content_for):
        """Open the edit form at `path` (the form with `field_name`), send it back with new content
        (`content_for(marker)`) and the rest as the page gave it; record the outcome."""
        page = self.get(path, kind=f"{self.kind} form")
        form = page and form_with(page.text, field_name)
        if form is None:
            return
        marker = self.markers.next()
        content = content_for(marker)
        response = self.post(path, form.data(**content), expect=(200, 302), kind=f"{self.kind} save")
        if response is None:
            self.journal.attempt(kind, object_id, content, marker)
        elif response.status == 302:
            self.journal.ack(kind, object_id, content, marker, label=f"{kind} saved")
        else:
            self.journal.count(f"{kind} save refused")

    def run(self):
        try:
            self.loop()
        finally:
            self.browser.close()


class Reader(User):
    def __init__(self, *args, urls, **kwargs):
        super().__init__(*args, **kwargs)
        self.samples = sample_paths(urls, self.rng, n=5000)
        self.kinds, self.weights = list(READER_KINDS), list(READER_KINDS.values())

    def loop(self):
        while self.running():
            published = self.journal.published
            if published and self.rng.random() < 0.1:
                slug, _ = self.rng.choice(published)
                self.get(f"/bai-viet/{urllib.parse.quote(slug)}", kind="read new article")
            else:
                kind = self.rng.choices(self.kinds, self.weights)[0]
                self.get(self.rng.choice(self.samples[kind]), expect=(200, 301), kind=f"read {kind}")
            self.pause()


class Searcher(User):
    def loop(self):
        while self.running():
            published = self.journal.published
            endpoint = self.rng.choice(["/tim-kiem", "/api/search"])
            if published and self.rng.random() < 0.2:
                slug, article_id = self.rng.choice(published)
                marker = self.journal.writes[("article", article_id)].marker  # of its last saved version
                response = self.get(f"{endpoint}?{urllib.parse.urlencode({'q': marker})}", kind="search")
                if response is not None:
                    found = slug in response.text
                    self.tally.note("search for the marker of a published article's last version: "
                                    + ("found" if found else "not found (index behind)"))
            else:
                query = self.rng.choice(SEARCH_QUERIES)
                extra = self.rng.choice([{}, {}, {"page": 2}, {"sort": "date"}])
                self.get(f"{endpoint}?{urllib.parse.urlencode({'q': query, **extra})}", kind="search")
            self.pause()


class Editor(User):
    def __init__(self, *args, username, **kwargs):
        super().__init__(*args, **kwargs)
        self.username = username
        self.articles = {}  # id -> status

    def loop(self):
        if not self.login(self.username):
            self.tally.note(f"editor {self.username}: login failed")
            return
        while self.running():
            drafts = [i for i, status in self.articles.items() if status == "draft"]
            roll = self.rng.random()
            if not self.articles or roll < 0.3:
                self.create()
            elif drafts and roll < 0.5:
                self.publish(self.rng.choice(drafts))
            else:
                self.edit(self.rng.choice(list(self.articles)))
            self.pause()

    def _content(self, marker):
        words = self.rng.sample(["cán bộ", "đảng viên", "chi bộ", "sinh hoạt", "Tỉnh uỷ", "cơ sở",
                                 "hoà giải", "kết nạp", "nghị quyết", "Kỳ Sơn"], 4)
        title = f"Bài thử tải {marker}: {words[0]} và {words[1]}"
        lead = f"Sapo {marker} về {words[2]}."
        body = (f"## Nội dung {marker}\n\nĐoàn công tác làm việc về {words[3]} ở cơ sở ({marker}).\n\n"
                f"- {words[0]}\n- {words[1]}\n")
        return {"title": title, "lead": lead, "body": body}

    def create(self):
        page = self.get("/admin/article/new/", kind="editor form")
        form = page and form_with(page.text, "title")
        if form is None:
            return
        marker = self.markers.next()
        content = self._content(marker)
        category = self.rng.choice([value for value in form.options.get("category", []) if value])
        data = form.data(category=category, tags_text="thử tải, soak", **content)
        response = self.post("/admin/article/new/", data, expect=(200, 302), kind="editor save")
        if response is None:
            self.tally.note("editor: create unanswered (no id to check)")
            return
        if response.status != 302 or "id=" not in response.location:
            self.journal.count("article save refused")
            return
        article_id = int(urllib.parse.parse_qs(urllib.parse.urlsplit(response.location).query)["id"][0])
        self.articles[article_id] = "draft"
        self.journal.ack("article", article_id, content, marker, state="draft", label="article created")

    def edit(self, article_id):
        path = f"/admin/article/edit/?id={article_id}"
        self.save_again("article", article_id, path, "title", self._content)

    def publish(self, article_id):
        page = self.get(f"/admin/article/edit/?id={article_id}", kind="editor form")
        if page is None:
            return
        form = form_with(page.text, "title")
        slug = form.value("slug") if form else ""
        response = self.post(f"/admin/article/transition/{article_id}",
                             {"csrf_token": self.token(page.text), "name": "publish", "published_at": ""},
                             kind="editor publish")
        if self.step_succeeded(response, "editor publish"):
            self.articles[article_id] = "published"
            self.journal.ack("article", article_id, state="published", label="article published")
            if slug:
                self.journal.published.append((slug, article_id))


class Staff(User):
    def __init__(self, *args, username, leader, **kwargs):
        super().__init__(*args, **kwargs)
        self.username = username
        self.leader = User("leader", f"http://{self.browser.host}:{self.browser.port}", self.tally,
                           self.journal, self.markers, self.stop_at, 0, self.rng.random(),
                           self.browser.timeout)
        self.leader_name = leader

    def run(self):
        try:
            super().run()
        finally:
            self.leader.browser.close()

    def loop(self):
        if not self.login(self.username) or not self.leader.login(self.leader_name):
            self.tally.note(f"staff {self.username}: login failed")
            return
        while self.running():
            self.visit_cycle()
            self.pause()

    def transition(self, user, visit_id, name, kind, comment=""):
        page = user.get(f"/admin/visit/details/?id={visit_id}", kind=kind)
        if page is None:
            return False
        form = {"csrf_token": self.token(page.text), "name": name, "comment": comment}
        response = user.post(f"/admin/visit/transition/{visit_id}", form, kind=kind)
        return user.step_succeeded(response, kind)

    def visit_cycle(self):
        page = self.get("/admin/visit/new/", kind="staff form")
        form = page and form_with(page.text, "title")
        if form is None:
            return
        marker = self.markers.next()
        day = self.rng.randint(7, 60)
        start_date = time.strftime("%d/%m/%Y", time.localtime(time.time() + day * 86400))
        end_date = time.strftime("%d/%m/%Y", time.localtime(time.time() + (day + 1) * 86400))
        localities = [v for v in form.options.get("localities", []) if v]
        if not (localities and form.value("lead") and form.value("main_topic")):
            self.tally.note("staff: the visit form offers no lead, locality or topic")
            return
        content = {"title": f"Đi cơ sở thử tải {marker}", "plan_text": f"Kế hoạch {marker}: làm việc với "
                   "Đảng ủy xã về công tác phát triển đảng viên."}
        data = form.data(localities=[self.rng.choice(localities)], start_date=start_date, end_date=end_date,
                         partners="Đảng ủy xã", **content)
        response = self.post("/admin/visit/new/", data, expect=(200, 302), kind="staff save")
        if response is None:
            self.tally.note("staff: plan unanswered (no id to check)")
            return
        if response.status != 302 or "id=" not in response.location:
            self.journal.count("visit save refused")
            self.tally.note(f"staff: plan refused: {error_flash(response.text) or response.status}")
            return
        visit_id = int(urllib.parse.parse_qs(urllib.parse.urlsplit(response.location).query)["id"][0])
        self.journal.ack("visit", visit_id, content, marker, state="draft", label="visit planned")
        if not self.transition(self, visit_id, "submit", "staff step"):
            return
        self.journal.ack("visit", visit_id, state="submitted", label="visit submitted")
        if not self.transition(self.leader, visit_id, "approve", "leader step", "Đồng ý"):
            return
        self.journal.ack("visit", visit_id, state="approved", label="visit approved")
        for _ in range(2):  # the report, then a second version of it
            if not self.running():
                return
            self.report(visit_id)
        if self.transition(self, visit_id, "complete", "staff step"):
            self.journal.ack("visit", visit_id, state="done", label="visit done")

    def report(self, visit_id):
        def content(marker):
            return {"findings": f"Kết quả {marker}: xã kết nạp thêm đảng viên mới.",
                    "proposals": f"Kiến nghị {marker}: hỗ trợ tạo nguồn.", "lessons": f"Bài học {marker}."}
        self.save_again("report", visit_id, f"/admin/visit/report/{visit_id}", "findings", content)


# --- the checks ------------------------------------------------------------------------------------

def nfc(text):
    return unicodedata.normalize("NFC", text)


def check_database(data_dir, journal):
    """Lost writes: acknowledged content or state not in the database. Returns [description]."""
    from bench.generate import make_app
    from cms.db import database
    from cms.models import Article
    from visits.models import Visit, VisitReport

    app = make_app(data_dir)
    lost = []
    getters = {"article": lambda i: Article.get_or_none(Article.id == i),
               "visit": lambda i: Visit.get_or_none(Visit.id == i),
               "report": lambda i: VisitReport.get_or_none(VisitReport.visit == i)}
    state_field = {"article": "status", "visit": "state"}
    with app.app_context(), database.connection_context():
        for (kind, object_id), write in sorted(journal.writes.items()):
            row = getters[kind](object_id)
            if row is None:
                if write.acknowledged or write.state:
                    lost.append(f"{kind} {object_id}: not in the database")
                continue
            stored = {name: getattr(row, name) for name in write.fields}
            candidates = [write.fields] + [fields for fields, _ in write.pending]
            if write.fields and not any(stored == {k: nfc(v) for k, v in c.items()} for c in candidates):
                changed = [name for name in write.fields if stored[name] != nfc(write.fields[name])]
                lost.append(f"{kind} {object_id}: {', '.join(changed)} differ from the last "
                            "acknowledged save")
            if write.state and kind in state_field and getattr(row, state_field[kind]) != write.state:
                lost.append(f"{kind} {object_id}: state {getattr(row, state_field[kind])!r}, "
                            f"acknowledged {write.state!r}")
    return lost


def catch_up_and_check_index(data_dir, journal):
    """Apply the outbox, compare the indexes with the database, look every write up by its marker."""
    from whoosh import query as wq

    from bench.generate import make_app
    from cms.db import database
    from cms.models import Article, IndexTask
    from search_index import sync

    app = make_app(data_dir)
    service = app.extensions["search"]
    result = {"pending_at_stop": {}, "catch_up_s": 0.0, "drift": {}, "missing": [], "stale": [],
              "leaked": []}
    with app.app_context(), database.connection_context():
        last_row = IndexTask.select(IndexTask.id).order_by(IndexTask.id.desc()).scalar() or 0
        started = time.perf_counter()
        for name, store in service.stores.items():
            result["pending_at_stop"][name] = last_row - store.position()
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                applied = sync.apply_pending(store, service.sources)
                if applied == 0:
                    break
                if applied is None:
                    time.sleep(0.2)
        result["catch_up_s"] = time.perf_counter() - started
        for name, store in service.stores.items():
            drift = sync.check(store, service.sources)
            result["drift"][name] = {kind: len(keys) for kind, keys in drift.items()}
            if any(drift.values()):
                result["drift"][name + " keys"] = {kind: keys[:10] for kind, keys in drift.items() if keys}
        public_now = {a.id for a in Article.public().where(
            Article.id.in_([i for (k, i) in journal.writes if k == "article"] or [0]))}
        searchers = {name: store.index().searcher() for name, store in service.stores.items()}
        try:
            def keys_with(name, marker):
                found = set()
                for field_name in ("title_f", "body_f"):
                    query = wq.Term(field_name, marker)
                    found |= {hit["key"] for hit in searchers[name].search(query, limit=None)}
                return found

            for (kind, object_id), write in sorted(journal.writes.items()):
                if not write.markers:
                    continue
                key = f"{kind}:{object_id}"
                final = write.marker
                landed = [marker for _, marker in write.pending]
                if final is None and not landed:
                    continue
                public = kind == "article" and object_id in public_now
                wanted = {"internal", "public"} if public else {"internal"}
                for name in searchers:
                    holders = {m for m in write.markers if key in keys_with(name, m)}
                    if name in wanted:
                        if not holders & ({final} | set(landed)):
                            result["missing"].append(f"{name}: {key} (marker {final})")
                        if len(holders) > 1:
                            result["stale"].append(f"{name}: {key} holds {sorted(holders)}")
                    elif holders:
                        result["leaked"].append(f"{name}: {key}")
        finally:
            for searcher in searchers.values():
                searcher.close()
    return result


# --- the run -------------------------------------------------------------------------------------------

def percentile(values, p):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def print_report(args, settings, tally, journal, lost, index, load_before, load_after, elapsed, site):
    total = sum(sum(c.values()) for c in tally.statuses.values())
    print(f"\nSoak: {elapsed:.0f} s of load on gunicorn ({settings['workers']} workers x "
          f"{settings['threads']} threads, {settings['worker_class']}), site of {args.articles} articles "
          "on SQLite; users: "
          f"{args.readers} readers, {args.searchers} searchers, {args.editors} editors, {args.staff} staff "
          f"(+1 leader session per staff), think {args.think} s")
    print(f"Machine: {os.cpu_count()} CPUs; 1-minute load average {load_before:.2f} before, "
          f"{load_after:.2f} at the end of the load\n")
    print(f"| {'kind':<20} | {'requests':>8} | {'2xx':>6} | {'3xx':>5} | {'4xx':>4} | {'5xx':>4} | "
          f"{'errors':>6} | {'p50 ms':>7} | {'p95 ms':>7} | {'max ms':>7} |")
    print("|" + "-" * 22 + "|" + "|".join("-" * (w + 1) + ":" for w in (8, 6, 5, 4, 4, 6, 7, 7, 7)) + "|")
    for kind in sorted(tally.statuses):
        counts, latency = tally.statuses[kind], tally.latency[kind]
        print(f"| {kind:<20} | {sum(counts.values()):>8} | {counts['2xx']:>6} | {counts['3xx']:>5} | "
              f"{counts['4xx']:>4} | {counts['5xx']:>4} | {counts['error']:>6} | "
              f"{percentile(latency, 50):>7.0f} | {percentile(latency, 95):>7.0f} | "
              f"{max(latency, default=0):>7.0f} |")
    five = tally.server_errors
    other = sum(tally.errors.values()) - five
    print(f"\nRequests: {total} ({total / elapsed:.1f}/s). 5xx responses: {five}. Other errors: {other}")
    for text, n in tally.errors.most_common(12):
        print(f"  {n:>5}  {text}")
    print("\nWrites: " + ", ".join(f"{label} {n}" for label, n in sorted(journal.counts.items())))
    unanswered = sum(len(w.pending) for w in journal.writes.values())
    print(f"Saves sent without an answer (may or may not have landed; accepted either way): {unanswered}")
    for text, n in sorted(tally.notes.items()):
        print(f"  {n:>5}  {text}")
    print(f"\nLost writes (acknowledged, not in the database as sent): {len(lost)}")
    for text in lost[:20]:
        print(f"  {text}")
    print("\nIndex: outbox rows not yet applied when the load stopped: "
          + ", ".join(f"{name} {n}" for name, n in index["pending_at_stop"].items())
          + f" (applied in {index['catch_up_s']:.1f} s)")
    drift = {name: counts for name, counts in index["drift"].items() if not name.endswith(" keys")}
    drift_total = sum(sum(c.values()) for c in drift.values())
    print(f"Index drift after catch-up (sync.check: missing/extra/stale documents): {drift_total} "
          + "; ".join(f"{name} {counts}" for name, counts in drift.items()))
    for name, keys in index["drift"].items():
        if name.endswith(" keys"):
            print(f"  {name}: {keys}")
    print(f"Acknowledged writes missing from the index by marker: {len(index['missing'])}; documents holding "
          f"an older version: {len(index['stale'])}; run's writes in an index they must not be in: "
          f"{len(index['leaked'])}")
    for text in (index["missing"] + index["stale"] + index["leaked"])[:20]:
        print(f"  {text}")
    logged = site.errors_logged()
    print(f"\nTracebacks in the server's log: {logged}" + (f" (see {site.log_path})" if logged else ""))
    failures = (five + len(lost) + drift_total + len(index["missing"]) + len(index["stale"])
                + len(index["leaked"]))
    return failures == 0, {"requests": total, "5xx": five, "other_errors": other, "lost_writes": len(lost),
                           "index_drift": drift_total, "index_missing": len(index["missing"]),
                           "tracebacks": logged}


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=180, help="length of the load")
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--searchers", type=int, default=2)
    parser.add_argument("--editors", type=int, default=2)
    parser.add_argument("--staff", type=int, default=2)
    parser.add_argument("--think", type=float, default=0.05, help="mean pause between a user's actions, s")
    parser.add_argument("--workers", type=int, default=4,
                        help="gunicorn workers (CMS_WORKERS): several processes sharing the database "
                        "and the indexes, whatever gunicorn.conf.py gives this machine (0: its value)")
    parser.add_argument("--threads", type=int, help="threads per worker (CMS_THREADS)")
    parser.add_argument("--articles", type=int, default=1000, help="size of the generated site")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=30.0, help="client socket timeout, s")
    parser.add_argument("--index-procs", type=int, default=2, help="processes for the first reindex")
    parser.add_argument("--data-dir", type=Path, help="work here (default: a temporary dir)")
    parser.add_argument("--keep", action="store_true", help="keep the data dir (and the server log)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.seconds < 1 or min(args.readers, args.searchers, args.editors, args.staff) < 0:
        parser.error("--seconds must be positive and user counts not negative")
    return args


def _stop_on_signal(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv=None):
    args = parse_args(argv)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _stop_on_signal)
    if args.workers:
        os.environ["CMS_WORKERS"] = str(args.workers)
    if args.threads:
        os.environ["CMS_THREADS"] = str(args.threads)
    work = Path(args.data_dir).resolve() if args.data_dir else Path(tempfile.mkdtemp(prefix="cms-soak-"))
    if work == (ROOT / "instance").resolve():
        sys.exit("refusing to use ./instance")
    site_dir = work / "site"
    site = None
    try:
        log(f"preparing the site in {site_dir}")
        prepare_data_dir(site_dir, args.articles, args.seed, args.index_procs)
        urls, info = collect_urls(site_dir)
        people = setup_people(site_dir, args.editors, args.staff)
        settings = gunicorn_settings()
        site = Server("soak", site_dir)
        site.start()
        site.wait_ready("/robots.txt", settings["workers"])
        log(f"site at {site.url} ({settings['workers']} workers x {settings['threads']} threads); "
            f"load for {args.seconds} s")
        tally, journal, markers = Tally(), Journal(), Markers()
        load_before = os.getloadavg()[0]
        stop_at = time.monotonic() + args.seconds
        common = dict(tally=tally, journal=journal, markers=markers, stop_at=stop_at, think=args.think,
                      timeout=args.timeout)
        users = [Reader("reader", site.url, seed=args.seed * 1000 + i, urls=urls, **common)
                 for i in range(args.readers)]
        users += [Searcher("searcher", site.url, seed=args.seed * 2000 + i, **common)
                  for i in range(args.searchers)]
        users += [Editor("editor", site.url, seed=args.seed * 3000 + i, username=name, **common)
                  for i, name in enumerate(people["editor"])]
        users += [Staff("staff", site.url, seed=args.seed * 4000 + i, username=name,
                        leader=people["leader"][0], **common) for i, name in enumerate(people["staff"])]
        started = time.monotonic()
        threads = [threading.Thread(target=user.run, name=f"{user.kind}-{i}", daemon=True)
                   for i, user in enumerate(users)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(0.0, stop_at - time.monotonic()) + args.timeout + 30)
        elapsed = time.monotonic() - started
        load_after = os.getloadavg()[0]
        log(f"load done ({elapsed:.0f} s); stopping the server, then checking")
        site.stop()
        lost = check_database(site_dir, journal)
        index = catch_up_and_check_index(site_dir, journal)
        ok, figures = print_report(args, settings, tally, journal, lost, index, load_before, load_after,
                                   elapsed, site)
        if args.json:
            args.json.write_text(json.dumps({
                "settings": settings, "site": info, "args": {k: str(v) for k, v in vars(args).items()},
                "figures": figures, "requests": {k: dict(v) for k, v in tally.statuses.items()},
                "errors": dict(tally.errors), "notes": dict(tally.notes), "writes": dict(journal.counts),
                "lost": lost, "index": index, "load_average": [load_before, load_after],
            }, indent=1, default=str))
        return 0 if ok else 1
    except KeyboardInterrupt:
        log("interrupted: stopping the server")
        return 130
    finally:
        if site is not None:
            site.stop()
        if args.keep or args.data_dir:
            log(f"data dir kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
