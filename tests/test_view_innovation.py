"""The innovation-capability dashboard: what a manager sees, in both languages, and its Excel."""

from __future__ import annotations

import base64
import io
import re

import pytest

from kit.labs import kpi
from kit.present.views.innovation import InnovationDashboard, export_xlsx


@pytest.fixture(scope="module")
def board():
    return InnovationDashboard("umea", "sv")


def test_swedish_page_shows_figures_verdicts_reliability_and_suppression(board):
    page = board.render_html()
    assert "Innovationsförmåga före och efter – Umeå" in page
    assert "Syntetiska exempeldata" in page
    assert "+0,39\u00a0skalsteg" in page and "5\u00a0av 6" in page  # sign and Swedish decimals
    assert 'class="testlab-radar"' in page and "data:image/png;base64," in page
    assert "Wilcoxon (parvis)" in page
    assert "Ingen säker förändring" in page  # digital capability does not improve
    assert "alfa under 0,7" in page  # culture before: alpha 0.68
    assert "färre än 5 svar – visas inte" in page  # Umeå's innovation team after: 3
    assert "fritextsvar" in page and "KOMMENTAR" not in page
    assert not re.search(r"\d\.\d\d\u00a0skalsteg", page)  # no English decimals on a Swedish page


def test_kpis_are_recorded_once_for_the_selected_municipality(board):
    board.render_html()
    assert kpi.RECORDED["overall_change"]["value"] == pytest.approx(0.392, abs=1e-3)
    assert kpi.RECORDED["dimensions_improved"]["value"] == 5
    assert 3 < kpi.RECORDED["overall_after"]["value"] < 4


def test_english_page_and_all_municipalities():
    board = InnovationDashboard("all", "en")
    page = board.render_html()
    assert "All municipalities together" in page and "No clear change" in page
    assert "Mann–Whitney" in page and "+0.35\u00a0points" in page
    assert "skalsteg" not in page and "före" not in page


def test_excel_download_holds_real_numbers(board):
    from openpyxl import load_workbook

    page = board.render_html()
    uri = re.search(r'href="data:application/vnd[^;]+;base64,([^"]+)"', page).group(1)
    wb = load_workbook(io.BytesIO(base64.b64decode(uri)))
    assert wb.sheetnames == ["Poäng", "Förändring", "Per roll"]
    changes = wb["Förändring"]
    header = [c.value for c in changes[1]]
    assert "p (Holm)" in header and "Effektstorlek r" in header
    first = [c.value for c in changes[2]]
    assert isinstance(first[header.index("Förändring")], float)
    assert export_xlsx(board.result(), "en")[:2] == b"PK"


def test_unknown_municipality_is_a_usage_error():
    from kit.errors import UsageError

    with pytest.raises(UsageError, match="unknown municipality 'gotland'"):
        InnovationDashboard("gotland")


def test_a_wrong_answer_file_shows_the_problem_not_figures(tmp_path):
    bad = tmp_path / "svar.csv"
    bad.write_text("respondent_id;municipality;wave\nr1;Umeå;sen\n", encoding="utf-8")
    page = InnovationDashboard("umea", answers=bad).render_html()
    assert "Enkätsvaren kunde inte läsas" in page and "LED1" in page
    assert "testlab-radar" not in page
