"""Dashboard of the lab "Digital detaljplan": proposals checked automatically against a plan.

Shows how many proposals the plan check decides on its own (pass or fail) and how many still
need a case officer (manuell prövning), a map of the plan's areas with each proposal outlined
in its verdict's colour and its results in a popup, the results as tables, and download links
(CSV and Excel, as data URIs: Voilà's server does not serve other files) for the case file.

Data: the bundled sample of a municipality (``datasets/<kommun>/plan/``), or a file uploaded
in the dashboard: proposals (checked against the selected plan) or a plan (Detaljplan 4.1,
recognised by its detaljplan feature; the proposals then stay the selected ones).
"""

from __future__ import annotations

import base64
import html
import io
from typing import Any

from kit.config import MUNICIPALITIES, datasets_dir
from kit.config import municipality as get_municipality
from kit.errors import KitError, UsageError
from kit.labels import DEFAULT_LANG
from kit.present.dashboard import Dashboard, Kpi, kpi_cards_html

ALL = ""
VERDICT_COLOURS = {"pass": "#1a7f37", "fail": "#cf222e", "manual": "#bf8700"}
# fill colours of användning areas by land-use letter, after the plan map convention
USE_COLOURS = {
    "B": "#fde68a",
    "C": "#f4a261",
    "K": "#f2b5d4",
    "H": "#f28e8e",
    "J": "#b39ddb",
    "Z": "#c5b0d5",
    "S": "#9ecae1",
    "D": "#a1d99b",
    "O": "#fdd0a2",
    "P": "#d9d9d9",
    "E": "#bdbdbd",
}
OTHER_USE_COLOUR = "#e5e5e5"

_CSS = """
<style>
.testlab-table{border-collapse:collapse;font:13px system-ui,-apple-system,"Segoe UI",sans-serif;margin:4px 0 16px}
.testlab-table th,.testlab-table td{border-bottom:1px solid #d0d7de;padding:4px 10px;text-align:left;vertical-align:top}
.testlab-table td.num{text-align:right;font-variant-numeric:tabular-nums}
.testlab-table th{background:#f6f8fa}
.testlab-dash h2{font:600 22px system-ui,sans-serif;margin:8px 0 2px}
.testlab-dash h3{font:600 16px system-ui,sans-serif;margin:18px 0 6px}
.testlab-dash p{font:14px/1.5 system-ui,sans-serif;max-width:60em}
.testlab-note{color:#57606a;font-size:13px}
.testlab-status{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px}
.testlab-status.pass{background:#1a7f37}.testlab-status.fail{background:#cf222e}
.testlab-status.manual{background:#bf8700}
.testlab-legend span.sw{display:inline-block;width:14px;height:14px;border:1px solid #555;
  margin:0 4px -2px 12px}
.testlab-download a{margin-right:16px}
.testlab-error,.testlab-warning{border-left:5px solid #cf222e;background:#fff5f5;padding:8px 12px}
.testlab-warning{border-color:#bf8700;background:#fff8e5}
</style>
"""

# Prickmark drawn as dots (the plan map's own symbol): an SVG pattern the map's paths refer to.
# folium.Popup builds its content with jQuery, which the offline map leaves out; bind the
# popup from the feature's properties with plain Leaflet instead.
_BIND_POPUP_JS = (
    "function(feature, layer) { layer.bindPopup(feature.properties.popup, {maxWidth: 460}); }"
)

_PRICK_PATTERN = """
<svg width="0" height="0" style="position:absolute"><defs>
<pattern id="testlab-prick" width="6" height="6" patternUnits="userSpaceOnUse">
<rect width="6" height="6" fill="#ffffff" fill-opacity="0.5"/>
<circle cx="3" cy="3" r="1.2" fill="#333"/></pattern></defs></svg>
<style>path.testlab-prickmark{fill:url(#testlab-prick);fill-opacity:1}</style>
"""


