"""Chain-of-custody commands: `verify`, `purge`."""

import typer


def register(app: typer.Typer) -> None:
    """Adds this area's commands to `app` (filled in by the area's work)."""
