"""The case map as a viewer's Chromium draws it, network closed (issue 14): cluster icons
coloured by the median lead time of their cases, and no tile attribution when tiles fail."""

from __future__ import annotations

import shutil
from urllib.parse import urlparse

import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer

from kit.present import maps

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
UMEA_LAT, UMEA_LON = 63.8258, 20.2630


def _group(lat: float, lon: float, values: list[float]) -> pd.DataFrame:
    """Cases a few metres apart (one cluster), lead times ``values``."""
    x0, y0 = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True).transform(lon, lat)
    n = len(values)
    return pd.DataFrame(
        {"x": x0 + 3.0 * np.arange(n), "y": np.full(n, y0), "lead_time_days": values}
    )


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 900, "height": 700})
        blocked: list[str] = []

        def guard(route):
            if urlparse(route.request.url).scheme in ("data", "about", "blob"):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        pg = context.new_page()
        pg.blocked = blocked
        yield pg
        browser.close()


def test_clusters_take_the_colour_of_their_median_lead_time_and_tiles_fail_quietly(page):
    # west group: 10, 20, 30, 200, 300 days -> median 30 -> bin 28-70 (#91cf60), although two
    # of five are far beyond the limit; east group: 100, 150, 200 -> median 150 -> > 140 (#d73027)
    west = _group(UMEA_LAT, UMEA_LON - 0.05, [10, 20, 30, 200, 300])
    east = _group(UMEA_LAT, UMEA_LON + 0.05, [100, 150, 200])
    m = maps.offline_map(location=(UMEA_LAT, UMEA_LON), zoom_start=11, lang="en")
    maps.add_case_points(
        m, pd.concat([west, east]), value_col="lead_time_days", cluster_threshold=0
    )
    page.set_content(maps.map_html(m))
    page.locator(".testlab-cluster").first.wait_for(state="attached", timeout=20_000)
    icons = page.evaluate(
        "() => [...document.querySelectorAll('.testlab-cluster div')]"
        ".map(d => [d.innerText.trim(), getComputedStyle(d).backgroundColor])"
    )
    assert sorted(icons) == [["3", "rgb(215, 48, 39)"], ["5", "rgb(145, 207, 96)"]]
    # every tile request failed (network closed): no attribution for a basemap nobody sees
    page.wait_for_selector(".testlab-no-tiles", state="attached", timeout=20_000)
    attribution = page.inner_text(".leaflet-control-attribution")
    assert "OpenStreetMap" not in attribution
    assert any("tile.openstreetmap.org" in u for u in page.blocked)


def test_notebook_frame_has_no_trust_notice():
    m = maps.offline_map(location=(UMEA_LAT, UMEA_LON))
    assert "Make this Notebook Trusted" not in m._repr_html_()


def test_clusters_draw_without_a_basemap(page):
    # `TESTLAB_TILES=none` (or tiles=None): no tile layer gives the map its maximum zoom, and
    # Leaflet.markercluster throws "Map has no maxZoom specified" without one, so no case showed
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    group = _group(UMEA_LAT, UMEA_LON, [10, 20, 30, 40])
    m = maps.offline_map(location=(UMEA_LAT, UMEA_LON), zoom_start=11, tiles=None, lang="en")
    maps.add_case_points(m, group, value_col="lead_time_days", cluster_threshold=0)
    page.set_content(maps.map_html(m))
    page.locator(".testlab-cluster").first.wait_for(state="attached", timeout=20_000)
    assert page.inner_text(".testlab-cluster div").strip() == "4"
    assert page.locator(".testlab-legend").count() == 1
    assert errors == []


@pytest.mark.parametrize("threshold", [0, 1000])  # clustered, and plain markers
def test_clicked_case_shows_its_own_popup(page, threshold):
    cases = _group(UMEA_LAT, UMEA_LON, [10, 20, 30])
    cases["case_id"] = ["P-1", "P-2", "P-3"]
    cases["x"] = cases["x"] + np.array([-150.0, 0.0, 150.0])  # apart at street level
    m = maps.offline_map(location=(UMEA_LAT, UMEA_LON), zoom_start=16, tiles=None, lang="en")
    maps.add_case_points(
        m, cases, value_col="lead_time_days", popup_cols=("case_id",), cluster_threshold=threshold
    )
    page.set_content(maps.map_html(m))
    points = page.locator("path.testlab-case")
    points.first.wait_for(state="attached", timeout=20_000)
    assert points.count() == 3
    shown = []
    for i in range(3):
        points.nth(i).click(force=True)
        page.locator(".leaflet-popup-content").wait_for(timeout=10_000)
        shown.append(page.inner_text(".leaflet-popup-content").strip())
    # each click shows the clicked case (label: value), not the first or the last one bound
    assert sorted(text.rsplit(": ", 1)[1] for text in shown) == ["P-1", "P-2", "P-3"]


def test_popups_decode_values_stored_as_base36_indices(page):
    # 60 cases on a grid, 12 distinct dates (more than 10: stored as base-36 indices)
    x0, y0 = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True).transform(
        UMEA_LON, UMEA_LAT
    )
    k = np.arange(60)
    dates = [f"2024-03-{1 + (i % 12):02d}" for i in k]
    cases = pd.DataFrame(
        {"x": x0 + 60.0 * (k % 10 - 4.5), "y": y0 + 60.0 * (k // 10 - 2.5), "lead_time_days": 30.0,
         "received": dates}
    )  # fmt: skip
    m = maps.offline_map(location=(UMEA_LAT, UMEA_LON), zoom_start=16, tiles=None, lang="en")
    maps.add_case_points(m, cases, value_col="lead_time_days", popup_cols=("received",))
    html = maps.map_html(m)
    assert '"w":1' in html
    page.set_content(html)
    points = page.locator("path.testlab-case")
    points.first.wait_for(state="attached", timeout=20_000)
    assert points.count() == 60
    for i in (0, 11, 23, 59):  # markers are added in row order
        points.nth(i).click(force=True)
        page.locator(".leaflet-popup-content").wait_for(timeout=10_000)
        assert page.inner_text(".leaflet-popup-content").strip().endswith(dates[i])
        page.locator(".leaflet-popup-close-button").click()  # it would cover the next point
        page.locator(".leaflet-popup").wait_for(state="detached", timeout=10_000)
