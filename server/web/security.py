"""The security headers of every response, decided in one after_request hook.

Pages show ID numbers, phones and scans of ID cards, so nothing may be cached
except static files and the public service guide; pages carry no inline script
or style, so the CSP needs no ``unsafe-inline``. Behind reverse proxies
(``proxy_hops``) ProxyFix makes ``request.is_secure`` and the client address
true, which HSTS and throttling rely on.
"""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

from ..config import Settings
from . import limits

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

# The pages only pick files (<input type=file>); no page needs a device or payment.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"
NO_STORE = "no-store"
PUBLIC = "public, max-age=300"

# The service guide: the same for everyone, so browsers and proxies may keep it a few minutes.
PUBLIC_PATHS = frozenset({"/api/v1/departments", "/api/v1/services", "/api/v1/openapi.json"})
PUBLIC_PREFIXES = ("/api/v1/services/",)


def init_app(app: Flask, settings: Settings) -> None:
    """Installs the headers, the early refusals (limits) and, behind proxies, ProxyFix (around the public lane
    when that is installed first)."""
    if settings.proxy_hops > 0:
        hops = settings.proxy_hops
        # Flask documents wrapping wsgi_app so; its type declares a method, which mypy will not let be assigned
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    limits.init_app(app, settings)
    app.after_request(_secure)


def _secure(response: Response) -> Response:
    return add_headers(response, https=request.is_secure, policy=cache_control(response))


def add_headers(response: Response, *, https: bool, policy: str | None) -> Response:
    """The headers of every answer; also for those given beneath Flask (public_lane)."""
    response.headers.update(HEADERS)
    if https:
        response.headers["Strict-Transport-Security"] = HSTS
    if policy is not None:
        response.headers["Cache-Control"] = policy
    return response


def cache_control(response: Response) -> str | None:
    """This hook decides for every response except static files, which keep Flask's revalidation."""
    if request.endpoint == "static" and response.status_code in (200, 206, 304):
        return None
    public = request.path in PUBLIC_PATHS or request.path.startswith(PUBLIC_PREFIXES)
    if (
        public
        and request.method in ("GET", "HEAD")
        and response.status_code == 200
        and "Set-Cookie" not in response.headers
    ):
        return PUBLIC
    return NO_STORE
