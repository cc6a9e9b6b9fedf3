"""The frame every lab dashboard uses: controls, one output area, static rendering for reports.

A lab's view subclasses :class:`Dashboard`, declares its filter widgets in :meth:`controls`
and displays its content for the current selection in :meth:`render`. ``show()`` then does
the right thing where it runs:

* in Voilà and JupyterLab it shows the controls above an output area, and re-renders when a
  control changes (the browser tests rely on the CSS classes ``testlab-filter`` on every
  control and ``testlab-output`` on the output area). The output area is an ``HTML`` widget
  whose value is replaced, not an ``Output`` widget: Voilà 0.5 intermittently never finishes
  rendering a notebook that writes into an ``Output`` widget while it executes
  (voila-dashboards/voila#1428; reproduced here in about one page load in six);
* under ``testlab run`` (``TESTLAB_BATCH=1``) it renders once, straight into the cell, so the
  executed notebook and its HTML report hold the figures themselves rather than widget state.

Above the controls every dashboard links to its lab's learning piece ("Lär dig: hur läser jag
sidan?", :meth:`Dashboard.learn_link_html`): the HTML page ``testlab serve`` publishes, or the
Markdown file beside ``lab.yml`` in JupyterLab and batch reports. The lab is found from the view
module's name (``kit.present.views.leadtimes`` → ``labs/lead-times``) unless the class sets
``lab_id``; no view needs code of its own for it.
"""

from __future__ import annotations

import base64
import html
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kit.labels import DEFAULT_LANG, check_lang, number, t
from kit.labs.kpi import BATCH_ENV


def is_batch() -> bool:
    """True when a notebook runs under ``testlab run`` (static report, no live widgets)."""
    return os.environ.get(BATCH_ENV) == "1"


MIN_CASES = 10  # a KPI on fewer cases is shown greyed, "för få ärenden", not as a result


@dataclass(frozen=True)
class Kpi:
    """A key figure as shown on a card: value against target, in the better direction."""

    label: str
    value: float | None
    unit: str = ""
    target: float | None = None
    direction: str = "higher"  # or "lower": which way is better
    decimals: int = 1
    help: str = ""  # what the figure is and how it is computed: shown on hover and as an info mark
    note: str = ""  # a line under the value, e.g. what the figure compares
    n: int | None = None  # cases the figure is computed on; below MIN_CASES it is not a result

    @property
    def small_sample(self) -> bool:
        """True when the figure rests on fewer than :data:`MIN_CASES` cases (shown greyed)."""
        return self.n is not None and self.n < MIN_CASES

    @property
    def meets_target(self) -> bool | None:
        if self.value is None or self.target is None or self.small_sample:
            return None
        return (
            self.value >= self.target if self.direction == "higher" else self.value <= self.target
        )

    def formatted(self, lang: str = DEFAULT_LANG) -> str:
        """The value with its unit, in the number style of ``lang`` (sv: 94,8; en: 94.8)."""
        if self.value is None:
            return "–"
        return f"{number(self.value, lang, self.decimals)}\u00a0{self.unit}".strip()


_CARD_CSS = """
<style>
.testlab-cards{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0 16px}
.testlab-card{border:1px solid #d0d7de;border-radius:8px;padding:10px 14px;min-width:170px;
  font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#fff}
.testlab-card .lbl{font-size:13px;color:#57606a}
.testlab-card .val{font-size:26px;font-weight:600;margin:2px 0}
.testlab-card .tgt{font-size:12px;color:#57606a}
.testlab-card.ok{border-left:6px solid #1a7f37}
.testlab-card.miss{border-left:6px solid #cf222e}
.testlab-card .info{cursor:help;color:#0969da;display:inline-block;width:13px;height:13px;
  border:1.5px solid #0969da;border-radius:50%;font:italic 600 10px/13px Georgia,serif;
  text-align:center;margin-left:3px;vertical-align:1px}
.testlab-card.small{background:#f6f8fa;color:#8c959f}
.testlab-card.small .val{color:#8c959f;font-size:18px}
.testlab-card .few{font-size:12px;color:#57606a;font-style:italic}
</style>
"""


