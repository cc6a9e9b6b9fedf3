"""The directly-follows graph drawn as an offline SVG process map (processkarta).

No Graphviz and no network: the layout is computed here. Nodes are placed in layers from top
to bottom by their median position in the traces (``directly_follows(...).attrs``; when those
are missing, by breadth-first distance from the start), and side by side within a layer, the
busiest first. Top to bottom, so the map is about as wide as the widest layer and fits a
dashboard's column (left to right it was 2,760 px wide for the permit process). Edges between
neighbouring layers are straight; longer forward edges run down a lane on the right, backward
edges up a lane on the left, edges within a layer bow below, self-loops sit beside the node.
Edge width grows with the count; each edge is labelled ``count · median wait in days`` on a
white plate (no edge strikes through a label; overlapping labels are moved apart), and a legend
on top says so; the three transitions holding the most total waiting time are drawn in red (the
bottlenecks).

Node names from the canonical permit vocabulary are translated with ``kit.labels``
(``activity.<name>``); any other name (an XES log from elsewhere) is shown as it is.
"""

from __future__ import annotations

import hashlib
import math
from collections import deque
from xml.sax.saxutils import escape, quoteattr

import pandas as pd

from kit.labels import LABELS, number, t
from kit.process.eventlog import END, START
from kit.process.mining import directly_follows

NODE_W, NODE_H = 150, 46
LAYER_GAP, COL_GAP = 58, 40  # between layers (top to bottom), between nodes of a layer
LANE = 70  # room left and right of the nodes for the lanes of long edges
MARGIN = 20
LEGEND_H = 44
LABEL_H, CHAR_W = 15, 6.3  # edge label plate height, approximate width of a character
MAX_LABEL = 22
EDGE_COLOUR, HOT_COLOUR = "#5b6b7a", "#c0392b"


def _node_label(name: str, lang: str) -> str:
    if name == START:
        return t("processmap.start", lang)
    if name == END:
        return t("processmap.end", lang)
    key = f"activity.{name}"
    return t(key, lang) if key in LABELS else name


def _fmt_days(days: float, lang: str) -> str:
    return number(days, lang, 1 if days < 10 else 0)


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _bfs_positions(nodes: list[str], edges: pd.DataFrame) -> dict[str, float]:
    """Fallback layer positions: distance from the start (or from nodes without predecessors)."""
    succ: dict[str, list[str]] = {n: [] for n in nodes}
    indeg = dict.fromkeys(nodes, 0)
    for s, g in zip(edges["source"], edges["target"], strict=True):
        if s != g:
            succ[s].append(g)
            indeg[g] += 1
    roots = [START] if START in succ else [n for n in nodes if indeg[n] == 0]
    if not roots:
        roots = [nodes[0]]
    dist = dict.fromkeys(roots, 0)
    queue = deque(roots)
    while queue:
        n = queue.popleft()
        for m in succ[n]:
            if m not in dist:
                dist[m] = dist[n] + 1
                queue.append(m)
    far = max(dist.values(), default=0) + 1
    pos = {n: float(dist.get(n, far)) for n in nodes}
    if END in pos:
        pos[END] = math.inf
    return pos


def process_map_svg(
    dfg: pd.DataFrame,
    *,
    lang: str = "sv",
    max_edges: int = 30,
    min_count: int = 1,
    positions: dict[str, float] | None = None,
) -> str:
    """The process map as an SVG document (a string), ready for HTML or a file.

    ``dfg``: a :func:`kit.process.mining.directly_follows` result (with or without start/end
    markers), or an events table (its DFG with markers is computed). ``max_edges``: keep the
    most frequent edges; ``min_count``: drop rarer ones. ``positions``: activity → median
    position in the traces (default: from ``dfg.attrs``). ``lang``: ``"sv"`` or ``"en"``.
    """
    if "source" not in dfg.columns and "activity" in dfg.columns:
        dfg = directly_follows(dfg, markers=True)
    attrs = dict(dfg.attrs)
    edges = _select_edges(dfg, max_edges, min_count)
    nodes = list(dict.fromkeys([*edges["source"], *edges["target"]]))
    if not nodes:
        return _empty_svg(lang)
    counts = attrs.get("activity_counts", {})
    layer_of = _layers(nodes, edges, positions or attrs.get("median_position") or {}, counts)
    xy, width, height = _place_nodes(layer_of, counts, edges)
    hot = _bottlenecks(edges)
    pid = (
        "pm"
        + hashlib.sha1(
            "|".join(
                f"{s}>{g}:{c}"
                for s, g, c in zip(edges["source"], edges["target"], edges["count"], strict=True)
            ).encode()
        ).hexdigest()[:8]
    )
    paths, labels = _edges_svg(edges, xy, layer_of, hot, pid, width, lang)
    return "\n".join(
        [
            _svg_open(width, height, pid, lang),
            _legend_svg(lang),
            '<g class="edges" fill="none">',
            *paths,
            "</g>",
            '<g class="nodes">',
            *(_node_svg(n, xy[n], counts, lang) for n in nodes),
            "</g>",
            '<g class="edge-labels">',  # on top: no edge or node strikes through a label
            *labels,
            "</g></svg>",
        ]
    )


