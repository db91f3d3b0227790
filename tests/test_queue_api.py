"""The review queue over HTTP, against a real store on SQLite and PostgreSQL."""

import csv
import io
import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from rogatory.review.api import create_app
from rogatory.review.store import Store

from conftest import MakeRecord, save

ALICE = {"X-Reviewer": "alice"}
BOB = {"X-Reviewer": "bob"}


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(store)) as opened:
        yield opened


@pytest.fixture
def two(store: Store, make_record: MakeRecord) -> list[str]:
    records = [make_record("1", priority=1), make_record("2")]
    for record in records:
        save(store, record)
    return [record.id for record in records]


def test_claim_correct_and_approve(client: TestClient, two: list[str]) -> None:
    listed = client.get("/queue").json()
    assert [entry["record_id"] for entry in listed] == two

    claimed = client.post("/queue/claim", headers=ALICE, json={"lease_seconds": 600})
    assert claimed.status_code == 200 and claimed.json()["claimed_by"] == "alice"
    refused = client.post(f"/records/{two[0]}/claim", headers=BOB, json={})
    assert (refused.status_code, refused.json()) == (
        409,
        {"detail": f"{two[0]} is claimed by alice"},
    )

    path = f"/records/{two[0]}/corrections"
    bad = client.post(path, headers=ALICE, json={"field": "deadline", "value": "soon"})
    assert bad.status_code == 422
    good = client.post(path, headers=ALICE, json={"field": "deadline", "value": "2026-03-05"})
    assert good.json()["machine_value"] is None
    assert [c["corrected_value"] for c in client.get(path).json()] == ["2026-03-05"]

    approved = client.post(f"/records/{two[0]}/approve", headers=ALICE, json={"reason": "ok"})
    assert approved.json()["status"] == "approved"
    viewed = client.get(f"/records/{two[0]}", headers=BOB)
    assert viewed.json()["review"]["status"] == "approved"
    trail = client.get(f"/records/{two[0]}/audit").json()
    assert [entry["action"] for entry in trail] == [
        "process",
        "claim",
        "correct",
        "approve",
        "view",
    ]
    assert trail[-1]["actor"] == BOB["X-Reviewer"]


def test_refusals_and_empty_queue(client: TestClient, two: list[str]) -> None:
    assert client.post("/records/rq-missing/claim", headers=ALICE, json={}).status_code == 404
    assert client.get("/records/rq-missing", headers=ALICE).status_code == 404
    assert client.post(f"/records/{two[0]}/claim", json={}).status_code == 422  # no reviewer
    assert client.post(f"/records/{two[0]}/approve", headers=ALICE, json={}).status_code == 409
    for _ in two:
        assert client.post("/queue/claim", headers=ALICE, json={}).status_code == 200
    assert client.post("/queue/claim", headers=BOB, json={}).status_code == 204
    assert client.post(f"/records/{two[1]}/return", headers=ALICE, json={}).status_code == 422
    returned = client.post(f"/records/{two[1]}/return", headers=ALICE, json={"reason": "Polish"})
    assert returned.json()["status"] == "returned"
    assert client.post(f"/records/{two[0]}/release", headers=ALICE).json()["status"] == "pending"
    assert client.post("/queue/expire").json() == []
    assert client.post("/queue/reroute").json() == [two[0]]  # an MLA request is priority 3


def test_the_audit_trail_exports(client: TestClient, two: list[str]) -> None:
    client.post(f"/records/{two[1]}/claim", headers=BOB, json={})
    lines = client.get("/audit", params={"format": "jsonl"})
    assert lines.headers["content-type"].startswith("application/x-ndjson")
    actions = [json.loads(line)["action"] for line in lines.text.splitlines()]
    assert actions == ["process", "process", "claim"]
    table = client.get("/audit", params={"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert [row["actor"] for row in rows][-1] == "bob"
    assert "/queue/claim" in client.get("/openapi.json").json()["paths"]
