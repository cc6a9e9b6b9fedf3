"""kit.present.charts: figures built without pyplot, labelled in Swedish or English."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from kit.labels import t
from kit.present import charts


def _monthly(shares):
    months = pd.period_range("2023-11", periods=len(shares), freq="M")
    return pd.DataFrame(
        {
            "month": months,
            "median_days": np.arange(len(shares)) + 40.0,
            "share_within_limit": shares,
        }
    )


def _texts(fig: Figure) -> list[str]:
    return [txt.get_text() for txt in fig.findobj(match=lambda a: hasattr(a, "get_text"))]


def _bars(ax) -> list[tuple[float, float, tuple]]:
    """(left edge, height, RGBA colour) of each bar in the axes' bar collection."""
    [bars] = ax.collections
    colours = bars.get_facecolor()
    out = []
    for i, path in enumerate(bars.get_paths()):
        xs, ys = path.vertices[:, 0], path.vertices[:, 1]
        out.append((float(xs.min()), float(ys.max()), tuple(colours[i % len(colours)])))
    return out


def test_trend_bars_coloured_against_target_and_labels_in_language():
    fig = charts.monthly_trend_chart(_monthly([0.95, 0.949, np.nan, 1.0]), lang="sv")
    top, bottom = fig.axes
    bars = _bars(bottom)
    assert len(bars) == 3  # the month without decided cases has no bar
    colours = [c for _, _, c in bars]
    from matplotlib.colors import to_rgba

    # 95 % meets a 95 % target (≥), 94,9 % does not
    assert colours == [
        to_rgba(charts.COLOUR_OK),
        to_rgba(charts.COLOUR_LATE),
        to_rgba(charts.COLOUR_OK),
    ]
    assert [h for _, h, _ in bars] == [0.95, 0.949, 1.0]
    # centred on their month, 0.7 wide: months 0, 1 and 3
    assert [x for x, _, _ in bars] == pytest.approx([-0.35, 0.65, 2.65])
    ticks = [x.get_text() for x in bottom.get_xticklabels()]
    assert ticks[0] == "nov 2023" and "jan 2024" in ticks
    assert bottom.get_ylabel() == t("chart.share_within", "sv")
    assert bottom.yaxis.get_major_formatter()(0.95, 0) == "95\u00a0%"

    en = charts.monthly_trend_chart(_monthly([0.9, 0.97]), lang="en", target_days=30.0)
    texts = _texts(en)
    assert "Nov 2023" in texts
    assert t("chart.target_days", "en", days="30") in texts
    assert en.axes[0].get_ylabel() == "Median, days"


def test_histogram_counts_weekly_bins_and_limit_line():
    values = [0, 6.9, 7, 13, 70, np.nan]
    fig = charts.lead_time_histogram(values, limit_days=70, lang="en")
    (ax,) = fig.axes
    heights = {round(x): h for x, h, _ in _bars(ax)}
    # [0,7): 0 and 6.9; [7,14): 7 and 13; [70,77): 70; NaN ignored
    assert heights[0] == 2 and heights[7] == 2 and heights[70] == 1
    assert sum(heights.values()) == 5
    assert [line.get_xdata()[0] for line in ax.lines] == [70]
    assert "Time limit 10 weeks" in _texts(fig)


def test_histogram_anmalan_limit_and_no_line():
    fig = charts.lead_time_histogram([10, 30], limit_days=28, lang="sv")
    assert "Tidsfrist 4 veckor" in _texts(fig)
    fig = charts.lead_time_histogram([10, 30], limit_days=None)
    assert len(fig.axes[0].lines) == 0


def test_empty_input_says_so():
    for fig in (
        charts.monthly_trend_chart(_monthly([])),
        charts.lead_time_histogram([np.nan]),
        charts.wip_chart(pd.Series([], dtype=float)),
    ):
        assert t("common.no_data", "sv") in _texts(fig)


def test_wip_from_frame_and_series_agree():
    dates = pd.date_range("2024-01-01", periods=60, freq="D", tz="Europe/Stockholm")
    counts = np.arange(60) % 17
    a = charts.wip_chart(pd.DataFrame({"date": dates, "open_cases": counts}))
    b = charts.wip_chart(pd.Series(counts, index=dates))
    ya = a.axes[0].lines[0].get_ydata()
    np.testing.assert_array_equal(ya, counts)
    np.testing.assert_array_equal(b.axes[0].lines[0].get_ydata(), counts)
    assert a.axes[0].get_ylabel() == t("chart.open_cases", "sv")


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_bytes_output(fmt):
    data = charts.lead_time_histogram([5, 20, 80], fmt=fmt)
    assert isinstance(data, bytes)
    if fmt == "png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
    else:
        assert b"<svg" in data[:2000]


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="fmt"):
        charts.lead_time_histogram([5], fmt="gif")
