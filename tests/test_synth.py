"""Synthetic sample data: reproducible, at scale, plausible, and equal to the committed files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import holidays
import numpy as np
import pandas as pd
import pytest
from lxml import etree

from kit.cli import main as cli
from kit.config import MUNICIPALITIES
from kit.data.schemas import ACTIVITIES, CASE_TYPES, DECISION_OUTCOMES
from kit.samples.permits import (
    CASE_COLUMNS,
    DEFAULT_SEED,
    EVENT_COLUMNS,
    _luhn_digit,
    generate_samples,
    synthesise,
)

REPO = Path(__file__).resolve().parent.parent
MUNIS = sorted(MUNICIPALITIES)
CUTOFF = pd.Timestamp("2025-03-31")
# Steps a handläggare takes: never on a weekend or public holiday.
MUNICIPAL = {
    "completion_requested",
    "neighbour_consultation",
    "referral",
    "deadline_extended",
    "decision",
    "announced",
    "technical_consultation",
    "start_clearance",
    "site_visit",
    "final_consultation",
    "final_clearance",
}


@pytest.fixture(scope="module")
def samples() -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    return {m: synthesise(m) for m in MUNIS}


def _dates(events: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(events["timestamp"].str[:10])


def test_same_seed_gives_byte_identical_files_and_another_seed_differs(tmp_path: Path) -> None:
    a = generate_samples(["alingsas"], seed=7, out=tmp_path / "a")
    b = generate_samples(["alingsas"], seed=7, out=tmp_path / "b")
    c = generate_samples(["alingsas"], seed=8, out=tmp_path / "c")
    assert [p.name for p in a] == ["events.csv", "cases.csv", "README.md"]
    for pa, pb in zip(a, b, strict=True):
        assert pa.read_bytes() == pb.read_bytes()
    assert a[0].read_bytes() != c[0].read_bytes()


def test_a_municipality_does_not_depend_on_the_others_generated_with_it(tmp_path: Path) -> None:
    generate_samples(["umea", "alingsas"], seed=3, out=tmp_path / "both")
    generate_samples(["alingsas"], seed=3, out=tmp_path / "one")
    for name in ("events.csv", "cases.csv"):
        both = (tmp_path / "both" / "alingsas" / name).read_bytes()
        assert both == (tmp_path / "one" / "alingsas" / name).read_bytes()


@pytest.mark.parametrize("mid", MUNIS)
def test_committed_sample_equals_a_fresh_generation_with_the_documented_seed(
    mid: str, samples
) -> None:
    folder = REPO / "datasets" / mid
    from kit.samples.permits import _csv

    events, cases = samples[mid]
    assert (folder / "events.csv").read_text(encoding="utf-8") == _csv(events)
    assert (folder / "cases.csv").read_text(encoding="utf-8") == _csv(cases)
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "Syntetiska data" in readme and "Synthetic data" in readme
    assert f"testlab synth -m {mid} --seed {DEFAULT_SEED}" in readme


def test_cli_default_seed_matches_the_library() -> None:
    from kit.cli import synth as cli_synth

    assert cli_synth.DEFAULT_SEED == DEFAULT_SEED


@pytest.mark.parametrize("mid", MUNIS)
def test_volume_per_year_is_the_municipalitys_scale(mid: str, samples) -> None:
    _, cases = samples[mid]
    target = MUNICIPALITIES[mid].cases_per_year
    per_year = pd.to_datetime(cases["received"]).dt.year.value_counts()
    assert sorted(per_year.index) == [2023, 2024]
    for year, n in per_year.items():
        assert abs(n - target) <= 0.15 * target, (year, n, target)


@pytest.mark.parametrize("mid", MUNIS)
def test_columns_vocabulary_and_mix(mid: str, samples) -> None:
    events, cases = samples[mid]
    assert list(events.columns) == list(EVENT_COLUMNS)
    assert list(cases.columns) == list(CASE_COLUMNS)
    assert set(events["activity"]) <= set(ACTIVITIES)
    assert set(cases["case_type"]) == set(CASE_TYPES)
    assert set(cases["decision_outcome"].dropna()) == set(DECISION_OUTCOMES)
    assert cases["case_id"].is_unique
    assert set(events["case_id"]) == set(cases["case_id"])
    share = cases["case_type"].value_counts(normalize=True)
    assert 0.6 < share["bygglov"] < 0.8 and 0.1 < share["anmalan"] < 0.3
    outcome = cases["decision_outcome"].value_counts(normalize=True)
    assert outcome["bifall"] > 0.8 and outcome.idxmax() == "bifall"
    assert cases["municipality"].eq(MUNICIPALITIES[mid].name).all()
    assert cases["property"].str.startswith(MUNICIPALITIES[mid].name + " ").all()
    assert cases["district"].nunique() >= 5
    assert events["resource"].dropna().str.fullmatch(r"handl-\d\d").all()


def test_fees_are_in_realistic_ranges(samples) -> None:
    _, cases = samples["umea"]
    fee = cases.groupby("case_type")["fee_sek"]
    assert fee.min()["anmalan"] >= 3_000 and fee.max()["anmalan"] <= 8_000
    assert 10_000 <= fee.median()["bygglov"] <= 40_000


@pytest.mark.parametrize("mid", MUNIS)
def test_coordinates_are_sweref99tm_inside_the_municipality(mid: str, samples) -> None:
    from pyproj import Transformer

    _, cases = samples[mid]
    assert cases["crs"].eq("EPSG:3006").all()
    lon, lat = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True).transform(
        cases["x"].to_numpy(), cases["y"].to_numpy()
    )
    min_lon, min_lat, max_lon, max_lat = MUNICIPALITIES[mid].bbox_wgs84
    assert ((lon > min_lon) & (lon < max_lon) & (lat > min_lat) & (lat < max_lat)).all()
    # clustered: most cases within 15 km of the main town
    c_lat, c_lon = MUNICIPALITIES[mid].centre_wgs84
    km = np.hypot((lat - c_lat) * 111.2, (lon - c_lon) * 111.2 * np.cos(np.radians(c_lat)))
    assert np.median(km) < 15


@pytest.mark.parametrize("mid", MUNIS)
def test_event_order_per_case_follows_the_process(mid: str, samples) -> None:
    events, cases = samples[mid]
    ts = pd.to_datetime(events["timestamp"], format="ISO8601")
    ev = events.assign(ts=ts, day=ts.dt.normalize())
    # file order is time order within each case
    assert (ev.groupby("case_id", sort=False)["ts"].diff().dropna() >= pd.Timedelta(0)).all()
    first = ev.groupby("case_id", sort=False).nth(0)
    assert first["activity"].eq("received").all()
    assert ev["activity"].eq("received").sum() == len(cases)
    day = ev.groupby(["case_id", "activity"])["day"].min().unstack()
    both = day[["complete", "decision"]].dropna()
    assert (both["decision"] > both["complete"]).all()
    pairs = day[["announced", "legal_force"]].dropna()
    assert len(pairs) > 100
    assert (pairs["legal_force"] - pairs["announced"] >= pd.Timedelta(days=28)).all()
    lov = cases.set_index("case_id")["case_type"].ne("anmalan")
    granted = day.index[day["decision"].notna() & day["start_clearance"].notna()]
    assert (day.loc[granted, "start_clearance"] >= day.loc[granted, "decision"]).all()
    assert (
        day["final_clearance"].dropna() > day.loc[day["final_clearance"].notna(), "start_clearance"]
    ).all()
    # anmälan ends with startbesked (a decision event only to write off a withdrawn one);
    # every lov case with an outcome has its decision event
    outcome = cases.set_index("case_id")["decision_outcome"]
    anm_kept = lov.index[~lov & (outcome != "avskrivning")]
    assert day.loc[day.index.isin(anm_kept), "decision"].isna().all()
    lov_decided = lov.index[lov & outcome.notna()]
    assert day.loc[lov_decided, "decision"].notna().all()
    assert ts.max() <= CUTOFF + pd.Timedelta(days=1)
    # nothing of the application phase happens after the case is decided
    types = cases.set_index("case_id")["case_type"]
    ends = day["decision"].where(types.reindex(day.index) != "anmalan", day["start_clearance"])
    before = [
        "completion_requested",
        "supplement_received",
        "complete",
        "neighbour_consultation",
        "referral",
        "deadline_extended",
    ]
    phase = ev[ev["activity"].isin(before)]
    assert (phase["day"] < phase["case_id"].map(ends).fillna(CUTOFF + pd.Timedelta(days=1))).all()


@pytest.mark.parametrize("mid", MUNIS)
def test_a_few_cases_are_still_open_at_the_cutoff(mid: str, samples) -> None:
    events, cases = samples[mid]
    decided = set(events.loc[events["activity"].isin(["decision", "start_clearance"]), "case_id"])
    open_ = cases[
        ~cases["case_id"].isin(decided)
        & ~cases["case_id"].isin(events.loc[events["activity"] == "withdrawn", "case_id"])
    ]
    assert 0 < len(open_) < 0.05 * len(cases)
    assert open_["decision_outcome"].isna().all()
    assert pd.to_datetime(open_["received"]).min() >= pd.Timestamp("2024-03-01")


def test_completion_orders_extensions_and_withdrawals_occur(samples) -> None:
    events, cases = samples["umea"]
    counts = events["activity"].value_counts()
    for activity in ACTIVITIES:
        assert counts.get(activity, 0) > 0, activity
    ext = events[events["activity"] == "deadline_extended"]
    assert ext["extension_weeks"].notna().all()
    assert events.loc[events["activity"] != "deadline_extended", "extension_weeks"].isna().all()
    types = cases.set_index("case_id")["case_type"]
    weeks = ext.set_index("case_id")["extension_weeks"]
    anm = types.reindex(weeks.index).eq("anmalan")
    assert weeks[~anm].between(1, 10).all() and weeks[anm].between(1, 4).all()
    # at most one extension per case (the law allows one)
    assert ext["case_id"].is_unique
    withdrawn = set(events.loc[events["activity"] == "withdrawn", "case_id"])
    outcome = cases.set_index("case_id")["decision_outcome"]
    assert set(outcome[outcome == "avskrivning"].index) <= withdrawn


@pytest.mark.parametrize("mid", MUNIS)
def test_municipal_steps_fall_on_working_days(mid: str, samples) -> None:
    events, _ = samples[mid]
    days = _dates(events)
    off = set(holidays.country_holidays("SE", years=range(2023, 2027), include_sundays=False))
    is_off = (days.dt.day_of_week >= 5) | days.dt.date.isin(off)
    municipal = events["activity"].isin(MUNICIPAL)
    assert municipal.sum() > 1000
    assert not (municipal & is_off).any()
    # applicants do use the weekend
    assert (events["activity"].eq("received") & is_off).sum() > 0


@pytest.mark.parametrize("mid", MUNIS)
def test_july_dip_in_applications_and_decisions(mid: str, samples) -> None:
    events, cases = samples[mid]
    received = pd.to_datetime(cases["received"])
    decided = _dates(events[events["activity"] == "decision"])
    # pooled over both years: Alingsås has only about 50 applications a month
    month = received.dt.month.value_counts()
    assert month[7] < 0.75 * (month[6] + month[8]) / 2
    assert month[5] > month[1]  # spring peak
    dmonth = decided[decided.dt.year.isin([2023, 2024])].dt.month.value_counts()
    assert dmonth[7] < 0.75 * (dmonth[6] + dmonth[8]) / 2


def test_luhn_check_digit_matches_a_hand_computed_example() -> None:
    # 811218-9876: 8*2=16->7, 1, 1*2=2, 2, 1*2=2, 8, 9*2=18->9, 8, 7*2=14->5; sum 44 -> 6
    assert _luhn_digit("811218987") == 6
    # 202100-5489 (Skatteverket): 4, 0, 4, 1, 0, 0, 10->1, 4, 16->7; sum 21 -> 9
    assert _luhn_digit("202100548") == 9


def test_personal_data_is_valid_luhn_and_leaves_other_columns_unchanged() -> None:
    from kit.data.privacy import find_personal_numbers, is_organisation_number, is_personnummer

    events, cases = synthesise("alingsas", seed=11, cases=400, with_personal_data=True)
    plain_events, plain_cases = synthesise("alingsas", seed=11, cases=400)
    pd.testing.assert_frame_equal(events, plain_events)
    pd.testing.assert_frame_equal(cases[plain_cases.columns], plain_cases)
    ids = cases["applicant_id"]
    person = ids.map(is_personnummer)
    org = ids.map(is_organisation_number)
    assert (person | org).all()
    assert person.mean() > 0.7 and org.any()
    assert ids.str.contains("-").any() and (~ids.str.contains("-")).any()
    mentioned = cases["note"].map(find_personal_numbers)
    assert mentioned.map(len).gt(0).mean() > 0.2
    assert all(found == [pid] for found, pid in zip(mentioned, ids, strict=True) if found)


@pytest.mark.parametrize("mid", MUNIS)
def test_committed_files_hold_no_personal_numbers(mid: str) -> None:
    from kit.data.privacy import find_personal_numbers

    for name in ("events.csv", "cases.csv", "README.md"):
        text = (REPO / "datasets" / mid / name).read_text(encoding="utf-8")
        assert find_personal_numbers(text) == [], name


def test_cases_option_sets_the_exact_total_and_scales_handlers() -> None:
    events, cases = synthesise("umea", seed=5, cases=6001, years=[2022, 2023, 2024])
    assert len(cases) == 6001 and cases["case_id"].is_unique
    assert sorted(pd.to_datetime(cases["received"]).dt.year.unique()) == [2022, 2023, 2024]
    assert events["resource"].nunique() > 14  # more handlers than at sample scale
    assert pd.to_datetime(events["timestamp"], format="ISO8601").max() <= pd.Timestamp("2025-04-01")


def test_cli_writes_csv_and_xes(tmp_path: Path, capsys) -> None:
    assert (
        cli(["synth", "-m", "alingsas", "--cases", "150", "--seed", "2", "--out", str(tmp_path)])
        == 0
    )
    printed = capsys.readouterr().out.split()
    assert str(tmp_path / "alingsas" / "events.csv") in printed
    events = pd.read_csv(tmp_path / "alingsas" / "events.csv")
    assert events["case_id"].nunique() == 150
    out = tmp_path / "x"
    assert (
        cli(
            [
                "synth",
                "-m",
                "alingsas",
                "--cases",
                "150",
                "--seed",
                "2",
                "--out",
                str(out),
                "--format",
                "xes",
            ]
        )
        == 0
    )
    tree = etree.parse(str(out / "alingsas" / "events.xes"))
    ns = {"x": "http://www.xes-standard.org/"}
    traces = tree.findall("x:trace", ns)
    assert len(traces) == 150
    assert len(tree.findall("x:trace/x:event", ns)) == len(events)
    stamp = traces[0].find("x:event/x:date", ns).get("value")
    assert dt.datetime.fromisoformat(stamp).utcoffset() in (
        dt.timedelta(hours=1),
        dt.timedelta(hours=2),
    )
    assert (out / "alingsas" / "cases.csv").exists()
    assert "--format xes" in (out / "alingsas" / "README.md").read_text(encoding="utf-8")


def test_cli_rejects_bad_options(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        cli(["synth", "-m", "stockholm"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        cli(["synth", "--cases", "0"])
    assert exc.value.code == 2
    assert "positive" in capsys.readouterr().err


def test_personal_data_never_goes_into_the_datasets_folder(tmp_path, monkeypatch):
    from kit.errors import UsageError

    datasets = tmp_path / "datasets"
    datasets.mkdir()
    monkeypatch.setenv("TESTLAB_DATASETS", str(datasets))
    with pytest.raises(UsageError, match="needs --out DIR outside the datasets folder"):
        generate_samples(["alingsas"], cases=50, with_personal_data=True)
    for inside in (datasets, datasets / "x" / ".."):
        with pytest.raises(UsageError, match="is inside the datasets folder"):
            generate_samples(["alingsas"], cases=50, with_personal_data=True, out=inside)
    assert not any(datasets.iterdir())
    written = generate_samples(["alingsas"], cases=50, with_personal_data=True, out=tmp_path / "pn")
    assert written and all(tmp_path / "pn" in p.parents for p in written)
