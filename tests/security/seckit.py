"""Helpers for the security tests: attack payloads, a checker for executable script in rendered
HTML, logging in through the real form (CSRF on), and a fingerprint of the whole database."""

import atexit
import functools
import hashlib
import html
import re
import shutil
import tempfile
from html.parser import HTMLParser
from urllib.parse import urlsplit

from cms.db import database

PASSWORD = "mat-khau-Bao-mat-1"
MARK = "XSSMARK"

# Classic XSS vectors; each carries MARK so that what came from input can be told from the
# application's own markup. (name, payload)
XSS_PAYLOADS = [
    ("script-tag", f"<script>alert('{MARK}')</script>"),
    ("img-onerror", f"<img src=x onerror=alert('{MARK}')>"),
    ("svg-onload", f"<svg onload=alert('{MARK}')>"),
    ("attr-breakout-dq", f"\"><script>alert('{MARK}')</script>"),
    ("attr-breakout-sq", f"'><img src=x onerror=alert('{MARK}')>"),
    ("attr-handler-injection", f"\" onmouseover=\"alert('{MARK}')\" x=\""),
    ("a-javascript-href", f"<a href=\"javascript:alert('{MARK}')\">x</a>"),
    ("a-entity-javascript", f"<a href=\"&#106;avascript:alert('{MARK}')\">x</a>"),
    ("img-tab-javascript", f"<IMG SRC=\"jav&#x09;ascript:alert('{MARK}');\">"),
    ("iframe-javascript", f"<iframe src=\"javascript:alert('{MARK}')\"></iframe>"),
    ("body-onload", f"<body onload=alert('{MARK}')>"),
    ("details-ontoggle", f"<details open ontoggle=alert('{MARK}')>"),
    ("input-autofocus", f"<input autofocus onfocus=alert('{MARK}')>"),
    ("nested-script", f"<scr<script>ipt>alert('{MARK}')</scr</script>ipt>"),
    ("mxss-math-style", f"<math><mtext><table><mglyph><style><img src=x onerror=alert('{MARK}')>"),
    ("textarea-breakout", f"</textarea><script>alert('{MARK}')</script>"),
    ("title-breakout", f"</title><script>alert('{MARK}')</script>"),
    ("object-data-uri", f"<object data=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">"
                        f"{MARK}</object>"),
    ("meta-refresh", f"<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('{MARK}')\">"),
    ("style-import", f"<style>@import 'javascript:alert(\"{MARK}\")';</style>"),
    ("markdown-js-link", f"[x](javascript:alert('{MARK}'))"),
    ("markdown-js-image", f"![x](javascript:alert('{MARK}'))"),
    ("plain-javascript-url", f"javascript:alert('{MARK}')"),
    ("template-injection", f"{{{{7*7}}}}{MARK}{{% print(7*7) %}}"),
]
PAYLOAD_IDS = [name for name, _ in XSS_PAYLOADS]

# Classic SQL injection strings (name, payload).
SQLI_PAYLOADS = [
    ("quote", "'"),
    ("or-true", "' OR '1'='1"),
    ("or-true-comment", "' OR 1=1 --"),
    ("numeric-or", "1 OR 1=1"),
    ("union-select", "' UNION SELECT username, password_hash FROM app_user --"),
    ("stacked-drop", "1; DROP TABLE article; --"),
    ("stacked-drop-users", "'); DROP TABLE app_user; --"),
    ("sleep", "1' AND pg_sleep(0) IS NULL AND '1'='1"),
    ("comment", "1/**/OR/**/1=1"),
    ("double-quote", '" OR ""="'),
    ("like-wildcard", "%' OR name LIKE '%"),
    ("nul-byte", "1\x00' OR 1=1"),
    ("hex", "0x27 OR 1=1"),
    ("subquery", "(SELECT password_hash FROM app_user LIMIT 1)"),
]
SQLI_IDS = [name for name, _ in SQLI_PAYLOADS]

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "background",
                  "srcset", "codebase", "cite", "lowsrc", "dynsrc"}
# Elements the application never fills from input: input found in any of their attributes means the
# element itself was injected. (A form field's value or a meta description may carry input: escaped.)
ACTIVE_TAGS = {"script", "iframe", "object", "embed", "frame", "frameset", "applet", "base", "style",
               "link", "svg", "math"}
TEXT_ATTRIBUTES = {"title", "alt", "value", "content", "aria-label", "placeholder"}  # shown as text
SAFE_JS_URLS = {"javascript:void(0)"}  # Flask-Admin's own tab links


def _normalized_url(value):
    """What a browser makes of a URL attribute: entities decoded, whitespace and controls dropped."""
    text = html.unescape(value or "")
    return re.sub(r"[\x00-\x20]", "", text).lower()


