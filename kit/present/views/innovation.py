"""Dashboard of the lab "Innovationsförmåga": innovation capability before and after the testlabs.

Key figures (capability after, overall change, dimensions improved), a radar chart of before
against after per dimension (one per municipality when all are selected), the change table
with test, Holm-corrected p-value, effect size and a verdict in plain words, a breakdown by
role (no figures for a group of fewer than five), notes on reliability (Cronbach's alpha) in
plain Swedish, and the tables as an Excel download with real numbers.

Data: the bundled synthetic answers of the three municipalities
(``datasets/<kommun>/survey.csv``, read together so "all" can be shown), or a team's own
answer file and questionnaire (``answers=`` / ``questionnaire=``). The analysis runs once per
dashboard; a filter change only re-renders.
"""

from __future__ import annotations

import base64
import html
import io
from typing import Any

import numpy as np
import pandas as pd

from kit.config import MUNICIPALITIES, datasets_dir
from kit.errors import KitError, UsageError
from kit.labels import DEFAULT_LANG, number
from kit.present.dashboard import Dashboard, Kpi, kpi_cards_html

ALL = "all"
SAMPLE_FILE = "survey.csv"
VERDICT_COLOURS = {
    "improved": "#1a7f37",
    "declined": "#cf222e",
    "negligible": "#57606a",
    "no_clear_change": "#57606a",
    "too_few": "#8c959f",
}

_CSS = """
<style>
.testlab-table{border-collapse:collapse;font:13px system-ui,-apple-system,"Segoe UI",sans-serif;margin:4px 0 16px}
.testlab-table th,.testlab-table td{border-bottom:1px solid #d0d7de;padding:4px 10px;text-align:left;vertical-align:top}
.testlab-table td.num,.testlab-table th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.testlab-table th{background:#f6f8fa}
.testlab-table td.suppressed{color:#57606a;font-style:italic}
.testlab-dash h2{font:600 22px system-ui,sans-serif;margin:8px 0 2px}
.testlab-dash h3{font:600 16px system-ui,sans-serif;margin:18px 0 6px}
.testlab-dash p,.testlab-dash li{font:14px/1.5 system-ui,sans-serif;max-width:60em}
.testlab-note{color:#57606a;font-size:13px}
.testlab-verdict{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px}
.testlab-reliability li.low{color:#9a6700}
</style>
"""


