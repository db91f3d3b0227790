"""Where the command line writes: tables to stdout, messages to stderr."""

import sys

from rich.console import Console
from rich.table import Table
from rich.text import Text

err = Console(stderr=True)
# Piped output is read by people and scripts alike: wide enough that no cell is cut.
out = Console(width=None if sys.stdout.isatty() else 240)


def add_row(table: Table, *cells: object) -> None:
    """File names and extracted text are untrusted: shown as plain text, never as rich markup."""
    table.add_row(*(Text(str(cell)) for cell in cells))
