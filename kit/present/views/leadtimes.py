"""Dashboard of the lab "Handläggningstid" (lead times): how long do permit cases take?

Key figures against the targets (95 % of decisions within the statutory time limit; the
Smart Built Environment goal of 33 % shorter time, read here as a median lead time of at most
0.67 × the median of the first calendar year in the data), the monthly trend, the
distribution, the process map with its bottlenecks, the latest cases, a map of cases, and a
short generated reading of the figures ("Vad betyder detta / vad kan vi pröva").

Per-case figures are computed once per municipality and kept on the dashboard object; a
filter change only selects rows of that table (and the events of the selected cases).
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kit.config import MUNICIPALITIES
from kit.config import municipality as get_municipality
from kit.errors import UsageError
from kit.labels import DEFAULT_LANG, LABELS, money, number, percent
from kit.present.dashboard import (
    MIN_CASES,
    Dashboard,
    Kpi,
    chart_download_html,
    kpi_cards_html,
    table_download_html,
)

ALL = "alla"
TARGET_SHARE = 0.95
GOAL_FACTOR = 0.67  # Smart Built Environment: 33 % shorter time
LATE_ROWS = 20
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

_TABLE_CSS = """
<style>
.testlab-table{border-collapse:collapse;font:13px system-ui,-apple-system,"Segoe UI",sans-serif;margin:4px 0 16px}
.testlab-table th,.testlab-table td{border-bottom:1px solid #d0d7de;padding:4px 10px;text-align:left}
.testlab-table td.num,.testlab-table th.num{text-align:right;font-variant-numeric:tabular-nums}
.testlab-table th{background:#f6f8fa}
.testlab-dash h2{font:600 22px system-ui,sans-serif;margin:8px 0 2px}
.testlab-dash h3{font:600 16px system-ui,sans-serif;margin:18px 0 6px}
.testlab-dash p{font:14px/1.5 system-ui,sans-serif;max-width:60em}
.testlab-note{color:#57606a;font-size:13px}
</style>
"""


@dataclass
class Prepared:
    """A municipality's figures, computed once: per-case metrics with map attributes, events."""

    per_case: (
        pd.DataFrame
    )  # kit.process.leadtime.case_metrics + x, y, crs, district, received_month
    events: pd.DataFrame
    months: list[str]  # "YYYY-MM" of received, ascending
    case_types: list[str]  # canonical codes present
    synthetic: bool = False
    cache: dict[Any, Any] = field(default_factory=dict)  # per selection: rendered parts


def prepare(
    events: pd.DataFrame, cases: pd.DataFrame | None, *, synthetic: bool = False
) -> Prepared:
    """Per-case metrics joined with the case attributes the dashboard shows (x, y, crs, …)."""
    from kit.process.leadtime import case_metrics

    per_case = case_metrics(events, cases)
    if cases is not None and len(cases):
        keep = [c for c in ("x", "y", "crs", "district", "property") if c in cases.columns]
        if keep:
            attrs = cases.drop_duplicates("case_id").set_index("case_id")[keep]
            attrs.index = attrs.index.astype(str)
            joined = attrs.reindex(per_case["case_id"].astype(str).to_numpy())
            for c in keep:
                per_case[c] = joined[c].to_numpy()
    per_case["case_pseudonym"] = _case_pseudonyms(per_case["case_id"])
    received = pd.to_datetime(per_case["received"])
    per_case["received_month"] = received.dt.strftime("%Y-%m").astype("string")
    per_case["received_year"] = received.dt.year.astype("Int64")
    months = sorted(per_case["received_month"].dropna().unique().tolist())
    present = set(per_case["case_type"].dropna().astype(str))
    from kit.data.schemas import CASE_TYPES

    types = [c for c in CASE_TYPES if c in present] + sorted(present - set(CASE_TYPES))
    return Prepared(per_case, events, months, types, synthetic=synthetic)


def monthly_figures(per_case: pd.DataFrame) -> pd.DataFrame:
    """Per decision month: ``month`` (Period), ``n_decided``, ``median_days``,
    ``share_within_limit``; months without decisions inside the range are kept (as NaN), so
    the chart shows gaps as gaps."""
    from kit.process.trends import monthly_trend

    trend = monthly_trend(per_case, freq="M")
    cols = ["month", "n_decided", "median_days", "share_within_limit"]
    if trend.empty:
        return pd.DataFrame(columns=cols)
    trend = trend.assign(month=pd.to_datetime(trend["period"]).dt.to_period("M")).set_index("month")
    full = pd.period_range(trend.index.min(), trend.index.max(), freq="M")
    out = trend.reindex(full)
    out["n_decided"] = out["n_decided"].fillna(0).astype(int)
    if "share_within_limit" not in out.columns:
        out["share_within_limit"] = np.nan
    return out.rename_axis("month").reset_index()[cols]


class LeadTimeDashboard(Dashboard):
    """Handläggningstid: lead times of permit cases against the statutory limits and goals.

    ``municipality``: ``alingsas``, ``linkoping`` or ``umea`` (bundled sample data).
    ``period_start`` / ``period_end``: first and last month of *arrival*, ``"YYYY-MM"``
    (empty = from the first / to the last month in the data).
    ``case_type``: ``"alla"`` or a canonical case type (``bygglov``, ``anmalan``, …).
    ``data``: optional object with ``.events`` and ``.cases`` (canonical tables) to show
    instead of the bundled sample (tests, a municipality's own export).
    ``tiles``: basemap for the map (see :func:`kit.present.maps.offline_map`).
    """

    lab_id = "lead-times"

    def __init__(
        self,
        municipality: str = "umea",
        lang: str = DEFAULT_LANG,
        *,
        period_start: str = "",
        period_end: str = "",
        case_type: str = ALL,
        data: Any = None,
        tiles: str | None = "default",
        cluster_threshold: int = 1000,
    ) -> None:
        super().__init__(lang)
        if data is None:
            get_municipality(municipality)  # UsageError for an unknown id
        self.municipality = municipality
        self.period_start = _check_month(period_start, "period_start")
        self.period_end = _check_month(period_end, "period_end")
        self.case_type = (case_type or ALL).strip().lower()
        self.tiles = tiles
        self.cluster_threshold = cluster_threshold
        self._data = data
        self._prepared: dict[str, Prepared] = {}
        self._widgets: dict[str, Any] = {}
        self._syncing = False
        self._recorded = False
        # fail early (before any widget shows) on a case type or period the data lacks
        self._validate(self.prepared())

    # -- data ------------------------------------------------------------------------------
    def prepared(self) -> Prepared:
        """The current municipality's figures, computed on first use and kept."""
        key = self.municipality
        if key not in self._prepared:
            if self._data is not None:
                data, synthetic = self._data, False
            else:
                from kit.data.loaders import load_sample

                data, synthetic = load_sample(self.municipality), True
            self._prepared[key] = prepare(data.events, data.cases, synthetic=synthetic)
        return self._prepared[key]

    def data_info(self) -> tuple[str, str]:
        """The last event's date, and the data's source."""
        prep = self.prepared()
        ts = prep.events["timestamp"] if len(prep.events) else None
        as_of = "" if ts is None else pd.Timestamp(ts.max()).strftime("%Y-%m-%d")
        if prep.synthetic:
            return as_of, self.t("leadtimes.source_sample", path=f"datasets/{self.municipality}")
        return as_of, self.t("leadtimes.source_own")

    def _file(self, stem: str) -> str:
        return f"{stem}-{self.municipality}"

    def _chart(self, body: str, stem: str, fmt: str) -> str:
        """A chart with a link under it that downloads it (``fmt``: png or svg)."""
        link = chart_download_html(self._file(stem), self.lang, fmt)
        return f'<div class="testlab-chart">{body}{link}</div>'

    def _xlsx_link(self, stem: str, frame: pd.DataFrame, label) -> str:
        """The table as Excel: the shown columns with their labels, numbers as numbers."""
        return table_download_html(
            frame.rename(columns=lambda c: label(str(c))), self._file(stem), self.lang
        )

    def _validate(self, prep: Prepared) -> None:
        if self.case_type != ALL and self.case_type not in prep.case_types:
            raise UsageError(
                f"unknown case_type {self.case_type!r}; expected {ALL!r} or one of: "
                + ", ".join(prep.case_types)
            )
        if self.period_start and self.period_end and self.period_start > self.period_end:
            raise UsageError(
                f"period_start {self.period_start} is after period_end {self.period_end}"
            )

    def selection(self) -> pd.DataFrame:
        """The per-case rows of the current municipality, period (arrival month) and case type."""
        prep = self.prepared()
        pc = prep.per_case
        mask = np.ones(len(pc), dtype=bool)
        month = pc["received_month"]
        if self.period_start:
            mask &= (month >= self.period_start).fillna(False).to_numpy(dtype=bool)
        if self.period_end:
            mask &= (month <= self.period_end).fillna(False).to_numpy(dtype=bool)
        if self.case_type != ALL:
            mask &= (pc["case_type"] == self.case_type).to_numpy(dtype=bool)
        return pc.loc[mask]

    def baseline(self) -> tuple[int | None, float | None]:
        """(year, median lead time) of the first calendar year of arrivals in the data, for the
        selected case type (the period filter does not apply: the baseline is fixed)."""
        pc = self.prepared().per_case
        if self.case_type != ALL:
            pc = pc.loc[pc["case_type"] == self.case_type]
        years = pc["received_year"].dropna()
        if years.empty:
            return None, None
        first = int(years.min())
        lead = pc.loc[(pc["received_year"] == first).fillna(False), "lead_time_days"].dropna()
        return first, (float(lead.median()) if len(lead) else None)

    # -- controls ----------------------------------------------------------------------------
    def controls(self) -> list:
        import ipywidgets as w

        prep = self.prepared()
        style = {"description_width": "initial"}
        municipality = w.Dropdown(
            options=[(m.name, m.id) for m in MUNICIPALITIES.values()],
            value=self.municipality if self.municipality in MUNICIPALITIES else None,
            description=self.t("common.municipality"),
            style=style,
            disabled=self._data is not None,
        )
        lo, hi = self._period_index(prep.months)
        months = self._month_options(prep.months)
        start = w.Dropdown(
            options=months,
            value=months[lo][1],
            description=self.t("leadtimes.period_from"),
            style=style,
            layout=w.Layout(width="190px"),
        )
        end = w.Dropdown(
            options=months,
            value=months[hi][1],
            description=self.t("leadtimes.period_to"),
            style=style,
            layout=w.Layout(width="190px"),
        )
        case_type = w.Dropdown(
            options=self._case_type_options(prep),
            value=self.case_type,
            description=self.t("common.case_type"),
            style=style,
        )
        self._widgets = {
            "municipality": municipality,
            "period_from": start,
            "period_to": end,
            "case_type": case_type,
        }
        return [municipality, start, end, case_type]

    def _month_options(self, months: list[str]) -> list[tuple[str, str]]:
        """The period pickers' choices: ``("jan 2023", "2023-01")``, … (``[("–", "")]`` if none)."""
        return [(_month_text(m, self.lang), m) for m in months] or [("–", "")]

    def _period_index(self, months: list[str]) -> tuple[int, int]:
        if not months:
            return (0, 0)
        lo = next((i for i, m in enumerate(months) if m >= self.period_start), 0)
        hi = len(months) - 1
        if self.period_end:
            hi = max([i for i, m in enumerate(months) if m <= self.period_end] or [0])
        return (min(lo, hi), hi)

    def _case_type_options(self, prep: Prepared) -> list[tuple[str, str]]:
        return [(self.t("common.all"), ALL)] + [(self._type_label(c), c) for c in prep.case_types]

    def _type_label(self, code: str) -> str:
        key = f"case_type.{code}"
        return self.t(key) if key in LABELS else str(code)

    def _on_change(self, change: object) -> None:
        if not self._syncing:
            self._sync_from_widgets()
            self._refresh()

    def _sync_from_widgets(self) -> None:
        """Read the widgets; a new municipality resets the period and case-type choices."""
        wd = self._widgets
        if not wd:
            return
        self._syncing = True
        try:
            if wd["municipality"].value and wd["municipality"].value != self.municipality:
                self.municipality = wd["municipality"].value
                prep = self.prepared()
                self.period_start = self.period_end = ""
                if self.case_type not in prep.case_types:
                    self.case_type = ALL
                lo, hi = self._period_index(prep.months)
                options = self._month_options(prep.months)
                for name, i in (("period_from", lo), ("period_to", hi)):
                    wd[name].options = options
                    wd[name].value = options[i][1]
                wd["case_type"].options = self._case_type_options(prep)
                wd["case_type"].value = self.case_type
            else:
                start, end = wd["period_from"].value, wd["period_to"].value
                if start and end and start > end:  # the other end follows: never an empty range
                    if self.period_start != start:
                        wd["period_to"].value = end = start
                    else:
                        wd["period_from"].value = start = end
                months = self.prepared().months
                self.period_start = "" if not months or start == months[0] else start
                self.period_end = "" if not months or end == months[-1] else end
                self.case_type = wd["case_type"].value
        finally:
            self._syncing = False

    # -- content -------------------------------------------------------------------------------
    def render_parts(self) -> list:
        """The content as a list of HTML strings (the map as its ``<iframe>``), what
        :meth:`render` shows.

        The parts are kept per selection, so going back to an earlier choice is instant.
        """
        from kit.process.leadtime import summarise

        prep = self.prepared()
        sel = self.selection()
        summary = summarise(sel)
        self._record_once(summary)
        key = (self.period_start, self.period_end, self.case_type, self.lang)
        if key not in prep.cache:
            if len(prep.cache) >= 32:  # a long session: keep memory bounded
                prep.cache.clear()
            prep.cache[key] = self._build_parts(prep, sel, summary)
        return list(prep.cache[key])

    def _build_parts(self, prep: Prepared, sel: pd.DataFrame, summary: dict[str, Any]) -> list:
        from kit.present import charts

        base_year, base_median = self.baseline()
        goal = GOAL_FACTOR * base_median if base_median is not None else None
        parts: list = [_TABLE_CSS + '<div class="testlab-dash">' + self._header_html(prep, sel)]
        if summary["n_cases"] == 0:
            parts[0] += f"<p>{html.escape(self.t('common.no_data'))}</p></div>"
            return parts
        parts[0] += self._kpis_html(summary, base_year, base_median, goal) + "</div>"

        monthly = monthly_figures(sel)
        if len(monthly):
            # decisions after the last arrival month are only the slow cases: leave them out
            last = pd.Period(self.period_end or prep.months[-1], freq="M")
            monthly = monthly.loc[monthly["month"] <= last]
        limit_days = 28.0 if self.case_type == "anmalan" else 70.0
        trend = charts.monthly_trend_chart(
            monthly, target_share=TARGET_SHARE, target_days=goal, lang=self.lang, fmt="png"
        )
        hist = charts.lead_time_histogram(
            sel["lead_time_days"], limit_days=limit_days, lang=self.lang, fmt="png"
        )
        parts.append(
            self._section("section_trend", self._chart(_img(trend), "trend", "png"))
            + self._section("section_distribution", self._chart(_img(hist), "fordelning", "png"))
        )
        svg, bottlenecks = self._process_figures(sel)
        parts.append(
            self._section(
                "section_process",
                self._chart(_scrollable(svg), "processkarta", "svg"),
            )
            + self._section("section_bottlenecks", self._bottleneck_table(bottlenecks))
            + self._section("section_late", self._late_table(sel))
        )
        fmap, n_points = self._map(sel)
        note = html.escape(self.t("leadtimes.map_note", n=n_points))
        parts.append(self._section("section_map", f'<p class="testlab-note">{note}</p>'))
        # rendered once here: a cached selection is then shown without building the page again
        parts.append(fmap._repr_html_())
        parts.append(self._meaning_html(summary, base_year, base_median, goal, bottlenecks))
        return parts

    def _record_once(self, summary: dict[str, Any]) -> None:
        if self._recorded:
            return
        self._recorded = True
        from kit.labs.kpi import record

        share = summary["share_within_limit"]
        coa = summary["share_complete_on_arrival"]
        record("median_days", summary["median_days"], unit="dagar", direction="lower")
        record(
            "share_within_limit",
            None if share is None else round(100 * share, 2),
            unit="%",
            target=100 * TARGET_SHARE,
            direction="higher",
        )
        fee = summary["fee_reduction_sek"]
        record(
            "fee_reduction_sek",
            None if fee is None else round(fee, 2),
            unit="kr",
            direction="lower",
        )
        record(
            "share_complete_on_arrival",
            None if coa is None else round(100 * coa, 2),
            unit="%",
            direction="higher",
        )
        record("n_cases", summary["n_cases"], unit="ärenden")

    def _header_html(self, prep: Prepared, sel: pd.DataFrame) -> str:
        name = (
            MUNICIPALITIES[self.municipality].name
            if self.municipality in MUNICIPALITIES
            else self.municipality
        )
        months = prep.months
        start = _month_text(self.period_start or (months[0] if months else ""), self.lang)
        end = _month_text(self.period_end or (months[-1] if months else ""), self.lang)
        parts = [f"<h2>{html.escape(self.t('leadtimes.title', municipality=name))}</h2>"]
        line = self.t("leadtimes.selection", n=_fmt(len(sel), self.lang), start=start, end=end)
        if self.case_type != ALL:
            line += f" · {self._type_label(self.case_type)}"
        parts.append(f'<p class="testlab-note">{html.escape(line)}</p>')
        if prep.synthetic:
            parts.append(
                f'<p class="testlab-note">{html.escape(self.t("common.synthetic_data"))}</p>'
            )
        return "".join(parts)

    def _kpis_html(
        self,
        s: dict[str, Any],
        base_year: int | None,
        base_median: float | None,
        goal: float | None,
    ) -> str:
        pct = lambda v: None if v is None else 100 * v  # noqa: E731
        days = self.t("common.days")
        decided, n = s["n_decided"] or 0, s["n_cases"]
        kpis = [
            Kpi(
                self.t("leadtimes.kpi_within"),
                pct(s["share_within_limit"]),
                "%",
                100 * TARGET_SHARE,
                "higher",
                n=decided,
                help=self.t("leadtimes.help.within"),
            ),
            Kpi(
                self.t("leadtimes.kpi_median"),
                s["median_days"],
                days,
                None,
                "lower",
                0,
                n=decided,
                help=self.t("leadtimes.help.median"),
            ),
            self._goal_kpi(s["median_days"], base_year, base_median, goal, decided),
            Kpi(
                self.t("leadtimes.kpi_fee"),
                s["fee_reduction_sek"],
                self._kr(),
                None,
                "lower",
                0,
                help=self.t("leadtimes.help.fee"),
            ),
            Kpi(
                self.t("leadtimes.kpi_complete"),
                pct(s["share_complete_on_arrival"]),
                "%",
                None,
                "higher",
                n=n,
                help=self.t("leadtimes.help.complete"),
            ),
            Kpi(
                self.t("leadtimes.kpi_n"),
                float(n),
                "",
                None,
                "higher",
                0,
                help=self.t("leadtimes.help.n"),
            ),
        ]
        return kpi_cards_html(kpis, self.lang)

    def _kr(self) -> str:
        return "kr" if self.lang == "sv" else "SEK"

    def _goal_kpi(
        self,
        median: float | None,
        base_year: int | None,
        base_median: float | None,
        goal: float | None,
        decided: int,
    ) -> Kpi:
        """The −33 % goal: change of the median against the baseline year's median (target
        −33 %), with both medians and the goal in days on the card."""
        change = None
        if median is not None and base_median:
            change = 100 * (median / base_median - 1)
        note = ""
        if base_median is not None and goal is not None:
            note = self.t(
                "leadtimes.kpi_goal_compare",
                year=base_year,
                baseline=number(base_median, self.lang),
                median=number(median, self.lang),
                goal=number(goal, self.lang),
            )
        return Kpi(
            self.t("leadtimes.kpi_goal", year=base_year if base_year is not None else "–"),
            change,
            "%",
            -100 * (1 - GOAL_FACTOR),
            "lower",
            0,
            note=note,
            n=decided,
            help=self.t("leadtimes.help.goal"),
        )

    def _section(self, key: str, body: str) -> str:
        return f'<div class="testlab-dash"><h3>{html.escape(self.t("leadtimes." + key))}</h3>{body}</div>'

    # process map and bottlenecks: the heavier part, cached per selection
    def _process_figures(self, sel: pd.DataFrame) -> tuple[str, pd.DataFrame]:
        """(process map SVG, bottleneck table) of the selected cases' events."""
        from kit.process.mining import bottlenecks, directly_follows
        from kit.process.processmap import process_map_svg

        events = self.prepared().events
        ev = events.loc[events["case_id"].isin(sel["case_id"])]
        dfg = directly_follows(ev, markers=True)
        svg = process_map_svg(dfg, lang=self.lang)
        return svg, bottlenecks(dfg)  # the same graph; marker edges are left out there

    def _activity(self, name: Any) -> str:
        key = f"activity.{name}"
        return self.t(key) if key in LABELS else str(name)

    def _bottleneck_table(self, bn: pd.DataFrame) -> str:
        if bn is None or len(bn) == 0:
            return f"<p>{html.escape(self.t('common.no_data'))}</p>"
        frame = bn.head(10).copy()
        for col in ("source", "target", "from", "to", "activity", "step"):
            if col in frame.columns:
                frame[col] = frame[col].map(self._activity)
        return _html_table(frame, self._column_label, self.lang) + self._xlsx_link(
            "flaskhalsar", frame, self._column_label
        )

    def _column_label(self, col: str) -> str:
        aliases = {
            "source": "from",
            "target": "to",
            "activity": "step",
            "count": "n",
            "n_cases": "n",
            "median_wait_days": "median_days",
            "total_wait_days": "total_days",
            "share_of_waiting": "share_of_time",
        }
        key = f"leadtimes.col.{aliases.get(col, col)}"
        return self.t(key) if key in LABELS else col

    def _late_table(self, sel: pd.DataFrame) -> str:
        late = sel.loc[sel["days_late"].fillna(0) > 0]
        if late.empty:
            return f"<p>{html.escape(self.t('leadtimes.no_late'))}</p>"
        late = late.sort_values(["days_late", "case_id"], ascending=[False, True]).head(LATE_ROWS)
        frame = pd.DataFrame(
            {
                "case": late["case_pseudonym"].to_numpy(),
                "case_type": [self._type_label(c) for c in late["case_type"]],
                "received": _dates(late["received"]),
                "deadline": _dates(late["deadline"]),
                "decided": _dates(late["decided"]),
                "days_late": late["days_late"].to_numpy(),
                "fee_reduction": late["fee_reduction_sek"].to_numpy(),
            }
        )
        label = lambda c: self.t(f"leadtimes.col.{c}")  # noqa: E731
        return _html_table(frame, label, self.lang) + self._xlsx_link("forsenade", frame, label)

    def _map(self, sel: pd.DataFrame) -> tuple[Any, int]:
        from kit.present import maps

        if self.municipality in MUNICIPALITIES:
            m = maps.offline_map(
                bounds=maps.municipality_bounds(self.municipality), tiles=self.tiles, lang=self.lang
            )
        else:
            m = maps.offline_map(tiles=self.tiles, lang=self.lang)
        if not {"x", "y"} <= set(sel.columns):
            return m, 0
        points = sel.loc[sel["x"].notna() & sel["y"].notna()]
        points = points.assign(
            case_id=points["case_pseudonym"],
            case_type_label=points["case_type"].map(
                {c: self._type_label(c) for c in points["case_type"].dropna().unique()}
            ),
            received=_dates(points["received"]),
            lead_time_days=points["lead_time_days"].round(0).astype("Int64"),  # "93", not "93.0"
        )
        # district areas are vector layers that stay visible when thousands of points cluster
        maps.add_area_summary(
            m, points, group_col="district", value_col="lead_time_days", lang=self.lang
        )
        n = maps.add_case_points(
            m,
            points,
            value_col="lead_time_days",
            popup_cols=("case_id", "case_type_label", "received", "lead_time_days"),
            cluster_threshold=self.cluster_threshold,
            fit=True,  # zoom to where the cases are; the municipality box is mostly forest
            lang=self.lang,
        )
        return m, n

    def _meaning_html(
        self,
        s: dict[str, Any],
        base_year: int | None,
        base_median: float | None,
        goal: float | None,
        bn: pd.DataFrame,
    ) -> str:
        lang = self.lang
        said: list[str] = []
        tries: list[str] = []
        share = s["share_within_limit"]
        n_decided = s["n_decided"] or 0
        if n_decided < MIN_CASES:
            # a share or median of a handful of cases is no finding: say so instead
            said.append(self.t("leadtimes.meaning.too_few", n=_fmt(n_decided, lang)))
            share = None
        if share is not None:
            if share >= TARGET_SHARE:
                verdict = self.t("leadtimes.meaning.within_ok")
            else:
                gap = 100 * (TARGET_SHARE - share)
                more = int(np.ceil((TARGET_SHARE - share) * n_decided - 1e-9))
                verdict = self.t(
                    "leadtimes.meaning.within_miss", gap=_fmt(gap, lang, 1), n=_fmt(more, lang)
                )
                tries.append(self.t("leadtimes.try.late"))
            said.append(
                self.t("leadtimes.meaning.within", share=_pct(share, lang), verdict=verdict)
            )
        if s["median_days"] is not None and goal is not None and n_decided >= MIN_CASES:
            said.append(
                self.t(
                    "leadtimes.meaning.median",
                    median=_fmt(s["median_days"], lang),
                    baseline_year=base_year,
                    baseline=_fmt(base_median, lang),
                    goal=_fmt(goal, lang),
                )
            )
        if s["fee_reduction_sek"]:
            said.append(self.t("leadtimes.meaning.fee", fee=money(s["fee_reduction_sek"], lang)))
        coa = s["share_complete_on_arrival"]
        if coa is not None and coa < 0.5:
            said.append(self.t("leadtimes.meaning.complete", share=_pct(coa, lang)))
            tries.append(self.t("leadtimes.try.complete"))
        top = _top_bottleneck(bn)
        if top is not None:
            src, dst, days = top
            src, dst = self._activity(src), self._activity(dst)
            said.append(
                self.t("leadtimes.meaning.bottleneck", src=src, dst=dst, days=_fmt(days, lang))
            )
            tries.append(self.t("leadtimes.try.bottleneck", src=src, dst=dst))
        if not tries:
            tries.append(self.t("leadtimes.try.keep"))
        ul = "".join(f"<li>{html.escape(x)}</li>" for x in tries)
        return (
            '<div class="testlab-dash testlab-meaning">'
            f"<h3>{html.escape(self.t('leadtimes.section_meaning'))}</h3>"
            f"<p>{html.escape(' '.join(said))}</p>"
            f"<h3>{html.escape(self.t('leadtimes.section_try'))}</h3><ul>{ul}</ul></div>"
        )


# --- helpers ----------------------------------------------------------------------------------


CASE_PSEUDONYM_PREFIX = "ÄR"


def _case_pseudonyms(ids: pd.Series) -> list[str]:
    """Keyed pseudonyms of case numbers (``ÄR-<12 hex>``): a diarienummer leads to the
    applicant through the public register, so a dashboard shows the pseudonym; whoever holds
    the key (kit.data.privacy) can find the case again."""
    from kit.data.privacy import load_key, pseudonym

    key = load_key()
    return [pseudonym(str(i), key, CASE_PSEUDONYM_PREFIX) for i in ids]


def _check_month(value: str, name: str) -> str:
    value = (value or "").strip()
    if value and not _MONTH.match(value):
        raise UsageError(f"{name} must be a month written YYYY-MM (e.g. 2024-03), not {value!r}")
    return value


def _fmt(value: float | None, lang: str, decimals: int = 0) -> str:
    return number(value, lang, decimals)


def _pct(share: float, lang: str) -> str:
    return percent(100 * share, lang)


def _month_text(month: str, lang: str) -> str:
    """``"2023-01"`` → ``"jan 2023"`` / ``"Jan 2023"`` (empty → ``–``)."""
    from kit.present.charts import month_label

    return month_label(pd.Period(month, freq="M"), lang) if month else "–"


def _dates(values: pd.Series) -> list[str]:
    text = pd.Series(pd.to_datetime(values)).dt.strftime("%Y-%m-%d")
    return text.astype(object).where(text.notna(), "–").tolist()


def _scrollable(svg: str) -> str:
    """The process map at its own size (labels stay readable), scrolling sideways when wide.

    The width cap is in viewport units: the widget's flex container sizes to its content, so
    a percentage would let the map widen the whole dashboard (and the case map with it).
    """
    m = re.search(r'width="(\d+)"', svg)
    width = f"min-width:{m.group(1)}px" if m else ""
    return (
        '<div class="testlab-processmap" style="overflow-x:auto;max-width:92vw">'
        f'<div style="{width}">{svg}</div></div>'
    )


def _img(png: bytes) -> str:
    return f'<img alt="" style="max-width:100%" src="data:image/png;base64,{base64.b64encode(png).decode()}"/>'


def _html_table(frame: pd.DataFrame, label, lang: str) -> str:
    head = []
    numeric = {c: pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns}
    for c in frame.columns:
        cls = ' class="num"' if numeric[c] else ""
        head.append(f"<th{cls}>{html.escape(label(str(c)))}</th>")
    rows = []
    for rec in frame.itertuples(index=False):
        cells = []
        for c, v in zip(frame.columns, rec, strict=True):
            if numeric[c] and "share" in str(c):
                text = "–" if pd.isna(v) else _pct(float(v), lang)
                cells.append(f'<td class="num">{html.escape(text)}</td>')
            elif numeric[c]:
                text = _fmt(None if pd.isna(v) else float(v), lang)
                cells.append(f'<td class="num">{html.escape(text)}</td>')
            else:
                cells.append(f"<td>{html.escape('–' if pd.isna(v) else str(v))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        '<table class="testlab-table"><thead><tr>'
        + "".join(head)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


def _top_bottleneck(bn: pd.DataFrame | None) -> tuple[str, str, float] | None:
    """(from, to, median days) of the first bottleneck row, whatever the column names."""
    if bn is None or len(bn) == 0:
        return None
    row = bn.iloc[0]
    src = next((row[c] for c in ("source", "from") if c in bn.columns), None)
    dst = next((row[c] for c in ("target", "to") if c in bn.columns), None)
    days = next((row[c] for c in ("median_wait_days", "median_days") if c in bn.columns), None)
    if src is None or dst is None or days is None or pd.isna(days):
        return None
    return str(src), str(dst), float(days)
