"""Extraction stage: behaviour on short snippets in several languages, and agreement with the
gold labels of the sample requests."""

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from rogatory.evaluation import (
    Outcome,
    Scores,
    extract_pages,
    load_gold,
    load_samples,
    report,
    source_pages,
)
from rogatory.models import (
    DocType,
    Extraction,
    IdentifierKind,
    LegalBasis,
    Measure,
    Offence,
    Page,
    PageSource,
    PartyKind,
    PartyRole,
)
from rogatory.nlp.extract import extract
from rogatory.nlp.extract.amounts import parse_number
from rogatory.nlp.extract.identifiers import iban_is_valid
from rogatory.nlp.extract.lexicon import available_languages, load_lexicon
from rogatory.nlp.extract.pipeline import pipeline

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
RECEIVED = datetime(2026, 2, 10, 8, 30, tzinfo=UTC)


def run(text: str, language: str | None, received_at: datetime = RECEIVED) -> Extraction:
    pages = [
        Page(number=n, text=t, source=PageSource.OCR) for n, t in enumerate(text.split("\f"), 1)
    ]
    result = extract(pages, language, received_at)
    assert_evidence_quotes_pages(result, pages)
    return result


def assert_evidence_quotes_pages(result: Extraction, pages: list[Page]) -> None:
    facts: list[Any] = [
        *result.offences,
        *result.measures,
        *result.legal_basis,
        *result.parties,
        *result.identifiers,
        *result.amounts,
    ]
    for evidence in [*result.evidence.values(), *(f.evidence for f in facts)]:
        page = pages[evidence.page - 1]
        assert page.text[evidence.start : evidence.end] == evidence.text
        assert 0 < evidence.confidence <= 1


def offences(result: Extraction) -> set[Offence]:
    return {o.category for o in result.offences}


# --- lexicons ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", sorted(available_languages()))
def test_lexicon_uses_canonical_ids_and_builds(language: str) -> None:
    lexicon = load_lexicon(language)
    enums: dict[str, Callable[[str], object]] = {
        "offence": Offence,
        "measure": Measure,
        "legal_basis": LegalBasis,
        "doc_type": DocType,
        "role": PartyRole,
        "organisation": PartyRole,
    }
    for category, entries in lexicon.phrases.items():
        for key in entries:
            if category in enums:
                enums[category](key)
            elif category in ("state", "demonym", "city"):
                assert re.fullmatch(r"[A-Z]{2}", key), key
    assert set(lexicon.duration_units.values()) <= {"days", "weeks", "months"}
    assert pipeline(language).pipe_names == ["rogatory_lexicon", "rogatory_negation"]


# --- offences and negation -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "wanted", "excluded"),
    [
        (
            "es",
            "Se investiga un delito de blanqueo de capitales. El delito de tráfico de drogas "
            "no es objeto de la presente solicitud.",
            Offence.MONEY_LAUNDERING,
            Offence.DRUG_TRAFFICKING,
        ),
        (
            "fr",
            "L'information porte sur une escroquerie en bande organisée. Le trafic de "
            "stupéfiants n'est pas visé par la présente demande.",
            Offence.SWINDLING,
            Offence.DRUG_TRAFFICKING,
        ),
        (
            "de",
            "Dem Beschuldigten wird Geldwäsche vorgeworfen. Die Steuerhinterziehung ist "
            "nicht Gegenstand dieses Ersuchens.",
            Offence.MONEY_LAUNDERING,
            Offence.TAX_EVASION,
        ),
        (
            "it",
            "Si procede per riciclaggio. I fatti di evasione fiscale sono oggetto di un "
            "separato procedimento e non formano oggetto della presente richiesta.",
            Offence.MONEY_LAUNDERING,
            Offence.TAX_EVASION,
        ),
        (
            "en",
            "The investigation concerns bribery. Money laundering is not the subject of "
            "this request.",
            Offence.CORRUPTION,
            Offence.MONEY_LAUNDERING,
        ),
    ],
)
def test_negated_offence_is_not_an_offence_of_the_request(
    language: str, text: str, wanted: Offence, excluded: Offence
) -> None:
    found = offences(run(text, language))
    assert wanted in found
    assert excluded not in found


