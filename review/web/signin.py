"""Signing in and out. The sign-in form carries its own CSRF token (a random value also set as a
cookie) so that another site cannot sign a browser in to an account of its choosing."""

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from ..users import Permission
from .auth import COOKIE, Space, same_secret, session_secret, signed_in
from .auth import Form as CheckedForm
from .templates import render
from .throttle import TooManyFailures

router = APIRouter()
SIGNIN_COOKIE = "rogatory_signin"


def local(target: str | None) -> str:
    """Only a path on this site may be the page to return to after signing in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


@router.get("/")
def home(request: Request, space: Space) -> Response:
    who = signed_in(request, space)
    return RedirectResponse(
        "/queue" if who.user.can(Permission.REVIEW) else "/search", status_code=303
    )


@router.get("/signin")
def sign_in_form(
    request: Request, next: str | None = None, failed: bool = False, locked: int = 0
) -> Response:
    token = secrets.token_urlsafe(32)
    page = render(
        request,
        "signin.html",
        status_code=429 if locked else 401 if failed else 200,
        token=token,
        next=local(next),
        failed=failed,
        locked=locked,
    )
    page.set_cookie(
        SIGNIN_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=3600,
    )
    return page


@router.post("/signin")
def sign_in(
    request: Request,
    space: Space,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    expected = request.cookies.get(SIGNIN_COOKIE, "")
    opened = None
    if expected and same_secret(csrf, expected):
        try:
            opened = space.sign_in(username.strip(), password, client_address(request))
        except TooManyFailures as locked:
            return sign_in_form(request, next, locked=locked.seconds)
    if opened is None:
        return sign_in_form(request, next, failed=True)
    secret, _session = opened
    response = RedirectResponse(local(next), status_code=303)
    response.set_cookie(
        COOKIE,
        secret,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=int(space.session_lifetime.total_seconds()),
    )
    response.delete_cookie(SIGNIN_COOKIE)
    return response


@router.post("/signout")
def sign_out(request: Request, space: Space, _form: CheckedForm) -> Response:
    secret = session_secret(request)
    if secret:
        space.accounts.sign_out(secret)
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(COOKIE)
    return response
