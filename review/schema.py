"""The store's schema, brought to the newest revision by the Alembic migrations next to this file
whenever a store is opened, so that an upgrade of Rogatory never needs a separate step."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, func, inspect, select

from .database import WRITES

MIGRATIONS = Path(__file__).with_name("migrations")
# Databases made before migrations existed hold this revision's tables but no version table.
FIRST_REVISION = "0001"
# Any fixed number: two processes opening one PostgreSQL store at once migrate one after the other.
MIGRATION_LOCK = 0x526F67


def upgrade(engine: Engine) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # One transaction: a migration that fails leaves the schema as it was.
    with engine.execution_options(**{WRITES: True}).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(select(func.pg_advisory_xact_lock(MIGRATION_LOCK)))
        config.attributes["connection"] = connection
        tables = set(inspect(connection).get_table_names())
        if "records" in tables and "alembic_version" not in tables:
            command.stamp(config, FIRST_REVISION)
        command.upgrade(config, "head")
