"""The whole pipeline through Prefect, with real tesseract and a real SQLite store."""

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from rogatory.flows.process import process_document
from rogatory.models import Record, ReviewStatus, TranslationStatus
from rogatory.review.originals import original_path
from rogatory.review.store import Store
from rogatory.settings import get_settings

from conftest import CLI, SAMPLES, SPANISH_LETTER, TESSDATA, email_with, render_page, text_pdf

pytestmark = pytest.mark.slow


def manifest_entry(sample_id: str) -> dict[str, str]:
    manifest = yaml.safe_load((SAMPLES / "manifest.yaml").read_text(encoding="utf-8"))
    return next(s for s in manifest["samples"] if s["id"] == sample_id)


def run_cli(*args: str, data_dir: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "ROGATORY_DATA_DIR": str(data_dir), **environment}
    return subprocess.run([CLI, *args], capture_output=True, text=True, env=env, timeout=600)


def test_scanned_spanish_request_end_to_end() -> None:
    sample = manifest_entry("es01_mla_madrid")
    record = process_document(SAMPLES / "requests" / sample["output"])

    assert record.document.media_type == "application/pdf"
    assert record.document.page_count == len(record.pages) >= 1
    assert all(page.source == "ocr" and page.ocr_languages == "spa" for page in record.pages)
    assert "Juzgado" in record.pages[0].text
    assert record.language and record.language.code == "es"
    assert record.translation and record.translation.status == TranslationStatus.UNAVAILABLE
    assert record.extraction.doc_type == "mla_request"
    assert record.review and record.review.status == ReviewStatus.PENDING
    assert "translation unavailable" in record.review.reasons
    assert record.errors == []

    settings = get_settings()
    kept = original_path(settings.originals_dir, record.document.sha256)
    assert kept.read_bytes() == (SAMPLES / "requests" / sample["output"]).read_bytes()
    stored = Store.open(settings.store_url).get(record.id)
    assert stored == record


def test_process_json_validates_against_the_schema(tmp_path: Path) -> None:
    sample = manifest_entry("fr01_eio_lyon")
    done = run_cli(
        "process", str(SAMPLES / "requests" / sample["output"]), "--json", data_dir=tmp_path
    )
    assert done.returncode == 0, done.stderr
    schema = json.loads(run_cli("schema", data_dir=tmp_path).stdout)
    printed = json.loads(done.stdout)
    jsonschema.validate(printed, schema)
    record = Record.model_validate(printed)
    assert record.language and record.language.code == "fr"
    assert record.review and record.review.status == ReviewStatus.PENDING

    shown = run_cli("show", record.id, "--viewer", "analyst-7", data_dir=tmp_path)
    assert json.loads(shown.stdout)["id"] == record.id
    trail = run_cli("queue", "audit", record.id, "--format", "jsonl", data_dir=tmp_path).stdout
    assert json.loads(trail.splitlines()[-1])["actor"] == "analyst-7"
    assert record.document.filename in run_cli("queue", data_dir=tmp_path).stdout


def test_unreadable_file_is_kept_with_a_reason(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    done = run_cli("process", str(empty), "--json", data_dir=tmp_path / "data")
    assert done.returncode == 2
    assert done.stderr.strip().endswith("empty.pdf: the file is empty")
    record = Record.model_validate_json(done.stdout)
    assert record.review and record.review.status == ReviewStatus.ERROR
    assert [(e.stage, e.message) for e in record.errors] == [("pages", "the file is empty")]
    assert original_path(tmp_path / "data" / "originals", record.document.sha256).exists()


def test_ingest_goes_on_after_a_bad_file(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a-broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")
    plain = text_pdf(SPANISH_LETTER, tmp_path / "plain.pdf")
    subprocess.run(
        ["qpdf", "--encrypt", "pw", "pw", "256", "--", str(plain), str(inbox / "c-locked.pdf")],
        check=True,
    )
    (inbox / "b-letter.txt").write_text(
        "Letter of request. The Crown Prosecution Service asks for bank records of the suspect.",
        encoding="utf-8",
    )
    done = run_cli("ingest", str(inbox), data_dir=tmp_path / "data")
    assert done.returncode == 0, done.stderr
    store = Store.open(f"sqlite:///{tmp_path / 'data' / 'rogatory.db'}")
    statuses = {entry.filename: entry.status for entry in store.queue()}
    assert statuses == {
        "a-broken.pdf": ReviewStatus.ERROR,
        "b-letter.txt": ReviewStatus.PENDING,
        "c-locked.pdf": ReviewStatus.ERROR,
    }
    locked = next(e for e in store.queue() if e.filename == "c-locked.pdf")
    assert locked.reasons == ["pages: the PDF is encrypted and needs a password"]


@pytest.mark.parametrize(
    ("left_out", "reason"),
    [
        ("spa.traineddata", "[ocr] tesseract has no language data for spa"),
        ("configs", "[ocr] tesseract wrote no word table: its 'tsv' config is missing"),
    ],
)
def test_ingest_names_a_machine_fault_stores_nothing_and_goes_on(
    tmp_path: Path, left_out: str, reason: str
) -> None:
    """tesseract without Spanish data, or without its word-table config: the Spanish scan is not
    stored with an error (that would mark it done), the text file after it is, and the exit
    status says to run again."""
    tessdata = tmp_path / "tessdata"
    tessdata.mkdir()
    for entry in TESSDATA.iterdir():
        if entry.name != left_out:
            (tessdata / entry.name).symlink_to(entry)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    render_page(SPANISH_LETTER, inbox / "a-carta.png")
    (inbox / "b-letter.txt").write_text("Letter of request for bank records.", encoding="utf-8")
    done = run_cli("ingest", str(inbox), data_dir=tmp_path / "data", TESSDATA_PREFIX=str(tessdata))
    assert done.returncode == 3
    assert f"a-carta.png: {reason}" in done.stderr
    store = Store.open(f"sqlite:///{tmp_path / 'data' / 'rogatory.db'}")
    assert [entry.filename for entry in store.queue()] == ["b-letter.txt"]


def test_process_needs_no_network(tmp_path: Path) -> None:
    """The whole run, Prefect's temporary server included, inside a network namespace that has
    nothing but loopback: any attempt to reach the outside would fail the run."""
    sample = manifest_entry("de02_eio_wien")
    offline = ["unshare", "--map-root-user", "--net", "sh", "-c", 'ip link set lo up && exec "$@"']
    env = {"PATH": "/usr/sbin:/usr/bin:/bin", "ROGATORY_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [*offline, "sh", CLI, "process", str(SAMPLES / "requests" / sample["output"]), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    record = Record.model_validate_json(done.stdout)
    assert record.language and record.language.code == "de"
    assert record.extraction.doc_type == "eio"


def test_email_attachment_is_a_document_linked_to_the_email(tmp_path: Path) -> None:
    letter = text_pdf(["Letter of request", *SPANISH_LETTER], tmp_path / "letter.pdf")
    mail = email_with(letter, tmp_path / "mail.eml", "comision.pdf")
    record = process_document(mail)
    assert record.document.media_type == "message/rfc822"
    assert record.errors == []
    [attachment_id] = record.document.attachment_ids
    attachment = Store.open(get_settings().store_url).get(attachment_id)
    assert attachment is not None
    assert attachment.document.filename == "comision.pdf"
    assert attachment.document.parent_id == record.id
    assert attachment.pages[0].source == "text_layer"
    assert attachment.language and attachment.language.code == "es"
