"""Queue work on SQLite and PostgreSQL: claims and leases, decisions, corrections, the audit trail,
reprocessing that keeps people's decisions, and routing run again."""

import csv
import io
import json
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine
from sqlalchemy.exc import DBAPIError

from rogatory.models import DocType, ReviewStatus
from rogatory.review import store as store_module
from rogatory.review.audit import SYSTEM, write_csv, write_jsonl
from rogatory.review.claims import NotClaimed, QueueError, UnknownRecord
from rogatory.review.decisions import InvalidCorrection
from rogatory.review.entries import QueueEntry
from rogatory.review.routing import PACKAGED_RULES, RoutingRules, load_rules
from rogatory.review.store import PIPELINE, Store

from conftest import RECEIVED, MakeRecord, save

LEASE = timedelta(minutes=30)


class Clock:
    """The store's time, moved by the test instead of waited for."""

    def __init__(self) -> None:
        self.now = RECEIVED + timedelta(hours=1)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def desk(database_url: str, clock: Clock) -> Iterator[Store]:
    opened = Store.open(database_url, clock=clock)
    yield opened
    opened.close()


@pytest.fixture
def three(desk: Store, make_record: MakeRecord) -> list[str]:
    """Three pending items, most urgent first."""
    records = [make_record(str(n), priority=n) for n in (1, 2, 3)]
    for record in records:
        save(desk, record)
    return [record.id for record in records]


def actions(desk: Store, record_id: str) -> list[tuple[str, str]]:
    return [(entry.actor, entry.action) for entry in desk.audit(record_id)]


def test_claim_next_hands_out_the_most_urgent_free_item(desk: Store, three: list[str]) -> None:
    first = desk.claim_next("alice", LEASE)
    second = desk.claim_next("bob", LEASE)
    assert first is not None and second is not None
    assert (first.record_id, first.status, first.claimed_by) == (
        three[0],
        ReviewStatus.CLAIMED,
        "alice",
    )
    assert first.lease_until == desk.queue()[0].lease_until
    assert second.record_id == three[1]
    assert desk.claim_next("carol", LEASE, queue="eio") is None
    assert desk.claim_next("carol", LEASE, queue="mla") is not None
    assert desk.claim_next("dave", LEASE) is None


def test_a_claimed_item_cannot_be_claimed_by_another(desk: Store, three: list[str]) -> None:
    desk.claim(three[2], "alice", LEASE)
    with pytest.raises(NotClaimed, match="claimed by alice"):
        desk.claim(three[2], "bob", LEASE)
    assert desk.claim_next("bob", LEASE).record_id == three[0]  # type: ignore[union-attr]
    with pytest.raises(UnknownRecord):
        desk.claim("rq-missing", "bob", LEASE)


def test_claiming_again_renews_the_lease(desk: Store, three: list[str], clock: Clock) -> None:
    desk.claim(three[0], "alice", LEASE)
    clock.advance(timedelta(minutes=20))
    renewed = desk.claim(three[0], "alice", LEASE)
    assert renewed.lease_until == clock.now + LEASE


def test_release_gives_the_item_back_as_it_was(
    desk: Store, make_record: MakeRecord, clock: Clock
) -> None:
    failed = make_record("e", status=ReviewStatus.ERROR)
    save(desk, failed)
    desk.claim(failed.id, "alice", LEASE)
    with pytest.raises(NotClaimed):
        desk.release(failed.id, "bob")
    released = desk.release(failed.id, "alice")
    assert (released.status, released.claimed_by, released.lease_until) == (
        ReviewStatus.ERROR,
        None,
        None,
    )
    assert actions(desk, failed.id) == [
        (PIPELINE, "process"),
        ("alice", "claim"),
        ("alice", "release"),
    ]


def test_a_stale_lease_lets_another_reviewer_in(
    desk: Store, three: list[str], clock: Clock
) -> None:
    desk.claim(three[0], "alice", LEASE)
    clock.advance(LEASE)
    with pytest.raises(NotClaimed, match=r"lease on .* ran out"):
        desk.approve(three[0], "alice")
    taken = desk.claim_next("bob", LEASE)
    assert taken is not None and (taken.record_id, taken.claimed_by) == (three[0], "bob")
    [_, _, takeover] = desk.audit(three[0])
    assert takeover.changes["claimed_by"] == ["alice", "bob"]
    # The item goes back to what it was before either claim.
    assert desk.release(three[0], "bob").status == ReviewStatus.PENDING


def test_expire_frees_only_stale_claims(desk: Store, three: list[str], clock: Clock) -> None:
    desk.claim(three[0], "alice", timedelta(minutes=5))
    desk.claim(three[1], "bob", timedelta(hours=1))
    assert desk.expire_leases() == []
    clock.advance(timedelta(minutes=5))
    assert desk.expire_leases() == [three[0]]
    assert [(e.record_id, e.status) for e in desk.queue()][:2] == [
        (three[0], ReviewStatus.PENDING),
        (three[1], ReviewStatus.CLAIMED),
    ]
    [*_, expired] = desk.audit(three[0])
    assert (expired.actor, expired.action, expired.changes) == (
        SYSTEM,
        "expire",
        {"status": ["claimed", "pending"], "claimed_by": ["alice", None]},
    )
    with pytest.raises(NotClaimed, match="is pending, not claimed"):
        desk.release(three[0], "alice")


