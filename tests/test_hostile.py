"""The hostile corpus through the real `rogatory ingest`: every file gets its defined outcome in
the store, no worker crashes, nothing is written outside the data directory, and the logs hold
no document text. A plain scanned letter rides along as a control: it must be read, by OCR."""

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rich.console import Console
from rich.table import Table

from rogatory.models import PageSource, Record, ReviewStatus
from rogatory.review.originals import original_path
from rogatory.review.store import Store

from conftest import SPANISH_LETTER, render_page
from samples.hostile.make_corpus import ESCAPING_PACKAGE, make_corpus

pytestmark = pytest.mark.slow

ROGATORY = Path(sys.executable).with_name("rogatory")
PIXELS = "exceeds the limit of 150000000 pixels"


@dataclass(frozen=True)
class Outcome:
    status: ReviewStatus
    reason: str | None = None  # a part of the one error the record must carry


# The defined outcome of each file at the default limits. Files the pipeline can read are read
# (zip slip and a forged attachment name are harmless to a reader that never unpacks or uses
# names as paths); the rest are stored with an error naming the reason, for a person to see.
EXPECTED = {
    "empty.pdf": Outcome(ReviewStatus.ERROR, "pages: the file is empty"),
    "truncated.pdf": Outcome(ReviewStatus.ERROR, "pages: unreadable PDF"),
    "wrong-header.pdf": Outcome(
        ReviewStatus.ERROR, "pages: unsupported file type application/octet-stream"
    ),
    "encrypted.pdf": Outcome(ReviewStatus.ERROR, "pages: the PDF is encrypted"),
    "thousands-of-pages.pdf": Outcome(
        ReviewStatus.ERROR, "pages: 5000 pages exceed the limit of 500"
    ),
    "giant-page.pdf": Outcome(ReviewStatus.ERROR, f"pages: a page of 40000×40000 pixels {PIXELS}"),
    "huge-30000x30000.png": Outcome(ReviewStatus.ERROR, f"pages: the image {PIXELS}"),
    "broken-ifd.tif": Outcome(ReviewStatus.ERROR, PIXELS),
    "zip-bomb-attachment.eml": Outcome(ReviewStatus.PENDING),
    "comision.docx": Outcome(ReviewStatus.ERROR, "pages: the Word document's text is larger"),
    "nested-50.eml": Outcome(ReviewStatus.PENDING),
    "zip-slip.docx": Outcome(ReviewStatus.PENDING),
    "attachment-named-etc-passwd.eml": Outcome(ReviewStatus.PENDING),
    "../../etc/passwd": Outcome(ReviewStatus.PENDING),
    "nul-and-invalid-utf8.txt": Outcome(ReviewStatus.PENDING),
    "control-scan.png": Outcome(ReviewStatus.PENDING),
}
# Words of the documents' own text, which must never reach a log.
DOCUMENT_WORDS = ["blanqueo", "Pérez", "2100 0418", "Juzgado", "Adjuntamos", "Reenvío", "Nivel"]


@dataclass(frozen=True)
class Run:
    root: Path
    data: Path
    corpus: Path
    packages: Path
    ingest: subprocess.CompletedProcess[str]
    install: subprocess.CompletedProcess[str]
    before: set[str]
    after: set[str]
    records: list[Record]

    def named(self, filename: str) -> Record:
        [record] = [r for r in self.records if r.document.filename == filename]
        return record

    def by_id(self, record_id: str) -> Record:
        return next(r for r in self.records if r.id == record_id)


