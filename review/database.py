"""Connections to the two databases the store runs on: one SQLite file for a single desk (WAL so
the desk reads while the pipeline writes) and PostgreSQL for a central authority's team."""

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Execution option telling the SQLite begin hook that a transaction is going to write.
WRITES = "rogatory_writes"


def connect(url: str) -> Engine:
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        _prepare_sqlite(engine)
    return engine


def lock_document(session: Session, sha256: str) -> None:
    """Serialise writers of one document until the transaction ends. SQLite already runs one
    writer at a time; on PostgreSQL two arrivals of the same new file would otherwise both find
    no document and both insert it."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(sha256, 0))))


def _prepare_sqlite(engine: Engine) -> None:
    database = engine.url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_sqlite_transaction)


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # The busy timeout makes a second writer wait instead of failing. sqlite3's own BEGIN
    # handling is switched off so that `_begin_sqlite_transaction` decides how each starts.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _begin_sqlite_transaction(connection: Connection) -> None:
    # A deferred transaction that reads and then writes fails at once with SQLITE_BUSY, without
    # waiting, if another writer committed in between; taking the write lock up front makes a
    # read-then-write (a save, a claim) wait its turn and see the other writer's rows.
    writes = connection.get_execution_options().get(WRITES, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")
