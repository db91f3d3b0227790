"""Cross-reference: the other records that share a person, an IBAN, a phone number, an e-mail, a
wallet or a reference with this one, and why each matches. Read from the facts the index triggers
keep (record_facets); person names are compared spelling-tolerantly (see names.py)."""

from collections import defaultdict

from pydantic import BaseModel
from sqlalchemy import Engine, and_, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from . import names
from .tables import QueueItemRow, RecordFacetRow

Fact = RecordFacetRow
EXACT_KINDS = ["iban", "phone", "email", "crypto_wallet", "reference"]
LABELS = {
    "iban": "IBAN",
    "phone": "phone number",
    "email": "e-mail",
    "crypto_wallet": "wallet",
    "reference": "reference",
    "person": "person",
}


class Link(BaseModel):
    record_id: str
    filename: str
    reasons: list[str]


class CrossReference:
    def __init__(self, engine: Engine) -> None:
        self._reads = sessionmaker(engine)

    def links(self, record_id: str) -> list[Link]:
        """Records linked to this one, those with the most reasons first."""
        reasons: dict[str, list[str]] = defaultdict(list)
        mine, theirs = aliased(Fact), aliased(Fact)
        with self._reads() as session:
            shared = session.execute(
                select(theirs.record_id, theirs.facet, theirs.value)
                .join(mine, and_(mine.facet == theirs.facet, mine.value == theirs.value))
                .where(
                    mine.record_id == record_id,
                    mine.facet.in_(EXACT_KINDS),
                    theirs.record_id != record_id,
                )
                .order_by(theirs.record_id, theirs.facet, theirs.value)
            )
            for other, facet, value in shared:
                reasons[other].append(f"same {LABELS[facet]}: {value}")
            for other, reason in self._same_persons(session, record_id):
                reasons[other].append(reason)
            filenames = {
                other: filename
                for other, filename in session.execute(
                    select(QueueItemRow.record_id, QueueItemRow.filename).where(
                        QueueItemRow.record_id.in_(list(reasons))
                    )
                )
            }
        found = [
            Link(record_id=other, filename=filenames.get(other, ""), reasons=why)
            for other, why in reasons.items()
        ]
        return sorted(found, key=lambda link: (-len(link.reasons), link.record_id))

    def _same_persons(self, session: Session, record_id: str) -> list[tuple[str, str]]:
        own = session.scalars(
            select(Fact.value).where(Fact.record_id == record_id, Fact.facet == "person")
        ).all()
        if not own:
            return []
        others = session.execute(
            select(Fact.record_id, Fact.value)
            .where(Fact.facet == "person", Fact.record_id != record_id)
            .order_by(Fact.record_id, Fact.value)
        ).all()
        links = []
        for written in own:
            # Candidates first by rapidfuzz over all names at once (fast, in C), then the
            # stricter test name by name.
            for holder, name in names.candidates(written, [(row[0], row[1]) for row in others]):
                if names.same_person(written, name):
                    why = f"{name} ~ {written}" if name != written else name
                    links.append((holder, f"same person: {why}"))
        return links