class _ScriptFinder(HTMLParser):
    def __init__(self, allow_handlers):
        super().__init__(convert_charrefs=True)
        self.allow_handlers = allow_handlers
        self.problems = []
        self._open = []  # script/style elements being read: (tag, from_input)

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def _check(self, tag, attrs):
        joined = " ".join(f"{name}={value}" for name, value in attrs if name not in TEXT_ATTRIBUTES)
        from_input = MARK in joined
        names = {name for name, _ in attrs}
        if from_input and (tag in ACTIVE_TAGS or (tag == "meta" and "http-equiv" in names)):
            self.problems.append(f"<{tag}> element from input: {joined[:120]}")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") and (not self.allow_handlers or MARK in value):
                self.problems.append(f"event handler {name}={value[:80]!r} on <{tag}>")
            if name in URL_ATTRIBUTES or (tag == "meta" and name == "content" and "http-equiv" in names):
                url = _normalized_url(value)
                url = url.split("url=", 1)[1] if tag == "meta" and "url=" in url else url
                if url.startswith(("javascript:", "vbscript:", "data:text/html", "livescript:")) \
                        and url not in SAFE_JS_URLS:
                    self.problems.append(f"{name}={value[:80]!r} on <{tag}>: script URL")
        if tag in ("script", "style"):
            self._open.append(tag)

    def handle_endtag(self, tag):
        if self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_data(self, data):
        if self._open and MARK in data:
            self.problems.append(f"<{self._open[-1]}> content from input: {data[:80]!r}")


def script_problems(page, payloads=(), allow_handlers=False):
    """Ways `page` (HTML text) would run script from input: script/style elements, event handlers
    and javascript: URLs carrying MARK, raw (unescaped) payloads, an evaluated template expression.
    `allow_handlers`: the back office, where Flask-Admin's own onclick handlers are expected."""
    finder = _ScriptFinder(allow_handlers)
    finder.feed(page)
    finder.close()
    problems = list(finder.problems)
    for payload in payloads:
        if "<" in payload and payload in page:
            problems.append(f"unescaped payload in page: {payload[:60]!r}")
    if f"49{MARK}" in page:
        problems.append("template expression from input was evaluated")
    return problems


def assert_no_script(response, payloads=(), allow_handlers=False, where=""):
    assert response.status_code < 500, (where, response.status_code)
    page = response.get_data(as_text=True)
    problems = script_problems(page, payloads, allow_handlers)
    assert not problems, (where, problems)


@functools.lru_cache(maxsize=1)
def map_app():
    """A throwaway app (in-memory database, temporary data dir) to list URL rules and admin views
    at collection time: they do not depend on settings. The test fixtures build their own app."""
    from app import create_app
    data_dir = tempfile.mkdtemp(prefix="security-map-")
    atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    return create_app({"CMS_DATA_DIR": data_dir, "SECRET_KEY": "x", "DATABASE_URL": "sqlite:///:memory:"})


# --- logging in, tokens --------------------------------------------------------------------------

_INPUT_TOKEN = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')
_META_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def text_of(response):
    return response.get_data(as_text=True)


def csrf_from(page):
    found = _INPUT_TOKEN.search(page) or _META_TOKEN.search(page)
    assert found, "no CSRF token on the page"
    return html.unescape(found.group(1))


def login(client, username, password=PASSWORD, next_url=None, ip=None):
    """Log in through the form; `ip` sets the client's address from then on (sessions are bound to it)."""
    if ip:
        client.environ_base["REMOTE_ADDR"] = ip
    page = text_of(client.get("/dang-nhap"))
    data = {"csrf_token": csrf_from(page), "username": username, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/dang-nhap", data=data)


def token(client, path="/admin/"):
    return csrf_from(text_of(client.get(path)))


def location_of(response):
    return response.headers.get("Location", "")


def is_offsite(location):
    """Would a browser following this Location leave the site (or run script)? Browsers drop tabs and
    newlines, read backslashes as slashes, and for http(s) skip any number of slashes before the host."""
    cleaned = re.sub(r"[\x00-\x20]", "", location).replace("\\", "/")
    scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", cleaned)
    if scheme:
        if scheme.group(1).lower() not in ("http", "https"):
            return True  # javascript:, data:, ...
        rest = cleaned[scheme.end():].lstrip("/")
    elif cleaned.startswith("//"):
        rest = cleaned.lstrip("/")
    else:
        return False  # a path on this site
    host = urlsplit("//" + rest).hostname or ""
    return host != "localhost"


# --- the database as a whole ----------------------------------------------------------------------

VOLATILE_COLUMNS = {"view_count", "last_seen_at"}  # counted views, sessions touched by any request


def db_fingerprint(skip_tables=()):
    """{table: (row count, digest of every row)}: a write anywhere changes it."""
    result = {}
    for table in sorted(database.get_tables()):
        if table in skip_tables:
            continue
        cursor = database.execute_sql(f'SELECT * FROM "{table}"')
        names = [column[0] for column in cursor.description]
        keep = [i for i, name in enumerate(names) if name not in VOLATILE_COLUMNS]
        rows = sorted(repr(tuple(row[i] for i in keep)) for row in cursor.fetchall())
        result[table] = (len(rows), hashlib.sha1("\n".join(rows).encode()).hexdigest())
    return result


def changed_tables(before, after):
    return sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))
