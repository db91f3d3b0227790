"""Chain of custody in the store, on SQLite and PostgreSQL: recorded hashes of records, what
`verify` finds, and what a purge leaves (only the hash) and removes (everything else)."""

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import DatabaseError

from rogatory.models import Record
from rogatory.review.audit import record_digest
from rogatory.review.custody import Kind, file_digest
from rogatory.review.originals import keep_original, original_path
from rogatory.review.purge import TOMBSTONE, UnknownDocument, remove_files
from rogatory.review.store import Store

from conftest import RECEIVED, MakeRecord

LEASE = timedelta(minutes=30)
PERSONAL = "Juan Pérez García, Calle Mayor 5"


def store_with_files(store: Store, record: Record, root: Path) -> None:
    """Save `record` the way the flow does, with an original whose hash is the record's."""
    source = root / f"{record.id}.bin"
    source.write_bytes(record.id.encode())
    sha256 = hashlib.sha256(source.read_bytes()).hexdigest()
    record.document.sha256 = sha256
    record.id = f"rq-{sha256[:20]}"
    kept = keep_original(source, sha256, root / "originals")
    store.save(record, record.document.filename, str(kept))


def preview(root: Path, sha256: str) -> Path:
    folder = root / "pages" / sha256
    folder.mkdir(parents=True)
    image = folder / "1.png"
    image.write_bytes(b"\x89PNG preview")
    (folder / "1.png.sha256").write_text(f"{file_digest(image)}  1.png\n")
    return image


def test_each_save_records_the_hash_of_what_it_stored(
    store: Store, make_record: MakeRecord
) -> None:
    record = make_record("a")
    store.save(record, "a.pdf", "/originals/a")
    [custody] = store.custody()
    assert custody.record is not None
    first = custody.recorded_digest
    assert first == record_digest(record.model_dump(mode="json"))
    changed = record.model_copy(update={"pages": []})
    store.save(changed, "a.pdf", "/originals/a")
    [again] = store.custody()
    assert again.recorded_digest not in (None, first)
    entries = [e for e in store.audit(record.id) if "record_sha256" in e.changes]
    assert [e.changes["record_sha256"] for e in entries] == [
        [None, first],
        [first, again.recorded_digest],
    ]


def test_verify_passes_an_untouched_store(
    store: Store, make_record: MakeRecord, tmp_path: Path
) -> None:
    record = make_record("a")
    store_with_files(store, record, tmp_path)
    preview(tmp_path, record.document.sha256)
    report = store.verify(tmp_path / "originals", tmp_path / "pages")
    assert (report.originals, report.records, report.previews) == (1, 1, 1)
    assert report.problems == [] and report.unrecorded == [] and report.unstored == []
    # A file archived by a run that stopped before it reached the store.
    stray = tmp_path / "stray"
    stray.write_bytes(b"stray")
    sha256 = file_digest(stray)
    keep_original(stray, sha256, tmp_path / "originals")
    report = store.verify(tmp_path / "originals", tmp_path / "pages")
    assert report.unstored == [sha256] and report.problems == []


def test_verify_finds_every_kind_of_damage(
    store: Store, database_url: str, make_record: MakeRecord, tmp_path: Path
) -> None:
    flipped, edited, missing = make_record("a"), make_record("b"), make_record("c")
    for record in (flipped, edited, missing):
        store_with_files(store, record, tmp_path)
    image = preview(tmp_path, flipped.document.sha256)
    original = original_path(tmp_path / "originals", flipped.document.sha256)
    original.chmod(0o644)
    data = bytearray(original.read_bytes())
    data[0] ^= 0x01
    original.write_bytes(bytes(data))
    image.write_bytes(b"\x89PNG altered")
    original_path(tmp_path / "originals", missing.document.sha256).unlink()
    # Someone with write access to the database edits a record behind the store's back.
    engine = create_engine(database_url)
    with engine.begin() as connection:
        row = connection.execute(
            text("SELECT record FROM records WHERE id = :id"), {"id": edited.id}
        ).scalar_one()
        row = row if isinstance(row, dict) else json.loads(row)
        row["pages"][0]["text"] = "Nothing to see here"
        connection.execute(
            text("UPDATE records SET record = :r WHERE id = :id"),
            {"r": json.dumps(row), "id": edited.id},
        )
    engine.dispose()
    report = store.verify(tmp_path / "originals", tmp_path / "pages")
    found = {(p.kind, p.subject) for p in report.problems}
    assert found == {
        (Kind.ORIGINAL, flipped.document.sha256),
        (Kind.ORIGINAL, missing.document.sha256),
        (Kind.RECORD, edited.document.sha256),
        (Kind.PREVIEW, str(image)),
    }