@pytest.mark.parametrize(
    ("language", "held", "free"),
    [
        (
            "fr",
            # "né", folded to "ne", is no negation.
            "Le suspect Jean DUPONT, né le 02/11/1994 à Lyon, est détenu.",
            [
                "Le suspect Jean DUPONT n'est pas détenu.",
                "Le suspect Jean DUPONT n'est pas en détention provisoire.",
                "Le suspect Jean DUPONT ne se trouve pas en détention.",
                "Le suspect Jean DUPONT n'est plus incarcéré.",
            ],
        ),
        (
            "es",
            "El investigado se encuentra en prisión provisional.",
            [
                "El investigado no se encuentra en prisión provisional.",
                "El investigado ya no está en prisión.",
                "El investigado nunca ha estado en prisión provisional.",
            ],
        ),
        (
            "de",
            "Der Beschuldigte befindet sich in Untersuchungshaft.",
            [
                "Der Beschuldigte befindet sich nicht in Untersuchungshaft.",
                "Der Beschuldigte ist nicht inhaftiert.",
                "Der Beschuldigte war nie in Untersuchungshaft.",
            ],
        ),
        (
            "it",
            "L'indagato è detenuto.",
            ["L'indagato non è detenuto.", "L'indagato non si trova in custodia cautelare."],
        ),
        (
            "pt",
            "O arguido está detido.",
            [
                "O arguido não está detido.",
                "O arguido não se encontra em prisão preventiva.",
                "O arguido nunca esteve em prisão preventiva.",
            ],
        ),
        (
            "en",
            "The suspect is in custody.",
            [
                "The suspect is not in custody.",
                "The suspect is no longer detained.",
                "The suspect has never been detained.",
            ],
        ),
    ],
)
def test_custody_said_not_to_hold_is_not_custody(language: str, held: str, free: list[str]) -> None:
    assert run(held, language).in_custody
    for text in free:
        assert not run(text, language).in_custody, text


def test_offence_split_over_ocr_lines_keeps_page_offsets() -> None:
    page = "Diligencias por un presunto delito de blan-\nqueo de\n   capitales y estafa."
    result = run(page, "es")
    laundering = next(o for o in result.offences if o.category == Offence.MONEY_LAUNDERING)
    assert laundering.evidence.text == "blan-\nqueo de\n   capitales"
    assert Offence.SWINDLING in offences(result)


def test_unticked_boxes_of_a_form_are_not_requested() -> None:
    form = (
        "SECTION C\n"
        "[ ] Audition d'un témoin        [X] Perquisition et saisie\n"
        "[X] Obtention de données relatives au trafic et à la\n"
        "    localisation\n"
        "[ ] cybercriminalité   [X] blanchiment des produits du crime\n"
    )
    result = run(form, "fr")
    assert {m.type for m in result.measures} == {Measure.SEARCH_AND_SEIZURE, Measure.TRAFFIC_DATA}
    assert offences(result) == {Offence.MONEY_LAUNDERING}


def test_boxes_read_with_braces_by_ocr_are_still_boxes() -> None:
    # A fax scan: OCR reads "[ ]" as "[ }" and "[X]" as "{X}".
    form = "[ } Audition d'un témoin\n{X} Perquisition et saisie\n[ } trafic de stupéfiants\n"
    result = run(form, "fr")
    assert {m.type for m in result.measures} == {Measure.SEARCH_AND_SEIZURE}
    assert offences(result) == set()


def test_inflected_phrase_keeps_its_own_category() -> None:
    # "Computerbetrugs" is the genitive of the cybercrime "Computerbetrug", not a swindle.
    result = run("wegen des Verdachts des gewerbsmäßigen Computerbetrugs ermittelt", "de")
    assert offences(result) == {Offence.CYBERCRIME}
    assert offences(run("wegen schweren Betruges", "de")) == {Offence.SWINDLING}


def test_accents_dropped_by_ocr_still_match() -> None:
    result = run("Solicitud de detencion provisional con fines de extradicion.", "es")
    assert result.doc_type == DocType.PROVISIONAL_ARREST_REQUEST


# --- dates ---------------------------------------------------------------------------------


