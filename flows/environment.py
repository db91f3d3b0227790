"""Prefect's configuration, which it reads from the environment when first imported."""

import os

from rogatory.settings import Settings


def configure_prefect(settings: Settings) -> None:
    """Keep Prefect local, offline and quiet unless the operator configured it otherwise: its
    home under our data directory, no telemetry, no log shipping, and the temporary local API
    server when no PREFECT_API_URL is given."""
    defaults = {
        "PREFECT_HOME": str(settings.prefect_home.resolve()),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_LOGGING_TO_API_ENABLED": "false",
        # The temporary server needs 7–9 s to start on 2 cores; CI machines can be slower.
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        # Dask's scheduler and workers log every connection at INFO; only problems matter here.
        "DASK_LOGGING__DISTRIBUTED": "warning",
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
    # Prefect's temporary server cannot create its SQLite file in a missing directory.
    settings.prefect_home.mkdir(parents=True, exist_ok=True)
    # SQLite's temporary files (sorts, vacuum) would otherwise land in the system's temporary
    # folder, outside the data directory the authority secures and purges.
    work = (settings.data_dir / "work").resolve()
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SQLITE_TMPDIR", str(work))
