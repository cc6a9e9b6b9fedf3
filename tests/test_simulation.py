"""The process simulation (kit.process.simulation): discovery on hand-made logs, engine
determinism, scenarios, validation metrics, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kit.errors import DataError, UsageError
from kit.process.simulation.discovery import END, discover, fit
from kit.process.simulation.engine import simulate
from kit.process.simulation.results import interval, run, verdict
from kit.process.simulation.scenarios import (
    apply,
    combine,
    load_scenarios,
    parse_spec,
)
from kit.process.simulation.validation import validate

REPO = Path(__file__).resolve().parents[1]


def _log(paths: list[list[tuple[str, float]]], start="2024-01-01 09:00", every_days=1.0):
    """Events of cases following ``paths``: (activity, days after the case's arrival)."""
    rows = []
    t0 = pd.Timestamp(start)
    for i, path in enumerate(paths):
        arrival = t0 + pd.Timedelta(days=every_days * i)
        for act, days in path:
            rows.append((f"C{i:04d}", act, arrival + pd.Timedelta(days=days)))
    return pd.DataFrame(rows, columns=["case_id", "activity", "timestamp"])


def _generic(n=120):
    """A non-permit log: A → B (3/4 of the cases) or A → C (1/4), then D; B loops once in every
    third B case. Arrivals every day, so 120 cases cover four months."""
    paths = []
    for i in range(n):
        if i % 4 == 3:
            p = [("intake", 0), ("triage", 1), ("finish", 3)]
        else:
            p = [("intake", 0), ("review", 2)]
            if i % 3 == 0:
                p.append(("review", 4))
            p.append(("finish", 6))
        paths.append(p)
    return _log(paths)


def test_branching_probabilities_and_rework_loop_counted_by_hand():
    m = discover(_generic())
    a = m.code("intake")
    nxt, p = m.branches[(-1, a)]
    got = dict(zip([m.activities[x] for x in nxt], p, strict=True))
    assert got == pytest.approx({"review": 90 / 120, "triage": 30 / 120})
    # review cases: 90; every third of all cases (i % 3 == 0) that is not i % 4 == 3 loops
    loops = sum(1 for i in range(120) if i % 4 != 3 and i % 3 == 0)
    r = m.code("review")
    nxt, p = m.branches[(-1, r)]
    got = dict(zip([m.activities[x] if x != END else "END" for x in nxt], p, strict=True))
    assert got["review"] == pytest.approx(loops / (90 + loops))
    assert got["finish"] == pytest.approx(90 / (90 + loops))
    assert m.branches[(-1, m.code("finish"))][0].tolist() == [END]
    # single timestamps, no resource column: capacity estimated from throughput
    assert m.capacity_source == "throughput" and m.capacity >= 1
    assert m.case_types == ["all"] and not m.permit


def test_fit_picks_a_family_for_gamma_data_and_keeps_zero_share():
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.gamma(2.0, 5.0, 900), np.zeros(100)])
    d = fit(x)
    assert d.kind in {"gamma", "weibull_min", "lognorm"}
    assert d.zero_share == pytest.approx(0.1)
    s = d.sample(np.random.default_rng(1), 20000)
    assert np.mean(s == 0) == pytest.approx(0.1, abs=0.01)
    assert np.median(s[s > 0]) == pytest.approx(np.median(x[x > 0]), rel=0.08)


def test_fit_falls_back_to_empirical_for_a_two_humped_distribution():
    x = np.concatenate([np.full(200, 1.0), np.full(200, 30.0)]) + np.linspace(0, 0.5, 400)
    d = fit(x)
    assert d.kind == "empirical"
    s = d.sample(np.random.default_rng(0), 5000)
    assert np.mean(s < 5) == pytest.approx(0.5, abs=0.03)


def test_too_small_or_too_short_logs_are_refused_with_a_clear_message():
    with pytest.raises(DataError, match="at least 50"):
        discover(_generic(40))
    short = _log([[("a", 0), ("b", 1)]] * 80, every_days=0.5)  # 40 days
    with pytest.raises(DataError, match="three months"):
        discover(short)


