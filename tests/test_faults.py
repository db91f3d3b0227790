"""Faults of the machine during a backlog: PostgreSQL restarted mid-batch, the data directory's
disk full, a tesseract language file missing. Each ends in a clear error and a state the next
run resumes from, never in a half-written record."""

import hashlib
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from test_backlog import assert_archive_whole, make_backlog

from rogatory.flows.backlog import process_file, run_backlog
from rogatory.flows.faults import installed_tesseract_languages
from rogatory.flows.saving import close_stores
from rogatory.review.store import Store
from rogatory.settings import get_settings

from bench.databases import postgres_schema
from conftest import SPANISH_LETTER, TESSDATA, render_page

pytestmark = pytest.mark.slow


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def records_in(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM records")).scalar_one())
    except Exception:  # the schema is not there yet, or the server is away
        return 0
    finally:
        engine.dispose()


def test_postgres_restart_mid_backlog_completes_exactly_once(
    tmp_path: Path, own_settings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = make_backlog(tmp_path / "inbox", text_files=16, scans=0)
    with postgres_schema() as url:
        monkeypatch.setenv("ROGATORY_DATABASE_URL", url)
        get_settings.cache_clear()
        stored_at_restart: list[int] = []

        def restart_when_started() -> None:
            deadline = time.monotonic() + 600
            while records_in(url) < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
            stored_at_restart.append(records_in(url))
            # Down for a few seconds, as a restart under load or a failover would be.
            subprocess.run(["pg_ctlcluster", "15", "main", "stop", "-m", "fast"], check=True)
            time.sleep(3)
            subprocess.run(["pg_ctlcluster", "15", "main", "start"], check=True)

        restarter = threading.Thread(target=restart_when_started)
        restarter.start()
        try:
            report = run_backlog([str(tmp_path / "inbox")], concurrency=2)
        finally:
            restarter.join()
        assert stored_at_restart and stored_at_restart[0] < len(files), "restart not mid-run"
        assert report.store_retries > 0  # saves did meet the server away
        assert report.failures == []
        assert report.processed == len(files)

        store = Store.open(url)
        try:
            for file in files:
                sha256 = sha256_of(file)
                assert store.find_by_sha256(sha256) is not None, file.name
                assert [a.filename for a in store.arrivals(sha256)] == [file.name]
            assert len(store.queue(limit=1000)) == len(files)
            processed = [e for e in store.audit() if e.action == "process"]
            assert len(processed) == len(files)
        finally:
            store.close()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB file system of its own: filled up, it fails writes with ENOSPC."""
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def fill(disk: Path) -> Path:
    """Every last byte: large writes first, then smaller ones for what is left."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as writer:
        for chunk in (b"\0" * 65536, b"\0" * 4096, b"\0"):
            try:
                while True:
                    writer.write(chunk)
            except OSError:
                continue
    return filler


def test_disk_full_fails_files_clearly_and_the_rerun_resumes(
    tmp_path: Path, small_disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = make_backlog(tmp_path / "inbox", text_files=3, scans=0)
    monkeypatch.setenv("ROGATORY_DATA_DIR", str(small_disk / "data"))
    get_settings.cache_clear()
    try:
        settings = get_settings()
        Store.open(settings.store_url).close()  # the store exists; then the disk fills up
        filler = fill(small_disk)

        outcomes = [process_file.fn(str(f), sha256_of(f)) for f in files]
        for outcome in outcomes:
            assert outcome.failure is not None and outcome.record_id is None
            assert outcome.failure.reason.startswith("disk full"), outcome.failure.reason
        filler.unlink()
        store = Store.open(settings.store_url)
        assert all(store.find_by_sha256(sha256_of(f)) is None for f in files)
        assert_archive_whole(settings.data_dir)

        again = [process_file.fn(str(f), sha256_of(f)) for f in files]
        assert [o.failure for o in again] == [None] * len(files)
        for file in files:
            assert [a.filename for a in store.arrivals(sha256_of(file))] == [file.name]
        assert_archive_whole(settings.data_dir)
        store.close()
    finally:
        close_stores()
        monkeypatch.undo()
        get_settings.cache_clear()


def test_missing_tesseract_language_fails_the_file_until_it_is_installed(
    tmp_path: Path, own_settings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scan = render_page(SPANISH_LETTER, tmp_path / "carta.png", rotate_deg=1.2)
    partial = tmp_path / "tessdata"
    partial.mkdir()
    for entry in TESSDATA.iterdir():  # everything tesseract has, but Spanish
        if entry.name != "spa.traineddata":
            (partial / entry.name).symlink_to(entry)
    monkeypatch.setenv("TESSDATA_PREFIX", str(partial))
    installed_tesseract_languages.cache_clear()
    try:
        outcome = process_file.fn(str(scan), sha256_of(scan))
    finally:
        monkeypatch.delenv("TESSDATA_PREFIX")
        installed_tesseract_languages.cache_clear()
    assert outcome.failure is not None
    assert outcome.failure.stage == "ocr"
    assert "no language data for spa" in outcome.failure.reason
    store = Store.open(get_settings().store_url)
    assert store.find_by_sha256(sha256_of(scan)) is None  # not stored as done with an error

    again = process_file.fn(str(scan), sha256_of(scan))
    assert again.failure is None and again.errors == []
    record = store.find_by_sha256(sha256_of(scan))
    assert record is not None and record.pages[0].ocr_languages == "spa"
    assert len(store.arrivals(sha256_of(scan))) == 1
    store.close()
