"""`rogatory verify` and `rogatory purge` on a data directory filled by the real pipeline."""

import hashlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rogatory.models import Document, Page, PageSource, Pipeline, Record, record_id
from rogatory.review.custody import Problem
from rogatory.review.originals import keep_original, original_path
from rogatory.review.store import Store

from conftest import SPANISH_LETTER, render_page

pytestmark = pytest.mark.slow

ROGATORY = Path(sys.executable).with_name("rogatory")


@dataclass(frozen=True)
class Desk:
    data: Path
    env: dict[str, str]

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(ROGATORY), *args],
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=600,
        )

    def problems(self) -> list[Problem]:
        """What `rogatory verify` would report, checked in this process (each run of the
        command pays the command line's start-up)."""
        store = Store.open(f"sqlite:///{self.data / 'rogatory.db'}")
        try:
            return store.verify(self.data / "originals", self.data / "pages").problems
        finally:
            store.close()

    def records(self) -> dict[str, Record]:
        store = Store.open(f"sqlite:///{self.data / 'rogatory.db'}")
        try:
            found = [store.get(entry.record_id) for entry in store.queue()]
            return {r.document.filename: r for r in found if r is not None}
        finally:
            store.close()


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    root = tmp_path_factory.mktemp("custody")
    inbox = root / "inbox"
    inbox.mkdir()
    render_page(SPANISH_LETTER, inbox / "scan.png")
    (inbox / "letter.txt").write_text("\n".join(SPANISH_LETTER))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ROGATORY_", "PREFECT_"))}
    desk = Desk(root / "data", {**env, "ROGATORY_DATA_DIR": str(root / "data")})
    assert desk.run("ingest", str(inbox)).returncode == 0
    received_long_ago(desk, root / "old.txt")
    yield desk


def received_long_ago(desk: Desk, path: Path) -> None:
    """A document received in 2020, stored as the flow stores one (a second run of the whole
    pipeline would only add its start-up time)."""
    path.write_text("Solicitud de asistencia judicial recibida hace años.\n")
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    kept = keep_original(path, sha256, desk.data / "originals")
    received = datetime(2020, 1, 2, 10, 0, tzinfo=UTC)
    record = Record(
        id=record_id(sha256),
        document=Document(
            sha256=sha256,
            filename=path.name,
            media_type="text/plain",
            size_bytes=path.stat().st_size,
            received_at=received,
            page_count=1,
        ),
        pages=[Page(number=1, text=path.read_text(), source=PageSource.TEXT_LAYER)],
        pipeline=Pipeline(version="0.1.0"),
    )
    store = Store.open(f"sqlite:///{desk.data / 'rogatory.db'}")
    store.save(record, path.name, str(kept))
    store.close()


def flipped(path: Path) -> bytes:
    """Flip one bit of the file in place; its bytes before."""
    before = path.read_bytes()
    path.chmod(0o644)
    path.write_bytes(bytes([before[0] ^ 0x01]) + before[1:])
    return before


def test_verify_passes_what_the_pipeline_kept(desk: Desk) -> None:
    done = desk.run("verify", "--json")
    assert done.returncode == 0, done.stdout
    report = json.loads(done.stdout)
    assert (report["originals"], report["records"]) == (3, 3)
    assert report["previews"] == 1  # the scan's one page
    assert report["problems"] == [] and report["unrecorded"] == []
    # The audit chain's head, printed to keep elsewhere, and found again when given back.
    head = report["chain"]["head"]
    assert re.fullmatch("[0-9a-f]{64}", head) and f"audit chain head: {head}" in done.stderr
    assert desk.run("verify", "--kept-head", head).returncode == 0
    refused = desk.run("verify", "--kept-head", "0" * 64)
    assert refused.returncode == 1 and "the trail was rewritten" in refused.stdout


def test_verify_detects_a_byte_flipped_in_an_original(desk: Desk) -> None:
    sha256 = desk.records()["letter.txt"].document.sha256
    original = original_path(desk.data / "originals", sha256)
    before = flipped(original)
    try:
        done = desk.run("verify")
        assert done.returncode == 1
        assert sha256 in done.stdout and "original" in done.stdout
        assert "1 problems" in done.stderr
    finally:
        original.write_bytes(before)
        original.chmod(0o444)
    assert desk.problems() == []


def test_verify_detects_an_altered_page_preview(desk: Desk) -> None:
    sha256 = desk.records()["scan.png"].document.sha256
    preview = desk.data / "pages" / sha256 / "1.png"
    before = flipped(preview)
    try:
        done = desk.run("verify", "--json")
        assert done.returncode == 1
        [problem] = json.loads(done.stdout)["problems"]
        assert (problem["kind"], problem["subject"]) == ("preview", str(preview))
    finally:
        preview.write_bytes(before)
    assert desk.problems() == []


def test_purge_by_record_id_removes_the_files_and_keeps_verify_clean(desk: Desk) -> None:
    scan = desk.records()["scan.png"]
    done = desk.run("purge", scan.id, "--actor", "dpo")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [scan.document.sha256]
    assert "scan.png" not in desk.records()
    assert not original_path(desk.data / "originals", scan.document.sha256).exists()
    assert not (desk.data / "pages" / scan.document.sha256).exists()
    audit = desk.run("queue", "audit", scan.id, "--format", "jsonl")
    [*earlier, last] = [json.loads(line) for line in audit.stdout.splitlines()]
    assert last["action"] == "purge" and last["changes"] == {"sha256": [scan.document.sha256, None]}
    assert all(entry["changes"] == {} for entry in earlier)
    assert desk.problems() == []


def test_purge_expired_uses_the_retention_period(desk: Desk) -> None:
    refused = desk.run("purge", "--expired", "--actor", "dpo")
    assert refused.returncode == 2 and "ROGATORY_RETENTION_DAYS" in refused.stderr
    old = desk.records()["old.txt"]
    done = desk.run("purge", "--expired", "--actor", "dpo", ROGATORY_RETENTION_DAYS="365")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [old.document.sha256]
    assert "old.txt" not in desk.records() and "letter.txt" in desk.records()
    assert desk.problems() == []


def test_a_purge_naming_an_unknown_document_purges_nothing(desk: Desk) -> None:
    letter = desk.records()["letter.txt"]
    done = desk.run("purge", letter.document.sha256, "f" * 64, "--actor", "dpo")
    assert done.returncode == 1 and f"no document {'f' * 64}" in done.stderr
    assert "letter.txt" in desk.records()
    assert original_path(desk.data / "originals", letter.document.sha256).exists()
    assert desk.problems() == []


def test_purge_of_an_unknown_document_fails_clearly(desk: Desk) -> None:
    done = desk.run("purge", "0" * 64, "--actor", "dpo")
    assert done.returncode == 1 and "no document" in done.stderr