def test_deadline_is_not_the_hearing_date() -> None:
    text = (
        "Madrid, a 20 de enero de 2026\n"
        "La vista oral está señalada para el 20 de abril de 2026, por lo que se ruega remitir\n"
        "la documentación antes del 15 de marzo de 2026.\n"
    )
    result = run(text, "es")
    assert result.document_date == date(2026, 1, 20)
    assert result.deadline == date(2026, 3, 15)
    assert result.deadline_text == "antes del 15 de marzo de 2026"


@pytest.mark.parametrize(
    ("language", "text", "deadline"),
    [
        (
            "de",
            "Wien, am 19.01.2026\nUm Erledigung wird bis zum 01.06.2026 ersucht.",
            date(2026, 6, 1),
        ),
        (
            "it",
            "Milano, 22 gennaio 2026\nSi prega di dare esecuzione entro il 30 aprile 2026.",
            date(2026, 4, 30),
        ),
        (
            "en",
            "Date: 9 January 2026\nThe trial is listed on 8 June 2026; we would be grateful "
            "to receive the evidence by 20 March 2026.",
            date(2026, 3, 20),
        ),
    ],
)
def test_dated_deadlines(language: str, text: str, deadline: date) -> None:
    assert run(text, language).deadline == deadline


US_REQUEST = (
    "U.S. Department of Justice, Office of International Affairs\n"
    "Washington, D.C., December 1, 2026\n"
    "The United States requests assistance. Please provide the records no later than {}.\n"
)


@pytest.mark.parametrize(
    ("language", "text", "deadline", "sure"),
    [
        # Month first where the request comes from the United States, and unsure.
        ("en", US_REQUEST.format("03/05/2027"), date(2027, 3, 5), False),
        # A date of the same document with a part above 12 settles the order.
        ("en", US_REQUEST.format("03/05/2027") + "Trial: 11/16/2027.", date(2027, 3, 5), True),
        ("en", US_REQUEST.format("03/05/2027") + "Trial: 16.11.2027.", date(2027, 5, 3), True),
        ("en", US_REQUEST.format("03/25/2027"), date(2027, 3, 25), True),
        ("en", US_REQUEST.format("05/05/2027"), date(2027, 5, 5), True),
        # Day first elsewhere: unsure in English, written both ways, sure in other languages.
        ("en", "Home Office, London\nPlease reply by 03/05/2027.", date(2027, 5, 3), False),
        ("es", "Se ruega la ejecución antes del 03/05/2027.", date(2027, 5, 3), True),
        ("de", "Um Erledigung wird bis zum 01.06.2026 ersucht.", date(2026, 6, 1), True),
        # A date written the US way, quoted in a German letter, turns no other date round.
        (
            "de",
            "Schreiben vom 11/16/2025.\nUm Erledigung wird bis zum 01.06.2026 ersucht.",
            date(2026, 6, 1),
            True,
        ),
    ],
)
def test_numeric_deadline_reads_the_order_of_day_and_month(
    language: str, text: str, deadline: date, sure: bool
) -> None:
    result = run(text, language)
    assert result.deadline == deadline
    # An order nothing settles makes the deadline low-confidence, for review.
    assert (result.evidence["deadline"].confidence >= 0.8) is sure


def test_relative_deadline_counts_from_receipt_and_says_so() -> None:
    text = (
        "Il est demandé que la décision soit exécutée dans un délai de 30 jours à compter de "
        "sa réception."
    )
    result = run(text, "fr", received_at=datetime(2026, 2, 10, 8, 30, tzinfo=UTC))
    assert result.deadline == date(2026, 3, 12)
    assert result.deadline_text == "dans un délai de 30 jours à compter de sa réception"
    evidence = result.evidence["deadline"]
    assert "relative" in evidence.extractor
    assert evidence.confidence < 0.8


def test_no_deadline_without_a_deadline_cue() -> None:
    text = "El reclamado fue detenido el 14 de enero de 2026 y la audiencia será el 3 de marzo."
    result = run(text, "es")
    assert result.deadline is None
    assert result.deadline_text is None


# --- identifiers and amounts ---------------------------------------------------------------


