"""Which files a backlog run takes: paths, folders (walked) and glob patterns, then what the
store already holds for this pipeline version."""

import glob
from pathlib import Path

from sqlalchemy import select

from rogatory.review.tables import RecordRow

from .saving import open_engine


def discover(patterns: list[str]) -> list[Path]:
    """Files named by `patterns`, sorted, each once. Hidden files (a scanner's or an editor's
    half-written ones, ours in the data directory) are left out."""
    found: set[Path] = set()
    for pattern in patterns:
        path = Path(pattern)
        matches = [path] if path.exists() else [Path(p) for p in glob.glob(pattern, recursive=True)]
        for match in matches:
            candidates = match.rglob("*") if match.is_dir() else [match]
            found.update(
                p.resolve() for p in candidates if p.is_file() and not p.name.startswith(".")
            )
    return sorted(found)


def processed(store_url: str, version: str) -> set[str]:
    """SHA-256 of every document whose record this pipeline version produced."""
    query = select(RecordRow.sha256).where(RecordRow.pipeline_version == version)
    with open_engine(store_url).connect() as connection:
        return set(connection.scalars(query))
