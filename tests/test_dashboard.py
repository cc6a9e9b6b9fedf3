"""The dashboard frame: live HTML output area in Voilà, static render in batch runs, KPI cards."""

from __future__ import annotations

import ipywidgets as w
import pytest
from IPython.utils.capture import capture_output

from kit.present.dashboard import BATCH_ENV, Dashboard, Kpi, kpi_cards_html


class Counter(Dashboard):
    def __init__(self, lang="sv"):
        super().__init__(lang)
        self.pick = w.Dropdown(options=["a", "b"], value="a")

    def controls(self):
        return [self.pick]

    def render_parts(self):
        class Map:
            def _repr_html_(self):
                return "<iframe srcdoc='map'></iframe>"

        return [f"<p>vald: {self.pick.value}</p>", Map(), 42]


@pytest.fixture
def shell():
    from IPython.core.interactiveshell import InteractiveShell

    return InteractiveShell.instance()


def test_live_mode_uses_an_html_area_that_follows_the_filter(monkeypatch, shell):
    monkeypatch.delenv(BATCH_ENV, raising=False)
    dash = Counter()
    with capture_output() as cap:
        dash.show()
    [box] = [o for o in cap.outputs if "application/vnd.jupyter.widget-view+json" in o.data]
    area = dash._output
    assert isinstance(area, w.HTML) and "testlab-output" in area._dom_classes
    assert "testlab-filter" in dash.pick._dom_classes
    frame = dash.frame_html()
    assert area.value == frame + "<p>vald: a</p><iframe srcdoc='map'></iframe><pre>42</pre>"
    dash.pick.value = "b"
    assert area.value.startswith(frame + "<p>vald: b</p>")


def test_batch_mode_renders_into_the_cell(monkeypatch, shell):
    monkeypatch.setenv(BATCH_ENV, "1")
    with capture_output() as cap:
        Counter().show()
    html = [o.data.get("text/html", "") for o in cap.outputs]
    assert 'class="testlab-frame"' in html[0]
    assert html[1:3] == ["<p>vald: a</p>", "<iframe srcdoc='map'></iframe>"]
    assert not any("application/vnd.jupyter.widget-view+json" in o.data for o in cap.outputs)


@pytest.mark.parametrize(
    "kpi, text, state",
    [
        (Kpi("Inom frist", 94.83, "%", target=95), "94,8\u00a0%", "miss"),
        (Kpi("Inom frist", 95.0, "%", target=95), "95,0\u00a0%", "ok"),
        (
            Kpi("Median", 41.0, "dagar", target=45, direction="lower", decimals=0),
            "41\u00a0dagar",
            "ok",
        ),
        (Kpi("Avgift", 1522873.0, "kr", decimals=0), "1\u2009522\u2009873\u00a0kr", ""),
        (Kpi("Saknas", None), "–", ""),
    ],
)
def test_kpi_cards_format_swedish_numbers_and_mark_targets(kpi, text, state):
    html = kpi_cards_html([kpi])
    assert f'<div class="val">{text}</div>' in html
    assert f'class="testlab-card{" " + state if state else ""}"' in html


def test_kpi_card_target_line_in_english():
    html = kpi_cards_html([Kpi("Within", 90.0, "%", target=95)], lang="en")
    assert "Target: ≥ 95.0\u00a0%" in html  # English number style (issue 14)
    assert "90.0\u00a0%" in html


def test_numbers_follow_the_page_language():
    from kit.labels import money, number, percent

    assert number(1522873.4, "sv") == "1\u2009522\u2009873"
    assert number(1522873.4, "en") == "1,522,873"
    assert number(-0.25, "sv", 2) == "−0,25"
    assert number(float("nan"), "en") == "–"
    assert percent(94.84, "sv") == "94,8\u00a0%"
    assert percent(94.84, "en") == "94.8\u00a0%"
    assert money(1522873, "sv") == "1\u2009522\u2009873\u00a0kr"
    assert money(1522873, "en") == "1,522,873\u00a0SEK"


