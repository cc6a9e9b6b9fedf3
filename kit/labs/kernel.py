"""The project's Jupyter kernel: this interpreter, registered as ``testlab``.

Papermill runs and Voilà dashboards ask for the kernel by name, so they always use the
project's virtual environment and never pick up another Python on the machine.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from kit.config import KERNEL_NAME

DISPLAY_NAME = "Python (testlab)"


def kernel_dir(prefix: str | None = None) -> Path:
    return Path(prefix or sys.prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME


def ensure_kernel(prefix: str | None = None) -> Path:
    """Register (or refresh) the ``testlab`` kernel for this interpreter; return its folder.

    The kernelspec goes under ``<prefix>/share/jupyter/kernels`` (default: the running
    environment), which Jupyter, Papermill and Voilà started from this environment search.
    """
    return _write_spec(kernel_dir(prefix))


def _write_spec(folder: Path) -> Path:
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": DISPLAY_NAME,
        "language": "python",
        "metadata": {"debugger": True},
    }
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "kernel.json"
    text = json.dumps(spec, indent=1)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return folder


def kernel_registered() -> bool:
    """True when Jupyter can find a ``testlab`` kernel that runs this interpreter."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        return False
    # not resolved: every virtual environment's python links to the same base interpreter
    return os.path.abspath(spec.argv[0]) == os.path.abspath(sys.executable)


def ensure_registered() -> Path | None:
    """Register the ``testlab`` kernel when Jupyter cannot find one for this interpreter.

    ``make`` registers it; a plain ``pip install -e .`` does not, so ``testlab run`` and
    ``serve`` call this first. Returns the folder when it registered the kernel (and says so
    on stderr), None when it was there already.
    """
    if kernel_registered():
        return None
    try:
        folder = ensure_kernel()
    except OSError:  # the environment is read-only: the user's own Jupyter folder
        from jupyter_core.paths import jupyter_data_dir

        folder = _write_spec(Path(jupyter_data_dir()) / "kernels" / KERNEL_NAME)
    print(f"testlab: registered the '{KERNEL_NAME}' Jupyter kernel in {folder}", file=sys.stderr)
    return folder
