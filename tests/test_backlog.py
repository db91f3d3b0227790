"""Backlog runs: killed with SIGKILL mid-run and run again, every file is in the store exactly
once; on a Dask cluster of worker processes with PostgreSQL, the same records as a local run."""

import contextlib
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest
from distributed import LocalCluster
from PIL import Image

from rogatory.flows.backlog import (
    Job,
    chunk_size,
    largest_first,
    prefect_api_url,
    process_file,
    run_backlog,
    task_runner,
)
from rogatory.flows.leftovers import sweep_partials
from rogatory.flows.pipeline import run_pipeline
from rogatory.flows.reprocess import reprocess_records
from rogatory.flows.saving import close_stores
from rogatory.models import Extraction, Record
from rogatory.review.store import Store
from rogatory.settings import get_settings

from bench.databases import postgres_schema
from conftest import CLI, SPANISH_LETTER, email_with, render_page, text_pdf

pytestmark = pytest.mark.slow


def make_backlog(folder: Path, text_files: int, scans: int) -> list[Path]:
    """Text PDFs that differ in a line, scans turned a little, and one empty file (stored with
    its error, not a failure)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = [
        text_pdf([*SPANISH_LETTER, f"Expediente {n}/2026"], folder / f"request-{n:03}.pdf")
        for n in range(text_files)
    ]
    for n in range(scans):
        lines = [*SPANISH_LETTER[:4], f"Referencia {n}/2026", *SPANISH_LETTER[4:]]
        files.append(render_page(lines, folder / f"scan-{n}.png", rotate_deg=0.8 * (n + 1)))
    empty = folder / "empty.txt"
    empty.write_bytes(b"")
    return [*files, empty]


def backlog_env(data_dir: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "ROGATORY_DATA_DIR": str(data_dir), "HOME": str(data_dir)}


def count(database: Path, table: str) -> int:
    if not database.exists():
        return 0
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as connection:
        try:
            return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        except sqlite3.OperationalError:  # the schema is not created yet
            return 0


def wait_for(condition: Callable[[], bool], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.2)


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def start_backlog(command: list[str], data: Path) -> "subprocess.Popen[bytes]":
    """The command in a process group of its own, so that a test can kill all of it at once."""
    return subprocess.Popen(
        command,
        env=backlog_env(data),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def kill_run(run: "subprocess.Popen[bytes]") -> None:
    """SIGKILL to the command's process group, as a crash would. Prefect's temporary server runs
    in a session of its own and would outlive the test: it is killed after the group."""
    descendants: list[psutil.Process] = []
    with contextlib.suppress(psutil.NoSuchProcess):
        descendants = psutil.Process(run.pid).children(recursive=True)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    for process in descendants:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()


def test_killed_backlog_resumes_with_every_file_exactly_once(tmp_path: Path) -> None:
    files = make_backlog(tmp_path / "inbox", text_files=30, scans=3)
    data = tmp_path / "data"
    database = data / "rogatory.db"
    command = [CLI, "backlog", str(tmp_path / "inbox"), "--concurrency", "2"]

    run = start_backlog(command, data)
    try:
        wait_for(lambda: count(database, "records") >= 3, timeout_s=300)
    finally:
        kill_run(run)
    wait_for(lambda: not group_alive(run.pid), timeout_s=30)
    stored_at_kill = count(database, "records")
    assert 3 <= stored_at_kill < len(files), "the kill did not land mid-run"

    rerun = subprocess.run(
        command, env=backlog_env(data), capture_output=True, text=True, timeout=900
    )
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert "extraction" in rerun.stdout and "pages/min" in rerun.stdout  # the printed report
    report = json.loads(sorted((data / "runs").glob("backlog-*.json"))[-1].read_text())
    assert report["files"] == len(files)
    assert report["skipped"] == stored_at_kill
    assert report["processed"] == len(files) - stored_at_kill
    assert report["failures"] == []
    assert set(report["stage_seconds"]) >= {"ocr", "language", "extraction", "translation"}

    assert_exactly_once(database, files)
    assert_archive_whole(data)


def test_a_worker_killed_mid_document_fails_that_document_alone(tmp_path: Path) -> None:
    """A Dask worker process SIGKILLed while tesseract reads a scan for it: the run goes on, the
    scan is reported failed with the reason and not stored, every other file (its chunk mates
    too) is processed; the next run processes the scan, and every file is stored once."""
    inbox = tmp_path / "inbox"
    files = make_backlog(inbox, text_files=30, scans=0)
    # Named to sort among the text files, so that it has chunk mates on both sides.
    lines = [*SPANISH_LETTER[:4], "Referencia 13/2026", *SPANISH_LETTER[4:]]
    scan = render_page(lines, inbox / "request-013-scan.png")
    files.append(scan)
    data = tmp_path / "data"
    database = data / "rogatory.db"
    command = [CLI, "backlog", str(inbox), "--concurrency", "2"]

    run = start_backlog(command, data)
    try:
        reading = wait_for_ocr(psutil.Process(run.pid), timeout_s=300)
        # The workers report to the run's Prefect server: they start none of their own.
        assert len(prefect_servers(data)) == 1
        worker = reading.parent()
        assert worker is not None and worker.pid != run.pid  # a Dask worker process
        worker.send_signal(signal.SIGKILL)
        assert run.wait(timeout=600) == 3  # a file failed
    finally:
        if run.poll() is None:
            kill_run(run)

    report = json.loads(sorted((data / "runs").glob("backlog-*.json"))[-1].read_text())
    assert [(f["path"], f["stage"]) for f in report["failures"]] == [(str(scan.resolve()), "pages")]
    assert report["failures"][0]["reason"].startswith("worker lost while processing it")
    assert report["processed"] == len(files) - 1
    scan_sha256 = hashlib.sha256(scan.read_bytes()).hexdigest()
    assert_exactly_once(database, [f for f in files if f != scan])
    assert_archive_whole(data)
    # The lost chunk's task run ended Crashed in Prefect, not Running for ever.
    states = task_run_states(data / "prefect" / "prefect.db")
    assert states.get("CRASHED") == 1 and "RUNNING" not in states, states

    rerun = subprocess.run(
        command, env=backlog_env(data), capture_output=True, text=True, timeout=900
    )
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    report = json.loads(sorted((data / "runs").glob("backlog-*.json"))[-1].read_text())
    assert (report["skipped"], report["processed"], report["failures"]) == (len(files) - 1, 1, [])
    assert_exactly_once(database, files)
    with sqlite3.connect(database) as connection:
        stored = connection.execute("SELECT count(*) FROM records WHERE sha256 = ?", (scan_sha256,))
        assert stored.fetchone()[0] == 1
    # Nothing of either run outlives it, though a worker of the first was killed.
    wait_for(lambda: not prefect_servers(data), timeout_s=60)


def task_run_states(database: Path) -> dict[str, int]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as connection:
        rows = connection.execute("SELECT state_type, count(*) FROM task_run GROUP BY state_type")
        return {str(state): int(number) for state, number in rows}


def prefect_servers(data: Path) -> list[psutil.Process]:
    """Prefect API servers started for runs on this data folder."""
    found = []
    for process in psutil.process_iter():
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            if "prefect.server" in " ".join(process.cmdline()) and process.environ().get(
                "ROGATORY_DATA_DIR"
            ) == str(data):
                found.append(process)
    return found


def wait_for_ocr(run: psutil.Process, timeout_s: float) -> psutil.Process:
    """A tesseract process reading a page for the run (not one asked for its version)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for process in run.children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess):
                arguments = process.cmdline()
                if process.name() == "tesseract" and not {"--version", "--list-langs"} & set(
                    arguments
                ):
                    return process
        time.sleep(0.05)
    raise AssertionError("no tesseract process seen")