def _select_edges(dfg: pd.DataFrame, max_edges: int, min_count: int) -> pd.DataFrame:
    """The ``max_edges`` most frequent edges of at least ``min_count``."""
    edges = dfg[dfg["count"] >= min_count]
    edges = edges.sort_values("count", ascending=False, kind="stable").head(max_edges)
    return edges.reset_index(drop=True)


def _empty_svg(lang: str) -> str:
    w, h = 400, 80
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" role="img"><text x="20" y="45" font-family="sans-serif" '
        f'font-size="14">{escape(t("processmap.empty", lang))}</text></svg>'
    )


def _layers(
    nodes: list[str], edges: pd.DataFrame, positions: dict[str, float], counts: dict
) -> dict[str, int]:
    """Layer of each node: the dense rank of its median position in the traces (start first,
    end last); nodes without a position fall back to their distance from the start."""
    pos = dict(positions)
    if any(n not in pos for n in nodes):
        fallback = _bfs_positions(nodes, edges)
        pos = {n: pos.get(n, fallback[n]) for n in nodes}
    if START in nodes:
        pos[START] = -math.inf
    if END in nodes:
        pos[END] = math.inf
    ranks = {p: i for i, p in enumerate(sorted({pos[n] for n in nodes}))}
    return {n: ranks[pos[n]] for n in nodes}


def _volume(counts: dict, edges: pd.DataFrame) -> dict[str, int]:
    """How often each node occurs (start/end: how many traces begin/end there)."""
    volume = dict(counts)
    for s, g, c in zip(edges["source"], edges["target"], edges["count"], strict=True):
        if s == START:
            volume[s] = volume.get(s, 0) + int(c)
        if g == END:
            volume[g] = volume.get(g, 0) + int(c)
    return volume


def _place_nodes(
    layer_of: dict[str, int], counts: dict, edges: pd.DataFrame
) -> tuple[dict[str, tuple[float, float]], float, float]:
    """Top-left corner of every node, and the drawing's width and height: layers from top to
    bottom, nodes of a layer side by side (busiest first), centred."""
    volume = _volume(counts, edges)
    layers: dict[int, list[str]] = {}
    for n in sorted(layer_of, key=lambda n: (-volume.get(n, 0), str(n))):
        layers.setdefault(layer_of[n], []).append(n)
    widest = max(len(v) for v in layers.values())
    width = 2 * (MARGIN + LANE) + widest * NODE_W + (widest - 1) * COL_GAP
    n_layers = max(layers) + 1
    height = LEGEND_H + 2 * MARGIN + n_layers * NODE_H + (n_layers - 1) * LAYER_GAP
    xy: dict[str, tuple[float, float]] = {}
    for layer, members in layers.items():
        y = LEGEND_H + MARGIN + layer * (NODE_H + LAYER_GAP)
        block = len(members) * NODE_W + (len(members) - 1) * COL_GAP
        x0 = (width - block) / 2
        for i, n in enumerate(members):
            xy[n] = (x0 + i * (NODE_W + COL_GAP), y)
    return xy, width, height


def _bottlenecks(edges: pd.DataFrame) -> set[int]:
    """Row numbers of the three edges holding the most total waiting time (start/end aside)."""
    waits = (
        edges["total_wait_days"]
        if "total_wait_days" in edges.columns
        else pd.Series(0.0, index=edges.index)
    )
    real = (edges["source"] != START) & (edges["target"] != END) & (waits > 0)
    return set(waits[real].sort_values(ascending=False, kind="stable").head(3).index)