@pytest.mark.parametrize(
    ("decide", "status"),
    [
        (Store.approve, ReviewStatus.APPROVED),
        (Store.reject, ReviewStatus.REJECTED),
        (Store.return_, ReviewStatus.RETURNED),
    ],
)
def test_decisions_need_the_claim_and_end_it(
    desk: Store, three: list[str], decide: Callable[..., QueueEntry], status: ReviewStatus
) -> None:
    with pytest.raises(NotClaimed, match="is pending, not claimed"):
        decide(desk, three[0], "alice", "checked")
    desk.claim(three[0], "alice", LEASE)
    with pytest.raises(NotClaimed, match="claimed by alice"):
        decide(desk, three[0], "bob", "checked")
    decided = decide(desk, three[0], "alice", "checked")
    assert (decided.status, decided.claimed_by) == (status, None)
    [*_, entry] = desk.audit(three[0])
    assert (entry.actor, entry.reason, entry.changes["status"]) == (
        "alice",
        "checked",
        ["claimed", status.value],
    )
    stored = desk.get(three[0])
    assert stored is not None and stored.review is not None
    assert stored.review.status == status


def test_returned_items_need_a_reason_and_go_back_to_the_queue(
    desk: Store, three: list[str]
) -> None:
    desk.claim(three[0], "alice", LEASE)
    with pytest.raises(QueueError, match="reason"):
        desk.return_(three[0], "alice", " ")
    desk.return_(three[0], "alice", "needs a reader of Polish")
    taken = desk.claim_next("bob", LEASE)
    assert taken is not None and taken.record_id == three[0]
    assert desk.release(three[0], "bob").status == ReviewStatus.RETURNED


def test_decided_items_are_not_handed_out_again(desk: Store, three: list[str]) -> None:
    for record_id in three[:2]:
        desk.claim(record_id, "alice", LEASE)
    desk.approve(three[0], "alice")
    desk.reject(three[1], "alice", "not a request")
    assert desk.claim_next("bob", LEASE).record_id == three[2]  # type: ignore[union-attr]
    with pytest.raises(NotClaimed, match="is approved"):
        desk.claim(three[0], "bob", LEASE)


def test_a_correction_keeps_the_machine_value_beside_it(
    desk: Store, make_record: MakeRecord, clock: Clock
) -> None:
    record = make_record(deadline=date(2026, 3, 15))
    save(desk, record)
    with pytest.raises(NotClaimed):
        desk.correct(record.id, "alice", "deadline", "2026-03-05")
    desk.claim(record.id, "alice", LEASE)
    first = desk.correct(record.id, "alice", "deadline", "2026-03-05")
    clock.advance(timedelta(minutes=1))
    desk.correct(record.id, "alice", "deadline", "2026-03-06")
    desk.correct(record.id, "alice", "requesting_state", "ES")

    assert (first.field, first.machine_value, first.corrected_value) == (
        "deadline",
        "2026-03-15",
        "2026-03-05",
    )
    assert [(c.field, c.machine_value, c.corrected_value, c.corrected_at) for c in
            desk.corrections(record.id)] == [
        ("deadline", "2026-03-15", "2026-03-06", clock.now),
        ("requesting_state", None, "ES", clock.now),
    ]  # fmt: skip
    stored = desk.get(record.id)
    assert stored is not None and stored.extraction.deadline == date(2026, 3, 15)
    assert [e.changes for e in desk.audit(record.id) if e.action == "correct"] == [
        {"extraction.deadline": ["2026-03-15", "2026-03-05"]},
        {"extraction.deadline": ["2026-03-05", "2026-03-06"]},
        {"extraction.requesting_state": [None, "ES"]},
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("deadline", "15 March", "deadline: .*date"),
        ("requesting_state", "Spain", "requesting_state: .*pattern"),
        ("evidence", {}, "'evidence' cannot be corrected"),
        ("colour", "red", "'colour' cannot be corrected"),
    ],
)
def test_a_correction_is_checked_against_the_record_schema(
    desk: Store, three: list[str], field: str, value: object, message: str
) -> None:
    desk.claim(three[0], "alice", LEASE)
    with pytest.raises(InvalidCorrection, match=message):
        desk.correct(three[0], "alice", field, value)
    assert desk.corrections(three[0]) == []
    assert actions(desk, three[0])[-1] == ("alice", "claim")


