"""testlab synth: generate the synthetic sample data (syntetiska exempeldata)."""

from __future__ import annotations

import argparse

from kit.config import MUNICIPALITIES

DEFAULT_SEED = (
    1849  # kept equal to kit.samples.permits.DEFAULT_SEED (tested); not imported: start-up speed
)
DEFAULT_YEARS = (2023, 2024)


def register(sub) -> None:
    p = sub.add_parser(
        "synth",
        help="generate synthetic permit cases and event logs (the bundled samples, or big logs)",
        description="Generate seeded synthetic permit cases (cases.csv) and their event logs "
        "(events.csv) for the bundled municipalities, one folder each. Without options this "
        "rewrites the committed samples in the datasets folder; the same seed always gives "
        "byte-identical files. With --cases and --out it makes large logs for benchmarks.",
        epilog="Examples: `testlab synth` (rewrite datasets/*); "
        "`testlab synth -m umea --cases 100000 --out build/big` (benchmark log); "
        "`testlab synth -m umea --with-personal-data --out /tmp/pn` (privacy tests, never commit).",
    )
    p.add_argument(
        "-m",
        "--municipality",
        action="append",
        choices=sorted(MUNICIPALITIES),
        metavar="MUNICIPALITY",
        help=f"municipality id, repeatable (default: all of {', '.join(MUNICIPALITIES)})",
    )
    p.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    p.add_argument(
        "--cases",
        type=_positive,
        metavar="N",
        help="total cases per municipality over all years (default: the municipality's usual "
        "yearly volume each year)",
    )
    p.add_argument(
        "--years",
        type=int,
        nargs="+",
        default=list(DEFAULT_YEARS),
        metavar="YEAR",
        help="years in which cases are received (default: 2023 2024); data cut-off is "
        "31 March after the last year",
    )
    p.add_argument(
        "--out",
        metavar="DIR",
        help="parent folder; each municipality gets DIR/<id>/ (default: the datasets folder)",
    )
    p.add_argument(
        "--with-personal-data",
        action="store_true",
        help="add synthetic personnummer/organisation numbers (applicant_id) and free-text notes "
        "naming them, for privacy tests; requires --out outside the datasets folder (exit 2 "
        "otherwise, nothing written); never commit such files",
    )
    p.add_argument(
        "--format",
        choices=("csv", "xes"),
        default="csv",
        help="event-log format: csv (events.csv) or xes (IEEE 1849, events.xes); cases.csv "
        "is always written (default: csv)",
    )
    p.set_defaults(func=run)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {value}")
    return value


def run(args) -> int:
    from kit.samples.permits import generate_samples

    paths = generate_samples(
        args.municipality,
        seed=args.seed,
        years=args.years,
        cases=args.cases,
        out=args.out,
        with_personal_data=args.with_personal_data,
        fmt=args.format,
    )
    for path in paths:
        print(path)
    return 0