def test_purge_leaves_only_the_hash(
    store: Store, database_url: str, make_record: MakeRecord, tmp_path: Path
) -> None:
    attachment, other = make_record("b"), make_record("c")
    email = make_record("a", filename="carta-perez.eml")
    email.pages[0].text = "Comisión rogatoria sobre Juan Pérez García"
    store_with_files(store, attachment, tmp_path)
    email.document.attachment_ids = [attachment.id]
    for record in (email, other):
        store_with_files(store, record, tmp_path)
    preview(tmp_path, email.document.sha256)
    store.claim(email.id, "ana", LEASE)
    store.correct(email.id, "ana", "requesting_authority", PERSONAL)
    store.return_(email.id, "ana", f"ask about {PERSONAL}")
    store.view(email.id, "ben")

    purged = store.purge(email.document.sha256, "dpo", "purge requested")
    assert purged == [email.document.sha256, attachment.document.sha256]
    for sha256 in purged:
        remove_files(sha256, tmp_path / "originals", tmp_path / "pages")

    assert store.get(email.id) is None and store.get(attachment.id) is None
    assert store.find_by_sha256(email.document.sha256) is None
    assert [e.record_id for e in store.queue()] == [other.id]
    assert store.corrections(email.id) == [] and store.arrivals(email.document.sha256) == []
    trail = store.audit(email.id)
    assert [e.action for e in trail] == ["process", "claim", "correct", "return", "view", "purge"]
    assert all(e.changes == {} and e.reason is None for e in trail[:-1])
    assert trail[-1].changes == {"sha256": [email.document.sha256, None]}
    assert trail[-1].actor == "dpo"
    assert [e.action for e in store.audit(other.id)] == ["process"]
    assert store.audit(other.id)[0].changes != {}
    # Nothing personal is left in any table, the search index included.
    engine = create_engine(database_url)
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            dump = str(connection.execute(text(f"SELECT * FROM {table}")).all())
            assert "Pérez" not in dump and "perez" not in dump.lower(), table
        tombstone = connection.execute(
            text("SELECT record FROM records WHERE id = :id"), {"id": email.id}
        ).scalar_one()
    assert TOMBSTONE in str(tombstone) and "Comisión" not in str(tombstone)
    if database_url.startswith("sqlite"):
        # Nor in the file's free space or its write-ahead log.
        database = Path(database_url.removeprefix("sqlite:///"))
        for path in (database, database.with_name(database.name + "-wal")):
            raw = path.read_bytes() if path.exists() else b""
            assert "Pérez".encode() not in raw and b"perez" not in raw.lower(), path
    # The append-only guard is back.
    with pytest.raises(DatabaseError, match="append-only"), engine.begin() as connection:
        connection.execute(text("UPDATE audit_entries SET reason = 'x'"))
    engine.dispose()
    report = store.verify(tmp_path / "originals", tmp_path / "pages")
    assert report.problems == []
    assert not original_path(tmp_path / "originals", email.document.sha256).exists()
    assert not (tmp_path / "pages" / email.document.sha256).exists()