def _edge_geometry(
    sxy: tuple[float, float],
    gxy: tuple[float, float],
    ls: int,
    lg: int,
    self_loop: bool,
    width: float,
) -> tuple[str, float, float]:
    """(SVG path, label x, label y) of an edge from the node at ``sxy`` (layer ``ls``) to the
    node at ``gxy`` (layer ``lg``)."""
    (sx, sy), (gx, gy) = sxy, gxy
    if self_loop:  # beside the node, on its right
        x, y1, y2 = sx + NODE_W, sy + NODE_H * 0.25, sy + NODE_H * 0.75
        d = f"M{x:.1f},{y1:.1f} C{x + 40:.1f},{y1 - 10:.1f} {x + 40:.1f},{y2 + 10:.1f} {x:.1f},{y2:.1f}"
        return d, x + 34, sy + NODE_H / 2
    if lg == ls + 1:  # neighbouring layers: straight down
        x1, y1, x2, y2 = sx + NODE_W / 2, sy + NODE_H, gx + NODE_W / 2, gy
        return f"M{x1:.1f},{y1:.1f} L{x2:.1f},{y2:.1f}", (x1 + x2) / 2, (y1 + y2) / 2
    if lg > ls:  # skipping layers: down the lane on the right
        x1, y1, x2, y2 = sx + NODE_W, sy + NODE_H / 2, gx + NODE_W, gy + NODE_H / 2
        lane = width - MARGIN - LANE + 14 + 9 * min(lg - ls, 6)
        d = f"M{x1:.1f},{y1:.1f} C{lane:.1f},{y1:.1f} {lane:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
        return d, (x1 + 6 * lane + x2) / 8, (y1 + y2) / 2
    if lg == ls:  # within a layer: bow below
        x1, y1, x2, y2 = sx + NODE_W / 2, sy + NODE_H, gx + NODE_W / 2, gy + NODE_H
        drop = y1 + 26
        d = f"M{x1:.1f},{y1:.1f} C{x1:.1f},{drop:.1f} {x2:.1f},{drop:.1f} {x2:.1f},{y2:.1f}"
        return d, (x1 + x2) / 2, drop - 4
    # backward: up the lane on the left
    x1, y1, x2, y2 = sx, sy + NODE_H / 2, gx, gy + NODE_H / 2
    lane = MARGIN + LANE - 14 - 9 * min(ls - lg, 6)
    d = f"M{x1:.1f},{y1:.1f} C{lane:.1f},{y1:.1f} {lane:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
    return d, (x1 + 6 * lane + x2) / 8, (y1 + y2) / 2


def _overlaps(box: tuple[float, float, float, float], others: list) -> bool:
    return any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in others)


def _place_label(
    x: float, y: float, text: str, taken: list[tuple[float, float, float, float]], nodes: list
) -> tuple[float, float, float]:
    """Centre and width of a label plate near ``(x, y)`` that overlaps no plate in ``taken``
    and, where there is room, no node box in ``nodes`` (tried: a plate's height up or down,
    then a plate's width aside); the plate is added to ``taken``."""
    w = len(text) * CHAR_W + 8
    candidates = [(0.0, dy) for dy in (0, 1, -1, 2, -2, 3, -3)]
    candidates += [(dx, dy) for dx in (1, -1) for dy in (0, 1, -1, 2, -2)]
    boxes = [(x + dx * (w + 4), y + dy * (LABEL_H + 1)) for dx, dy in candidates]

    def box(cx: float, cy: float) -> tuple[float, float, float, float]:
        return (cx - w / 2, cy - LABEL_H / 2, cx + w / 2, cy + LABEL_H / 2)

    free = [c for c in boxes if not _overlaps(box(*c), taken + nodes)] or [
        c for c in boxes if not _overlaps(box(*c), taken)
    ]
    cx, cy = free[0] if free else (x, y)
    taken.append(box(cx, cy))
    return cx, cy, w


