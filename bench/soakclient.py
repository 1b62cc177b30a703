"""A small browser for bench/soak.py: one keep-alive connection, cookies, and the forms of a page.

Standard library only (http.client, html.parser): the soak drives the real forms as a browser
would, CSRF tokens and hidden fields included, without a third-party HTTP client.
"""

import http.client
import time
import urllib.parse
from html.parser import HTMLParser
from http.cookies import SimpleCookie

# gunicorn closes a connection idle for `keepalive` (5 s) seconds: open a new one before that.
IDLE_REOPEN_SECONDS = 3.0


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    @property
    def location(self):
        """The path (and query) a redirect points at, host removed."""
        parts = urllib.parse.urlsplit(self.headers.get("Location", ""))
        return parts.path + (f"?{parts.query}" if parts.query else "")


class Browser:
    """Requests to one server over one connection, with the cookies it set (no redirects followed)."""

    def __init__(self, base_url, timeout=30.0):
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.timeout = timeout
        self.cookies = {}
        self._connection = None
        self._last_used = 0.0

    def _connect(self):
        if self._connection is None or time.monotonic() - self._last_used > IDLE_REOPEN_SECONDS:
            self.close()
            self._connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._connection

    def close(self):
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def request(self, method, path, form=None):
        headers = {"User-Agent": "cms-soak/1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True).encode("utf-8")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = self._connect()
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            data = raw.read()
        except Exception:
            self.close()  # the connection state is unknown: never reuse it
            raise
        finally:
            self._last_used = time.monotonic()
        for header in raw.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if raw.headers.get("Connection", "").lower() == "close":
            self.close()
        return Response(raw.status, raw.headers, data)

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, form):
        return self.request("POST", path, form)


class Form:
    """One <form>: its action and the name/value pairs a browser would submit (no submit buttons)."""

    def __init__(self, action, method):
        self.action, self.method = action, method
        self.fields = []  # (name, value) in page order
        self.options = {}  # select name -> [option values]

    def names(self):
        return {name for name, _ in self.fields} | set(self.options)

    def value(self, name, default=None):
        for key, value in self.fields:
            if key == name:
                return value
        return default

    def data(self, **overrides):
        """The fields as a dict of lists, with `overrides` (a value or a list) replacing them."""
        data = {}
        for name, value in self.fields:
            data.setdefault(name, []).append(value)
        for name, value in overrides.items():
            data[name] = value if isinstance(value, list) else [value]
        return data


class FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = self._textarea = self._select = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = Form(attrs.get("action") or "", (attrs.get("method") or "get").lower())
            self.forms.append(self._form)
        elif self._form is None or not attrs.get("name"):
            if tag == "option" and self._select is not None:
                self._option(attrs)
            return
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._form.fields.append((attrs["name"], attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea":
            self._textarea, self._text = attrs["name"], []
        elif tag == "select":
            self._select = attrs["name"]
            self._form.options.setdefault(self._select, [])

    def _option(self, attrs):
        value = attrs.get("value", "")
        self._form.options[self._select].append(value)
        if "selected" in attrs:
            self._form.fields.append((self._select, value))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            text = "".join(self._text)
            if text.startswith("\r\n"):  # browsers drop the newline that opens a textarea
                text = text[2:]
            elif text.startswith("\n"):
                text = text[1:]
            self._form.fields.append((self._textarea, text))
            self._textarea = None
        elif tag == "select":
            self._select = None


def forms_of(page):
    parser = FormParser()
    parser.feed(page)
    parser.close()
    return parser.forms


def form_with(page, field):
    """The first form of the page that has a field named `field` (None if there is none)."""
    return next((form for form in forms_of(page) if field in form.names()), None)
