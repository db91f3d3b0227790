"""The one exception a stage raises when a document cannot go on; the flow turns it into a
record error instead of a crash, so the original is kept and a batch continues."""

from rogatory.models import Stage


class DocumentError(Exception):
    def __init__(self, stage: Stage, message: str) -> None:
        super().__init__(message)
        self.stage: Stage = stage
        self.message = message
