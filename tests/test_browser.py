"""What a stakeholder sees: real Voilà, real headless Chromium (Debian's), network closed.

The server runs `testlab serve` settings on 127.0.0.1; every request to any other host is
aborted and recorded, so a dashboard that needs a CDN fails here. Screenshots of every page go
to build/screenshots/ for people to look at.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import struct
import urllib.error
import urllib.request
import zlib
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from kit.labs.folders import discover_labs
from kit.labs.learning import ordered, read_piece
from kit.labs.site import LEARN_URL, VoilaServer

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
SHOTS = REPO / "build" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LABS = discover_labs(REPO / "labs")
BOARDS = [(lab.id, lang) for lab in LABS for lang in ("sv", "en")]
RENDER_TIMEOUT_MS = 180_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            "Debian's chromium is missing: run `make test` (it installs it) or apt-get install chromium"
        )
    site = tmp_path_factory.mktemp("serve") / "site"
    with VoilaServer(site, preheat=True) as url:
        yield url, site


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-gpu",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A page whose requests may only reach 127.0.0.1; others are aborted and listed."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="sv-SE")
    blocked: list[str] = []

    def guard(route):
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("data:", "about:", "blob:")) or host in (
            "127.0.0.1",
            "localhost",
        ):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    pg.blocked = blocked
    pg.js_errors = []
    pg.on("pageerror", lambda exc: pg.js_errors.append(str(exc)))
    pg.on(
        "console",
        lambda msg: (
            pg.js_errors.append(msg.text)
            if msg.type == "error"
            and "net::ERR_FAILED" not in msg.text
            and "Failed to load resource" not in msg.text
            else None
        ),
    )
    yield pg
    context.close()


def _shot(page, name: str) -> None:
    """Screenshot of the whole dashboard: Voilà scrolls inside the page, so grow the viewport."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('body, body *')]"
        ".filter(e => e.scrollHeight > e.clientHeight + 10).map(e => e.scrollHeight), 0)"
    )
    page.set_viewport_size(
        {"width": size["width"], "height": min(max(height, size["height"]), 8000)}
    )
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size(size)


# words of one language that must not show on a page in the other (issue 14: one language
# per page). Quoted text is left out: plan regulations are quoted in their legal wording.
WORDS = {
    "sv": (
        "ärenden",
        "dagar",
        "Källa",
        "Mål",
        "Karta",
        "Ladda ner",
        "Skriv ut",
        "Förslag",
        "Godkänd",
        "Avvikelse",
        "bidragsgivare",
        "Område",
        "Inkom",
        "Utveckling",
        "mediantid",
    ),
    "en": (
        "cases",
        "days",
        "Source",
        "Target",
        "Download",
        "Print",
        "Proposal",
        "within",
        "contributors",
        "Lead time",
        "Received",
        "Monthly",
        "the",
    ),
}
# numbers written the other language's way: English decimal point / thousands comma on a
# Swedish page; decimal comma, thin-space thousands or "kr" on an English one
WRONG_NUMBER = {
    # English thousands ("1,234") never start with 0; "0,590" is a Swedish decimal (a p-value)
    "sv": re.compile(r"\d\.\d{1,2}(?!\d)\s*%|\b[1-9]\d{0,2},\d{3}(?!\d)|\bSEK\b"),
    "en": re.compile(r"\d,\d{1,2}(?!\d)|\d\u2009\d{3}|\d\skr\b"),
}
_QUOTED = re.compile(r"“[^”]*”|”[^”]*”|'[^']*'")


def _page_text(page, lang: str) -> str:
    """The dashboard's visible text and its map frames' text, without the language switch
    (it names the other language on purpose) and without quoted regulation wording."""
    own = page.evaluate(
        "(lang) => { const o = document.querySelector('.testlab-output').cloneNode(true);"
        " o.querySelectorAll('.testlab-lang, iframe, style, script').forEach(e => e.remove());"
        # text marked as quoted in another language (an action plan's own Swedish wording)
        " o.querySelectorAll('[lang]').forEach(e => { if (e.lang !== lang) e.remove(); });"
        # innerText of a detached node is its bare textContent (table cells run together:
        # "2,95" "3,46" → "2,953,46"); laid out off-screen it keeps cell and line breaks
        " o.style.cssText = 'position:absolute;left:-20000px;top:0;width:1200px';"
        " document.body.appendChild(o); const text = o.innerText; o.remove(); return text; }",
        lang,
    )
    frames = [f.locator("body").inner_text() for f in page.frames[1:] if f.url == "about:srcdoc"]
    filters = " ".join(page.locator(".testlab-filter").all_inner_texts())
    return _QUOTED.sub(" ", "\n".join([own, filters, *frames]))


