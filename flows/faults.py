"""Faults of the machine rather than of the document: a missing tesseract language file, a full
disk, an unreachable store. A document that meets one is NOT stored with an error (that would
mark it done); it fails for this run with a clear reason and the next run takes it up again."""

import errno
import subprocess
from functools import lru_cache

from rogatory.models import Stage
from rogatory.nlp.errors import MachineError


class EnvironmentFault(Exception):
    def __init__(self, stage: Stage, message: str) -> None:
        super().__init__(message)
        self.stage: Stage = stage
        self.message = message


@lru_cache(maxsize=1)
def installed_tesseract_languages() -> frozenset[str]:
    listed = subprocess.run(
        ["tesseract", "--list-langs"], capture_output=True, text=True, check=False, timeout=30
    )
    # The first line is a heading: 'List of available languages in "…" (N):'
    return frozenset(line.strip() for line in listed.stdout.splitlines()[1:] if line.strip())


def require_tesseract_languages(languages: str) -> None:
    missing = sorted(set(languages.split("+")) - installed_tesseract_languages())
    if missing:
        raise EnvironmentFault(
            "ocr",
            f"tesseract has no language data for {', '.join(missing)} "
            f"(install tesseract-ocr-{missing[0]} or set TESSDATA_PREFIX)",
        )


def as_environment_fault(error: BaseException, stage: Stage) -> EnvironmentFault | None:
    """The fault, when `error` says the machine (not the document) is at fault."""
    if isinstance(error, EnvironmentFault):
        return error
    if isinstance(error, MachineError):
        return EnvironmentFault(error.stage, error.message)
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return EnvironmentFault(stage, f"disk full: {error.strerror} ({error.filename or ''})")
    return None
