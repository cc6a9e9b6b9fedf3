"""Dashboard of the lab "Framtidens process" (future-process): prototypes tested in a simulation.

A simulation model is discovered from the municipality's event log
(:mod:`kit.process.simulation`), validated on the later 30 % of the cases, and each prototype in
``scenarios.yml`` is simulated over the latest year against the same baseline. The page shows
the validation (observed against simulated distribution, the errors, a plain verdict on
trust), one control per scenario parameter, baseline against scenario medians with 95 %
intervals, a plain-language verdict per prototype against the 33 % goal, and KPI cards.

Discovery, validation and the baseline are computed once per municipality; a control change
re-simulates only the scenario it belongs to (and the combination of all prototypes).
"""

from __future__ import annotations

import base64
import html
from typing import Any

from kit.config import MUNICIPALITIES
from kit.errors import KitError, UsageError
from kit.labels import DEFAULT_LANG, number, percent
from kit.present.dashboard import Dashboard, Kpi, kpi_cards_html

GOAL = 0.33
COMBINED = "combined"

_CSS = """
<style>
.testlab-dash h2{font:600 22px system-ui,sans-serif;margin:8px 0 2px}
.testlab-dash h3{font:600 16px system-ui,sans-serif;margin:18px 0 6px}
.testlab-dash p,.testlab-dash li{font:14px/1.5 system-ui,sans-serif;max-width:62em}
.testlab-note{color:#57606a;font-size:13px}
.testlab-verdict{border-left:6px solid #1a7f37;background:#f6fff8;padding:6px 12px;margin:8px 0}
.testlab-verdict.warn{border-left-color:#cf222e;background:#fff6f6}
.testlab-table{border-collapse:collapse;font:13px system-ui,sans-serif;margin:4px 0 16px}
.testlab-table th,.testlab-table td{border-bottom:1px solid #d0d7de;padding:4px 10px;text-align:left}
.testlab-table td.num,.testlab-table th.num{text-align:right;font-variant-numeric:tabular-nums}
.testlab-table th{background:#f6f8fa}
</style>
"""


def _img(png: bytes) -> str:
    data = base64.b64encode(png).decode()
    return f'<img alt="" style="max-width:100%" src="data:image/png;base64,{data}"/>'


