"""Innovation capability survey: questionnaire, answer checks, statistics computed by hand, CLI."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from kit.cli import main
from kit.config import REPO_ROOT
from kit.data.readers import read_table
from kit.survey.analysis import (
    ALL,
    SUPPRESSED,
    analyse,
    compare,
    cronbach_alpha,
    holm,
    mean_ci,
    rank_biserial_paired,
    respondent_scores,
    verdict,
)
from kit.survey.answers import SurveyDataError, check_answers, read_answers
from kit.survey.questionnaire import parse_questionnaire, read_questionnaire

DATASETS = REPO_ROOT / "datasets"
SAMPLE = DATASETS / "umea" / "survey.csv"


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("TESTLAB_PSEUDONYM_KEY", "test-key")


def tiny_questionnaire(scale_max: int = 5):
    return parse_questionnaire(
        {
            "id": "tiny",
            "scale": {"min": 1, "max": scale_max},
            "dimensions": [
                {
                    "id": "a",
                    "name": {"sv": "A", "en": "A"},
                    "items": [{"id": "A1", "sv": "a1"}, {"id": "A2", "sv": "a2", "reverse": True}],
                },
                {
                    "id": "b",
                    "name": {"sv": "B", "en": "B"},
                    "items": [{"id": "B1", "sv": "b1"}, {"id": "B2", "sv": "b2"}],
                },
            ],
            "free_text": [{"id": "NOTE", "sv": "Kommentar"}],
        }
    )


def frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, dtype="str")


def row(rid, wave, a1=3, a2=3, b1=3, b2=3, municipality="umea", role="medarbetare", note=None):
    return {
        "respondent_id": rid,
        "municipality": municipality,
        "wave": wave,
        "role": role,
        "A1": str(a1),
        "A2": str(a2),
        "B1": str(b1),
        "B2": str(b2),
        "NOTE": note,
    }


# --- hand-computed statistics --------------------------------------------------------------


def test_cronbach_alpha_by_hand():
    # item variances 5/3, 11/12, 11/12 (sum 3.5); totals 6, 8, 12, 12 have variance 9:
    # alpha = 3/2 * (1 - 3.5/9) = 11/12
    x = [[1, 2, 3], [2, 3, 3], [3, 4, 5], [4, 4, 4]]
    assert cronbach_alpha(x) == pytest.approx(11 / 12)
    # a row with a missing answer is left out (listwise)
    assert cronbach_alpha([*x, [5, np.nan, 1]]) == pytest.approx(11 / 12)
    assert math.isnan(cronbach_alpha([[1, 2], [1, 2]]))  # no variance
    assert math.isnan(cronbach_alpha([[1, 2]]))


def test_mean_ci_by_hand():
    # mean 5, s = sqrt(32/7), t(0.975, 7) = 2.3646 (tables): half width 1.7875
    n, mean, lo, hi = mean_ci([2, 4, 4, 4, 5, 5, 7, 9, np.nan])
    assert n == 8 and mean == 5
    assert lo == pytest.approx(5 - 1.7875, abs=1e-3) and hi == pytest.approx(5 + 1.7875, abs=1e-3)
    n, mean, lo, hi = mean_ci([3.0])
    assert n == 1 and mean == 3 and math.isnan(lo)


def test_rank_biserial_by_hand():
    # differences 1, 2, -1, 3 (0 dropped): ranks 1.5, 3, 1.5, 4; R+ = 8.5, R- = 1.5 -> 0.7
    assert rank_biserial_paired([1, 2, -1, 3, 0]) == pytest.approx(0.7)
    # independent: U(after) = 2.5 + 3 + 3 = 8.5 of 9 pairs -> r = 2*8.5/9 - 1 = 8/9
    test, p, r = compare([1, 2, 3], [3, 4, 5], paired=False)
    assert test == "mann-whitney" and r == pytest.approx(8 / 9) and 0 < p < 1
    # four positive differences (one zero dropped): exact two-sided p = 2 * (1/2)^4 = 0.125
    test, p, r = compare([1, 1, 2, 2, 3], [2, 3, 3, 4, 3], paired=True)
    assert test == "wilcoxon" and r == pytest.approx(1.0) and p == pytest.approx(0.125)
    assert compare([2, 2, 2], [2, 2, 2], paired=True) == ("wilcoxon", 1.0, 0.0)


def test_holm_by_hand():
    # sorted 0.01*3 = 0.03, 0.03*2 = 0.06, 0.04*1 = 0.04 -> monotone 0.03, 0.06, 0.06
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    out = holm([0.2, np.nan])
    assert out[0] == pytest.approx(0.2) and math.isnan(out[1])


def test_verdicts():
    assert verdict(0.4, 0.01, 0.35, False) == "improved"
    assert verdict(-0.4, 0.01, -0.35, False) == "declined"
    assert verdict(0.02, 0.01, 0.05, False) == "negligible"
    assert verdict(0.4, 0.2, 0.35, False) == "no_clear_change"
    assert verdict(0.4, 0.01, 0.35, True) == "too_few"


# --- scoring, reverse coding, test choice, suppression ---------------------------------------


@pytest.mark.parametrize("scale_max, answer, reversed_", [(5, 2, 4), (5, 1, 5), (7, 2, 6)])
def test_reverse_coding(scale_max, answer, reversed_):
    q = tiny_questionnaire(scale_max)
    answers = check_answers(frame([row("r1", "before", a1=4, a2=answer)]), q)
    scores = respondent_scores(answers)
    assert scores["a"].iloc[0] == pytest.approx((4 + reversed_) / 2)
    assert scores["overall"].iloc[0] == pytest.approx(((4 + reversed_) / 2 + 3) / 2)


def test_skipped_items_count_when_half_are_answered():
    q = tiny_questionnaire()
    rows = [row("r1", "before", a1=5), row("r2", "before", a1="", a2="")]
    scores = respondent_scores(check_answers(frame(rows), q))
    assert scores["a"].tolist()[0] == 4 and math.isnan(scores["a"].tolist()[1])


def _waves(n_before: int, n_after: int, matched: int, gain: int = 1):
    rows = [row(f"b{i}", "before", a1=2 + i % 2, b1=2) for i in range(n_before)]
    after_ids = [f"b{i}" for i in range(matched)] + [f"n{i}" for i in range(n_after - matched)]
    rows += [row(rid, "after", a1=2 + i % 2 + gain, b1=2) for i, rid in enumerate(after_ids)]
    return frame(rows)


@pytest.mark.parametrize(
    "n_before, n_after, matched, expected",
    [
        (6, 6, 6, "wilcoxon"),  # everyone answered twice
        (10, 10, 5, "wilcoxon"),  # half of each wave is matched
        (6, 6, 2, "mann-whitney"),  # too few pairs
        (12, 12, 5, "mann-whitney"),  # pairs under half of the respondents
        (6, 6, 0, "mann-whitney"),
    ],
)
def test_wilcoxon_for_matched_respondents_else_mann_whitney(n_before, n_after, matched, expected):
    result = analyse(check_answers(_waves(n_before, n_after, matched), tiny_questionnaire()))
    ch = result.changes.set_index("dimension")
    assert ch.loc["a", "test"] == expected
    assert ch.loc["a", "n_pairs"] == matched
    assert ch.loc["a", "diff"] == pytest.approx(0.5)  # A1 one point up, A2 the same
    # dimension b does not change: no clear change, effect 0
    assert ch.loc["b", "verdict"] in ("no_clear_change",) and ch.loc["b", "effect_size"] == 0


def test_groups_under_five_are_suppressed_with_the_reason():
    rows = [row(f"m{i}", "before", role="medarbetare") for i in range(6)]
    rows += [row(f"t{i}", "before", role="innovationsteam") for i in range(4)]
    rows += [row(f"m{i}", "after", a1=4, role="medarbetare") for i in range(6)]
    rows += [row("x1", "after", role="ledning")]
    result = analyse(check_answers(frame(rows), tiny_questionnaire()))
    roles = result.roles.set_index(["role", "wave"])
    assert roles.loc[("innovationsteam", "before"), "suppressed"] == SUPPRESSED
    assert math.isnan(roles.loc[("innovationsteam", "before"), "a"])
    assert roles.loc[("innovationsteam", "before"), "n"] == 4
    assert pd.isna(roles.loc[("medarbetare", "before"), "suppressed"])
    assert roles.loc[("medarbetare", "after"), "n"] == 6
    assert roles.loc[("ledning", "after"), "suppressed"] == SUPPRESSED
    # a municipality with fewer than five answers in a wave: no mean, no test, the reason
    small = [row(f"r{i}", "before") for i in range(4)] + [row(f"r{i}", "after") for i in range(4)]
    res = analyse(check_answers(frame(small), tiny_questionnaire()))
    dims = res.dimensions
    assert (dims["suppressed"] == SUPPRESSED).all() and dims["mean"].isna().all()
    assert (res.changes["verdict"] == "too_few").all() and res.changes["test"].isna().all()
    assert res.kpis("umea")["overall_change"] is None


def test_all_municipalities_together_and_holm_per_group():
    rows = _waves(8, 8, 8).to_dict("records")
    rows += [{**r, "municipality": "Linköping"} for r in _waves(8, 8, 0).to_dict("records")]
    result = analyse(check_answers(frame(rows), tiny_questionnaire()))
    assert result.groups == ["linkoping", "umea", ALL]
    all_a = result.changes.query("municipality == 'all' and dimension == 'a'").iloc[0]
    assert all_a["n_before"] == 16 and all_a["n_pairs"] == 8
    umea = result.changes.query("municipality == 'umea' and dimension != 'overall'")
    assert umea["p_holm"].tolist() == pytest.approx(holm(umea["p_value"]).tolist())


# --- bad input: every problem named with item, column and rows; nothing computed ----------------


def _sample_raw() -> pd.DataFrame:
    return read_table(SAMPLE)


def _write(raw: pd.DataFrame, path) -> str:
    raw.to_csv(path, sep=";", index=False)
    return str(path)


def _refused(tmp_path, raw: pd.DataFrame) -> str:
    path = _write(raw, tmp_path / "svar.csv")
    with pytest.raises(SurveyDataError) as exc:
        read_answers(path)
    return str(exc.value)


def test_answer_outside_the_scale(tmp_path):
    raw = _sample_raw()
    raw.loc[2, "LED2"] = "6"
    raw.loc[4, "LED2"] = "0"
    raw.loc[7, "KUL1"] = "tre"
    msg = _refused(tmp_path, raw)
    assert "svar.csv:3:LED2: item LED2" in msg and "'0', '6'" in msg
    assert "column 'LED2'" in msg and "rows 3, 5" in msg
    assert "item KUL1" in msg and "row 8" in msg


def test_unknown_item_column(tmp_path):
    raw = _sample_raw()
    raw["LED5"] = None
    raw.loc[[0, 9], "LED5"] = "3"
    msg = _refused(tmp_path, raw)
    assert "column 'LED5' is not an item" in msg and "rows 1, 10" in msg


def test_missing_item_column(tmp_path):
    raw = _sample_raw().drop(columns=["DIG3"])
    msg = _refused(tmp_path, raw)
    assert ":DIG3: missing column for item DIG3" in msg and "every row" in msg


def test_wave_neither_label_nor_date(tmp_path):
    raw = _sample_raw()
    raw.loc[1, "wave"] = "mitten"
    msg = _refused(tmp_path, raw)
    assert ":2:wave: wave 'mitten' is neither before/after" in msg and "row 2)" in msg


def test_respondent_answering_a_wave_twice(tmp_path):
    raw = _sample_raw()
    raw.loc[5, "respondent_id"] = raw.loc[0, "respondent_id"]
    msg = _refused(tmp_path, raw)
    assert ":1:respondent_id:" in msg and "twice" in msg and "rows 1, 6" in msg
    assert raw.loc[0, "respondent_id"] not in msg  # ids are not echoed


def test_every_problem_is_listed_and_the_cli_computes_nothing(tmp_path, capsys):
    raw = _sample_raw().drop(columns=["DIG3"])
    raw.loc[2, "LED2"] = "9"
    raw.loc[1, "wave"] = "sen"
    path = _write(raw, tmp_path / "svar.csv")
    with pytest.raises(SurveyDataError) as exc:
        read_answers(path)
    assert len(exc.value.problems) == 3
    assert main(["survey", path, "--json"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "DIG3" in err and "LED2" in err and "'sen'" in err
    assert len(err.strip().splitlines()) == 1


def test_dates_are_split_into_waves_and_one_day_is_refused():
    q = tiny_questionnaire()
    rows = [row("a", "2023-03-06"), row("b", "2023-03-09"), row("a", "2024-11-05")]
    answers = check_answers(frame(rows), q)
    assert answers.frame["wave"].tolist() == ["before", "before", "after"]
    with pytest.raises(SurveyDataError, match="same day"):
        check_answers(frame([row("a", "2023-03-06"), row("b", "2023-03-06")]), q)


def test_questionnaire_problems_name_the_place():
    base = {
        "scale": {"min": 1, "max": 5},
        "dimensions": [{"id": "a", "name": "A", "items": [{"id": "X1", "sv": "x"}]}],
    }
    with pytest.raises(
        Exception, match=r"dimensions\[0\]\.items: dimension 'a' needs at least two"
    ):
        parse_questionnaire(base)
    base["dimensions"][0]["items"].append({"id": "x1", "sv": "y"})
    with pytest.raises(Exception, match="used twice"):
        parse_questionnaire(base)
    with pytest.raises(Exception, match="at least three points"):
        parse_questionnaire({**base, "scale": {"min": 1, "max": 2}})


# --- privacy, samples, CLI, template --------------------------------------------------------


def test_respondents_and_free_text_are_pseudonymised_and_never_in_results():
    q = tiny_questionnaire()
    rows = [
        row(f"anna.andersson{i}@kommun.se", "before", note="hemligt 19121212-1212")
        for i in range(5)
    ]
    rows += [row(f"anna.andersson{i}@kommun.se", "after", a1=5) for i in range(5)]
    answers = check_answers(frame(rows), q)
    assert answers.frame["respondent"].str.match(r"^SVAR-[0-9a-f]{12}$").all()
    assert "19121212-1212" not in answers.free_text["NOTE"].iloc[0]
    text = json.dumps(analyse(answers).to_json(), ensure_ascii=False)
    assert "andersson" not in text and "hemligt" not in text
    assert analyse(answers).free_text == {"umea": 5}
    assert "free-text answers (not shown)" in repr(answers)


def test_bundled_samples_are_reproducible(tmp_path):
    from kit.samples.survey import write_samples

    for path in write_samples(tmp_path):
        committed = DATASETS / path.parent.name / path.name
        assert path.read_bytes() == committed.read_bytes(), (
            f"{committed}: run python -m kit.samples.survey"
        )


def test_samples_tell_the_story():
    results = {}
    for mid in ("alingsas", "linkoping", "umea"):
        result = analyse(read_answers(DATASETS / mid / "survey.csv"))
        results[mid] = result.changes.set_index("dimension")
        k = result.kpis(mid)
        assert k["overall_change"] > 0.1 and k["n_before"] >= 40
        assert results[mid].loc["digital", "verdict"] == "no_clear_change"
    assert results["umea"].loc["overall", "test"] == "wilcoxon"
    assert results["linkoping"].loc["overall", "test"] == "mann-whitney"  # dated waves
    assert (results["linkoping"]["verdict"] == "improved").sum() >= 5


def test_cli_json_shape(capsys):
    assert main(["survey", str(SAMPLE), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    dim_keys = {"dimension", "wave", "municipality", "n", "mean", "ci_low", "ci_high", "alpha"}
    change_keys = {
        "dimension",
        "municipality",
        "before",
        "after",
        "diff",
        "test",
        "p_value",
        "p_holm",
        "effect_size",
    }
    assert data["dimensions"] and all(dim_keys <= set(d) for d in data["dimensions"])
    assert data["changes"] and all(change_keys <= set(c) for c in data["changes"])
    assert {d["dimension"] for d in data["changes"]} == {
        "strategy",
        "culture",
        "methods",
        "competence",
        "collaboration",
        "digital",
        "overall",
    }
    assert {d["wave"] for d in data["dimensions"]} == {"before", "after"}


def test_cli_text_and_usage(capsys):
    assert main(["survey", str(SAMPLE), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Digital capability" in out and "Wilcoxon (paired)" in out
    assert main(["survey"]) == 2
    assert "expected FILE" in capsys.readouterr().err


def test_template_is_readable_and_round_trips(tmp_path, capsys):
    from openpyxl import load_workbook

    out = tmp_path / "mall.xlsx"
    assert main(["survey", "--template", str(out)]) == 0
    q = read_questionnaire()
    wb = load_workbook(out)
    answers, items = wb.worksheets
    header = [c.value for c in answers[1]]
    assert header == ["respondent_id", "municipality", "wave", "role", *q.item_ids, "KOMMENTAR"]
    texts = {r[0]: r for r in items.iter_rows(min_row=2, values_only=True) if r and r[0]}
    assert texts["LED4"][2] == q.item("LED4").text["sv"] and texts["LED4"][4] == "ja"
    assert "1–5" in texts["LED1"][5]
    assert answers.data_validations.dataValidation[0].formula1 == "1"
    # filled in, the template is an answer file
    for i in range(5):
        for wave in ("before", "after"):
            answers.append([f"p{i}", "Umeå", wave, "ledning", *[3] * len(q.item_ids)])
    wb.save(out)
    result = analyse(read_answers(out))
    assert result.kpis("umea")["overall_change"] == 0


def test_xlsx_with_dates_and_no_role_column(tmp_path):
    import datetime as dt

    from openpyxl import Workbook

    q = read_questionnaire()
    wb = Workbook()
    ws = wb.active
    ws.append(["respondent_id", "municipality", "wave", *q.item_ids])
    for i in range(6):
        ws.append([f"p{i}", "Linköping", dt.datetime(2023, 3, 6 + i), *[2] * len(q.item_ids)])
        ws.append([f"p{i}", "Linköping", dt.datetime(2024, 11, 4 + i), *[4] * len(q.item_ids)])
    path = tmp_path / "svar.xlsx"
    wb.save(path)
    answers = read_answers(path)
    assert sorted(answers.frame["wave"].value_counts().items()) == [("after", 6), ("before", 6)]
    result = analyse(answers)
    assert len(result.roles) == 0
    overall = result.changes.set_index("dimension").loc["overall"]
    # reverse-coded items: 2 -> 4 and 4 -> 2, so every dimension is (3*2 + 4)/4 = 2.5 before
    assert overall["before"] == pytest.approx(2.5) and overall["after"] == pytest.approx(3.5)
    assert overall["test"] == "wilcoxon" and overall["effect_size"] == pytest.approx(1.0)