def test_engine_same_seed_same_log_and_different_seed_differs():
    m = discover(_generic())
    a = simulate(m, m.first_day, m.first_day + 60, seed=7).events()
    b = simulate(m, m.first_day, m.first_day + 60, seed=7).events()
    c = simulate(m, m.first_day, m.first_day + 60, seed=8).events()
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)
    # every simulated case follows the graph: starts with intake, ends with finish
    first = a.groupby("case_id")["activity"].first()
    last = a.groupby("case_id")["activity"].last()
    assert set(first) == {"intake"} and set(last) == {"finish"}
    # weekends are off in the log (arrivals every day, but events on weekends too) → keep
    assert len(a) > 100


def test_events_snap_to_working_days():
    # cases arrive Monday–Friday only, so the discovered calendar has weekends off
    days = [d for d in pd.date_range("2024-01-01", periods=200) if d.weekday() < 5][:130]
    rows = []
    for i, d in enumerate(days):
        rows += [
            (f"C{i}", "in", d + pd.Timedelta(hours=9)),
            (f"C{i}", "out", d + pd.Timedelta(hours=15)),
        ]
    m = discover(pd.DataFrame(rows, columns=["case_id", "activity", "timestamp"]))
    assert m.calendar.workdays == (True, True, True, True, True, False, False)
    ev = simulate(m, m.first_day, m.first_day + 90, seed=1).events()
    assert (ev["timestamp"].dt.day_of_week < 5).all()


def _two_step_model(capacity: int):
    """intake → review → finish on every case; 1 day from step to step, of which the last
    0.25 day is a handler's work on review and finish; every hour of every day is working time."""
    from dataclasses import replace

    from kit.process.simulation.discovery import Calendar, Dist

    m = discover(_generic())
    i, r, f = m.code("intake"), m.code("review"), m.code("finish")
    one = Dist("empirical", quantiles=(1.0, 1.0), n=1, mean=1.0)
    quarter = Dist("empirical", quantiles=(0.25, 0.25), n=1, mean=0.25)
    return replace(
        m,
        start={-1: (np.array([i]), np.ones(1))},
        branches={
            (-1, i): (np.array([r]), np.ones(1)),
            (-1, r): (np.array([f]), np.ones(1)),
            (-1, f): (np.array([END]), np.ones(1)),
        },
        delays={(-1, i, r): one, (-1, r, f): one},
        service={r: quarter, f: quarter},
        capacity=capacity,
        calendar=Calendar((True,) * 7, 0.0, 24.0, False),
    )