class InnovationDashboard(Dashboard):
    """Innovationsförmåga: survey answers before and after, with the statistics behind them.

    ``municipality``: ``alingsas``, ``linkoping``, ``umea`` or ``all`` (the three together).
    ``answers``: optional path of a team's own answer file (CSV or XLSX) instead of the
    bundled samples; ``questionnaire``: optional questionnaire YAML (default: the lab's).
    """

    lab_id = "innovation-capability"  # the module name differs from the lab id

    def __init__(
        self,
        municipality: str = "umea",
        lang: str = DEFAULT_LANG,
        *,
        answers: Any = None,
        questionnaire: Any = None,
    ) -> None:
        super().__init__(lang)
        if municipality != ALL and municipality not in MUNICIPALITIES:
            known = ", ".join([*MUNICIPALITIES, ALL])
            raise UsageError(f"unknown municipality {municipality!r}; expected one of: {known}")
        self.municipality = municipality
        self._answers_source = answers
        self._questionnaire_source = questionnaire
        self._result = None
        self._xlsx: bytes | None = None
        self._recorded = False
        self._widgets: dict[str, Any] = {}

    # -- data -------------------------------------------------------------------------------
    @property
    def synthetic(self) -> bool:
        return self._answers_source is None

    def data_info(self) -> tuple[str, str]:
        """Where the answers come from: the bundled synthetic sample or a team's own file."""
        return "", self.t("innovation.source_sample" if self.synthetic else "innovation.source_own")

    def result(self):
        """The analysis of every municipality and all together (computed once)."""
        if self._result is None:
            from kit.survey.analysis import analyse
            from kit.survey.answers import check_answers, read_answers
            from kit.survey.questionnaire import read_questionnaire

            q = read_questionnaire(self._questionnaire_source)
            if self._answers_source is not None:
                answers = read_answers(self._answers_source, q)
            else:
                answers = check_answers(_sample_raw(), q, file=str(datasets_dir()))
            self._result = analyse(answers, lang=self.lang)
        return self._result

    # -- controls ---------------------------------------------------------------------------
    def controls(self) -> list:
        import ipywidgets as w

        options = [(m.name, m.id) for m in MUNICIPALITIES.values()]
        try:
            groups = self.result().groups
            options = [(self._group_name(g), g) for g in groups]
        except KitError:
            pass
        value = self.municipality if self.municipality in [v for _, v in options] else None
        dropdown = w.Dropdown(
            options=options,
            value=value or options[0][1],
            description=self.t("innovation.dataset"),
            style={"description_width": "initial"},
        )
        self._widgets = {"municipality": dropdown}
        return [dropdown]

    def _on_change(self, change: object) -> None:
        self.municipality = self._widgets["municipality"].value
        self._refresh()

    # -- content ----------------------------------------------------------------------------
    def render_parts(self) -> list:
        try:
            result = self.result()
        except KitError as exc:
            msg = html.escape(self.t("innovation.error", error=str(exc)))
            return [_CSS + f'<div class="testlab-dash"><p class="testlab-error">{msg}</p></div>']
        group = self.municipality
        if group not in result.groups:
            group = result.groups[0]
        self._record_once(result)
        k = result.kpis(group)
        head = [
            f"<h2>{html.escape(self.t('innovation.title'))} – {html.escape(self._group_name(group))}</h2>"
        ]
        if self.synthetic:
            head.append(
                f'<p class="testlab-note">{html.escape(self.t("innovation.synthetic"))}</p>'
            )
        q = result.answers.questionnaire
        overall = result.changes[
            (result.changes["municipality"] == group) & (result.changes["dimension"] == "overall")
        ].iloc[0]
        head.append(
            '<p class="testlab-note">'
            + html.escape(
                self.t(
                    "innovation.respondents",
                    n_before=k["n_before"],
                    n_after=k["n_after"],
                    n_pairs=int(overall["n_pairs"]),
                    scale=q.scale.describe(self.lang),
                )
            )
            + "</p>"
        )
        body = [
            _CSS,
            '<div class="testlab-dash">',
            *head,
            self._kpis_html(k),
            f"<h3>{html.escape(self.t('innovation.section.radar'))}</h3>",
            self._radar_html(result, group),
            f"<h3>{html.escape(self.t('innovation.section.changes'))}</h3>",
            self._changes_table(result, group),
            f'<p class="testlab-note">{html.escape(self.t("innovation.changes.note"))}</p>',
            f"<h3>{html.escape(self.t('innovation.section.reliability'))}</h3>",
            self._reliability_html(result, group),
            f"<h3>{html.escape(self.t('innovation.section.roles'))}</h3>",
            self._roles_table(result, group),
            self._free_text_html(result, group),
            self._download_html(result),
            "</div>",
        ]
        return ["".join(body)]

    def _group_name(self, group: str) -> str:
        if group == ALL:
            return self.t("innovation.all")
        m = MUNICIPALITIES.get(group)
        return m.name if m else group

    def _record_once(self, result) -> None:
        if self._recorded:
            return
        self._recorded = True
        from kit.labs.kpi import record

        group = self.municipality if self.municipality in result.groups else result.groups[0]
        k = result.kpis(group)
        record(
            "overall_change",
            None if k["overall_change"] is None else round(k["overall_change"], 3),
            unit="skalsteg",
            direction="higher",
        )
        record(
            "dimensions_improved", k["dimensions_improved"], unit="dimensioner", direction="higher"
        )
        record(
            "overall_after",
            None if k["overall_after"] is None else round(k["overall_after"], 3),
            unit="skalsteg",
            direction="higher",
        )

    def _kpis_html(self, k: dict[str, Any]) -> str:
        points = self.t("innovation.points")
        change = Kpi(
            self.t("innovation.kpi.overall_change"),
            k["overall_change"],
            points,
            decimals=2,
            help=self.t("innovation.kpi.overall_change.help"),
        )
        cards = [
            Kpi(
                self.t("innovation.kpi.overall_after"),
                k["overall_after"],
                points,
                decimals=2,
                help=self.t("innovation.kpi.overall_after.help"),
            ),
            change,
            Kpi(
                self.t("innovation.kpi.dimensions_improved"),
                k["dimensions_improved"],
                self.t("innovation.of_n", n=k["n_dimensions"]),
                decimals=0,
                help=self.t("innovation.kpi.dimensions_improved.help"),
            ),
        ]
        out = kpi_cards_html(cards, self.lang)
        # a change is shown with its sign: +0,39 skalsteg
        if k["overall_change"] is not None and k["overall_change"] > 0:
            shown = html.escape(change.formatted(self.lang))
            out = out.replace(
                f'<div class="val">{shown}</div>', f'<div class="val">+{shown}</div>', 1
            )
        return out

    def _radar_html(self, result, group: str) -> str:
        from kit.present.charts import radar_chart

        q = result.answers.questionnaire
        groups = [g for g in result.groups if g != ALL] if group == ALL else [group]
        dims = [d.id for d in q.dimensions]
        names = [q.dimension_label(d, self.lang) for d in dims]
        panels = []
        for g in groups:
            ch = result.changes[result.changes["municipality"] == g].set_index("dimension")
            panels.append(
                (
                    self._group_name(g),
                    names,
                    ch.loc[dims, "before"].to_numpy(float),
                    ch.loc[dims, "after"].to_numpy(float),
                )
            )
        png = radar_chart(
            panels,
            scale=(q.scale.min, q.scale.max),
            labels=(self.t("innovation.before"), self.t("innovation.after")),
            fmt="png",
        )
        img = (
            f'<img class="testlab-radar" alt="{html.escape(self.t("innovation.section.radar"))}" '
            f'style="max-width:100%" src="data:image/png;base64,{base64.b64encode(png).decode()}"/>'
        )
        return img + f'<p class="testlab-note">{html.escape(self.t("innovation.radar.note"))}</p>'

    def _changes_table(self, result, group: str) -> str:
        from kit.survey.analysis import p_text

        q = result.answers.questionnaire
        cols = [
            "dimension",
            "before",
            "after",
            "diff",
            "test",
            "n_pairs",
            "p_holm",
            "effect_size",
            "verdict",
        ]
        head = "".join(
            f"<th{' class=num' if c not in ('dimension', 'test', 'verdict') else ''}>"
            f"{html.escape(self.t('innovation.col.' + c))}</th>"
            for c in cols
        )
        rows = []
        for r in result.changes[result.changes["municipality"] == group].itertuples():
            colour = VERDICT_COLOURS.get(r.verdict, "#57606a")
            effect = "–"
            if r.effect_label:
                effect = f"{self._num(r.effect_size, 2)} ({self.t('innovation.effect.' + r.effect_label)})"
            name = html.escape(q.dimension_label(r.dimension, self.lang))
            if r.dimension == "overall":
                name = f"<b>{name}</b>"
            rows.append(
                "<tr>"
                f"<td>{name}</td>"
                f'<td class="num">{self._num(r.before, 2)}</td>'
                f'<td class="num">{self._num(r.after, 2)}</td>'
                f'<td class="num">{self._signed(r.diff)}</td>'
                f"<td>{html.escape(self.t('innovation.test.' + r.test) if r.test else '–')}</td>"
                f'<td class="num">{r.n_pairs}</td>'
                f'<td class="num">{html.escape(p_text(r.p_holm, self.lang))}</td>'
                f'<td class="num">{html.escape(effect)}</td>'
                f'<td><span class="testlab-verdict" style="background:{colour}">'
                f"{html.escape(r.verdict_text)}</span></td>"
                "</tr>"
            )
        return (
            '<table class="testlab-table testlab-innovation-changes"><thead><tr>'
            + head
            + "</tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table>"
        )

    def _roles_table(self, result, group: str) -> str:
        roles = result.roles
        if not len(roles):
            return f'<p class="testlab-note">{html.escape(self.t("innovation.roles.none"))}</p>'
        q = result.answers.questionnaire
        dims = [d.id for d in q.dimensions] + ["overall"]
        part = roles[roles["municipality"] == group]
        head = (
            f"<th>{html.escape(self.t('innovation.col.role'))}</th>"
            f"<th>{html.escape(self.t('innovation.col.wave'))}</th>"
            f'<th class="num">{html.escape(self.t("innovation.col.n"))}</th>'
            + "".join(
                f'<th class="num">{html.escape(q.dimension_label(d, self.lang))}</th>' for d in dims
            )
        )
        rows = []
        for r in part.to_dict("records"):
            cells = (
                f"<td>{html.escape(self._role(r['role']))}</td>"
                f"<td>{html.escape(self.t('innovation.wave.' + r['wave']))}</td>"
                f'<td class="num">{int(r["n"])}</td>'
            )
            if isinstance(r["suppressed"], str):
                reason = self.t(f"innovation.suppressed.{r['suppressed']}")
                cells += f'<td class="suppressed" colspan="{len(dims)}">{html.escape(reason)}</td>'
            else:
                cells += "".join(f'<td class="num">{self._num(r[d], 2)}</td>' for d in dims)
            rows.append(f"<tr>{cells}</tr>")
        return (
            '<table class="testlab-table testlab-innovation-roles"><thead><tr>'
            + head
            + "</tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table>"
            + f'<p class="testlab-note">{html.escape(self.t("innovation.roles.note"))}</p>'
        )

    def _reliability_html(self, result, group: str) -> str:
        q = result.answers.questionnaire
        dims = result.dimensions
        part = dims[dims["municipality"] == group]
        items = []
        for d in q.dimensions:
            rows = part[part["dimension"] == d.id].set_index("wave")
            before, after = rows.loc["before", "alpha"], rows.loc["after", "alpha"]
            values = [v for v in (before, after) if np.isfinite(v)]
            key = "unknown" if not values else "low" if min(values) < 0.7 else "ok"
            text = self.t(
                f"innovation.reliability.{key}",
                dimension=d.label(self.lang),
                before=self._num(before, 2),
                after=self._num(after, 2),
            )
            items.append(f'<li class="{key}">{html.escape(text)}</li>')
        return (
            f"<p>{html.escape(self.t('innovation.reliability.intro'))}</p>"
            f'<ul class="testlab-reliability">{"".join(items)}</ul>'
        )

    def _free_text_html(self, result, group: str) -> str:
        n = result.free_text.get(group, 0)
        if not n:
            return ""
        return f'<p class="testlab-note">{html.escape(self.t("innovation.free_text", n=n))}</p>'

    def _download_html(self, result) -> str:
        if self._xlsx is None:  # the same workbook for every selection
            self._xlsx = export_xlsx(result, self.lang)
        data = self._xlsx
        uri = (
            "data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64,"
            + base64.b64encode(data).decode()
        )
        return (
            f'<p class="testlab-download"><a download="innovationsformaga.xlsx" href="{uri}">'
            f"{html.escape(self.t('innovation.download'))}</a></p>"
        )

    # -- formatting -------------------------------------------------------------------------
    def _num(self, value: Any, decimals: int = 2) -> str:
        if value is None or (isinstance(value, float) and not np.isfinite(value)):
            return "–"
        return number(float(value), self.lang, decimals)

    def _signed(self, value: Any) -> str:
        if value is None or not np.isfinite(value):
            return "–"
        value = round(float(value), 2) + 0.0  # no "+0,00" or "−0,00"
        text = self._num(value, 2)
        return f"+{text}" if value > 0 else text

    def _role(self, role: str) -> str:
        from kit.labels import LABELS

        key = f"innovation.role.{role}"
        return self.t(key) if key in LABELS else str(role)


