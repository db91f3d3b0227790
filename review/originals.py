"""The originals archive: every received file kept byte for byte, addressed by its SHA-256.

Files are written once, to a temporary name then renamed, and made read-only: a crash never
leaves a partial original under its final name, and nothing in Rogatory rewrites evidence.
"""

import hashlib
import os
from pathlib import Path


class OriginalMismatch(Exception):
    """The bytes copied into the archive do not hash to the expected SHA-256."""


def original_path(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256[2:4] / sha256


def keep_original(source: Path, sha256: str, root: Path) -> Path:
    target = original_path(root, sha256)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{sha256}.{os.getpid()}.partial")
    try:
        digest = _copy(source, partial)
        if digest != sha256:
            raise OriginalMismatch(f"{source.name} changed while it was being archived")
        partial.chmod(0o444)
        os.replace(partial, target)
    except BaseException:
        # A full disk or a changed source: no half-written copy is left to fill the disk.
        partial.unlink(missing_ok=True)
        raise
    return target


def _copy(source: Path, target: Path) -> str:
    """Copy `source` to `target`, synced to disk; the SHA-256 of the bytes copied."""
    digest = hashlib.sha256()
    with source.open("rb") as reader, target.open("wb") as writer:
        while chunk := reader.read(1024 * 1024):
            digest.update(chunk)
            writer.write(chunk)
        writer.flush()
        os.fsync(writer.fileno())
    return digest.hexdigest()