class FutureProcessDashboard(Dashboard):
    """``FutureProcessDashboard(municipality, lang).show()``; ``replications`` per scenario."""

    def __init__(
        self,
        municipality: str = "umea",
        lang: str = DEFAULT_LANG,
        *,
        replications: int = 3,
        seed: int = 0,
        scenarios_file: str | None = None,
    ) -> None:
        super().__init__(lang)
        if municipality not in MUNICIPALITIES:
            known = ", ".join(MUNICIPALITIES)
            raise UsageError(f"unknown municipality {municipality!r}; known: {known}")
        if replications < 1:
            raise UsageError(f"replications {replications}: allowed range is 1 or more")
        from kit.process.simulation.scenarios import load_scenarios

        self.municipality = municipality
        self.replications = replications
        self.seed = seed
        self.known = load_scenarios()
        if scenarios_file:
            self.known.update(load_scenarios(scenarios_file))
        self.values: dict[str, dict[str, float]] = {}
        self._base: dict[str, dict[str, Any]] = {}  # per municipality
        self._runs: dict[tuple, dict[str, Any]] = {}  # per (municipality, scenario, values)
        self._widgets: dict[str, Any] = {}
        self._recorded = False

    def data_info(self) -> tuple[str, str]:
        """The bundled sample the model is discovered from (no date of its own on the page)."""
        return "", self.t("future.source_sample", path=f"datasets/{self.municipality}")

    # -- computing -------------------------------------------------------------------------
    def base(self) -> dict[str, Any]:
        """Model, validation, baseline run and the applicable scenarios of the municipality."""
        if self.municipality not in self._base:
            from kit.data.loaders import load_sample
            from kit.process.simulation.discovery import discover
            from kit.process.simulation.results import run
            from kit.process.simulation.scenarios import required_activities
            from kit.process.simulation.validation import validate

            data = load_sample(self.municipality)
            model = discover(data.events, data.cases)
            val = validate(data.events, data.cases, replications=2, seed=self.seed)
            baseline = run(model, [], replications=self.replications, seed=self.seed)
            usable = [
                name
                for name, sc in self.known.items()
                if all(model.has(a) for a in required_activities(sc))
            ]
            self._base[self.municipality] = {
                "model": model,
                "validation": val,
                "baseline": baseline,
                "usable": usable,
            }
        return self._base[self.municipality]

    def _scenario(self, name: str):
        from kit.process.simulation.scenarios import combine

        if name == COMBINED:
            parts = [self._scenario(n) for n in self.base()["usable"]]
            sc = combine(parts, COMBINED)
            sc.title = {lang: self.t("future.combined") for lang in ("sv", "en")}
            return sc
        return self.known[name].with_values(**self._clamped(name))

    def _capacity_params(self, name: str) -> set[str]:
        """Parameters of a scenario that change the number of handlers."""
        out = set()
        for ch in self.known[name].changes:
            ((kind, settings),) = ch.items()
            value = settings.get("change") if kind == "capacity" else None
            if isinstance(value, str) and value.startswith("$"):
                out.add(value[1:])
        return out

    def _clamped(self, name: str) -> dict[str, float]:
        """The set values, with a change of handlers kept above zero handlers left (a slider
        range is the same for every municipality; their numbers of handlers are not)."""
        values = dict(self.values.get(name, {}))
        low = 1 - self.base()["model"].capacity
        for p in self._capacity_params(name):
            if p in values:
                values[p] = max(values[p], low)
        return values

    def scenario_result(self, name: str) -> dict[str, Any]:
        from kit.process.simulation.results import run

        if name == COMBINED:
            vals = tuple(
                (n, tuple(sorted(self._clamped(n).items()))) for n in self.base()["usable"]
            )
        else:
            vals = tuple(sorted(self._clamped(name).items()))
        key = (self.municipality, name, vals)
        if key not in self._runs:
            b = self.base()
            res = run(
                b["model"],
                [self._scenario(name)],
                replications=self.replications,
                seed=self.seed,
                baseline=b["baseline"],
            )
            (entry,) = res.scenarios.values()
            self._runs[key] = entry
        return self._runs[key]

    # -- controls --------------------------------------------------------------------------
    def controls(self) -> list:
        import ipywidgets as w

        style = {"description_width": "initial"}
        slider_style = {"description_width": "300px"}
        municipality = w.Dropdown(
            options=[(m.name, m.id) for m in MUNICIPALITIES.values()],
            value=self.municipality,
            description=self.t("future.municipality"),
            style=style,
        )
        out = [municipality]
        self._widgets = {"municipality": municipality}
        for name, sc in self.known.items():
            for p in sc.parameters:
                whole = (
                    float(p.default).is_integer()
                    and float(p.high - p.low).is_integer()
                    and (p.high - p.low) > 1
                )
                cls = w.IntSlider if whole else w.FloatSlider
                kwargs = {} if whole else {"step": 0.05}
                widget = cls(
                    value=int(p.default) if whole else p.default,
                    min=int(p.low) if whole else p.low,
                    max=int(p.high) if whole else p.high,
                    description=p.label.get(self.lang, p.name),
                    description_allow_html=False,
                    tooltip=sc.label(self.lang),
                    style=slider_style,
                    layout=w.Layout(width="600px"),
                    continuous_update=False,
                    readout=False,  # ipywidgets writes "0.60" whatever the page's language
                    **kwargs,
                )
                self._widgets[f"{name}.{p.name}"] = widget
                out.append(self._with_readout(widget, 0 if whole else 2))
        return out

    def _with_readout(self, slider, decimals: int):
        """The slider with its value beside it in the page's number format ("0,60" on Swedish
        pages); a change of the slider re-renders the dashboard."""
        import ipywidgets as w

        readout = w.Label(number(slider.value, self.lang, decimals))
        readout.add_class("testlab-readout")

        def show(change: dict) -> None:
            readout.value = number(change["new"], self.lang, decimals)

        slider.observe(show, names="value")
        slider.observe(self._on_change, names="value")
        return w.HBox([slider, readout])

    def _read_controls(self) -> None:
        if not self._widgets:
            return
        self.municipality = self._widgets["municipality"].value
        for key, widget in self._widgets.items():
            if "." in key:
                name, param = key.split(".", 1)
                self.values.setdefault(name, {})[param] = float(widget.value)

    # -- content ---------------------------------------------------------------------------
    def render_parts(self) -> list:
        self._read_controls()
        try:
            b = self.base()
        except KitError as exc:
            return [_CSS, f"<p>{html.escape(self.t('future.error', error=str(exc)))}</p>"]
        names = list(b["usable"])
        results, problems = {}, []
        for n in names + ([COMBINED] if len(names) > 1 else []):
            try:
                results[n] = self.scenario_result(n)
            except KitError as exc:  # e.g. fewer handlers than the municipality has
                problems.append(self.t("future.error", error=str(exc)))
        self._record_once(b, results)
        notes = "".join(f'<p class="testlab-note">{html.escape(p)}</p>' for p in problems)
        return [
            _CSS,
            self._header(b),
            self._kpis(b, results),
            self._validation(b),
            notes + self._scenarios(b, results),
        ]

    def _record_once(self, b: dict[str, Any], results: dict[str, Any]) -> None:
        if self._recorded:
            return
        self._recorded = True
        from kit.labs.kpi import record

        single = {k: v for k, v in results.items() if k != COMBINED}
        best = max(
            (v["median_reduction"] for v in single.values() if v["median_reduction"] is not None),
            default=None,
        )
        record(
            "baseline_median_days",
            b["baseline"].baseline["median_days"],
            unit="dagar",
            direction="lower",
        )
        record(
            "best_reduction_pct",
            None if best is None else round(100 * best, 1),
            unit="%",
            target=33,
            direction="higher",
        )
        err = b["validation"].median_rel_error
        record(
            "validation_median_error_pct",
            None if err != err else round(100 * abs(err), 1),
            unit="%",
            target=10,
            direction="lower",
        )

    def _header(self, b: dict[str, Any]) -> str:
        name = MUNICIPALITIES[self.municipality].name
        m = b["model"].describe()
        model = self.t(
            "future.model",
            acts=m["activities"],
            trans=m["transitions"],
            cap=m["capacity"],
            source=self.t(f"future.source.{m['capacity_source']}"),
            rate=number(m["cases_per_day"], self.lang, 1),
        )
        return (
            f'<div class="testlab-dash"><h2>{html.escape(self.t("future.title"))} – {html.escape(name)}</h2>'
            f'<p class="testlab-note">{html.escape(self.t("future.synthetic"))}</p>'
            f"<p>{html.escape(self.t('future.intro', reps=self.replications))} {html.escape(model)}</p></div>"
        )

    def _kpis(self, b: dict[str, Any], results: dict[str, Any]) -> str:
        base = b["baseline"].baseline
        single = {k: v for k, v in results.items() if k != COMBINED}
        best = max(
            (v["median_reduction"] for v in single.values() if v["median_reduction"] is not None),
            default=None,
        )
        err = b["validation"].median_rel_error
        within = base["share_within_limit"]
        cards = [
            Kpi(
                self.t("future.kpi.baseline_median"),
                base["median_days"],
                self.t("future.days"),
                direction="lower",
                decimals=0,
                help=self.t("future.kpi.baseline_median.help"),
            ),
            Kpi(
                self.t("future.kpi.best_reduction"),
                None if best is None else 100 * best,
                "%",
                target=33,
                direction="higher",
                decimals=1,
                help=self.t("future.kpi.best_reduction.help"),
            ),
            Kpi(
                self.t("future.kpi.validation_error"),
                None if err != err else 100 * abs(err),
                "%",
                target=10,
                direction="lower",
                decimals=1,
                help=self.t("future.kpi.validation_error.help"),
            ),
            Kpi(
                self.t("future.kpi.within"),
                None if within is None else 100 * within,
                "%",
                target=95,
                direction="higher",
                decimals=1,
                help=self.t("future.kpi.within.help"),
            ),
        ]
        return kpi_cards_html(cards, self.lang)

    def _validation(self, b: dict[str, Any]) -> str:
        from kit.present.charts import distribution_compare_chart

        v = b["validation"]
        d = v.to_dict()
        lang = self.lang

        def signed(x):
            return "–" if x is None else percent(100 * x, lang, 1).replace("-", "−")

        def share(x):
            return "–" if x is None else percent(100 * x, lang, 1)

        text = self.t(
            "future.validation_text",
            train=number(d["train_cases"], lang),
            test=number(d["test_cases"], lang),
            split=d["split"],
            med=("+" if (d["median_rel_error"] or 0) > 0 else "") + signed(d["median_rel_error"]),
            p90=("+" if (d["p90_rel_error"] or 0) > 0 else "") + signed(d["p90_rel_error"]),
            w=number(d["wasserstein_days"], lang, 1),
            obs_share=share(d["share_within_limit_observed"]),
            sim_share=share(d["share_within_limit_simulated"]),
        )
        ok = v.trustworthy
        verdict = self.t("future.trusted" if ok else "future.untrusted")
        chart = distribution_compare_chart(v.observed, v.simulated, lang=lang, fmt="png")
        return (
            f'<div class="testlab-dash"><h3>{html.escape(self.t("future.validation"))}</h3>'
            f"<p>{html.escape(text)}</p>"
            f'<div class="testlab-verdict{"" if ok else " warn"}"><p>{html.escape(verdict)}</p></div>'
            f"{_img(chart)}</div>"
        )

    def _title(self, name: str) -> str:
        if name == COMBINED:
            return self.t("future.combined")
        return self.known[name].label(self.lang)

    def verdict_text(self, name: str, entry: dict[str, Any]) -> str:
        """One plain sentence: how much shorter, with the interval, and the goal."""
        lang = self.lang
        red = entry["median_reduction"]
        lo, hi = entry["ci_low"], entry["ci_high"]
        key = "future.verdict" if (red or 0) >= 0 else "future.verdict_longer"
        sign = 1 if (red or 0) >= 0 else -1

        def pct(x, unit=True):
            if x is None:
                return "–"
            text = number(100 * sign * x, lang, 0)
            return f"{text}\u00a0%" if unit else text

        a, z = (lo, hi) if sign > 0 else (hi, lo)
        ci = "" if a is None or z is None else self.t("future.ci", lo=pct(a, unit=False), hi=pct(z))
        return self.t(
            key,
            name=self._title(name),
            red=pct(red),
            ci=ci,
            goal=self.t(f"future.goal.{entry['verdict']}"),
        )

    def _scenarios(self, b: dict[str, Any], results: dict[str, Any]) -> str:
        from kit.present.charts import scenario_chart

        lang = self.lang
        base = b["baseline"].baseline
        names = [self.t("future.baseline")] + [self._title(n) for n in results]
        medians = [base["median_days"]] + [r["median_days"] for r in results.values()]
        lows = [base["median_days_ci"][0]] + [r["median_days_ci"][0] for r in results.values()]
        highs = [base["median_days_ci"][1]] + [r["median_days_ci"][1] for r in results.values()]
        goal = None if base["median_days"] is None else base["median_days"] * (1 - GOAL)
        chart = scenario_chart(names, medians, lows, highs, goal_days=goal, lang=lang, fmt="png")
        sentences = "".join(
            f"<li>{html.escape(self.verdict_text(n, r))}</li>" for n, r in results.items()
        )
        head = "".join(
            f'<th class="{c}">{html.escape(self.t(k))}</th>'
            for k, c in (
                ("future.table.scenario", ""),
                ("future.table.median", "num"),
                ("future.table.p90", "num"),
                ("future.table.within", "num"),
                ("future.table.fee", "num"),
                ("future.table.reduction", "num"),
            )
        )

        def row(title, r, red):
            within = r["share_within_limit"]
            return (
                f"<tr><td>{html.escape(title)}</td>"
                f'<td class="num">{number(r["median_days"], lang, 1)}</td>'
                f'<td class="num">{number(r["p90_days"], lang, 1)}</td>'
                f'<td class="num">{"–" if within is None else percent(100 * within, lang, 1)}</td>'
                f'<td class="num">{html.escape(_money(r["fee_reduction_sek"], lang))}</td>'
                f'<td class="num">{"–" if red is None else percent(100 * red, lang, 1)}</td></tr>'
            )

        rows = row(self.t("future.baseline"), base, None) + "".join(
            row(self._title(n), r, r["median_reduction"]) for n, r in results.items()
        )
        return (
            f'<div class="testlab-dash"><h3>{html.escape(self.t("future.scenarios"))}</h3>'
            f'<p class="testlab-note">{html.escape(self.t("future.controls_note"))}</p>'
            f"<ul>{sentences}</ul>{_img(chart)}"
            f'<table class="testlab-table"><tr>{head}</tr>{rows}</table></div>'
        )


def _money(value: float | None, lang: str) -> str:
    from kit.labels import money

    return money(value, lang)