def _sample_raw() -> pd.DataFrame:
    """The bundled answer files of every municipality as one raw frame."""
    from kit.data.readers import read_table

    frames = [read_table(datasets_dir() / mid / SAMPLE_FILE) for mid in MUNICIPALITIES]
    return pd.concat(frames, ignore_index=True)


def export_frames(result, lang: str = DEFAULT_LANG) -> dict[str, pd.DataFrame]:
    """The dashboard's tables with headings in ``lang`` and real numbers (not text)."""
    from kit.labels import t
    from kit.survey.analysis import CHANGE_COLUMNS, DIMENSION_COLUMNS

    q = result.answers.questionnaire

    def name(g: str) -> str:
        return (
            t("innovation.all", lang)
            if g == ALL
            else MUNICIPALITIES[g].name
            if g in MUNICIPALITIES
            else g
        )

    def relabel(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
        out = frame[columns].copy()
        if "municipality" in out:
            out["municipality"] = out["municipality"].map(name)
        if "dimension" in out:
            out["dimension"] = out["dimension"].map(lambda d: q.dimension_label(d, lang))
        if "wave" in out:
            out["wave"] = out["wave"].map(lambda w: t(f"innovation.wave.{w}", lang))
        if "test" in out:
            out["test"] = out["test"].map(
                lambda s: t(f"innovation.test.{s}", lang) if isinstance(s, str) else None
            )
        if "suppressed" in out:
            out["suppressed"] = out["suppressed"].map(
                lambda s: t(f"innovation.suppressed.{s}", lang) if isinstance(s, str) else None
            )
        if "effect_label" in out:
            out["effect_label"] = out["effect_label"].map(
                lambda s: t(f"innovation.effect.{s}", lang) if isinstance(s, str) else None
            )
        heads = {}
        for c in out.columns:
            key = f"innovation.col.{c}"
            heads[c] = (
                t(key, lang)
                if _has(key)
                else q.dimension_label(c, lang)
                if c in {d.id for d in q.dimensions} | {"overall"}
                else c
            )
        return out.rename(columns=heads)

    first = ["municipality", "dimension", "wave"]
    scores = relabel(result.dimensions, [*first, *(c for c in DIMENSION_COLUMNS if c not in first)])
    order = ["municipality", *(c for c in CHANGE_COLUMNS if c not in ("municipality", "verdict"))]
    changes = relabel(result.changes, order).rename(
        columns={"verdict_text": t("innovation.col.verdict", lang)}
    )
    roles = result.roles.copy()
    dims = [d.id for d in q.dimensions] + ["overall"]
    roles = (
        relabel(roles, ["municipality", "role", "wave", "n", *dims, "suppressed"])
        if len(roles)
        else roles
    )
    return {
        t("innovation.sheet.scores", lang): scores,
        t("innovation.sheet.changes", lang): changes,
        t("innovation.sheet.roles", lang): roles,
    }


def export_xlsx(result, lang: str = DEFAULT_LANG) -> bytes:
    """The tables as one Excel workbook (one sheet each)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for sheet, frame in export_frames(result, lang).items():
            frame.to_excel(writer, sheet_name=sheet[:31], index=False)
    return buffer.getvalue()


def _has(key: str) -> bool:
    from kit.labels import LABELS

    return key in LABELS
