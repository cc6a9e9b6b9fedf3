"""testlab leadtime: human table, JSON, per-case CSV, generic logs, errors."""

from __future__ import annotations

import csv
import json

import pytest

from kit.cli import main

EVENTS = """case_id,activity,timestamp
A,received,2024-01-08 09:00
A,complete,2024-01-08 10:00
A,decision,2024-03-26 14:00
B,received,2024-01-08 09:00
B,complete,2024-01-10 09:00
B,decision,2024-01-28 09:00
C,received,2024-01-08 09:00
C,complete,2024-01-08 11:00
C,decision,2024-03-16 09:00
"""
# deadlines: all received 2024-01-08 → 2024-03-18 (no holiday shift); A is 8 days late (0.4)
CASES = """case_id,case_type,fee_sek
A,bygglov,1000
B,bygglov,2000
C,bygglov,3000
"""
GENERIC = """case_id,activity,timestamp
x,Submit,2024-02-01 08:00
x,Review,2024-02-02 08:00
x,Approve,2024-02-05 08:00
y,Submit,2024-02-01 08:00
y,Approve,2024-02-03 08:00
"""


@pytest.fixture
def files(tmp_path):
    (tmp_path / "events.csv").write_text(EVENTS, encoding="utf-8")
    (tmp_path / "cases.csv").write_text(CASES, encoding="utf-8")
    (tmp_path / "generic.csv").write_text(GENERIC, encoding="utf-8")
    return tmp_path


def test_json_summary(files, capsys):
    rc = main(
        ["leadtime", str(files / "events.csv"), "--cases", str(files / "cases.csv"), "--json"]
    )
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    s = out["summary"]
    assert s["n_cases"] == 3 and s["n_decided"] == 3
    assert s["median_days"] == 68.0  # lead times 78, 20, 68
    assert s["share_within_limit"] == pytest.approx(2 / 3)
    assert s["fee_reduction_sek"] == pytest.approx(400.0)
    assert s["share_complete_on_arrival"] == pytest.approx(2 / 3)
    assert out["bottlenecks"][0]["source"] == "complete"
    assert out["bottlenecks"][0]["target"] == "decision"
    assert out["variants"][0] == {
        "variant": "received → complete → decision",
        "n_activities": 3,
        "count": 3,
        "share": 1.0,
        "median_duration_days": 68.0,  # 78 d 5 h, 20 d, 68 d (no DST change before March 31)
    }


def test_json_without_cases_has_no_fee(files, capsys):
    assert main(["leadtime", str(files / "events.csv"), "--json"]) == 0
    s = json.loads(capsys.readouterr().out)["summary"]
    assert s["fee_reduction_sek"] is None
    assert s["share_within_limit"] == pytest.approx(2 / 3)


