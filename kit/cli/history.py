"""testlab history: the runs in the results journal, with their KPIs."""

from __future__ import annotations

import sys


def register(sub) -> None:
    p = sub.add_parser(
        "history",
        help="list earlier runs and their KPIs from the results journal",
        description="List the runs in the results journal OUT/journal.sqlite that `testlab run` "
        "appends to (oldest first), each with its KPIs. Filters combine. --json prints a list of "
        "runs, each with a 'kpis' mapping; --csv one row per run and KPI. --import-manifest adds "
        "the runs of an earlier manifest.json (runs already present are skipped).",
    )
    p.add_argument(
        "--out", metavar="DIR", help="output folder of `testlab run` (default build/runs)"
    )
    p.add_argument("--lab", metavar="LAB", help="only runs of this lab")
    p.add_argument("--kpi", metavar="KPI", help="only runs that recorded this KPI, and only it")
    p.add_argument("-m", "--municipality", metavar="M", help="only runs for this municipality")
    p.add_argument(
        "--since", metavar="DATE", help="only runs started on or after DATE (YYYY-MM-DD)"
    )
    p.add_argument("--last", type=int, metavar="N", help="only the N newest runs")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON (a list of runs)")
    fmt.add_argument("--csv", action="store_true", help="print CSV (one row per run and KPI)")
    p.add_argument(
        "--import-manifest",
        action="append",
        metavar="PATH",
        help="import the runs of an earlier manifest.json into the journal (repeatable)",
    )
    p.set_defaults(func=run)


def run(args) -> int:
    import re
    from pathlib import Path

    from kit.errors import UsageError
    from kit.journal.store import open_journal

    if args.since and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", args.since):
        raise UsageError(f"--since expects a date YYYY-MM-DD, not {args.since!r}")
    if args.last is not None and args.last < 1:
        raise UsageError("--last must be at least 1")
    if args.out:
        out = Path(args.out)
    else:
        from kit.config import build_dir

        out = build_dir() / "runs"
    if args.import_manifest:
        with open_journal(out) as j:
            for path in args.import_manifest:
                n = j.import_manifest(path)
                print(f"imported {n} run(s) from {path} into {j.path}", file=sys.stderr)
        return 0
    with open_journal(out, create=False) as j:
        runs = j.query(
            lab=args.lab,
            kpi=args.kpi,
            municipality=args.municipality,
            since=args.since,
            latest=args.last,
        )
    if args.json:
        import json

        sys.stdout.write(json.dumps([r.as_dict() for r in runs], ensure_ascii=False) + "\n")
    elif args.csv:
        _csv(runs)
    else:
        _text(runs)
    return 0


def _csv(runs) -> None:
    import csv

    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(
        ["run_id", "started", "lab", "municipality", "status", "git_revision", "duration_s",
         "kpi", "value", "unit", "target", "direction"]
    )  # fmt: skip
    for r in runs:
        head = [r.id, r.started, r.lab, r.municipality or "", r.status, r.git_revision or "",
                r.duration_s if r.duration_s is not None else ""]  # fmt: skip
        if not r.kpis:
            w.writerow(head + ["", "", "", "", ""])
        for k in r.kpis.values():
            w.writerow(
                head
                + [
                    k["name"],
                    _plain(k["value"]),
                    k["unit"] or "",
                    _plain(k["target"]),
                    k["direction"] or "",
                ]  # fmt: skip
            )


def _plain(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _text(runs) -> None:
    if not runs:
        print("No runs match.", file=sys.stderr)
        return
    lines = []
    for r in runs:
        kpis = "  ".join(f"{k['name']}={_plain(k['value'])}" for k in r.kpis.values())
        where = r.municipality or "-"
        mark = "ok    " if r.status == "ok" else "FAILED"
        lines.append(f"{r.started[:16].replace('T', ' ')}  {mark} {r.lab:<22} {where:<10} {kpis}")
    sys.stdout.write("\n".join(lines) + "\n")
    print(f"{len(runs)} run(s)", file=sys.stderr)
