"""kit.process.leadtime: PBL time limits, extensions, fee reduction, computed by hand for every edge.

Day arithmetic used below (2024 is a leap year): +70 days from 2024-01-08 is 2024-03-18
(23 days to Jan 31, 29 to Feb 29, 18 to Mar 18).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kit.errors import DataError
from kit.process.eventlog import prepare
from kit.process.leadtime import case_metrics, next_working_day, summarise

TZ = "Europe/Stockholm"


def log(*rows, cases=None):
    """Events from rows (case_id, activity, local date or datetime[, extension_weeks])."""
    recs = []
    for r in rows:
        recs.append(
            {
                "case_id": r[0],
                "activity": r[1],
                "timestamp": pd.Timestamp(r[2]).tz_localize(TZ),
                "extension_weeks": r[3] if len(r) > 3 else None,
            }
        )
    ev = pd.DataFrame(recs)
    ev["extension_weeks"] = ev["extension_weeks"].astype("Int64")
    if cases is not None:
        cases = pd.DataFrame(cases)
    return ev, cases


def one(*rows, case_type="bygglov", fee=None, **kw):
    """case_metrics row of the single case 'C' built from (activity, date[, weeks]) rows."""
    ev, _ = log(*[("C", *r) for r in rows])
    cases = pd.DataFrame({"case_id": ["C"], "case_type": [case_type], "fee_sek": [fee]})
    pc = case_metrics(ev, cases, **kw)
    # a prepared EventLog (factorised once, shared with kit.process) gives the same table
    pd.testing.assert_frame_equal(case_metrics(prepare(ev), cases, **kw), pc)
    assert len(pc) == 1
    return pc.iloc[0]


def d(text):
    return pd.Timestamp(text)


# --- clock start ----------------------------------------------------------------------------


def test_completion_order_on_day_21_moves_clock_to_supplement():
    r = one(
        ("received", "2024-03-04"),
        ("completion_requested", "2024-03-25"),  # day 21
        ("supplement_received", "2024-04-02"),
        ("complete", "2024-04-05"),
        ("decision", "2024-06-11"),
    )
    assert r.clock_start == d("2024-04-02")
    assert r.deadline == d("2024-06-11")  # Apr 2 + 70: 28 to Apr 30, 31 to May 31, 11 more
    assert bool(r.within_limit) is True
    assert r.completion_days == 32  # Mar 4 → Apr 5
    assert r.handling_days == 67  # Apr 5 → Jun 11
    assert r.lead_time_days == 99


def test_completion_order_on_day_22_keeps_clock_on_received():
    r = one(
        ("received", "2024-03-04"),
        ("completion_requested", "2024-03-26"),  # day 22
        ("supplement_received", "2024-04-02"),
        ("complete", "2024-04-05"),
        ("decision", "2024-05-14"),
    )
    assert r.clock_start == d("2024-03-04")
    assert r.deadline == d("2024-05-13")  # Mar 4 + 70: 27 to Mar 31, 30 to Apr 30, 13 more
    assert bool(r.within_limit) is False
    assert r.days_late == 1
    assert "completion order after 21 days" in r["flags"]


def test_two_supplements_last_one_before_complete_counts():
    r = one(
        ("received", "2024-03-01"),
        ("completion_requested", "2024-03-06"),
        ("supplement_received", "2024-03-15"),
        ("supplement_received", "2024-03-20"),
        ("complete", "2024-03-22"),
        ("supplement_received", "2024-03-25"),  # after complete: not the remedy
        ("decision", "2024-04-10"),
    )
    assert r.clock_start == d("2024-03-20")
    assert r.deadline == d("2024-05-29")  # Mar 20 + 70: 11, 30, 29


def test_order_without_supplement_starts_on_complete():
    r = one(
        ("received", "2024-03-01"),
        ("completion_requested", "2024-03-06"),
        ("complete", "2024-03-22"),
        ("decision", "2024-04-10"),
    )
    assert r.clock_start == d("2024-03-22")
    assert not r.complete_on_arrival and r.completion_days == 21


def test_order_never_remedied_has_no_deadline():
    r = one(
        ("received", "2024-03-01"),
        ("completion_requested", "2024-03-06"),
        ("decision", "2024-04-10"),  # e.g. avvisning
    )
    assert pd.isna(r.clock_start) and pd.isna(r.deadline)
    assert r.within_limit is pd.NA
    assert "never complete" in r["flags"]
    assert r.lead_time_days == 40


# --- extensions -------------------------------------------------------------------------------

BASE = [("received", "2024-01-08"), ("complete", "2024-01-08")]  # deadline 2024-03-18


def test_no_extension_deadline_ten_weeks():
    r = one(*BASE, ("decision", "2024-03-18"))
    assert r.deadline == d("2024-03-18")
    assert r.limit_weeks == 10 and r.extension_weeks == 0


def test_extension_default_weeks_is_the_limit():
    r = one(*BASE, ("deadline_extended", "2024-03-01"), ("decision", "2024-05-27"))
    assert r.extension_weeks == 10
    assert r.deadline == d("2024-05-27")  # Mar 18 + 70: 13, 30, 27
    assert bool(r.within_limit) is True
    assert r["flags"] == ""


def test_extension_explicit_weeks():
    r = one(*BASE, ("deadline_extended", "2024-03-01", 5), ("decision", "2024-04-23"))
    assert r.deadline == d("2024-04-22")  # Mar 18 + 35
    assert r.days_late == 1 and r.fee_reduction_share == pytest.approx(0.2)


def test_extension_longer_than_limit_applied_and_flagged():
    r = one(*BASE, ("deadline_extended", "2024-03-01", 12), ("decision", "2024-06-10"))
    assert r.extension_weeks == 12
    assert r.deadline == d("2024-06-10")  # Mar 18 + 84: 13, 30, 31, 10
    assert bool(r.within_limit) is True
    assert "extension longer than limit" in r["flags"]


def test_second_extension_ignored_and_flagged():
    r = one(
        *BASE,
        ("deadline_extended", "2024-03-01", 5),
        ("deadline_extended", "2024-03-10", 5),
        ("decision", "2024-04-22"),
    )
    assert r.extension_weeks == 5
    assert r.deadline == d("2024-04-22")
    assert "second extension" in r["flags"]


def test_extension_after_deadline_ignored():
    r = one(*BASE, ("deadline_extended", "2024-03-19", 5), ("decision", "2024-03-20"))
    assert r.extension_weeks == 0
    assert r.deadline == d("2024-03-18")
    assert r.days_late == 2
    assert "extension after deadline" in r["flags"]


def test_extension_on_deadline_day_applies():
    r = one(*BASE, ("deadline_extended", "2024-03-18", 2), ("decision", "2024-03-20"))
    assert r.deadline == d("2024-04-01")
    assert bool(r.within_limit) is True


# --- anmälan -----------------------------------------------------------------------------------


def test_anmalan_four_weeks_ended_by_start_clearance():
    r = one(
        ("received", "2024-01-08"),
        ("complete", "2024-01-08"),
        ("decision", "2024-03-30"),  # not what ends an anmälan
        ("start_clearance", "2024-02-05"),
        case_type="anmalan",
    )
    assert r.limit_weeks == 4
    assert r.deadline == d("2024-02-05")  # Jan 8 + 28
    assert r.decided == d("2024-02-05")
    assert bool(r.within_limit) is True


def test_anmalan_one_day_late():
    r = one(
        ("received", "2024-01-08"),
        ("complete", "2024-01-08"),
        ("start_clearance", "2024-02-06"),
        case_type="ANM",  # ByggR code
        fee=5000.0,
    )
    assert r.case_type == "anmalan"
    assert r.days_late == 1
    assert r.fee_reduction_sek == pytest.approx(1000.0)


# --- lateness and fee reduction -------------------------------------------------------------


@pytest.mark.parametrize(
    ("decision", "late", "weeks", "share"),
    [
        ("2024-03-18", 0, 0, 0.0),  # on the deadline day: in time
        ("2024-03-19", 1, 1, 0.2),
        ("2024-03-25", 7, 1, 0.2),
        ("2024-03-26", 8, 2, 0.4),
        ("2024-04-22", 35, 5, 1.0),
        ("2024-04-27", 40, 6, 1.0),  # capped at the whole fee
    ],
)
def test_days_late_and_started_weeks(decision, late, weeks, share):
    r = one(*BASE, ("decision", decision), fee=10_000.0)
    assert r.days_late == late
    assert r.weeks_late_started == weeks
    assert r.fee_reduction_share == pytest.approx(share)
    assert r.fee_reduction_sek == pytest.approx(10_000.0 * share)
    assert bool(r.within_limit) is (late == 0)


def test_fee_reduction_only_from_2019():
    # received 2018-12-31 and 2019-01-01, both decided 10 days after their deadlines
    r18 = one(("received", "2018-12-31"), ("complete", "2018-12-31"), ("decision", "2019-03-21"))
    r19 = one(("received", "2019-01-01"), ("complete", "2019-01-01"), ("decision", "2019-03-22"))
    assert r18.deadline == d("2019-03-11") and r19.deadline == d("2019-03-12")
    assert r18.days_late == 10 and r19.days_late == 10
    assert r18.fee_reduction_share == 0.0
    assert r19.fee_reduction_share == pytest.approx(0.4)


# --- open cases --------------------------------------------------------------------------------


def test_open_case_days_left_and_already_late():
    r = one(*BASE, as_of="2024-03-01")
    assert bool(r.open) and pd.isna(r.decided)
    assert r.days_left == 17
    assert r.within_limit is pd.NA and math.isnan(r.days_late)
    late = one(*BASE, as_of="2024-03-25")
    assert late.days_left == -7


def test_withdrawn_case_is_not_open():
    r = one(*BASE, ("withdrawn", "2024-02-01"), as_of="2024-05-01")
    assert not r.open and math.isnan(r.days_left)
    assert "withdrawn" in r["flags"]


# --- complete on arrival ----------------------------------------------------------------------


def test_complete_on_arrival():
    ev, _ = log(
        ("A", "received", "2024-01-08 08:00"),
        ("A", "complete", "2024-01-08 15:00"),
        ("B", "received", "2024-01-08"),
        ("B", "completion_requested", "2024-01-08"),
        ("B", "complete", "2024-01-08"),
        ("C", "received", "2024-01-08"),
        ("C", "complete", "2024-01-09"),
    )
    pc = case_metrics(ev).set_index("case_id")
    assert pc.loc["A", "complete_on_arrival"] and pc.loc["A", "completion_days"] == 0
    assert not pc.loc["B", "complete_on_arrival"]  # an order was needed, even if met at once
    assert not pc.loc["C", "complete_on_arrival"] and pc.loc["C", "completion_days"] == 1


# --- weekends and holidays (lag 1930:173), off by default ------------------------------------


@pytest.mark.parametrize(
    ("received", "plain", "shifted"),
    [
        ("2024-01-06", "2024-03-16", "2024-03-18"),  # Saturday → Monday
        ("2024-04-12", "2024-06-21", "2024-06-24"),  # midsommarafton (Fri) → Monday
        ("2024-10-16", "2024-12-25", "2024-12-27"),  # juldagen, annandag jul → Friday
    ],
)
def test_holiday_shift(received, plain, shifted):
    rows = [("received", received), ("complete", received), ("decision", shifted)]
    off = one(*rows)
    on = one(*rows, holiday_shift=True)
    assert off.deadline == d(plain)
    assert on.deadline == d(shifted)
    assert bool(on.within_limit) is True
    assert off.days_late == (d(shifted) - d(plain)).days


def test_next_working_day():
    days = np.array(
        [(d(x) - d("1970-01-01")).days for x in ("2024-03-18", "2024-12-24", "2024-12-31")],
        dtype=float,
    )
    got = next_working_day(np.append(days, np.nan))
    expected = [d("2024-03-18"), d("2024-12-27"), d("2025-01-02")]
    assert [d("1970-01-01") + pd.Timedelta(days=int(x)) for x in got[:3]] == expected
    assert math.isnan(got[3])


# --- inputs ------------------------------------------------------------------------------------


def test_local_calendar_date_from_utc_timestamps():
    ev = pd.DataFrame(
        {
            "case_id": ["A", "A"],
            "activity": ["received", "decision"],
            # 23:30 UTC on 1 March is 00:30 on 2 March in Stockholm
            "timestamp": pd.to_datetime(["2024-03-01 23:30", "2024-03-04 12:00"], utc=True),
        }
    )
    r = case_metrics(ev).iloc[0]
    assert r.received == d("2024-03-02")
    assert r.lead_time_days == 2


def test_cases_table_first_row_wins_and_received_fallback():
    ev, cases = log(
        ("A", "complete", "2024-01-08"),  # no received event: cases.received is used
        ("A", "start_clearance", "2024-02-06"),
        ("B", "received", "2024-01-08"),
        ("B", "decision", "2024-03-18"),
        cases={
            "case_id": ["A", "A", "Z", "B"],  # A twice, Z without events
            "case_type": ["anmalan", "bygglov", "bygglov", "förhandsbesked"],
            "received": ["2024-01-08", "2023-01-01", "2024-01-01", None],
            "fee_sek": [100.0, 999.0, 1.0, None],
        },
    )
    pc = case_metrics(ev, cases).set_index("case_id")
    assert list(pc.index) == ["A", "B"]
    assert pc.loc["A", "case_type"] == "anmalan" and pc.loc["A", "limit_weeks"] == 4
    assert pc.loc["A", "received"] == d("2024-01-08") and pc.loc["A", "days_late"] == 1
    assert pc.loc["A", "fee_reduction_sek"] == pytest.approx(20.0)
    assert pc.loc["B", "case_type"] == "forhandsbesked" and pc.loc["B", "limit_weeks"] == 10
    assert math.isnan(pc.loc["B", "fee_reduction_sek"])  # fee unknown


def test_case_type_unknown_without_cases_follows_lov_rules():
    ev, _ = log(("A", "received", "2024-01-08"), ("A", "decision", "2024-03-18"))
    r = case_metrics(ev).iloc[0]
    assert r.case_type == "unknown" and r.limit_weeks == 10
    assert "case type unknown" in r["flags"]


def test_missing_columns_raise_data_error():
    with pytest.raises(DataError, match="timestamp"):
        case_metrics(pd.DataFrame({"case_id": ["A"], "activity": ["received"]}))


def test_rows_sorted_by_case_and_input_order_irrelevant():
    ev, _ = log(
        ("B", "decision", "2024-02-01"),
        ("A", "received", "2024-01-01"),
        ("B", "received", "2024-01-10"),
        ("A", "decision", "2024-01-31"),
    )
    pc = case_metrics(ev)
    pd.testing.assert_frame_equal(case_metrics(prepare(ev)), pc, check_exact=True)
    assert list(pc["case_id"]) == ["A", "B"]
    assert list(pc["lead_time_days"]) == [30, 22]


# --- summary -----------------------------------------------------------------------------------


def test_summarise_by_hand():
    ev, cases = log(
        ("A", "received", "2024-01-08"),
        ("A", "complete", "2024-01-08"),
        ("A", "decision", "2024-01-18"),  # 10 days
        ("B", "received", "2024-01-08"),
        ("B", "complete", "2024-01-10"),
        ("B", "decision", "2024-01-28"),  # 20 days
        ("C", "received", "2024-01-08"),
        ("C", "complete", "2024-01-08"),
        ("C", "decision", "2024-03-26"),  # 78 days, 8 days late → 0.4 × 1000
        ("D", "received", "2024-01-08"),  # open
        cases={
            "case_id": ["A", "B", "C", "D"],
            "case_type": ["bygglov"] * 4,
            "fee_sek": [1000.0, 1000.0, 1000.0, 1000.0],
        },
    )
    s = summarise(case_metrics(ev, cases, as_of="2024-02-01"))
    assert s["n_cases"] == 4 and s["n_decided"] == 3
    assert s["median_days"] == 20.0
    assert s["mean_days"] == pytest.approx(36.0)
    assert s["p90_days"] == pytest.approx(20 + 0.8 * 58)  # linear between 20 and 78
    assert s["share_within_limit"] == pytest.approx(2 / 3)
    assert s["fee_reduction_sek"] == pytest.approx(400.0)
    assert s["share_complete_on_arrival"] == pytest.approx(2 / 4)
    assert all(type(v) in (int, float) for v in s.values())


def test_summarise_without_decisions_gives_none():
    ev, _ = log(("A", "received", "2024-01-08"))
    s = summarise(case_metrics(ev, as_of="2024-02-01"))
    assert s["n_cases"] == 1 and s["n_decided"] == 0
    for key in ("median_days", "mean_days", "p90_days", "share_within_limit"):
        assert s[key] is None
    assert s["share_complete_on_arrival"] is None  # no complete events at all


# --- fast paths give the same answers as the plain ones ----------------------------------------


@pytest.mark.parametrize(
    ("utc", "local_date"),
    [
        ("2024-03-30 22:59:59", "2024-03-30"),  # 23:59:59 CET
        ("2024-03-30 23:00:00", "2024-03-31"),  # midnight CET, the night the clocks go forward
        ("2024-03-31 01:00:00", "2024-03-31"),  # 03:00 CEST, just after the change
        ("2024-03-31 21:59:59", "2024-03-31"),  # 23:59:59 CEST
        ("2024-03-31 22:00:00", "2024-04-01"),
        ("2024-10-26 22:00:00", "2024-10-27"),  # midnight CEST, the night the clocks go back
        ("2024-10-27 00:30:00", "2024-10-27"),  # 02:30 CEST
        ("2024-10-27 01:30:00", "2024-10-27"),  # 02:30 CET, the hour repeated
        ("2024-10-27 22:59:59", "2024-10-27"),  # 23:59:59 CET
        ("2024-10-27 23:00:00", "2024-10-28"),
    ],
)
def test_utc_instants_to_local_days_around_midnight_and_clock_changes(utc, local_date):
    from kit.process.leadtime import _utc_to_local_days

    t = np.array([pd.Timestamp(utc).value], dtype=np.int64)
    expected = (pd.Timestamp(local_date) - pd.Timestamp("1970-01-01")).days
    assert _utc_to_local_days(t)[0] == expected


def test_utc_instants_to_local_days_match_pandas_conversion():
    from kit.process.leadtime import _utc_to_local_days

    rng = np.random.default_rng(7)
    lo, hi = pd.Timestamp("2018-12-25").value, pd.Timestamp("2025-01-05").value
    t = rng.integers(lo, hi, 20_000)
    # the slow way: convert every timestamp to local time, then drop the time of day
    local = pd.DatetimeIndex(t.view("datetime64[ns]")).tz_localize("UTC").tz_convert(TZ)
    expected = local.tz_localize(None).normalize().asi8 // (86_400 * 10**9)
    assert np.array_equal(_utc_to_local_days(t), expected.astype(float))


def test_local_days_of_iso_date_text_same_as_pandas():
    from kit.process.leadtime import local_days

    arrow = pd.Series(["2024-01-05", None, "1999-12-31"], dtype="str")
    plain = pd.Series(["2024-01-05", None, "1999-12-31"], dtype=object)
    got = local_days(arrow)
    assert got[0] == (pd.Timestamp("2024-01-05") - pd.Timestamp("1970-01-01")).days
    assert math.isnan(got[1])
    np.testing.assert_array_equal(got, local_days(plain))
    # text that is not a plain date is read by pandas: a time of day, a zone
    day = (pd.Timestamp("2024-01-05") - pd.Timestamp("1970-01-01")).days
    assert list(local_days(pd.Series(["2024-01-05 23:30"], dtype="str"))) == [day]
    utc = pd.Series(["2024-01-05T23:30:00+00:00"], dtype="str")
    assert list(local_days(utc)) == [day + 1]  # 23:30 UTC is 00:30 in Stockholm


def test_cases_table_in_event_order_or_any_order_same_result():
    ev, _ = log(
        ("B", "received", "2024-01-02"),
        ("B", "decision", "2024-02-20"),
        ("A", "received", "2024-01-01"),
        ("A", "start_clearance", "2024-02-05"),
        ("C", "received", "2024-01-03"),
    )
    in_event_order = pd.DataFrame(
        {"case_id": ["B", "A", "C"], "case_type": ["bygglov", "anmalan", "marklov"]}
    )
    pc = case_metrics(prepare(ev), in_event_order)
    assert list(pc["case_type"]) == ["anmalan", "bygglov", "marklov"]  # sorted by case_id
    assert list(pc["limit_weeks"]) == [4, 10, 10]
    for other in (
        in_event_order.iloc[::-1],
        in_event_order.iloc[:2],
        in_event_order.iloc[[0, 1, 1]],
    ):
        expect = case_metrics(ev, other.reset_index(drop=True))
        got = case_metrics(prepare(ev), other.reset_index(drop=True))
        pd.testing.assert_frame_equal(got, expect, check_exact=True)
    assert case_metrics(prepare(ev), in_event_order.iloc[:2]).loc[2, "case_type"] == "unknown"


def test_flags_joined_per_case_in_rule_order():
    ev, _ = log(
        ("A", "received", "2024-01-01"),
        ("A", "withdrawn", "2024-01-05"),
        ("B", "decision", "2024-01-05"),
        ("C", "received", "2024-01-01"),
        ("C", "decision", "2024-01-05"),
    )
    cases = pd.DataFrame({"case_id": ["A", "B", "C"], "case_type": ["villa", None, "bygglov"]})
    flags = list(case_metrics(ev, cases)["flags"])
    assert flags == [
        "case type not recognised, lov rules used; withdrawn",
        "case type unknown, lov rules used; no received date",
        "",
    ]
