"""Search over stored records on SQLite (FTS5) and PostgreSQL (full-text search): the index is kept
by database triggers, whatever writes the `records` table."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session

from rogatory.models import (
    Evidence,
    Identifier,
    IdentifierKind,
    Offence,
    OffenceFact,
    Party,
    PartyKind,
    PartyRole,
    Record,
    Translation,
    TranslationStatus,
)
from rogatory.review import search as search_module
from rogatory.review.database import WRITES, connect
from rogatory.review.schema import MIGRATIONS
from rogatory.review.search import Search, SearchQuery
from rogatory.review.store import Store
from rogatory.review.tables import DocumentRow, QueueItemRow, RecordRow

from conftest import MakeRecord, save

EVIDENCE = Evidence(text="x", page=1, start=0, end=1, extractor="test", confidence=0.9)


def request(
    make_record: MakeRecord,
    content: str,
    original: str,
    translation: str | None = None,
    offences: tuple[Offence, ...] = (),
    persons: tuple[str, ...] = (),
    iban: str | None = None,
    state: str | None = None,
    **fields: object,
) -> Record:
    record = make_record(content, **fields)
    record.pages[0].text = original
    if translation is not None:
        record.translation = Translation(
            status=TranslationStatus.TRANSLATED, engine="test", text=translation
        )
    extraction = record.extraction
    extraction.requesting_state = state
    extraction.offences = [OffenceFact(category=o, evidence=EVIDENCE) for o in offences]
    extraction.parties = [
        Party(name=n, role=PartyRole.SUSPECT, kind=PartyKind.PERSON, evidence=EVIDENCE)
        for n in persons
    ]
    if iban:
        extraction.identifiers = [
            Identifier(kind=IdentifierKind.IBAN, value=iban, valid=True, evidence=EVIDENCE)
        ]
    return record


@pytest.fixture
def engine(store: Store, database_url: str) -> Iterator[Engine]:
    opened = connect(database_url)
    yield opened
    opened.dispose()


@pytest.fixture
def search(engine: Engine) -> Search:
    return Search(engine)


@pytest.fixture
def stored(store: Store, make_record: MakeRecord) -> list[Record]:
    records = [
        request(
            make_record,
            "1",
            "Diligencias por blanqueo de capitales. Instrucción del Juzgado de Madrid.",
            "Proceedings for money laundering. Investigating court of Madrid.",
            offences=(Offence.MONEY_LAUNDERING,),
            persons=("Juan Pérez García",),
            iban="ES9121000418450200051332",
            state="ES",
            received_at=datetime(2026, 2, 2, 9, tzinfo=UTC),
            deadline=date(2026, 3, 15),
        ),
        request(
            make_record,
            "2",
            "Ermittlungsverfahren wegen Betrug gegen Александр Иванов.",
            "Investigation for fraud against Aleksandr Ivanov.",
            offences=(Offence.FRAUD, Offence.MONEY_LAUNDERING),
            persons=("Александр Иванов",),
            state="DE",
            received_at=datetime(2026, 2, 20, 9, tzinfo=UTC),
        ),
        request(
            make_record,
            "3",
            "Commission rogatoire: escroquerie en bande organisée.",
            None,
            offences=(Offence.SWINDLING,),
            state="FR",
            received_at=datetime(2026, 3, 1, 9, tzinfo=UTC),
        ),
    ]
    for record in records:
        save(store, record)
    return records


def ids(search: Search, **query: object) -> list[str]:
    return sorted(hit.record_id for hit in search.search(SearchQuery(**query)).hits)


def test_full_text_reads_original_and_translation(search: Search, stored: list[Record]) -> None:
    first, second, third = (record.id for record in stored)
    assert ids(search, text="laundering") == [first]  # only in the English translation
    assert ids(search, text="blanqueo capitales") == [first]
    assert ids(search, text="instruccion") == [first]  # accents do not matter
    assert ids(search, text="ORGANISÉE") == [third]
    assert ids(search, text="blanqueo fraud") == []  # every word must be there
    # Query syntax in the input is taken as words, never as the engine's operators.
    assert ids(search, text='fraud" OR "madrid') == []
    assert ids(search, text="(fraud*") == [second]
    assert ids(search, text="") == sorted([first, second, third])


def test_filters_and_facet_counts(search: Search, stored: list[Record]) -> None:
    first, second, third = (record.id for record in stored)
    assert ids(search, offence="money_laundering") == sorted([first, second])
    assert ids(search, offence="money_laundering", state="DE") == [second]
    assert ids(search, text="investigation", offence="fraud", language="es") == [second]
    assert ids(search, received_from=date(2026, 2, 20)) == sorted([second, third])
    assert ids(search, received_to=date(2026, 2, 20)) == sorted([first, second])
    assert ids(search, deadline_to=date(2026, 3, 31)) == [first]
    assert ids(search, status="approved") == []
    assert ids(search, status="pending", state="FR") == [third]
    assert ids(search, state="E S") == []  # not a value any fact is written as
    assert ids(search, doc_type="eio") == []

    everything = search.search(SearchQuery())
    assert everything.total == 3
    assert {c.value: c.count for c in everything.facets["offence"]} == {
        "money_laundering": 2,
        "fraud": 1,
        "swindling": 1,
    }
    assert everything.facets["language"][0].model_dump() == {"value": "es", "count": 3}

    results = search.search(SearchQuery(offence="money_laundering"))
    assert results.total == 2
    offences = {c.value: c.count for c in results.facets["offence"]}
    assert offences == {"money_laundering": 2, "fraud": 1}
    assert {c.value: c.count for c in results.facets["state"]} == {"ES": 1, "DE": 1}
    assert results.hits[0].record_id == second  # newest first
    assert results.hits[0].facts["offence"] == ["fraud", "money_laundering"]


def test_person_names_survive_accents_and_transliteration(
    search: Search, stored: list[Record]
) -> None:
    first, second, _ = (record.id for record in stored)
    assert ids(search, name="juan perez") == [first]
    assert ids(search, name="Alexander Iwanow") == [second]
    assert ids(search, name="Aleksandr Ivanov") == [second]
    assert ids(search, name="Maria Schmidt") == []
    assert search.search(SearchQuery(name="Ivanov")).names == {"Александр Иванов": 100.0}


def test_the_index_follows_every_change_of_the_records_table(
    search: Search, store: Store, engine: Engine, make_record: MakeRecord, stored: list[Record]
) -> None:
    changed = request(make_record, "1", "Solicitud de extradición.", None)
    save(store, changed)  # reprocessed: the old words and facts are gone
    assert ids(search, text="blanqueo") == []
    assert ids(search, text="extradicion") == [changed.id]
    assert stored[0].id not in ids(search, offence="money_laundering")

    # A row written and deleted behind the store's back (as a purge does) is indexed, then gone.
    orphan = request(make_record, "9", "Registro huérfano", None, persons=("Ana López",))
    with engine.execution_options(**{WRITES: True}).begin() as connection:
        connection.execute(
            text("INSERT INTO documents VALUES (:sha, 'x.pdf', 'application/pdf', 1, :at, '/x')"),
            {"sha": orphan.document.sha256, "at": datetime(2026, 1, 1)},
        )
        connection.execute(
            text("INSERT INTO records VALUES (:id, :sha, :record, NULL, :at, :at)"),
            {
                "id": orphan.id,
                "sha": orphan.document.sha256,
                "record": orphan.model_dump_json(),
                "at": datetime(2026, 1, 1),
            },
        )
    assert "Ana López" in search.person_names()
    with engine.execution_options(**{WRITES: True}).begin() as connection:
        connection.execute(text("DELETE FROM records WHERE id = :id"), {"id": orphan.id})
        leftovers = connection.execute(
            text("SELECT count(*) FROM record_facets WHERE record_id = :id"), {"id": orphan.id}
        ).scalar()
    assert leftovers == 0
    assert "Ana López" not in search.person_names()


def test_records_stored_before_the_index_existed_are_indexed(
    database_url: str, make_record: MakeRecord
) -> None:
    engine = connect(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.execution_options(**{WRITES: True}).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
    # Written as a store of that revision wrote them (today's store writes today's audit rows).
    record = request(make_record, "5", "Auskunftsersuchen Geldwäsche", None)
    document = record.document
    with Session(engine.execution_options(**{WRITES: True})) as session, session.begin():
        session.add(
            DocumentRow(
                sha256=document.sha256,
                filename=document.filename,
                media_type=document.media_type,
                size_bytes=document.size_bytes,
                first_received_at=document.received_at,
                original_path="/originals/5",
            )
        )
        session.flush()
        session.add(
            RecordRow(
                id=record.id,
                sha256=document.sha256,
                record=record.model_dump(mode="json"),
                pipeline_version="0.1.0",
                created_at=document.received_at,
                updated_at=document.received_at,
            )
        )
        session.flush()
        session.add(
            QueueItemRow(
                record_id=record.id,
                status="pending",
                queue="mla",
                priority=3,
                deadline=None,
                reasons=[],
                doc_type="mla_request",
                language="es",
                filename=document.filename,
                received_at=document.received_at,
                updated_at=document.received_at,
            )
        )
    reopened = Store.open(database_url)
    try:
        assert ids(Search(engine), text="geldwasche") == [make_record("5").id]
    finally:
        reopened.close()
        engine.dispose()


def test_search_sees_what_people_corrected(
    search: Search, store: Store, stored: list[Record]
) -> None:
    first = stored[0].id  # machine: ES, money laundering, an MLA request
    store.claim(first, "ana", timedelta(hours=1))
    store.correct(first, "ana", "requesting_state", "PT")
    store.correct(first, "ana", "offences", [])
    store.correct(first, "ana", "doc_type", "eio")
    assert ids(search, state="PT") == [first]
    assert ids(search, state="ES") == []
    assert first not in ids(search, offence="money_laundering")
    assert ids(search, doc_type="eio") == [first]
    assert ids(search, text="blanqueo") == [first]  # the text is indexed as before
    assert ids(search, name="juan perez") == [first]  # parties were not corrected


def test_translated_pages_are_indexed_page_by_page(
    search: Search, store: Store, make_record: MakeRecord
) -> None:
    record = make_record("7")
    record.translation = Translation(
        status=TranslationStatus.TRANSLATED,
        engine="test",
        text=None,  # the pages alone: they are what the index reads when present
        pages=["Request for assistance.", "Smuggling of migrants."],
    )
    save(store, record)
    assert ids(search, text="smuggling migrants") == [record.id]


def test_an_export_builds_its_query_once_and_pages_through_it(
    search: Search, stored: list[Record], engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_module, "EXPORT_BATCH", 2)  # three records: two batches and more
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *call: statements.append(call[2].lower()))
    everything = [hit.record_id for hit in search.export(SearchQuery())]
    assert everything == [hit.record_id for hit in search.search(SearchQuery()).hits]
    assert len(everything) == len(stored)

    statements.clear()
    by_name = list(search.export(SearchQuery(name="juan perez", text="blanqueo")))
    assert [hit.record_id for hit in by_name] == [stored[0].id]
    assert by_name[0].persons == ["Juan Pérez García"]
    # The person names are folded once and no batch counts facets.
    assert sum("distinct" in statement for statement in statements) == 1
    assert not any("count(" in statement for statement in statements)
