"""testlab simulate: discover a simulation from an event log, validate it, test prototypes."""

from __future__ import annotations

import argparse


def register(sub) -> None:
    p = sub.add_parser(
        "simulate",
        help="simulate the process discovered from an event log; validate it; test prototypes",
        description="Discover a simulation model from an event log (CSV, XLSX, XES; one timestamp "
        "per event is enough): the activity graph with branching probabilities and rework loops, "
        "fitted times, arrivals, working calendar and capacity. Validate it on the later 30 % of "
        "the cases (median and p90 error, Wasserstein distance), then simulate the baseline and "
        "each prototype (scenario) with 95 % intervals over replications, against the goal of a "
        "33 % shorter median time to decision.",
        epilog="Scenarios: e-service, auto-plan-check, fast-lane, staffing, digital-consultation "
        "(defaults in kit/process/simulation/scenarios.yml); NAME=VALUE sets the first parameter "
        "(staffing=+2), NAME.PARAM=VALUE any one; generic: shorten:ACTIVITY=FACTOR, "
        "remove:ACTIVITY, automate:ACTIVITY=DAYS, capacity=+N; join with + to combine "
        "(e-service+auto-plan-check). Without --scenario every built-in prototype the log "
        "supports is run.\n"
        "Sweeps: --sweep NAME=A..B runs the scenario NAME=V for every whole number V from A "
        "to B (staffing=0..4 runs staffing=0, staffing=1, ..., staffing=4; "
        "staffing.handlers=-2..2, capacity=1..3 work the same way); repeatable, and combined "
        "with --scenario.\n"
        "Clusters: --scheduler tcp://HOST:PORT sends each replication to a Dask scheduler's "
        "workers, --scheduler local:N to a LocalCluster of N processes; same seed, same JSON "
        "as a local run.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("events", metavar="EVENTS", help="event log: .csv, .xlsx, .xes or .xes.gz")
    p.add_argument("--cases", metavar="CASES", help="cases table with case_type and fee_sek")
    p.add_argument("--mapping", metavar="FILE", help="mapping file (YAML) for a system's export")
    p.add_argument(
        "--scenario",
        metavar="NAME[=VALUE]",
        action="append",
        help="a prototype to test (repeatable); see below",
    )
    p.add_argument(
        "--sweep",
        metavar="NAME=A..B",
        action="append",
        help="every whole value from A to B of a scenario's parameter (repeatable; see below)",
    )
    p.add_argument(
        "--scenarios-file",
        metavar="FILE.yml",
        help="your own prototypes (YAML, as labs/future-process/scenarios.yml)",
    )
    p.add_argument("--replications", type=int, default=10, metavar="N", help="default 10")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    p.add_argument(
        "--jobs", type=int, default=None, metavar="N", help="parallel processes (default: cores)"
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the replications on a Dask cluster: tcp://HOST:PORT or local[:N]",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument(
        "--log-out",
        metavar="FILE.csv",
        help="write one simulated replication of the held-out period as a canonical event log "
        "(case_id, activity, timestamp, resource, start_timestamp where a handler did the step)",
    )
    p.set_defaults(func=run)


def run(args) -> int:
    import json
    import os

    from kit.cli._inputs import refuse_overwrite, require_file
    from kit.data.loaders import load_cases, load_log
    from kit.errors import UsageError
    from kit.process.simulation import study, to_json

    require_file(args.events, "events file")
    require_file(args.cases, "cases file")
    require_file(args.mapping, "mapping file")
    require_file(args.scenarios_file, "scenarios file")
    inputs = (args.events, args.cases, args.mapping, args.scenarios_file)
    refuse_overwrite(args.log_out, inputs)
    if args.replications < 1:
        raise UsageError(f"--replications {args.replications}: allowed range is 1 or more")
    jobs = args.jobs if args.jobs is not None else (os.cpu_count() or 1)
    if jobs < 1:
        raise UsageError(f"--jobs {jobs}: allowed range is 1 or more")
    if args.seed < 0:
        raise UsageError(f"--seed {args.seed}: allowed range is 0 or more")
    scenarios = args.scenario
    if args.sweep:
        scenarios = list(scenarios or []) + [s for sw in args.sweep for s in sweep_specs(sw)]
    cluster = None
    if args.scheduler:
        from kit.labs.cluster import parse_scheduler

        parse_scheduler(args.scheduler)  # a malformed address: exit 2 before reading
    events, cases = load_log(args.events, mapping=args.mapping)
    if args.cases:
        cases = load_cases(args.cases, mapping=args.mapping)
    mapper = None
    if args.scheduler:
        from kit.labs.cluster import DaskMap, connect

        cluster = connect(args.scheduler)
        mapper = DaskMap(cluster)
    try:
        out = study(
            events,
            cases,
            scenarios=scenarios,
            scenarios_file=args.scenarios_file,
            replications=args.replications,
            seed=args.seed,
            jobs=jobs,
            progress=not args.json,
            mapper=mapper,
        )
    finally:
        if cluster is not None:
            cluster.close()
    if args.log_out:
        write_log(out["validation"].log, args.log_out)
    data = to_json(out)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False))
    else:
        print(format_text(data, source=args.events))
    return 0