def test_iban_checksum() -> None:
    result = run(
        "cuenta ES91 2100 0418 4502 0005 1332 y cuenta ES91 2100 0418 4502 0005 1333.", "es"
    )
    ibans = {i.value: i.valid for i in result.identifiers if i.kind == IdentifierKind.IBAN}
    assert ibans == {"ES9121000418450200051332": True, "ES9121000418450200051333": False}
    assert iban_is_valid("GB15MIDL40051512345678")
    assert not iban_is_valid("GB15MIDL4005151234567")


def test_phones_in_e164_with_the_region_of_the_language() -> None:
    text = "Tel. +49 30 23125 417\n2. Aylin DEMIR\nRufnummer 030 23125418"
    result = run(text, "de")
    phones = {i.value for i in result.identifiers if i.kind == IdentifierKind.PHONE}
    assert phones == {"+493023125417", "+493023125418"}


def test_email_ip_passport_and_plate() -> None:
    text = (
        "Pasaporte: mexicano núm. G48213907\n"
        "E-mail: J.Perez@Example.COM, IP 203.0.113.47 y 2001:db8::1\n"
        "vehículo Audi con matrícula 4821 KLM.\n"
    )
    found = {(i.kind, i.value, i.valid) for i in run(text, "es").identifiers}
    # Passports and plates have no check to pass: their validity is unknown, not true.
    assert {
        (IdentifierKind.PASSPORT, "G48213907", None),
        (IdentifierKind.EMAIL, "j.perez@example.com", True),
        (IdentifierKind.IP_ADDRESS, "203.0.113.47", True),
        (IdentifierKind.IP_ADDRESS, "2001:db8::1", True),
        (IdentifierKind.VEHICLE_PLATE, "4821 KLM", None),
    } <= found


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("7.086.905", 7086905.0),
        ("125.000,00", 125000.0),
        ("48'500", 48500.0),
        ("1,180,000.00", 1180000.0),
        ("84.312,50", 84312.5),
        ("411.870,--", 411870.0),
        ("247 900,00", 247900.0),
        ("1.500", 1500.0),
        ("12,5", 12.5),
    ],
)
def test_number_formats(raw: str, value: float) -> None:
    assert parse_number(raw) == value


def test_amounts_with_currency() -> None:
    text = (
        "Perjuicio de 7.086.905 €, transferencia de CHF 48'500, US$ 3,200,000.00, "
        "£3,450,000 y 96.000,00 euros; 1.450 kilogramos."
    )
    found = {(a.value, a.currency) for a in run(text, "es").amounts}
    assert found == {
        (7086905.0, "EUR"),
        (48500.0, "CHF"),
        (3200000.0, "USD"),
        (3450000.0, "GBP"),
        (96000.0, "EUR"),
    }


@pytest.mark.parametrize(
    ("language", "text", "amount", "value", "currency"),
    [
        ("en", "assets worth {} were moved", "GBP 3.5 million", 3_500_000.0, "GBP"),
        ("en", "a bribe of {} was paid", "$2.5m", 2_500_000.0, "USD"),
        ("en", "losses of {}", "$ 3 billion", 3_000_000_000.0, "USD"),
        ("es", "un perjuicio de {}", "2,5 millones de euros", 2_500_000.0, "EUR"),
        ("es", "blanqueo de {}", "3 mil millones de dólares", 3_000_000_000.0, "USD"),
        ("de", "ein Schaden von {}", "3 Mio. EUR", 3_000_000.0, "EUR"),
        ("de", "rund {}", "1,2 Milliarden Euro", 1_200_000_000.0, "EUR"),
        ("fr", "un préjudice de {}", "4 millions d'euros", 4_000_000.0, "EUR"),
        ("fr", "un préjudice de {}", "2 milliards d'euros", 2_000_000_000.0, "EUR"),
        ("it", "un profitto di {}", "1,2 mld di euro", 1_200_000_000.0, "EUR"),
        ("it", "sequestro di {}", "€ 4,5 milioni", 4_500_000.0, "EUR"),
        ("pt", "um prejuízo de {}", "2,5 milhões de euros", 2_500_000.0, "EUR"),
    ],
)
def test_amounts_with_scale_words(
    language: str, text: str, amount: str, value: float, currency: str
) -> None:
    found = run(text.format(amount), language).amounts
    # The whole amount, never the number before the scale word alone.
    assert [(a.value, a.currency, a.evidence.text) for a in found] == [(value, currency, amount)]


