"""kit.present.views.leadtimes: the "Handläggningstid" dashboard on a hand-made fixture and on samples."""

from __future__ import annotations

import html as htmllib
import re
from types import SimpleNamespace

import pandas as pd
import pytest
from IPython.utils.capture import capture_output

from kit.data import privacy
from kit.errors import UsageError
from kit.labels import t
from kit.labs import kpi
from kit.present.views.leadtimes import ALL, LeadTimeDashboard

TZ = "Europe/Stockholm"

# Six cases, figures worked out by hand (PBL: 10 weeks for lov, 4 for anmälan):
#  A bygglov  2023-01-10 → decision 2023-02-20: 41 days, in time
#  B bygglov  2023-03-01, completion order 03-10 (within 3 weeks), supplement 04-01 = clock start,
#             deadline 04-01 + 70 = 06-10, decision 06-20: 111 days, 10 days late,
#             2 started weeks → 2/5 of 10 000 kr = 4 000 kr
#  C anmalan  2023-05-02 → start clearance 05-20: 18 days, in time (4 weeks)
#  D bygglov  2024-01-15 → decision 02-05: 21 days, in time
#  E bygglov  2024-02-01 → decision 05-01: 90 days; deadline 04-11, 20 days late,
#             3 started weeks → 3/5 of 20 000 kr = 12 000 kr
#  F bygglov  2024-03-01, still open
EVENTS = [
    ("A", "received", "2023-01-10"),
    ("A", "complete", "2023-01-10"),
    ("A", "decision", "2023-02-20"),
    ("B", "received", "2023-03-01"),
    ("B", "completion_requested", "2023-03-10"),
    ("B", "supplement_received", "2023-04-01"),
    ("B", "complete", "2023-04-01"),
    ("B", "decision", "2023-06-20"),
    ("C", "received", "2023-05-02"),
    ("C", "complete", "2023-05-02"),
    ("C", "start_clearance", "2023-05-20"),
    ("D", "received", "2024-01-15"),
    ("D", "complete", "2024-01-15"),
    ("D", "decision", "2024-02-05"),
    ("E", "received", "2024-02-01"),
    ("E", "complete", "2024-02-01"),
    ("E", "decision", "2024-05-01"),
    ("F", "received", "2024-03-01"),
]
CASES = [
    ("A", "bygglov", 5000.0, 759000.0, 7080000.0),
    ("B", "bygglov", 10000.0, 759500.0, 7080500.0),
    ("C", "anmalan", 3000.0, None, None),
    ("D", "bygglov", 5000.0, 760000.0, 7081000.0),
    ("E", "bygglov", 20000.0, 760500.0, 7081500.0),
    ("F", "bygglov", 5000.0, 761000.0, 7082000.0),
]


@pytest.fixture
def fixture_data():
    events = pd.DataFrame(EVENTS, columns=["case_id", "activity", "timestamp"])
    events["timestamp"] = pd.to_datetime(events["timestamp"]).dt.tz_localize(TZ)
    events["timestamp"] += pd.Timedelta(hours=9)
    cases = pd.DataFrame(CASES, columns=["case_id", "case_type", "fee_sek", "x", "y"])
    cases["crs"] = "EPSG:3006"
    return SimpleNamespace(events=events, cases=cases)


@pytest.fixture(scope="module", autouse=True)
def _shell():
    """An IPython shell, so display() publishes rich outputs that capture_output collects."""
    from IPython.core.interactiveshell import InteractiveShell

    return InteractiveShell.instance()


@pytest.fixture(autouse=True)
def _no_kpi_file(monkeypatch):
    monkeypatch.delenv(kpi.KPI_FILE_ENV, raising=False)
    monkeypatch.setenv(privacy.KEY_ENV, "test-key")
    kpi.RECORDED.clear()


def _rendered(dash: LeadTimeDashboard) -> str:
    with capture_output() as cap:
        dash.render()
    texts = []
    for out in cap.outputs:
        texts.append(out.data.get("text/html", ""))
    return "\n".join(texts)


