"""Security headers on every response, HTTPS in production, the client address behind proxies,
and the one check of where a form or link may send a user back to.

Written here rather than taken from flask-talisman: Talisman keeps its
options, and the app, on one shared object (the last app set up wins), which
breaks as soon as two apps share a process, as in the tests.
"""

from urllib.parse import urlsplit

from flask import current_app, redirect, request
from werkzeug.middleware.proxy_fix import ProxyFix

# No inline script or style anywhere: everything comes from /static.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), browsing-topics=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def allow_plain_http(view):
    """Let a view answer over HTTP when the app otherwise forces HTTPS (health checks)."""
    view.allow_plain_http = True
    return view


def _redirect_to_https():
    if not current_app.config["FORCE_HTTPS"] or request.is_secure:
        return None
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "allow_plain_http", False):
        return None
    # 308 keeps a POST a POST; a GET may be remembered for good.
    return redirect(request.url.replace("http://", "https://", 1), code=301 if request.method == "GET" else 308)


def _set_security_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_security(app):
    app.before_request(_redirect_to_https)
    app.after_request(_set_security_headers)
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def local_path(target):
    """`target` when it is a path on this site, else None: an absolute URL in a
    ?next= or a form's return address would be an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
