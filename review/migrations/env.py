"""Alembic environment of the store. `Store.open` runs it on its own connection (passed in
`config.attributes["connection"]`), inside the transaction that holds the migration lock; for
`alembic revision --autogenerate` during development, `-x url=…` names the database."""

from alembic import context
from sqlalchemy import Connection, create_engine

from rogatory.review.tables import Base

config = context.config
connection = config.attributes.get("connection")


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite alters a table by copying it; batch mode does that where it must.
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:
    engine = create_engine(context.get_x_argument(as_dictionary=True)["url"])
    with engine.begin() as own:
        run(own)
    engine.dispose()