def listing(root: Path, data: Path) -> set[str]:
    """Every path under `root` outside the data directory, with its size and change time."""
    found = set()
    for path in root.rglob("*"):
        if path == data or data in path.parents:
            continue
        info = path.lstat()
        found.add(f"{path.relative_to(root)} {info.st_size} {info.st_mtime_ns}")
    return found


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    root = tmp_path_factory.mktemp("hostile")
    corpus, packages, data = root / "corpus", root / "packages", root / "data"
    make_corpus(corpus, packages)
    render_page(SPANISH_LETTER, corpus / "control-scan.png")
    # A working directory deep enough that "../../etc/passwd" from it still lands in `root`.
    home, temporary, cwd = root / "home", root / "tmp", root / "a" / "b" / "cwd"
    for folder in (home, temporary, cwd):
        folder.mkdir(parents=True)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ROGATORY_", "PREFECT_"))},
        "HOME": str(home),
        "TMPDIR": str(temporary),
        "ROGATORY_DATA_DIR": str(data),
    }
    before = listing(root, data)
    ingest = subprocess.run(
        [str(ROGATORY), "--verbose", "ingest", str(corpus)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    install = subprocess.run(
        [str(ROGATORY), "models", "install", str(packages / ESCAPING_PACKAGE)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    after = listing(root, data)
    store = Store.open(f"sqlite:///{data / 'rogatory.db'}")
    records = [store.get(entry.record_id) for entry in store.queue(limit=1000)]
    store.close()
    yield Run(
        root, data, corpus, packages, ingest, install, before, after, [r for r in records if r]
    )


def the_error(record: Record) -> str | None:
    messages = [f"{e.stage}: {e.message}" for e in record.errors]
    assert len(messages) <= 1, messages
    return messages[0] if messages else None


def test_outcomes_table(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    """The outcome of every hostile file, in the test log."""
    table = Table("file", "media type", "pages", "queue status", "error", title="hostile corpus")
    for record in sorted(run.records, key=lambda r: r.document.filename):
        review = record.review
        table.add_row(
            record.document.filename,
            record.document.media_type,
            str(record.document.page_count),
            f"{review.queue}/{review.status.value}" if review else "-",
            the_error(record) or "-",
        )
    with capsys.disabled():
        Console(width=200).print(table)
    assert run.ingest.returncode == 0, run.ingest.stderr[-3000:]


@pytest.mark.parametrize("filename", sorted(EXPECTED))
def test_each_file_has_its_defined_outcome(run: Run, filename: str) -> None:
    expected = EXPECTED[filename]
    record = run.named(filename)
    assert record.review is not None
    assert record.review.status is expected.status
    error = the_error(record)
    if expected.reason is None:
        assert error is None
    else:
        assert error is not None and expected.reason in error
        assert error in record.review.reasons


def test_no_worker_crashed_and_every_file_is_kept(run: Run) -> None:
    assert run.ingest.returncode == 0
    for record in run.records:
        assert not any("internal error" in e.message for e in record.errors), record.errors
    received = {path.name for path in run.corpus.iterdir()}
    assert received <= {record.document.filename for record in run.records}
    for path in run.corpus.iterdir():
        kept = original_path(run.data / "originals", run.named(path.name).document.sha256)
        assert kept.read_bytes() == path.read_bytes()
        assert not kept.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def test_nothing_is_left_outside_the_data_directory(run: Run) -> None:
    files = {line for line in run.after if not (run.root / line.split()[0]).is_dir()}
    assert files == {line for line in run.before if not (run.root / line.split()[0]).is_dir()}
    assert not list(run.root.rglob("*escaped*"))
    assert not Path("/tmp/zip-slip-absolute.txt").exists()
    assert not (run.root / "etc").exists()


def test_not_even_a_temporary_file_is_made_outside_the_data_directory(run: Run) -> None:
    # A folder's change time moves when a file is created in it, even one deleted at once.
    assert run.after == run.before


def test_logs_hold_no_document_text(run: Run) -> None:
    assert run.named("control-scan.png").pages[0].source == PageSource.OCR
    logs = run.ingest.stderr + run.install.stderr
    assert "INFO" in logs  # the run was verbose: there was something to leak into
    for word in DOCUMENT_WORDS:
        assert word not in logs


def test_a_refused_pdf_is_never_rendered(run: Run) -> None:
    for name in ("thousands-of-pages.pdf", "giant-page.pdf"):
        record = run.named(name)
        assert record.document.page_count == 0
        assert not (run.data / "pages" / record.document.sha256).exists()


def test_e_mails_nest_only_to_the_depth_limit(run: Run) -> None:
    chain = [run.named("nested-50.eml")]
    while chain[-1].document.attachment_ids:
        [child_id] = chain[-1].document.attachment_ids
        chain.append(run.by_id(child_id))
    assert len(chain) == 4  # the e-mail and three levels under it (max_attachment_depth = 3)
    assert [the_error(r) for r in chain] == [
        None,
        None,
        None,
        "pages: attachments nested more than 3 deep",
    ]
    assert [r.document.parent_id for r in chain[1:]] == [r.id for r in chain[:-1]]


def test_names_inside_files_are_only_metadata(run: Run) -> None:
    passwd = run.named("../../etc/passwd")
    assert passwd.document.parent_id == run.named("attachment-named-etc-passwd.eml").id
    assert "Juzgado de Instrucción" in passwd.pages[0].text
    assert "Juzgado de Instrucción" in run.named("zip-slip.docx").pages[0].text


def test_damaged_text_is_read_without_its_nul_bytes(run: Run) -> None:
    [page] = run.named("nul-and-invalid-utf8.txt").pages
    assert "\x00" not in page.text
    assert "\ufffd" in page.text and "blanqueo de capitales" in page.text


def test_a_package_escaping_its_folder_is_refused(run: Run) -> None:
    assert run.install.returncode == 2
    assert "would escape the package folder" in run.install.stderr
    installed = run.data / "models" / "argos"
    assert not installed.exists() or not any(installed.iterdir())