#: at most this many values in one sweep
MAX_SWEEP = 200


def sweep_specs(text: str) -> list[str]:
    """``NAME=A..B`` as the scenario specs ``NAME=A``, ``NAME=A+1``, ..., ``NAME=B``."""
    import re

    from kit.errors import UsageError

    m = re.fullmatch(r"\s*([^=\s]+)=([+-]?\d+)\.\.([+-]?\d+)\s*", text)
    if not m:
        raise UsageError(
            f"--sweep {text!r}: expected NAME=A..B with whole numbers, e.g. staffing=0..4"
        )
    name, a, b = m.group(1), int(m.group(2)), int(m.group(3))
    if a > b:
        raise UsageError(f"--sweep {text!r}: the first value must not exceed the last")
    if b - a + 1 > MAX_SWEEP:
        raise UsageError(f"--sweep {text!r}: at most {MAX_SWEEP} values")
    return [f"{name}={v}" for v in range(a, b + 1)]


def write_log(log, path: str) -> None:
    """The simulated events as a canonical CSV, written atomically (temp file, then rename)."""
    import os
    import tempfile
    from pathlib import Path

    ev = log.event_log()
    for col in ("timestamp", "start_timestamp"):
        ev[col] = ev[col].dt.strftime("%Y-%m-%d %H:%M")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            ev.to_csv(fh, index=False)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _pct(v) -> str:
    return "n/a" if v is None else f"{100 * v:.1f} %"


def _days(v) -> str:
    return "n/a" if v is None else f"{v:.1f}"


def format_text(d: dict, *, source: str = "") -> str:
    v = d["validation"]
    lines = [f"Simulation: {source}" if source else "Simulation"]
    lines.append(
        f"  model: {d['model']['activities']} activities, {d['model']['transitions']} timed "
        f"transitions, {d['model']['capacity']} handlers ({d['model']['capacity_source']})"
    )
    lines.append(
        f"Validation on {v['test_cases']} held-out cases (from {v['split']}; trained on "
        f"{v['train_cases']}):"
    )
    lines.append(
        f"  median  observed {_days(v['observed_median_days'])} d, simulated "
        f"{_days(v['simulated_median_days'])} d, error {_pct(v['median_rel_error'])}"
    )
    lines.append(
        f"  p90     observed {_days(v['observed_p90_days'])} d, simulated "
        f"{_days(v['simulated_p90_days'])} d, error {_pct(v['p90_rel_error'])}"
    )
    lines.append(f"  Wasserstein distance {_days(v['wasserstein_days'])} days")
    if not v["trustworthy"]:
        lines.append(
            "  NOT TRUSTWORTHY: the median or p90 error exceeds 10 %; read the scenarios below "
            "as rough directions only."
        )
    b = d["baseline"]
    lines.append(
        f"Baseline ({d['period']['start']} – {d['period']['end']}, {d['replications']} "
        f"replications): median {_days(b['median_days'])} d, p90 {_days(b['p90_days'])} d, "
        f"within limit {_pct(b['share_within_limit'])}"
    )
    for name, s in d["scenarios"].items():
        goal = {
            "reached": "goal reached",
            "possible": "goal possible",
            "not_reached": "goal not reached",
        }[s["verdict"]]
        ci = (
            f" (95 % CI {_pct(s['ci_low'])} – {_pct(s['ci_high'])})"
            if s["ci_low"] is not None
            else ""
        )
        lines.append(
            f"  {name:<28} median {_days(s['median_days'])} d, {_pct(s['median_reduction'])} "
            f"shorter{ci}: {goal}"
        )
    return "\n".join(lines)
