"""testlab plancheck: check building proposals against a digital detailed plan."""

from __future__ import annotations


def _tolerance(text: str) -> float:
    import argparse

    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected metres, e.g. 0.1, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"tolerance must be zero or more metres, got {text!r}")
    return value


def register(sub) -> None:
    p = sub.add_parser(
        "plancheck",
        help="check building proposals against a digital detailed plan (Detaljplan 4.1)",
        description="Check each proposal in PROPOSALS (GeoJSON: fastighet + byggnad features "
        "with proposal_id) against PLAN (Lantmäteriet's Detaljplan 4.1 JSON, or plain GeoJSON "
        "regulations): land use, prickmark, största byggnadsarea (% and m²), högsta nock- and "
        "totalhöjd, minsta fastighetsstorlek, buildings over the property boundary (each part of a "
        "multi-part building on its own). Each check is pass, fail or manual (manuell "
        "prövning); a proposal fails if any check fails, else is manual if any check is. "
        "Proposals in another coordinate system than the plan's (a SWEREF 99 zone, WGS 84) "
        "are reprojected; without a crs member they are SWEREF 99 TM, or WGS 84 (with a "
        "warning) when their numbers are longitude/latitude in Sweden. Files must be UTF-8. "
        "Exit 0 when the check ran, whatever the verdicts; 1 when a file is invalid; 2 when "
        "a file is missing.",
    )
    p.add_argument("plan", metavar="PLAN", help="the detailed plan (.json)")
    p.add_argument("proposals", metavar="PROPOSALS", help="the proposals (.geojson)")
    p.add_argument(
        "--tolerance",
        type=_tolerance,
        default=0.1,
        metavar="M",
        help="how far (metres) a footprint may cross into prickmark, a neighbouring area or "
        "outside the plan without counting (default 0.1)",
    )
    p.add_argument(
        "--lang", choices=("sv", "en"), default="sv", help="language of the explanations"
    )
    p.add_argument(
        "--json",
        action="store_true",
        help='print {"proposals": [{"proposal_id", "verdict", "checks": [...]}]} instead of a table',
    )
    p.set_defaults(func=run)


def run(args) -> int:
    import json
    import sys
    import warnings

    from kit.cli._inputs import require_file
    from kit.plans.check import check_files, results_json
    from kit.plans.reader import PlanWarning

    require_file(args.plan, "plan file")
    require_file(args.proposals, "proposals file")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PlanWarning)
        results = check_files(args.plan, args.proposals, tolerance_m=args.tolerance, lang=args.lang)
    for w in caught:  # ours as one line each; anything else as Python shows it
        if issubclass(w.category, PlanWarning):
            print(f"testlab plancheck: warning: {w.message}", file=sys.stderr)
        else:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    if args.json:
        print(json.dumps(results_json(results), ensure_ascii=False, indent=2))
    else:
        print(format_table(results, args.lang))
    return 0


def format_table(results, lang: str) -> str:
    """Plain-text table, one row per check, and a count of verdicts."""
    from kit.labels import t
    from kit.plans.check import STATUSES, results_frame, summarise

    frame = results_frame(results, lang)
    columns = [c for c in frame.columns if c != t("plancheck.col.unit", lang)]
    rows = [[str(v) for v in row] for row in frame[columns].itertuples(index=False)]
    widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(columns[:-1])]

    def line(cells: list[str]) -> str:
        fixed = "  ".join(c.ljust(w) for c, w in zip(cells[:-1], widths, strict=True))
        return f"{fixed}  {cells[-1]}".rstrip()

    out = [line(columns), line(["-" * w for w in widths] + ["-" * len(columns[-1])])]
    out += [line(r) for r in rows]
    s = summarise(results)
    counts = " · ".join(f"{t(f'plancheck.status.{k}', lang)}: {s[f'n_{k}']}" for k in STATUSES)
    out.append("")
    out.append(f"{t('plancheck.kpi.n_proposals', lang)}: {s['n_proposals']} · {counts}")
    return "\n".join(out)
