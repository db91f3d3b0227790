"""A reviewer's desk for the concurrency tests, in a module of its own so that each spawned worker
process imports the store and nothing else of the test suite."""

from datetime import timedelta
from threading import Barrier

from rogatory.review.store import Store


def claim_until_empty(url: str, reviewer: str, start: Barrier) -> list[str]:
    """Open a connection, wait for every other desk, then claim until nothing is free."""
    store = Store.open(url)
    claimed = []
    try:
        start.wait()
        while (entry := store.claim_next(reviewer, timedelta(hours=1))) is not None:
            claimed.append(entry.record_id)
    finally:
        store.close()
    return claimed
