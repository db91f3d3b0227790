"""The exceptions a stage raises when a document cannot go on. A DocumentError is the
document's fault: the flow turns it into a record error instead of a crash, so the original is
kept and a batch continues. A MachineError is the machine's (a tool's data file missing): the
document is not to be marked done with an error, but taken up again once the machine is fixed."""

from rogatory.models import Stage


class StageFailure(Exception):
    def __init__(self, stage: Stage, message: str) -> None:
        super().__init__(message)
        self.stage: Stage = stage
        self.message = message


class DocumentError(StageFailure):
    """The document cannot go on: unreadable, too large, encrypted, malformed."""


class MachineError(StageFailure):
    """The machine cannot go on with any document until someone fixes it."""