def test_work_clock_counts_working_hours_only():
    from kit.process.simulation.discovery import Calendar

    cal = Calendar((True,) * 5 + (False,) * 2, 8.0, 16.0, False)
    monday = int(pd.Timestamp("2024-03-04").value // 86_400_000_000_000)
    clock = cal.clock(monday, monday + 30)
    assert clock.rate == pytest.approx(7 / (5 * 8 / 24))  # 4.2: a week of work is 7 days

    def w(day, hour):
        return float(clock.to_work(monday + day + hour / 24))

    assert w(0, 12) - w(0, 8) == pytest.approx(4 / 24 * 4.2)
    assert w(0, 6) == w(0, 8) and w(0, 20) == w(1, 8)  # nights stand still
    assert w(4, 16) == w(5, 10) == w(7, 8)  # Friday evening = Saturday = Monday morning
    assert w(7, 8) - w(0, 8) == pytest.approx(7.0)
    back = clock.from_work(np.array([w(0, 12), w(5, 10), w(4, 15) + 2 / 24 * 4.2]))
    np.testing.assert_allclose(back - monday, [0.5, 7 + 8 / 24, 7 + 9 / 24])


def test_delays_run_on_working_time_not_counting_weekends_twice(monkeypatch):
    # every step takes two working hours; office hours 8–16 on weekdays
    from dataclasses import replace

    from kit.process.simulation import engine
    from kit.process.simulation.discovery import Calendar, Dist

    two_hours = 2 / 24 * 7 / (5 * 8 / 24)
    m = replace(
        _two_step_model(1),
        service={},
        calendar=Calendar((True,) * 5 + (False,) * 2, 8.0, 16.0, False),
    )
    step = Dist("empirical", quantiles=(two_hours, two_hours), n=1, mean=two_hours)
    m.delays = {k: step for k in m.delays}
    monday = int(pd.Timestamp("2024-03-04").value // 86_400_000_000_000)
    arrive = np.array([monday + 1 + 9 / 24, monday + 4 + 15 / 24])  # Tuesday 9:00, Friday 15:00
    monkeypatch.setattr(engine, "_arrivals", lambda *_a: (arrive, np.array([0, 0])))
    ev = simulate(m, monday, monday + 7, seed=0).events()
    ts = [str(t) for t in ev["timestamp"]]
    assert ts == [
        "2024-03-05 09:00:00",  # Tuesday: 11:00 and 13:00
        "2024-03-05 11:00:00",
        "2024-03-05 13:00:00",
        "2024-03-08 15:00:00",  # Friday 15:00: one hour on Friday, one on Monday
        "2024-03-11 09:00:00",
        "2024-03-11 11:00:00",
    ]


@pytest.mark.parametrize("capacity", [1, 2])
def test_event_log_has_start_timestamp_and_handler_computed_by_hand(monkeypatch, capacity):
    from kit.process.simulation import engine

    m = _two_step_model(capacity)
    day = m.first_day
    # two cases arrive together at noon
    monkeypatch.setattr(
        engine, "_arrivals", lambda *_a: (np.array([day + 0.5, day + 0.5]), np.array([0, 0]))
    )
    ev = simulate(m, day, day + 1, seed=0).event_log()
    assert list(ev.columns) == ["case_id", "activity", "timestamp", "resource", "start_timestamp"]
    d0 = pd.Timestamp(day * 86_400, unit="s")

    def at(days, hour):
        return d0 + pd.Timedelta(days=days, hours=hour)

    # case 0 is served first: review ready at day 1 06:00 (1 day − 0.25 day of work after
    # noon), done at 12:00; finish ready at day 2 06:00, done 12:00
    expected0 = [
        ("intake", at(0, 12), "", pd.NaT),
        ("review", at(1, 12), "handler-01", at(1, 6)),
        ("finish", at(2, 12), "handler-01", at(2, 6)),
    ]
    if capacity == 1:
        # case 1 waits for the one handler: review 12:00–18:00, then finish is ready at
        # day 2 12:00, when the handler is free again
        expected1 = [
            ("intake", at(0, 12), "", pd.NaT),
            ("review", at(1, 18), "handler-01", at(1, 12)),
            ("finish", at(2, 18), "handler-01", at(2, 12)),
        ]
    else:
        # a second handler takes case 1 at once; from then on each case's handler is the one
        # free first (handler 1 is free at 12:00, handler 2 too, the lower number first)
        expected1 = [
            ("intake", at(0, 12), "", pd.NaT),
            ("review", at(1, 12), "handler-02", at(1, 6)),
            ("finish", at(2, 12), "handler-02", at(2, 6)),
        ]
    got = [
        (r.activity, r.timestamp, r.resource, r.start_timestamp) for r in ev.itertuples(index=False)
    ]
    assert got == expected0 + expected1


def test_discovery_reads_a_start_timestamp_column_where_the_log_has_one():
    # received at 8:00 or 17:00 (so the working day is 8–17: rate 24 / 9 on all seven days);
    # review ends at 11–15 after 2 hours' work, finish at 12:00 after 3 hours, by h0–h2
    rows = []
    t0 = pd.Timestamp("2024-01-01")
    for i in range(150):
        day = t0 + pd.Timedelta(days=i)
        review = day + pd.Timedelta(days=2, hours=11 + i % 5)
        finish = day + pd.Timedelta(days=4, hours=12)
        rows += [
            (f"C{i:03d}", "received", day + pd.Timedelta(hours=8 if i % 2 else 17), None, None),
            (f"C{i:03d}", "review", review, f"h{i % 3}", review - pd.Timedelta(hours=2)),
            (f"C{i:03d}", "finish", finish, f"h{i % 3}", finish - pd.Timedelta(hours=3)),
        ]
    log = pd.DataFrame(
        rows, columns=["case_id", "activity", "timestamp", "resource", "start_timestamp"]
    )
    m = discover(log)
    assert (m.calendar.hour_lo, m.calendar.hour_hi) == (8.0, 17.0)
    rate = 24 / 9
    assert m.service[m.code("review")].mean == pytest.approx(2 / 24 * rate, rel=1e-6)
    assert m.service[m.code("finish")].mean == pytest.approx(3 / 24 * rate, rel=1e-6)
    # as text (a CSV read back) the same; without the column, the one-timestamp estimate
    as_text = log.assign(start_timestamp=log["start_timestamp"].astype(str).replace("NaT", ""))
    assert discover(as_text).service[m.code("finish")].mean == pytest.approx(3 / 24 * rate)
    # (no handler has an earlier event the same day, so the estimate has nothing to go on)
    one = discover(log.drop(columns=["start_timestamp"]))
    assert m.code("finish") not in one.service and m.code("review") not in one.service


def test_handlers_in_a_simulated_log_never_do_two_things_at_once(alingsas_small):
    events, cases = alingsas_small
    m = discover(events, cases)
    ev = simulate(m, m.first_day, m.last_day + 1, seed=2).event_log()
    handled = ev[ev["resource"] != ""]
    assert handled["start_timestamp"].notna().all()
    assert ev.loc[ev["resource"] == "", "start_timestamp"].isna().all()
    assert (handled["start_timestamp"] <= handled["timestamp"]).all()
    assert handled["resource"].nunique() == m.capacity
    for _h, g in handled.sort_values(["start_timestamp", "timestamp"]).groupby("resource"):
        ends = g["timestamp"].to_numpy()
        starts = g["start_timestamp"].to_numpy()
        assert (starts[1:] >= ends[:-1]).all()


def test_capacity_counts_handlers_up_to_the_last_arrival_not_in_the_tail():
    # 100 cases, one a day; each is reviewed the next day by one of four handlers (i % 4);
    # the last ten get an archiving step by h0 200 days later. The 90 days before the last
    # event see only h0; the 90 days up to the last arrival see all four.
    rows = []
    t0 = pd.Timestamp("2024-01-01 09:00")
    for i in range(100):
        day = t0 + pd.Timedelta(days=i)
        rows += [
            (f"C{i:03d}", "received", day, None),
            (f"C{i:03d}", "review", day + pd.Timedelta(days=1), f"h{i % 4}"),
        ]
        if i >= 90:
            rows.append((f"C{i:03d}", "archive", day + pd.Timedelta(days=200), "h0"))
    m = discover(pd.DataFrame(rows, columns=["case_id", "activity", "timestamp", "resource"]))
    assert m.capacity_source == "resource" and m.capacity == 4


def test_completed_cases_without_a_common_last_activity():
    from kit.process.simulation.discovery import completed_cases

    # 60 cases over 120 days, each ending with its own activity (none is 5 % of the ends);
    # the gaps within a case are 1 day, so a case quiet for more than a day is done, except
    # the one whose last event is the log's last (quiet for 0 days)
    rows = []
    t0 = pd.Timestamp("2024-01-01 09:00")
    for i in range(60):
        day = t0 + pd.Timedelta(days=2 * i)
        rows += [(f"C{i:02d}", "start", day), (f"C{i:02d}", f"end {i}", day + pd.Timedelta(days=1))]
    log = pd.DataFrame(rows, columns=["case_id", "activity", "timestamp"])
    assert completed_cases(log) == 59
    assert discover(log).n_cases == 60  # accepted (before: "0 completed cases")


def test_a_log_with_hundreds_of_activities_discovers_and_simulates():
    from kit.samples.wide import wide_log

    ev = wide_log(2_000, 300, seed=1)
    names = set(ev["activity"])
    assert len(names) > 200 and not names & {"received", "decision"}
    m = discover(ev)
    assert sorted(m.activities) == sorted(names) and not m.permit
    assert m.capacity_source == "resource"
    log = simulate(m, m.first_day, m.first_day + 120, seed=3).events()
    assert set(log["activity"]) <= names

    # every simulated step follows a transition of the log
    def pairs(df):
        df = df.sort_values(["case_id", "timestamp"], kind="stable")
        same = df["case_id"].to_numpy()[1:] == df["case_id"].to_numpy()[:-1]
        a = df["activity"].to_numpy()
        return set(zip(a[:-1][same], a[1:][same], strict=True))

    assert pairs(log) <= pairs(ev)
    assert log["case_id"].nunique() > 500
    v = validate(ev, replications=2)
    assert (
        v.test_cases == 600 and np.isfinite(v.median_rel_error) and np.isfinite(v.wasserstein_days)
    )


def test_scenarios_parse_validate_and_refuse_bad_values():
    known = load_scenarios()
    assert {"e-service", "auto-plan-check", "fast-lane", "staffing", "digital-consultation"} <= set(
        known
    )
    (sc,) = parse_spec("staffing=+2", known)
    assert sc.value("handlers") == 2
    parts = parse_spec("e-service+auto-plan-check", known)
    assert [p.name for p in parts] == ["e-service", "auto-plan-check"]
    with pytest.raises(UsageError, match=r"unknown scenario 'e-servise'; known: auto-plan-check"):
        parse_spec("e-servise", known)
    with pytest.raises(UsageError, match=r"outside the allowed range 0 … 1"):
        parse_spec("e-service=1.5", known)
    with pytest.raises(UsageError, match=r"factor must be above 0"):
        parse_spec("shorten:review=0", known)
    with pytest.raises(UsageError, match="no parameter 'speed'"):
        parse_spec("e-service.speed=2", known)


def test_generic_changes_on_a_non_permit_log():
    m = discover(_generic())
    known = load_scenarios()
    removed = apply(m, combine(parse_spec("remove:triage", known)))
    nxt, p = removed.branches[(-1, m.code("intake"))]
    assert m.code("triage") not in nxt.tolist() and p.sum() == pytest.approx(1)
    fewer = apply(m, combine(parse_spec("capacity=-1", known))) if m.capacity > 1 else None
    if fewer is not None:
        assert fewer.capacity == m.capacity - 1
    with pytest.raises(UsageError, match=rf"allowed range is {1 - m.capacity:+d} or more"):
        apply(m, combine(parse_spec(f"capacity=-{m.capacity}", known)))
    # a permit prototype on a log without its activities names what is missing
    with pytest.raises(
        UsageError, match="needs activities this log does not have: received, complete"
    ):
        apply(m, combine(parse_spec("e-service", known)))
    shorter = apply(m, combine(parse_spec("shorten:finish=0.5", known)))
    d0 = m.delay(-1, m.code("review"), m.code("finish"))
    d1 = shorter.delay(-1, m.code("review"), m.code("finish"))
    assert d1.mean == pytest.approx(d0.mean * 0.5)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("scenarios: [1, 2]", "expected a mapping with the key 'scenarios'"),
        ("scenarios:\n  x:\n    changes: []\n", "scenario 'x': key 'changes'"),
        (
            "scenarios:\n  x:\n    changes:\n      - shorten: {activity: a}\n",
            "scenario 'x': key 'changes[1].shorten.factor': missing",
        ),
        (
            "scenarios:\n  x:\n    changes:\n      - shorten: {activity: a, factor: $f}\n",
            "refers to $f, which is not a parameter",
        ),
        (
            "scenarios:\n  x:\n    parameters:\n      f: {default: 2, min: 0, max: 1}\n"
            "    changes:\n      - shorten: {activity: a, factor: $f}\n",
            "key 'parameters.f.default': 2 is outside",
        ),
        ("scenarios: {x: [\n", "not valid YAML"),
    ],
)
def test_malformed_scenarios_file_names_file_scenario_and_key(tmp_path, text, message):
    f = tmp_path / "mine.yml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError) as exc:
        load_scenarios(f)
    assert str(f) in str(exc.value) and message in str(exc.value)


