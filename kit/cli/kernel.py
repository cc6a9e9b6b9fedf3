"""testlab kernel: register the project's Jupyter kernel."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser(
        "kernel",
        help="register this environment's Python as the `testlab` Jupyter kernel",
        description="Register (or refresh) the `testlab` kernel so Papermill, Voilà and JupyterLab "
        "run notebooks with this environment's interpreter. `make` does this for you.",
    )
    p.set_defaults(func=run)


def run(args) -> int:
    from kit.labs.kernel import ensure_kernel

    print(f"kernel 'testlab' registered in {ensure_kernel()}")
    return 0
