"""Matplotlib charts shared by the dashboards: monthly trend, lead-time histogram, work in progress.

Each builder returns a :class:`matplotlib.figure.Figure` made without ``pyplot`` (no global
state, no GUI backend: safe in Voilà kernels and worker processes), or the image bytes when
``fmt="png"`` or ``fmt="svg"`` is given. Texts come from :mod:`kit.labels` in ``lang``;
numbers use the Swedish style (decimal comma, ``95 %``) in Swedish.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from kit.labels import DEFAULT_LANG, number, t

FORMATS = ("png", "svg")
COLOUR_MAIN = "#0a5b8c"
COLOUR_OK = "#1a7f37"
COLOUR_LATE = "#cf222e"
COLOUR_TARGET = "#57606a"
_WIDTH, _HEIGHT, _DPI = 8.0, 3.2, 100


def figure_bytes(fig: Figure, fmt: str = "png") -> bytes:
    """The figure as PNG or SVG bytes (``fmt``: ``"png"`` or ``"svg"``)."""
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, not {fmt!r}")
    buf = io.BytesIO()
    # constrained layout already fits the labels; bbox_inches="tight" would draw twice
    fig.savefig(buf, format=fmt, dpi=_DPI, metadata=_metadata(fmt))
    return buf.getvalue()


def _metadata(fmt: str) -> dict[str, Any]:
    # no creation date, so the same data gives the same bytes (reviewable reports)
    return {"Date": None} if fmt == "svg" else {"Software": None}


def _out(fig: Figure, fmt: str | None) -> Figure | bytes:
    return fig if fmt is None else figure_bytes(fig, fmt)


def _number(value: float, lang: str, decimals: int = 0) -> str:
    return number(value, lang, decimals)


def _percent_formatter(lang: str) -> FuncFormatter:
    return FuncFormatter(lambda v, _pos: f"{_number(v * 100, lang)}\u00a0%")


def month_label(period: pd.Period, lang: str = DEFAULT_LANG, *, with_year: bool = True) -> str:
    """``"jan 2024"`` / ``"Jan 2024"``: month names from the labels, not the OS locale."""
    names = t("chart.month_names", lang).split()
    text = names[period.month - 1]
    return f"{text} {period.year}" if with_year else text


def _new_figure(rows: int = 1, height: float = _HEIGHT) -> tuple[Figure, Any]:
    # fixed margins (in inches, so they hold for any height) instead of a layout engine:
    # constrained layout measures every text and doubles the time a dashboard update takes.
    # Titles are set with y=1.0 for the same reason: automatic title placement measures the
    # tick labels to dodge ones on top, and the charts have none there.
    fig = Figure(figsize=(_WIDTH, height), dpi=_DPI)
    fig.subplots_adjust(
        left=0.85 / _WIDTH,
        right=1 - 0.9 / _WIDTH,
        top=1 - 0.35 / height,
        bottom=0.55 / height,
        hspace=0.25,
    )
    axes = fig.subplots(rows, 1, sharex=True, squeeze=False)[:, 0]
    for ax in axes:
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="y", color="#e5e5e5", linewidth=0.8)
        ax.set_axisbelow(True)
    return fig, axes


def _bars(
    ax: Any,
    left: np.ndarray,
    heights: np.ndarray,
    width: float,
    colours: str | Sequence[str],
    **style: Any,
) -> PolyCollection:
    """Bars from 0 as one collection: ``Axes.bar`` makes one Rectangle artist per bar, and
    with a few dozen bars those artists took most of a dashboard update."""
    left = np.asarray(left, dtype=float)
    heights = np.asarray(heights, dtype=float)
    right = left + width
    verts = np.stack(
        [
            np.column_stack([left, np.zeros_like(left)]),
            np.column_stack([left, heights]),
            np.column_stack([right, heights]),
            np.column_stack([right, np.zeros_like(left)]),
        ],
        axis=1,
    )
    bars = PolyCollection(verts, facecolors=colours, **style)
    bars.sticky_edges.y.append(0)  # as Axes.bar: no margin below the bars' foot
    ax.add_collection(bars, autolim=True)
    ax.autoscale_view()
    return bars


def _empty(fig: Figure, ax: Any, lang: str) -> None:
    ax.text(0.5, 0.5, t("common.no_data", lang), ha="center", va="center", transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def _month_ticks(ax: Any, months: Sequence[pd.Period], lang: str) -> None:
    n = len(months)
    step = max(1, int(np.ceil(n / 12)))
    idx = list(range(0, n, step))
    ax.set_xticks(idx)
    ax.set_xticklabels(
        [month_label(months[i], lang, with_year=(i == 0 or months[i].month <= step)) for i in idx],
        rotation=0,
        fontsize=8,
    )


def _label_line(ax, y: float, text: str, colour: str) -> None:
    """A label just right of the plot at height ``y`` (names a target line)."""
    ax.annotate(
        text,
        (1, y),
        xycoords=("axes fraction", "data"),
        xytext=(4, 0),
        textcoords="offset points",
        ha="left",
        va="center",
        fontsize=8,
        color=colour,
        annotation_clip=False,
    )


def monthly_trend_chart(
    monthly: pd.DataFrame,
    *,
    target_share: float | None = 0.95,
    target_days: float | None = None,
    lang: str = DEFAULT_LANG,
    fmt: str | None = None,
) -> Figure | bytes:
    """Median lead time per month (top) and share decided within the time limit (bottom).

    ``monthly``: one row per month with ``month`` (a ``pandas.Period`` of freq ``M``, or
    anything :class:`pandas.Period` accepts such as ``"2024-03"``), ``median_days`` (days)
    and ``share_within_limit`` (0–1, NaN for a month without decided cases).
    ``target_share``: the share goal drawn as a dashed line (default 95 %, None for none);
    ``target_days``: an optional median goal line in the top panel (e.g. 0.67 × baseline).
    """
    fig, (top, bottom) = _new_figure(2, height=4.6)
    if monthly is None or len(monthly) == 0:
        _empty(fig, top, lang)
        bottom.set_visible(False)
        return _out(fig, fmt)
    months = [pd.Period(m, freq="M") for m in monthly["month"]]
    x = np.arange(len(months))
    median = pd.to_numeric(monthly["median_days"], errors="coerce").to_numpy(dtype=float)
    share = pd.to_numeric(monthly["share_within_limit"], errors="coerce").to_numpy(dtype=float)

    top.plot(x, median, marker="o", markersize=3, color=COLOUR_MAIN, label=t("chart.median", lang))
    top.set_ylabel(t("chart.median_days", lang))
    top.set_ylim(bottom=0)
    top.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    if target_days is not None:
        top.axhline(target_days, color=COLOUR_OK, linestyle="--", linewidth=1)
        _label_line(
            top,
            target_days,
            t("chart.target_days", lang, days=_number(target_days, lang)),
            COLOUR_OK,
        )
    top.set_title(t("chart.trend_title", lang), loc="left", fontsize=11, y=1.0)

    ok = ~np.isnan(share)
    colours = [
        COLOUR_OK if target_share is None or s >= target_share else COLOUR_LATE for s in share[ok]
    ]
    _bars(bottom, x[ok] - 0.35, share[ok], 0.7, colours, linewidths=0)
    bottom.set_ylabel(t("chart.share_within", lang))
    lowest = np.nanmin(share) if ok.any() else 1.0
    floor = min(lowest, target_share if target_share is not None else 1.0)
    bottom.set_ylim(max(0.0, np.floor(floor * 10) / 10 - 0.05), 1.0)
    bottom.yaxis.set_major_formatter(_percent_formatter(lang))
    if target_share is not None:
        bottom.axhline(target_share, color=COLOUR_TARGET, linestyle="--", linewidth=1)
        _label_line(
            bottom,
            target_share,
            f"{t('common.target', lang)}\n{_number(target_share * 100, lang)}\u00a0%",
            COLOUR_TARGET,
        )
    _month_ticks(bottom, months, lang)
    return _out(fig, fmt)


def lead_time_histogram(
    lead_days: Any,
    *,
    limit_days: float | None = 70.0,
    bin_days: int = 7,
    lang: str = DEFAULT_LANG,
    fmt: str | None = None,
) -> Figure | bytes:
    """Distribution of lead times (days, one value per decided case) in weekly bins.

    ``lead_days``: array-like of days (NaN ignored). ``limit_days``: the time limit drawn as
    a vertical reference line (default 70 days = 10 weeks; 28 for anmälan; None for no
    line). ``bin_days``: bin width in days; bins start at 0 (or the smallest value if < 0).
    """
    fig, (ax,) = _new_figure(1)
    values = pd.to_numeric(pd.Series(lead_days, dtype="object"), errors="coerce").to_numpy(float)
    values = values[np.isfinite(values)]
    ax.set_title(t("chart.histogram_title", lang), loc="left", fontsize=11, y=1.0)
    if len(values) == 0:
        _empty(fig, ax, lang)
        return _out(fig, fmt)
    hi = max(float(values.max()), limit_days or 0.0)
    edges = np.arange(min(0.0, float(values.min())), hi + bin_days + 1, bin_days)
    counts, edges = np.histogram(values, bins=edges)
    # one colour: the limit runs from the clock start (and may be extended), so a bar right
    # of the line is not necessarily late; the line is a reference, not a verdict
    _bars(ax, edges[:-1], counts, bin_days, COLOUR_MAIN, edgecolors="white", linewidths=0.5)
    if limit_days is not None:
        _reference_line(
            ax,
            limit_days,
            t("chart.limit_line", lang, weeks=_number(limit_days / 7, lang)),
            COLOUR_TARGET,
        )
    ax.set_xlabel(t("chart.lead_time_days", lang))
    ax.set_ylabel(t("chart.n_cases", lang))
    ax.set_xlim(left=edges[0])
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    return _out(fig, fmt)


def wip_chart(
    wip: pd.Series | pd.DataFrame,
    *,
    value_col: str = "open_cases",
    date_col: str = "date",
    lang: str = DEFAULT_LANG,
    fmt: str | None = None,
) -> Figure | bytes:
    """Work in progress (pågående ärenden): open cases over time.

    ``wip``: a Series of counts indexed by date, or a frame with ``date_col`` and
    ``value_col`` (default ``date`` and ``open_cases``).
    """
    fig, (ax,) = _new_figure(1)
    ax.set_title(t("chart.wip_title", lang), loc="left", fontsize=11, y=1.0)
    if isinstance(wip, pd.DataFrame):
        series = pd.Series(wip[value_col].to_numpy(), index=pd.to_datetime(wip[date_col]))
    else:
        series = wip
    if series is None or len(series) == 0:
        _empty(fig, ax, lang)
        return _out(fig, fmt)
    index = pd.DatetimeIndex(series.index)
    if index.tz is not None:
        index = index.tz_localize(None)
    x = index.to_numpy()
    ax.plot(x, series.to_numpy(dtype=float), color=COLOUR_MAIN, linewidth=1.5)
    ax.fill_between(x, series.to_numpy(dtype=float), color=COLOUR_MAIN, alpha=0.12)
    ax.set_ylabel(t("chart.open_cases", lang))
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    months = pd.period_range(index.min(), index.max(), freq="M")
    step = max(1, int(np.ceil(len(months) / 12)))
    ticks = months[::step]
    ax.set_xticks([p.to_timestamp().to_datetime64() for p in ticks])
    ax.set_xticklabels(
        [month_label(p, lang, with_year=(i == 0 or p.month <= step)) for i, p in enumerate(ticks)],
        fontsize=8,
    )
    return _out(fig, fmt)


def _reference_line(ax, x: float, text: str, colour: str) -> None:
    """A dashed vertical line at ``x`` (a time limit, a goal) labelled at the top of the axes."""
    ax.axvline(x, color=colour, linestyle="--", linewidth=1.2)
    ax.annotate(
        text,
        (x, 1),
        xycoords=("data", "axes fraction"),
        xytext=(4, -2),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=8,
        color=colour,
    )


COLOUR_BEFORE = "#8c959f"


def radar_chart(
    panels: Sequence[tuple[str, Sequence[str], Sequence[float], Sequence[float]]],
    *,
    scale: tuple[int, int] = (1, 5),
    labels: tuple[str, str] = ("before", "after"),
    fmt: str | None = None,
) -> Figure | bytes:
    """Radar (spider) charts, one panel per group, side by side: before (grey, dashed) and
    after (blue, filled) per dimension on the survey scale.

    ``panels``: ``(title, dimension names, before means, after means)`` per group; a NaN mean
    (a suppressed or missing group) leaves a gap in its ring. ``scale``: the scale's
    ``(min, max)``, the radial range. ``labels``: legend texts for before and after.
    """
    import textwrap

    n = max(1, len(panels))
    width = 4.6 if n == 1 else 3.6 * n
    fig = Figure(figsize=(width, 4.4 if n == 1 else 4.1), dpi=_DPI)
    fig.subplots_adjust(
        left=0.12 / n, right=1 - 0.12 / n, top=0.84 if n == 1 else 0.76, bottom=0.1, wspace=0.55
    )
    lo, hi = scale
    for i, (title, names, before, after) in enumerate(panels):
        ax = fig.add_subplot(1, n, i + 1, projection="polar")
        k = len(names)
        angles = np.linspace(0, 2 * np.pi, k, endpoint=False)
        ring = np.append(angles, angles[:1])
        for values, colour, style, fill in (
            (before, COLOUR_BEFORE, "--", 0.0),
            (after, COLOUR_MAIN, "-", 0.18),
        ):
            v = np.asarray(values, dtype=float)
            closed = np.append(v, v[:1])
            ax.plot(ring, closed, color=colour, linestyle=style, linewidth=1.8, marker="o", ms=3)
            if fill:
                ax.fill(ring, np.nan_to_num(closed, nan=lo), color=colour, alpha=fill)
        ax.set_theta_offset(np.pi / 2)
        ax.set_theta_direction(-1)
        ax.set_xticks(angles)
        ax.set_xticklabels([textwrap.fill(s, 14) for s in names], fontsize=7.5 if n > 1 else 8.5)
        ax.tick_params(axis="x", pad=9)  # names clear of the outer ring
        ax.set_ylim(lo, hi)
        ax.set_yticks(range(lo, hi + 1))
        ax.set_yticklabels([str(v) for v in range(lo, hi + 1)], fontsize=7, color="#57606a")
        ax.set_rlabel_position(180 / k)
        ax.grid(color="#d0d7de", linewidth=0.7)
        if n > 1:  # one panel: the page's heading already names the group
            ax.set_title(title, fontsize=10.5, fontweight="bold", pad=34, y=1.0)
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], color=COLOUR_BEFORE, linestyle="--", linewidth=1.8, label=labels[0]),
        Line2D([], [], color=COLOUR_MAIN, linestyle="-", linewidth=1.8, label=labels[1]),
    ]
    fig.legend(handles=handles, loc="upper right", ncols=2, fontsize=8.5, frameon=False)
    return _out(fig, fmt)


def distribution_compare_chart(
    observed: Any,
    simulated: Any,
    *,
    lang: str = DEFAULT_LANG,
    bin_days: int = 7,
    fmt: str | None = None,
) -> Figure | bytes:
    """Observed against simulated lead times (days) as shares per weekly bin: observed as bars,
    simulated as a line (the future-process validation panel)."""
    fig, (ax,) = _new_figure(1)
    ax.set_title(t("future.chart.validation", lang), loc="left", fontsize=11, y=1.0)
    obs = np.asarray(observed, dtype=float)
    sim = np.asarray(simulated, dtype=float)
    obs, sim = obs[np.isfinite(obs)], sim[np.isfinite(sim)]
    if not len(obs) or not len(sim):
        _empty(fig, ax, lang)
        return _out(fig, fmt)
    hi = float(np.percentile(np.concatenate([obs, sim]), 99)) + bin_days
    edges = np.arange(0, hi + bin_days, bin_days)
    co, _ = np.histogram(np.clip(obs, 0, edges[-1] - 1e-9), bins=edges)
    cs, _ = np.histogram(np.clip(sim, 0, edges[-1] - 1e-9), bins=edges)
    _bars(ax, edges[:-1], co / co.sum(), bin_days, "#9ecae1", edgecolors="white", linewidths=0.5)
    ax.step(edges[:-1], cs / cs.sum(), where="post", color=COLOUR_MAIN, linewidth=2)
    from matplotlib.patches import Patch

    ax.legend(
        handles=[
            Patch(facecolor="#9ecae1", label=t("future.chart.observed", lang)),
            ax.lines[0],
        ],
        labels=[t("future.chart.observed", lang), t("future.chart.simulated", lang)],
        frameon=False,
        fontsize=9,
        loc="upper right",
    )
    ax.set_xlabel(t("chart.lead_time_days", lang))
    ax.set_ylabel(t("future.chart.share", lang))
    ax.yaxis.set_major_formatter(_percent_formatter(lang))
    ax.set_xlim(0, edges[-1])
    return _out(fig, fmt)


def scenario_chart(
    names: Sequence[str],
    medians: Sequence[float],
    lows: Sequence[float | None],
    highs: Sequence[float | None],
    *,
    goal_days: float | None = None,
    lang: str = DEFAULT_LANG,
    fmt: str | None = None,
) -> Figure | bytes:
    """Median time to decision per scenario (first = baseline) as horizontal bars with 95 %
    intervals, and the goal (baseline × 0.67) as a dashed line."""
    n = len(names)
    height = max(2.2, 0.55 * n + 1.0)
    fig, (ax,) = _new_figure(1, height=height)
    fig.subplots_adjust(left=2.6 / _WIDTH)
    import textwrap

    names = ["\n".join(textwrap.wrap(str(n), 30)) or str(n) for n in names]
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.8)
    ax.set_title(t("future.chart.scenarios", lang), loc="left", fontsize=11, y=1.0)
    y = np.arange(n)[::-1]
    med = np.array([np.nan if m is None else m for m in medians], dtype=float)
    colours = [COLOUR_TARGET] + [
        COLOUR_OK if goal_days is not None and m <= goal_days else COLOUR_MAIN for m in med[1:]
    ]
    ax.barh(y, med, color=colours, height=0.6)
    lo = np.array([np.nan if v is None else v for v in lows], dtype=float)
    hi = np.array([np.nan if v is None else v for v in highs], dtype=float)
    ok = np.isfinite(lo) & np.isfinite(hi)
    if ok.any():
        ax.errorbar(
            med[ok],
            y[ok],
            xerr=[med[ok] - lo[ok], hi[ok] - med[ok]],
            fmt="none",
            ecolor="black",
            capsize=3,
            linewidth=1,
        )
    for yi, m, h in zip(y, med, hi, strict=True):
        if np.isfinite(m):
            x = h if np.isfinite(h) else m
            ax.text(x, yi, f"  {_number(m, lang)}", va="center", ha="left", fontsize=8)
    if goal_days is not None:
        _reference_line(ax, goal_days, t("future.chart.goal", lang), COLOUR_OK)
    ax.set_yticks(y)
    ax.set_yticklabels(list(names), fontsize=9)
    ax.set_xlabel(t("chart.lead_time_days", lang))
    ax.set_xlim(0, float(np.nanmax(np.concatenate([med, hi[ok]]))) * 1.15 if n else 1)
    return _out(fig, fmt)
