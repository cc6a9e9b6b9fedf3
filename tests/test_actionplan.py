"""Action plans: the sample plans validate; bad plans get clear messages; the status rule by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kit.errors import DataError
from kit.journal.actionplan import check_plan, goal_status, read_plan

REPO = Path(__file__).resolve().parent.parent
CATALOGUE = {
    "lead-times": {
        "share_within_limit": {"direction": "higher", "unit": "%"},
        "median_days": {"direction": "lower", "unit": "dagar"},
        "share_complete_on_arrival": {"direction": "higher", "unit": "%"},
    },
    "future-process": {"best_reduction_pct": {"direction": "higher", "unit": "%"}},
    "innovation-capability": {"overall_change": {"direction": "higher", "unit": "skalsteg"}},
}

GOOD = """\
municipality: umea
title: Plan
adopted: 2024-01-15
review_dates: [2024-06-01, 2024-12-01]
goals:
  - id: G1
    text: Snabbare
    lab: lead-times
    kpi: median_days
    baseline: 60
    target: 40
    due: 2026-12-31
    actions:
      - {text: Gör något, owner: chef, due: 2024-05-31, status: klar}
      - {text: Gör mer, owner: chef, due: 2025-05, status: pågår}
"""


def _plan(tmp_path, text):
    path = tmp_path / "handlingsplan.yml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("m", ["alingsas", "linkoping", "umea"])
def test_the_sample_plans_are_valid_and_say_they_are_synthetic(m):
    plan = read_plan(REPO / "datasets" / m / "handlingsplan.yml", CATALOGUE, municipality=m)
    assert plan.synthetic and plan.municipality == m and len(plan.goals) >= 4
    assert {g.lab for g in plan.goals} == set(CATALOGUE)


def test_a_good_plan_is_read_with_dates_and_statuses(tmp_path):
    plan = read_plan(_plan(tmp_path, GOOD), CATALOGUE)
    g = plan.goals[0]
    assert (g.direction, g.unit, g.due) == ("lower", "dagar", date(2026, 12, 31))
    assert [(a.status, a.due) for a in g.actions] == [
        ("done", date(2024, 5, 31)),
        ("in_progress", date(2025, 5, 31)),  # YYYY-MM: the month's last day
    ]
    assert [a.text for _, a in plan.overdue_actions(date(2025, 6, 1))] == ["Gör mer"]
    assert plan.last_review(date(2024, 7, 1)) == date(2024, 6, 1)
    assert plan.last_review(date(2024, 1, 20)) is None


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("lab: lead-times", "lab: lead-time",
         ":8: goal G1: unknown lab 'lead-time'; labs and their KPIs: lead-times "
         "(share_within_limit, median_days, share_complete_on_arrival); future-process "
         "(best_reduction_pct); innovation-capability (overall_change)"),
        ("kpi: median_days", "kpi: median",
         ":9: goal G1: lab lead-times records no KPI 'median'; its KPIs: share_within_limit, "
         "median_days, share_complete_on_arrival"),
        ("target: 40", "target: 70",
         ":11: goal G1: the target 70 is above the baseline 60, but median_days (lead-times) is "
         "better when lower; the target points the wrong way"),
        ("target: 40", "target: 60", ":11: goal G1: the target equals the baseline (60)"),
        ("due: 2026-12-31", "due: 31 december",
         ":12: goal G1 due: the date '31 december' has no year; write it as YYYY-MM-DD"),
        ("due: 2026-12-31", "due: 12-31", "the date '12-31' has no year"),
        ("due: 2026-12-31", "due: 2023-12-31",
         ":12: goal G1: due 2023-12-31 is not after the plan was adopted (2024-01-15): dates in "
         "the wrong order"),
        ("[2024-06-01, 2024-12-01]", "[2024-12-01, 2024-06-01]",
         ":4: review dates in the wrong order: 2024-06-01 comes after 2024-12-01"),
        ("due: 2025-05, status", "due: 2027-05, status",
         ":15: goal G1 action 2: due 2027-05-31 is after its goal's due date 2026-12-31"),
        ("status: pågår", "status: snart", "status 'snart'; expected one of: planned, in_progress"),
        ("baseline: 60", "baseline: sextio", "goal G1 baseline: expected a number, got 'sextio'"),
    ],
)  # fmt: skip
def test_bad_plans_get_one_clear_message_with_file_and_line(tmp_path, old, new, message):
    assert old in GOOD
    path = _plan(tmp_path, GOOD.replace(old, new))
    with pytest.raises(DataError) as exc:
        read_plan(path, CATALOGUE)
    text = str(exc.value)
    assert text.startswith(str(path)) and message in text, text
    assert "\n" not in text


def test_check_plan_lists_every_problem(tmp_path):
    bad = GOOD.replace("lab: lead-times", "lab: x").replace("status: klar", "status: vet ej")
    problems = check_plan(_plan(tmp_path, bad), CATALOGUE)
    assert len(problems) == 2 and "unknown lab 'x'" in problems[0]
    assert check_plan(_plan(tmp_path, GOOD), CATALOGUE) == []


def test_plan_for_another_municipality_and_broken_yaml_are_refused(tmp_path):
    with pytest.raises(DataError, match="municipality 'umea' but the file belongs to 'alingsas'"):
        read_plan(_plan(tmp_path, GOOD), CATALOGUE, municipality="alingsas")
    with pytest.raises(DataError, match=r"handlingsplan.yml:2: not valid YAML"):
        read_plan(_plan(tmp_path, "a: [1,\n  b: {"), CATALOGUE)


def test_status_rule_computed_by_hand(tmp_path):
    plan = read_plan(_plan(tmp_path, GOOD), CATALOGUE)
    g = plan.goals[0]  # lower is better: baseline 60, target 40, adopted 2024-01-15, due 2026-12-31
    adopted, today = plan.adopted, date(2025, 6, 1)
    # half of the time gone (2024-01-15 + 546 of 1081 days = 2025-07-14): expected 546/1081
    mid = date(2025, 7, 14)
    s = goal_status(g, adopted, 52.0, mid, today)
    assert s.progress == pytest.approx(8 / 20) and s.expected == pytest.approx(546 / 1081)
    # progress 0.40 < expected 0.505 - 0.10 = 0.405: at risk
    assert s.status == "at_risk"
    assert goal_status(g, adopted, 51.8, mid, today).status == "on_track"  # 0.41 >= 0.405
    assert goal_status(g, adopted, 60.5, mid, today).status == "off_track"  # worse than baseline
    assert goal_status(g, adopted, 40.0, mid, today).status == "on_track"  # target reached
    assert goal_status(g, adopted, 38.0, mid, today).reached
    late = date(2027, 1, 1)
    assert goal_status(g, adopted, 41.0, mid, late).status == "off_track"  # due, not reached
    assert goal_status(g, adopted, None, None, today).status == "no_data"
    # before the plan started the expected progress is 0
    early = goal_status(g, adopted, 59.0, date(2023, 12, 1), today)
    assert early.expected == 0 and early.status == "on_track"
