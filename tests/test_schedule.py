"""`rogatory schedule`: Prefect's scheduler creates the runs of the inbox deployment and the
command's runner executes them, one at a time, a run with failed files showing Failed, until
SIGTERM stops everything it started."""

import json
import os
import signal
import socket
import subprocess
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

import psutil
from test_backlog import backlog_env, count, group_alive, wait_for

from rogatory.flows.schedule import DEPLOYMENT, answers, inbox_backlog

from conftest import CLI, SPANISH_LETTER, TESSDATA, render_page, text_pdf

if TYPE_CHECKING:
    from prefect.client.schemas.objects import FlowRun


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def tessdata_without_spanish(folder: Path) -> Path:
    folder.mkdir()
    for entry in TESSDATA.iterdir():
        if entry.name != "spa.traineddata":
            (folder / entry.name).symlink_to(entry)
    return folder


def deployment_runs(api: str) -> tuple[str, list["FlowRun"]]:
    """The inbox deployment's id and the runs of its flow that ran, oldest first: not those
    still ahead, nor those cancelled for coming due while another run worked."""
    # Imported here, after rogatory.flows has configured Prefect for the test session.
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowFilter,
        FlowFilterName,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import FlowRunSort
    from prefect.settings import PREFECT_API_URL, temporary_settings

    ran = FlowRunFilterStateType(
        any_=[StateType.RUNNING, StateType.COMPLETED, StateType.FAILED, StateType.CRASHED]
    )
    with (
        temporary_settings(updates={PREFECT_API_URL: api}),
        get_client(sync_client=True) as client,
    ):
        deployment = client.read_deployment_by_name(f"{inbox_backlog.name}/{DEPLOYMENT}")
        runs = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=[inbox_backlog.name])),
            flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type=ran)),
            sort=FlowRunSort.START_TIME_ASC,
            limit=200,
        )
    return str(deployment.id), runs


def test_schedule_serves_the_inbox_as_a_prefect_deployment(tmp_path: Path) -> None:
    data, inbox = tmp_path / "data", tmp_path / "inbox"
    database = data / "rogatory.db"
    inbox.mkdir()
    text_pdf([*SPANISH_LETTER, "Expediente 1/2026"], inbox / "first.pdf")
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {
        **backlog_env(data),
        "ROGATORY_INBOX_DIR": str(inbox),
        # No PREFECT_API_URL: the command starts its own Prefect server, here on a free port.
        "PREFECT_SERVER_API_PORT": str(port),
        # A machine fault for scans of Spanish: text PDFs need no OCR.
        "TESSDATA_PREFIX": str(tessdata_without_spanish(tmp_path / "tessdata")),
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
        wait_for(lambda: count(database, "records") == 1, timeout_s=300)
        # Dropped as the docs tell: written under a hidden name, then renamed into view.
        hidden = text_pdf([*SPANISH_LETTER, "Expediente tardío"], inbox / ".second.pdf")
        hidden.rename(inbox / "second.pdf")
        wait_for(lambda: count(database, "records") == 2, timeout_s=300)
        render_page(SPANISH_LETTER, inbox / ".scan.png").rename(inbox / "scan.png")
        wait_for(lambda: any(run.state_name == "Failed" for run in deployment_runs(api)[1]), 300)
        deployment_id, runs = deployment_runs(api)
    finally:
        # Stopped as an operator would, also when a check above failed: a SIGKILL would leave
        # the Prefect server it started running (it has a session of its own).
        served.send_signal(signal.SIGTERM)
        try:
            status = served.wait(timeout=120)
        except subprocess.TimeoutExpired:
            for process in psutil.Process(served.pid).children(recursive=True):
                process.kill()
            os.killpg(served.pid, signal.SIGKILL)
            served.wait()
            raise

    assert status == 0, stderr.read_text()[-3000:]
    # Its Prefect server and the runs' Dask workers went with it.
    assert not answers(api)
    wait_for(lambda: not group_alive(served.pid), timeout_s=30)

    # Every run was created by the server's scheduler for the deployment.
    assert {str(run.deployment_id) for run in runs} == {deployment_id}
    assert all(run.auto_scheduled for run in runs)
    # One at a time: each run ended before the next one started.
    finished = [run for run in runs if run.end_time is not None]
    for earlier, later in pairwise(finished):
        assert earlier.end_time is not None and later.start_time is not None
        assert earlier.end_time <= later.start_time
    # The run that met the machine fault shows Failed, with the file and the reason.
    failed = [run for run in runs if run.state_name == "Failed"]
    assert failed[0].state is not None and failed[0].state.message is not None
    assert "scan.png [ocr] tesseract has no language data for spa" in failed[0].state.message
    assert count(database, "records") == 2  # nothing stored for the scan
    # The two files were stored by two different runs, each of which found one new file.
    reports = sorted((data / "runs").glob("backlog-*.json"))
    processed = [json.loads(report.read_text())["processed"] for report in reports]
    assert [n for n in processed if n] == [1, 1]
    assert count(database, "arrivals") == 2
