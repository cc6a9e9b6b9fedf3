"""The action-plan dashboard: statuses from the journal, side by side, report, languages."""

from __future__ import annotations

import re

import pytest

from kit.journal.store import Run, open_journal
from kit.present.views.actionplan import ActionPlanDashboard, format_value


def _run(m, day, lab="lead-times", **kpis):
    return Run(
        lab=lab,
        parameters={"municipality": m},
        started=f"{day}T08:00:00Z",
        kpis={k: {"value": v} for k, v in kpis.items()},
    )


@pytest.fixture
def journal(tmp_path):
    out = tmp_path / "runs"
    with open_journal(out) as j:
        # Linköping G1: share_within_limit baseline 94.37, target 97; adopted 2024-01-22
        j.append(_run("linkoping", "2025-03-01", share_within_limit=93.0, median_days=50))
        j.append(_run("linkoping", "2026-09-01", share_within_limit=96.9, median_days=60))
        j.append(_run("umea", "2026-09-01", lab="future-process", best_reduction_pct=21.5))
    return out


def test_statuses_come_from_the_newest_journal_value(journal):
    d = ActionPlanDashboard(
        "linkoping", "sv", journal=journal, sample_history=False, today="2026-10-01"
    )
    by_goal = {s.goal.id: s for s in d.statuses()}
    g1 = by_goal["G1"]
    # progress (96.9 − 94.37) / (97 − 94.37) = 0.962; expected (2026-09-01 − 2024-01-22) /
    # (2026-12-31 − 2024-01-22) = 953 / 1074 = 0.887: 0.962 >= 0.787, on track
    assert g1.value == 96.9 and g1.progress == pytest.approx(2.53 / 2.63)
    assert g1.expected == pytest.approx(953 / 1074) and g1.status == "on_track"
    # median 60 is worse than the baseline 55: off track
    assert by_goal["G2"].status == "off_track"
    assert by_goal["G4"].status == "no_data"


def test_page_shows_the_rule_changes_side_by_side_and_no_run_yet(journal):
    d = ActionPlanDashboard(
        "linkoping", "sv", journal=journal, sample_history=False, today="2026-10-01"
    )
    page = d.render_html()
    text = re.sub(r"<[^>]+>", " ", page)
    assert "Framsteg = (senaste värde − baslinje) / (mål − baslinje)" in text
    # the last review before 2026-10-01 is 2026-06-08: both lead-times goals changed since
    assert "Vad har hänt sedan senaste uppföljningen (2026-06-08)?" in text
    assert "93,0\u00a0%" in text and "96,9\u00a0%" in text
    # side by side: Umeå's future-process value with its run date; Alingsås has no run yet
    assert "21,5\u00a0%" in text and "2026-09-01" in text
    assert "ingen körning än" in text
    assert "leaflet" in page.lower()  # the map of the three municipalities


def test_english_page_uses_english_numbers_and_words(journal):
    d = ActionPlanDashboard(
        "linkoping", "en", journal=journal, sample_history=False, today="2026-10-01"
    )
    text = re.sub(r"<[^>]+>", " ", d.render_html())
    assert "96.9\u00a0%" in text and "On track" in text and "Off track" in text
    assert "96,9" not in text and "På rätt spår" not in text
    assert format_value(1522873, "kr", "en") == "1,522,873\u00a0SEK"
    assert format_value(1522873, "kr", "sv") == "1\u2009522\u2009873\u00a0kr"


def test_report_is_one_standalone_file_without_code_or_requests(journal, tmp_path):
    d = ActionPlanDashboard("umea", "sv", journal=journal, sample_history=False, today="2026-10-01")
    path = d.export_report(tmp_path / "rapport.html")
    doc = path.read_text(encoding="utf-8")
    assert doc.startswith("<!DOCTYPE html>") and '<html lang="sv">' in doc
    assert "<script" not in doc and not re.search(r"(src|href)=[\"']https?:", doc)
    assert "import kit" not in doc and "Styrgruppsrapport" in doc
    assert "<img" in doc  # the trend chart, embedded


def test_a_journal_that_is_not_one_is_reported_on_the_page(tmp_path):
    bad = tmp_path / "journal.sqlite"
    bad.write_text("not a journal", encoding="utf-8")
    d = ActionPlanDashboard("umea", "sv", journal=bad, sample_history=False, today="2026-10-01")
    text = d.render_html()
    assert "Körjournalen kunde inte läsas" in text and "not a results journal" in text
    assert bad.read_text(encoding="utf-8") == "not a journal"


def test_sample_history_is_labelled_and_drawn(tmp_path):
    d = ActionPlanDashboard(
        "umea",
        "sv",
        journal=tmp_path / "none",
        sample_journal=tmp_path / "sample" / "journal.sqlite",
        today="2026-10-01",
    )
    statuses = {s.goal.id: s for s in d.statuses()}
    assert (
        statuses["G1"].source == "sample" and statuses["G1"].value_date.isoformat() == "2025-01-02"
    )
    text = d.render_html()
    assert "exempelhistorik (syntetisk" in text and "(exempel)" in text


@pytest.mark.browser
def test_report_prints_to_pdf_with_chromium(journal, tmp_path):
    d = ActionPlanDashboard("umea", "en", journal=journal, sample_history=False, today="2026-10-01")
    pdf = d.export_pdf(tmp_path / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and len(pdf) > 20_000


def test_source_line_never_shows_the_servers_absolute_path(tmp_path):
    """The journal is named as the project writes it (build/…/journal.sqlite), whether or not
    it exists yet; a journal outside the project by its file name only."""
    from kit.config import project_root

    inside = project_root() / "build" / "no-runs-here"  # not created: only its name is shown
    d = ActionPlanDashboard("umea", "sv", journal=inside, sample_history=False, today="2026-10-01")
    text = d.render_html()
    assert "ingen körjournal än (build/no-runs-here/journal.sqlite saknas" in text
    assert str(project_root() / "build") not in text
    d = ActionPlanDashboard(
        "umea", "en", journal=tmp_path, sample_history=False, today="2026-10-01"
    )
    text = d.render_html()
    assert "(journal.sqlite is missing" in text and str(tmp_path) not in text