def test_a_scale_word_of_another_language_drops_the_amount_rather_than_shrink_it() -> None:
    found = run("The transfer of EUR 3 Mio. and of GBP 12,000 was made.", "en").amounts
    assert [(a.value, a.currency) for a in found] == [(12000.0, "GBP")]


# --- parties, states, authority ------------------------------------------------------------


def test_parties_have_roles_and_kinds_and_judges_are_not_parties() -> None:
    text = (
        "Dª. Elena Vázquez Lorente, Magistrada-Juez, instruye diligencias contra D. Juan Pérez "
        "García y contra la mercantil Inversiones Atalaya Global, S.L. Se solicita la "
        "declaración en calidad de testigo de Dª. Beatriz Hoffmann Ruiz.\n"
    )
    parties = {(p.name, p.role, p.kind) for p in run(text, "es").parties}
    assert parties == {
        ("Juan Pérez García", PartyRole.SUSPECT, PartyKind.PERSON),
        ("Inversiones Atalaya Global, S.L.", PartyRole.SUSPECT, PartyKind.ORGANISATION),
        ("Beatriz Hoffmann Ruiz", PartyRole.WITNESS, PartyKind.PERSON),
    }


def test_role_word_after_the_name_and_a_negated_role() -> None:
    text = (
        "1. Yanis KERBOUCHE, né le 02/11/1994 à Vénissieux, mis en examen.\n"
        "2. Sofiane AMRANI, titulaire du compte, non mis en cause à ce stade.\n"
    )
    parties = {(p.name, p.role) for p in run(text, "fr").parties}
    assert parties == {("Yanis KERBOUCHE", PartyRole.SUSPECT), ("Sofiane AMRANI", PartyRole.OTHER)}


@pytest.mark.parametrize(
    ("language", "text", "requesting", "requested"),
    [
        (
            "es",
            "JUZGADO DE INSTRUCCIÓN Nº 3 DE MADRID\n\nComisión rogatoria dirigida a las "
            "autoridades competentes de Francia. Italia no interviene.",
            "ES",
            "FR",
        ),
        ("fr", "SECTION A - État d'émission : FRANCE      État d'exécution : ESPAGNE", "FR", "ES"),
        (
            "de",
            "ABSCHNITT A\nAnordnungsstaat: Österreich    Vollstreckungsstaat: Deutschland",
            "AT",
            "DE",
        ),
    ],
)
def test_states_of_the_request(language: str, text: str, requesting: str, requested: str) -> None:
    result = run(text, language)
    assert (result.requesting_state, result.requested_state) == (requesting, requested)


def test_requesting_authority_from_a_label_or_the_letterhead() -> None:
    labelled = run("Autoridad requirente: Juzgado de Instrucción nº 3 de Madrid (España)\n", "es")
    assert labelled.requesting_authority == "Juzgado de Instrucción nº 3 de Madrid"
    letterhead = run("TRIBUNAL JUDICIAIRE DE LYON - CABINET DE MME DUFRESNE\n67 rue Servient", "fr")
    assert letterhead.requesting_authority == "TRIBUNAL JUDICIAIRE DE LYON"


def test_authority_without_the_signing_official_or_ocr_slips() -> None:
    signed = run(
        "Anordnungsbehörde: Staatsanwaltschaft Wien, Oberstaatsanwältin Dr. Leitner\n", "de"
    )
    assert signed.requesting_authority == "Staatsanwaltschaft Wien"
    columns = run("Autoridade de emissão: DIAP de Lisboa Procuradora da República\n", "pt")
    assert columns.requesting_authority == "DIAP de Lisboa"
    slipped = run("JUZGADO DE INSTRUCCIÓN N? 5 DE VALENCIA\nCalle del Justicia 2", "es")
    assert slipped.requesting_authority == "JUZGADO DE INSTRUCCIÓN Nº 5 DE VALENCIA"
    roman = run("Staatsanwaltschaft Ill des Kantons Zürich\nWeststrasse 70", "de")
    assert roman.requesting_authority == "Staatsanwaltschaft III des Kantons Zürich"


