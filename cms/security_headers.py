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

HTTPS behind a proxy: set `CMS_PROXY_COUNT` (environment) to the number of proxies in front of the
app (1 for one nginx). Werkzeug's ProxyFix then trusts that many X-Forwarded-For and
X-Forwarded-Proto values, so `request.is_secure` is true for requests the proxy took over HTTPS and
the client address (used by the login lockout) is the real one. With the default 0 these headers
are ignored: a client cannot claim HTTPS or another address. On a secure request, every cookie the
app sets gets the Secure flag and the response carries Strict-Transport-Security; the session
cookie is always HttpOnly and SameSite=Lax (cms.config), the remember-me cookie too (below).
"""

import os

from flask import has_request_context, request
from werkzeug.middleware.proxy_fix import ProxyFix

_COMMON = ("default-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
           "frame-ancestors 'none'; img-src 'self' data:; font-src 'self'; connect-src 'self'")
PUBLIC_CSP = f"{_COMMON}; script-src 'self'; style-src 'self'"
ADMIN_CSP = f"{_COMMON}; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'"
FILE_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"
PUBLIC_REFERRER = "strict-origin-when-cross-origin"
ADMIN_REFERRER = "same-origin"  # back-office URLs (ids, filters) never leave the site
HSTS = "max-age=31536000"
COOKIE_NAMES = ("SESSION_COOKIE_NAME", "REMEMBER_COOKIE_NAME")


def is_admin_path(path):
    return path == "/admin" or path.startswith("/admin/")


def _secure_cookies(response):
    """Add the Secure flag to every cookie set on this (HTTPS) response."""
    cookies = response.headers.getlist("Set-Cookie")
    if not cookies:
        return
    response.headers.remove("Set-Cookie")
    for cookie in cookies:
        attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
        response.headers.add("Set-Cookie", cookie if "secure" in attributes else f"{cookie}; Secure")


def add_headers(response):
    headers = response.headers
    admin = is_admin_path(request.path)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", ADMIN_REFERRER if admin else PUBLIC_REFERRER)
    if "Content-Security-Policy" not in headers:
        if response.mimetype == "text/html":
            headers["Content-Security-Policy"] = ADMIN_CSP if admin else PUBLIC_CSP
        else:
            headers["Content-Security-Policy"] = FILE_CSP
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
        _secure_cookies(response)
    return response


def _secure_session_interface(app):
    """The app's session interface, marking its cookie Secure on HTTPS requests (Flask saves the
    session after every after_request function, so the cookie cannot be fixed up there)."""
    base = type(app.session_interface)

    class SecureWhenHttps(base):
        def get_cookie_secure(self, app):
            return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)

    return SecureWhenHttps()


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
    count = proxy_count(app)
    app.config["CMS_PROXY_COUNT"] = count
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    app.session_interface = _secure_session_interface(app)
    # Registered first so that it runs last (Flask runs them in reverse): it sees the cookies and
    # headers every other after_request function (Flask-Login's remember cookie, gzip) has set.
    app.after_request_funcs.setdefault(None, []).insert(0, add_headers)
