"""What a killed run leaves behind: originals and previews are written to hidden `.….partial`
names and renamed when whole, so a crash can leave a partial file but never a damaged one under
its final name. A backlog run sweeps partial files old enough that no live writer can own them."""

import time
from datetime import timedelta
from pathlib import Path

# Far longer than writing one original or preview takes, even on shared storage.
ABANDONED_AFTER = timedelta(hours=1)


def sweep_partials(folders: list[Path], older_than: timedelta = ABANDONED_AFTER) -> int:
    """Remove abandoned partial files under `folders`; how many were removed."""
    cutoff = time.time() - older_than.total_seconds()
    removed = 0
    for folder in folders:
        if not folder.is_dir():
            continue
        for partial in folder.rglob(".*.partial"):
            try:
                if partial.is_file() and partial.stat().st_mtime < cutoff:
                    partial.unlink()
                    removed += 1
            except FileNotFoundError:  # another run swept it first
                continue
    return removed