def assert_exactly_once(database: Path, files: list[Path]) -> None:
    """Every file has one whole record, document, queue item, arrival and 'process' audit
    entry; nothing else is stored."""
    expected = {hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT sha256, record FROM records").fetchall()
        assert {sha for sha, _ in rows} == expected
        for _, raw in rows:
            Record.model_validate_json(raw)  # whole, valid records only
        for table in ("documents", "queue_items"):
            assert count(database, table) == len(files), table
        per_document = connection.execute(
            "SELECT sha256, count(*) FROM arrivals GROUP BY sha256"
        ).fetchall()
        assert dict(per_document) == dict.fromkeys(expected, 1)
        processed = connection.execute(
            "SELECT record_id, count(*) FROM audit_entries"
            " WHERE action = 'process' GROUP BY record_id"
        ).fetchall()
        assert sorted(n for _, n in processed) == [1] * len(files)


def test_a_file_processed_again_adds_no_second_arrival_of_it_or_its_attachments(
    tmp_path: Path, own_settings: Path
) -> None:
    """As when a run dies after an e-mail's attachment was stored but before the e-mail was."""
    attachment = text_pdf(SPANISH_LETTER, tmp_path / "carta.pdf")
    mail = email_with(attachment, tmp_path / "request.eml", "comision.pdf")
    first = process_file.fn(str(mail), "")
    again = process_file.fn(str(mail), "")
    assert first.failure is None and again.failure is None
    store = Store.open(get_settings().store_url)
    try:
        email = store.get(first.record_id or "")
        assert email is not None and len(email.document.attachment_ids) == 1
        child = store.get(email.document.attachment_ids[0])
        assert child is not None and child.document.filename == "comision.pdf"
        for record in (email, child):
            assert len(store.arrivals(record.document.sha256)) == 1
    finally:
        store.close()


def test_partial_files_abandoned_by_a_killed_run_are_swept(tmp_path: Path) -> None:
    folder = tmp_path / "originals" / "ab" / "cd"
    folder.mkdir(parents=True)
    abandoned = folder / ".abcd.123.partial"
    in_progress = folder / ".abce.124.partial"
    whole = folder / "abcd"
    for path in (abandoned, in_progress, whole):
        path.write_bytes(b"x")
    two_hours_ago = time.time() - 7200
    os.utime(abandoned, (two_hours_ago, two_hours_ago))
    os.utime(whole, (two_hours_ago, two_hours_ago))

    assert sweep_partials([tmp_path / "originals", tmp_path / "missing"]) == 1
    assert not abandoned.exists() and in_progress.exists() and whole.exists()


def assert_archive_whole(data: Path) -> None:
    """Every original under its final name is byte-exact, every page preview decodes."""
    originals = [p for p in (data / "originals").rglob("*") if p.is_file()]
    kept = [p for p in originals if not p.name.startswith(".")]
    for original in kept:
        assert hashlib.sha256(original.read_bytes()).hexdigest() == original.name
    for preview in (data / "pages").rglob("*.png"):
        if not preview.name.startswith("."):
            with Image.open(preview) as image:
                image.load()


def comparable(record: Record) -> dict[str, object]:
    """A record without what differs between two runs of the same file: when it was received."""
    return record.model_dump(mode="json", exclude={"document": {"received_at"}})


def test_backlog_on_a_dask_cluster_gives_the_records_of_a_local_run(
    tmp_path: Path, own_settings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = make_backlog(tmp_path / "inbox", text_files=8, scans=1)
    local = {record.document.sha256: record for record in map(run_pipeline, files)}

    with postgres_schema() as url:
        monkeypatch.setenv("ROGATORY_DATA_DIR", str(tmp_path / "cluster-data"))
        monkeypatch.setenv("ROGATORY_DATABASE_URL", url)
        # A team's workers are given the Prefect server's address (docs/backlog.md).
        with LocalCluster(
            n_workers=3,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            env={"PREFECT_API_URL": prefect_api_url()},
        ) as cluster:
            monkeypatch.setenv("ROGATORY_DASK_ADDRESS", cluster.scheduler_address)
            get_settings.cache_clear()
            report = run_backlog([str(tmp_path / "inbox")], concurrency=3)
        assert report.failures == [] and report.processed == len(files)
        assert len(report.workers) > 1, report.workers  # several processes did the work
        assert os.getpid() not in {int(w.rsplit(":", 1)[1]) for w in report.workers}

        store = Store.open(url)
        try:
            for sha256, record in local.items():
                stored = store.find_by_sha256(sha256)
                assert stored is not None
                assert comparable(stored) == comparable(record)
        finally:
            store.close()
            close_stores()


def test_reprocess_reruns_extraction_from_stored_text_without_ocr(
    tmp_path: Path, own_settings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scan = render_page(SPANISH_LETTER, tmp_path / "carta.png", rotate_deg=1.0)
    record = run_pipeline(scan)
    assert record.extraction.doc_type is not None
    url = get_settings().store_url
    with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:  # rules of old
        older = record.model_copy(update={"extraction": Extraction()})
        connection.execute(
            "UPDATE records SET record = ? WHERE id = ?", (older.model_dump_json(), record.id)
        )
    # tesseract cannot run at all now: any OCR would fail the re-run.
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path / "no-tessdata"))

    done, seconds = reprocess_records("extract", record.document.received_at)

    assert done == 1 and "ocr" not in seconds and "extraction" in seconds
    store = Store.open(url)
    try:
        again = store.get(record.id)
        assert again is not None
        assert again.extraction == record.extraction and again.pages == record.pages
        assert len(store.arrivals(record.document.sha256)) == 1  # a re-run is not an arrival
        assert [e.action for e in store.audit(record.id)] == ["process", "reprocess"]
    finally:
        store.close()


def test_a_local_clusters_workers_share_the_tesseract_processes_and_the_prefect_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ROGATORY_OCR_WORKERS", "4")
    monkeypatch.delenv("ROGATORY_DASK_ADDRESS", raising=False)
    get_settings.cache_clear()
    try:
        runner = task_runner(get_settings(), concurrency=2)
    finally:
        get_settings.cache_clear()
    env = runner.cluster_kwargs["env"]
    assert env["ROGATORY_OCR_WORKERS"] == "2"  # 4 tesseracts in flight, 2 per document
    assert env["PREFECT_API_URL"] == prefect_api_url()  # the run's own server


def test_the_biggest_files_are_processed_first_so_that_none_is_left_alone_at_the_end() -> None:
    small, big, bigger, tie = (
        Job("/in/b-small.pdf", "1", 10),
        Job("/in/c-big.pdf", "2", 5_000_000),
        Job("/in/d-bigger.pdf", "3", 90_000_000),
        Job("/in/a-tie.pdf", "4", 10),
    )
    assert largest_first([small, big, bigger, tie]) == [bigger, big, tie, small]


def test_chunks_shrink_to_single_documents_as_the_backlog_runs_out() -> None:
    # Two workers: full chunks while plenty wait, then smaller, the last eight one by one.
    sizes = [chunk_size(waiting, workers=2) for waiting in (1000, 64, 40, 16, 15, 8, 1)]
    assert sizes == [8, 8, 5, 2, 1, 1, 1]
