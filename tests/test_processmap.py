"""kit.process.processmap: the offline SVG process map is valid XML, complete and self-contained."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd

from kit.process.mining import directly_follows
from kit.process.processmap import process_map_svg

SVG = "{http://www.w3.org/2000/svg}"


def make(rows):
    ev = pd.DataFrame(rows, columns=["case_id", "activity", "timestamp"])
    ev["timestamp"] = pd.to_datetime(ev["timestamp"]).dt.tz_localize("Europe/Stockholm")
    return ev


PERMIT = make(
    [
        ("1", "received", "2024-01-01"),
        ("1", "completion_requested", "2024-01-05"),
        ("1", "supplement_received", "2024-01-20"),
        ("1", "complete", "2024-01-21"),
        ("1", "decision", "2024-03-01"),
        ("2", "received", "2024-01-01"),
        ("2", "complete", "2024-01-01"),
        ("2", "decision", "2024-02-01"),
        ("2", "decision", "2024-02-02"),  # self-loop
    ]
)
ENGLISH = make(
    [
        ("a", "Submit", "2024-01-01"),
        ("a", "Review", "2024-01-03"),
        ("a", "Approve", "2024-01-04"),
        ("b", "Submit", "2024-01-01"),
        ("b", "Review", "2024-01-02"),
        ("b", "Submit", "2024-01-05"),  # backward edge
        ("b", "Approve", "2024-01-06"),
    ]
)


def texts(root):
    return [el.text for el in root.iter(f"{SVG}text")]


def assert_self_contained(svg: str):
    # the SVG namespace is a name, not a fetch; nothing else may point outside
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    root = ET.fromstring(svg)
    for el in root.iter():
        for key, value in el.attrib.items():
            assert not key.endswith("href"), (el.tag, key)
            assert "url(" not in value or value.startswith("url(#"), (el.tag, value)


def test_permit_map_swedish_labels():
    svg = process_map_svg(directly_follows(PERMIT, markers=True), lang="sv")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    shown = texts(root)
    for label in ("Ansökan inkommen", "Komplett ansökan", "Beslut", "Start", "Slut"):
        assert label in shown
    nodes = {g.get("data-activity") for g in root.iter(f"{SVG}g") if g.get("data-activity")}
    assert nodes == set(PERMIT["activity"]) | {"[start]", "[end]"}
    assert_self_contained(svg)


def test_english_and_edge_labels():
    svg = process_map_svg(directly_follows(PERMIT), lang="en")
    shown = texts(ET.fromstring(svg))
    assert "Application received" in shown
    # received → complete: case 1 never goes directly; case 2 same day → "1 · 0.0 d"
    assert "1 · 0.0 d" in shown
    sv = texts(ET.fromstring(process_map_svg(directly_follows(PERMIT), lang="sv")))
    assert "1 · 0,0 d" in sv  # Swedish decimal comma


def test_foreign_activity_names_shown_raw_and_backward_edges():
    svg = process_map_svg(directly_follows(ENGLISH))
    root = ET.fromstring(svg)
    assert {"Submit", "Review", "Approve"} <= set(texts(root))
    paths = list(root.iter(f"{SVG}path"))
    assert len([p for p in paths if p.get("marker-end")]) == 4  # S→R, R→A, R→S, S→A
    assert_self_contained(svg)


def test_events_table_accepted_and_edges_limited():
    svg = process_map_svg(ENGLISH, max_edges=2)
    root = ET.fromstring(svg)
    edges = [p for p in root.iter(f"{SVG}path") if p.get("marker-end")]
    assert len(edges) == 2


def test_min_count_filters_and_empty_map_is_valid():
    dfg = directly_follows(ENGLISH)
    svg = process_map_svg(dfg, min_count=99)
    assert "Inga övergångar" in svg
    ET.fromstring(svg)


def test_layout_without_attrs_falls_back_and_escapes_names():
    dfg = pd.DataFrame(
        {
            "source": ["A & B", "C <x>"],
            "target": ["C <x>", "D"],
            "count": [5, 3],
            "median_wait_days": [1.0, 12.0],
            "total_wait_days": [5.0, 36.0],
        }
    )
    svg = process_map_svg(dfg)
    root = ET.fromstring(svg)
    assert {"A & B", "C <x>", "D"} <= set(texts(root))
    # layered top to bottom: A & B above C <x> above D
    ys = {
        g.get("data-activity"): float(next(g.iter(f"{SVG}rect")).get("y"))
        for g in root.iter(f"{SVG}g")
        if g.get("data-activity")
    }
    assert ys["A & B"] < ys["C <x>"] < ys["D"]


def _boxes(root, cls):
    out = []
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == cls:
            r = next(g.iter(f"{SVG}rect"))
            x, y = float(r.get("x")), float(r.get("y"))
            out.append((x, y, x + float(r.get("width")), y + float(r.get("height"))))
    return out


def test_permit_map_fits_a_dashboard_column_with_a_legend_and_labels_apart():
    from kit.data.loaders import load_sample

    events = load_sample("umea").events
    svg = process_map_svg(directly_follows(events, markers=True), lang="sv")
    root = ET.fromstring(svg)
    # the 1,288 px dashboard column holds it (left to right it was 2,760 px wide)
    assert float(root.get("width")) <= 1200
    # the legend says what "2759 · 13 d" means
    shown = " ".join(t for t in texts(root) if t)
    assert "2\u2009759 · 13 d" in shown and "mediantid i dagar" in shown
    # edge labels on plates drawn after the edges and nodes, and no two plates overlap
    order = [g.get("class") for g in root if g.tag == f"{SVG}g"]
    assert order.index("edge-labels") > order.index("edges")
    assert order.index("edge-labels") > order.index("nodes")
    plates = _boxes(root, "edge-label")
    assert len(plates) > 5
    for i, a in enumerate(plates):
        for b in plates[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)
