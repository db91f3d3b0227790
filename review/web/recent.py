"""Record pages each person opened lately, so that the page images fetched with a page are covered
by its audited view: a record page of 30 pages writes one audit entry, not 31."""

from datetime import datetime, timedelta

# An image fetched this soon after the same person's view of its record is covered by that view.
VIEW_COVERS = timedelta(minutes=10)
# Views remembered before the stale ones are dropped.
MAX_REMEMBERED = 10_000


class RecentViews:
    """Who opened which record page lately, in this process. Another process (a second worker)
    does not know of them and audits the image again: more entries, never fewer."""

    def __init__(self) -> None:
        self._at: dict[tuple[str, str], datetime] = {}

    def note(self, viewer: str, record_id: str, now: datetime) -> None:
        if len(self._at) >= MAX_REMEMBERED:
            self._at = {key: at for key, at in self._at.items() if now - at < VIEW_COVERS}
        self._at[(viewer, record_id)] = now

    def covers(self, viewer: str, record_id: str, now: datetime) -> bool:
        at = self._at.get((viewer, record_id))
        return at is not None and now - at < VIEW_COVERS
