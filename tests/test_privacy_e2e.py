"""No personnummer or applicant name ever leaves the kit.

The bundled samples are copied and seeded with synthetic personnummer, samordningsnummer and
organisation numbers (in columns and in free text, in several spellings) and applicant names.
Every lab runs on them, and every CLI command that reads case data prints JSON or writes files;
none of the seeded values may appear in any executed notebook, HTML report, manifest, JSON
output or written file.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from kit.cli import main
from kit.labs.runner import run_labs

pytestmark = pytest.mark.labs
REPO = Path(__file__).resolve().parent.parent


def luhn_digit(nine: str) -> str:
    """Check digit over nine digits, weights 2,1,2,... (computed here independently of kit)."""
    total = 0
    for i, ch in enumerate(nine):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def personnummer(rng: random.Random, coordination: bool = False) -> tuple[str, str]:
    """(YYYYMMDD-NNNC, YYMMDDNNNC) for a synthetic person."""
    year, month, day = rng.randint(1940, 2004), rng.randint(1, 12), rng.randint(1, 28)
    day += 60 if coordination else 0
    serial = f"{rng.randint(0, 999):03d}"
    nine = f"{year % 100:02d}{month:02d}{day:02d}{serial}"
    ten = nine + luhn_digit(nine)
    return f"{year}{month:02d}{day:02d}-{ten[6:]}", ten


def org_number(rng: random.Random) -> str:
    nine = f"55{rng.randint(0, 9999999):07d}"
    ten = nine + luhn_digit(nine)
    return f"{ten[:6]}-{ten[6:]}"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    rng = random.Random(1849)
    root = tmp_path_factory.mktemp("seeded")
    datasets = root / "datasets"
    secrets: set[str] = set()
    for m in ("alingsas", "linkoping", "umea"):
        src = REPO / "datasets" / m
        shutil.copytree(src, datasets / m)
        cases = pd.read_csv(src / "cases.csv", dtype=str, keep_default_na=False)
        ids, notes = [], []
        for i in range(len(cases)):
            kind = i % 3
            if kind == 2:
                value = org_number(rng)
                secrets.add(value.replace("-", ""))
                ids.append(value)
                notes.append(f"Sökande bolag {value}, kontakt via e-post")
            else:
                twelve, ten = personnummer(rng, coordination=kind == 1)
                secrets.add(ten)
                ids.append(twelve if i % 2 else f"{ten[:6]}-{ten[6:]}")
                notes.append(f"Ring sökande ({ten}) om kompletteringen")
        cases["applicant_id"] = ids
        cases["note"] = notes
        names = cases.get("applicant_name")
        if names is not None:
            secrets.update(n for n in names if len(n) > 5)
        cases.to_csv(datasets / m / "cases.csv", index=False)
        events = pd.read_csv(src / "events.csv", dtype=str, keep_default_na=False)
        comment = [""] * len(events)
        for j in range(0, len(events), 7):
            twelve, ten = personnummer(rng)
            secrets.add(ten)
            comment[j] = f"Handläggare ringde {twelve}"
        events["comment"] = comment
        events.to_csv(datasets / m / "events.csv", index=False)
        plan_dir = datasets / m / "plan"
        if plan_dir.exists():
            for path in plan_dir.glob("*.geojson"):
                doc = json.loads(path.read_text(encoding="utf-8"))
                for feature in doc["features"]:
                    twelve, ten = personnummer(rng)
                    secrets.add(ten)
                    feature["properties"]["sokande_pnr"] = twelve
                path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        survey = datasets / m / "survey.csv"
        if survey.exists():  # respondent ids and free text holding personnummer
            answers = pd.read_csv(
                survey, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig"
            )
            ids = {rid: personnummer(rng)[1] for rid in answers["respondent_id"].unique()}
            secrets.update(ids.values())
            answers["respondent_id"] = answers["respondent_id"].map(ids)
            answers["KOMMENTAR"] = "Ring mig, " + answers["respondent_id"]
            answers.to_csv(survey, sep=";", index=False)
    return root, datasets, secrets


NUMBER = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+]?\d{4}(?!\d)")
NAME = re.compile(
    r"[A-ZÅÄÖÉ][a-zåäöé]+(?:-[A-ZÅÄÖ][a-zåäöé]+)? [A-ZÅÄÖÉ][a-zåäöé]+(?:-[A-ZÅÄÖ][a-zåäöé]+)?"
)


def _leaks(text: str, secrets: set[str]) -> list[str]:
    """Seeded values found in ``text``, whatever their spelling (10/12 digits, with or without -)."""
    found = set()
    for m in NUMBER.finditer(text):
        digits = re.sub(r"\D", "", m.group())[-10:]
        if digits in secrets:
            found.add(digits)
    found.update(n for n in NAME.findall(text) if n in secrets)
    # names of another shape (companies: "Öberg Fastigheter AB") are few: look for them directly
    found.update(s for s in secrets if not s.isdigit() and not NAME.fullmatch(s) and s in text)
    return sorted(found)


def test_leak_finder_sees_every_spelling():
    secrets = {"8507099805", "Anna Svensson", "Öberg Fastigheter AB"}
    text = "a 19850709-9805 b 850709+9805 c Anna Svensson d Öberg Fastigheter AB e 8507099806"
    assert _leaks(text, secrets) == ["8507099805", "Anna Svensson", "Öberg Fastigheter AB"]
    assert _leaks("BN 2023-000123 Anna Svenson", secrets) == []


def test_labs_and_cli_never_show_personal_data(seeded, monkeypatch, capsys):
    root, datasets, secrets = seeded
    monkeypatch.setenv("TESTLAB_DATASETS", str(datasets))
    out = root / "runs"
    summary = run_labs(jobs=2, out=out, progress=False)
    assert [r.error for r in summary.failed] == []

    texts: dict[str, str] = {}
    for path in out.rglob("*"):
        if path.is_file():
            texts[str(path)] = path.read_text(encoding="utf-8", errors="ignore")

    umea = datasets / "umea"
    per_case = root / "per_case.csv"
    commands = [
        ["validate", str(umea / "cases.csv"), "--json"],
        ["validate", str(umea / "events.csv"), "--json"],
        ["validate", str(umea / "cases.csv")],
        [
            "leadtime",
            str(umea / "events.csv"),
            "--cases",
            str(umea / "cases.csv"),
            "--json",
            "--per-case",
            str(per_case),
        ],
        ["leadtime", str(umea / "events.csv"), "--cases", str(umea / "cases.csv")],
    ]
    if (umea / "plan").exists():
        commands.append(
            [
                "plancheck",
                str(umea / "plan/detaljplan.json"),
                str(umea / "plan/forslag.geojson"),
                "--json",
            ]
        )
    if (umea / "survey.csv").exists():
        commands += [
            ["survey", str(umea / "survey.csv"), "--json"],
            ["survey", str(umea / "survey.csv")],
        ]
    for argv in commands:
        code = main(argv)
        captured = capsys.readouterr()
        assert code in (0, 1), (argv, captured.err)
        texts[" ".join(argv)] = captured.out + captured.err
    texts[str(per_case)] = per_case.read_text(encoding="utf-8")

    # the validator names the personal-data columns without showing their values
    report = json.loads(texts[" ".join(commands[0])])
    assert {"applicant_id", "note"} <= set(report["personal_data_columns"])

    leaks = {name: _leaks(text, secrets) for name, text in texts.items()}
    assert {k: v for k, v in leaks.items() if v} == {}
    assert len(texts) > 10