def test_lab_scenarios_file_is_the_builtin_one():
    lab = (REPO / "labs" / "future-process" / "scenarios.yml").read_text(encoding="utf-8")
    builtin = (REPO / "kit" / "process" / "simulation" / "scenarios.yml").read_text(
        encoding="utf-8"
    )
    assert lab == builtin


def test_interval_and_verdict_on_known_values():
    mean, lo, hi = interval(np.array([0.30, 0.34, 0.38]))
    # t(0.975, 2) = 4.3027; sd = 0.04; half = 4.3027 * 0.04 / sqrt(3)
    assert mean == pytest.approx(0.34)
    assert hi - mean == pytest.approx(4.302653 * 0.04 / np.sqrt(3), rel=1e-5)
    assert verdict(lo, hi, mean) == "possible"
    assert verdict(0.34, 0.40, 0.37) == "reached"
    assert verdict(0.10, 0.20, 0.15) == "not_reached"


def test_validation_on_a_stationary_log_is_close_and_counts_the_split():
    # the same process all year: a model trained on 70 % must reproduce the other 30 %
    rng = np.random.default_rng(5)
    paths = [[("open", 0), ("work", float(rng.gamma(4, 2.5))), ("close", 0)] for _ in range(300)]
    for p in paths:
        p[2] = ("close", p[1][1] + float(rng.gamma(2, 1.0)))
    log = _log(paths, every_days=0.5)
    v = validate(log, replications=3)
    assert v.train_cases == 210 and v.test_cases == 90
    assert abs(v.median_rel_error) < 0.2
    assert v.wasserstein_days < 3
    d = v.to_dict()
    assert {
        "median_rel_error",
        "p90_rel_error",
        "wasserstein_days",
        "train_cases",
        "test_cases",
    } <= set(d)