def _text(html_text: str) -> str:
    """Visible text, roughly: tags and the srcdoc map document removed, entities decoded."""
    no_map = re.sub(r'srcdoc="[^"]*"', "", html_text)
    no_map = re.sub(r"<style>.*?</style>", "", no_map, flags=re.DOTALL)
    no_img = re.sub(r'src="data:[^"]*"', "", no_map)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", no_img))


def test_render_shows_hand_computed_figures(fixture_data):
    dash = LeadTimeDashboard("umea", "sv", data=fixture_data, tiles=None)
    out = _rendered(dash)
    text = _text(out)
    # 3 of 5 decided cases in time (60 %), but 5 cases are too few for a result (issue 14):
    # the share is not shown, the card is greyed and says why; the median (of 18, 21, 41, 90,
    # 111 = 41) is shown greyed
    assert "60,0\u00a0%" not in text
    assert t("common.too_few_cases", "sv", n=5) in text
    assert out.count('class="testlab-card small"') == 4  # within, median, goal, complete
    assert "41\u00a0dagar" in text
    assert t("leadtimes.meaning.too_few", "sv", n=5) in text
    # fee reduction 4 000 + 12 000
    assert "16\u2009000\u00a0kr" in text
    # the SBE goal compares the median with the 2023 baseline: 0.67 × median of 2023
    # (18, 41, 111 → 41) = 27.47, shown in whole days; the change 41/41 − 1 = 0 %
    assert t("leadtimes.kpi_goal", "sv", year=2023) in text
    assert "Mål: ≤ −33\u00a0%" in text
    assert "Median 2023: 41 dagar → nu 41 dagar; mål 27 dagar" in text
    # late cases, latest first: E (20 days) before B (10 days); no other case is late;
    # case numbers shown as keyed pseudonyms
    late = out.split(t("leadtimes.section_late", "sv"))[1].split("</table>")[0]
    rows = re.findall(r"<tr><td>([^<]+)</td>", late)
    key = privacy.load_key()
    assert rows == [privacy.pseudonym(c, key, "ÄR") for c in ("E", "B")]
    assert "12\u2009000" in late and "4\u2009000" in late
    # a map with the five cases that have coordinates (C has none), inline Leaflet
    assert "srcdoc=" in out and "L.circleMarker" in htmllib.unescape(out)
    assert t("leadtimes.map_note", "sv", n=5) in text
    # charts as embedded images, Swedish section titles
    assert out.count('<img alt="" style="max-width:100%" src="data:image/png;base64,') == 2
    for key in ("section_trend", "section_process", "section_bottlenecks", "section_meaning"):
        assert t(f"leadtimes.{key}", "sv") in text


def test_kpis_recorded_once(fixture_data):
    dash = LeadTimeDashboard("umea", "sv", data=fixture_data, tiles=None)
    _rendered(dash)
    assert kpi.RECORDED["median_days"]["value"] == 41.0
    assert kpi.RECORDED["share_within_limit"]["value"] == 60.0
    assert kpi.RECORDED["fee_reduction_sek"]["value"] == 16000.0
    assert kpi.RECORDED["n_cases"]["value"] == 6
    # complete on arrival: A, C, D, E of the six (B got a completion order; F has none)
    assert kpi.RECORDED["share_complete_on_arrival"]["value"] == pytest.approx(
        100 * 4 / 6, abs=0.01
    )
    # a second render (a filter change) does not record again
    kpi.RECORDED.clear()
    dash.case_type = "anmalan"
    _rendered(dash)
    assert kpi.RECORDED == {}


def test_filters_period_and_case_type(fixture_data):
    dash = LeadTimeDashboard(
        "umea", "sv", data=fixture_data, period_start="2024-01", period_end="2024-12", tiles=None
    )
    assert sorted(dash.selection()["case_id"]) == ["D", "E", "F"]
    _rendered(dash)
    # median of 21 and 90; the baseline (2023) is not affected by the period
    assert kpi.RECORDED["median_days"]["value"] == 55.5
    assert dash.baseline() == (2023, 41.0)

    anm = LeadTimeDashboard("umea", "en", data=fixture_data, case_type="anmalan", tiles=None)
    assert list(anm.selection()["case_id"]) == ["C"]
    assert anm.baseline() == (2023, 18.0)
    text = _text(_rendered(anm))
    assert "No decided case past the time limit." in text