class PlanCheckDashboard(Dashboard):
    """Digital detaljplan: building proposals checked against a digital detailed plan.

    ``municipality``: ``alingsas``, ``linkoping`` or ``umea`` (bundled sample plan and proposals).
    ``tolerance_m``: metres a footprint may cross a boundary without counting (default 0.1).
    ``plan`` / ``proposals``: optional path, bytes or parsed JSON to check instead of the
    bundled sample (tests, a municipality's own files).
    ``tiles``: basemap (see :func:`kit.present.maps.offline_map`); ``None`` for none.
    """

    lab_id = "plan-check"

    def __init__(
        self,
        municipality: str = "umea",
        lang: str = DEFAULT_LANG,
        *,
        tolerance_m: float = 0.1,
        plan: Any = None,
        proposals: Any = None,
        tiles: str | None = "default",
    ) -> None:
        super().__init__(lang)
        get_municipality(municipality)  # UsageError for an unknown id
        if tolerance_m < 0:
            raise UsageError(f"tolerance_m must be zero or more metres, got {tolerance_m}")
        self.municipality = municipality
        self.tolerance_m = float(tolerance_m)
        self.tiles = tiles
        self.proposal_filter = ALL
        self._plan_source = plan
        self._proposals_source = proposals
        self._upload: tuple[str, bytes] | None = None  # (file name, content)
        self._widgets: dict[str, Any] = {}
        self._syncing = False
        self._recorded = False
        self._cache: dict[Any, Any] = {}

    # -- data -------------------------------------------------------------------------------
    def sources(self) -> tuple[Any, Any, bool]:
        """(plan source, proposals source, synthetic?) for the current selection."""
        folder = datasets_dir() / self.municipality / "plan"
        plan = self._plan_source or folder / "detaljplan.json"
        proposals = self._proposals_source or folder / "forslag.geojson"
        synthetic = self._plan_source is None and self._proposals_source is None
        if self._upload is not None:
            name, content = self._upload
            if _is_plan(content):
                plan = content
            else:
                proposals = content
            synthetic = False
        return plan, proposals, synthetic

    def results(self):
        """(plan, results) for the current selection, computed once per source and tolerance."""
        from kit.plans.check import check_proposals
        from kit.plans.reader import read_plan, read_proposals

        plan_src, props_src, _ = self.sources()
        key = (_key(plan_src), _key(props_src), self.tolerance_m, self.lang)
        if key not in self._cache:
            if len(self._cache) > 16:
                self._cache.clear()
            plan = read_plan(plan_src)
            proposals = read_proposals(props_src, crs=plan.crs)
            results = check_proposals(plan, proposals, tolerance_m=self.tolerance_m, lang=self.lang)
            self._cache[key] = (plan, results)
        return self._cache[key]

    # -- controls ---------------------------------------------------------------------------
    def controls(self) -> list:
        import ipywidgets as w

        style = {"description_width": "initial"}
        municipality = w.Dropdown(
            options=[
                (self.t("plancheck.bundled", name=m.name), m.id) for m in MUNICIPALITIES.values()
            ],
            value=self.municipality,
            description=self.t("plancheck.dataset"),
            style=style,
        )
        upload = w.FileUpload(
            accept=".geojson,.json",
            multiple=False,
            description=self.t("plancheck.upload"),
            layout=w.Layout(width="auto"),
        )
        tolerance = w.BoundedFloatText(
            value=self.tolerance_m,
            min=0.0,
            max=5.0,
            step=0.05,
            description=self.t("plancheck.tolerance"),
            style=style,
            layout=w.Layout(width="180px"),
        )
        proposal = w.Dropdown(
            options=self._proposal_options(),
            value=ALL,
            description=self.t("plancheck.filter"),
            style=style,
        )
        self._widgets = {
            "municipality": municipality,
            "upload": upload,
            "tolerance": tolerance,
            "proposal": proposal,
        }
        return [municipality, upload, tolerance, proposal]

    def _proposal_options(self) -> list[tuple[str, str]]:
        options = [(self.t("common.all"), ALL)]
        try:
            _, results = self.results()
        except KitError:
            return options
        return options + [(r.proposal_id, r.proposal_id) for r in results]

    def _on_change(self, change: object) -> None:
        if self._syncing:
            return
        self._sync_from_widgets(change)
        self._refresh()

    def _sync_from_widgets(self, change: Any) -> None:
        wd = self._widgets
        self._syncing = True
        try:
            owner = (
                getattr(change, "owner", None)
                if not isinstance(change, dict)
                else change.get("owner")
            )
            if owner is wd["municipality"]:
                self.municipality = wd["municipality"].value
                self._upload = None
                wd["upload"].value = ()
            elif owner is wd["upload"] and wd["upload"].value:
                item = wd["upload"].value[0]
                self._upload = (item["name"], bytes(item["content"]))
            self.tolerance_m = float(wd["tolerance"].value or 0.0)
            if owner is not wd["proposal"]:
                wd["proposal"].options = self._proposal_options()
                wd["proposal"].value = ALL
            self.proposal_filter = wd["proposal"].value or ALL
        finally:
            self._syncing = False

    # -- content ----------------------------------------------------------------------------
    def data_info(self) -> tuple[str, str]:
        """Where plan and proposals come from; the date of an upload (the bundled sample
        files carry no date of their own, and a file's modification time is no data date)."""
        _, _, synthetic = self.sources()
        if synthetic:
            return "", self.t("plancheck.source_sample", path=f"datasets/{self.municipality}/plan")
        if self._upload is None:
            return "", self.t("plancheck.source_own")
        from datetime import date

        return date.today().isoformat(), self.t("plancheck.source_upload", name=self._upload[0])

    def render_parts(self) -> list:
        """The content as HTML strings and a folium map (what :meth:`render` shows).

        A file that cannot be checked (an upload with errors) gets a message in the page's
        language above the dashboard, which goes on showing the data it showed before.
        """
        from kit.plans.check import summarise

        notes: list[str] = []
        try:
            plan, results = self.results()
        except KitError as exc:
            notes.append(self._error_html(exc))
            if self._upload is None:
                return [_CSS + f'<div class="testlab-dash">{notes[0]}</div>']
            self._upload = None  # back to the data shown before the upload
            try:
                plan, results = self.results()
            except KitError:
                return [_CSS + f'<div class="testlab-dash">{notes[0]}</div>']
        _, _, synthetic = self.sources()
        where = self._placement_note(plan, results)
        if where:
            notes.append(f'<p class="testlab-warning">{html.escape(where)}</p>')
        summary = summarise(results)
        self._record_once(summary)
        shown = [
            r for r in results if not self.proposal_filter or r.proposal_id == self.proposal_filter
        ]
        head = [f"<h2>{html.escape(self.t('plancheck.title'))}</h2>"]
        plan_name = " – ".join(x for x in (plan.name, plan.designation) if x)
        if plan_name:
            head.append(f"<p>{html.escape(self.t('plancheck.plan'))}: {html.escape(plan_name)}</p>")
        if synthetic:
            head.append(f'<p class="testlab-note">{html.escape(self.t("plancheck.synthetic"))}</p>')
        parts: list = [
            _CSS
            + '<div class="testlab-dash">'
            + "".join(notes)
            + "".join(head)
            + self._kpis_html(summary)
            + "</div>"
        ]
        parts.append(self._map(plan, results))
        parts.append(
            '<div class="testlab-dash">'
            + self._legend_html()
            + f"<h3>{html.escape(self.t('plancheck.summary'))}</h3>"
            + self._summary_table(shown)
            + self._download_html(results)
            + f"<h3>{html.escape(self.t('plancheck.details'))}</h3>"
            + self._details_table(shown)
            + f'<p class="testlab-note">{html.escape(self.t("plancheck.attribution"))}</p>'
            + "</div>"
        )
        return parts

    def _record_once(self, summary: dict[str, Any]) -> None:
        if self._recorded:
            return
        self._recorded = True
        from kit.labs.kpi import record

        record("n_proposals", summary["n_proposals"], unit="förslag", direction="higher")
        record("share_pass", round(summary["share_pass"], 1), unit="%", direction="higher")
        record("share_fail", round(summary["share_fail"], 1), unit="%", direction="lower")
        record(
            "share_manual",
            round(summary["share_manual"], 1),
            unit="%",
            target=50,
            direction="lower",
        )
        record(
            "share_auto_decided",
            round(summary["share_auto_decided"], 1),
            unit="%",
            target=50,
            direction="higher",
        )

    def _error_html(self, exc: KitError) -> str:
        """The problem with a file, in the page's language (the kit's messages are English)."""
        name = self._upload[0] if self._upload else getattr(exc, "file", None) or ""
        text = self.t("plancheck.error", error=explain_error(exc, self.lang), name=name or "–")
        return f'<p class="testlab-error" role="alert">{html.escape(text)}</p>'

    def _placement_note(self, plan: Any, results: list) -> str:
        """A warning when the proposals lie far from the selected plan: which bundled plan
        they probably belong to, or that their coordinates are not SWEREF 99 TM."""
        props = [r.proposal.property for r in results if r.proposal is not None]
        if not props:
            return ""
        return placement_note(props, plan, self.municipality, self.lang)

    def _kpis_html(self, s: dict[str, Any]) -> str:
        kpis = [
            Kpi(
                self.t("plancheck.kpi.n_proposals"),
                s["n_proposals"],
                decimals=0,
                help=self.t("plancheck.help.n_proposals"),
            ),
            Kpi(
                self.t("plancheck.kpi.share_auto_decided"),
                s["share_auto_decided"],
                "%",
                target=50,
                help=self.t("plancheck.help.share_auto_decided"),
            ),
            Kpi(
                self.t("plancheck.kpi.share_pass"),
                s["share_pass"],
                "%",
                help=self.t("plancheck.help.share_pass"),
            ),
            Kpi(
                self.t("plancheck.kpi.share_fail"),
                s["share_fail"],
                "%",
                help=self.t("plancheck.help.share_fail"),
            ),
            Kpi(
                self.t("plancheck.kpi.share_manual"),
                s["share_manual"],
                "%",
                help=self.t("plancheck.help.share_manual"),
            ),
        ]
        return kpi_cards_html(kpis, self.lang)

    def _status(self, status: str) -> str:
        label = html.escape(self.t(f"plancheck.status.{status}"))
        return f'<span class="testlab-status {status}">{label}</span>'

    def _summary_table(self, results: list) -> str:
        """Per proposal: verdict, number of checks, and which rules failed or need review."""
        heads = [
            self.t("plancheck.col.proposal"),
            self.t("plancheck.col.verdict"),
            self.t("plancheck.col.n_checks"),
            self.t("plancheck.status.fail"),
            self.t("plancheck.status.manual"),
        ]
        head = "".join(f"<th>{html.escape(h)}</th>" for h in heads)
        rows = []
        for r in results:
            flagged = {
                status: ", ".join(
                    sorted(
                        {self.t(f"plancheck.rule.{c.rule}") for c in r.checks if c.status == status}
                    )
                )
                for status in ("fail", "manual")
            }
            rows.append(
                f"<tr><td>{html.escape(r.proposal_id)}</td><td>{self._status(r.verdict)}</td>"
                f'<td class="num">{len(r.checks)}</td><td>{html.escape(flagged["fail"])}</td>'
                f"<td>{html.escape(flagged['manual'])}</td></tr>"
            )
        return (
            '<table class="testlab-table testlab-plancheck-summary">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )

    def _details_table(self, results: list, *, for_popup: bool = False) -> str:
        from kit.plans.check import format_number

        def show(v: Any) -> str:
            if v is None:
                return "–"
            return format_number(float(v), self.lang) if isinstance(v, float | int) else str(v)

        keys = ("building", "rule", "status", "measured", "allowed", "message")
        if for_popup:
            keys = ("building", "rule", "status", "measured", "allowed")
        head = "".join(f"<th>{html.escape(self.t('plancheck.col.' + k))}</th>" for k in keys)
        if not for_popup:
            head = f"<th>{html.escape(self.t('plancheck.col.proposal'))}</th>" + head
        rows = []
        for r in results:
            for c in r.checks:
                unit = f" {c.unit}" if c.unit and c.measured is not None else ""
                cells = {
                    "building": html.escape(c.building or ""),
                    "rule": html.escape(self.t(f"plancheck.rule.{c.rule}")),
                    "status": self._status(c.status),
                    "measured": html.escape(show(c.measured) + unit),
                    "allowed": html.escape(
                        show(c.allowed) + (f" {c.unit}" if c.unit and c.allowed is not None else "")
                    ),
                    "message": html.escape(c.message),
                }
                first = "" if for_popup else f"<td>{html.escape(r.proposal_id)}</td>"
                rows.append(
                    "<tr>" + first + "".join(f"<td>{cells[k]}</td>" for k in keys) + "</tr>"
                )
        return f'<table class="testlab-table testlab-plancheck-details"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'

    def _download_html(self, results: list) -> str:
        csv_bytes, xlsx_bytes = export_bytes(results, self.lang)
        name = f"plankontroll-{self.municipality}"
        csv_uri = "data:text/csv;charset=utf-8;base64," + base64.b64encode(csv_bytes).decode()
        xlsx_uri = (
            "data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64,"
            + base64.b64encode(xlsx_bytes).decode()
        )
        return (
            '<p class="testlab-download">'
            f'<a download="{name}.csv" href="{csv_uri}">{html.escape(self.t("plancheck.export_csv"))}</a>'
            f'<a download="{name}.xlsx" href="{xlsx_uri}">{html.escape(self.t("plancheck.export_xlsx"))}</a>'
            "</p>"
        )

    def _legend_html(self) -> str:
        items = [
            f'<span class="sw" style="background:{USE_COLOURS[code]}"></span>'
            + html.escape(f"{code} {self.t('plancheck.use.' + code)}")
            for code in ("B", "C", "K")
        ] + [
            '<span class="sw" style="background:radial-gradient(#333 20%,#fff 25%) 0 0/5px 5px">'
            f"</span>{html.escape(self.t('plancheck.legend.prickmark'))}",
        ]
        items += [
            f'<span class="sw" style="border:3px solid {colour}"></span>'
            + html.escape(self.t(f"plancheck.status.{status}"))
            for status, colour in VERDICT_COLOURS.items()
        ]
        return f'<p class="testlab-legend testlab-note">{html.escape(self.t("plancheck.legend.use"))}: {"".join(items)}</p>'

    # -- map --------------------------------------------------------------------------------
    def _map(self, plan: Any, results: list):
        """The plan's areas under the proposals, each outlined in its verdict's colour, with
        its id on the map and its checks in a popup."""
        m = self._map_frame(plan, results)
        uses, others = _area_features(plan)
        _add_use_areas(m, plan, uses)
        _add_property_regulations(m, others)
        _add_plan_boundary(m, plan, self.t("plancheck.legend.plan"))
        for r in results:
            if r.proposal is not None:
                self._add_proposal(m, plan, r)
        return m

    def _map_frame(self, plan: Any, results: list):
        """An empty map around the plan and the proposals, with the prickmark pattern and the
        proposal label style."""
        import shapely
        from branca.element import Element

        from kit.present.maps import geometry_to_wgs84, offline_map

        area = geometry_to_wgs84(plan.geometry, plan.crs)
        geoms = [area] + [
            geometry_to_wgs84(r.proposal.property, plan.crs) for r in results if r.proposal
        ]
        west, south, east, north = shapely.total_bounds(geoms)
        m = offline_map(bounds=((south, west), (north, east)), tiles=self.tiles, lang=self.lang)
        m.get_root().html.add_child(Element(_PRICK_PATTERN))
        m.get_root().header.add_child(Element(_ID_LABEL_CSS))
        return m

    def _proposal_popup(self, r: Any) -> str:
        return (
            f"<b>{html.escape(self.t('plancheck.col.proposal'))} {html.escape(r.proposal_id)}</b>: "
            f"{html.escape(self.t(f'plancheck.status.{r.verdict}'))}"
            + _CSS
            + self._details_table([r], for_popup=True)
            + "<div style='font-size:12px'>"
            + "<br>".join(html.escape(c.message) for c in r.checks if c.status != "pass")
            + "</div>"
        )

    def _add_proposal(self, m: Any, plan: Any, r: Any) -> None:
        """One proposal: its property outlined and its buildings filled in the verdict's
        colour, a popup with its checks, and its id written on the map."""
        import folium
        from folium.utilities import JsCode
        from shapely.geometry import mapping

        from kit.present.maps import geometry_to_wgs84

        highlight = not self.proposal_filter or r.proposal_id == self.proposal_filter
        colour = VERDICT_COLOURS[r.verdict]
        popup = self._proposal_popup(r)
        verdict = self.t(f"plancheck.status.{r.verdict}")
        group = folium.FeatureGroup(name=r.proposal_id)
        shapes = [(r.proposal.property, None)] + [(b.geometry, b) for b in r.proposal.buildings]
        for geom, b in shapes:
            tip = f"{r.proposal_id}: {verdict}"
            if b is not None:
                tip = f"{b.id} ({b.anvandning or '–'}) – {tip}"
            style = (
                {
                    "color": colour,
                    "weight": 4 if highlight else 2,
                    "opacity": 1 if highlight else 0.4,
                    "fillColor": colour,
                    "fillOpacity": 0.08,
                }
                if b is None
                else {"color": colour, "weight": 2, "fillColor": colour, "fillOpacity": 0.45}
            )
            feature = {
                "type": "Feature",
                "geometry": mapping(geometry_to_wgs84(geom, plan.crs)),
                "properties": {"popup": popup},
            }
            folium.GeoJson(
                feature,
                style_function=lambda _f, st=style: st,
                tooltip=tip,
                on_each_feature=JsCode(_BIND_POPUP_JS),
            ).add_to(group)
        # the id on the map, at a point inside the property (its label in the tables)
        spot = geometry_to_wgs84(r.proposal.property.representative_point(), plan.crs)
        text = html.escape(r.proposal_id).replace("{", "&#123;").replace("}", "&#125;")
        folium.Marker(
            [spot.y, spot.x],
            icon=folium.DivIcon(
                html=f'<div class="testlab-pid" style="border-color:{colour}">{text}</div>',
                icon_size=(0, 0),
                class_name="testlab-pid-icon",
            ),
            tooltip=f"{r.proposal_id}: {verdict}",
        ).add_to(group)
        group.add_to(m)


# the proposal ids on the plan-check map
_ID_LABEL_CSS = (
    "<style>.testlab-pid-icon{background:none;border:none}"
    ".testlab-pid{transform:translate(-50%,-50%);display:inline-block;white-space:nowrap;"
    "background:rgba(255,255,255,.9);border:2px solid;border-radius:4px;padding:0 4px;"
    "font:600 11px system-ui,sans-serif;color:#1f2328}</style>"
)


def _area_features(plan: Any) -> tuple[list, list]:
    """The plan's area regulations as GeoJSON features in WGS 84: (användning, the others),
    each item ``(feature, regulation, rule)``."""
    from shapely.geometry import mapping

    from kit.present.maps import geometry_to_wgs84

    uses, others = [], []
    for reg in plan.regulations:
        if not reg.is_area:
            continue
        feature = {
            "type": "Feature",
            "geometry": mapping(geometry_to_wgs84(reg.geometry, plan.crs)),
            "properties": {"text": reg.wording, "label": reg.label or reg.letter},
        }
        rule = reg.rule.rule if reg.rule else ""
        (uses if reg.typ == "Användningsbestämmelse" else others).append((feature, reg, rule))
    return uses, others


def _add_use_areas(m: Any, plan: Any, uses: list) -> None:
    """Användning areas filled in their letter's colour (B, C, K, …)."""
    import folium

    filled: set[int] = set()  # one fill per area: B and C on one area would mix colours
    for feature, reg, _ in uses:
        colour = USE_COLOURS.get(reg.letter, OTHER_USE_COLOUR)
        area_key = plan.area_keys[reg.index]
        opacity = 0.0 if area_key in filled else 0.55
        filled.add(area_key)
        folium.GeoJson(
            feature,
            style_function=lambda _f, c=colour, o=opacity: {
                "color": "#7a6a3a",
                "weight": 1,
                "fillColor": c,
                "fillOpacity": o,
            },
            tooltip=reg.wording,
        ).add_to(m)


def _add_property_regulations(m: Any, others: list) -> None:
    """Egenskapsbestämmelser: prickmark dotted, the others dashed outlines."""
    import folium

    for feature, reg, rule in others:
        if rule == "prickmark":
            style = {
                "color": "#333",
                "weight": 1,
                "dashArray": "2 4",
                "fillColor": "#333",
                "fillOpacity": 0.25,
                "className": "testlab-prickmark",
            }
        else:
            style = {"color": "#555", "weight": 1, "dashArray": "6 4", "fillOpacity": 0}
        folium.GeoJson(feature, style_function=lambda _f, s=style: s, tooltip=reg.wording).add_to(m)


def _add_plan_boundary(m: Any, plan: Any, label: str) -> None:
    """The plan area's boundary, thick and dashed."""
    import folium
    from shapely.geometry import mapping

    from kit.present.maps import geometry_to_wgs84

    folium.GeoJson(
        mapping(geometry_to_wgs84(plan.geometry, plan.crs)),
        style_function=lambda _f: {
            "color": "#000",
            "weight": 3,
            "dashArray": "12 6",
            "fillOpacity": 0,
        },
        tooltip=label,
    ).add_to(m)


def export_bytes(results: list, lang: str = DEFAULT_LANG) -> tuple[bytes, bytes]:
    """The results (one row per check) as CSV (semicolon, UTF-8 with BOM: opens in Swedish
    Excel) and as an Excel workbook."""
    from kit.plans.check import results_frame

    frame = results_frame(results, lang)
    csv_bytes = frame.to_csv(sep=";", index=False).encode("utf-8-sig")
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, sheet_name="Plankontroll", engine="openpyxl")
    return csv_bytes, buffer.getvalue()


