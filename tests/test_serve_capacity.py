"""Many viewers, behaviour only (times are in benchmarks/): a cap on kernels and their release.

Real Voilà with ``--max-kernels 1`` and no preheated pool, real headless Chromium: a second
viewer gets the self-reloading busy page (never an error page); an open page keeps its kernel
while its reader does nothing; once the first page closes its kernel is released and the second
viewer's page turns into the dashboard by itself.
"""

from __future__ import annotations

import os
import shutil
import time
import urllib.request

import pytest

from kit.labs.folders import discover_labs
from kit.labs.site import CULL_IDLE_S, CULL_INTERVAL_S, VoilaServer
from kit.labs.voila_app import UNCONNECTED_ENV

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BOARD = "voila/render/action-plan.ipynb"
WIDGET = ".testlab-filter"


def test_cap_busy_page_and_release_of_a_closed_pages_kernel(tmp_path):
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    server = VoilaServer(tmp_path / "site", preheat=False, max_kernels=1)
    with server as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            ctx = browser.new_context()
            first = ctx.new_page()
            first.goto(url + BOARD)
            first.wait_for_selector(WIDGET, timeout=180_000)
            assert len(server.kernel_pids()) == 1

            second = ctx.new_page()
            resp = second.goto(url + BOARD.replace(".ipynb", ".en.ipynb"))
            assert resp.status == 503
            assert second.title() == "Busy, retrying …"
            assert second.locator("html").get_attribute("lang") == "en"
            assert second.locator("meta[http-equiv=refresh]").count() == 1

            sv = ctx.new_page()
            sv.goto(url + BOARD)
            assert sv.title() == "Många tittar just nu – försöker igen …"
            sv.close()

            # a reader who does nothing keeps the kernel past the idle timeout
            time.sleep(CULL_IDLE_S + 2 * CULL_INTERVAL_S)
            assert len(server.kernel_pids()) == 1
            assert first.locator(WIDGET).count() > 0

            first.close()  # its kernel goes, and the waiting viewer gets the dashboard
            second.wait_for_selector(WIDGET, timeout=(60 + 180) * 1000)
            assert second.title() != "Busy, retrying …"
            assert len(server.kernel_pids()) == 1
            assert "Culling" in server.log.read_text(encoding="utf-8")
        finally:
            browser.close()


def test_a_page_still_loading_keeps_its_kernel_past_the_idle_timeout(tmp_path, monkeypatch):
    """On a crowded machine a browser may need longer than the idle timeout to load the
    page's scripts and connect: its kernel must wait for it (for the grace period), not be
    culled from under the loading page. The page here never connects (plain HTTP, no
    scripts), so after the grace period its kernel does go."""
    monkeypatch.setenv(UNCONNECTED_ENV, "15")
    labs = [lab for lab in discover_labs() if lab.id == "action-plan"]
    server = VoilaServer(tmp_path / "site", preheat=False, cull=(2, 1), labs=labs)
    with server as url:
        with urllib.request.urlopen(url + BOARD, timeout=180) as resp:
            assert b"jupyter-config-data" in resp.read()  # rendered, kernel started
        assert len(server.kernel_pids()) == 1
        time.sleep(6)  # idle timeout 2 s, checked every 1 s: culled by now without the grace
        assert len(server.kernel_pids()) == 1
        deadline = time.monotonic() + 40
        while server.kernel_pids() and time.monotonic() < deadline:
            time.sleep(1)
        assert server.kernel_pids() == []  # a page that never connects does not hold it forever


def test_pool_size_per_dashboard(tmp_path):
    """``pools`` preheats more kernels for one dashboard than the default for the others."""
    labs = [lab for lab in discover_labs() if lab.id == "action-plan"]
    server = VoilaServer(tmp_path / "site", pool_size=1, pools={"action-plan": 3}, labs=labs)
    with server as url:
        deadline = time.monotonic() + 120
        while len(server.kernel_pids()) < 4 and time.monotonic() < deadline:
            time.sleep(1)
        time.sleep(3)  # no more than that come
        assert len(server.kernel_pids()) == 4  # 3 for action-plan.ipynb, 1 for action-plan.en
        assert url