def test_document_date_label_in_running_text_loses_to_the_place_and_date_line() -> None:
    text = (
        "Valencia, 9 de febrero de 2026\n\nLes recuerdo que, con fecha 14 de octubre de 2025, "
        "este Juzgado remitió una comisión rogatoria.\n"
    )
    assert run(text, "es").document_date == date(2026, 2, 9)
    assert run("Fecha: 3 de marzo de 2026\nMadrid", "es").document_date == date(2026, 3, 3)


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "it",
            "per il reato di bancarotta fraudolenta ai danni della società fallita Emiliana "
            "Ceramiche S.p.A., con un passivo",
            ("Emiliana Ceramiche S.p.A.", PartyRole.VICTIM),
        ),
        (
            "es",
            "delitos cometidos por la sociedad Ikatz Renovables, S.L. y por su administrador",
            ("Ikatz Renovables, S.L.", PartyRole.SUSPECT),
        ),
        (
            "en",
            "The Scottish Ministers request the extradition of Piotr NOWAKOWSKI to Scotland.",
            ("Piotr NOWAKOWSKI", PartyRole.SUSPECT),
        ),
        (
            "en",
            "Marcus ELLINGTON is under investigation in the Southern District of Florida.",
            ("Marcus ELLINGTON", PartyRole.SUSPECT),
        ),
        (
            "es",
            "Según la denuncia de la Agencia Vasca de la Energía, perjudicada, la sociedad obtuvo",
            ("Agencia Vasca de la Energía", PartyRole.VICTIM),
        ),
    ],
)
def test_roles_carried_by_prepositions_and_phrases_after_the_name(
    language: str, text: str, expected: tuple[str, PartyRole]
) -> None:
    assert {(p.name, p.role) for p in run(text, language).parties} == {expected}


def test_coordinated_names_share_the_role_word() -> None:
    text = "gegen die Beschuldigten Kevin Dahlke und Jannik Dahlke wegen Geldwäsche"
    parties = {(p.name, p.role) for p in run(text, "de").parties}
    assert parties == {("Kevin Dahlke", PartyRole.SUSPECT), ("Jannik Dahlke", PartyRole.SUSPECT)}


def test_iban_check_digits_misread_by_ocr_are_corrected_only_when_mod97_passes() -> None:
    read = run("zum Konto DEO6 1005 0000 6015 1842 19 und LU1I5 0560 8656 9070 2931.", "de")
    ibans = {(i.value, i.evidence.extractor) for i in read.identifiers}
    corrected = "rules:identifiers-ocr-corrected@1"
    assert ibans == {
        ("DE06100500006015184219", corrected),
        ("LU150560865690702931", corrected),
    }
    # A misread that no correction makes valid is not guessed.
    assert run("Konto DEO7 1005 0000 6015 1842 19.", "de").identifiers == []


def test_unknown_language_falls_back_without_failing() -> None:
    result = run("Urgent. Account GB15 MIDL 4005 1512 3456 78, phone +44 20 7946 0321.", None)
    assert result.urgent
    assert {i.kind for i in result.identifiers} >= {IdentifierKind.IBAN, IdentifierKind.PHONE}


# --- agreement with the gold samples -------------------------------------------------------


def test_agreement_with_the_tuned_gold_samples() -> None:
    """The rules on the source texts of the samples they were tuned on. The held-out samples
    and the scans are scored by `rogatory eval` (tests/test_eval.py), not held to a bar here."""
    samples = [s for s in load_samples(SAMPLES) if not s.heldout]
    outcomes = [
        Outcome(s, extract_pages(source_pages(s), s), load_gold(SAMPLES, s)) for s in samples
    ]
    scores = Scores.of(outcomes)
    print(report(outcomes))
    assert scores.micro[2] >= 0.9
    for name in ("offences", "identifiers", "amounts", "parties"):
        assert scores.field(name)[2] >= 0.85, name
    for name in ("doc_type", "deadline"):
        assert scores.accuracy(name) >= 0.9, name
