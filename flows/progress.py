"""How a backlog run tells whoever started it how far it is. The flow calls the listener of the
current context; the command line sets one that draws a progress bar, a schedule none."""

from contextvars import ContextVar
from typing import Protocol

from rogatory.models.run import FileOutcome


class Listener(Protocol):
    def started(self, files: int, todo: int) -> None: ...

    def finished(self, outcome: FileOutcome) -> None: ...


class Silent:
    def started(self, files: int, todo: int) -> None:
        pass

    def finished(self, outcome: FileOutcome) -> None:
        pass


listener: ContextVar[Listener | None] = ContextVar("backlog_listener", default=None)


def current() -> Listener:
    return listener.get() or Silent()
