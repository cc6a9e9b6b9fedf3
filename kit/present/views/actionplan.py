"""Dashboard of the lab "Handlingsplan" (action plan): goals tracked against lab results.

A municipality's action plan (``datasets/<municipality>/handlingsplan.yml``, read by
:mod:`kit.journal.actionplan`) next to the results journal that ``testlab run`` writes
(``build/runs/journal.sqlite``, :mod:`kit.journal.store`): the goal tree with each goal's
status (the rule is stated on the page), each goal KPI's trend over runs, overdue actions,
what changed since the last review, the three municipalities side by side on the shared
KPIs, and a steering-group report as one standalone HTML file.

Until a team has run its labs for a while the journal holds one point per KPI, so the page
also reads a *sample history* (:mod:`kit.samples.journal`: the lead-times lab's KPIs per
quarter of the synthetic sample data), drawn hollow and labelled synthetic.
``sample_history=False`` shows the journal alone.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kit.config import MUNICIPALITIES
from kit.config import municipality as get_municipality
from kit.labels import DEFAULT_LANG, LABELS, money, number, percent
from kit.present.dashboard import Dashboard, Kpi, kpi_cards_html

#: the KPIs shown side by side for the three municipalities: (lab, KPI)
SHARED_KPIS = (
    ("lead-times", "share_within_limit"),
    ("lead-times", "median_days"),
    ("lead-times", "fee_reduction_sek"),
    ("future-process", "best_reduction_pct"),
    ("innovation-capability", "overall_change"),
)
STATUS_COLOURS = {
    "on_track": "#1a7f37",
    "at_risk": "#bf8700",
    "off_track": "#cf222e",
    "no_data": "#8c959f",
}

_CSS = """
<style>
.testlab-dash h2{font:600 22px system-ui,sans-serif;margin:8px 0 2px}
.testlab-dash h3{font:600 16px system-ui,sans-serif;margin:18px 0 6px}
.testlab-dash p,.testlab-dash li{font:14px/1.5 system-ui,sans-serif;max-width:62em}
.testlab-note{color:#57606a;font-size:13px}
.testlab-table{border-collapse:collapse;font:13px system-ui,-apple-system,"Segoe UI",sans-serif;margin:4px 0 16px}
.testlab-table th,.testlab-table td{border-bottom:1px solid #d0d7de;padding:4px 10px;text-align:left;vertical-align:top}
.testlab-table td.num,.testlab-table th.num{text-align:right;font-variant-numeric:tabular-nums}
.testlab-table th{background:#f6f8fa}
.ap-badge{display:inline-block;border-radius:10px;padding:0 8px;color:#fff;font:600 12px system-ui,sans-serif;white-space:nowrap}
.ap-tree{list-style:none;padding-left:0}
.ap-tree>li{border-left:6px solid #d0d7de;padding:4px 10px;margin:8px 0;background:#fafbfc}
.ap-tree ul{margin:4px 0 4px 18px;padding-left:0}
.ap-sub{color:#57606a;font-size:13px}
.ap-late{color:#cf222e;font-weight:600}
.ap-rule{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;max-width:62em}
.ap-date{display:block;color:#57606a;font-size:12px}
</style>
"""


def kpi_catalogue(lang: str = DEFAULT_LANG) -> dict[str, dict[str, dict[str, Any]]]:
    """``{lab: {kpi: {"direction", "unit", "label", "lab_title"}}}`` from ``labs/*/lab.yml``."""
    from kit.labs.folders import discover_labs

    out: dict[str, dict[str, dict[str, Any]]] = {}
    for lab in discover_labs():
        entries = out.setdefault(lab.id, {})
        for k in lab.meta.get("kpis") or []:
            label = k.get("label") or k["name"]
            if isinstance(label, dict):
                label = label.get(lang) or label.get(DEFAULT_LANG) or k["name"]
            entries[k["name"]] = {
                "direction": k.get("direction"),
                "unit": k.get("unit") or "",
                "label": str(label),
                "lab_title": lab.title(lang),
            }
    return out


def _shown_path(path: Path) -> str:
    """A file as a viewer may see it: relative to the project (``build/runs/journal.sqlite``),
    never the server's absolute path; a file elsewhere by its name."""
    from kit.config import project_root

    try:
        return path.resolve().relative_to(project_root().resolve()).as_posix()
    except ValueError:
        return path.name


def format_value(value: Any, unit: str, lang: str) -> str:
    """A KPI value in the page's number style with its unit (sv: 94,8 %, 41 dagar, 1 522 873 kr)."""
    if value is None or isinstance(value, str):
        return "–" if value is None else value
    if unit == "%":
        return percent(value, lang, 1)
    if unit == "kr":
        return money(value, lang)
    key = f"actionplan.unit.{unit}"
    text = LABELS[key].get(lang, unit) if key in LABELS else unit
    decimals = 2 if unit == "skalsteg" else (0 if float(value).is_integer() else 1)
    return f"{number(value, lang, decimals)}\u00a0{text}".strip()


@dataclass(frozen=True)
class Point:
    when: datetime
    value: float
    sample: bool


class ActionPlanDashboard(Dashboard):
    """Handlingsplan: a municipality's goals against the journal of lab results.

    ``municipality``: ``alingsas``, ``linkoping`` or ``umea`` (its ``handlingsplan.yml``).
    ``journal``: a journal file or an output folder (default: ``build/runs``, where
    ``testlab run`` writes). ``sample_history``: also read the synthetic sample history.
    ``today``: the date the statuses are judged on, ``YYYY-MM-DD`` (default: today).
    ``plans``: a folder holding ``<municipality>/handlingsplan.yml`` (default: the datasets).
    """

    def __init__(
        self,
        municipality: str = "umea",
        lang: str = DEFAULT_LANG,
        *,
        journal: str | Path | None = None,
        sample_history: bool = True,
        today: str | date | None = None,
        plans: str | Path | None = None,
        sample_journal: str | Path | None = None,
    ) -> None:
        super().__init__(lang)
        get_municipality(municipality)  # UsageError for an unknown id
        self.municipality = municipality
        from kit.config import build_dir, datasets_dir
        from kit.journal.store import journal_path

        self.journal = journal_path(journal or build_dir() / "runs")
        self.sample_history = sample_history
        self._sample_path = Path(sample_journal) if sample_journal else None
        self.today = _parse_day(today) if today else date.today()
        self.plans_dir = Path(plans) if plans else datasets_dir()
        self.catalogue = kpi_catalogue(self.lang)
        self._plans: dict[str, Any] = {}
        self._series: dict[tuple[str, str, str], list[Point]] = {}
        self._latest: dict[tuple[str, str, str], Point | None] = {}
        self._cache: dict[tuple[str, str], list[str]] = {}
        self._bodies: dict[tuple[str, str], tuple[str, str]] = {}
        self._journal_error: str | None = None
        self._n_runs: int | None = None
        self._recorded = False
        self._widgets: dict[str, Any] = {}

    # -- data ------------------------------------------------------------------------------
    def plan(self, municipality: str | None = None):
        """The municipality's action plan, read and validated once (a DataError is kept)."""
        from kit.errors import KitError
        from kit.journal.actionplan import plan_path, read_plan

        m = municipality or self.municipality
        if m not in self._plans:
            try:
                self._plans[m] = read_plan(
                    plan_path(self.plans_dir, m), self.catalogue, municipality=m
                )
            except KitError as exc:
                self._plans[m] = exc
        return self._plans[m]

    def _sources(self) -> list[tuple[Path, bool]]:
        sources = []
        if self.journal.exists():
            sources.append((self.journal, False))
        if self.sample_history:
            from kit.samples.journal import sample_journal

            path = self._sample_path or sample_journal()
            if self._sample_path and not path.exists():
                from kit.samples.journal import write_sample_journal

                write_sample_journal(path)
            sources.append((path, True))
        return sources

    def _load(self, wanted: set[tuple[str, str, str]]) -> None:
        """Read the series of every (lab, kpi, municipality) in ``wanted`` not read yet."""
        from kit.errors import KitError
        from kit.journal.store import Journal

        todo = wanted - set(self._series)
        if not todo:
            return
        for key in todo:
            self._series[key] = []
        for path, sample in self._sources():
            try:
                with Journal(path, create=False) as j:
                    if not sample and self._n_runs is None:
                        self._n_runs = j.count()
                    for lab, kpi, m in todo:
                        for started, value, source in j.series(lab, kpi, m):
                            self._series[(lab, kpi, m)].append(
                                Point(_when(started), float(value), sample or source == "sample")
                            )
            except KitError as exc:
                if not sample:
                    self._journal_error = str(exc)
        for key in todo:
            self._series[key].sort(key=lambda p: p.when)

    def series(self, lab: str, kpi: str, municipality: str | None = None) -> list[Point]:
        key = (lab, kpi, municipality or self.municipality)
        self._load({key})
        return self._series[key]

    def latest(self, lab: str, kpi: str, municipality: str) -> Point | None:
        """The newest value of a KPI on or before ``today`` over all sources (None: no run)."""
        self._load_latest({(lab, kpi, municipality)})
        return self._latest[(lab, kpi, municipality)]

    def _load_latest(self, wanted: set[tuple[str, str, str]]) -> None:
        from kit.errors import KitError
        from kit.journal.store import Journal

        todo = wanted - set(self._latest)
        if not todo:
            return
        for key in todo:
            self._latest[key] = None
        pairs = sorted({(lab, kpi) for lab, kpi, _ in todo})
        places = sorted({m for _, _, m in todo})
        for path, sample in self._sources():
            try:
                with Journal(path, create=False) as j:
                    if not sample and self._n_runs is None:
                        self._n_runs = j.count()
                    found = j.latest_values(pairs, places, until=self.today)
            except KitError as exc:
                if not sample:
                    self._journal_error = str(exc)
                continue
            for key, (value, started, source) in found.items():
                if key not in todo or isinstance(value, str):
                    continue
                p = Point(_when(started), float(value), sample or source == "sample")
                old = self._latest[key]
                if old is None or p.when > old.when:
                    self._latest[key] = p

    def data_info(self) -> tuple[str, str]:
        """The date of the newest measurement behind a goal's status, and the sources."""
        dates = [s.value_date for s in self.statuses() if s.value_date is not None]
        as_of = max(dates).isoformat() if dates else ""
        return as_of, self.t("actionplan.source", municipality=self.municipality)

    def statuses(self, municipality: str | None = None) -> list:
        """:class:`kit.journal.actionplan.GoalStatus` of every goal of the plan, on ``today``."""
        from kit.journal.actionplan import goal_status

        m = municipality or self.municipality
        plan = self.plan(m)
        if isinstance(plan, Exception):
            return []
        self._load_latest({(g.lab, g.kpi, m) for g in plan.goals})
        out = []
        for g in plan.goals:
            last = self._latest[(g.lab, g.kpi, m)]
            out.append(
                goal_status(
                    g,
                    plan.adopted,
                    last.value if last else None,
                    last.when.date() if last else None,
                    self.today,
                    source=("sample" if last.sample else "run") if last else None,
                )
            )
        return out

    # -- controls ----------------------------------------------------------------------------
    def controls(self) -> list:
        import ipywidgets as w

        dropdown = w.Dropdown(
            options=[(m.name, m.id) for m in MUNICIPALITIES.values()],
            value=self.municipality,
            description=self.t("common.municipality"),
            style={"description_width": "initial"},
        )
        self._widgets = {"municipality": dropdown}
        return [dropdown]

    def _on_change(self, change: object) -> None:
        value = self._widgets["municipality"].value
        if value and value != self.municipality:
            self.municipality = value
        self._refresh()

    # -- content -------------------------------------------------------------------------------
    def render_parts(self) -> list:
        key = (self.municipality, self.lang)
        if key not in self._cache:
            self._cache[key] = self._build_parts()
        return list(self._cache[key])

    def _content(self) -> tuple[str, str]:
        """(body, side-by-side) HTML of the current municipality and language, built once."""
        key = (self.municipality, self.lang)
        if key not in self._bodies:
            plan = self.plan()
            name = MUNICIPALITIES[self.municipality].name
            head = f"<h2>{_e(self.t('actionplan.title', municipality=name))}</h2>"
            if isinstance(plan, Exception):
                msg = self.t("actionplan.plan_error", error=str(plan))
                body = f'<div class="testlab-dash">{head}<p class="ap-late">{_e(msg)}</p></div>'
            else:
                statuses = self.statuses()
                self._record_once(plan, statuses)
                body = self._report_body(plan, statuses, head)
            self._bodies[key] = (body, self._compare_html())
        return self._bodies[key]

    def _build_parts(self) -> list[str]:
        body, compare = self._content()
        report = self.report_html()
        link = (
            f'<div class="testlab-dash"><h3>{_e(self.t("actionplan.section_report"))}</h3>'
            f'<p><a download="styrgruppsrapport-{self.municipality}-{self.lang}.html" '
            f'href="data:text/html;charset=utf-8;base64,{base64.b64encode(report.encode()).decode()}">'
            f"{_e(self.t('actionplan.report_link'))}</a></p></div>"
        )
        return [_CSS + body, compare, self._map()._repr_html_(), link]

    def _report_body(self, plan, statuses, head: str) -> str:
        parts = ['<div class="testlab-dash">', head, self._header_html(plan)]
        parts.append(self._cards_html(plan, statuses))
        parts.append(f"<h3>{_e(self.t('actionplan.section_rule'))}</h3>")
        parts.append(f'<p class="ap-rule">{_e(self.t("actionplan.rule"))}</p>')
        parts.append(f"<h3>{_e(self.t('actionplan.section_tree'))}</h3>")
        parts.append(self._tree_html(plan, statuses))
        parts.append(f"<h3>{_e(self.t('actionplan.section_trend'))}</h3>")
        parts.append(f'<p class="testlab-note">{_e(self.t("actionplan.trend_note"))}</p>')
        parts.append(_img(self._trend_png(plan, statuses)))
        parts.append(f"<h3>{_e(self.t('actionplan.section_overdue'))}</h3>")
        parts.append(self._overdue_html(plan))
        parts.append(self._changes_html(plan, statuses))
        parts.append("</div>")
        return "".join(parts)

    def _header_html(self, plan) -> str:
        nxt = plan.next_review(self.today)
        lines = [
            f"<p><b>{self._q(plan.title)}</b></p>",
            f'<p class="testlab-note">{_e(self.t("actionplan.as_of", today=self.today.isoformat(), next=nxt.isoformat() if nxt else self.t("actionplan.none")))}</p>',
        ]
        sample = self.t("actionplan.sources_sample") if self.sample_history else ""
        self._load({(g.lab, g.kpi, self.municipality) for g in plan.goals})
        shown = _shown_path(self.journal)
        if self.journal.exists() and self._journal_error is None:
            src = self.t(
                "actionplan.sources",
                path=shown,
                n=number(self._n_runs or 0, self.lang),
                sample=sample,
            )
        else:
            src = self.t("actionplan.sources_none", path=shown, sample=sample)
        lines.append(f'<p class="testlab-note">{_e(src)}</p>')
        if self._journal_error:
            err = self.t("actionplan.journal_error", error=self._journal_error)
            lines.append(f'<p class="ap-late">{_e(err)}</p>')
        if plan.synthetic:
            lines.append(f'<p class="testlab-note">{_e(self.t("actionplan.synthetic_plan"))}</p>')
        if self.lang != "sv":
            lines.append(f'<p class="testlab-note">{_e(self.t("actionplan.quoted"))}</p>')
        return "".join(lines)

    def _cards_html(self, plan, statuses) -> str:
        n = len(statuses)
        count = {s: sum(1 for x in statuses if x.status == s) for s in STATUS_COLOURS}
        of = self.t("actionplan.of_goals", n=n)
        cards = [
            Kpi(
                self.t("actionplan.kpi_on_track"),
                count["on_track"],
                of,
                decimals=0,
                help=self.t("actionplan.kpi_on_track_help"),
            ),
            Kpi(self.t("actionplan.kpi_at_risk"), count["at_risk"], of, decimals=0),
            Kpi(self.t("actionplan.kpi_off_track"), count["off_track"], of, decimals=0),
            Kpi(
                self.t("actionplan.kpi_overdue"),
                len(plan.overdue_actions(self.today)),
                self.t("actionplan.actions"),
                target=0,
                direction="lower",
                decimals=0,
                help=self.t("actionplan.kpi_overdue_help"),
            ),
        ]
        return kpi_cards_html(cards, self.lang)

    def _badge(self, status: str, extra: str = "") -> str:
        text = self.t(f"actionplan.status.{status}") + (f" – {extra}" if extra else "")
        return (
            f'<span class="ap-badge" style="background:{STATUS_COLOURS[status]}">{_e(text)}</span>'
        )

    def _kpi_info(self, lab: str, kpi: str) -> dict[str, Any]:
        return self.catalogue.get(lab, {}).get(kpi, {"label": kpi, "unit": "", "lab_title": lab})

    def _tree_html(self, plan, statuses) -> str:
        items = []
        if plan.success_factors:
            items.append(self._factors_html(plan.success_factors))
        goals = []
        for s in statuses:
            g = s.goal
            info = self._kpi_info(g.lab, g.kpi)
            fmt = lambda v, u=g.unit: format_value(v, u, self.lang)  # noqa: E731
            extra = self.t("actionplan.reached") if s.reached else ""
            lines = [
                f"<b>{_e(g.id)}. {self._q(g.text)}</b> {self._badge(s.status, extra)}",
                '<div class="ap-sub">'
                + _e(
                    self.t(
                        "actionplan.goal_line",
                        kpi=info["label"],
                        lab=info["lab_title"],
                        baseline=fmt(g.baseline),
                        target=fmt(g.target),
                        due=g.due.isoformat(),
                    )
                )
                + "</div>",
            ]
            if s.value is not None:
                lines.append(
                    '<div class="ap-sub">'
                    + _e(
                        self.t(
                            "actionplan.latest",
                            value=fmt(s.value),
                            date=s.value_date.isoformat(),
                            sample=self.t("actionplan.sample_tag") if s.source == "sample" else "",
                            progress=percent(100 * s.progress, self.lang, 0),
                            expected=percent(100 * s.expected, self.lang, 0),
                        )
                    )
                    + "</div>"
                )
            sub = []
            if g.success_factors:
                sub.append(self._factors_html(g.success_factors))
            for a in g.actions:
                late = a.overdue(self.today)
                tag = (
                    f' <span class="ap-late">({_e(self.t("actionplan.overdue_tag"))})</span>'
                    if late
                    else ""
                )
                sub.append(
                    f"<li>{self._q(a.text)} – <i>{_e(self.t(f'actionplan.action.{a.status}'))}</i>{tag}"
                    f' <span class="ap-sub">({self.t("actionplan.action_line", owner=self._q(a.owner), due=_e(a.due.isoformat()))})</span></li>'
                )
            sub_html = f"<ul>{''.join(sub)}</ul>" if sub else ""
            goals.append(
                f'<li style="border-left-color:{STATUS_COLOURS[s.status]}">{"".join(lines)}{sub_html}</li>'
            )
        return "".join(items) + f'<ul class="ap-tree">{"".join(goals)}</ul>'

    def _q(self, text: str) -> str:
        """A text quoted from the municipality's own action plan (written in Swedish): on an
        English page it is marked ``lang="sv"``, so screen readers and the page's language
        check know it is a quotation, and the page says so once."""
        if self.lang == "sv":
            return _e(text)
        return f'<span lang="sv" class="ap-quoted">{_e(text)}</span>'

    def _factors_html(self, factors) -> str:
        lis = "".join(f"<li>{self._q(f)}</li>" for f in factors)
        return (
            f'<div class="ap-sub">{_e(self.t("actionplan.success_factors"))}:<ul>{lis}</ul></div>'
        )

    def _overdue_html(self, plan) -> str:
        late = plan.overdue_actions(self.today)
        if not late:
            return f"<p>{_e(self.t('actionplan.no_overdue'))}</p>"
        head = ["goal", "action", "owner", "due", "days_late", "status"]
        rows = []
        for g, a in late:
            rows.append(
                f"<tr><td>{_e(g.id)}</td><td>{self._q(a.text)}</td><td>{self._q(a.owner)}</td>"
                f"<td>{a.due.isoformat()}</td><td class='num'>{number((self.today - a.due).days, self.lang)}</td>"
                f"<td>{_e(self.t(f'actionplan.action.{a.status}'))}</td></tr>"
            )
        return _table(head, rows, self.t, numeric={"days_late"})

    def _changes_html(self, plan, statuses) -> str:
        review = plan.last_review(self.today)
        since = review or plan.adopted
        title_key = "actionplan.section_changes" if review else "actionplan.section_changes_none"
        out = [f"<h3>{_e(self.t(title_key, date=since.isoformat()))}</h3>"]
        rows = []
        new_points = 0
        for s in statuses:
            g = s.goal
            pts = [
                p
                for p in self._series[(g.lab, g.kpi, self.municipality)]
                if p.when.date() <= self.today
            ]
            before = [p for p in pts if p.when.date() <= since]
            after = [p for p in pts if p.when.date() > since]
            new_points += len(after)
            if not after:
                continue
            from kit.journal.actionplan import goal_status

            then = before[-1] if before else None
            now = after[-1]
            then_status = (
                goal_status(g, plan.adopted, then.value, then.when.date(), since).status
                if then
                else "no_data"
            )
            fmt = lambda v, u=g.unit: format_value(v, u, self.lang)  # noqa: E731
            if then is None:
                change = "–"
            elif g.unit == "%":  # a change of a share is in percentage points
                change = f"{number(now.value - then.value, self.lang, 1)}\u00a0{self.t('actionplan.unit.pp')}"
            else:
                change = fmt(now.value - then.value)
            if then is not None and now.value > then.value:
                change = "+" + change
            info = self._kpi_info(g.lab, g.kpi)
            rows.append(
                f"<tr><td>{_e(g.id)}</td><td>{_e(info['label'])}</td>"
                f"<td class='num'>{_e(fmt(then.value) if then else '–')}"
                f"<span class='ap-date'>{then.when.date().isoformat() if then else ''}</span></td>"
                f"<td class='num'>{_e(fmt(now.value))}<span class='ap-date'>{now.when.date().isoformat()}</span></td>"
                f"<td class='num'>{_e(change)}</td>"
                f"<td>{self._badge(then_status)} → {self._badge(s.status)}</td></tr>"
            )
        if rows:
            out.append(_table(["goal", "kpi", "then", "now", "change", "status"], rows, self.t,
                              numeric={"then", "now", "change"}))  # fmt: skip
            out.append(
                f"<p>{_e(self.t('actionplan.changes_runs', n=number(new_points, self.lang)))}</p>"
            )
        else:
            out.append(f"<p>{_e(self.t('actionplan.changes_none'))}</p>")
        due = [a for _, a in plan.actions() if since < a.due <= self.today]
        if due:
            done = sum(1 for a in due if a.status in ("done", "cancelled"))
            out.append(
                f"<p>{_e(self.t('actionplan.changes_due', done=done, open=len(due) - done))}</p>"
            )
        return "".join(out)

    def _compare_html(self) -> str:
        self._load_latest({(lab, kpi, m) for lab, kpi in SHARED_KPIS for m in MUNICIPALITIES})
        head = "<tr><th>" + _e(self.t("actionplan.col.kpi")) + "</th>"
        head += "".join(f'<th class="num">{_e(m.name)}</th>' for m in MUNICIPALITIES.values())
        rows = []
        for lab, kpi in SHARED_KPIS:
            info = self._kpi_info(lab, kpi)
            cells = [
                f"<td>{_e(info['label'])}<span class='ap-date'>{_e(info['lab_title'])}</span></td>"
            ]
            for m in MUNICIPALITIES:
                p = self._latest[(lab, kpi, m)]
                if p is None:
                    cells.append(f"<td class='num ap-sub'>{_e(self.t('actionplan.no_run'))}</td>")
                    continue
                tag = self.t("actionplan.sample_tag").lstrip(", ") if p.sample else ""
                when = p.when.date().isoformat() + (f" ({tag})" if tag else "")
                cells.append(
                    f"<td class='num'>{_e(format_value(p.value, info.get('unit', ''), self.lang))}"
                    f"<span class='ap-date'>{_e(when)}</span></td>"
                )
            rows.append("<tr>" + "".join(cells) + "</tr>")
        return (
            f'<div class="testlab-dash"><h3>{_e(self.t("actionplan.section_compare"))}</h3>'
            f'<p class="testlab-note">{_e(self.t("actionplan.compare_note"))}</p>'
            f'<table class="testlab-table"><thead>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
        )

    def _map(self):
        import folium

        from kit.present.maps import offline_map

        lats = [m.centre_wgs84[0] for m in MUNICIPALITIES.values()]
        lons = [m.centre_wgs84[1] for m in MUNICIPALITIES.values()]
        fmap = offline_map(
            bounds=((min(lats) - 0.6, min(lons) - 1.5), (max(lats) + 0.6, max(lons) + 1.5)),
            lang=self.lang,
            ratio="35%",
        )
        for mid, m in MUNICIPALITIES.items():
            st = self.statuses(mid)
            with_value = [s.status for s in st if s.status != "no_data"]
            worst = next(
                (k for k in ("off_track", "at_risk", "on_track") if k in with_value), "no_data"
            )
            text = self.t(
                "actionplan.map_popup",
                name=m.name,
                on=sum(1 for s in with_value if s == "on_track"),
                n=len(st),
            )
            folium.CircleMarker(
                location=list(m.centre_wgs84),
                radius=14 if mid == self.municipality else 10,
                color="#24292f" if mid == self.municipality else STATUS_COLOURS[worst],
                weight=3 if mid == self.municipality else 1,
                fill=True,
                fill_color=STATUS_COLOURS[worst],
                fill_opacity=0.85,
                # a permanent label: the map reads even when no basemap tiles load
                tooltip=folium.Tooltip(
                    text, permanent=True, direction="left" if mid == "alingsas" else "right"
                ),
            ).add_to(fmap)
        return fmap

    # -- chart -------------------------------------------------------------------------------
    def _trend_png(self, plan, statuses) -> bytes:
        import io

        buf = io.BytesIO()
        # fast zlib level: the chart is rendered on a dashboard's first load
        self._trend_figure(plan, statuses).savefig(
            buf,
            format="png",
            dpi=100,
            metadata={"Software": None},
            pil_kwargs={"compress_level": 1},
        )
        return buf.getvalue()

    def _trend_figure(self, plan, statuses):
        import matplotlib.dates as mdates
        from matplotlib.figure import Figure
        from matplotlib.ticker import FuncFormatter, MaxNLocator

        from kit.labels import t

        n = max(1, len(statuses))
        width, row_h = 8.0, 1.55
        fig = Figure(figsize=(width, row_h * n + 0.5), dpi=100)
        fig.subplots_adjust(left=0.9 / width, right=1 - 1.4 / width, top=1 - 0.3 / (row_h * n + 0.5),
                            bottom=0.45 / (row_h * n + 0.5), hspace=0.55)  # fmt: skip
        axes = fig.subplots(n, 1, sharex=True, squeeze=False)[:, 0]
        start = min(
            [plan.adopted]
            + [
                p.when.date()
                for s in statuses
                for p in self._series[(s.goal.lab, s.goal.kpi, self.municipality)]
            ]
        )
        end = max([self.today] + [s.goal.due for s in statuses])
        for ax, s in zip(axes, statuses, strict=False):
            g = s.goal
            ax.spines[["top", "right"]].set_visible(False)
            ax.grid(axis="y", color="#e5e5e5", linewidth=0.8)
            info = self._kpi_info(g.lab, g.kpi)
            ax.set_title(f"{g.id}. {info['label']}", loc="left", fontsize=9, y=1.0)
            pts = [
                p
                for p in self._series[(g.lab, g.kpi, self.municipality)]
                if p.when.date() <= self.today
            ]
            colour = STATUS_COLOURS[s.status]
            if pts:
                x = [p.when for p in pts]
                y = [p.value for p in pts]
                ax.plot(x, y, color=colour, linewidth=1.2)
                # markers only where they can be told apart; a long series is a line
                few = len(pts) <= 120
                real = [(p.when, p.value) for p in pts if not p.sample and few]
                fake = [(p.when, p.value) for p in pts if p.sample and few]
                if fake:
                    ax.plot(*zip(*fake, strict=True), linestyle="none", marker="o", markersize=4,
                            markerfacecolor="white", markeredgecolor=colour)  # fmt: skip
                if real:
                    ax.plot(*zip(*real, strict=True), linestyle="none", marker="o", markersize=4.5,
                            color=colour)  # fmt: skip
            else:
                ax.text(0.5, 0.5, t("actionplan.chart.no_run", self.lang), ha="center",
                        va="center", transform=ax.transAxes, color="#57606a", fontsize=9)  # fmt: skip
            ax.axhline(g.baseline, color="#8c959f", linestyle="--", linewidth=1)
            ax.axhline(g.target, color="#1a7f37", linestyle="--", linewidth=1)
            ax.axvline(datetime.combine(g.due, datetime.min.time()), color="#57606a", linewidth=0.8)
            for value, key, c in (
                (g.baseline, "baseline", "#57606a"),
                (g.target, "target", "#1a7f37"),
            ):
                ax.annotate(
                    f"{t(f'actionplan.chart.{key}', self.lang)} {format_value(value, g.unit, self.lang)}",
                    (1, value), xycoords=("axes fraction", "data"), xytext=(4, 0),
                    textcoords="offset points", ha="left", va="center", fontsize=7, color=c,
                    annotation_clip=False,
                )  # fmt: skip
            ax.yaxis.set_major_formatter(
                FuncFormatter(lambda v, _p, u=g.unit: _axis_value(v, u, self.lang))
            )
            ax.yaxis.set_major_locator(MaxNLocator(4))
            ax.tick_params(labelsize=7)
        months = t("chart.month_names", self.lang).split()
        axes[-1].set_xlim(
            datetime.combine(start, datetime.min.time()) - _days(30),
            datetime.combine(end, datetime.min.time()) + _days(30),
        )
        axes[-1].xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7)))
        axes[-1].xaxis.set_major_formatter(
            FuncFormatter(
                lambda v, _p: (lambda d: f"{months[d.month - 1]} {d.year}")(mdates.num2date(v))
            )
        )
        return fig

    # -- report --------------------------------------------------------------------------------
    def report_html(self) -> str:
        """The steering-group report: one standalone HTML document, no code, no external requests."""
        plan = self.plan()
        body, compare = self._content()
        name = MUNICIPALITIES[self.municipality].name
        title = (
            name
            if isinstance(plan, Exception)
            else self.t("actionplan.report_title", plan=plan.title)
        )
        return (
            f'<!DOCTYPE html><html lang="{self.lang}"><head><meta charset="utf-8">'
            f"<title>{_e(title)}</title>"
            "<style>body{margin:24px;font-family:system-ui,sans-serif}"
            "@media print{.ap-tree>li{break-inside:avoid}img{max-width:100%}}</style>"
            f"{_CSS}</head><body>{body}{compare}</body></html>"
        )

    def export_report(self, path: str | Path) -> Path:
        """Write :meth:`report_html` to ``path`` (temporary name, then moved into place)."""
        import os
        import tempfile

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(self.report_html())
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    def export_pdf(self, path: str | Path, chromium: str = "/usr/bin/chromium") -> Path:
        """The report as PDF (A4), printed by headless Chromium through Playwright.

        Needs Playwright (in the kit's ``test`` extra) and a Chromium binary; raises
        :class:`kit.errors.MissingDependencyError` naming what is missing.
        """
        import os
        import shutil
        import tempfile

        from kit.errors import MissingDependencyError

        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            raise MissingDependencyError(
                "PDF export needs Playwright: pip install -e '.[test]' (or use the HTML report)"
            ) from None
        binary = shutil.which(chromium) or shutil.which("chromium")
        if not binary:
            raise MissingDependencyError(f"PDF export needs Chromium ({chromium} not found)")
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="testlab-pdf-") as tmp:
            page_file = self.export_report(Path(tmp) / "report.html")
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=binary, args=["--no-sandbox"])
                try:
                    page = browser.new_page()
                    page.route(
                        "**/*",
                        lambda r: (
                            r.continue_()
                            if r.request.url.startswith(("file:", "data:"))
                            else r.abort()
                        ),
                    )
                    page.goto(page_file.as_uri())
                    pdf = page.pdf(format="A4", print_background=True,
                                   margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"})  # fmt: skip
                finally:
                    browser.close()
            fd, tmp_pdf = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            with os.fdopen(fd, "wb") as fh:
                fh.write(pdf)
            os.replace(tmp_pdf, path)
        return path

    def _record_once(self, plan, statuses) -> None:
        if self._recorded:
            return
        self._recorded = True
        from kit.labs.kpi import record

        count = {s: sum(1 for x in statuses if x.status == s) for s in STATUS_COLOURS}
        record("goals_on_track", count["on_track"], unit="mål", direction="higher")
        record("goals_at_risk", count["at_risk"], unit="mål", direction="lower")
        record("goals_off_track", count["off_track"], unit="mål", direction="lower")
        record("overdue_actions", len(plan.overdue_actions(self.today)), unit="åtgärder",
               target=0, direction="lower")  # fmt: skip


# --- helpers ----------------------------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text))


def _days(n: int):
    from datetime import timedelta

    return timedelta(days=n)


def _parse_day(value: str | date) -> date:
    if isinstance(value, date):
        return value
    from kit.errors import UsageError

    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise UsageError(f"today must be a date YYYY-MM-DD, not {value!r}") from None


def _when(started: str) -> datetime:
    return datetime.fromisoformat(started).replace(tzinfo=None)


def _axis_value(v: float, unit: str, lang: str) -> str:
    if unit == "%":
        return percent(v, lang, 0)
    if unit == "kr":
        return number(v / 1000, lang, 0) + (" tkr" if lang == "sv" else "k SEK")
    return number(v, lang, 2 if unit == "skalsteg" else 0)


def _img(png: bytes) -> str:
    return f'<img alt="" style="max-width:100%" src="data:image/png;base64,{base64.b64encode(png).decode()}"/>'


def _table(cols: list[str], rows: list[str], t, numeric: set[str] = frozenset()) -> str:
    head = "".join(
        f"<th{' class=num' if c in numeric else ''}>{_e(t(f'actionplan.col.{c}'))}</th>"
        for c in cols
    )
    return f'<table class="testlab-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