def write_results(
    results: list, folder: Any, lang: str = DEFAULT_LANG, stem: str = "plankontroll"
) -> list:
    """Write ``<stem>.csv`` and ``<stem>.xlsx`` into ``folder`` (e.g. ``build/plan-check``)."""
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    csv_bytes, xlsx_bytes = export_bytes(results, lang)
    paths = [folder / f"{stem}.csv", folder / f"{stem}.xlsx"]
    paths[0].write_bytes(csv_bytes)
    paths[1].write_bytes(xlsx_bytes)
    return paths


def _is_plan(content: bytes) -> bool:
    """True when an uploaded file is a detailed plan (it has a detaljplan feature)."""
    import json

    try:
        data = json.loads(bytes(content).decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError, RecursionError):  # deep JSON: not a plan
        return False
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        return False
    for f in features:
        if isinstance(f, dict):
            props = f.get("properties") or {}
            typ = str(f.get("feature:typ") or props.get("feature:typ") or "").casefold()
            if typ == "detaljplan" or "plangeometri" in props:
                return True
    return False


# (pattern in the kit's English PlanError message, label key); the first match wins
_ERRORS: tuple[tuple[str, str], ...] = (
    (r"not JSON", "plancheck.err.not_json"),
    (r"file not found|cannot read", "plancheck.err.unreadable"),
    (r"expected a GeoJSON FeatureCollection|has no 'features' list", "plancheck.err.not_geojson"),
    (r"expected a GeoJSON Feature object", "plancheck.err.not_feature"),
    (r"missing properties\.proposal_id", "plancheck.err.no_proposal_id"),
    (r"role .*expected 'fastighet' or 'byggnad'", "plancheck.err.role"),
    (r"must be a polygon", "plancheck.err.not_polygon"),
    (r"no geometry|empty geometry|malformed", "plancheck.err.no_geometry"),
    (r"invalid geometry", "plancheck.err.invalid_geometry"),
    (r"coordinate system .* differs", "plancheck.err.crs"),
    (r"is not a number|is negative", "plancheck.err.number"),
    (r"no detaljplan feature|the plan has no|do not cover", "plancheck.err.plan"),
)