def test_validation_replications_in_parallel_or_on_a_mapper_give_the_same_result(
    alingsas_small,
):
    events, cases = alingsas_small
    calls = []

    def mapper(fn, tasks):  # a cluster's map, in this process
        calls.append(len(tasks))
        return map(fn, tasks)

    serial = validate(events, cases, replications=3, seed=9)
    pooled = validate(events, cases, replications=3, seed=9, jobs=2)
    mapped = validate(events, cases, replications=3, seed=9, mapper=mapper)
    assert calls == [3]  # one task per replication went through the mapper
    for other in (pooled, mapped):
        assert other.to_dict() == serial.to_dict()
        np.testing.assert_array_equal(other.simulated, serial.simulated)
        pd.testing.assert_frame_equal(other.log.event_log(), serial.log.event_log())
    assert serial.log.model.permit and len(serial.simulated) > 50
    # another seed is another sample
    assert not np.array_equal(
        validate(events, cases, replications=3, seed=10).simulated, serial.simulated
    )
    with pytest.raises(UsageError, match="allowed range 1 or more"):
        validate(events, cases, replications=0)


def test_heap_scheduler_gives_the_same_log_as_simpy(alingsas_small):
    events, cases = alingsas_small
    m = discover(events, cases)
    a = simulate(m, m.first_day, m.last_day + 1, seed=5)
    b = simulate(m, m.first_day, m.last_day + 1, seed=5, driver="simpy")
    assert a.n_events > 1000
    for x, y in ((a.case, b.case), (a.act, b.act), (a.time, b.time)):
        np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(np.isnan(a.extension), np.isnan(b.extension))