def kpi_cards_html(kpis: Sequence[Kpi], lang: str = DEFAULT_LANG) -> str:
    """HTML for a row of KPI cards; green edge when a target is met, red when missed."""
    cards = []
    for k in kpis:
        state = {True: " ok", False: " miss", None: ""}[k.meets_target]
        value = html.escape(k.formatted(lang))
        if k.small_sample:
            # a percentage of 2 cases is no result: say so instead of showing it as one
            state = " small"
            value = "–" if k.unit == "%" else value
            few = t("common.too_few_cases", lang, n=number(k.n, lang))
            value += f'<div class="few">{html.escape(few)}</div>'
        target = ""
        if k.target is not None:
            goal = Kpi(k.label, k.target, k.unit, decimals=k.decimals).formatted(lang)
            sign = "≥" if k.direction == "higher" else "≤"
            target = f'<div class="tgt">{html.escape(t("common.target", lang))}: {sign} {html.escape(goal)}</div>'
        if k.note:
            target += f'<div class="tgt note">{html.escape(k.note)}</div>'
        info, title = "", ""
        if k.help:
            title = f' title="{html.escape(k.help)}"'
            # a letter in a CSS circle: the ⓘ character is missing from common fonts (DejaVu)
            info = f' <span class="info" role="img" aria-label="{html.escape(k.help)}">i</span>'
        cards.append(
            f'<div class="testlab-card{state}"{title}><div class="lbl">{html.escape(k.label)}{info}</div>'
            f'<div class="val">{value}</div>{target}</div>'
        )
    return _CARD_CSS + '<div class="testlab-cards">' + "".join(cards) + "</div>"


_LEARN_CSS = (
    "<style>.testlab-learn-link{font:14px system-ui,-apple-system,'Segoe UI',sans-serif;"
    "margin:2px 0 8px}.testlab-learn-link a{color:#0b5cad}</style>"
)


def learn_href(lab_id: str, lang: str, cwd: Path | None = None) -> str | None:
    """Where a dashboard of ``lab_id`` finds its learning piece, seen from the kernel's folder.

    In the site ``testlab serve`` publishes (the kernel runs in the site folder, which holds the
    rendered pages), the HTML page relative to ``voila/render/``; elsewhere (JupyterLab, batch
    reports) the Markdown file: its name when the kernel runs in the lab folder, else its
    ``file:`` URI. None when the lab has no piece in that language.
    """
    from kit.config import labs_dir
    from kit.labs.learning import FILES, page_name
    from kit.labs.site import LEARN, SHARE, TEMPLATE

    cwd = cwd or Path.cwd()
    static = Path("templates") / TEMPLATE / "static" / LEARN / lang / page_name(lab_id)
    if (cwd / SHARE / "voila" / static).is_file():
        return "../" + static.as_posix()
    md = labs_dir() / lab_id / FILES[lang]
    if not md.is_file():
        return None
    return md.name if cwd.resolve() == md.parent.resolve() else md.resolve().as_uri()


# print view: the whole dashboard on A4 pages. Voilà's lab template scrolls inside fixed-height
# boxes, which would print only the first screen; let everything flow instead.
_FRAME_CSS = """
<style>
.testlab-frame{display:flex;flex-wrap:wrap;gap:6px 18px;align-items:baseline;
  font:13px system-ui,-apple-system,"Segoe UI",sans-serif;color:#57606a;margin:0 0 6px}
.testlab-frame a{color:#0969da;text-decoration:none}
.testlab-frame button{font:13px system-ui,sans-serif;cursor:pointer}
.testlab-download{font:12px system-ui,sans-serif;margin:-8px 0 14px}
.testlab-download a{color:#0969da;margin-right:14px}
@page{size:A4;margin:12mm}
@media print{
  html,body,#main,#rendered_cells,.jp-LabShell,.jp-Notebook,.jp-Cell,.jp-OutputArea,
  .jp-OutputArea-child,.jp-OutputArea-output,.widget-vbox,.widget-html,.widget-html-content,
  .lm-Widget,.jupyter-widgets,.voila-notebook{overflow:visible!important;height:auto!important;
  max-height:none!important;position:static!important;contain:none!important}
  .testlab-noprint,.testlab-filter,.testlab-download,.jp-OutputPrompt,.jp-InputPrompt{display:none!important}
  .testlab-output{width:100%!important}
  .testlab-card,.testlab-table tr,img,svg,iframe,.testlab-dash h3{break-inside:avoid}
  .testlab-processmap{max-width:100%!important;overflow:visible!important}
  .testlab-processmap svg{width:100%!important;height:auto!important}
  .testlab-processmap>div{min-width:0!important}
  body{background:#fff}
}
</style>
"""