def _edges_svg(
    edges: pd.DataFrame,
    xy: dict[str, tuple[float, float]],
    layer_of: dict[str, int],
    hot: set[int],
    pid: str,
    width: float,
    lang: str,
) -> tuple[list[str], list[str]]:
    """The edges' paths, and their labels (``count · median wait``) on white plates."""
    max_count = max(int(edges["count"].max()), 1)
    paths: list[str] = []
    labels: list[str] = []
    # label plates keep off each other, and off the nodes where there is room
    nodes = [(x, y, x + NODE_W, y + NODE_H) for x, y in xy.values()]
    taken: list[tuple[float, float, float, float]] = []
    for i, row in edges.iterrows():
        s, g, c = row["source"], row["target"], int(row["count"])
        sw = 1.0 + 7.0 * math.log1p(c) / math.log1p(max_count)
        colour, marker = (HOT_COLOUR, "hot") if i in hot else (EDGE_COLOUR, "arrow")
        d, lx, ly = _edge_geometry(xy[s], xy[g], layer_of[s], layer_of[g], s == g, width)
        median = row.get("median_wait_days", float("nan"))
        days = "–" if median != median else _fmt_days(float(median), lang)
        text = t("processmap.edge", lang, count=number(c, lang), days=days)
        tip = f"{_node_label(s, lang)} → {_node_label(g, lang)}: {text}"
        paths.append(
            f'<path d="{d}" stroke="{colour}" stroke-width="{sw:.2f}" stroke-opacity="0.75" '
            f'marker-end="url(#{pid}-{marker})"><title>{escape(tip)}</title></path>'
        )
        if s != START and g != END:
            cx, cy, w = _place_label(lx, ly, text, taken, nodes)
            labels.append(
                f'<g class="edge-label"><rect x="{cx - w / 2:.1f}" y="{cy - LABEL_H / 2:.1f}" '
                f'width="{w:.1f}" height="{LABEL_H}" rx="3" fill="#ffffff" fill-opacity="0.92" '
                f'stroke="{colour}" stroke-width="0.6"/>'
                f'<text x="{cx:.1f}" y="{cy + 4:.1f}" font-size="11" text-anchor="middle" '
                f'fill="{colour}">{escape(text)}</text></g>'
            )
    return paths, labels


def _svg_open(width: float, height: float, pid: str, lang: str) -> str:
    """The ``<svg>`` element with its title and arrow heads."""
    markers = "".join(
        f'<marker id="{pid}-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="11" '
        f'markerHeight="11" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        for name, colour in (("arrow", EDGE_COLOUR), ("hot", HOT_COLOUR))
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" font-family="sans-serif">'
        f"<title>{escape(t('processmap.title', lang))}</title><defs>{markers}</defs>"
    )


def _legend_svg(lang: str) -> str:
    """Two lines on top: how to read an edge label, and what red means."""
    example = t("processmap.edge", lang, count=number(2759, lang), days=_fmt_days(13, lang))
    return (
        '<g class="legend" font-size="11" fill="#3d4a57">'
        f'<rect x="{MARGIN}" y="6" width="{len(example) * CHAR_W + 8:.1f}" height="{LABEL_H}" '
        f'rx="3" fill="#ffffff" stroke="{EDGE_COLOUR}" stroke-width="0.6"/>'
        f'<text x="{MARGIN + 4}" y="17" fill="{EDGE_COLOUR}">{escape(example)}</text>'
        f'<text x="{MARGIN + len(example) * CHAR_W + 16:.1f}" y="17">'
        f"{escape(t('processmap.legend_edge', lang))}</text>"
        f'<text x="{MARGIN}" y="36"><tspan fill="{HOT_COLOUR}" font-weight="bold">━ </tspan>'
        f"{escape(t('processmap.legend_hot', lang))}</text></g>"
    )


def _node_svg(n: str, xy: tuple[float, float], counts: dict, lang: str) -> str:
    """A node: a box with the activity's name and how many events it has."""
    x, y = xy
    label = _node_label(n, lang)
    marker_node = n in (START, END)
    fill, stroke = ("#3d4a57", "#3d4a57") if marker_node else ("#eef3f8", "#2b5b84")
    ink = "#ffffff" if marker_node else "#1c2b39"
    sub = (
        ""
        if marker_node or not counts.get(n)
        else t("processmap.events", lang, count=number(counts[n], lang))
    )
    parts = [
        f'<g class="node" data-activity={quoteattr(str(n))}>',
        f"<title>{escape(label)}{escape(' – ' + sub) if sub else ''}</title>",
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{NODE_W}" height="{NODE_H}" '
        f'rx="{NODE_H / 2 if marker_node else 8}" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>',
        f'<text x="{x + NODE_W / 2:.1f}" y="{y + NODE_H / 2 + (-3 if sub else 4):.1f}" '
        f'font-size="13" text-anchor="middle" fill="{ink}">{escape(_short(label))}</text>',
    ]
    if sub:
        parts.append(
            f'<text x="{x + NODE_W / 2:.1f}" y="{y + NODE_H - 8:.1f}" font-size="10" '
            f'text-anchor="middle" fill="#5b6b7a">{escape(sub)}</text>'
        )
    parts.append("</g>")
    return "".join(parts)
