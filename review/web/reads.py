"""Readings of record data written to the audit trail, beside the record page's own "view": the
records a search or an export showed (one entry per record shown, naming the query, since an
audit entry belongs to one record), and page images fetched without the page that shows them."""

from collections.abc import Iterable, Iterator
from itertools import islice
from urllib.parse import urlencode

from .. import audit
from ..search import Hit, SearchQuery
from .workspace import Workspace

# Export hits audited (and then sent) this many at a time, in one transaction each.
AUDIT_BATCH = 500


def described(query: SearchQuery) -> str:
    """The query as the audit entry's reason, in the form of a search URL's parameters."""
    return urlencode(query.model_dump(mode="json", exclude_defaults=True))


def record_reads(
    space: Workspace, actor: str, action: str, record_ids: Iterable[str], reason: str
) -> None:
    """One audit entry per record read, all in one transaction."""
    now = space.clock()
    with space.writes.begin() as session:
        for record_id in dict.fromkeys(record_ids):
            audit.append(session, record_id, actor, action, {}, now, reason)


def shown(space: Workspace, actor: str, action: str, query: SearchQuery, hits: list[Hit]) -> None:
    record_reads(space, actor, action, (hit.record_id for hit in hits), described(query))


def audited_export(
    space: Workspace, actor: str, query: SearchQuery, hits: Iterator[Hit]
) -> Iterator[Hit]:
    """The hits, each batch written to the audit trail before it is sent."""
    while batch := list(islice(hits, AUDIT_BATCH)):
        shown(space, actor, "export", query, batch)
        yield from batch
