"""testlab survey: innovation capability before and after, from a survey export."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser(
        "survey",
        help="innovation capability before and after: scores, reliability, change, verdict",
        description="Analyse survey answers (CSV as Swedish Excel writes it, or XLSX: one row "
        "per respondent and wave, one column per item id, plus respondent_id, municipality, "
        "wave = before/after or a date, and optionally role) against a questionnaire (YAML; "
        "default: the open questionnaire of the innovation-capability lab). Prints per "
        "municipality and for all together: scores with 95 %% confidence intervals, Cronbach's "
        "alpha (warning below 0.7), the change before -> after with Wilcoxon (matched "
        "respondents) or Mann-Whitney, rank-biserial effect size, Holm-corrected p-values and "
        "a verdict. Groups of fewer than 5 respondents are not shown. Respondent ids are "
        "pseudonymised and free text is never printed. Exit 1 when the file does not fit the "
        "questionnaire (every problem named with item, column and rows; nothing computed).",
    )
    p.add_argument("file", metavar="FILE", nargs="?", help="the survey answers (.csv or .xlsx)")
    p.add_argument(
        "--questionnaire",
        metavar="Q",
        help="questionnaire YAML (default labs/innovation-capability/questionnaire.yml)",
    )
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument(
        "--template",
        metavar="OUT.xlsx",
        help="write the questionnaire as an answer template (item ids as columns; texts and "
        "scale on a second sheet) instead of analysing a file",
    )
    p.add_argument("--lang", choices=("sv", "en"), default="sv", help="language of the texts")
    p.set_defaults(func=run)


def run(args) -> int:
    import json

    from kit.errors import UsageError
    from kit.survey.questionnaire import read_questionnaire, write_template

    if args.template and args.file:
        raise UsageError("give either FILE to analyse or --template OUT.xlsx, not both")
    if not args.template and not args.file:
        raise UsageError("expected FILE (survey answers) or --template OUT.xlsx")
    from kit.cli._inputs import refuse_overwrite, require_file

    require_file(args.file, "answers file")
    require_file(args.questionnaire, "questionnaire file")
    refuse_overwrite(args.template, [args.questionnaire])
    q = read_questionnaire(args.questionnaire)
    if args.template:
        path = write_template(q, args.template, args.lang)
        print(
            f"{path}: {len(q.item_ids)} items, {len(q.dimensions)} dimensions, scale "
            f"{q.scale.describe(args.lang)}"
        )
        return 0

    from kit.survey.analysis import analyse
    from kit.survey.answers import read_answers

    result = analyse(read_answers(args.file, q), lang=args.lang)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        print(format_report(result, args.lang))
    return 0


def format_report(result, lang: str) -> str:
    """Plain-text report: per municipality the change table and the reliability warnings."""
    from kit.labels import number, t
    from kit.survey.analysis import ALL, p_text

    q = result.answers.questionnaire
    lines = [q.title_text(lang), ""]

    def num(v, d=2):
        return number(v, lang, d)

    cols = ["dimension", "before", "after", "diff", "test", "p_holm", "effect_size", "verdict"]
    heads = [t(f"innovation.col.{c}", lang) for c in cols]
    for g in result.groups:
        name = t("innovation.all", lang) if g == ALL else g
        k = result.kpis(g)
        lines.append(f"== {name}: n = {k['n_before']} / {k['n_after']}")
        rows = []
        for r in result.changes[result.changes["municipality"] == g].itertuples():
            rows.append(
                [
                    q.dimension_label(r.dimension, lang),
                    num(r.before),
                    num(r.after),
                    num(r.diff),
                    t(f"innovation.test.{r.test}", lang) if r.test else "–",
                    p_text(r.p_holm, lang),
                    num(r.effect_size),
                    r.verdict_text,
                ]
            )
        widths = [max(len(h), *(len(x[i]) for x in rows)) for i, h in enumerate(heads[:-1])]

        def fmt(cells, widths=widths):
            fixed = "  ".join(c.ljust(w) for c, w in zip(cells[:-1], widths, strict=True))
            return f"{fixed}  {cells[-1]}"

        lines.append(fmt(heads))
        lines.extend(fmt(r) for r in rows)
        dims = result.dimensions
        low = dims[(dims["municipality"] == g) & dims["alpha_warning"]]
        for r in low.itertuples():
            lines.append(
                f"! {q.dimension_label(r.dimension, lang)} ({t('innovation.wave.' + r.wave, lang)}): "
                f"{t('innovation.col.alpha', lang)} {num(r.alpha)} < {num(0.7, 1)}"
            )
        lines.append("")
    return "\n".join(lines).rstrip()
