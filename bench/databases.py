"""Throw-away databases for the store's tests and benchmarks: a schema of its own on the PostgreSQL
server, so that runs never see each other's rows and leave nothing behind."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, make_url
from sqlalchemy.pool import NullPool

POSTGRES_URL = os.environ.get(
    "ROGATORY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@contextmanager
def postgres_schema(server_url: str = POSTGRES_URL) -> Iterator[str]:
    """The URL of a new, empty schema on the server, dropped on exit. An unreachable server
    raises: PostgreSQL support that is never exercised is not support. No connection is pooled:
    a test may restart the server, and the DROP must not meet a connection the restart killed."""
    schema = f"rogatory_{uuid.uuid4().hex[:16]}"
    server = create_engine(server_url, poolclass=NullPool)
    try:
        with server.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        try:
            url = make_url(server_url).update_query_dict({"options": f"-csearch_path={schema}"})
            yield url.render_as_string(hide_password=False)
        finally:
            with server.begin() as connection:
                connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    finally:
        server.dispose()
