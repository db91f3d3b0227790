"""The web workspace over HTTP on SQLite and PostgreSQL: sign-in, roles, CSRF, the review page,
search and exports, cross-references, the dashboard and the API's tokens."""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from typer.testing import CliRunner

from rogatory.cli import app as cli
from rogatory.models import (
    DocType,
    Evidence,
    Identifier,
    IdentifierKind,
    Offence,
    OffenceFact,
    Party,
    PartyKind,
    PartyRole,
    Record,
    ReviewStatus,
    Translation,
    TranslationStatus,
    WordBox,
)
from rogatory.review.store import Store
from rogatory.review.web.app import create_web_app
from rogatory.review.web.throttle import FIRST_LOCK, FREE_FAILURES
from rogatory.review.web.workspace import Workspace

from conftest import MakeRecord, save
from web_support import PASSWORD, SESSION_LIFETIME, csrf_of, sign_in, token

HOSTILE = '<script>alert("ocr")</script> "><img src=x onerror=alert(1)> cuenta'
HOSTILE_NAME = '"><img src=x onerror=alert(2)>.pdf'


def evidence(start: int, end: int, text: str = "x") -> Evidence:
    return Evidence(text=text, page=1, start=start, end=end, extractor="test", confidence=0.8)


@pytest.fixture
def web(space: Workspace) -> TestClient:
    return TestClient(create_web_app(space), follow_redirects=False)


@pytest.fixture
def hostile(store: Store, make_record: MakeRecord, space: Workspace) -> Record:
    """A scanned request whose OCR text and file name carry markup, with an image and boxes."""
    record = make_record("e", filename=HOSTILE_NAME)
    page = record.pages[0]
    page.text = HOSTILE
    page.width, page.height = 400, 200
    at = HOSTILE.index("cuenta")
    page.words = [
        WordBox(start=0, end=8, left=10, top=10, width=60, height=20),
        WordBox(start=at, end=at + 6, left=100, top=50, width=70, height=20),
    ]
    record.translation = Translation(
        status=TranslationStatus.TRANSLATED, engine="test", text="<b>account</b> laundering"
    )
    record.extraction.offences = [
        OffenceFact(category=Offence.MONEY_LAUNDERING, evidence=evidence(at, at + 6, "cuenta"))
    ]
    save(store, record)
    folder = space.page_images_dir / record.document.sha256
    folder.mkdir(parents=True)
    Image.new("L", (400, 200), 255).save(folder / "1.png")
    return record


def test_pages_need_a_sign_in_and_a_right_password(web: TestClient, hostile: Record) -> None:
    for path in ("/queue", f"/records/{hostile.id}", "/search", "/dashboard", "/users"):
        answer = web.get(path)
        assert (answer.status_code, answer.headers["location"]) == (303, f"/signin?next={path}")
    token = csrf_of(web.get("/signin").text)
    wrong = web.post(
        "/signin", data={"username": "ana", "password": "guess", "csrf": token, "next": "/"}
    )
    assert wrong.status_code == 401 and "Wrong username or password" in wrong.text
    for forged_token in ("forged", "é"):
        forged = web.post(
            "/signin",
            data={"username": "ana", "password": PASSWORD, "csrf": forged_token, "next": "/"},
        )
        assert forged.status_code == 401
    assert "rogatory_session" not in web.cookies


def test_an_expired_session_is_refused(
    web: TestClient, space: Workspace, store: Store, hostile: Record
) -> None:
    csrf = sign_in(web, "ana")
    assert web.get("/queue").status_code == 200
    later = space.clock() + SESSION_LIFETIME + timedelta(seconds=1)
    space.clock = lambda: later
    assert web.get("/queue").headers["location"] == "/signin?next=/queue"
    assert web.post(f"/records/{hostile.id}/claim", data={"csrf": csrf}).status_code == 303
    assert store.get(hostile.id).review.status.value == "pending"  # type: ignore[union-attr]


def test_failed_sign_ins_lock_the_name_for_a_while(web: TestClient, space: Workspace) -> None:
    def attempt(username: str, password: str) -> int:
        token = csrf_of(web.get("/signin").text)
        form = {"username": username, "password": password, "csrf": token, "next": "/"}
        answer = web.post("/signin", data=form)
        assert answer.status_code != 429 or "try again in 30 seconds" in answer.text
        return answer.status_code

    assert [attempt("ana", "guess") for _ in range(FREE_FAILURES)] == [401] * FREE_FAILURES
    assert attempt("ana", PASSWORD) == 429  # locked: the right password is not even checked
    assert attempt("bob", PASSWORD) == 303  # another name from the same client is not
    later = space.clock() + FIRST_LOCK
    space.clock = lambda: later
    assert attempt("ana", PASSWORD) == 303


