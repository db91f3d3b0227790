"""The audit trail as evidence, on SQLite and PostgreSQL: a hash chain that shows an entry
altered, removed or slipped in, and a CSV export safe to open in a spreadsheet."""

import csv
import io
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, delete, select, text, update
from sqlalchemy.orm import Session

from rogatory.review.audit import content_digest, link, record_digest, write_csv
from rogatory.review.custody import Kind
from rogatory.review.database import connect
from rogatory.review.purge import _audit_guard_lifted
from rogatory.review.schema import MIGRATIONS
from rogatory.review.store import Store
from rogatory.review.tables import AuditRow

from conftest import MakeRecord

LEASE = timedelta(minutes=30)


def test_the_audit_csv_defuses_spreadsheet_formulas(store: Store, make_record: MakeRecord) -> None:
    record = make_record("a")
    store.save(record, "a.pdf", "/originals/a")
    formulas = ['=HYPERLINK("http://x.example","open")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"]
    for reason in formulas:
        store.claim(record.id, "=cmd|' /C calc'!A0", LEASE)
        store.return_(record.id, "=cmd|' /C calc'!A0", reason)
    table = io.StringIO()
    write_csv(store.audit(record.id), table)
    rows = list(csv.DictReader(io.StringIO(table.getvalue())))
    returned = [row for row in rows if row["action"] == "return"]
    assert [row["reason"] for row in returned] == ["'" + reason for reason in formulas]
    assert {row["actor"] for row in rows} == {"pipeline", "'=cmd|' /C calc'!A0"}
    # Plain text is left as it was.
    assert rows[0]["record_id"] == record.id and rows[0]["action"] == "process"


def tamper(database_url: str, change: Callable[[Session], object]) -> None:
    """Someone with write access to the database, and the right to lift the append-only guard
    (a schema change), changes the trail behind the store's back."""
    engine = create_engine(database_url)
    try:
        with Session(engine) as session, session.begin(), _audit_guard_lifted(session):
            change(session)
    finally:
        engine.dispose()


def audit_problems(store: Store, tmp_path: Path, kept_head: str | None = None) -> list[str]:
    report = store.verify(tmp_path / "originals", tmp_path / "pages", kept_head)
    return [p.detail for p in report.problems if p.kind is Kind.AUDIT]


def busy_store(store: Store, make_record: MakeRecord) -> list[int]:
    """A few records with claims and returns: the ids of their audit entries, in order."""
    for content in "ab":
        record = make_record(content)
        store.save(record, "a.pdf", "/originals")
        store.claim(record.id, "ana", LEASE)
        store.return_(record.id, "ana", "needs a reader of Polish")
    return [entry.id for entry in store.audit()]


def test_every_audit_entry_links_to_the_one_before(
    store: Store, make_record: MakeRecord, tmp_path: Path
) -> None:
    ids = busy_store(store, make_record)
    report = store.verify(tmp_path / "originals", tmp_path / "pages")
    assert report.chain.entries == len(ids) == 6 and report.chain.unchained == 0
    assert audit_problems(store, tmp_path) == []
    head = report.chain.head
    store.view(make_record("a").id, "ben")
    assert audit_problems(store, tmp_path, kept_head=head) == []
    after = store.verify(tmp_path / "originals", tmp_path / "pages")
    assert after.chain.head not in (head, "") and after.chain.entries == 7


def test_an_audit_row_slipped_in_behind_an_edited_record_is_found(
    store: Store, database_url: str, make_record: MakeRecord, tmp_path: Path
) -> None:
    """The review's reproduction: a record edited in the database and one "process" entry
    appended with its new hash (the guard allows INSERT) used to pass verification."""
    record = make_record("a")
    store.save(record, "a.pdf", "/originals")
    engine = create_engine(database_url)
    with engine.begin() as connection:
        raw = connection.execute(
            text("SELECT record FROM records WHERE id = :id"), {"id": record.id}
        ).scalar_one()
        raw = raw if isinstance(raw, dict) else json.loads(raw)
        old = record_digest(raw)
        raw["pages"][0]["text"] = "Nothing to see here"
        connection.execute(
            text("UPDATE records SET record = :r WHERE id = :id"),
            {"r": json.dumps(raw), "id": record.id},
        )
        connection.execute(
            text(
                "INSERT INTO audit_entries (record_id, at, actor, action, changes) "
                "VALUES (:id, :at, 'pipeline', 'process', :changes)"
            ),
            {
                "id": record.id,
                "at": datetime(2026, 3, 2),
                "changes": json.dumps({"record_sha256": [old, record_digest(raw)]}),
            },
        )
    engine.dispose()
    assert audit_problems(store, tmp_path) == [
        f"entry {store.audit()[-1].id} is not linked into the chain"
    ]


def test_an_altered_or_removed_audit_entry_breaks_the_chain(
    store: Store, database_url: str, make_record: MakeRecord, tmp_path: Path
) -> None:
    ids = busy_store(store, make_record)
    tamper(
        database_url,
        lambda s: s.execute(update(AuditRow).where(AuditRow.id == ids[2]).values(reason="ok")),
    )
    assert audit_problems(store, tmp_path) == [
        f"entry {ids[2]}: its changes or reason were altered"
    ]
    tamper(
        database_url,
        lambda s: s.execute(update(AuditRow).where(AuditRow.id == ids[1]).values(actor="ben")),
    )
    tamper(database_url, lambda s: s.execute(delete(AuditRow).where(AuditRow.id == ids[4])))
    assert audit_problems(store, tmp_path) == [
        f"entry {ids[1]} does not follow from the entry before it",
        f"entry {ids[2]}: its changes or reason were altered",
        f"entry {ids[5]} does not follow from the entry before it",
    ]


def test_a_rewritten_chain_is_found_by_the_head_kept_off_the_machine(
    store: Store, database_url: str, make_record: MakeRecord, tmp_path: Path
) -> None:
    ids = busy_store(store, make_record)
    kept = store.verify(tmp_path / "originals", tmp_path / "pages").chain.head

    def rewrite(session: Session) -> None:
        """Alter one entry, then re-seal it and re-link every entry after it."""
        previous = ""
        for row in session.scalars(select(AuditRow).order_by(AuditRow.id)):
            if row.id == ids[2]:
                row.reason = "approved by phone"
                row.content_digest = content_digest(row.salt or "", row.changes, row.reason)
            row.digest = link(previous, row)
            previous = row.digest

    tamper(database_url, rewrite)
    # The limit, as documented: a consistent rewrite of the whole chain passes by itself...
    assert audit_problems(store, tmp_path) == []
    # ...and is found by the head digest kept from before.
    assert audit_problems(store, tmp_path, kept_head=kept) == [
        "the kept head digest is in no entry: the trail was rewritten"
    ]


def test_entries_written_before_the_chain_stay_unchained_and_the_chain_starts_after(
    database_url: str, make_record: MakeRecord, tmp_path: Path
) -> None:
    store = Store.open(database_url)
    busy_store(store, make_record)
    store.close()
    # Back to the revision before the chain (its columns dropped), then up again on opening.
    engine = connect(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0003")
    finally:
        engine.dispose()
    store = Store.open(database_url)
    try:
        store.view(make_record("a").id, "ben")
        report = store.verify(tmp_path / "originals", tmp_path / "pages")
        assert (report.chain.unchained, report.chain.entries) == (6, 1)
        assert audit_problems(store, tmp_path) == []
    finally:
        store.close()