def test_english_labels(fixture_data):
    text = _text(_rendered(LeadTimeDashboard("umea", "en", data=fixture_data, tiles=None)))
    for key in ("leadtimes.kpi_within", "leadtimes.kpi_median", "leadtimes.section_meaning"):
        assert t(key, "en") in text
    assert "Decided within the time limit" in text
    assert "too few cases (5)" in text
    assert "Handläggningstid" not in text.replace("Lead times", "")


def test_empty_selection_says_so(fixture_data):
    dash = LeadTimeDashboard("umea", "sv", data=fixture_data, period_start="2030-01", tiles=None)
    text = _text(_rendered(dash))
    assert t("common.no_data", "sv") in text
    assert kpi.RECORDED["n_cases"]["value"] == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"period_start": "2024-13"},
        {"period_end": "24-01"},
        {"case_type": "bygglv"},
        {"period_start": "2024-05", "period_end": "2024-01"},
    ],
)
def test_bad_parameters_are_usage_errors(fixture_data, kwargs):
    with pytest.raises(UsageError):
        LeadTimeDashboard("umea", "sv", data=fixture_data, **kwargs)


def test_unknown_municipality():
    with pytest.raises(UsageError, match="unknown municipality"):
        LeadTimeDashboard("stockholm")


def test_widgets_drive_the_selection(fixture_data):
    dash = LeadTimeDashboard("umea", "sv", data=fixture_data, tiles=None)
    controls = dash.controls()
    assert [c.value for c in controls][3] == ALL
    start, end, case_type = controls[1], controls[2], controls[3]
    # two month pickers that read as months, not codes (issue 14)
    assert start.options[0] == ("jan 2023", "2023-01") and end.options[-1] == (
        "mar 2024",
        "2024-03",
    )
    assert (start.value, end.value) == ("2023-01", "2024-03")
    case_type.value = "bygglov"
    start.value, end.value = "2023-03", "2024-02"
    dash._sync_from_widgets()
    assert sorted(dash.selection()["case_id"]) == ["B", "D", "E"]
    # a start after the end moves the end along
    start.value = "2024-03"
    dash._sync_from_widgets()
    assert (dash.period_start, end.value) == ("2024-03", "2024-03")
    assert list(dash.selection()["case_id"]) == ["F"]
    assert ("Alla", ALL) in case_type.options and ("Anmälan", "anmalan") in case_type.options


# --- on the bundled samples (when the data engineer has generated them) ----------------------


def _has_sample(mid: str) -> bool:
    from kit.config import datasets_dir

    return (datasets_dir() / mid / "events.csv").is_file()


@pytest.mark.skipif(not _has_sample("umea"), reason="sample data not generated yet")
def test_sample_umea_renders_and_switches_municipality():
    dash = LeadTimeDashboard("umea", "sv", tiles=None)
    out = _rendered(dash)
    text = _text(out)
    n = len(dash.selection())
    assert n > 100
    assert kpi.RECORDED["n_cases"]["value"] == n
    assert t("common.synthetic_data", "sv") in text
    # the latest cases are listed by pseudonym, never by their case number (diarienummer)
    sel = dash.selection()
    latest = sel.sort_values("days_late", ascending=False).head(5)["case_id"].astype(str)
    key = privacy.load_key()
    for raw in latest:
        assert privacy.pseudonym(raw, key, "ÄR") in text
        assert raw not in htmllib.unescape(out)
    if _has_sample("linkoping"):
        controls = dash.controls()
        controls[0].value = "linkoping"
        dash._sync_from_widgets()
        assert dash.municipality == "linkoping"
        assert [v for _, v in controls[1].options] == dash.prepared().months
        assert controls[2].value == dash.prepared().months[-1]
        assert "Linköping" in _text(_rendered(dash))