class Dashboard:
    """Base class of a lab's dashboard; see the module docstring.

    Every dashboard gets a frame above its content (:meth:`frame_html`): a link back to the
    index, a switch to the other language, the date the data runs to and its source
    (:meth:`data_info`), and a print button; the print stylesheet prints the whole dashboard
    on A4 pages. The lab (``lab_id``, or found from the view module's name) names the served
    notebooks (``<lab>.ipynb``, ``<lab>.en.ipynb``) for the language switch and the learning
    piece the frame links to.
    """

    #: the lab folder this dashboard belongs to; None: found from the view module's name
    lab_id: str | None = None

    def __init__(self, lang: str = DEFAULT_LANG) -> None:
        self.lang = check_lang(lang)
        self._output = None

    # -- to implement ---------------------------------------------------------------------
    def controls(self) -> list:
        """The filter widgets (ipywidgets); their values are read in :meth:`render_parts`."""
        return []

    def render_parts(self) -> list:
        """The content for the current selection: HTML strings and objects with
        ``_repr_html_`` (folium maps), in display order."""
        raise NotImplementedError

    def data_info(self) -> tuple[str, str]:
        """(the date the shown data runs to, ``YYYY-MM-DD`` or "", where it comes from)."""
        return "", ""

    # -- provided ------------------------------------------------------------------------
    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def lab(self) -> str | None:
        """The id of this dashboard's lab: ``lab_id``, else the lab whose id without hyphens is
        the view module's name (``leadtimes`` → ``lead-times``); None when there is none."""
        if self.lab_id:
            return self.lab_id
        from kit.errors import KitError
        from kit.labs.folders import discover_labs

        module = type(self).__module__.rsplit(".", 1)[-1].replace("_", "")
        try:
            labs = discover_labs()
        except KitError:
            return None
        return next((lab.id for lab in labs if lab.id.replace("-", "") == module), None)

    def learn_link_html(self) -> str:
        """The "Lär dig: hur läser jag sidan?" link to the lab's learning piece ("" if none)."""
        lab = self.lab()
        href = learn_href(lab, self.lang) if lab else None
        if not href:
            return ""
        return (
            f'{_LEARN_CSS}<p class="testlab-learn-link"><a href="{html.escape(href)}" '
            f'target="_blank" rel="noopener">{html.escape(self.t("learn.dashboard_link"))}</a></p>'
        )

    def frame_html(self) -> str:
        """Links back to the index and to the other language (live pages only), the data's
        date and source, a print button."""
        links = []
        if not is_batch():
            other = "en" if self.lang == "sv" else "sv"
            index = "../../" + ("?lang=en" if self.lang == "en" else "")
            links.append(
                f'<a class="testlab-back" href="{index}">← {html.escape(self.t("frame.index"))}</a>'
            )
            lab = self.lab()
            if lab:
                name = f"{lab}.ipynb" if other == "sv" else f"{lab}.{other}.ipynb"
                links.append(
                    f'<a class="testlab-lang" hreflang="{other}" lang="{other}" href="{html.escape(name)}">'
                    f"{html.escape(t('frame.other_language', self.lang))}</a>"
                )
            links.append(
                '<button type="button" class="testlab-print" onclick="window.print()">'
                f"{html.escape(self.t('frame.print'))}</button>"
            )
        as_of, source = self.data_info()
        facts = []
        if as_of:
            facts.append(
                f'<span class="testlab-asof">{html.escape(self.t("frame.as_of", date=as_of))}</span>'
            )
        if source:
            facts.append(
                f'<span class="testlab-source">{html.escape(self.t("frame.source", source=source))}</span>'
            )
        nav = f'<span class="testlab-noprint">{" ".join(links)}</span>' if links else ""
        return (
            _FRAME_CSS
            + f'<div class="testlab-frame" lang="{self.lang}">{nav}{"".join(facts)}</div>'
            + self.learn_link_html()
        )

    def render(self) -> None:
        """Display the content into the current cell (batch reports, JupyterLab)."""
        from IPython.display import HTML, display

        display(HTML(self.frame_html()))
        for part in self.render_parts():
            display(HTML(part) if isinstance(part, str) else part)

    def render_html(self) -> str:
        """The content as one HTML string (the value of the live output area)."""
        parts = self.render_parts()
        return self.frame_html() + "".join(_part_html(part) for part in parts)

    def show(self) -> None:
        """Display the dashboard: live widgets interactively, a static render in batch runs."""
        from IPython.display import display

        if is_batch():
            self.render()
            return
        import ipywidgets as w

        controls = self.controls()
        for c in controls:
            c.add_class("testlab-filter")
            c.observe(self._on_change, names="value")
        self._output = w.HTML()
        self._output.add_class("testlab-output")
        self._output.add_class(f"testlab-lang-{self.lang}")
        box = w.VBox([w.HBox(controls, layout=w.Layout(flex_flow="row wrap")), self._output])
        self._refresh()
        display(box)

    def _on_change(self, _change: object) -> None:
        self._refresh()

    def _refresh(self) -> None:
        if self._output is not None:  # None until show(): controls built on their own
            self._output.value = self.render_html()


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(frame: Any, sheet: str = "data") -> bytes:
    """``frame`` as an Excel workbook: numbers stay numbers (not text in the page's style)."""
    import io

    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, sheet_name=sheet[:31], engine="openpyxl")
    return buffer.getvalue()