def test_reprocessing_keeps_decisions_and_claims(
    desk: Store, make_record: MakeRecord, clock: Clock
) -> None:
    contents = "abc"
    decided, claimed, waiting = (make_record(content) for content in contents)
    for record in (decided, claimed, waiting):
        save(desk, record)
    desk.claim(decided.id, "alice", LEASE)
    desk.approve(decided.id, "alice")
    desk.claim(claimed.id, "bob", LEASE)

    for content in contents:
        save(desk, make_record(content, priority=1, status=ReviewStatus.ERROR, reasons=["x"]))

    entries = {entry.record_id: entry for entry in desk.queue()}
    assert entries[decided.id].status == ReviewStatus.APPROVED
    assert (entries[claimed.id].status, entries[claimed.id].claimed_by) == (
        ReviewStatus.CLAIMED,
        "bob",
    )
    assert entries[waiting.id].status == ReviewStatus.ERROR
    assert {entry.priority for entry in entries.values()} == {1}
    # The claim ends in the state the new routing gave the item.
    assert desk.release(claimed.id, "bob").status == ReviewStatus.ERROR
    [*_, reprocessed] = [e for e in desk.audit(decided.id) if e.action == "process"]
    # The record itself changed too: its hash before and after, for the chain of custody.
    digest = reprocessed.changes.pop("record_sha256")
    assert len(digest) == 2 and digest[0] != digest[1]
    assert reprocessed.changes == {"priority": [3, 1], "reasons": [[], ["x"]]}


def test_reroute_applies_new_rules_and_corrections(
    desk: Store, make_record: MakeRecord, tmp_path: Path
) -> None:
    mla = make_record("d", doc_type=DocType.MLA_REQUEST)
    eio = make_record("e", doc_type=DocType.EIO, queue="eio")
    for record in (mla, eio):
        save(desk, record)
    rules = load_rules()
    today = date(2026, 3, 2)
    assert desk.reroute(rules, today) == []

    desk.claim(mla.id, "alice", LEASE)
    desk.correct(mla.id, "alice", "deadline", "2026-03-04")
    desk.approve(mla.id, "alice")
    assert desk.reroute(rules, today) == [mla.id]
    [entry] = [entry for entry in desk.queue() if entry.record_id == mla.id]
    assert (entry.status, entry.priority, entry.reasons, entry.deadline) == (
        ReviewStatus.APPROVED,
        2,
        ["deadline in 2 days"],
        date(2026, 3, 4),
    )

    assert desk.reroute(_eio_to_intake(rules, tmp_path), today) == [eio.id]
    [*_, rerouted] = desk.audit(eio.id)
    assert (rerouted.actor, rerouted.action, rerouted.changes) == (
        SYSTEM,
        "reroute",
        {"queue": ["eio", "intake"]},
    )


def _eio_to_intake(rules: RoutingRules, tmp_path: Path) -> RoutingRules:
    raw = yaml.safe_load(PACKAGED_RULES.read_text(encoding="utf-8"))
    raw["routes"] = [r for r in raw["routes"] if "eio" not in r["doc_types"]]
    path = tmp_path / "routing.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    changed = load_rules(path)
    assert changed != rules
    return changed


def test_the_audit_trail_exports_as_json_lines_and_csv(desk: Store, three: list[str]) -> None:
    desk.claim(three[0], "alice", LEASE)
    desk.return_(three[0], "alice", 'needs "a reader", of Polish')
    trail = desk.audit(three[0])
    assert [entry.action for entry in trail] == ["process", "claim", "return"]
    assert len(desk.audit()) == 5  # three saves, a claim and a return

    lines = io.StringIO()
    write_jsonl(trail, lines)
    assert [json.loads(line) for line in lines.getvalue().splitlines()] == [
        entry.model_dump(mode="json") for entry in trail
    ]
    table = io.StringIO()
    write_csv(trail, table)
    rows = list(csv.DictReader(io.StringIO(table.getvalue())))
    assert [(row["actor"], row["action"], row["reason"]) for row in rows] == [
        (PIPELINE, "process", ""),
        ("alice", "claim", ""),
        ("alice", "return", 'needs "a reader", of Polish'),
    ]
    assert json.loads(rows[2]["changes"]) == trail[2].changes


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_entries SET actor = 'mallory'", "DELETE FROM audit_entries"]
)
def test_the_database_refuses_to_change_the_audit_trail(
    desk: Store, three: list[str], database_url: str, statement: str
) -> None:
    engine = create_engine(database_url)
    try:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.exec_driver_sql(statement)
    finally:
        engine.dispose()
    assert [entry.actor for entry in desk.audit()] == [PIPELINE] * 3


def test_reroute_goes_through_every_batch(
    desk: Store, make_record: MakeRecord, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "REROUTE_BATCH", 2)
    records = [make_record(str(n), priority=5) for n in range(5)]
    for record in records:
        save(desk, record)
    assert desk.reroute(load_rules(), date(2026, 3, 2)) == sorted(r.id for r in records)
    assert {entry.priority for entry in desk.queue()} == {3}
