"""The web workspace in a real browser (Debian's headless Chromium driven by Playwright) against the
app served by uvicorn: a reviewer signs in, claims an item, corrects a field and approves it with
the keyboard; an analyst finds it by a translated word and by a facet, sees the audit entry and
opens the dashboard. A request whose OCR text and file name carry markup must stay inert.
A screenshot of each page is saved under test-artifacts/."""

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, Page, expect, sync_playwright

from rogatory.models import (
    Evidence,
    Offence,
    OffenceFact,
    PageSource,
    Party,
    PartyKind,
    PartyRole,
    Record,
    Translation,
    TranslationStatus,
    WordBox,
)
from rogatory.review.store import Store
from rogatory.review.web.app import create_web_app

from conftest import REPO, MakeRecord, save
from web_support import PASSWORD, open_workspace

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts"
TEXT = (
    "Comisión rogatoria por blanqueo de capitales contra Juan Pérez García.\n"
    '<script>window.pwned = "script"</script> "><img src=x onerror="window.pwned=\'img\'">\n'
    "Se solicita información bancaria."
)
NAME = '"><img src=x onerror="window.pwned=\'name\'">carta.png'
TRANSLATION = "Letter rogatory about money laundering against Juan Pérez García: smuggling."


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def scanned(make_record: MakeRecord, images: Path) -> Record:
    """A one-page scan as the pipeline stores it: text, word boxes, preview image, evidence."""
    record = make_record("c", filename=NAME, reasons=["deadline in 5 days"], priority=2)
    page = record.pages[0]
    page.text, page.source, page.ocr_confidence = TEXT, PageSource.OCR, 0.91
    page.width, page.height = 800, 300
    preview = Image.new("L", (800, 300), 255)
    draw = ImageDraw.Draw(preview)
    words = []
    for line_number, line in enumerate(TEXT.split("\n")):
        offset = sum(len(previous) + 1 for previous in TEXT.split("\n")[:line_number])
        x = 20
        for word in line.split(" "):
            start = offset + line.index(word, x // 9 - 2 if x > 20 else 0)
            words.append(
                WordBox(
                    start=start,
                    end=start + len(word),
                    left=x,
                    top=30 + 60 * line_number,
                    width=9 * len(word),
                    height=24,
                )
            )
            draw.text((x, 34 + 60 * line_number), word, fill=0)
            x += 9 * len(word) + 9
    page.words = words
    folder = images / record.document.sha256
    folder.mkdir(parents=True)
    preview.save(folder / "1.png")
    at = TEXT.index("blanqueo de capitales")
    name_at = TEXT.index("Juan Pérez García")
    record.extraction.offences = [
        OffenceFact(
            category=Offence.MONEY_LAUNDERING,
            evidence=Evidence(
                text="blanqueo de capitales",
                page=1,
                start=at,
                end=at + 21,
                extractor="rules:offences@1",
                confidence=0.9,
            ),
        )
    ]
    record.extraction.parties = [
        Party(
            name="Juan Pérez García",
            role=PartyRole.SUSPECT,
            kind=PartyKind.PERSON,
            evidence=Evidence(
                text="Juan Pérez García",
                page=1,
                start=name_at,
                end=name_at + 17,
                extractor="rules:parties@1",
                confidence=0.8,
            ),
        )
    ]
    record.translation = Translation(
        status=TranslationStatus.TRANSLATED, engine="argos:es-en@test", text=TRANSLATION
    )
    return record


@pytest.fixture
def served(tmp_path: Path, make_record: MakeRecord) -> Iterator[tuple[str, Record]]:
    url = f"sqlite:///{tmp_path / 'store' / 'rogatory.db'}"
    store = Store.open(url)
    with open_workspace(store, url, tmp_path / "pages") as space:
        record = scanned(make_record, space.page_images_dir)
        save(store, record)
        save(store, make_record("d", filename="other.pdf"))
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(create_web_app(space), host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.started, "uvicorn did not start"
        yield f"http://127.0.0.1:{port}", record
        server.should_exit = True
        thread.join(timeout=10)
    store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield launched
        launched.close()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"web-{name}.png"), full_page=True)


