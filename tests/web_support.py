"""The web workspace as the web tests set it up: a workspace over a store with one user of each
role (two reviewers), and signing in through the page or the API as a browser or script would.
tests/conftest.py loads it as a plugin, so its asserts are rewritten and its fixtures seen."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rogatory.review.database import connect
from rogatory.review.store import Store
from rogatory.review.users import Role
from rogatory.review.web.workspace import Workspace

PASSWORD = "correct horse battery"
USERS = {
    "ana": Role.REVIEWER,
    "bob": Role.REVIEWER,
    "alan": Role.ANALYST,
    "root": Role.ADMINISTRATOR,
}
SESSION_LIFETIME = timedelta(hours=1)
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@contextmanager
def open_workspace(store: Store, database_url: str, page_images_dir: Path) -> Iterator[Workspace]:
    engine = connect(database_url)
    opened = Workspace(store, engine, page_images_dir, SESSION_LIFETIME)
    now = datetime.now(UTC)
    for name, role in USERS.items():
        opened.accounts.add(name, PASSWORD, role, now)
    try:
        yield opened
    finally:
        engine.dispose()


@pytest.fixture
def space(store: Store, database_url: str, tmp_path: Path) -> Iterator[Workspace]:
    with open_workspace(store, database_url, tmp_path / "pages") as opened:
        yield opened


def csrf_of(page: str) -> str:
    token = CSRF.search(page)
    assert token is not None, "no CSRF token in the page"
    return token[1]


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Signs the client in; the CSRF token of its session (read from a page, as a browser would)."""
    token = csrf_of(client.get("/signin").text)
    answer = client.post(
        "/signin",
        data={"username": username, "password": password, "csrf": token, "next": "/queue"},
    )
    assert answer.status_code == 303, answer.text
    return csrf_of(client.get("/queue").text)


def token(client: TestClient, username: str) -> dict[str, str]:
    """The API's Authorization header for this user."""
    answer = client.post("/api/session", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}
