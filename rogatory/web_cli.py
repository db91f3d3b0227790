"""The web workspace: `rogatory serve` and `rogatory users`."""

import sys
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from rogatory.settings import get_settings
from rogatory.terminal import add_row, err, out

if TYPE_CHECKING:
    from rogatory.review.users import Accounts
    from rogatory.review.web.workspace import Workspace

users_app = typer.Typer(no_args_is_help=True, help="People who sign in to the web workspace.")


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.add_typer(users_app, name="users")


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
) -> None:
    """Serve the web workspace (queue, review, search, dashboard) and the REST API under /api."""
    import uvicorn

    from rogatory.review.web.app import create_web_app

    # Behind a TLS-terminating proxy the forwarded scheme is trusted, so cookies are marked Secure.
    uvicorn.run(create_web_app(open_workspace()), host=host, port=port, proxy_headers=True)


def open_workspace() -> "Workspace":
    from rogatory.review.database import connect
    from rogatory.review.store import Store
    from rogatory.review.web.workspace import Workspace

    settings = get_settings()
    store = Store.open(settings.store_url)
    return Workspace(
        store=store,
        engine=connect(settings.store_url),
        page_images_dir=settings.page_images_dir,
        session_lifetime=timedelta(seconds=settings.session_max_age_s),
    )


def _accounts() -> "Accounts":
    return open_workspace().accounts


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Lower-case letters, digits, '.', '_', '-'")],
    role: Annotated[str, typer.Option(help="reviewer, analyst or administrator")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input")
    ] = False,
) -> None:
    """Create a user; the password is asked for (never given on the command line)."""
    from rogatory.review.users import AccountError, Role

    try:
        chosen = Role(role)
    except ValueError:
        err.print(f"rogatory: role {role!r}: reviewer, analyst or administrator", markup=False)
        raise typer.Exit(code=2) from None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = _accounts().add(username, password, chosen, datetime.now(UTC))
    except AccountError as error:
        err.print(f"rogatory: {error}", markup=False, highlight=False)
        raise typer.Exit(code=2) from None
    err.print(f"added {user.username} ({user.role.value})", markup=False, highlight=False)


@users_app.command("list")
def users_list() -> None:
    """The users and their roles."""
    table = Table("username", "role", "since")
    for user in _accounts().list():
        add_row(table, user.username, user.role.value, user.created_at.date())
    out.print(table)


@users_app.command("remove")
def users_remove(username: Annotated[str, typer.Argument()]) -> None:
    """Delete a user; their sessions and API tokens stop working at once."""
    from rogatory.review.users import AccountError

    try:
        _accounts().remove(username)
    except AccountError as error:
        err.print(f"rogatory: {error}", markup=False, highlight=False)
        raise typer.Exit(code=1) from None
    err.print(f"removed {username}", markup=False, highlight=False)
