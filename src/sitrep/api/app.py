"""The HTTP application: routers, body limit, security headers, offline docs and the web page."""
from __future__ import annotations

import contextlib
import hmac
import logging
from pathlib import Path
from typing import AsyncIterator

from fastapi import FastAPI, HTTPException, Request, status
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from ..errors import InputError, SitrepError, StoreError
from ..store import Store
from .routers import articles, changes, events, export, stats
from .settings import Settings

LOGGER = logging.getLogger(__name__)

__all__ = ["create_app", "WEB_DIR", "CONTENT_SECURITY_POLICY"]

# The analyst's page, built by the web package; served at / when present.
WEB_DIR = Path(__file__).resolve().parent.parent / "web" / "static"
# Pages may load only what this server serves; inline styles are allowed, inline scripts are not.
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                           "script-src 'self'")
# Swagger UI's page starts itself with an inline script: the docs (only) may run inline script.
DOCS_CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                "script-src 'self' 'unsafe-inline'")
DOCS_PATHS = ("/docs",)
# SQLite page cache per connection (KiB) and memory-mapped reads (bytes): a 100k-event ledger's
# listing index stays in memory.
SQLITE_CACHE_KIB = 32 * 1024
SQLITE_MMAP_BYTES = 256 * 1024 * 1024
DOCS_ASSETS = "/docs-assets"


class BodyLimit:
    """413 for request bodies over `limit` bytes: at once by Content-Length, else while reading."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.limit
            except ValueError:
                too_big = False
            if too_big:
                await self._reject(scope, receive, send)
                return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, self._detail())
            return message

        await self.app(scope, limited, send)

    def _detail(self) -> str:
        return (f"the request body is larger than {self.limit} bytes; send fewer reports per request "
                f"(the operator sets the limit with SITREP_MAX_BODY_BYTES)")

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse({"detail": self._detail()}, status_code=status.HTTP_413_CONTENT_TOO_LARGE,
                                headers={"Connection": "close"})
        await response(scope, receive, send)


class HostGuard:
    """400 for a request whose Host header is not one the operator allows (loopback names by
    default): a page on another site whose name resolves to this server (DNS rebinding) is refused."""

    def __init__(self, app: ASGIApp, allowed: tuple[str, ...]) -> None:
        self.app = app
        self.allowed = frozenset(h.strip("[]").lower() for h in allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or "*" in self.allowed:
            await self.app(scope, receive, send)
            return
        host = _host_name(dict(scope.get("headers") or ()).get(b"host", b"").decode("latin-1"))
        if host in self.allowed:
            await self.app(scope, receive, send)
            return
        response = JSONResponse({"detail": f"this server does not answer to the host name {host[:80]!r}; the "
                                           "operator allows more with SITREP_ALLOWED_HOSTS"},
                                status_code=status.HTTP_400_BAD_REQUEST)
        await response(scope, receive, send)


def _host_name(header: str) -> str:
    """The name or address of a Host header, without its port ("[::1]:8000" -> "::1")."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class ReadGuard:
    """With Settings.private, every request but the page's own files needs the bearer token."""

    OPEN_PATHS = ("/", "/favicon.ico")
    OPEN_PREFIXES = ("/static/", DOCS_ASSETS + "/")

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.expected = f"bearer {token}".encode("utf-8")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path in self.OPEN_PATHS or path.startswith(self.OPEN_PREFIXES):
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or ()).get(b"authorization", b"")
        scheme, _, value = given.partition(b" ")
        if hmac.compare_digest(scheme.lower() + b" " + value.strip(), self.expected):
            await self.app(scope, receive, send)
            return
        response = JSONResponse({"detail": "this server is private: send 'Authorization: Bearer <token>'"},
                                status_code=status.HTTP_401_UNAUTHORIZED, headers={"WWW-Authenticate": "Bearer"})
        await response(scope, receive, send)