def _assert_one_language(page, lang: str) -> None:
    other = "en" if lang == "sv" else "sv"
    text = _page_text(page, lang)
    strays = [w for w in WORDS[other] if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text)]
    assert strays == [], f"{other} words on a {lang} page: {strays}"
    wrong = sorted({m.group(0) for m in WRONG_NUMBER[lang].finditer(text)})
    assert wrong == [], f"numbers not in {lang} style: {wrong}"


def _open(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded", timeout=RENDER_TIMEOUT_MS)
    page.locator(".testlab-output").first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
    # wait until the output area has content (the first render finished)
    page.wait_for_function(
        "() => { const o = document.querySelector('.testlab-output'); return o && o.innerText.trim().length > 0; }",
        timeout=RENDER_TIMEOUT_MS,
    )


def test_index_lists_every_lab_in_swedish_and_english(server, page):
    url, _ = server
    page.goto(url)
    titles = page.locator("li.testlab-dashboard a").all_inner_texts()
    assert titles == [lab.title("sv") for lab in LABS]
    _shot(page, "index-sv")
    page.goto(url + "?lang=en")
    assert page.locator("li.testlab-dashboard a").all_inner_texts() == [
        lab.title("en") for lab in LABS
    ]
    assert page.locator("main").get_attribute("lang") == "en"
    _shot(page, "index-en")
    assert page.blocked == []


@pytest.mark.parametrize("lab_id, lang", BOARDS, ids=[f"{a}-{b}" for a, b in BOARDS])
def test_dashboard_renders_without_errors_or_code_and_reacts_to_a_filter(
    server, page, lab_id, lang
):
    url, _ = server
    name = f"{lab_id}.ipynb" if lang == "sv" else f"{lab_id}.{lang}.ipynb"
    _open(page, f"{url}voila/render/{name}")
    body = page.inner_text("body")
    assert "Traceback" not in body and "Error" not in body.split("\n")[0]
    assert page.locator("[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    assert page.locator(".jp-InputArea-editor, .jp-CodeMirrorEditor, .cm-editor").count() == 0
    assert "import kit" not in page.content()
    lab = next(lab for lab in LABS if lab.id == lab_id)
    assert page.locator("h1").first.inner_text().strip("¶ \n") == lab.title(lang)
    # the "Lär dig" link above the filters leads to this lab's learning page
    link = page.locator(".testlab-learn-link a").first
    with urllib.request.urlopen(urljoin(page.url, link.get_attribute("href")), timeout=10) as r:
        text = r.read().decode()
    assert f"<title>{html.escape(read_piece(lab, lang).title)}</title>" in text
    # one language per page: <html lang>, the tab's title, every text and number
    assert page.evaluate("() => document.documentElement.lang") == lang
    assert page.title() == lab.title(lang)
    # the frame every dashboard has: back to the index, the other language, data date, source
    assert page.locator(".testlab-back").count() == 1
    assert page.locator(".testlab-asof, .testlab-source").count() >= 1
    # nothing (e.g. a wide process map) stretches the dashboard past the window
    widths = page.evaluate(
        "() => [document.querySelector('.testlab-output').scrollWidth,"
        " ...[...document.querySelectorAll('.testlab-output iframe')]"
        ".map(f => f.getBoundingClientRect().width)]"
    )
    assert max(widths) <= page.viewport_size["width"], widths

    # the map (in labs that have one): vector layers drawn in the map frame, network closed
    if page.locator(".testlab-output iframe").count():
        frame = page.frame_locator(".testlab-output iframe").first
        frame.locator("path.leaflet-interactive").first.wait_for(state="attached", timeout=60_000)
        assert frame.locator("path.leaflet-interactive").count() > 0
        page.locator(".testlab-output iframe").first.screenshot(
            path=str(SHOTS / f"{lab_id}-{lang}-map.png")
        )
        page.wait_for_timeout(500)  # let the map finish drawing for the whole-page screenshot
    _shot(page, f"{lab_id}-{lang}")
    _assert_one_language(page, lang)
    # each chart downloads as the image it shows (PNG or SVG), each table as a real workbook
    for link in page.locator(".testlab-chart a[download], .testlab-download a[download]").all():
        with page.expect_download() as dl:
            link.click()
        data = Path(dl.value.path()).read_bytes()
        kind = dl.value.suggested_filename.rsplit(".", 1)[-1]
        magic = {"png": b"\x89PNG", "svg": b"<svg", "xlsx": b"PK", "csv": b"\xef\xbb\xbf"}
        assert data.startswith(magic[kind]), (dl.value.suggested_filename, data[:20])
    # the print view puts the whole dashboard on A4 pages, not the first screen only
    pdf = page.pdf(format="A4", print_background=True)
    (SHOTS / f"{lab_id}-{lang}.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= 2, f"the print view has {pages} page(s)"

    # changing a filter changes the output
    output = page.locator(".testlab-output").first
    before = output.inner_html()
    select = page.locator(".testlab-filter select").first
    options = select.locator("option").all_inner_texts()
    current = select.evaluate("s => s.options[s.selectedIndex].text")
    other = next(o for o in options if o != current)
    select.select_option(label=other)
    page.wait_for_function(
        "(before) => { const o = document.querySelector('.testlab-output'); return o && o.innerText.trim() && o.innerHTML !== before; }",
        arg=before,
        timeout=RENDER_TIMEOUT_MS,
    )
    assert page.locator("[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    assert "Traceback" not in page.inner_text("body")
    _shot(page, f"{lab_id}-{lang}-changed")
    blocked_non_tiles = [u for u in page.blocked if "tile" not in u]
    assert blocked_non_tiles == [], "the dashboard tried to load assets from the network"
    assert page.js_errors == []


def _png() -> bytes:
    raw = b"\x00\xff\xff\xff"

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def test_server_refuses_datasets_and_manifests_but_serves_images(server):
    url, site = server
    (site / "events.csv").write_text("case_id,activity,timestamp\n", encoding="utf-8")
    (site / "manifest.json").write_text("{}", encoding="utf-8")
    (site / "pixel.png").write_bytes(_png())
    for path in (
        "voila/files/events.csv",
        "voila/files/manifest.json",
        "voila/files/lead-times.ipynb",
        "voila/tree/events.csv",
        "voila/render/events.csv",
        "files/events.csv",
        "api/contents/events.csv",
    ):
        with pytest.raises(urllib.error.HTTPError) as exc:  # redirects are followed
            urllib.request.urlopen(url + path, timeout=10)
        assert exc.value.code in (403, 404), path
    # nothing beside the learning pages is served through their static path (Voilà answers a
    # path that climbs out of the template's static folder with an error, never the file)
    for path in (
        f"{LEARN_URL}/../../../../../events.csv",
        f"{LEARN_URL}/sv/../../../../../../dashboards.json",
        f"{LEARN_URL}/sv/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/events.csv",
    ):
        with pytest.raises(urllib.error.HTTPError) as exc:
            urllib.request.urlopen(url + path, timeout=10)
        assert exc.value.code >= 400, path
    with urllib.request.urlopen(f"{url}voila/files/pixel.png", timeout=10) as resp:
        assert resp.status == 200 and resp.read().startswith(b"\x89PNG")


def _learning_links(page) -> list[str]:
    return page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_learning_page_lists_every_piece_in_order_and_every_link_resolves(server, page, lang):
    """From the index to the learning page; every link on it and on each piece answers 200.

    Runs after the dashboard tests (file order), so opening the dashboards through their links
    only costs the preheated kernels already used.
    """
    url, _ = server
    page.goto(url + f"?lang={lang}")
    page.locator(".testlab-learn-link a").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.url.endswith(f"{LEARN_URL}/{lang}/index.html")
    assert page.locator("html").get_attribute("lang") == lang
    expected = [p for lab in ordered(LABS) if (p := read_piece(lab, lang))]
    assert page.locator("a.piece").all_inner_texts() == [p.title for p in expected]
    assert all(f"{p.minutes} min" in page.inner_text("body") for p in expected)
    _shot(page, f"learn-index-{lang}")
    links = set(_learning_links(page))
    for p in expected:
        page.goto(urljoin(page.url, f"{p.lab}.html"))
        assert page.locator("h1").first.inner_text() == p.title
        links |= set(_learning_links(page))
        if p.lab == expected[0].lab:
            _shot(page, f"learn-{p.lab}-{lang}")
        page.go_back()
    assert links and all(urlparse(u).hostname == "127.0.0.1" for u in links), links
    for link in sorted(links):
        with urllib.request.urlopen(link, timeout=RENDER_TIMEOUT_MS / 1000) as resp:
            assert resp.status == 200, link
    assert page.blocked == [] and page.js_errors == []
