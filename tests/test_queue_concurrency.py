"""Eight workers, threads or separate processes, claim from one queue of 200 items on SQLite and on
PostgreSQL: every item is claimed exactly once and none is lost."""

import multiprocessing
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor

import pytest

from rogatory.models import ReviewStatus
from rogatory.review.store import Store

from claimer import claim_until_empty
from conftest import MakeRecord, save

ITEMS = 200
WORKERS = 8


def threads() -> Executor:
    return ThreadPoolExecutor(max_workers=WORKERS)


def processes() -> Executor:
    # spawn: a forked child would inherit the parent's open connections and threads.
    return ProcessPoolExecutor(max_workers=WORKERS, mp_context=multiprocessing.get_context("spawn"))


@pytest.mark.parametrize("workers", [threads, processes])
def test_every_item_is_claimed_exactly_once(
    store: Store, database_url: str, make_record: MakeRecord, workers: Callable[[], Executor]
) -> None:
    expected = set()
    for n in range(ITEMS):
        record = make_record(f"{n:03d}")
        save(store, record)
        expected.add(record.id)
    reviewers = [f"reviewer-{n}" for n in range(WORKERS)]

    # A manager's barrier works across threads and processes alike: no desk starts claiming
    # before every desk is connected, so that they really race.
    with multiprocessing.get_context("spawn").Manager() as manager, workers() as pool:
        start = manager.Barrier(WORKERS)
        taken = pool.map(claim_until_empty, [database_url] * WORKERS, reviewers, [start] * WORKERS)
        claims = dict(zip(reviewers, taken, strict=True))

    assert sum(1 for items in claims.values() if items) > 1, "the desks did not race"

    claimed = Counter(record_id for taken in claims.values() for record_id in taken)
    assert set(claimed) == expected
    assert max(claimed.values()) == 1
    holders = {entry.record_id: entry.claimed_by for entry in store.queue(limit=ITEMS)}
    assert holders == {record_id: who for who, taken in claims.items() for record_id in taken}
    assert store.queue(status=ReviewStatus.PENDING) == []
    assert sum(entry.action == "claim" for entry in store.audit()) == ITEMS