def test_roles_decide_what_each_user_may_do(web: TestClient, hostile: Record) -> None:
    csrf = sign_in(web, "alan")  # an analyst reads and searches, and changes nothing
    assert web.get(f"/records/{hostile.id}").status_code == 200
    assert web.get("/search").status_code == 200
    refused = web.post(f"/records/{hostile.id}/claim", data={"csrf": csrf})
    assert refused.status_code == 403
    assert web.get("/users").status_code == 403

    csrf = sign_in(web, "ana")  # a reviewer works the queue but cannot manage users
    assert web.get("/users").status_code == 403
    new_user = {"csrf": csrf, "username": "mallory", "password": PASSWORD, "role": "administrator"}
    assert web.post("/users", data=new_user).status_code == 403

    csrf = sign_in(web, "root")
    assert web.post("/users", data={**new_user, "csrf": csrf, "role": "analyst"}).status_code == 303
    assert "mallory" in web.get("/users").text
    assert web.post("/users/mallory/remove", data={"csrf": csrf}).status_code == 303
    assert "mallory" not in web.get("/users").text


def test_every_form_needs_the_sessions_csrf_token(
    web: TestClient, hostile: Record, store: Store
) -> None:
    sign_in(web, "ana")
    assert web.post(f"/records/{hostile.id}/claim").status_code == 403
    assert web.post(f"/records/{hostile.id}/claim", data={"csrf": "x" * 43}).status_code == 403
    assert web.post(f"/records/{hostile.id}/claim", data={"csrf": "é"}).status_code == 403
    assert store.get(hostile.id).review.status.value == "pending"  # type: ignore[union-attr]
    assert web.post("/signout", data={}).status_code == 403


def test_claim_correct_decide_and_every_reading_audited(
    web: TestClient, hostile: Record, store: Store
) -> None:
    csrf = sign_in(web, "ana")
    assert web.post(f"/records/{hostile.id}/claim", data={"csrf": csrf}).status_code == 303
    page = web.get(f"/records/{hostile.id}")
    assert 'id="approve"' in page.text
    assert 'name="keep-offences" value="0" checked' in page.text
    fields = {"csrf": csrf, "doc_type": "mla_request", "deadline": "2026-04-30"}
    assert web.post(f"/records/{hostile.id}/correct", data=fields).status_code == 303
    assert [(c.field, c.corrected_value) for c in store.corrections(hostile.id)] == [
        ("deadline", "2026-04-30")
    ]
    # The offence struck out (its box left unticked) and a reference written in.
    lists = {**fields, "lists": "1", "references": " DP 245/2025 \n\n"}
    assert web.post(f"/records/{hostile.id}/correct", data=lists).status_code == 303
    assert {c.field: c.corrected_value for c in store.corrections(hostile.id)} == {
        "deadline": "2026-04-30",
        "offences": [],
        "references": ["DP 245/2025"],
    }
    assert "No facts extracted." in web.get(f"/records/{hostile.id}").text
    # The form is saved whole or not at all: a bad later field leaves the good ones unsaved.
    before = store.corrections(hostile.id)
    bad = {**lists, "doc_type": "eio", "requesting_state": "Spain", "deadline": "soon"}
    refused = web.post(f"/records/{hostile.id}/correct", data=bad)
    assert refused.status_code == 422
    assert "requesting_state" in refused.text and "deadline" in refused.text
    assert store.corrections(hostile.id) == before
    no_reason = web.post(f"/records/{hostile.id}/decide", data={"csrf": csrf, "decision": "return"})
    assert no_reason.status_code == 409
    decided = web.post(f"/records/{hostile.id}/decide", data={"csrf": csrf, "decision": "approve"})
    assert (decided.status_code, decided.headers["location"]) == (303, "/queue")
    trail = [(entry.actor, entry.action) for entry in store.audit(hostile.id)]
    assert trail == [
        ("pipeline", "process"),
        ("ana", "claim"),
        ("ana", "view"),
        ("ana", "correct"),
        ("ana", "correct"),  # the struck offence and the reference: one save, one entry
        ("ana", "view"),
        ("ana", "approve"),
    ]
    assert "approve" in web.get(f"/records/{hostile.id}").text  # shown in the page's trail
    assert store.audit(hostile.id)[-1].action == "view"


