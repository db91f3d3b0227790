"""Who is asking, and may they: the session cookie for pages, a CSRF token on every form, and a
permission per route."""

import secrets
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.datastructures import FormData

from ..users import Permission, SignedIn
from .workspace import Workspace, workspace

COOKIE = "rogatory_session"
CSRF_FIELD = "csrf"


class SignInRequired(Exception):
    """No live session: the browser is sent to the sign-in page."""


class Forbidden(Exception):
    """Signed in, but the role does not allow this, or a form came without its CSRF token."""


def session_secret(request: Request) -> str | None:
    return request.cookies.get(COOKIE)


def signed_in(request: Request, space: Annotated[Workspace, Depends(workspace)]) -> SignedIn:
    secret = session_secret(request)
    found = space.accounts.session(secret, space.clock()) if secret else None
    if found is None:
        raise SignInRequired()
    request.state.signed_in = found  # the page layout shows who is signed in
    return found


def requires(permission: Permission) -> Callable[..., SignedIn]:
    def check(who: Annotated[SignedIn, Depends(signed_in)]) -> SignedIn:
        if not who.user.can(permission):
            raise Forbidden(f"a {who.user.role.value} may not {permission.value}")
        return who

    return check


async def checked_form(request: Request, who: Annotated[SignedIn, Depends(signed_in)]) -> FormData:
    """The posted form, once its CSRF token is the session's: another site can make a browser
    post to us, but cannot read the token to put in the form."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    if not isinstance(sent, str) or not same_secret(sent, who.csrf_token):
        raise Forbidden("the form's CSRF token is missing or stale: reload the page")
    return form


def same_secret(sent: str, expected: str) -> bool:
    """Compared in constant time, as bytes: compare_digest refuses non-ASCII text, which anyone
    can post."""
    return secrets.compare_digest(sent.encode(), expected.encode())


Reader = Annotated[SignedIn, Depends(requires(Permission.READ))]
Reviewer = Annotated[SignedIn, Depends(requires(Permission.REVIEW))]
Administrator = Annotated[SignedIn, Depends(requires(Permission.ADMINISTER))]
Form = Annotated[FormData, Depends(checked_form)]
Space = Annotated[Workspace, Depends(workspace)]


def text_field(form: FormData, name: str) -> str:
    value: Any = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""
