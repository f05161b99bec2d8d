"""The security headers every response carries. The pages load nothing from elsewhere and run no
inline script; only the OpenAPI pages (Swagger UI, ReDoc) load their scripts from FastAPI's CDN."""

from __future__ import annotations

BASE = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
PAGES_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src 'self' https://fonts.gstatic.com; img-src 'self' data: https://fastapi.tiangolo.com "
    "https://cdn.redoc.ly; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")


PAGES_HEADERS = {**BASE, "Content-Security-Policy": PAGES_POLICY}
DOCS_HEADERS = {**BASE, "Content-Security-Policy": DOCS_POLICY}


def security_headers(path: str) -> dict[str, str]:
    """Built once at import: every response reads one of two ready dicts."""
    return DOCS_HEADERS if path.startswith(DOCS_PATHS) else PAGES_HEADERS