def test_a_fact_added_through_the_api_is_the_persons(
    web: TestClient, hostile: Record, store: Store
) -> None:
    sign_in(web, "ana")
    ana = token(web, "ana")
    web.post(f"/api/records/{hostile.id}/claim", headers=ana, json={})
    machine = hostile.extraction.offences[0].model_dump(mode="json")
    invented = {
        "category": "fraud",
        "evidence": {**machine["evidence"], "extractor": "rules:offences@3", "confidence": 0.97},
    }
    answer = web.post(
        f"/api/records/{hostile.id}/corrections",
        headers=ana,
        json={"field": "offences", "value": [machine, invented]},
    )
    assert answer.status_code == 200, answer.text
    kept, added = answer.json()["corrected_value"]
    assert kept == machine  # the machine's fact, untouched
    assert (added["category"], added["evidence"]["extractor"]) == ("fraud", "person:ana")
    assert added["evidence"]["confidence"] == 1.0
    facts = web.get(f"/records/{hostile.id}").text.split('id="facts"')[1]
    assert facts.count("entered by ana") == 1 and "0.80" in facts


def test_untrusted_text_is_rendered_inert(web: TestClient, hostile: Record) -> None:
    sign_in(web, "alan")
    for path in (f"/records/{hostile.id}", "/queue", "/search?text=cuenta"):
        page = web.get(path)
        assert page.status_code == 200
        assert "<script>alert" not in page.text
        assert "<img src=x" not in page.text
        assert "&lt;script&gt;" in page.text or "&#34;&gt;&lt;img" in page.text
        policy = page.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    record_page = web.get(f"/records/{hostile.id}").text
    assert "&lt;b&gt;account&lt;/b&gt;" in record_page
    assert '<mark title="offence: money_laundering">cuenta</mark>' in record_page
    # The evidence word's OCR box is drawn over the page image, in the image's pixels.
    assert '<rect class="evidence" x="100" y="50" width="70" height="20">' in record_page
    image = web.get(f"/records/{hostile.id}/pages/1.png")
    assert (image.status_code, image.headers["content-type"]) == (200, "image/png")
    assert web.get(f"/records/{hostile.id}/pages/2.png").status_code == 404
    script = web.get("/static/app.js")
    assert script.status_code == 200 and "data-key" in script.text


def test_search_page_facets_and_exports(
    web: TestClient, hostile: Record, store: Store, make_record: MakeRecord
) -> None:
    other = make_record("f", filename="=cmd|' /C calc'!A0.pdf")
    other.pages[0].text = "Auskunftsersuchen wegen Betrug"
    save(store, other)
    sign_in(web, "alan")
    found = web.get("/search", params={"text": "laundering"})
    assert f'href="/records/{hostile.id}"' in found.text and other.id not in found.text
    assert 'data-facet="offence" data-value="money_laundering"' in found.text
    by_facet = web.get("/search", params={"offence": "money_laundering"})
    assert 'id="total">1 record' in by_facet.text
    for value in [*DocType, *ReviewStatus]:  # the form offers every value the enums have
        assert f'<option value="{value.value}"' in by_facet.text

    exported = web.get("/search/export.csv", params={"language": "es"})
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert sorted(row["record_id"] for row in rows) == sorted([hostile.id, other.id])
    by_id = {row["record_id"]: row for row in rows}
    assert by_id[hostile.id]["offence"] == "money_laundering"
    assert by_id[other.id]["filename"].startswith("'=")  # no formula in a spreadsheet
    as_json = web.get("/search/export.json", params={"text": "betrug"}).json()
    assert [hit["record_id"] for hit in as_json] == [other.id]