def test_permit_scenarios_shorten_and_results_are_reproducible(alingsas_small):
    events, cases = alingsas_small
    m = discover(events, cases)
    known = load_scenarios()
    scs = [combine(parse_spec(s, known), s) for s in ("e-service", "staffing=+2")]
    a = run(m, scs, replications=3, seed=3)
    b = run(m, scs, replications=3, seed=3, jobs=2)
    assert a.baseline == b.baseline and a.scenarios == b.scenarios  # jobs do not change results
    c = run(m, scs, replications=3, seed=3, jobs=2)  # the reused worker pool: same again
    assert c.baseline == a.baseline and c.scenarios == a.scenarios
    assert a.scenarios["e-service"]["median_reduction"] > 0.05
    assert a.baseline["share_within_limit"] is not None
    assert a.baseline["fee_reduction_sek"] is not None


SMALL_UNTIL = "2023-09-01"  # Alingsås cases received before: about 350 cases over 8 months


@pytest.fixture(scope="module")
def small_csv(tmp_path_factory):
    """The Alingsås CSVs cut to the cases received before :data:`SMALL_UNTIL` (a permit log
    big enough to discover and validate on, small enough to simulate in a second)."""
    out = tmp_path_factory.mktemp("alingsas_small")
    cs = pd.read_csv(REPO / "datasets" / "alingsas" / "cases.csv", dtype=str)
    cs = cs[cs["received"] < SMALL_UNTIL]
    ev = pd.read_csv(REPO / "datasets" / "alingsas" / "events.csv", dtype=str)
    ev = ev[ev["case_id"].isin(set(cs["case_id"]))]
    cs.to_csv(out / "cases.csv", index=False)
    ev.to_csv(out / "events.csv", index=False)
    return out / "events.csv", out / "cases.csv"


@pytest.fixture(scope="module")
def alingsas_small(small_csv):
    from kit.data.loaders import load_cases, load_log

    events, _ = load_log(small_csv[0])
    return events, load_cases(small_csv[1])


