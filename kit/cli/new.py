"""testlab new: scaffold a lab from templates/."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser(
        "new",
        help="create a new lab from the template",
        description="Create labs/NAME/ with lab.yml and NAME.ipynb (parameters cell, Swedish intro, "
        "KPI recording), and stubs of the learning pieces lar-dig.md and learn.md. The new lab "
        "runs at once with `testlab run NAME`.",
    )
    p.add_argument(
        "name",
        metavar="NAME",
        help="lab id: lower-case letters and digits joined by hyphens, at most 40 characters "
        "(pattern [a-z][a-z0-9]*(-[a-z0-9]+)*), e.g. e-tjanst",
    )
    p.add_argument(
        "--title",
        help="title shown on the dashboard index, any text on one line up to 120 characters "
        "(default from NAME)",
    )
    p.add_argument(
        "--explore",
        action="store_true",
        help="also create utforska.ipynb, a step-by-step exploration notebook to learn from",
    )
    p.set_defaults(func=run)


def run(args) -> int:
    from kit.labs.scaffold import new_lab

    path = new_lab(args.name, title=args.title, explore=args.explore)
    extra = ", utforska.ipynb" if args.explore else ""
    print(
        f"Created {path}. Edit lab.yml, {args.name}.ipynb, lar-dig.md, learn.md{extra}, "
        f"then: testlab run {args.name}"
    )
    return 0