class SecurityHeaders:
    """X-Content-Type-Options: nosniff on every response, a Content-Security-Policy on HTML."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = DOCS_CONTENT_SECURITY_POLICY if scope.get("path") in DOCS_PATHS else CONTENT_SECURITY_POLICY

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
                if headers.get("content-type", "").startswith("text/html"):
                    headers["Content-Security-Policy"] = policy
                    headers["X-Frame-Options"] = "DENY"
            await send(message)

        await self.app(scope, receive, with_headers)


def _sqlite_tuning(store: Store) -> None:
    """WAL journal for a SQLite file (readers keep reading while an ingest writes), and on each of
    the server's connections a larger page cache and memory-mapped reads."""
    if store.engine.dialect.name != "sqlite" or store.url.database in (None, "", ":memory:"):
        return

    @sa.event.listens_for(store.engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001 (driver objects)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        cursor.close()

    store.engine.dispose()  # connections opened before (the migrations) lack the settings
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
    except Exception as err:  # noqa: BLE001 (the driver's own errors; WAL is an optimisation)
        LOGGER.warning("%s: cannot switch to WAL (%s); reads may wait during ingest", store.name, err)
    finally:
        raw.close()


def _offline_docs(app: FastAPI) -> None:
    """Swagger UI at /docs from the fastapi-offline package's copy (no CDN), else FastAPI's default."""
    try:
        import fastapi_offline
    except ImportError:
        LOGGER.info("fastapi-offline is not installed: /docs loads Swagger UI from a CDN")
        app.add_api_route("/docs", lambda: get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json",
                                                               title="sitrep API"),
                          include_in_schema=False, response_class=HTMLResponse)
        return
    assets = Path(fastapi_offline.__file__).resolve().parent / "static"
    app.mount(DOCS_ASSETS, StaticFiles(directory=assets), name="docs-assets")

    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title="sitrep API",
                                   swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
                                   swagger_favicon_url=f"{DOCS_ASSETS}/favicon.png")

    app.add_api_route("/docs", docs, include_in_schema=False, response_class=HTMLResponse)


def _web(app: FastAPI, web_dir: Path) -> None:
    index = web_dir / "index.html"
    if web_dir.is_dir() and index.is_file():
        app.mount("/static", StaticFiles(directory=web_dir), name="static")

        def page() -> FileResponse:
            return FileResponse(index, media_type="text/html; charset=utf-8")
    else:
        def page() -> JSONResponse:  # type: ignore[misc]
            return JSONResponse({"name": "sitrep", "version": __version__, "docs": "/docs",
                                 "events": "/events", "web": "not installed"})

    app.add_api_route("/", page, include_in_schema=False, methods=["GET"])


def create_app(settings: Settings | None = None, *, web_dir: Path | None = None) -> FastAPI:
    """The sitrep API over `settings.db` (default: settings from the environment).

    Opens (and migrates) the database now; it is closed when the app shuts down.
    """
    settings = settings or Settings.from_env()
    store = Store(settings.db)
    _sqlite_tuning(store)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(title="sitrep API", version=__version__, docs_url=None, redoc_url=None, lifespan=lifespan,
                  description="The conflict event ledger: events with their claims and sources, the "
                              "articles they came from, a timeline, ACLED exports, and ingest.")
    app.state.settings = settings
    app.state.store = store
    for module in (events, articles, stats, export, changes):
        app.include_router(module.router)

    @app.exception_handler(StoreError)
    @app.exception_handler(SQLAlchemyError)
    async def _database_error(_request: Request, err: Exception) -> JSONResponse:
        LOGGER.error("database error: %s", err)
        return JSONResponse({"detail": "the database cannot be read or written now; try again later"},
                            status_code=status.HTTP_503_SERVICE_UNAVAILABLE)

    @app.exception_handler(InputError)
    async def _input_error(_request: Request, err: InputError) -> JSONResponse:
        return JSONResponse({"detail": str(err)}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)

    @app.exception_handler(SitrepError)
    async def _sitrep_error(_request: Request, err: SitrepError) -> JSONResponse:
        LOGGER.error("%s: %s", type(err).__name__, err)
        return JSONResponse({"detail": f"{type(err).__name__}: the server cannot do this now; "
                                       f"the operator will find the cause in its log"},
                            status_code=status.HTTP_500_INTERNAL_SERVER_ERROR)

    _offline_docs(app)
    _web(app, web_dir or WEB_DIR)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    if settings.private and settings.token:
        app.add_middleware(ReadGuard, token=settings.token)
    app.add_middleware(HostGuard, allowed=settings.allowed_hosts)
    app.add_middleware(SecurityHeaders)
    return app
