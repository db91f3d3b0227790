"""`rogatory eval`: the pipeline scored against labelled requests."""

import typer


def register(app: typer.Typer) -> None:
    """Adds this area's commands to `app` (filled in by the area's work)."""
