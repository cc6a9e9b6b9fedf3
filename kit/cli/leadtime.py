"""testlab leadtime: lead times, PBL time limits and bottlenecks of an event log."""

from __future__ import annotations

import argparse

SUMMARY_ROWS = (
    ("n_cases", "cases", "{:,.0f}"),
    ("n_decided", "decided", "{:,.0f}"),
    ("median_days", "median lead time (days)", "{:,.1f}"),
    ("mean_days", "mean lead time (days)", "{:,.1f}"),
    ("p90_days", "90th percentile (days)", "{:,.1f}"),
    ("share_within_limit", "decided within the time limit", "{:.1%}"),
    ("fee_reduction_sek", "fee reduction (SEK)", "{:,.0f}"),
    ("share_complete_on_arrival", "complete on arrival", "{:.1%}"),
)


def register(sub) -> None:
    p = sub.add_parser(
        "leadtime",
        help="lead times, statutory time limits, fee reduction and bottlenecks of an event log",
        description="Read an event log (CSV, XLSX, XES or XES.GZ; pseudonymised on loading) and "
        "report lead times (received → decision), the share decided within the statutory time "
        "limit (PBL 9:27: 10 weeks for lov and förhandsbesked, 4 for anmälan), the fee reduction "
        "(PBL 12:8a), the transitions holding the most waiting time and the commonest variants. "
        "A log without the permit vocabulary (received, decision, ...) is measured from the "
        "first to the last event of each case; the PBL figures are then empty.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("events", metavar="EVENTS", help="event log: .csv, .xlsx, .xes or .xes.gz")
    p.add_argument(
        "--cases",
        metavar="CASES",
        help="cases table (.csv/.xlsx) with case_type and fee_sek; without it every case "
        "follows the lov rules (10 weeks) and no fee reduction in SEK is computed",
    )
    p.add_argument(
        "--mapping", metavar="FILE", help="mapping file (YAML) for a system's own export"
    )
    p.add_argument(
        "--json", action="store_true", help="print JSON (summary, bottlenecks, top 10 variants)"
    )
    p.add_argument(
        "--per-case",
        metavar="OUT.csv",
        help="also write one row per case (deadline, days late, fee reduction) to this CSV file",
    )
    p.add_argument(
        "--holiday-shift",
        action="store_true",
        help="move a deadline on a Saturday, Sunday or Swedish holiday to the next weekday "
        "(lag 1930:173; off by default)",
    )
    p.set_defaults(func=run)


def run(args) -> int:
    import json
    import sys
    import warnings

    from kit.cli._inputs import refuse_overwrite, require_file
    from kit.data.checks import exclude_cases
    from kit.data.loaders import load_cases, load_log
    from kit.process.report import lead_time_report

    require_file(args.events, "event log")
    require_file(args.cases, "cases file")
    require_file(args.mapping, "mapping file")
    refuse_overwrite(args.per_case, (args.events, args.cases, args.mapping))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        events, cases = load_log(args.events, mapping=args.mapping)
        if args.cases:
            cases = load_cases(args.cases, mapping=args.mapping)
    events, cases, excluded = exclude_cases(events, cases, file=args.events)
    if len(events) == 0:
        from kit.errors import DataError

        raise DataError(
            "no case left to measure: every case's decision precedes its application",
            file=args.events,
        )
    report = lead_time_report(events, cases, holiday_shift=args.holiday_shift)
    if args.per_case:
        write_per_case(report.per_case, args.per_case)
    if args.json:
        data = report.to_dict()
        data["excluded"] = excluded
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(format_report(report, source=args.events, excluded=excluded))
    # findings after the report, one line each (without the source line Python's warning
    # format adds); a failed command prints only its error
    for w in caught:
        print(f"testlab leadtime: {' '.join(str(w.message).split())}", file=sys.stderr)
    return 0


EXCLUDED_TEXT = {
    "decision_before_received": "whose decision precedes the application",
}


def write_per_case(per_case, path: str) -> None:
    """The per-case export, written atomically (temporary file in the same folder, then rename)."""
    import os
    import tempfile
    from pathlib import Path

    from kit.process.report import PER_CASE_EXPORT

    out = per_case.loc[:, list(PER_CASE_EXPORT)]
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            out.to_csv(fh, index=False, date_format="%Y-%m-%d")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def format_report(
    report, *, source: str = "", top: int = 5, excluded: dict[str, int] | None = None
) -> str:
    """A short aligned text table: the summary, then the top bottlenecks."""
    s = report.summary
    lines = [f"Lead times: {source}" if source else "Lead times"]
    if not report.permit:
        lines.append("(no permit activities: lead time = first → last event; PBL figures n/a)")
    for name, n in (excluded or {}).items():
        lines.append(
            f"(excluded: {n:,} {'case' if n == 1 else 'cases'} {EXCLUDED_TEXT.get(name, name)}; "
            "not in the figures below, "
            f"`testlab validate {source}` lists their rows)"
        )
    width = max(len(label) for _, label, _ in SUMMARY_ROWS)
    for key, label, fmt in SUMMARY_ROWS:
        value = s.get(key)
        text = "n/a" if value is None else fmt.format(value)
        lines.append(f"  {label:<{width}}  {text:>12}")
    b = report.bottlenecks.head(top)
    if len(b):
        lines.append("")
        lines.append("Bottlenecks (most total waiting time)")
        steps = [f"{r.source} → {r.target}" for r in b.itertuples()]
        sw = max(len(x) for x in steps)
        lines.append(f"  {'transition':<{sw}}  {'count':>8}  {'median d':>9}  {'share':>6}")
        for step, r in zip(steps, b.itertuples(), strict=True):
            lines.append(
                f"  {step:<{sw}}  {r.count:>8,}  {r.median_wait_days:>9.1f}  {r.share_of_waiting:>6.1%}"
            )
    return "\n".join(lines)
