"""kit.present.maps: offline folium maps (inline Leaflet, no CDN) and SWEREF 99 reprojection."""

from __future__ import annotations

import html as htmllib
import math
import re

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

from kit.errors import DataError, KitError, UsageError
from kit.labels import t
from kit.present import maps

UMEA_LAT, UMEA_LON = 63.8258, 20.2630

# a resource the browser would fetch: <script src>, <link href>, <img src>, CSS url() / @import
REMOTE_LOAD = re.compile(
    r"""(<script[^>]*\ssrc\s*=\s*["']?\s*(https?:)?//)"""
    r"""|(<link[^>]*\shref\s*=\s*["']?\s*(https?:)?//)"""
    r"""|(<img[^>]*\ssrc\s*=\s*["']?\s*(https?:)?//)"""
    r"""|(url\(\s*["']?\s*(https?:)?//)"""
    r"""|(@import\s+["']?(https?:)?//)""",
    re.IGNORECASE,
)
VENDOR_BLOCK = re.compile(
    rf"<(script|style) {maps.VENDOR_ATTR}=\"[^\"]+\">.*?</\1>", re.DOTALL | re.IGNORECASE
)


def _sweref(lat: float, lon: float, crs: str = "EPSG:3006") -> tuple[float, float]:
    """Forward projection with pyproj directly, independent of kit.present.maps."""
    return Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(lon, lat)


