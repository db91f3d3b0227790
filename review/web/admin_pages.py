"""The dashboard, and the administrators' page for users."""

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from ..users import AccountError, Role
from .auth import Administrator, Form, Reader, Space, text_field
from .charts import bar_chart
from .templates import render
from .workspace import Workspace

router = APIRouter()


@router.get("/dashboard")
def dashboard(request: Request, space: Space, who: Reader) -> Response:
    figures = space.dashboard.figures(space.clock())
    charts = [
        bar_chart(
            "Requests in by week (week starting)", [(c.label, c.count) for c in figures.weekly]
        ),
        bar_chart("Open requests by queue", [(b.queue, b.total) for b in figures.backlog]),
        bar_chart("Requests by requesting state", [(c.label, c.count) for c in figures.by_state]),
        bar_chart("Requests by offence", [(c.label, c.count) for c in figures.by_offence]),
    ]
    return render(request, "dashboard.html", figures=figures, charts=charts)


def _users_page(request: Request, space: Workspace, error: str | None = None) -> Response:
    return render(
        request,
        "users.html",
        status_code=422 if error else 200,
        users=space.accounts.list(),
        roles=[role.value for role in Role],
        error=error,
    )


@router.get("/users")
def users(request: Request, space: Space, who: Administrator) -> Response:
    return _users_page(request, space)


@router.post("/users")
def add_user(request: Request, space: Space, who: Administrator, form: Form) -> Response:
    try:
        space.accounts.add(
            text_field(form, "username"),
            str(form.get("password", "")),
            Role(text_field(form, "role")),
            space.clock(),
        )
    except (AccountError, ValueError) as error:
        return _users_page(request, space, str(error))
    return RedirectResponse("/users", status_code=303)


@router.post("/users/{username}/remove")
def remove_user(
    request: Request, username: str, space: Space, who: Administrator, form: Form
) -> Response:
    if username == who.user.username:
        return _users_page(request, space, "you cannot remove yourself")
    try:
        space.accounts.remove(username)
    except AccountError as error:
        return _users_page(request, space, str(error))
    return RedirectResponse("/users", status_code=303)
