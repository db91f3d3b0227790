"""The review queue over HTTP (/api), against a real store on SQLite and PostgreSQL: every call is
made with a sign-in token, and acts as that token's user. (The successor of test_queue_api.py,
written when the API went behind sign-in.)"""

import csv
import io
import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from rogatory.review.store import Store
from rogatory.review.web.app import create_web_app
from rogatory.review.web.throttle import FIRST_LOCK, FREE_FAILURES
from rogatory.review.web.workspace import Workspace

from conftest import MakeRecord, save
from web_support import PASSWORD, SESSION_LIFETIME, token

Headers = dict[str, str]


@pytest.fixture
def client(space: Workspace) -> Iterator[TestClient]:
    with TestClient(create_web_app(space)) as opened:
        yield opened


@pytest.fixture
def two(store: Store, make_record: MakeRecord) -> list[str]:
    records = [make_record("1", priority=1), make_record("2")]
    for record in records:
        save(store, record)
    return [record.id for record in records]


def test_claim_correct_and_approve(client: TestClient, two: list[str]) -> None:
    ana, bob = token(client, "ana"), token(client, "bob")
    listed = client.get("/api/queue", headers=ana).json()
    assert [entry["record_id"] for entry in listed] == two

    claimed = client.post("/api/queue/claim", headers=ana, json={"lease_seconds": 600})
    assert claimed.status_code == 200 and claimed.json()["claimed_by"] == "ana"
    refused = client.post(f"/api/records/{two[0]}/claim", headers=bob, json={})
    assert (refused.status_code, refused.json()) == (
        409,
        {"detail": f"{two[0]} is claimed by ana"},
    )

    path = f"/api/records/{two[0]}/corrections"
    bad = client.post(path, headers=ana, json={"field": "deadline", "value": "soon"})
    assert bad.status_code == 422
    good = client.post(path, headers=ana, json={"field": "deadline", "value": "2026-03-05"})
    assert good.json()["machine_value"] is None
    assert [c["corrected_value"] for c in client.get(path, headers=bob).json()] == ["2026-03-05"]

    approved = client.post(f"/api/records/{two[0]}/approve", headers=ana, json={"reason": "ok"})
    assert approved.json()["status"] == "approved"
    viewed = client.get(f"/api/records/{two[0]}", headers=bob)
    assert viewed.json()["review"]["status"] == "approved"
    trail = client.get(f"/api/records/{two[0]}/audit", headers=bob).json()
    assert [entry["action"] for entry in trail] == [
        "process",
        "claim",
        "correct",
        "view",  # bob read the corrections
        "approve",
        "view",
    ]
    assert trail[-1]["actor"] == "bob"


def test_refusals_and_empty_queue(client: TestClient, two: list[str]) -> None:
    ana, bob, root = token(client, "ana"), token(client, "bob"), token(client, "root")
    assert client.post("/api/records/rq-missing/claim", headers=ana, json={}).status_code == 404
    assert client.get("/api/records/rq-missing", headers=ana).status_code == 404
    assert client.post(f"/api/records/{two[0]}/claim", json={}).status_code == 401  # no token
    approve = f"/api/records/{two[0]}/approve"
    assert client.post(approve, headers=ana, json={}).status_code == 409
    for _ in two:
        assert client.post("/api/queue/claim", headers=ana, json={}).status_code == 200
    assert client.post("/api/queue/claim", headers=bob, json={}).status_code == 204
    give_back = f"/api/records/{two[1]}/return"
    assert client.post(give_back, headers=ana, json={}).status_code == 422
    returned = client.post(give_back, headers=ana, json={"reason": "Polish"})
    assert returned.json()["status"] == "returned"
    released = client.post(f"/api/records/{two[0]}/release", headers=ana)
    assert released.json()["status"] == "pending"
    # Freeing leases and routing again are an administrator's.
    assert client.post("/api/queue/expire", headers=ana).status_code == 403
    assert client.post("/api/queue/expire", headers=root).json() == []
    assert client.post("/api/queue/reroute", headers=root).json() == [two[0]]  # MLA: priority 3


def test_tokens_and_roles(client: TestClient, two: list[str]) -> None:
    assert client.get("/api/queue").status_code == 401
    assert client.get("/api/queue", headers={"X-Reviewer": "ana"}).status_code == 401
    assert client.get("/api/queue", headers={"Authorization": "Bearer forged"}).status_code == 401
    wrong = client.post("/api/session", json={"username": "ana", "password": "nope"})
    assert wrong.status_code == 401
    alan = token(client, "alan")  # an analyst reads and changes nothing
    assert client.get(f"/api/records/{two[0]}", headers=alan).status_code == 200
    assert client.post(f"/api/records/{two[0]}/claim", headers=alan, json={}).status_code == 403
    assert client.delete("/api/session", headers=alan).status_code == 204
    assert client.get("/api/queue", headers=alan).status_code == 401  # signed out


def test_failed_sign_ins_lock_the_name_for_a_while(client: TestClient, space: Workspace) -> None:
    def attempt(password: str) -> int:
        answer = client.post("/api/session", json={"username": "ana", "password": password})
        return answer.status_code

    assert [attempt("guess") for _ in range(FREE_FAILURES)] == [401] * FREE_FAILURES
    locked = client.post("/api/session", json={"username": "ana", "password": PASSWORD})
    assert (locked.status_code, locked.headers["retry-after"]) == (429, "30")
    assert attempt("guess") == 429  # no count while locked: the password is not checked
    later = space.clock() + FIRST_LOCK
    space.clock = lambda: later
    assert attempt("guess") == 401  # the lock is over, and the next failure locks twice as long
    doubled = client.post("/api/session", json={"username": "ana", "password": PASSWORD})
    assert (doubled.status_code, doubled.headers["retry-after"]) == (429, "60")
    space.clock = lambda: later + 2 * FIRST_LOCK
    assert attempt(PASSWORD) == 200


def test_an_expired_token_is_refused(client: TestClient, space: Workspace, two: list[str]) -> None:
    ana = token(client, "ana")
    assert client.get("/api/queue", headers=ana).status_code == 200
    later = space.clock() + SESSION_LIFETIME + timedelta(seconds=1)
    space.clock = lambda: later
    assert client.get("/api/queue", headers=ana).status_code == 401
    assert client.post(f"/api/records/{two[0]}/claim", headers=ana, json={}).status_code == 401


def test_the_audit_trail_exports(client: TestClient, two: list[str]) -> None:
    bob = token(client, "bob")
    client.post(f"/api/records/{two[1]}/claim", headers=bob, json={})
    lines = client.get("/api/audit", params={"format": "jsonl"}, headers=bob)
    assert lines.headers["content-type"].startswith("application/x-ndjson")
    actions = [json.loads(line)["action"] for line in lines.text.splitlines()]
    assert actions == ["process", "process", "claim"]
    table = client.get("/api/audit", params={"format": "csv"}, headers=bob)
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert [row["actor"] for row in rows][-1] == "bob"
    assert "/queue/claim" in client.get("/api/openapi.json").json()["paths"]