def test_kpi_card_explains_itself():
    html = kpi_cards_html(
        [Kpi("Median", 41.0, "dagar", help="Mediantid från inkommen till beslut")]
    )
    assert 'title="Mediantid från inkommen till beslut"' in html and 'class="info"' in html
    assert 'class="info"' not in kpi_cards_html([Kpi("Median", 41.0, "dagar")])


def test_kpi_on_too_few_cases_is_greyed_and_not_a_result():
    # 1 of 2 cases in time is "50 %": not a result to show a manager (issue 14)
    few = kpi_cards_html([Kpi("Inom frist", 50.0, "%", target=95, n=2)])
    assert 'class="testlab-card small"' in few
    assert "50,0" not in few and "för få ärenden (2)" in few
    assert Kpi("Inom frist", 50.0, "%", target=95, n=2).meets_target is None
    median = kpi_cards_html([Kpi("Median", 41.0, "days", n=9, decimals=0)], lang="en")
    assert "41\u00a0days" in median and "too few cases (9)" in median
    # ten cases are enough; no n given means the card does not know and shows the value
    enough = kpi_cards_html([Kpi("Inom frist", 50.0, "%", target=95, n=10)])
    assert 'class="testlab-card miss"' in enough and "50,0\u00a0%" in enough
    assert "card small" not in kpi_cards_html([Kpi("Inom frist", 50.0, "%")])


class Reported(Counter):
    lab_id = "toy"

    def data_info(self):
        return "2024-12-31", "Exempeldata"


def test_frame_links_back_switches_language_and_says_data_date_and_source(monkeypatch):
    monkeypatch.delenv(BATCH_ENV, raising=False)
    sv = Reported().frame_html()
    assert 'href="../../"' in sv and 'href="toy.en.ipynb"' in sv and ">In English<" in sv
    assert "Data t.o.m. 2024-12-31" in sv and "Källa: Exempeldata" in sv
    assert "window.print()" in sv and "@media print" in sv and "size:A4" in sv
    en = Reported("en").frame_html()
    assert 'href="../../?lang=en"' in en and 'href="toy.ipynb"' in en and ">På svenska<" in en
    assert "Data as of 2024-12-31" in en and "Source: Exempeldata" in en
    # a static report has no server to link back to
    monkeypatch.setenv(BATCH_ENV, "1")
    report = Reported().frame_html()
    assert "../../" not in report and "Data t.o.m. 2024-12-31" in report


def test_table_download_is_excel_with_real_numbers():
    import base64
    import io
    import re

    import openpyxl
    import pandas as pd

    from kit.present.dashboard import table_download_html

    link = table_download_html(pd.DataFrame({"Ärende": ["a", "b"], "Dagar": [1522873.5, 41]}), "t")
    uri = re.search(r'href="data:[^;]+;base64,([^"]+)"', link).group(1)
    sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(uri))).active
    assert [c.value for c in sheet[1]] == ["Ärende", "Dagar"]
    assert sheet["B2"].value == 1522873.5 and sheet["B3"].value == 41


def test_chart_download_takes_the_shown_image_and_does_not_carry_it_twice():
    from kit.present.dashboard import chart_download_html

    link = chart_download_html("trend-umea", "en", "png", "svg")
    assert 'download="trend-umea.png"' in link and 'download="trend-umea.svg"' in link
    assert "querySelector(&#x27;img&#x27;).src" in link and "outerHTML" in link
    assert "base64" not in link
    assert ">Download the chart (PNG)<" in link


@pytest.mark.parametrize(
    "module, cls",
    [
        ("leadtimes", "LeadTimeDashboard"),
        ("plancheck", "PlanCheckDashboard"),
        ("innovation", "InnovationDashboard"),
        ("future_process", "FutureProcessDashboard"),
        ("actionplan", "ActionPlanDashboard"),
    ],
)
def test_every_dashboard_names_its_data_source(module, cls, monkeypatch):
    """The frame of every lab's dashboard says where its data comes from (issue 14)."""
    import importlib

    monkeypatch.delenv(BATCH_ENV, raising=False)
    view = getattr(importlib.import_module(f"kit.present.views.{module}"), cls)
    for lang, word in (("sv", "Källa: "), ("en", "Source: ")):
        frame = view("umea", lang).frame_html()
        assert word in frame and 'class="testlab-source"' in frame
