"""Running `scheduled_backlog` on a cron or an interval, one run at a time, until interrupted.

Prefect's own route (`flow.serve`, a deployment whose runs the server's scheduler creates) was
tried first: with SQLAlchemy 2.1.9 in this environment Prefect 3.8.8's scheduler service fails on
every tick ("Can't evaluate bulk DML statement"), so no run was ever created. Ticking here keeps
each run a Prefect flow run all the same: with PREFECT_API_URL naming a Prefect server it shows in
the UI with its task runs; without, it runs on the temporary local server."""

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

from cronsim import CronSim

from .backlog import scheduled_backlog


def ticks(cron: str | None, interval_s: int | None, start: datetime) -> Iterator[datetime]:
    """The times runs are due after `start`: every `interval_s` seconds, or the cron's times."""
    if interval_s:
        step = timedelta(seconds=interval_s)
        return (start + step * n for n in range(1, 2**31))
    if not cron:
        raise ValueError("a cron or an interval is needed")
    return iter(CronSim(cron, start))


def serve_inbox(
    cron: str | None,
    interval_s: int | None,
    run: Callable[[], object] = scheduled_backlog,
) -> None:
    """Blocks until interrupted. A run that outlasts a tick delays the next (the ticks it
    covered are skipped) rather than processing the same files twice at once."""
    due = ticks(cron, interval_s, datetime.now(UTC))
    while True:
        now = datetime.now(UTC)
        tick = next(t for t in due if t > now)
        time.sleep(max(0.0, (tick - datetime.now(UTC)).total_seconds()))
        run()
