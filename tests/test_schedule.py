"""`rogatory schedule`: Prefect's scheduler creates the runs of the inbox deployment and the
command's runner executes them, one at a time, until SIGTERM stops everything it started."""

import json
import os
import signal
import socket
import subprocess
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from test_backlog import CLI, backlog_env, count, group_alive, wait_for

from rogatory.flows.schedule import DEPLOYMENT, answers, inbox_backlog

from conftest import SPANISH_LETTER, text_pdf

if TYPE_CHECKING:
    from prefect.client.schemas.objects import FlowRun


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def deployment_runs(api: str) -> tuple[str, list["FlowRun"]]:
    """The inbox deployment's id and the runs of its flow that started, oldest first (those
    cancelled for coming due while another worked, and those still ahead, never start)."""
    # Imported here, after rogatory.flows has configured Prefect for the test session.
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowFilter,
        FlowFilterName,
        FlowRunFilter,
        FlowRunFilterStartTime,
    )
    from prefect.client.schemas.sorting import FlowRunSort
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with (
        temporary_settings(updates={PREFECT_API_URL: api}),
        get_client(sync_client=True) as client,
    ):
        deployment = client.read_deployment_by_name(f"{inbox_backlog.name}/{DEPLOYMENT}")
        runs = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=[inbox_backlog.name])),
            flow_run_filter=FlowRunFilter(start_time=FlowRunFilterStartTime(is_null_=False)),
            sort=FlowRunSort.START_TIME_ASC,
            limit=200,
        )
    return str(deployment.id), runs


def test_schedule_serves_the_inbox_as_a_prefect_deployment(tmp_path: Path) -> None:
    data, inbox = tmp_path / "data", tmp_path / "inbox"
    inbox.mkdir()
    text_pdf([*SPANISH_LETTER, "Expediente 1/2026"], inbox / "first.pdf")
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {
        **backlog_env(data),
        "ROGATORY_INBOX_DIR": str(inbox),
        # No PREFECT_API_URL: the command starts its own Prefect server, here on a free port.
        "PREFECT_SERVER_API_PORT": str(port),
    }
    stderr = tmp_path / "stderr.txt"
    with stderr.open("wb") as errors:
        served = subprocess.Popen(
            [CLI, "schedule", "--interval", "2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            start_new_session=True,
        )
    try:
        database = data / "rogatory.db"
        wait_for(lambda: count(database, "records") == 1, timeout_s=300)
        # Dropped as the docs tell: written under a hidden name, then renamed into view.
        hidden = text_pdf([*SPANISH_LETTER, "Expediente tardío"], inbox / ".second.pdf")
        hidden.rename(inbox / "second.pdf")
        wait_for(lambda: count(database, "records") == 2, timeout_s=300)
        deployment_id, runs = deployment_runs(api)

        served.send_signal(signal.SIGTERM)
        status = served.wait(timeout=120)
    finally:
        if served.poll() is None:
            os.killpg(served.pid, signal.SIGKILL)
            served.wait()

    assert status == 0, stderr.read_text()[-3000:]
    assert "Traceback" not in stderr.read_text()
    # Its Prefect server and the runs' Dask workers went with it.
    assert not answers(api)
    wait_for(lambda: not group_alive(served.pid), timeout_s=30)

    # Every run was created by the server's scheduler for the deployment.
    assert {str(run.deployment_id) for run in runs} == {deployment_id}
    assert all(run.auto_scheduled for run in runs)
    completed = [run for run in runs if run.state is not None and run.state.is_completed()]
    # One at a time: each completed run ended before the next one started.
    for earlier, later in pairwise(completed):
        assert earlier.end_time is not None and later.start_time is not None
        assert earlier.end_time <= later.start_time
    # The two files were stored by two different runs, each of which found one new file.
    reports = sorted((data / "runs").glob("backlog-*.json"))
    processed = [json.loads(report.read_text())["processed"] for report in reports]
    assert [n for n in processed if n] == [1, 1]
    assert count(data / "rogatory.db", "arrivals") == 2
