"""Errors and exit codes, the same in every command (README, "Errors and exit codes").

Exit 2 = bad request (unknown option or value, missing file, an output that would replace an
input, nothing done); exit 1 = bad data or failed work. The message is one line,
``testlab COMMAND: file[:row[:column]]: message``, and never a traceback.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kit.cli import main

REPO = Path(__file__).resolve().parent.parent
BAD = REPO / "tests" / "bad_input"
PLAN = str(REPO / "datasets" / "umea" / "plan" / "detaljplan.json")

EVENTS = """case_id,activity,timestamp
A,received,2024-01-08 09:00
A,decision,2024-01-28 09:00
"""


def _xlsx_bytes() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["case_id", "activity", "timestamp"])
    ws.append(["A", "received", "2024-01-08"])
    ws.append(["A", "decision", "2024-01-28"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def make_zip_bomb(path: Path, megabytes: int = 200) -> Path:
    """A valid workbook whose sheet XML inflates to ``megabytes`` MB (about 1 MB on disk)."""
    source = zipfile.ZipFile(io.BytesIO(_xlsx_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                out.writestr(info, source.read(info.filename))
                continue
            with out.open(info.filename, "w", force_zip64=True) as fh:
                fh.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats')
                fh.write(b'.org/spreadsheetml/2006/main"><sheetData>')
                chunk = b"<!-- " + b"x" * (1 << 20) + b" -->"
                for _ in range(megabytes):
                    fh.write(chunk)
                fh.write(b"</sheetData></worksheet>")
    return path


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("exit-codes")
    (root / "events.csv").write_text(EVENTS, encoding="utf-8")
    (root / "cases.csv").write_text("case_id,case_type\nA,bygglov\n", encoding="utf-8")
    make_zip_bomb(root / "bomb.xlsx")
    return root


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# (id, argv with {w} = the work folder, exit code, text the one error line must hold)
CASES = [
    # serve
    ("serve-pool-format", ["serve", "--pool", "lead-times"], 2, "expected DASHBOARD=N"),
    (
        "serve-pool-unknown",
        ["serve", "--pool", "nope=3", "--dir", "{w}/site", "--port", "8897"],
        2,
        "--pool: no dashboard nope; dashboards: toy, toy.en",
    ),
    # validate
    ("validate-missing", ["validate", "{w}/nope.csv"], 2, "{w}/nope.csv: file not found"),
    ("validate-dir", ["validate", "{w}"], 2, "is a directory"),
    (
        "validate-missing-mapping",
        ["validate", "{w}/events.csv", "--mapping", "{w}/nope.yml"],
        2,
        "mapping file not found",
    ),
    ("validate-kind", ["validate", "{w}/events.csv", "--kind", "x"], 2, "invalid choice"),
    # leadtime
    ("leadtime-missing", ["leadtime", "{w}/nope.csv"], 2, "{w}/nope.csv: event log not found"),
    (
        "leadtime-missing-cases",
        ["leadtime", "{w}/events.csv", "--cases", "{w}/nope.csv"],
        2,
        "{w}/nope.csv: cases file not found",
    ),
    (
        "leadtime-per-case-over-events",
        ["leadtime", "{w}/events.csv", "--per-case", "{w}/events.csv"],
        2,
        "would overwrite the input file",
    ),
    (
        "leadtime-per-case-over-events-other-spelling",
        ["leadtime", "{w}/events.csv", "--per-case", "{w}/../{n}/./events.csv"],
        2,
        "would overwrite the input file",
    ),
    (
        "leadtime-per-case-over-cases",
        ["leadtime", "{w}/events.csv", "--cases", "{w}/cases.csv", "--per-case", "{w}/cases.csv"],
        2,
        "would overwrite the input file",
    ),
    ("leadtime-option", ["leadtime", "{w}/events.csv", "--nope"], 2, "unrecognized arguments"),
    (
        "leadtime-9999",
        ["leadtime", f"{BAD}/date_9999.csv"],
        1,
        f"{BAD}/date_9999.csv:2:timestamp: timestamp 9999-12-31 is outside the plausible range",
    ),
    (
        "leadtime-1600",
        ["leadtime", f"{BAD}/date_1600.csv"],
        1,
        f"{BAD}/date_1600.csv:1:timestamp: timestamp 1600-01-01 is outside the plausible range",
    ),
    (
        "leadtime-malformed-sheet",
        ["leadtime", f"{BAD}/malformed_sheet.xlsx"],
        1,
        f"{BAD}/malformed_sheet.xlsx: not a readable .xlsx workbook: the sheet is malformed",
    ),
    (
        "leadtime-zip-bomb",
        ["leadtime", "{w}/bomb.xlsx"],
        1,
        "{w}/bomb.xlsx: workbook inflates to 200 MB, more than the 100 MB the reader accepts",
    ),
    (
        "leadtime-only-decisions-before-application",
        ["leadtime", f"{BAD}/decision_before_received.csv"],
        1,
        "no case left to measure",
    ),
    # plancheck
    ("plancheck-missing-plan", ["plancheck", "{w}/nope.json", PLAN], 2, "plan file not found"),
    (
        "plancheck-missing-proposals",
        ["plancheck", PLAN, "{w}/nope.geojson"],
        2,
        "{w}/nope.geojson: proposals file not found",
    ),
    ("plancheck-tolerance", ["plancheck", PLAN, PLAN, "--tolerance", "lite"], 2, "metres"),
    # synth
    (
        "synth-personal-data-without-out",
        ["synth", "-m", "alingsas", "--with-personal-data"],
        2,
        "--with-personal-data needs --out DIR outside the datasets folder",
    ),
    (
        "synth-personal-data-into-datasets",
        ["synth", "-m", "alingsas", "--with-personal-data", "--out", "{d}/sub"],
        2,
        "is inside the datasets folder",
    ),
    ("synth-cases", ["synth", "--cases", "0"], 2, "expected a positive number"),
    # new
    ("new-long-name", ["new", "a" * 300], 2, "pattern [a-z][a-z0-9]*(-[a-z0-9]+)*"),
    ("new-slash", ["new", "a/b"], 2, "at most 40 characters"),
    ("new-space", ["new", "a b"], 2, "lower-case letters and digits joined by hyphens"),
    ("new-empty-title", ["new", "ok", "--title", " \n "], 2, "the title is empty"),
    # list
    ("list-lang", ["list", "--lang", "fi"], 2, "invalid choice"),
    ("list-extra", ["list", "extra"], 2, "unrecognized arguments"),
    # run
    ("run-unknown-lab", ["run", "no-such-lab"], 2, "unknown lab 'no-such-lab'"),
    ("run-jobs", ["run", "toy", "--jobs", "0"], 2, "--jobs must be at least 1"),
    ("run-parameter", ["run", "toy", "-p", "nope", "1"], 2, "has no parameter 'nope'"),
    ("run-out-is-a-file", ["run", "toy", "--out", "{w}/events.csv"], 2, "must be a folder"),
    # simulate and survey (the same rules as the commands above)
    ("simulate-missing", ["simulate", "{w}/nope.csv"], 2, "{w}/nope.csv: events file not found"),
    (
        "simulate-log-out-over-events",
        ["simulate", "{w}/events.csv", "--log-out", "{w}/events.csv"],
        2,
        "would overwrite the input file",
    ),
    ("survey-missing", ["survey", "{w}/nope.csv"], 2, "{w}/nope.csv: answers file not found"),
    (
        "survey-template-over-questionnaire",
        ["survey", "--questionnaire", "{w}/cases.csv", "--template", "{w}/cases.csv"],
        2,
        "would overwrite the input file",
    ),
    ("unknown-command", ["frobnicate"], 2, "invalid choice"),
]


@pytest.mark.parametrize(
    ("argv", "code", "text"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_every_command_one_line_and_its_exit_code(
    argv, code, text, work, toy_project, tmp_path, monkeypatch, capsys
):
    datasets = tmp_path / "datasets"
    datasets.mkdir()
    monkeypatch.setenv("TESTLAB_DATASETS", str(datasets))
    fill = {"w": str(work), "n": work.name, "d": str(datasets)}
    argv = [a.format(**fill) if "{" in a else a for a in argv]
    before = _digest(work), _digest(toy_project / "labs")
    try:
        got = main(argv)
    except SystemExit as exc:  # argparse: usage errors
        got = exc.code
    out, err = capsys.readouterr()
    assert got == code, err
    assert "Traceback" not in out + err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert text.format(**fill) in lines[0]
    assert lines[0].startswith("testlab")
    # nothing written: inputs unchanged, no lab created, no (personal) data in datasets/
    assert (_digest(work), _digest(toy_project / "labs")) == before
    assert not any(datasets.iterdir())


def test_a_real_process_prints_one_line_and_no_traceback(work):
    """The installed entry point, not only main(): what a user's terminal shows."""
    for argv, code in (
        (["leadtime", str(BAD / "date_9999.csv")], 1),
        (["validate", str(work / "nope.csv")], 2),
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "kit.cli", *argv],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=120,
        )
        assert proc.returncode == code
        assert "Traceback" not in proc.stderr
        assert proc.stderr.count("\n") == 1, proc.stderr
