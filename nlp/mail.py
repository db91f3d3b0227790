"""E-mails: the message text becomes the e-mail's page; each attachment is handed back as a file
of its own, to be processed as a document linked to the e-mail.

Attachment names are untrusted: they are kept as metadata and never used as paths.
"""

import html
import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from pydantic import BaseModel

from .errors import DocumentError

_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]+>", re.IGNORECASE | re.DOTALL)


class Attachment(BaseModel):
    filename: str
    path: Path


def email_text(path: Path) -> str:
    message = _parse(path)
    header = "\n".join(
        f"{name}: {message[name]}" for name in ("From", "To", "Date", "Subject") if message[name]
    )
    return f"{header}\n\n{_body(message)}".strip()


def email_attachments(path: Path, workdir: Path, max_bytes: int) -> list[Attachment]:
    return _attachments(_parse(path), workdir, max_bytes)


def _parse(path: Path) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    if not isinstance(message, EmailMessage):
        raise DocumentError("pages", "unreadable e-mail")
    return message


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = str(part.get_content())
    if part.get_content_subtype() == "html":
        content = html.unescape(_TAG.sub(" ", content))
    return content


def _attachments(message: EmailMessage, workdir: Path, max_bytes: int) -> list[Attachment]:
    folder = workdir / "attachments"
    found = []
    total = 0
    for index, part in enumerate(message.iter_attachments(), start=1):
        payload = _payload(part)
        total += len(payload)
        if total > max_bytes:
            raise DocumentError("pages", f"the attachments exceed the limit of {max_bytes} bytes")
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"attachment-{index:03d}"
        target.write_bytes(payload)
        found.append(Attachment(filename=part.get_filename() or target.name, path=target))
    return found


def _payload(part: EmailMessage) -> bytes:
    if part.get_content_type() == "message/rfc822":
        # The attached message itself, not the MIME part that wraps it: its own attachments
        # are then found when it is processed in turn.
        inner = part.get_content()
        return inner.as_bytes() if isinstance(inner, EmailMessage) else b""
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""
