"""Failed sign-ins slow down password guessing, on the sign-in page and the API alike.

After FREE_FAILURES wrong passwords for one username from one client address, that pair is locked
for FIRST_LOCK, and each further failure doubles the lock, up to MAX_LOCK. A client is also
locked, by the same rule, once it has failed CLIENT_FREE_FAILURES times over any usernames (one
password tried against many names). While locked, a sign-in is refused before the password is
checked, so a lock tells nothing about the password. A success clears the pair's count; a count
is forgotten FORGET_AFTER its last failure. Keyed by pair, one client cannot lock another person
out. The counts live in this process's memory: a restart forgets them and each worker process
counts on its own. Behind a reverse proxy every request comes from the proxy's address, so the
per-client lock then covers every user: run the workspace with the proxy passing the address
(uvicorn --proxy-headers --forwarded-allow-ips) or not behind one.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from math import ceil
from threading import Lock

FREE_FAILURES = 5
CLIENT_FREE_FAILURES = 20
FIRST_LOCK = timedelta(seconds=30)
MAX_LOCK = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=1)
# Enough to pass MAX_LOCK; a bound, so that a long run of failures cannot overflow the lock.
MAX_DOUBLINGS = 10
# Counts kept before those past FORGET_AFTER are dropped.
MAX_KEPT = 10_000


class TooManyFailures(Exception):
    def __init__(self, wait: timedelta) -> None:
        self.seconds = ceil(wait.total_seconds())
        super().__init__(f"too many failed sign-ins: try again in {self.seconds} s")


@dataclass
class _Failures:
    count: int
    last: datetime
    locked_until: datetime | None


class SignInThrottle:
    def __init__(self) -> None:
        self._failures: dict[tuple[str, ...], _Failures] = {}
        self._lock = Lock()

    def wait(self, username: str, client: str, now: datetime) -> timedelta:
        """How long this username from this client must wait before trying again (zero: not)."""
        with self._lock:
            ends = [
                failures.locked_until
                for key, _free in _keys(username, client)
                if (failures := self._failures.get(key)) and failures.locked_until
            ]
        return max([end - now for end in ends if end > now], default=timedelta(0))

    def failed(self, username: str, client: str, now: datetime) -> None:
        with self._lock:
            if len(self._failures) >= MAX_KEPT:
                self._forget(now)
            for key, free in _keys(username, client):
                failures = self._failures.get(key)
                if failures is None or now - failures.last > FORGET_AFTER:
                    failures = self._failures[key] = _Failures(0, now, None)
                failures.count += 1
                failures.last = now
                if failures.count >= free:
                    doublings = min(failures.count - free, MAX_DOUBLINGS)
                    lock = min(FIRST_LOCK * 2**doublings, MAX_LOCK)
                    failures.locked_until = now + lock

    def succeeded(self, username: str, client: str) -> None:
        with self._lock:
            self._failures.pop((username, client), None)

    def _forget(self, now: datetime) -> None:
        self._failures = {
            key: failures
            for key, failures in self._failures.items()
            if now - failures.last <= FORGET_AFTER
        }


def _keys(username: str, client: str) -> list[tuple[tuple[str, ...], int]]:
    """The pair's key and the client's, each with the failures it is allowed before a lock."""
    return [((username, client), FREE_FAILURES), ((client,), CLIENT_FREE_FAILURES)]
