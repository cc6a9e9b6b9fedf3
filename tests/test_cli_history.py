"""`testlab history`: the journal as text, JSON and CSV, filters, import, refusals."""

from __future__ import annotations

import csv
import io
import json

import pytest

from kit.cli import main
from kit.journal.store import Run, open_journal


@pytest.fixture
def journal(tmp_path):
    out = tmp_path / "runs"
    with open_journal(out) as j:
        for i, (lab, m, day) in enumerate(
            [
                ("lead-times", "umea", "2025-01-10"),
                ("lead-times", "alingsas", "2025-02-10"),
                ("plan-check", "umea", "2025-03-10"),
                ("lead-times", "umea", "2025-04-10"),
            ]
        ):
            j.append(
                Run(
                    lab=lab,
                    parameters={"municipality": m},
                    started=f"{day}T09:00:00Z",
                    status="ok",
                    git_revision="abc123",
                    duration_s=2.5,
                    kpis={
                        "median_days": {"value": 40 + i, "unit": "dagar", "direction": "lower"},
                        "n_cases": {"value": 100 * (i + 1), "unit": "ärenden"},
                    },
                )
            )
    return out


def test_json_lists_runs_with_their_kpis_filtered(journal, capsys):
    code = main(["history", "--out", str(journal), "--lab", "lead-times", "--kpi", "median_days",
                 "-m", "umea", "--json"])  # fmt: skip
    assert code == 0
    runs = json.loads(capsys.readouterr().out)
    assert [(r["started"], r["municipality"]) for r in runs] == [
        ("2025-01-10T09:00:00+00:00", "umea"),
        ("2025-04-10T09:00:00+00:00", "umea"),
    ]
    assert runs[1]["kpis"] == {
        "median_days": {
            "name": "median_days",
            "value": 43.0,
            "unit": "dagar",
            "target": None,
            "direction": "lower",
        }
    }
    assert runs[0]["git_revision"] == "abc123" and runs[0]["parameters"] == {"municipality": "umea"}


def test_csv_has_one_row_per_run_and_kpi(journal, capsys):
    assert main(["history", "--out", str(journal), "--since", "2025-02-01", "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 3 * 2
    assert rows[0]["lab"] == "lead-times" and rows[0]["municipality"] == "alingsas"
    assert [(r["kpi"], r["value"]) for r in rows[:2]] == [("median_days", "41"), ("n_cases", "200")]


def test_text_lists_one_line_per_run(journal, capsys):
    assert main(["history", "--out", str(journal), "--last", "2"]) == 0
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("2025-03-10 09:00  ok")
    assert "median_days=43" in lines[1] and "2 run(s)" in out.err


def test_import_manifest_then_list(tmp_path, capsys):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "runs": [
                    {
                        "lab": "toy",
                        "parameters": {"municipality": "umea"},
                        "status": "ok",
                        "started": "2024-01-01T00:00:00+00:00",
                        "kpis": {"x": {"value": 1}},
                    }
                ]
            }
        ),  # fmt: skip
        encoding="utf-8",
    )
    out = tmp_path / "runs"
    assert main(["history", "--out", str(out), "--import-manifest", str(manifest)]) == 0
    assert "imported 1 run(s)" in capsys.readouterr().err
    assert main(["history", "--out", str(out), "--json"]) == 0
    assert [r["source"] for r in json.loads(capsys.readouterr().out)] == ["manifest"]


@pytest.mark.parametrize(
    "argv, message, code",
    [
        (["--since", "1 jan"], "--since expects a date YYYY-MM-DD", 2),
        (["--last", "0"], "--last must be at least 1", 2),
        (["--json", "--csv"], "not allowed with argument", 2),
    ],
)
def test_bad_requests_are_one_line(journal, capsys, argv, message, code):
    assert _main(["history", "--out", str(journal), *argv]) == code
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_missing_journal_and_non_journal_file_are_refused(tmp_path, capsys):
    assert main(["history", "--out", str(tmp_path)]) == 2
    assert "no journal here" in capsys.readouterr().err
    (tmp_path / "journal.sqlite").write_text("not a journal", encoding="utf-8")
    assert main(["history", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "journal.sqlite: not a results journal" in err
    assert (tmp_path / "journal.sqlite").read_text(encoding="utf-8") == "not a journal"


def _main(argv):
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code