def press(page: Page, key: str) -> None:
    """A shortcut key, once the page's script (deferred) has run and listens for it."""
    page.wait_for_load_state("load")
    page.keyboard.press(key)


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/signin")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def test_review_search_and_dashboard_in_a_browser(
    browser: Browser, served: tuple[str, Record]
) -> None:
    base, record = served
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    problems: list[str] = []
    page.on("dialog", lambda dialog: (problems.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )

    page.goto(f"{base}/queue")
    expect(page).to_have_url(f"{base}/signin?next=/queue")
    shot(page, "signin")
    sign_in(page, base, "ana")
    expect(page).to_have_url(f"{base}/queue")
    row = page.locator(f'tr[data-record="{record.id}"]')
    expect(row.locator(".badge")).to_have_text("deadline in 5 days")
    expect(row.locator("a.open")).to_have_text(NAME)  # the name shown as text
    shot(page, "queue")

    row.locator("button.claim").click()  # claim
    expect(page).to_have_url(f"{base}/records/{record.id}")
    expect(page.locator("#status")).to_have_text("claimed")
    expect(page.locator("#title")).to_have_text(NAME)
    expect(page.locator("rect.evidence")).to_have_count(3 + 3)  # "blanqueo de capitales", name
    expect(page.locator("#translation")).to_contain_text("smuggling")
    expect(page.locator("pre.original mark").first).to_have_text("blanqueo de capitales")
    expect(page.locator("#text-1")).to_contain_text('<script>window.pwned = "script"</script>')
    shot(page, "review")

    page.fill("#f-deadline", "2026-04-30")
    page.locator("#f-deadline").press("Escape")  # leave the field, so keys act on the page
    press(page, "w")  # save corrections
    expect(page.locator(".corrected")).to_contain_text("corrected by ana")
    expect(page.locator("#f-deadline")).to_have_value("2026-04-30")
    press(page, "a")  # approve
    expect(page).to_have_url(f"{base}/queue")
    expect(page.locator(f'tr[data-record="{record.id}"] .status')).to_have_text("approved")

    page.click("button:has-text('Sign out')")
    sign_in(page, base, "alan")
    page.goto(f"{base}/search")
    page.fill("#q", "smuggling")  # a word only in the English translation
    page.click("#search")
    expect(page.locator("#total")).to_contain_text("1 record")
    expect(page.locator("#results a")).to_have_text(NAME)
    shot(page, "search")
    page.goto(f"{base}/search")
    page.click('a[data-facet="offence"][data-value="money_laundering"]')
    expect(page.locator("#total")).to_contain_text("1 record")
    page.fill("#name", "juan perez")
    page.click("#search")
    expect(page.locator("#results a")).to_have_text(NAME)
    page.locator("#results a").click()

    trail = page.locator("#audit tbody tr")
    expect(trail.filter(has_text="approve")).to_contain_text("ana")
    expect(trail.filter(has_text="correct")).to_contain_text("2026-04-30")
    expect(trail.last).to_contain_text("alan")  # this very reading
    expect(page.locator("#claim")).to_have_count(0)  # an analyst changes nothing
    shot(page, "record-analyst")

    press(page, "d")  # to the dashboard
    expect(page).to_have_url(f"{base}/dashboard")
    expect(page.locator(".chart rect.bar:not([width='0'])").first).to_be_visible()
    shot(page, "dashboard")

    # Nothing from the document ran: no dialog, no script error, no marker set, no CSP refusal.
    assert page.evaluate("() => window.pwned") is None
    page.goto(f"{base}/records/{record.id}")
    assert page.evaluate("() => window.pwned") is None
    assert page.locator("img[onerror]").count() == 0
    assert problems == []
    context.close()
