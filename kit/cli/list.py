"""testlab list: labs with titles and parameters."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser(
        "list",
        help="list the labs with their titles and parameters",
        description="List every lab under labs/ with its title and notebook parameters "
        "(name, type, default and comment), as `testlab run -p NAME VALUE` accepts them.",
    )
    p.add_argument(
        "--lang", default="sv", choices=["sv", "en"], help="language of the titles (default sv)"
    )
    p.set_defaults(func=run)


def run(args) -> int:
    from kit.labs.folders import discover_labs

    labs = discover_labs()
    if not labs:
        print("No labs found. Create one with `testlab new NAME`.")
        return 0
    for lab in labs:
        print(f"{lab.id}  —  {lab.title(args.lang)}")
        print(f"    {lab.text('question', args.lang)}")
        for p in lab.parameters.values():
            print(f"    -p {p.name} <{p.type}>  default {p.default!r}  {p.help}")
    return 0
