"""Content hash and media type of an incoming file, sniffed from its bytes, never its name."""

import hashlib
import re
import zipfile
from pathlib import Path

from pydantic import BaseModel

_CHUNK = 1024 * 1024
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EMAIL = "message/rfc822"
# An e-mail starts with header fields; these are the ones every saved message has near the top.
_HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*:[ \t]", re.MULTILINE)
_MAIL_HEADERS = (b"from:", b"subject:", b"date:", b"message-id:", b"mime-version:", b"received:")
_TEXT_CONTROLS = "\t\n\r\f\v"
# Share of NULs, other control bytes and invalid UTF-8 in a sample still taken as text.
_MAX_DAMAGED_TEXT = 0.02

# (magic prefix, media type); the first match wins, so longer prefixes come first.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"PK\x03\x04", "application/zip"),
)


class Fingerprint(BaseModel):
    sha256: str
    size_bytes: int
    media_type: str


def sniff_media_type(head: bytes) -> str:
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            return media_type
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    # A PDF may carry junk before its header; readers accept it within the first KiB.
    if b"%PDF-" in head[:1024]:
        return "application/pdf"
    if _looks_like_text(head):
        return EMAIL if _looks_like_email(head) else "text/plain"
    return "application/octet-stream"


def _looks_like_email(head: bytes) -> bool:
    top = head[:2048].split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    if not _HEADER_LINE.match(top):
        return False
    fields = {line.split(b":", 1)[0].lower() + b":" for line in _HEADER_LINE.findall(top)}
    return len(fields & set(_MAIL_HEADERS)) >= 2


def _refine_zip(path: Path) -> str:
    """Office documents are zip files; which one it is shows in the names inside."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return "application/zip"
    return DOCX if "word/document.xml" in names else "application/zip"


def _looks_like_text(head: bytes) -> bool:
    """UTF-8 text, allowing a few stray NUL bytes or broken sequences (a damaged export is still
    a letter to read); binary data has far more."""
    if not head:
        return False
    sample = head.decode("utf-8", "replace")
    # A multi-byte character cut at the end of the sample is not damage.
    sample = sample[:-1] if sample.endswith("\ufffd") else sample
    damaged = sum(ch == "\ufffd" or (ch < " " and ch not in _TEXT_CONTROLS) for ch in sample)
    return damaged <= len(sample) * _MAX_DAMAGED_TEXT


def fingerprint(path: Path) -> Fingerprint:
    digest = hashlib.sha256()
    size = 0
    head = b""
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            if not head:
                head = chunk[:4096]
            digest.update(chunk)
            size += len(chunk)
    media_type = sniff_media_type(head)
    if media_type == "application/zip":
        media_type = _refine_zip(path)
    return Fingerprint(sha256=digest.hexdigest(), size_bytes=size, media_type=media_type)
