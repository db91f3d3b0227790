"""The web workspace as one ASGI app: pages, static files and the REST API under /api."""

from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from ..api import STATUS_CODES
from ..api import create_app as create_api
from ..claims import QueueError
from . import admin_pages, queue_pages, record_pages, search_pages, signin
from .auth import Forbidden, SignInRequired
from .templates import render
from .workspace import Workspace

STATIC = Path(__file__).with_name("static")
# Text from documents is rendered by the server, escaped; the browser is told to run no script
# but our own file, load nothing from elsewhere and never be framed.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def create_web_app(space: Workspace) -> FastAPI:
    app = FastAPI(title="Rogatory", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.workspace = space

    @app.middleware("http")
    async def secure(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(SignInRequired)
    def sign_in_first(request: Request, _error: SignInRequired) -> Response:
        return RedirectResponse(f"/signin?next={request.url.path}", status_code=303)

    @app.exception_handler(Forbidden)
    def forbidden(request: Request, error: Forbidden) -> Response:
        return render(request, "error.html", status_code=403, message=str(error))

    @app.exception_handler(QueueError)
    def refused(request: Request, error: QueueError) -> Response:
        code = next(code for kind, code in STATUS_CODES if isinstance(error, kind))
        return render(request, "error.html", status_code=code, message=str(error))

    for pages in (signin, queue_pages, record_pages, search_pages, admin_pages):
        app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/api", create_api(space))
    return app