def test_cli_json_shape_same_seed_same_bytes_and_log_out(tmp_path, small_csv):
    ev, cs = small_csv
    out = tmp_path / "sim.csv"
    cmd = [
        sys.executable,
        "-m",
        "kit.cli",
        "simulate",
        str(ev),
        "--cases",
        str(cs),
        "--json",
        "--replications",
        "2",
        "--jobs",
        "1",
        "--seed",
        "4",
        "--scenario",
        "e-service",
        "--scenario",
        "staffing=+2",
        "--log-out",
        str(out),
    ]
    # two processes side by side (most of each is importing); the second without --log-out
    # and with two workers: the same bytes
    procs = [
        subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for c in (cmd, [*cmd[:-2], "--jobs", "2"])
    ]
    outs = [p.communicate() for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _out, err in outs]
    assert outs[0][0] == outs[1][0]
    d = json.loads(outs[0][0])
    assert d["validation"]["train_cases"] + d["validation"]["test_cases"] > 300
    assert {"median_days", "p90_days", "share_within_limit"} <= set(d["baseline"])
    assert set(d["scenarios"]) == {"e-service", "staffing=+2"}
    assert {"median_days", "median_reduction", "ci_low", "ci_high"} <= set(
        d["scenarios"]["e-service"]
    )
    assert {
        "median_rel_error",
        "p90_rel_error",
        "wasserstein_days",
        "train_cases",
        "test_cases",
    } <= set(d["validation"])
    assert d["observed"]["median_days"] > 0
    # the simulated log is a canonical event log that testlab leadtime reads
    lt = subprocess.run(
        [sys.executable, "-m", "kit.cli", "leadtime", str(out), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    written = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(written.columns[:5]) == [
        "case_id",
        "activity",
        "timestamp",
        "resource",
        "start_timestamp",
    ]
    worked = written["resource"] != ""
    assert worked.any() and (~worked).any()
    assert (written.loc[worked, "start_timestamp"] != "").all()
    assert (written.loc[~worked, "start_timestamp"] == "").all()
    assert (
        pd.to_datetime(written.loc[worked, "start_timestamp"])
        <= pd.to_datetime(written.loc[worked, "timestamp"])
    ).all()
    assert json.loads(lt.stdout)["summary"]["n_cases"] == written["case_id"].nunique()


def test_default_prototypes_skip_those_a_log_without_case_types_cannot_take(alingsas_small):
    from kit.process.simulation import study

    events, _cases = alingsas_small  # the events alone: every case is of type "all"
    out = study(events, None, replications=1, validation_replications=1)
    names = {sc.name for sc in out["scenarios"]}
    assert out["model"].case_types == ["all"]
    assert "fast-lane" not in names  # its route is for anmälan cases
    assert {"e-service", "auto-plan-check", "staffing", "digital-consultation"} <= names


def test_cli_bad_input_one_line_exit_2(tmp_path):
    ev = REPO / "datasets" / "alingsas" / "events.csv"
    small = tmp_path / "small.csv"
    _generic(30).to_csv(small, index=False)
    # both commands side by side (most of each is importing)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "kit.cli", "simulate", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in ([str(ev), "--scenario", "nope"], [str(small)])
    ]
    (_, err1), (_, err2) = (p.communicate() for p in procs)
    assert procs[0].returncode == 2
    assert (
        "unknown scenario 'nope'; known: auto-plan-check, digital-consultation, e-service" in err1
    )
    assert "Traceback" not in err1
    assert procs[1].returncode == 1 and "at least 50" in err2 and "Traceback" not in err2


def test_dashboard_renders_both_languages_and_records_kpis(monkeypatch):
    from kit.labs import kpi
    from kit.present.views.future_process import FutureProcessDashboard

    monkeypatch.setattr(kpi, "RECORDED", {})
    d = FutureProcessDashboard("alingsas", "sv", replications=1)
    html_sv = d.render_html()
    assert "Kan vi lita på modellen?" in html_sv and "målet 33 %" in html_sv
    assert {"baseline_median_days", "best_reduction_pct", "validation_median_error_pct"} <= set(
        kpi.RECORDED
    )
    d.lang = "en"
    html_en = d.render_html()
    assert "Can we trust the model?" in html_en and "Kan vi lita" not in html_en
    assert len(d.controls()) == 1 + sum(len(s.parameters) for s in d.known.values())


def test_slider_readouts_are_written_in_the_page_language():
    """ipywidgets' own readout writes "0.60" on Swedish pages too; ours follows the page."""
    import ipywidgets as w

    from kit.present.views.future_process import FutureProcessDashboard

    for lang, comma in (("sv", ","), ("en", ".")):
        d = FutureProcessDashboard("alingsas", lang, replications=1)
        boxes = d.controls()[1:]
        floats = [b for b in boxes if isinstance(b.children[0], w.FloatSlider)]
        assert floats and all(not b.children[0].readout for b in boxes)
        slider, label = floats[0].children
        assert label.value == f"{slider.value:.2f}".replace(".", comma)
        slider.value = 0.35
        assert label.value == f"0{comma}35"
