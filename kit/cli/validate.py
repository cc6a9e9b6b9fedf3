"""``testlab validate PATH``: check a data file against the canonical tables."""

from __future__ import annotations

import argparse
import sys

HELP = "check an events or cases file (CSV, XLSX, XES) and list every problem"
DESCRIPTION = """\
Check a data file against the kit's canonical tables (see datasets/README.md) without loading
it for analysis. Prints the number of rows and columns, each problem as FILE:ROW:COLUMN:
MESSAGE, the consistency-check counts and the names of the columns that hold personal data
(their values are never printed). Exit status 0 when the file is valid, 1 when it is not,
2 when it does not exist.
"""


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "validate",
        help=HELP,
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("path", metavar="PATH", help="file to check: .csv, .xlsx, .xes or .xes.gz")
    p.add_argument(
        "--kind",
        choices=("events", "cases"),
        help="which table the file holds (default: events if it has an activity column)",
    )
    p.add_argument(
        "--mapping",
        metavar="FILE",
        help="mapping YAML for a system export, e.g. datasets/mappings/byggr.yml",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    p.set_defaults(func=run)


def _report(args):
    from kit.data.loaders import ValidationReport, validate_file
    from kit.data.schemas import Problem
    from kit.errors import KitError

    try:
        return validate_file(args.path, kind=args.kind, mapping=args.mapping)
    except KitError as exc:
        return ValidationReport(
            args.path, args.kind, False, 0, problems=[Problem(args.path, None, None, str(exc))]
        )
    except Exception as exc:  # noqa: BLE001 - the command promises a message, never a traceback
        message = f"cannot check the file: unexpected {type(exc).__name__}"
        return ValidationReport(
            args.path, args.kind, False, 0, problems=[Problem(args.path, None, None, message)]
        )


def run(args) -> int:
    from kit.cli._inputs import require_file

    require_file(args.path)  # a missing file is a bad request (exit 2), as in every command
    require_file(args.mapping, "mapping file")
    report = _report(args)
    if args.json:
        print(report.to_json())
        return 0 if report.valid else 1
    out = sys.stdout
    kind = f" ({report.kind})" if report.kind else ""
    print(f"{report.file}{kind}: {report.rows} rows, {len(report.columns)} columns", file=out)
    if report.columns:
        print(f"columns: {', '.join(report.columns)}", file=out)
    for problem in report.problems:
        print(str(problem), file=out)
    found = {name: n for name, n in report.counts.items() if n}
    if found:
        print("checks: " + ", ".join(f"{name} {n}" for name, n in found.items()), file=out)
    if report.personal_data_columns:
        print(
            "personal data (pseudonymised on load, values not shown) in columns: "
            + ", ".join(report.personal_data_columns),
            file=out,
        )
    else:
        print("personal data: none found", file=out)
    status = "valid" if report.valid else f"invalid: {len(report.problems)} problems"
    print(status, file=out)
    return 0 if report.valid else 1