def table_download_html(frame: Any, name: str, lang: str = DEFAULT_LANG) -> str:
    """A link under a table that downloads it as ``<name>.xlsx`` (columns as shown, labelled)."""
    uri = f"data:{XLSX_MIME};base64," + base64.b64encode(xlsx_bytes(frame, name)).decode()
    label = html.escape(t("frame.download_xlsx", lang))
    return (
        f'<p class="testlab-download"><a download="{html.escape(name)}.xlsx" href="{uri}">'
        f"{label}</a></p>"
    )


def chart_download_html(name: str, lang: str = DEFAULT_LANG, *formats: str) -> str:
    """Links that download the chart they follow (inside one ``.testlab-chart`` element) as
    ``<name>.png`` (its ``<img>``) or ``<name>.svg`` (its inline ``<svg>``). The link takes
    the image from the page when clicked, so the page does not carry the image twice."""
    grab = {
        "png": "this.href=this.closest('.testlab-chart').querySelector('img').src",
        "svg": "this.href=window.URL.createObjectURL(new window.Blob([this.closest('.testlab-chart')"
        ".querySelector('svg').outerHTML],{type:'image/svg+xml'}))",
    }
    links = [
        f'<a download="{html.escape(name)}.{fmt}" href="#" onclick="{html.escape(grab[fmt])}">'
        f"{html.escape(t('frame.download_' + fmt, lang))}</a>"
        for fmt in formats
    ]
    return f'<p class="testlab-download">{"".join(links)}</p>'


def _part_html(part: object) -> str:
    if isinstance(part, str):
        return part
    to_html = getattr(part, "_repr_html_", None)
    if to_html is not None:
        return to_html()
    return f"<pre>{html.escape(str(part))}</pre>"
