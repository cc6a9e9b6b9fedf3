"""testlab lab: JupyterLab on the repository with the project's kernel."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser(
        "lab",
        help="open JupyterLab on the project with the `testlab` kernel",
        description="Start JupyterLab in the project folder (labs, datasets, kit) with the project's "
        "kernel registered. Extra arguments after -- go to JupyterLab.",
    )
    p.add_argument("--port", type=int, default=8888, help="port (default 8888)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.add_argument("extra", nargs="*", help="further JupyterLab options (after --)")
    p.set_defaults(func=run)


def run(args) -> int:
    import subprocess
    import sys

    from kit.config import project_root
    from kit.labs.kernel import ensure_kernel

    ensure_kernel()
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--port={args.port}",
        "--ip=127.0.0.1",
        "--MultiKernelManager.default_kernel_name=testlab",
        *args.extra,
    ]
    if args.no_browser:
        cmd.append("--no-browser")
    return subprocess.call(cmd, cwd=project_root())