def explain_error(exc: Exception, lang: str = DEFAULT_LANG) -> str:
    """A :class:`kit.errors.PlanError` as one sentence in ``lang``, with the feature number
    when the message names one (``feature 3`` is the fourth object, counted from 0)."""
    import re

    from kit.labels import t

    text = str(exc)
    key = next((k for pattern, k in _ERRORS if re.search(pattern, text)), "plancheck.err.other")
    found = re.search(r"feature (\d+)", text)
    where = t("plancheck.err.where", lang, n=int(found.group(1)) + 1) if found else ""
    return t(key, lang) + where


# how far (m) the proposals may lie from the plan before the dashboard says they belong elsewhere
FAR_M = 2_000.0
# SWEREF 99 TM covers Sweden with eastings of about 200 000–1 000 000 m and northings of about
# 6 100 000–7 700 000 m
_SWEREF_BOX = (150_000.0, 6_000_000.0, 1_050_000.0, 7_750_000.0)


def placement_note(properties: list, plan: Any, municipality: str, lang: str) -> str:
    """ "" when the proposals' properties lie within :data:`FAR_M` of ``plan``; else which
    bundled plan they are near (or that their coordinates are not SWEREF 99 TM)."""
    import shapely

    from kit.labels import number, t
    from kit.plans.reader import read_plan

    together = shapely.union_all(properties)
    distance = float(plan.geometry.distance(together))
    if distance <= FAR_M:
        return ""
    x0, y0, x1, y1 = shapely.total_bounds(properties)
    west, south, east, north = _SWEREF_BOX
    if not (west <= x0 and x1 <= east and south <= y0 and y1 <= north):
        return t("plancheck.far.not_sweref", lang)
    best = None
    for mid, m in MUNICIPALITIES.items():
        path = datasets_dir() / mid / "plan" / "detaljplan.json"
        if mid == municipality or not path.exists():
            continue
        d = float(read_plan(path).geometry.distance(together))
        if d <= FAR_M and (best is None or d < best[1]):
            best = (m.name, d)
    km = number(distance / 1000, lang, 0 if distance >= 10_000 else 1)
    if best is not None:
        return t("plancheck.far.other_plan", lang, km=km, name=best[0])
    return t("plancheck.far.unknown", lang, km=km)


def _key(source: Any) -> Any:
    if isinstance(source, bytes | bytearray):
        import hashlib

        return hashlib.sha1(source).hexdigest()
    if isinstance(source, dict):
        return id(source)
    return str(source)
