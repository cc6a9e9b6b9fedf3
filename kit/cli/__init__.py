"""The ``testlab`` command line: thin over :mod:`kit`.

Each subcommand lives in its own module in this package with a ``register(subparsers)``
function that adds its parser and sets ``func`` to a callable ``(args) -> int``. Modules are
discovered, so adding a command is adding a file. Errors from the kit are printed as one line
(no traceback); usage errors exit 2.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from kit.errors import KitError


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exits 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="testlab",
        description="Digital testlab kit for the Swedish plan and building-permit process.",
        epilog="Run `testlab COMMAND --help` for the options of a command.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KitError as exc:
        print(f"testlab {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"testlab {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `testlab ... | head`: the reader left, nothing to report
        sys.stderr.close()
        return 0
    except OSError as exc:  # a file it could not read or write: one line, no traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"testlab {args.command}: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
