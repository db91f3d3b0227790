"""The store's tables. Portable SQLAlchemy types only: the same schema runs on SQLite (one desk)
and PostgreSQL (a central authority's server)."""

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Instants are stored as naive UTC because SQLite keeps no time zone: values received with
    different offsets must still sort in true time order. Read back as aware UTC. A naive value
    is taken to be UTC already."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is None:
            return value
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


# JSONB on PostgreSQL so records can later be indexed and queried by field.
Json = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    pass


class DocumentRow(Base):
    """A received file, once per content; name and path are those of its first arrival."""

    __tablename__ = "documents"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    filename: Mapped[str] = mapped_column(Text)
    media_type: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(BigInteger)  # 32 bits stop at 2 GiB on PostgreSQL
    first_received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    original_path: Mapped[str] = mapped_column(Text)


class ArrivalRow(Base):
    __tablename__ = "arrivals"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("documents.sha256"), index=True)
    filename: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RecordRow(Base):
    __tablename__ = "records"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("documents.sha256"), unique=True)
    record: Mapped[dict[str, Any]] = mapped_column(Json)
    pipeline_version: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class QueueItemRow(Base):
    """The review state of a record, copied out of its JSON so the queue can be listed and
    sorted by the database rather than by loading every record."""

    __tablename__ = "queue_items"
    __table_args__ = (
        CheckConstraint("priority BETWEEN 1 AND 5", name="ck_queue_items_priority"),
        # In claim and listing order (claims.MOST_URGENT_FIRST), so that taking the next item
        # reads the top of an index instead of sorting the whole queue: 30 ms against 0.05 ms
        # with 20,000 items on PostgreSQL. No index leads with status: SQLite would choose it
        # for the claim's status filter and then sort every free item.
        Index(
            "ix_queue_items_urgency",
            "priority",
            text("(deadline IS NULL)"),
            "deadline",
            "received_at",
            "record_id",
        ),
    )

    record_id: Mapped[str] = mapped_column(ForeignKey("records.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    queue: Mapped[str] = mapped_column(String(64))
    priority: Mapped[int]
    deadline: Mapped[date | None] = mapped_column(Date)
    reasons: Mapped[list[str]] = mapped_column(Json)
    doc_type: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(255))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the status goes back to when a claim ends without a decision (released or expired).
    unclaimed_status: Mapped[str | None] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CorrectionRow(Base):
    """A person's value for one extraction field. The record's JSON keeps the machine's value, so
    both can always be shown; the history of corrections is in the audit trail."""

    __tablename__ = "corrections"

    record_id: Mapped[str] = mapped_column(ForeignKey("records.id"), primary_key=True)
    field: Mapped[str] = mapped_column(String(64), primary_key=True)
    machine_value: Mapped[Any] = mapped_column(Json)
    corrected_value: Mapped[Any] = mapped_column(Json)
    corrected_by: Mapped[str] = mapped_column(String(255))
    corrected_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditRow(Base):
    """One action on a record: who, when, what, and each changed value as [from, to]. Rows are
    only ever inserted: the store has no code path that changes them, and triggers made by
    migration 0002 make the database refuse to."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_record", "record_id", "id"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True
    )
    record_id: Mapped[str] = mapped_column(ForeignKey("records.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(32))
    changes: Mapped[dict[str, list[Any]]] = mapped_column(Json)
    reason: Mapped[str | None] = mapped_column(Text)
    # The hash chain (migration 0004, see review/audit.py): `content_digest` seals `changes` and
    # `reason` with `salt`, which a purge erases with them; `digest` links the entry to the one
    # before it. Null on entries written before the chain began.
    salt: Mapped[str | None] = mapped_column(String(32))
    content_digest: Mapped[str | None] = mapped_column(String(64))
    digest: Mapped[str | None] = mapped_column(String(64))


class UserRow(Base):
    """A person who signs in to the web workspace; the password is kept only as an Argon2 hash."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('reviewer', 'analyst', 'administrator')", name="ck_users_role"),
    )

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SessionRow(Base):
    """A signed-in browser or an API token. Only a hash of the secret is stored, so a copy of the
    database does not let anyone sign in; each session has its own CSRF token for forms."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(
        ForeignKey("users.username", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RecordFacetRow(Base):
    """One searchable fact of a record (an offence, a person, an IBAN, ...), written by database
    triggers on `records` (migration 0003): nothing in Python maintains it, so a row deleted or
    changed by any means leaves no stale facts behind. No foreign key for the same reason."""

    __tablename__ = "record_facets"
    __table_args__ = (
        Index("ix_record_facets_value", "facet", "value", "record_id"),
        Index("ix_record_facets_record", "record_id", "facet", "value"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True
    )
    record_id: Mapped[str] = mapped_column(String(64))
    facet: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(Text)
