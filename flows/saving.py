"""Handing a record to the store, retried while the database is away (a restart, a failover).

A save is one transaction, so a failed attempt leaves nothing behind. Saving is idempotent per
arrival (document, file name, time received): when the store already has that arrival nothing is
written. That covers a commit that reached the server while its answer was lost with the
connection, and an e-mail's attachments saved before a crash that struck before the e-mail's own
record: the rerun processes the e-mail again but adds no second arrival of its attachments."""

import logging
import shutil
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, make_url
from sqlalchemy.exc import DBAPIError

from rogatory.models import Record
from rogatory.review.database import connect
from rogatory.review.store import Store

from .faults import EnvironmentFault

log = logging.getLogger("rogatory.flows")

# Seconds between attempts: about a minute in all, longer than a PostgreSQL restart takes.
RETRY_DELAYS = (0.5, 1, 2, 4, 8, 15, 30)
LOW_DISK_BYTES = 1024 * 1024


# One store (engine and connection pool) per worker process and database.
_stores: dict[str, Store] = {}
_engines: dict[str, Engine] = {}


def open_store(url: str) -> Store:
    if url not in _stores:
        _stores[url] = Store.open(url)
    return _stores[url]


def open_engine(url: str) -> Engine:
    """For the queries the store has no method for; the schema is created or upgraded first."""
    if url not in _engines:
        open_store(url)
        _engines[url] = connect(url)
    return _engines[url]


def close_stores() -> None:
    """Release every connection kept (files on a disk about to be unmounted, a schema about
    to be dropped)."""
    for store in _stores.values():
        store.close()
    for engine in _engines.values():
        engine.dispose()
    _stores.clear()
    _engines.clear()


def save_record(record: Record, filename: str, original: Path, store_url: str) -> int:
    """Saves the record; the number of retries it took."""
    # A SQLite file that cannot be written (a full disk) will not mend by waiting; its lock
    # waits are already covered by the busy timeout.
    attempts = iter(() if make_url(store_url).get_backend_name() == "sqlite" else RETRY_DELAYS)
    retries = 0
    while True:
        try:
            store = open_store(store_url)
            if not _arrived(store, record, filename):
                store.save(record, arrival_filename=filename, original_path=str(original))
            return retries
        except DBAPIError as error:
            delay = next(attempts, None)
            if delay is None:
                raise _store_fault(store_url, error) from error
            log.warning("store unavailable, retrying in %s s: %s", delay, _first_line(error))
            time.sleep(delay)
            retries += 1
        except OSError as error:
            # Opening the store can fail on the disk before the database is even reached.
            raise EnvironmentFault("store", f"store unavailable: {error}") from error


def _arrived(store: Store, record: Record, filename: str) -> bool:
    received: datetime = record.document.received_at
    return any(
        arrival.filename == filename and arrival.received_at == received
        for arrival in store.arrivals(record.document.sha256)
    )


def _store_fault(store_url: str, error: DBAPIError) -> EnvironmentFault:
    """SQLite reports a full disk as 'disk I/O error' as often as 'disk is full': the free
    space of its folder tells which."""
    database = make_url(store_url).database
    if make_url(store_url).get_backend_name() == "sqlite" and database:
        folder = Path(database).parent
        if folder.exists() and shutil.disk_usage(folder).free < LOW_DISK_BYTES:
            return EnvironmentFault("store", f"disk full: no space left in {folder}")
    return EnvironmentFault("store", f"store unavailable: {_first_line(error)}")


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