def _cases(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    x0, y0 = _sweref(UMEA_LAT, UMEA_LON)
    return pd.DataFrame(
        {
            "case_id": [f"BYGG-{i:05d}" for i in range(n)],
            "x": x0 + rng.normal(0, 2000, n),
            "y": y0 + rng.normal(0, 2000, n),
            "crs": "EPSG:3006",
            "lead_time_days": rng.gamma(2.0, 30.0, n),
        }
    )


def _urls_outside_vendor_code(text: str) -> set[str]:
    ours = VENDOR_BLOCK.sub("", text)
    return set(re.findall(r"https?://[^\s\"'<>\\)]+", ours))


# --- offline HTML --------------------------------------------------------------------------


def test_rendered_map_loads_nothing_remote_and_inlines_leaflet():
    m = maps.offline_map(bounds=maps.municipality_bounds("umea"))
    maps.add_case_points(m, _cases(20), value_col="lead_time_days")
    text = maps.map_html(m)
    assert not REMOTE_LOAD.search(text), REMOTE_LOAD.search(text).group(0)
    # Leaflet's own code is there, read from the xstatic package
    import xstatic.pkg.leaflet as xl

    assert f"Leaflet {xl.VERSION}" in text
    assert "L.map(" in text
    # jQuery, Bootstrap, Font Awesome, awesome markers are gone
    for name in ("jquery", "bootstrap", "fontawesome", "awesome-markers"):
        assert name not in text.lower()
    # only the tile template and the tile attribution link are addresses outside vendor code
    assert _urls_outside_vendor_code(text) == {
        maps.OSM_TILES,
        "https://www.openstreetmap.org/copyright",
    }


def test_no_basemap_leaves_no_address_at_all():
    m = maps.offline_map(location=(UMEA_LAT, UMEA_LON), tiles=None)
    text = maps.map_html(m)
    assert "L.tileLayer" not in text
    assert _urls_outside_vendor_code(text) == set()


def test_env_var_points_at_own_tile_server(monkeypatch):
    own = "https://karta.example.se/tiles/{z}/{x}/{y}.png"
    monkeypatch.setenv(maps.TILES_ENV, own)
    monkeypatch.setenv(maps.TILES_ATTRIBUTION_ENV, "© Exempel kommun")
    text = maps.map_html(maps.offline_map())
    assert own in text and maps.OSM_TILES not in text
    assert _urls_outside_vendor_code(text) == {own}
    monkeypatch.setenv(maps.TILES_ENV, "none")
    assert "L.tileLayer" not in maps.map_html(maps.offline_map())


def test_tile_url_without_placeholders_is_refused():
    with pytest.raises(UsageError, match=r"\{z\}"):
        maps.offline_map(tiles="https://example.se/tiles.png")


def test_notebook_repr_is_offline_too():
    m = maps.offline_map(location=(UMEA_LAT, UMEA_LON))
    maps.add_case_points(m, _cases(5), value_col="lead_time_days")
    frame = m._repr_html_()
    assert "srcdoc=" in frame
    inner = htmllib.unescape(re.search(r'srcdoc="([^"]*)"', frame).group(1))
    assert not REMOTE_LOAD.search(inner)
    assert "L.circleMarker" in inner
    # rendering twice (save, then display) still yields inline assets
    assert not REMOTE_LOAD.search(maps.map_html(m))


def test_foreign_plugin_asset_is_refused_rather_than_silently_broken():
    from folium.plugins import Fullscreen

    m = maps.offline_map()
    Fullscreen().add_to(m)
    with pytest.raises(KitError, match="not bundled"):
        maps.map_html(m)


def test_folium_marker_cluster_plugin_is_inlined():
    from folium.plugins import MarkerCluster

    m = maps.offline_map()
    MarkerCluster().add_to(m)
    text = maps.map_html(m)
    assert not REMOTE_LOAD.search(text)
    assert "markerClusterGroup" in text and "MarkerCluster" in text


# --- case points ----------------------------------------------------------------------------


def test_case_points_cluster_above_threshold_only():
    small = maps.offline_map()
    assert maps.add_case_points(small, _cases(30), value_col="lead_time_days") == 30
    small_html = maps.map_html(small)
    assert 'data-testlab-vendor="markerclusterjs"' not in small_html
    assert "L.markerClusterGroup" not in small_html

    big = maps.offline_map()
    drawn = maps.add_case_points(big, _cases(30), value_col="lead_time_days", cluster_threshold=10)
    big_html = maps.map_html(big)
    assert drawn == 30
    assert 'data-testlab-vendor="markerclusterjs"' in big_html
    assert 'data-testlab-vendor="markerclustercss"' in big_html
    assert "L.markerClusterGroup" in big_html
    assert not REMOTE_LOAD.search(big_html)


def test_case_points_colour_by_bin_and_skip_missing_coordinates():
    df = pd.DataFrame(
        {
            "x": [759000.0, 760000.0, np.nan, 761000.0, 762000.0],
            "y": [7080000.0, 7081000.0, 7082000.0, 7083000.0, 7084000.0],
            "lead_time_days": [10.0, 70.0, 5.0, 71.0, np.nan],
            "case_id": ["A", "B", "C", "D<script>", "E"],
        }
    )
    bins = ((70.0, "#00ff00"), (math.inf, "#ff0000"))
    m = maps.offline_map(tiles=None)
    assert (
        maps.add_case_points(
            m, df, value_col="lead_time_days", colormap=bins, popup_cols=["case_id"]
        )
        == 4
    )
    text = maps.map_html(m)
    script = re.search(r"var d = (\{.*?\});\n", text).group(1)
    data = _payload(text)
    # 10 and 70 days are within the first bin (upper bound inclusive), 71 is not, NaN is grey
    colours = [data["colours"][int(i)] for i in data["colour"]]
    assert colours == ["#00ff00", "#00ff00", "#ff0000", maps.MISSING_COLOUR]
    assert data["heads"] == [t("map.col.case_id", "sv")]  # the label, not the column name
    # values travel as plain text (the popup is built with textContent on click) ...
    assert _column(data["cols"][0]) == ["A", "B", "D<script>", "E"]
    # ... and no "<" reaches the inline script, so nothing can close it early
    assert "<" not in script
    assert len(data["lat"]) == len(data["lon"]) == 4


def _payload(text: str) -> dict:
    import json

    return json.loads(re.search(r"var d = (\{.*?\});\n", text).group(1))


def _column(col: dict) -> list[str]:
    if "v" in col:
        return col["v"].split("\t")
    names = col["d"].split("\t")
    w = col.get("w")
    if w:  # w base-36 digits per row
        return [names[int(col["i"][k : k + w], 36)] for k in range(0, len(col["i"]), w)]
    return [names[int(i)] for i in col["i"]]


def test_popup_columns_repeat_values_as_indices_and_keep_order():
    n = 50
    df = _cases(n).assign(kind=["Bygglov" if i % 3 else "Anmälan\tx" for i in range(n)])
    m = maps.offline_map(tiles=None)
    maps.add_case_points(m, df, value_col="lead_time_days", popup_cols=["kind", "missing"])
    data = _payload(maps.map_html(m))
    assert data["heads"] == ["kind"]  # an absent column is left out
    [col] = data["cols"]
    assert "d" in col and len(col["i"]) == n  # two distinct values among 50: indexed
    # a TAB inside a value would split it: it is shown as a space
    assert _column(col) == ["Bygglov" if i % 3 else "Anmälan x" for i in range(n)]


def test_popup_column_with_many_repeated_values_uses_base36_indices():
    # 40 distinct dates, each 5 times: more than 10 values, so two base-36 digits per row
    dates = [f"2024-01-{d:02d}" if d <= 31 else f"2024-02-{d - 31:02d}" for d in range(1, 41)]
    values = [dates[i % 40] for i in range(200)]
    col = maps._popup_column(values)
    assert col["w"] == 2 and len(col["i"]) == 400
    assert col["i"][:4] == "0001" and col["i"][70:72] == "0z"  # rows 0, 1 and 35 (35 = "0z")
    assert _column(col) == values
    assert len(col["d"]) + len(col["i"]) < len("\t".join(values))
    # unique values stay plain, and 37 values need 2 digits, 36 only 1
    assert maps._popup_column([f"P-{i}" for i in range(50)]) == {
        "v": "\t".join(f"P-{i}" for i in range(50))
    }
    assert maps._popup_column([str(i % 36) for i in range(400)])["w"] == 1
    assert maps._popup_column([str(i % 37) for i in range(400)])["w"] == 2


def test_case_points_per_row_crs():
    lat, lon = 63.83, 20.26
    x6, y6 = _sweref(lat, lon, "EPSG:3006")
    x16, y16 = _sweref(lat, lon, "EPSG:3016")  # SWEREF 99 20 15, Umeå's local zone
    df = pd.DataFrame(
        {"x": [x6, x16], "y": [y6, y16], "crs": ["EPSG:3006", "3016"], "v": [1.0, 2.0]}
    )
    m = maps.offline_map(tiles=None)
    maps.add_case_points(m, df, value_col="v")
    data = _payload(maps.map_html(m))
    assert _degrees(data, "lat") == pytest.approx([lat, lat], abs=1e-5)
    assert _degrees(data, "lon") == pytest.approx([lon, lon], abs=1e-5)


def _degrees(data: dict, name: str) -> list[float]:
    """Decode the payload's coordinates as the page does: (minimum + offset) / 1e5."""
    return [(data[f"{name}0"] + v) / 1e5 for v in data[name]]


def test_coordinates_are_whole_hundred_thousandths_above_the_minimum():
    data = maps.case_points_payload(
        np.array([58.41234, 58.5, 58.412344]),
        np.array([15.62, 15.600004, 15.6]),
        ["#000000"] * 3,
        {},
    )
    assert data["lat0"] == 5841234 and data["lat"] == [0, 8766, 0]
    assert data["lon0"] == 1560000 and data["lon"] == [2000, 0, 0]


def test_empty_frame_adds_nothing():
    m = maps.offline_map()
    assert maps.add_case_points(m, _cases(0), value_col="lead_time_days") == 0


# --- reprojection ---------------------------------------------------------------------------


def test_umea_centre_round_trip_sweref99tm():
    x, y = _sweref(UMEA_LAT, UMEA_LON)
    assert 700_000 < x < 800_000 and 7_000_000 < y < 7_150_000  # plausibility of the peer
    lon, lat = maps.to_wgs84(x, y)
    assert float(lon) == pytest.approx(UMEA_LON, abs=1e-7)
    assert float(lat) == pytest.approx(UMEA_LAT, abs=1e-7)


@pytest.mark.parametrize("code", range(3006, 3019))
def test_all_sweref99_zones(code):
    lat, lon = 59.33, 18.07  # Stockholm, within every zone's area of use well enough
    x, y = _sweref(lat, lon, f"EPSG:{code}")
    lon2, lat2 = maps.to_wgs84([x, x], [y, y], crs=f"EPSG:{code}")
    assert lon2.shape == (2,)
    np.testing.assert_allclose(lat2, lat, atol=1e-7)
    np.testing.assert_allclose(lon2, lon, atol=1e-7)


def test_unknown_crs_is_a_data_error():
    with pytest.raises(DataError, match="unknown coordinate reference system 'EPSG:999999'"):
        maps.to_wgs84(1.0, 2.0, crs="EPSG:999999")


def test_geometry_to_wgs84():
    corners = [(20.25, 63.82), (20.27, 63.82), (20.27, 63.83)]
    xy = [_sweref(lat, lon) for lon, lat in corners]
    poly = shapely.Polygon(xy)
    back = maps.geometry_to_wgs84(poly, "EPSG:3006")
    np.testing.assert_allclose(np.asarray(back.exterior.coords)[:3], corners, atol=1e-7)


def test_area_summary_draws_one_hull_per_district_coloured_by_median():
    import pandas as pd

    from kit.present.maps import LEAD_TIME_BINS, add_area_summary, map_html, offline_map

    # three cases in district A around Umeå centre, two in B (below min_cases=3)
    e, n = 759_000.0, 7_080_000.0
    df = pd.DataFrame(
        {
            "district": ["A", "A", "A", "B", "B"],
            "x": [e, e + 500, e, e + 3000, e + 3100],
            "y": [n, n, n + 500, n, n],
            "crs": "EPSG:3006",
            "days": [10.0, 20.0, 100.0, 5.0, 5.0],
        }
    )
    m = offline_map(tiles=None)
    assert add_area_summary(m, df, group_col="district", value_col="days") == 1
    html = map_html(m)
    # median of A is 20 days: the bin whose upper bound is the first >= 20
    colour = next(c for upper, c in LEAD_TIME_BINS if 20 <= upper)
    assert f'"colour": "{colour}"' in html and '"name": "A"' in html and '"name": "B"' not in html


def test_data_values_are_not_evaluated_as_template_code():
    # branca compiles rendered pieces as Jinja templates; the kit's layers put them in as text
    odd = "{{ 7 * 7 }} {% if 1 %}x{% endif %}"
    e, n = 759_000.0, 7_080_000.0
    df = pd.DataFrame(
        {
            "district": [odd] * 3,
            "x": [e, e + 500, e],
            "y": [n, n, n + 500],
            "crs": "EPSG:3006",
            "days": [10.0, 20.0, 100.0],
            "case_id": [odd, "b", "c"],
        }
    )
    m = maps.offline_map(tiles=None)
    maps.add_area_summary(m, df, group_col="district", value_col="days")
    maps.add_case_points(m, df, value_col="days", popup_cols=["case_id"], legend_title=odd)
    text = maps.map_html(m)
    # verbatim in the area's name, the legend title and the popup values
    assert text.count(odd) == 3
    assert _column(_payload(text)["cols"][0])[0] == odd