def test_holiday_shift_option(tmp_path, capsys):
    # received Saturday 2024-01-06: deadline Saturday 2024-03-16, with the shift Monday 18th
    log = tmp_path / "weekend.csv"
    log.write_text(
        "case_id,activity,timestamp\n"
        "D,received,2024-01-06 10:00\nD,complete,2024-01-06 10:00\nD,decision,2024-03-18 10:00\n",
        encoding="utf-8",
    )
    assert main(["leadtime", str(log), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["share_within_limit"] == 0.0
    assert main(["leadtime", str(log), "--json", "--holiday-shift"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["share_within_limit"] == 1.0


def test_per_case_csv(files, capsys):
    out = files / "sub" / "per_case.csv"
    rc = main(
        [
            "leadtime",
            str(files / "events.csv"),
            "--cases",
            str(files / "cases.csv"),
            "--per-case",
            str(out),
        ]
    )
    assert rc == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == [
        "case_id",
        "case_type",
        "lead_time_days",
        "clock_start",
        "deadline",
        "decided",
        "within_limit",
        "days_late",
        "weeks_late_started",
        "fee_reduction_share",
        "fee_reduction_sek",
    ]
    a = rows[0]
    assert a["case_id"] == "A" and a["deadline"] == "2024-03-18" and a["decided"] == "2024-03-26"
    assert a["within_limit"] == "False" and float(a["days_late"]) == 8
    assert float(a["weeks_late_started"]) == 2 and float(a["fee_reduction_sek"]) == 400
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]  # no leftovers
    human = capsys.readouterr().out
    assert "median lead time (days)" in human and "68.0" in human


def test_generic_log(files, capsys):
    assert main(["leadtime", str(files / "generic.csv"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    s = out["summary"]
    assert s["n_cases"] == 2
    assert s["median_days"] == pytest.approx(3.0)  # durations 4 and 2 days
    for key in ("share_within_limit", "fee_reduction_sek", "share_complete_on_arrival"):
        assert s[key] is None
    assert [v["variant"] for v in out["variants"]] == [
        "Submit → Approve",
        "Submit → Review → Approve",
    ]
    assert out["bottlenecks"][0]["source"] == "Review"  # 3 days Review → Approve


def test_generic_log_human(files, capsys):
    assert main(["leadtime", str(files / "generic.csv")]) == 0
    text = capsys.readouterr().out
    assert "n/a" in text and "first → last event" in text


def test_missing_file_is_usage_error(files, capsys):
    assert main(["leadtime", str(files / "nope.csv")]) == 2
    assert "nope.csv: event log not found" in capsys.readouterr().err


def test_cases_decided_before_the_application_are_excluded_and_counted(files, capsys):
    # E's decision (1 March) precedes its application (10 March): a lead time of -9 days
    # "within the limit" would be wrong, so E is left out and the output says so
    log = files / "with_e.csv"
    log.write_text(EVENTS + "E,received,2024-03-10 09:00\nE,decision,2024-03-01 09:00\n")
    cases = files / "cases_e.csv"
    cases.write_text(CASES + "E,bygglov,5000\n", encoding="utf-8")
    per_case = files / "per_case_e.csv"
    argv = ["leadtime", str(log), "--cases", str(cases), "--per-case", str(per_case)]
    assert main([*argv, "--json"]) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["excluded"] == {"decision_before_received": 1}
    s = out["summary"]  # exactly the figures of A, B and C alone (test_json_summary)
    assert s["n_cases"] == 3 and s["median_days"] == 68.0
    assert s["share_within_limit"] == pytest.approx(2 / 3)
    assert s["fee_reduction_sek"] == pytest.approx(400.0)
    assert [r["case_id"] for r in csv.DictReader(per_case.open(encoding="utf-8"))] == list("ABC")
    assert captured.err.count("\n") == 1 and "decision_before_received: 1" in captured.err
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "(excluded: 1 case whose decision precedes the application;" in text
    assert f"`testlab validate {log}` lists their rows" in text


def test_validate_lists_the_rows_leadtime_excludes(files, capsys):
    log = files / "with_e.csv"
    log.write_text(EVENTS + "E,received,2024-03-10 09:00\nE,decision,2024-03-01 09:00\n")
    assert main(["validate", str(log)]) == 1
    out = capsys.readouterr().out
    assert f"{log}:11:timestamp: decision before the application was received" in out


def test_clean_log_reports_no_exclusion(files, capsys):
    assert main(["leadtime", str(files / "events.csv"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["excluded"] == {}


# what the command leaves out: libraries other commands need (statistics, simulation, Dask,
# plotting, the schema library for frames that plainly meet the contract), so its start-up
# stays small; checked in a fresh interpreter, the way a user runs it
NOT_IMPORTED = (
    "scipy",
    "statsmodels",
    "simpy",
    "distributed",
    "dask",
    "matplotlib",
    "folium",
    "pandera",
    "hypothesis",
    "papermill",
    "nbformat",
)


@pytest.mark.parametrize("extra", [[], ["--json"], ["--cases", "cases.csv"]])
def test_leadtime_does_not_import_what_it_does_not_need(files, extra):
    import subprocess
    import sys

    script = (
        "import sys, json\n"
        "from kit.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "print(json.dumps({'code': code, 'modules': sorted(sys.modules)}), file=sys.stderr)\n"
    )
    args = ["leadtime", "events.csv", *extra]
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=files,
        capture_output=True,
        text=True,
        timeout=120,
    )
    result = json.loads(done.stderr.strip().splitlines()[-1])
    assert result["code"] == 0, done.stderr
    assert "Lead times" in done.stdout or '"summary"' in done.stdout
    loaded = {name.split(".")[0] for name in result["modules"]}
    assert "pandas" in loaded  # the check itself sees imports
    assert sorted(loaded & set(NOT_IMPORTED)) == []
