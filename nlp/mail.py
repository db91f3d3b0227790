"""E-mails: the message text becomes the e-mail's page; each attachment is handed back as a file
of its own, to be processed as a document linked to the e-mail.

Attachment names are untrusted: they are kept as metadata and never used as paths. Malformed
mail is read as far as it goes: a header, a charset or a part the standard library cannot parse
falls back to its raw bytes decoded with replacement characters, so the body and the
attachments still come through; only a message with nothing readable is an error.
"""

import codecs
import email.errors
import html
import re
from email import policy
from email.message import EmailMessage, MIMEPart
from email.parser import BytesParser
from pathlib import Path

from pydantic import BaseModel

from .errors import DocumentError

_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]+>", re.IGNORECASE | re.DOTALL)
_HEADERS = ("From", "To", "Date", "Subject")
# What the standard library's header and content parsers raise on malformed input, beside its
# own errors: unknown charsets (LookupError), and IndexError, AttributeError or ValueError from
# bugs in its address parser on truncated addresses (CPython 3.11, found by fuzzing).
_MALFORMED = (
    email.errors.MessageError,
    LookupError,
    ValueError,
    TypeError,
    AttributeError,
    AssertionError,
)


class Attachment(BaseModel):
    filename: str
    path: Path


def email_text(path: Path) -> str:
    message = _parse(path)
    header = "\n".join(f"{name}: {value}" for name in _HEADERS if (value := _header(message, name)))
    return f"{header}\n\n{_body(message)}".strip()


def email_attachments(path: Path, workdir: Path, max_bytes: int) -> list[Attachment]:
    return _attachments(_parse(path), workdir, max_bytes)


def _parse(path: Path) -> EmailMessage:
    try:
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    except _MALFORMED as error:
        raise DocumentError("pages", f"unreadable e-mail: {error}") from error
    if not isinstance(message, EmailMessage):
        raise DocumentError("pages", "unreadable e-mail")
    return message


def _header(message: EmailMessage, name: str) -> str:
    try:
        return str(message[name] or "")
    except _MALFORMED:
        # raw_items() hands back the header as received, without parsing it.
        raw = next((value for key, value in message.raw_items() if key.lower() == name.lower()), "")
        return " ".join(_readable(raw).split())


def _readable(text: str) -> str:
    """A raw header as text: the parser keeps undecodable bytes as surrogates."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _body(message: EmailMessage) -> str:
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except _MALFORMED:
        part = _first_text_part(message)
    if part is None:
        return ""
    content = _text(part)
    if _content_type(part) == "text/html":
        content = html.unescape(_TAG.sub(" ", content))
    return content


def _first_text_part(message: EmailMessage) -> MIMEPart | None:
    """The body as found without the headers that would not parse: the first text part."""
    for part in message.walk():
        if not part.is_multipart() and _content_type(part) in ("text/plain", "text/html"):
            return part if isinstance(part, MIMEPart) else None
    return None


def _content_type(part: MIMEPart) -> str:
    try:
        return part.get_content_type()
    except _MALFORMED:
        return "text/plain"  # what RFC 2045 assumes when the type cannot be read


def _text(part: MIMEPart) -> str:
    try:
        return str(part.get_content())
    except _MALFORMED:
        charset = _charset(part)
        return _payload_bytes(part).decode(charset, "replace")


def _charset(part: MIMEPart) -> str:
    """The part's charset when Python knows it, else UTF-8 (whose replacement characters then
    mark what could not be read)."""
    try:
        return codecs.lookup(str(part.get_content_charset() or "utf-8")).name
    except _MALFORMED:
        return "utf-8"


def _attachments(message: EmailMessage, workdir: Path, max_bytes: int) -> list[Attachment]:
    folder = workdir / "attachments"
    found = []
    total = 0
    for index, part in enumerate(_attached_parts(message), start=1):
        payload = _payload(part)
        total += len(payload)
        if total > max_bytes:
            raise DocumentError("pages", f"the attachments exceed the limit of {max_bytes} bytes")
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"attachment-{index:03d}"
        target.write_bytes(payload)
        found.append(Attachment(filename=_filename(part) or target.name, path=target))
    return found


def _attached_parts(message: EmailMessage) -> list[MIMEPart]:
    try:
        return list(message.iter_attachments())
    except _MALFORMED:
        # Which part is the body cannot be told: every part but the first text one is kept.
        body = _first_text_part(message)
        return [
            part
            for part in message.walk()
            if isinstance(part, MIMEPart) and not part.is_multipart() and part is not body
        ]


def _filename(part: MIMEPart) -> str | None:
    try:
        return part.get_filename()
    except _MALFORMED:
        return None


def _payload(part: MIMEPart) -> bytes:
    if _content_type(part) == "message/rfc822":
        # The attached message itself, not the MIME part that wraps it: its own attachments
        # are then found when it is processed in turn.
        try:
            inner = part.get_content()
        except _MALFORMED:
            return _payload_bytes(part)
        return inner.as_bytes() if isinstance(inner, EmailMessage) else b""
    return _payload_bytes(part)


def _payload_bytes(part: MIMEPart) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except _MALFORMED:
        payload = None
    return payload if isinstance(payload, bytes) else b""
