"""What a stakeholder sees: real Voilà, real headless Chromium (Debian's), network closed.

The server runs `testlab serve` settings on 127.0.0.1; every request to any other host is
aborted and recorded, so a dashboard that needs a CDN fails here. Screenshots of every page go
to build/screenshots/ for people to look at.
"""

from __future__ import annotations

import os
import shutil
import struct
import urllib.error
import urllib.request
import zlib
from pathlib import Path
from urllib.parse import urlparse

import pytest

from kit.labs.folders import discover_labs
from kit.labs.site import VoilaServer

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
    # nothing (e.g. a wide process map) stretches the dashboard past the window
    widths = page.evaluate(
        "() => [document.querySelector('.testlab-output').scrollWidth,"
        " ...[...document.querySelectorAll('.testlab-output iframe')]"
        ".map(f => f.getBoundingClientRect().width)]"
    )
    assert max(widths) <= page.viewport_size["width"], widths

    # the map (dashboards that have one): vector layers drawn inside the map frame, with the
    # network closed
    if page.locator(".testlab-output iframe").count():
        frame = page.frame_locator(".testlab-output iframe").first
        frame.locator("path.leaflet-interactive").first.wait_for(state="attached", timeout=60_000)
        assert frame.locator("path.leaflet-interactive").count() > 0
        page.locator(".testlab-output iframe").first.screenshot(
            path=str(SHOTS / f"{lab_id}-{lang}-map.png")
        )
        page.wait_for_timeout(500)  # let the map finish drawing for the whole-page screenshot
    _shot(page, f"{lab_id}-{lang}")

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
    with urllib.request.urlopen(f"{url}voila/files/pixel.png", timeout=10) as resp:
        assert resp.status == 200 and resp.read().startswith(b"\x89PNG")
