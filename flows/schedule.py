"""`rogatory schedule`: the inbox folder served as a Prefect deployment. The Prefect server's
scheduler creates a run of `inbox_backlog` on the cron or interval, and Prefect's runner in this
process executes it; each run processes what arrived in the inbox since the last one.

Prefect's temporary server (what a command gets without PREFECT_API_URL) runs no scheduler, so
without PREFECT_API_URL a Prefect server is started here, under the data directory's Prefect
home, for as long as the command runs."""

import asyncio
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from prefect import flow
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.runner import Runner
from prefect.schedules import Cron, Interval, Schedule
from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings
from prefect.states import Failed, State

from rogatory.models.run import RunReport
from rogatory.settings import Settings, get_settings

from .backlog import run_backlog

DEPLOYMENT = "inbox"

# One run at a time, enforced by the server: a run that comes due while the last one is still
# working is cancelled, so the ticks a long run covers are skipped rather than queued up.
ONE_AT_A_TIME = ConcurrencyLimitConfig(
    limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
)


class ServerFailed(RuntimeError):
    """The Prefect server this command started did not come up."""


def inbox_dir(settings: Settings) -> Path:
    return settings.inbox_dir or settings.data_dir / "inbox"


@flow(name="inbox_backlog")
def inbox_backlog() -> RunReport | State:
    """The inbox folder as a backlog: what arrived since the last run is processed, what is
    already stored is skipped by its hash. A run in which files failed (a fault of the machine:
    nothing stored for them, the next run takes them up again) ends Failed, to show in the UI."""
    inbox = inbox_dir(get_settings())
    inbox.mkdir(parents=True, exist_ok=True)
    report = run_backlog([str(inbox)])
    if not report.failures:
        return report
    reasons = "; ".join(f"{f.path} [{f.stage}] {f.reason}" for f in report.failures[:3])
    return Failed(message=f"{len(report.failures)} of {report.files} files failed: {reasons}")


def schedule_of(cron: str, interval_s: int | None) -> Schedule:
    """Every `interval_s` seconds, else the cron (UTC); a bad cron raises ValueError."""
    return Interval(interval_s) if interval_s else Cron(cron)


def serve_inbox(schedule: Schedule) -> None:
    """Blocks until Ctrl-C or SIGTERM; the deployment's schedule is paused on the way out."""
    with prefect_api(get_settings()):
        asyncio.run(_serve(schedule))


async def _serve(schedule: Schedule) -> None:
    runner = Runner(name=DEPLOYMENT, pause_on_shutdown=True)
    await runner.aadd_flow(
        inbox_backlog, name=DEPLOYMENT, schedule=schedule, concurrency_limit=ONE_AT_A_TIME
    )
    serving = asyncio.ensure_future(runner.start())
    # The runner installs its own SIGTERM handler as it starts; in Prefect 3.8.8 that handler
    # raises SystemExit wherever the loop happens to be, where it can be swallowed and leave the
    # command running. Once it is installed, both signals are made to stop the runner instead.
    await asyncio.sleep(0)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    stopped = asyncio.ensure_future(stopping.wait())
    await asyncio.wait({serving, stopped}, return_when=asyncio.FIRST_COMPLETED)
    serving.cancel()
    with suppress(asyncio.CancelledError):
        await serving


@contextmanager
def prefect_api(settings: Settings) -> Iterator[str]:
    """The API whose scheduler creates the runs: PREFECT_API_URL when set; otherwise the Prefect
    server at PREFECT_SERVER_API_HOST:PORT (127.0.0.1:4200 by default), the one answering there
    or else one started here and stopped on the way out."""
    current = get_current_settings()
    if current.api.url:
        yield current.api.url
        return
    url = f"http://{current.server.api.host}:{current.server.api.port}/api"
    timeout_s = current.server.ephemeral.startup_timeout_seconds
    server = None if answers(url) else start_server(settings, url, timeout_s)
    # Prefect read its settings when first imported: this process needs them updated, and the
    # processes it starts (flow runs, Dask workers) inherit the environment.
    os.environ["PREFECT_API_URL"] = url
    try:
        with temporary_settings(updates={PREFECT_API_URL: url}):
            yield url
    finally:
        if server is not None:
            stop(server)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def start_server(settings: Settings, url: str, timeout_s: int) -> subprocess.Popen[bytes]:
    """`prefect server start` with its log in the Prefect home; PREFECT_HOME is already set
    to that folder, so its database lives there too."""
    api = get_current_settings().server.api
    command = [sys.executable, "-m", "prefect", "server", "start"]
    log = settings.prefect_home / "server.log"
    with log.open("ab") as output:
        server = subprocess.Popen(
            [*command, "--host", api.host, "--port", str(api.port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            # Out of the terminal's process group: Ctrl-C reaches the runner, which still needs
            # the server to pause the deployment, and the server is stopped after it.
            start_new_session=True,
        )
    deadline = time.monotonic() + timeout_s
    while not answers(url):
        if server.poll() is not None:
            raise ServerFailed(f"the Prefect server exited with status {server.returncode}: {log}")
        if time.monotonic() > deadline:
            stop(server)
            raise ServerFailed(f"the Prefect server did not answer within {timeout_s} s: {log}")
        time.sleep(0.5)
    return server


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
