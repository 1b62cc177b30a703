"""Security headers on every response, and knowing when a request came over HTTPS.

- Every response: `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`, a Referrer-Policy.
- HTML pages get a Content-Security-Policy. Public pages (the site, login, error pages) run no
  inline script or handler at all, so their policy is strict: scripts, styles and images from the
  site itself only, no plugins, no `<base>` or form posts elsewhere, never framed.
- The back office (/admin/) gets the same policy except for 'unsafe-inline' scripts and styles:
  Flask-Admin's own templates use inline scripts and `onclick` handlers (confirm-before-delete,
  list actions, filters) and inline styles, which nonces cannot cover. Everything else there is as
  strict as the public site (no external origin at all, never framed, forms post to the site only).
- Any other response (images, feeds, JSON, files) gets `default-src 'none'; sandbox`: opened
  directly in a browser, an uploaded file can never run script in the site's origin.
  A policy set by a view itself (attachment downloads) is kept.
- Every response of the back office and of login/logout (pages, redirects, errors, exports,
  downloads) gets `Cache-Control: no-store, private`, replacing whatever a view set: neither the
  browser's cache nor a proxy keeps a copy of a confidential page. Flask-Admin's own static files
  (/admin/static/: the same vendor scripts for everyone) keep their caching.

HTTPS behind a proxy: set `CMS_PROXY_COUNT` (environment) to the number of proxies in front of the
app (1 for one nginx). Werkzeug's ProxyFix then trusts that many X-Forwarded-For and
X-Forwarded-Proto values, so `request.is_secure` is true for requests the proxy took over HTTPS and
the client address (used by the login lockout) is the real one. With the default 0 these headers
are ignored: a client cannot claim HTTPS or another address. On a secure request, every cookie the
app sets gets the Secure flag and the response carries Strict-Transport-Security; the session
cookie is always HttpOnly and SameSite=Lax (cms.config), the remember-me cookie too (below).
The headers are added by a WSGI middleware around the whole app, so that pages the page cache
answers before Flask (cms.caching) carry them as well as those Flask renders.

One input rule lives here too, since it guards every endpoint alike: a request with a NUL character
in its path, query or form is refused with a 400 (PostgreSQL refuses such text with an error),
except on the search screens, which clean what a reader types themselves.
"""

import os

from flask import render_template, request
from werkzeug.middleware.proxy_fix import ProxyFix

_COMMON = ("default-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
           "frame-ancestors 'none'; img-src 'self' data:; font-src 'self'; connect-src 'self'")
PUBLIC_CSP = f"{_COMMON}; script-src 'self'; style-src 'self'"
ADMIN_CSP = f"{_COMMON}; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'"
FILE_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"
PUBLIC_REFERRER = "strict-origin-when-cross-origin"
ADMIN_REFERRER = "same-origin"  # back-office URLs (ids, filters) never leave the site
HSTS = "max-age=31536000"
NO_STORE = "no-store, private"
AUTH_PATHS = {"/dang-nhap", "/dang-xuat"}


def is_admin_path(path):
    return path == "/admin" or path.startswith("/admin/")


def is_never_stored(path):
    return path in AUTH_PATHS or (is_admin_path(path) and not path.startswith("/admin/static/"))


def secure_cookie(cookie):
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    return cookie if "secure" in attributes else f"{cookie}; Secure"


def add_headers(headers, path, secure, status="200"):
    """Complete a response's header list (WSGI form: name, value pairs) in place."""
    present = {name.lower() for name, _ in headers}
    if status.startswith("304"):
        # A 304's headers replace the cached copy's in the browser, and a 304 carries no type:
        # whatever policy it sent would overwrite the page's own. It keeps what the page had.
        present.add("content-security-policy")
    admin = is_admin_path(path)
    mimetype = next((value.split(";")[0].strip().lower() for name, value in headers
                     if name.lower() == "content-type"), "")
    wanted = [("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
              ("Referrer-Policy", ADMIN_REFERRER if admin else PUBLIC_REFERRER),
              ("Content-Security-Policy", (ADMIN_CSP if admin else PUBLIC_CSP) if mimetype == "text/html"
               else FILE_CSP)]
    if is_never_stored(path):
        headers[:] = [(name, value) for name, value in headers
                      if name.lower() not in ("cache-control", "expires")]
        headers.append(("Cache-Control", NO_STORE))
    if secure:
        wanted.append(("Strict-Transport-Security", HSTS))
        headers[:] = [(name, secure_cookie(value) if name.lower() == "set-cookie" else value)
                      for name, value in headers]
    headers.extend((name, value) for name, value in wanted if name.lower() not in present)


class SecurityHeaders:
    """WSGI middleware: every response gets the headers, whoever made it (a Flask view, an error
    handler, or the page cache answering before Flask), and every cookie set over HTTPS is Secure."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        path, secure = environ.get("PATH_INFO", ""), environ.get("wsgi.url_scheme") == "https"

        def start(status, headers, exc_info=None):
            add_headers(headers, path, secure, status)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


# Search screens take any text a reader types and clean it themselves (control characters become
# spaces, the text never reaches SQL): a stray NUL there gets results, not an error page.
NUL_TOLERANT_ENDPOINTS = {"search.search_page", "search.search_api", "staff_search.index"}


def refuse_nul_characters():
    """A NUL character has no place in a URL or a form field, and PostgreSQL refuses any text that
    holds one (a 500 wherever it reached a query): the request is refused as a whole, up front."""
    if request.method == "GET" and request.endpoint in NUL_TOLERANT_ENDPOINTS:
        return None
    values = [request.path, *(part for item in request.args.items(multi=True) for part in item)]
    if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded",
                                                         "multipart/form-data"):
        values += [part for item in request.form.items(multi=True) for part in item]
    if any("\x00" in value for value in values):
        return render_template("errors/400.html", reason="Yêu cầu chứa ký tự không hợp lệ (NUL)."), 400
    return None


def proxy_count(app):
    raw = app.config.get("CMS_PROXY_COUNT", os.environ.get("CMS_PROXY_COUNT", "0"))
    try:
        count = int(raw or 0)
    except (TypeError, ValueError):
        raise ValueError(f"CMS_PROXY_COUNT must be a whole number of proxies, not {raw!r}") from None
    if count < 0:
        raise ValueError(f"CMS_PROXY_COUNT must not be negative, not {raw!r}")
    return count


def init_app(app):
    """Call last in create_app: the middleware must wrap every other layer (the page cache's too)."""
    count = proxy_count(app)
    app.config["CMS_PROXY_COUNT"] = count
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_nul_characters)
    app.wsgi_app = SecurityHeaders(app.wsgi_app)
    if count:  # outside the headers: they must see the scheme the proxy reported
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)
