"""People who use the web workspace, their roles and their sign-in sessions.

Passwords are kept only as Argon2id hashes. A session's secret is handed to the browser (or to an
API client as a token) and only its SHA-256 is stored, so reading the database does not let anyone
sign in as someone else.
"""

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from .database import WRITES
from .tables import SessionRow, UserRow

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
MIN_PASSWORD_CHARS = 12


class Role(StrEnum):
    REVIEWER = "reviewer"  # intake reviewer: works the queue
    ANALYST = "analyst"  # reads and searches, changes nothing
    ADMINISTRATOR = "administrator"  # everything, and manages users


class Permission(StrEnum):
    READ = "read"
    REVIEW = "review"
    ADMINISTER = "administer"


GRANTS = {
    Role.REVIEWER: {Permission.READ, Permission.REVIEW},
    Role.ANALYST: {Permission.READ},
    Role.ADMINISTRATOR: {Permission.READ, Permission.REVIEW, Permission.ADMINISTER},
}


class AccountError(Exception):
    """A user that cannot be made, found or removed as asked."""


class User(BaseModel):
    model_config = ConfigDict(frozen=True, from_attributes=True)

    username: str
    role: Role
    created_at: datetime

    def can(self, permission: Permission) -> bool:
        return permission in GRANTS[self.role]


class SignedIn(BaseModel):
    """A live session: who, and the token that every form they send must carry."""

    model_config = ConfigDict(frozen=True)

    user: User
    csrf_token: str
    expires_at: datetime


# Verifying a password for a name that does not exist still costs one hash, so response times do
# not tell which usernames exist.
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Accounts:
    def __init__(self, engine: Engine) -> None:
        self._reads = sessionmaker(engine)
        self._writes = sessionmaker(engine.execution_options(**{WRITES: True}))

    def add(self, username: str, password: str, role: Role, now: datetime) -> User:
        if not USERNAME.match(username):
            raise AccountError(
                f"username {username!r}: lower-case letters, digits, '.', '_' or '-' (≤ 64)"
            )
        if len(password) < MIN_PASSWORD_CHARS:
            raise AccountError(f"a password has at least {MIN_PASSWORD_CHARS} characters")
        row = UserRow(
            username=username, role=role.value, password_hash=_hasher.hash(password), created_at=now
        )
        try:
            with self._writes.begin() as session:
                session.add(row)
                session.flush()
                return User.model_validate(row)
        except IntegrityError:
            raise AccountError(f"user {username!r} exists already") from None

    def remove(self, username: str) -> None:
        """Delete the user; their sessions end with them."""
        with self._writes.begin() as session:
            row = session.get(UserRow, username)
            if row is None:
                raise AccountError(f"no user {username!r}")
            session.execute(delete(SessionRow).where(SessionRow.username == username))
            session.delete(row)

    def list(self) -> list[User]:
        with self._reads() as session:
            rows = session.scalars(select(UserRow).order_by(UserRow.username))
            return [User.model_validate(row) for row in rows]

    def sign_in(
        self, username: str, password: str, now: datetime, lifetime: timedelta
    ) -> tuple[str, SignedIn] | None:
        """A new session's secret and what it grants, or None when name or password is wrong."""
        with self._writes.begin() as session:
            row = session.get(UserRow, username)
            try:
                _hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
            except (VerificationError, InvalidHashError):
                return None
            if row is None:
                return None
            if _hasher.check_needs_rehash(row.password_hash):
                row.password_hash = _hasher.hash(password)
            secret = secrets.token_urlsafe(32)
            session_row = SessionRow(
                token_hash=_digest(secret),
                username=username,
                csrf_token=secrets.token_urlsafe(32),
                created_at=now,
                expires_at=now + lifetime,
            )
            session.add(session_row)
            # Expired sessions of this user are cleared as they sign in again.
            session.execute(
                delete(SessionRow).where(
                    SessionRow.username == username, SessionRow.expires_at <= now
                )
            )
            return secret, SignedIn(
                user=User.model_validate(row),
                csrf_token=session_row.csrf_token,
                expires_at=session_row.expires_at,
            )

    def session(self, secret: str, now: datetime) -> SignedIn | None:
        """Who holds this secret, while the session lasts."""
        query = (
            select(SessionRow, UserRow)
            .join(UserRow, UserRow.username == SessionRow.username)
            .where(SessionRow.token_hash == _digest(secret), SessionRow.expires_at > now)
        )
        with self._reads() as session:
            found = session.execute(query).first()
            if found is None:
                return None
            return SignedIn(
                user=User.model_validate(found.UserRow),
                csrf_token=found.SessionRow.csrf_token,
                expires_at=found.SessionRow.expires_at,
            )

    def sign_out(self, secret: str) -> None:
        with self._writes.begin() as session:
            session.execute(delete(SessionRow).where(SessionRow.token_hash == _digest(secret)))
