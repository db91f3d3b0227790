"""Chain of custody: everything kept is re-hashed against what was recorded when it was written.

- An original must hash to the SHA-256 it is stored under (and named by, content-addressed).
- A record's JSON must hash to the digest its last save wrote into the append-only audit trail.
- A page preview must hash to the digest written beside it (`<n>.png.sha256`, `sha256sum` form).
- A purged document must have left no original and no previews behind.
- The audit trail must re-compute to the hash chain its entries were written with (see
  `audit.check_chain`), and hold the head digest kept from an earlier run, when one is given.
"""

import hashlib
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .audit import Chain, record_digest
from .originals import original_path
from .purge import is_tombstone

_CHUNK = 1024 * 1024
DIGEST_SUFFIX = ".sha256"


class Custody(BaseModel):
    """One received document as the store holds it."""

    sha256: str
    record_id: str | None
    record: dict[str, Any] | None
    recorded_digest: str | None


class Kind(StrEnum):
    ORIGINAL = "original"
    RECORD = "record"
    PREVIEW = "preview"
    PURGED = "purged"
    AUDIT = "audit"


class Problem(BaseModel):
    kind: Kind
    subject: str  # the document's hash, or the file's path
    detail: str


class Report(BaseModel):
    originals: int = 0
    records: int = 0
    previews: int = 0
    # Records saved before their hash was recorded: nothing to check them against.
    unrecorded: list[str] = []
    # Originals kept but in no store entry: a run interrupted between the two, or one in
    # progress; processing the file again completes it.
    unstored: list[str] = []
    problems: list[Problem] = []
    # The audit trail's hash chain: its head is what to keep off the machine.
    chain: Chain = Chain()


# The subject of problems found in the audit trail.
TRAIL = "audit trail"


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def verify(
    documents: Iterable[Custody],
    originals: Path,
    previews: Path,
    chain: Chain,
    kept_head_found: bool | None = None,
) -> Report:
    """Check every document, and the audit trail's chain; `kept_head_found` tells whether the
    head digest kept from an earlier run is still in the trail (None: none was given)."""
    report = Report(chain=chain)
    for found in chain.breaks:
        report.problems.append(Problem(kind=Kind.AUDIT, subject=TRAIL, detail=found))
    if kept_head_found is False:
        report.problems.append(
            Problem(
                kind=Kind.AUDIT,
                subject=TRAIL,
                detail="the kept head digest is in no entry: the trail was rewritten",
            )
        )
    known = set()
    for document in documents:
        known.add(document.sha256)
        if document.record is not None and is_tombstone(document.record):
            _check_purged(document.sha256, originals, previews, report)
            continue
        _check_original(document.sha256, originals, report)
        _check_record(document, report)
        _check_previews(previews / document.sha256, report)
    if originals.is_dir():
        report.unstored = sorted(
            path.name
            for path in originals.glob("??/??/*")
            if not path.name.startswith(".") and path.name not in known
        )
    if previews.is_dir():
        for folder in sorted(previews.iterdir()):
            if folder.name not in known:
                report.problems.append(
                    Problem(kind=Kind.PREVIEW, subject=str(folder), detail="of no stored document")
                )
    return report


def _check_original(sha256: str, originals: Path, report: Report) -> None:
    path = original_path(originals, sha256)
    report.originals += 1
    if not path.is_file():
        report.problems.append(Problem(kind=Kind.ORIGINAL, subject=sha256, detail="missing"))
        return
    found = file_digest(path)
    if found != sha256:
        report.problems.append(
            Problem(kind=Kind.ORIGINAL, subject=sha256, detail=f"its content hashes to {found}")
        )


def _check_record(document: Custody, report: Report) -> None:
    if document.record is None or document.record_id is None:
        # A document row is written with its record in one transaction: this one lost it.
        report.problems.append(
            Problem(kind=Kind.RECORD, subject=document.sha256, detail="no record")
        )
        return
    report.records += 1
    if document.recorded_digest is None:
        report.unrecorded.append(document.record_id)
        return
    found = record_digest(document.record)
    if found != document.recorded_digest:
        report.problems.append(
            Problem(
                kind=Kind.RECORD,
                subject=document.sha256,
                detail=f"record {document.record_id} changed since it was saved "
                f"(hashes to {found}, saved as {document.recorded_digest})",
            )
        )


def _check_previews(folder: Path, report: Report) -> None:
    if not folder.is_dir():
        return
    for image in sorted(folder.glob("*.png")):
        report.previews += 1
        sidecar = image.with_name(image.name + DIGEST_SUFFIX)
        if not sidecar.is_file():
            report.problems.append(
                Problem(kind=Kind.PREVIEW, subject=str(image), detail="no recorded hash")
            )
            continue
        recorded = sidecar.read_text().split(maxsplit=1)[0] if sidecar.read_text() else ""
        found = file_digest(image)
        if found != recorded:
            report.problems.append(
                Problem(
                    kind=Kind.PREVIEW,
                    subject=str(image),
                    detail=f"hashes to {found}, written as {recorded or 'nothing'}",
                )
            )
    for sidecar in sorted(folder.glob("*.png" + DIGEST_SUFFIX)):
        if not sidecar.with_name(sidecar.name.removesuffix(DIGEST_SUFFIX)).exists():
            report.problems.append(
                Problem(kind=Kind.PREVIEW, subject=str(sidecar), detail="its preview is missing")
            )


def _check_purged(sha256: str, originals: Path, previews: Path, report: Report) -> None:
    for left in (original_path(originals, sha256), previews / sha256):
        if left.exists():
            report.problems.append(
                Problem(kind=Kind.PURGED, subject=sha256, detail=f"{left} is left after purge")
            )
