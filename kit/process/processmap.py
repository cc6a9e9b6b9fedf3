"""The directly-follows graph drawn as an offline SVG process map (processkarta).

No Graphviz and no network: the layout is computed here. Nodes are placed in layers from left
to right by their median position in the traces (``directly_follows(...).attrs``; when those
are missing, by breadth-first distance from the start), and stacked within a layer by how
often they occur. Edges between neighbouring layers are straight; longer forward edges arc
above, backward edges arc below, self-loops sit on top of the node. Edge width grows with the
count; each edge is labelled ``count · median wait in days``; the three transitions holding the
most total waiting time are drawn in red (the bottlenecks).

Node names from the canonical permit vocabulary are translated with ``kit.labels``
(``activity.<name>``); any other name (an XES log from elsewhere) is shown as it is.
"""

from __future__ import annotations

import hashlib
import math
from collections import deque
from xml.sax.saxutils import escape, quoteattr

import pandas as pd

from kit.labels import LABELS, t
from kit.process.eventlog import END, START
from kit.process.mining import directly_follows

NODE_W, NODE_H = 150, 46
LAYER_GAP, ROW_GAP = 80, 34
MARGIN = 40
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
    text = f"{days:.1f}" if days < 10 else f"{days:.0f}"
    return text.replace(".", ",") if lang == "sv" else text


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
    edges = dfg[dfg["count"] >= min_count]
    edges = edges.sort_values("count", ascending=False, kind="stable").head(max_edges)
    edges = edges.reset_index(drop=True)
    nodes = list(dict.fromkeys([*edges["source"], *edges["target"]]))
    if not nodes:
        w, h = 400, 80
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
            f'viewBox="0 0 {w} {h}" role="img"><text x="20" y="45" font-family="sans-serif" '
            f'font-size="14">{escape(t("processmap.empty", lang))}</text></svg>'
        )

    pos = dict(positions or attrs.get("median_position") or {})
    if any(n not in pos for n in nodes):
        fallback = _bfs_positions(nodes, edges)
        pos = {n: pos.get(n, fallback[n]) for n in nodes}
    if START in nodes:
        pos[START] = -math.inf
    if END in nodes:
        pos[END] = math.inf
    counts = attrs.get("activity_counts", {})
    volume = {n: counts.get(n, 0) for n in nodes}
    for s, g, c in zip(edges["source"], edges["target"], edges["count"], strict=True):
        if s == START:
            volume[s] = volume.get(s, 0) + int(c)
        if g == END:
            volume[g] = volume.get(g, 0) + int(c)

    # layers: dense rank of the median position; within a layer the busiest node on top
    ranks = {p: i for i, p in enumerate(sorted({pos[n] for n in nodes}))}
    layers: dict[int, list[str]] = {}
    for n in sorted(nodes, key=lambda n: (-volume.get(n, 0), str(n))):
        layers.setdefault(ranks[pos[n]], []).append(n)
    n_layers = len(layers)
    tallest = max(len(v) for v in layers.values())
    arc_room = 60  # space above and below the nodes for arcs
    width = 2 * MARGIN + n_layers * NODE_W + (n_layers - 1) * LAYER_GAP
    height = 2 * MARGIN + 2 * arc_room + tallest * NODE_H + (tallest - 1) * ROW_GAP
    xy: dict[str, tuple[float, float]] = {}
    for layer, members in layers.items():
        x = MARGIN + layer * (NODE_W + LAYER_GAP)
        block = len(members) * NODE_H + (len(members) - 1) * ROW_GAP
        y0 = (height - block) / 2
        for i, n in enumerate(members):
            xy[n] = (x, y0 + i * (NODE_H + ROW_GAP))
    layer_of = {n: ranks[pos[n]] for n in nodes}

    digest = hashlib.sha1(
        "|".join(
            f"{s}>{g}:{c}"
            for s, g, c in zip(edges["source"], edges["target"], edges["count"], strict=True)
        ).encode()
    ).hexdigest()[:8]
    pid = f"pm{digest}"
    max_count = max(int(edges["count"].max()), 1)
    waits = (
        edges["total_wait_days"]
        if "total_wait_days" in edges.columns
        else pd.Series(0.0, index=edges.index)
    )
    real = (edges["source"] != START) & (edges["target"] != END) & (waits > 0)
    hot = set(waits[real].sort_values(ascending=False, kind="stable").head(3).index)

    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" font-family="sans-serif">',
        f"<title>{escape(t('processmap.title', lang))}</title>",
        "<defs>",
        *(
            f'<marker id="{pid}-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="11" '
            f'markerHeight="11" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
            f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
            for name, colour in (("arrow", EDGE_COLOUR), ("hot", HOT_COLOUR))
        ),
        "</defs>",
        '<g class="edges" fill="none">',
    ]
    labels: list[str] = []
    for i, row in edges.iterrows():
        s, g, c = row["source"], row["target"], int(row["count"])
        sw = 1.0 + 7.0 * math.log1p(c) / math.log1p(max_count)
        colour, marker = (HOT_COLOUR, "hot") if i in hot else (EDGE_COLOUR, "arrow")
        (sx, sy), (gx, gy) = xy[s], xy[g]
        ls, lg = layer_of[s], layer_of[g]
        if s == g:  # self-loop on top of the node
            x1, x2, y = sx + NODE_W * 0.35, sx + NODE_W * 0.65, sy
            d = f"M{x1:.1f},{y:.1f} C{x1 - 10:.1f},{y - 45:.1f} {x2 + 10:.1f},{y - 45:.1f} {x2:.1f},{y:.1f}"
            lx, ly = (x1 + x2) / 2, y - 38
        elif lg == ls + 1:  # neighbouring layers: straight
            x1, y1, x2, y2 = sx + NODE_W, sy + NODE_H / 2, gx, gy + NODE_H / 2
            d = f"M{x1:.1f},{y1:.1f} L{x2:.1f},{y2:.1f}"
            lx, ly = (x1 + x2) / 2, (y1 + y2) / 2 - 4
        elif lg > ls:  # skipping layers: arc above
            x1, y1, x2, y2 = sx + NODE_W / 2, sy, gx + NODE_W / 2, gy
            lift = min(sy, gy) - 25 - 12 * (lg - ls)
            d = f"M{x1:.1f},{y1:.1f} C{x1:.1f},{lift:.1f} {x2:.1f},{lift:.1f} {x2:.1f},{y2:.1f}"
            lx, ly = (x1 + x2) / 2, (y1 + 3 * lift + 3 * lift + y2) / 8 - 4
        elif lg == ls:  # within a layer: bow out to the right of the column
            x1, y1 = sx + NODE_W, sy + NODE_H * (0.7 if gy > sy else 0.3)
            x2, y2 = gx + NODE_W, gy + NODE_H * (0.3 if gy > sy else 0.7)
            bulge = x1 + 30 + 0.15 * abs(gy - sy)
            d = f"M{x1:.1f},{y1:.1f} C{bulge:.1f},{y1:.1f} {bulge:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
            lx, ly = (x1 + 6 * bulge + x2) / 8 + 18, (y1 + y2) / 2
        else:  # backward: arc below
            x1, y1, x2, y2 = sx + NODE_W * 0.4, sy + NODE_H, gx + NODE_W * 0.6, gy + NODE_H
            drop = max(sy, gy) + NODE_H + 25 + 12 * abs(ls - lg)
            d = f"M{x1:.1f},{y1:.1f} C{x1:.1f},{drop:.1f} {x2:.1f},{drop:.1f} {x2:.1f},{y2:.1f}"
            lx, ly = (x1 + x2) / 2, (y1 + 6 * drop + y2) / 8 + 12
        median = row.get("median_wait_days", float("nan"))
        days = "–" if median != median else _fmt_days(float(median), lang)
        text = t("processmap.edge", lang, count=c, days=days)
        tip = f"{_node_label(s, lang)} → {_node_label(g, lang)}: {text}"
        parts.append(
            f'<path d="{d}" stroke="{colour}" stroke-width="{sw:.2f}" stroke-opacity="0.75" '
            f'marker-end="url(#{pid}-{marker})"><title>{escape(tip)}</title></path>'
        )
        if s != START and g != END:
            labels.append(
                f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="11" text-anchor="middle" '
                f'fill="{colour}" paint-order="stroke" stroke="#ffffff" stroke-width="3">'
                f"{escape(text)}</text>"
            )
    parts.append("</g>")
    parts.append('<g class="edge-labels">')
    parts.extend(labels)
    parts.append("</g>")
    parts.append('<g class="nodes">')
    for n in nodes:
        x, y = xy[n]
        label = _node_label(n, lang)
        marker_node = n in (START, END)
        fill, stroke = ("#3d4a57", "#3d4a57") if marker_node else ("#eef3f8", "#2b5b84")
        ink = "#ffffff" if marker_node else "#1c2b39"
        sub = (
            ""
            if marker_node or not counts.get(n)
            else t("processmap.events", lang, count=counts[n])
        )
        parts.append(f'<g class="node" data-activity={quoteattr(str(n))}>')
        parts.append(f"<title>{escape(label)}{escape(' – ' + sub) if sub else ''}</title>")
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{NODE_W}" height="{NODE_H}" rx="{NODE_H / 2 if marker_node else 8}" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>'
        )
        cy = y + NODE_H / 2 + (-3 if sub else 4)
        parts.append(
            f'<text x="{x + NODE_W / 2:.1f}" y="{cy:.1f}" font-size="13" text-anchor="middle" '
            f'fill="{ink}">{escape(_short(label))}</text>'
        )
        if sub:
            parts.append(
                f'<text x="{x + NODE_W / 2:.1f}" y="{y + NODE_H - 8:.1f}" font-size="10" '
                f'text-anchor="middle" fill="#5b6b7a">{escape(sub)}</text>'
            )
        parts.append("</g>")
    parts.append("</g></svg>")
    return "\n".join(parts)
