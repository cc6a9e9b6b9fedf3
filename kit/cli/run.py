"""testlab run: execute labs with Papermill for every municipality."""

from __future__ import annotations

import sys


def register(sub) -> None:
    p = sub.add_parser(
        "run",
        help="execute labs with Papermill (notebook, HTML report, manifest)",
        description="Execute every (lab, municipality) pair with Papermill in worker processes. "
        "Each run writes the executed notebook, an HTML report without code and a manifest entry "
        "(parameters, git revision, time, status, KPIs) under OUT/<lab>/<municipality>/ "
        "(other parameters than the defaults: a subfolder per parameter set, e.g. lang-en), "
        "and OUT/index.html listing every report. A worker that dies loses only its own run "
        "(retried once); Ctrl-C stops, keeps what finished and replaces nothing else. "
        "Exit 0 when all runs succeed, 1 when any failed, 2 for a bad request (nothing run), "
        "130 when interrupted.",
    )
    p.add_argument("labs", nargs="*", metavar="LAB", help="lab ids (default: every lab)")
    p.add_argument(
        "-m",
        "--municipality",
        action="append",
        dest="municipalities",
        metavar="MUNICIPALITY",
        help="run for this municipality only (repeatable; default: all bundled)",
    )
    p.add_argument(
        "-p",
        "--parameter",
        action="append",
        nargs=2,
        dest="params",
        metavar=("NAME", "VALUE"),
        default=[],
        help="set a notebook parameter (repeatable; checked against its declared type)",
    )
    p.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=1,
        metavar="N",
        help="parallel worker processes (default 1; at most the number of runs and of cores)",
    )
    p.add_argument(
        "--lang",
        metavar="LANGS",
        help="report languages, comma-separated, e.g. sv,en (each language its own run and "
        "folder; the first is the index page's language)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on a Dask cluster instead of local worker processes: tcp://HOST:PORT of a "
        "running Dask scheduler, or local[:N] for a LocalCluster of N worker processes "
        "(default 2); workers need the kit at the same version, not a shared file system",
    )
    p.add_argument("--out", metavar="DIR", help="output folder (default build/runs)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    from kit.cli._inputs import require_output_dir
    from kit.labs.runner import run_labs

    require_output_dir(args.out)
    langs = [x.strip() for x in args.lang.split(",") if x.strip()] if args.lang else None
    summary = run_labs(
        args.labs or None,
        args.municipalities,
        [tuple(p) for p in args.params],
        jobs=args.jobs,
        out=Path(args.out) if args.out else None,
        progress=not args.quiet,
        langs=langs,
        scheduler=args.scheduler,
    )
    for r in summary.results:
        mark = "ok    " if r.status == "ok" else "FAILED"
        print(f"{mark} {r.folder:<32} {r.duration_s:6.1f} s  {r.report or r.notebook or '-'}")
        if r.error:
            print(f"       {r.error}")
    n_failed = len(summary.failed)
    if summary.interrupted:
        print(
            f"testlab run: interrupted; {len(summary.results)} finished run(s) recorded in "
            f"{summary.manifest}, {len(summary.not_run)} not run (nothing of theirs written)",
            file=sys.stderr,
        )
        return summary.exit_code
    print(f"{len(summary.results) - n_failed} ok, {n_failed} failed; manifest: {summary.manifest}")
    if n_failed:
        names = ", ".join(r.folder for r in summary.failed)
        print(f"testlab run: failed runs: {names}", file=sys.stderr)
    return summary.exit_code