def test_images_searches_and_exports_are_audited(
    web: TestClient, hostile: Record, store: Store, make_record: MakeRecord
) -> None:
    other = make_record("f")
    save(store, other)
    sign_in(web, "alan")

    def reads(record: Record) -> list[tuple[str, str, str | None]]:
        return [
            (entry.actor, entry.action, entry.reason)
            for entry in store.audit(record.id)
            if entry.action != "process"
        ]

    image = f"/records/{hostile.id}/pages/1.png"
    assert web.get(image).status_code == 200  # fetched on its own: a view
    assert web.get(image).status_code == 200  # again at once: covered by that view
    assert reads(hostile) == [("alan", "view", None)]
    web.get(f"/records/{other.id}")
    web.get("/search", params={"text": "laundering"})
    web.get("/search/export.csv", params={"language": "es"})
    web.get("/search/export.json", params={"text": "laundering"})
    assert reads(hostile) == [
        ("alan", "view", None),
        ("alan", "search", "text=laundering"),
        ("alan", "export", "language=es"),
        ("alan", "export", "text=laundering"),
    ]
    # The other record was not in the word search's results.
    assert reads(other) == [("alan", "view", None), ("alan", "export", "language=es")]
    ana = token(web, "ana")
    web.get("/api/search", headers=ana, params={"offence": "money_laundering"})
    web.get(f"/api/records/{other.id}/corrections", headers=ana)
    assert reads(hostile)[-1] == ("ana", "search", "offence=money_laundering")
    assert reads(other)[-1] == ("ana", "view", None)


def test_cross_references_name_why_records_match(
    web: TestClient, store: Store, make_record: MakeRecord
) -> None:
    def with_facts(content: str, person: str, iban: str) -> Record:
        record = make_record(content, filename=f"{content}.pdf")
        record.extraction.parties = [
            Party(
                name=person, role=PartyRole.SUSPECT, kind=PartyKind.PERSON, evidence=evidence(0, 1)
            )
        ]
        record.extraction.identifiers = [
            Identifier(kind=IdentifierKind.IBAN, value=iban, valid=True, evidence=evidence(0, 1))
        ]
        save(store, record)
        return record

    first = with_facts("1", "Juan Pérez García", "ES9121000418450200051332")
    second = with_facts("2", "JUAN PEREZ GARCIA", "DE89370400440532013000")
    third = with_facts("3", "Maria Rossi", "ES9121000418450200051332")
    with_facts("4", "Hans Weber", "FR1420041010050500013M02606")
    sign_in(web, "alan")
    page = web.get(f"/records/{first.id}").text
    links = page[page.index('id="links"') :]
    assert f"/records/{second.id}" in links and f"/records/{third.id}" in links
    assert "same person: JUAN PEREZ GARCIA ~ Juan Pérez García" in links
    assert "same IBAN: ES9121000418450200051332" in links
    assert "Hans Weber" not in links and "4.pdf" not in links


def test_dashboard_figures(
    web: TestClient, space: Workspace, store: Store, make_record: MakeRecord
) -> None:
    received = datetime(2026, 3, 2, 9, tzinfo=UTC)
    soon = make_record("1", received_at=received, deadline=date(2026, 3, 12), queue="eio")
    late = make_record("2", received_at=received - timedelta(days=100), deadline=date(2026, 3, 1))
    done = make_record("3", received_at=received - timedelta(days=3))
    for record in (soon, late, done):
        save(store, record)
    store.claim(done.id, "ana", timedelta(hours=1))
    store.approve(done.id, "ana")
    figures = space.dashboard.figures(datetime(2026, 3, 10, 12, tzinfo=UTC))
    assert [(b.queue, b.by_age) for b in figures.backlog] == [
        ("eio", [0, 1, 0, 0]),
        ("mla", [0, 0, 0, 1]),
    ]
    assert [item.record_id for item in figures.due_this_week] == [soon.id]
    assert [item.record_id for item in figures.overdue] == [late.id]
    assert figures.decided == 1 and figures.median_days_to_decision is not None
    assert sum(week.count for week in figures.weekly) == 2  # the 100-day-old one is older
    sign_in(web, "alan")
    page = web.get("/dashboard")
    assert page.status_code == 200 and page.text.count('class="bar"') >= 2


def test_users_command(tmp_path: Path) -> None:
    runner = CliRunner()
    added = runner.invoke(
        cli,
        ["users", "add", "olga", "--role", "analyst", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert added.exit_code == 0, added.output
    again = runner.invoke(
        cli,
        ["users", "add", "olga", "--role", "analyst", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert again.exit_code == 2 and "exists already" in again.output
    short = runner.invoke(
        cli, ["users", "add", "igor", "--role", "analyst", "--password-stdin"], input="short\n"
    )
    assert short.exit_code == 2
    assert "olga" in runner.invoke(cli, ["users", "list"]).output
    assert runner.invoke(cli, ["users", "remove", "olga"]).exit_code == 0
    assert "olga" not in runner.invoke(cli, ["users", "list"]).output
