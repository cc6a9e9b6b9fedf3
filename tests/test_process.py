"""kit.process on small logs computed by hand, including non-Swedish activity names."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kit.errors import DataError
from kit.process.eventlog import END, START, has_permit_activities
from kit.process.mining import bottlenecks, case_durations, directly_follows, variants
from kit.process.trends import monthly_trend, work_in_progress


def make(rows, tz="Europe/Stockholm"):
    ev = pd.DataFrame(rows, columns=["case_id", "activity", "timestamp"])
    ev["timestamp"] = pd.to_datetime(ev["timestamp"])
    if tz:
        ev["timestamp"] = ev["timestamp"].dt.tz_localize(tz)
    return ev


# durations: 1 → 3 days, 2 → 5 days, 3 → 3 days, 4 → 10 days
ENGLISH = [
    ("1", "Submit", "2024-01-01"),
    ("1", "Review", "2024-01-03"),
    ("1", "Approve", "2024-01-04"),
    ("2", "Submit", "2024-01-01"),
    ("2", "Review", "2024-01-02"),
    ("2", "Review", "2024-01-05"),
    ("2", "Approve", "2024-01-06"),
    ("3", "Submit", "2024-01-02"),
    ("3", "Review", "2024-01-04"),
    ("3", "Approve", "2024-01-05"),
    ("4", "Submit", "2024-01-10"),
    ("4", "Reject", "2024-01-20"),
]


@pytest.fixture
def english():
    return make(ENGLISH)


@pytest.fixture
def shuffled():
    return make(ENGLISH).sample(frac=1, random_state=3).reset_index(drop=True)


def test_case_durations(english):
    cd = case_durations(english)
    assert list(cd["case_id"]) == ["1", "2", "3", "4"]
    assert list(cd["duration_days"]) == [3.0, 5.0, 3.0, 10.0]
    assert list(cd["n_events"]) == [3, 4, 3, 2]
    assert cd.loc[3, "end"] == pd.Timestamp("2024-01-20", tz="Europe/Stockholm")


def test_duration_across_daylight_saving_is_absolute():
    ev = make([("x", "a", "2024-03-30 12:00"), ("x", "b", "2024-03-31 12:00")])
    assert case_durations(ev)["duration_days"].iloc[0] == pytest.approx(23 / 24)


@pytest.mark.parametrize("fixture", ["english", "shuffled"])
def test_variants(fixture, request):
    v = variants(request.getfixturevalue(fixture))
    assert list(v["variant"]) == [
        "Submit → Review → Approve",
        "Submit → Reject",  # ties by count are ordered by text
        "Submit → Review → Review → Approve",
    ]
    assert list(v["count"]) == [2, 1, 1]
    assert list(v["share"]) == [0.5, 0.25, 0.25]
    assert list(v["median_duration_days"]) == [3.0, 10.0, 5.0]
    assert list(v["n_activities"]) == [3, 2, 4]
    assert len(variants(request.getfixturevalue(fixture), top=1)) == 1


def test_same_timestamp_keeps_input_order():
    ev = make([("x", "b", "2024-01-01"), ("x", "a", "2024-01-01"), ("y", "a", "2024-01-01")])
    assert set(variants(ev)["variant"]) == {"b → a", "a"}


@pytest.mark.parametrize("fixture", ["english", "shuffled"])
def test_directly_follows(fixture, request):
    dfg = directly_follows(request.getfixturevalue(fixture))
    rows = [tuple(r) for r in dfg[["source", "target", "count"]].itertuples(index=False)]
    assert rows == [
        ("Review", "Approve", 3),
        ("Submit", "Review", 3),
        ("Review", "Review", 1),
        ("Submit", "Reject", 1),
    ]
    by = dfg.set_index(["source", "target"])
    assert by.loc[("Submit", "Review"), "median_wait_days"] == 2.0  # waits 2, 1, 2
    assert by.loc[("Submit", "Review"), "total_wait_days"] == 5.0
    assert by.loc[("Review", "Review"), "total_wait_days"] == 3.0
    assert dfg.attrs["activity_counts"] == {"Submit": 4, "Review": 4, "Approve": 3, "Reject": 1}
    # positions: Review at 1, 1, 2, 1; Approve at 2, 3, 2
    assert dfg.attrs["median_position"] == {"Submit": 0, "Review": 1, "Approve": 2, "Reject": 1}


def test_median_position_even_count():
    ev = make([("x", "a", "2024-01-01"), ("x", "b", "2024-01-02"), ("y", "b", "2024-01-01")])
    assert directly_follows(ev).attrs["median_position"] == {"a": 0.0, "b": 0.5}


def test_directly_follows_markers(english):
    dfg = directly_follows(english, markers=True).set_index(["source", "target"])
    assert dfg.loc[(START, "Submit"), "count"] == 4
    assert dfg.loc[("Approve", END), "count"] == 3
    assert dfg.loc[("Reject", END), "count"] == 1
    assert dfg["count"].sum() == 8 + 4 + 4  # 8 transitions, one start and one end per case


def test_bottlenecks(english):
    b = bottlenecks(english)
    assert list(zip(b["source"], b["target"], strict=True)) == [
        ("Submit", "Reject"),  # 10 days
        ("Submit", "Review"),  # 5 days
        ("Review", "Approve"),  # 3 days over 3 transitions
        ("Review", "Review"),  # 3 days over 1
    ]
    assert list(b["share_of_waiting"]) == pytest.approx([10 / 21, 5 / 21, 3 / 21, 3 / 21])
    assert len(bottlenecks(english, top=2)) == 2
    # a DFG with markers gives the same answer
    assert bottlenecks(directly_follows(english, markers=True))["total_wait_days"].sum() == 21


def test_monthly_trend_from_per_case_table():
    per_case = pd.DataFrame(
        {
            "received": pd.to_datetime(["2023-12-26", "2023-12-21", "2024-01-12", "2024-01-15"]),
            "decided": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-02-01", None]),
            "lead_time_days": [10.0, 30.0, 20.0, float("nan")],
            "within_limit": pd.array([True, False, True, pd.NA], dtype="boolean"),
        }
    )
    mt = monthly_trend(per_case)
    assert list(mt["period"]) == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01")]
    assert list(mt["n_decided"]) == [2, 1]
    assert list(mt["median_days"]) == [20.0, 20.0]
    assert list(mt["share_within_limit"]) == [0.5, 1.0]


def test_monthly_trend_generic_log_uses_durations(english):
    mt = monthly_trend(english)
    assert len(mt) == 1 and mt["n_decided"].iloc[0] == 4
    assert mt["median_days"].iloc[0] == 4.0  # durations 3, 3, 5, 10
    assert mt["mean_days"].iloc[0] == 5.25
    assert "share_within_limit" not in mt.columns


def test_work_in_progress_daily(english):
    wip = work_in_progress(english, freq="D").set_index("period")["open_cases"]
    day = pd.Timestamp
    assert wip[day("2024-01-01")] == 2
    assert wip[day("2024-01-02")] == 3
    assert wip[day("2024-01-04")] == 2  # case 1 ended that day
    assert wip[day("2024-01-05")] == 1
    assert wip[day("2024-01-06")] == 0
    assert wip[day("2024-01-15")] == 1
    assert wip.index[-1] == day("2024-01-20") and wip.iloc[-1] == 0


def test_work_in_progress_weekly(english):
    wip = work_in_progress(english, freq="W")
    assert list(wip["period"]) == [
        pd.Timestamp(x) for x in ("2024-01-07", "2024-01-14", "2024-01-20")
    ]
    assert list(wip["open_cases"]) == [0, 1, 0]


def test_work_in_progress_permit_log_until_decision():
    ev = make(
        [
            ("A", "received", "2024-01-01"),
            ("A", "decision", "2024-01-10"),
            ("A", "final_clearance", "2024-06-01"),  # not part of "open" for permits
            ("B", "received", "2024-01-05"),
        ]
    )
    wip = work_in_progress(ev, freq="D", as_of="2024-01-12").set_index("period")["open_cases"]
    assert wip[pd.Timestamp("2024-01-04")] == 1
    assert wip[pd.Timestamp("2024-01-09")] == 2
    assert wip[pd.Timestamp("2024-01-10")] == 1
    assert wip.index[-1] == pd.Timestamp("2024-01-12")


def test_has_permit_activities(english):
    assert not has_permit_activities(english)
    assert has_permit_activities(
        make([("A", "received", "2024-01-01"), ("A", "decision", "2024-01-02")])
    )


def test_naive_timestamps_work():
    ev = make(ENGLISH, tz=None)
    assert list(case_durations(ev)["duration_days"]) == [3.0, 5.0, 3.0, 10.0]


def test_missing_column_is_a_data_error():
    with pytest.raises(DataError, match="activity"):
        variants(pd.DataFrame({"case_id": ["1"], "timestamp": ["2024-01-01"]}))


def test_empty_log():
    ev = make([])
    assert variants(ev).empty
    assert directly_follows(ev).empty
    assert case_durations(ev).empty


# --- fast paths give the same answers as the plain ones ----------------------------------------


@pytest.mark.parametrize(
    "values",
    [
        ["a", "a", "b", "b", "b", "c"],  # grouped: each value one run
        ["b", "b", "a", "a", "b", "b"],  # b comes back after a
        ["x", "y", "x", "y"],  # not grouped at all
        ["a", "a", None, None, "b"],  # missing values
        [3, 3, 1, 1, 2],
    ],
)
@pytest.mark.parametrize("dtype", ["str", object])
def test_factorize_runs_is_pandas_factorize(values, dtype):
    from kit.process.eventlog import factorize_runs

    if dtype == "str" and isinstance(values[0], int):
        values = [str(v) for v in values]
    s = pd.Series(values, dtype=dtype)
    codes, uniques = factorize_runs(s)
    expect_codes, expect_uniques = pd.factorize(s)
    assert list(codes) == list(expect_codes)
    pd.testing.assert_index_equal(uniques, pd.Index(expect_uniques))


def test_case_coming_back_after_another_is_one_case():
    ev = make(
        [
            ("A", "Submit", "2024-01-01"),
            ("A", "Review", "2024-01-02"),
            ("B", "Submit", "2024-01-02"),
            ("B", "Approve", "2024-01-03"),
            ("A", "Approve", "2024-01-05"),
            ("A", "Close", "2024-01-06"),
        ]
    )
    cd = case_durations(ev)
    assert list(cd["case_id"]) == ["A", "B"]
    assert list(cd["duration_days"]) == [5.0, 1.0]
    assert list(cd["n_events"]) == [4, 2]
    v = variants(ev)
    assert list(v["variant"]) == ["Submit → Approve", "Submit → Review → Approve → Close"]


@pytest.mark.parametrize(
    "values",
    [
        ["b", "b", "a", "a", "c", "c"],
        ["b", "b", "a", "a", "b", "b"],
        ["b", "a", "c", "a"],
        ["10", "10", "9", "9"],
    ],
)
def test_factorize_cases_codes_follow_sorted_ids(values):
    from kit.process.eventlog import factorize_cases

    codes, ids = factorize_cases(pd.Series(values, dtype="str"))
    expect_codes, expect_ids = pd.factorize(pd.Series(values, dtype="str"), sort=True)
    assert list(codes) == list(expect_codes)
    assert list(ids) == list(expect_ids)


def test_many_activities_variants_and_waits():
    # 300 activity names: codes do not fit in one byte, edge keys not in 16 bits
    names = [f"step {i:03d}" for i in range(300)]
    rows = [
        ("1", n, pd.Timestamp("2024-01-01") + pd.Timedelta(days=i)) for i, n in enumerate(names)
    ]
    rows += [("2", names[299], "2024-01-01"), ("2", names[0], "2024-01-04")]
    rows += [("3", names[299], "2024-01-01"), ("3", names[0], "2024-01-02")]
    ev = make(rows)
    v = variants(ev)
    assert list(v["count"]) == [2, 1]
    assert v["variant"].iloc[0] == "step 299 → step 000"
    assert v["n_activities"].iloc[1] == 300
    assert v["median_duration_days"].iloc[0] == 2.0  # 3 and 1 days
    dfg = directly_follows(ev).set_index(["source", "target"])
    assert len(dfg) == 300  # 299 steps of case 1, and 299 → 000
    back = dfg.loc[("step 299", "step 000")]
    assert back["count"] == 2 and back["median_wait_days"] == 2.0 and back["total_wait_days"] == 4
    assert dfg.loc[("step 000", "step 001"), "total_wait_days"] == 1.0


def test_median_wait_even_and_odd_counts():
    # waits Submit → Review: 1, 2, 4 days (median 2); Review → Approve: 1, 2 days (median 1.5)
    ev = make(
        [
            ("1", "Submit", "2024-01-01"),
            ("1", "Review", "2024-01-02"),
            ("1", "Approve", "2024-01-03"),
            ("2", "Submit", "2024-01-01"),
            ("2", "Review", "2024-01-05"),
            ("2", "Approve", "2024-01-07"),
            ("3", "Submit", "2024-01-01"),
            ("3", "Review", "2024-01-03"),
        ]
    )
    dfg = directly_follows(ev).set_index(["source", "target"])
    assert dfg.loc[("Submit", "Review"), "median_wait_days"] == 2.0
    assert dfg.loc[("Review", "Approve"), "median_wait_days"] == 1.5
    assert dfg.loc[("Submit", "Review"), "total_wait_days"] == 7.0


def test_monthly_trend_by_quarter():
    per_case = pd.DataFrame(
        {
            "decided": pd.to_datetime(["2024-01-31", "2024-03-31", "2024-04-01", "2023-12-31"]),
            "lead_time_days": [10.0, 20.0, 40.0, 5.0],
        }
    )
    mt = monthly_trend(per_case, freq="Q")
    assert list(mt["period"]) == [
        pd.Timestamp(x) for x in ("2023-10-01", "2024-01-01", "2024-04-01")
    ]
    assert list(mt["n_decided"]) == [1, 2, 1]
    assert list(mt["median_days"]) == [5.0, 15.0, 40.0]


def test_work_in_progress_counts_match_a_plain_count():
    rng = np.random.default_rng(5)
    start = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 90, 200), unit="D")
    length = pd.to_timedelta(rng.integers(0, 40, 200), unit="D")
    table = pd.DataFrame({"start": start, "end": start + length, "duration_days": 1.0})
    table.loc[::7, "end"] = pd.NaT  # still open
    wip = work_in_progress(table, freq="D")
    for period, got in zip(wip["period"], wip["open_cases"], strict=True):
        cut = period + pd.Timedelta(days=1)
        ended = table["end"].notna() & (table["end"] < cut)
        assert got == int(((table["start"] < cut) & ~ended).sum())