def test_purge_of_an_unknown_document_is_an_error(store: Store) -> None:
    with pytest.raises(UnknownDocument):
        store.purge("0" * 64, "dpo", "purge requested")


def test_a_purged_document_received_again_is_a_new_document(
    store: Store, make_record: MakeRecord, tmp_path: Path
) -> None:
    record = make_record("a")
    store_with_files(store, record, tmp_path)
    store.purge(record.document.sha256, "dpo", "purge requested")
    remove_files(record.document.sha256, tmp_path / "originals", tmp_path / "pages")
    store_with_files(store, make_record("a", filename="again.pdf"), tmp_path)
    again = store.get(record.id)
    assert again is not None and again.document.filename == "again.pdf"
    assert [a.filename for a in store.arrivals(record.document.sha256)] == ["again.pdf"]
    assert store.verify(tmp_path / "originals", tmp_path / "pages").problems == []


def test_only_documents_past_retention_are_expired(
    database_url: str, make_record: MakeRecord
) -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    store = Store.open(database_url, clock=lambda: now)
    old = make_record("a", received_at=now - timedelta(days=400))
    new = make_record("b", received_at=now - timedelta(days=10))
    for record in (old, new):
        store.save(record, record.document.filename, f"/originals/{record.document.sha256}")
    assert store.older_than(timedelta(days=365)) == [old.document.sha256]
    store.purge(old.document.sha256, "rogatory", "retention period expired")
    assert store.older_than(timedelta(days=365)) == []
    store.close()


def test_purging_again_finds_nothing_left(store: Store, make_record: MakeRecord) -> None:
    record = make_record("a")
    store.save(record, "a.pdf", "/originals/a")
    assert store.purge(record.document.sha256, "dpo", "purge requested") == [record.document.sha256]
    assert store.purge(record.document.sha256, "dpo", "purge requested") == [record.document.sha256]
    assert [e.action for e in store.audit(record.id)] == ["process", "purge"]


def test_purge_keeps_an_attachment_that_is_evidence_of_something_else(
    store: Store, make_record: MakeRecord
) -> None:
    """An attachment goes with its e-mail only when nothing else brought it: not when a later
    e-mail attaches it too, nor when it also arrived by itself."""
    first, later = RECEIVED, RECEIVED + timedelta(days=30)
    shared = make_record("c", filename="form.pdf", received_at=first)
    alone = make_record("d", filename="annex.pdf", received_at=first)
    old = make_record("a", filename="old.eml", received_at=first)
    old.document.attachment_ids = [shared.id, alone.id]
    new = make_record("b", filename="new.eml", received_at=later)
    new.document.attachment_ids = [shared.id]
    for record in (shared, alone, old):
        store.save(record, record.document.filename, "/originals")
    for record in (new.model_copy(deep=True), shared.model_copy(deep=True)):
        record.document.received_at = later
        store.save(record, record.document.filename, "/originals")
    standalone = alone.model_copy(deep=True)
    standalone.document.received_at = later + timedelta(days=1)
    store.save(standalone, "annex-by-itself.pdf", "/originals")

    assert store.purge(old.document.sha256, "dpo", "retention period expired") == [
        old.document.sha256
    ]
    assert store.get(shared.id) is not None and store.get(alone.id) is not None
    listing = store.get(new.id)
    assert listing is not None and listing.document.attachment_ids == [shared.id]
    # The arrivals the purged e-mail brought went with it; the others stay.
    assert [a.received_at for a in store.arrivals(shared.document.sha256)] == [later]
    assert [a.filename for a in store.arrivals(alone.document.sha256)] == ["annex-by-itself.pdf"]
    # Its last other source purged, the shared attachment goes too.
    assert store.purge(new.document.sha256, "dpo", "purge requested") == [
        new.document.sha256,
        shared.document.sha256,
    ]
    assert store.get(shared.id) is None and store.get(alone.id) is not None
