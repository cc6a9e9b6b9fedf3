"""Batch runs: every (lab, municipality) pair executed by Papermill in worker processes.

Each run writes, under ``<out>/<lab>/<municipality>/``, the executed notebook and a standalone
HTML report without code cells, and adds an entry to ``<out>/manifest.json``: lab, parameters,
git revision, start, duration, status, error and the KPIs the notebook recorded with
:func:`kit.record`; the same runs are appended to the results journal ``<out>/journal.sqlite``. Every file is written to a temporary name and moved into place, so an
interrupted run never leaves a half-written report. A failing run never stops the others.

Kernels talk to the runner over IPC sockets in a private temporary folder per run rather than
TCP ports, so parallel workers cannot race for the same port.
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from kit.config import KERNEL_NAME, MUNICIPALITIES, build_dir, project_root
from kit.errors import UsageError
from kit.labs.folders import Lab, get_labs
from kit.labs.journaling import journal_results
from kit.labs.kpi import BATCH_ENV, KPI_FILE_ENV, read_kpi_file

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class RunSpec:
    """One notebook execution: which lab, with which parameters, written where."""

    lab: str
    notebook: str
    cwd: str
    parameters: dict[str, Any]
    out_dir: str

    @property
    def key(self) -> str:
        return f"{self.lab}/{self.parameters.get('municipality', '-')}"


@dataclass
class RunResult:
    """What one run produced; one entry of the manifest."""

    lab: str
    parameters: dict[str, Any]
    status: str  # "ok" or "failed"
    started: str
    duration_s: float
    git_revision: str
    notebook: str
    report: str | None
    kpis: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


@dataclass
class RunSummary:
    results: list[RunResult]
    manifest: Path

    @property
    def failed(self) -> list[RunResult]:
        return [r for r in self.results if r.status != "ok"]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


# -- planning ---------------------------------------------------------------------------


def plan_runs(
    lab_ids: list[str] | None = None,
    municipalities: list[str] | None = None,
    params: list[tuple[str, str]] | None = None,
    out: Path | None = None,
) -> list[RunSpec]:
    """Check the request and list the runs; raises UsageError before anything runs.

    Labs with a ``municipality`` parameter run once per municipality (all bundled ones unless
    ``municipalities`` names some); other labs run once. Every ``-p NAME VALUE`` must name a
    parameter of every selected lab and parse as its declared type.
    """
    labs = get_labs(lab_ids)
    if not labs:
        raise UsageError("no labs found; create one with `testlab new NAME`")
    for m in municipalities or []:
        if m not in MUNICIPALITIES:
            raise UsageError(
                f"unknown municipality {m!r}; expected one of: {', '.join(MUNICIPALITIES)}"
            )
    out = (out or build_dir() / "runs").resolve()
    specs = []
    for lab in labs:
        values = _lab_parameters(lab, params or [])
        if "municipality" in values and municipalities:
            raise UsageError("give the municipality with -m, not with -p municipality")
        places = (municipalities or list(MUNICIPALITIES)) if lab.per_municipality else [None]
        for place in places:
            p = dict(values)
            if place is not None:
                p["municipality"] = place
            folder = out / lab.id / (place or "-")
            specs.append(RunSpec(lab.id, str(lab.notebook), str(lab.path), p, str(folder)))
    return specs


def _lab_parameters(lab: Lab, params: list[tuple[str, str]]) -> dict[str, Any]:
    declared = lab.parameters
    values = {}
    for name, raw in params:
        if name not in declared:
            names = ", ".join(declared) or "none"
            raise UsageError(f"lab {lab.id} has no parameter {name!r} (its parameters: {names})")
        values[name] = declared[name].coerce(raw)
    return values


# -- running ----------------------------------------------------------------------------


def git_revision(root: Path | None = None) -> str:
    """Commit of the project (with ``-dirty`` when files differ), or ``unknown``."""
    root = root or project_root()
    try:
        rev = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{rev}-dirty" if dirty else rev


def run_labs(
    lab_ids: list[str] | None = None,
    municipalities: list[str] | None = None,
    params: list[tuple[str, str]] | None = None,
    *,
    jobs: int = 1,
    out: Path | None = None,
    progress: bool = True,
) -> RunSummary:
    """Plan, then execute every run (``jobs`` at a time) and write the manifest.

    With ``jobs > 1`` the worker processes start (and import Papermill and nbconvert) while
    the request is still being checked, so their start-up overlaps with planning; a refused
    request shuts them down before anything ran. Runs start longest first, going by the
    durations in the previous manifest, so the workers finish close together.
    """
    pool = None
    if jobs > 1:
        ctx = get_context("spawn")  # a fresh interpreter per worker: no inherited kernel state
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_warm_up)
        for _ in range(jobs):
            pool.submit(_noop)  # starts the workers now
    results: list[RunResult] = []
    try:
        specs = plan_runs(lab_ids, municipalities, params, out)
        out_root = Path(specs[0].out_dir).parents[1]
        out_root.mkdir(parents=True, exist_ok=True)
        revision = git_revision()
        bar = _progress(len(specs), progress)
        try:
            if pool is None:
                for spec in specs:
                    results.append(execute(spec, revision))
                    bar.update(1)
            else:
                ordered = _longest_first(specs, read_manifest(out_root))
                futures = {pool.submit(execute, spec, revision): spec for spec in ordered}
                for fut in as_completed(futures):
                    try:
                        results.append(fut.result())
                    except Exception as exc:  # the worker itself died (killed, out of memory)
                        results.append(_lost(futures[fut], revision, exc))
                    bar.update(1)
        finally:
            bar.close()
            if results:
                write_manifest(out_root, results)
                journal_results(out_root, results)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    order = {s.key: i for i, s in enumerate(specs)}
    results.sort(key=lambda r: order[f"{r.lab}/{r.parameters.get('municipality', '-')}"])
    return RunSummary(results, out_root / MANIFEST)


def _lost(spec: RunSpec, revision: str, exc: BaseException) -> RunResult:
    """The result of a run whose worker process died before it could report."""
    return RunResult(
        lab=spec.lab,
        parameters=spec.parameters,
        status="failed",
        started=datetime.now(UTC).isoformat(timespec="seconds"),
        duration_s=0.0,
        git_revision=revision,
        notebook=str(Path(spec.out_dir) / f"{spec.lab}.ipynb"),
        report=None,
        error=f"worker process lost: {_one_line(exc)}",
    )


def _warm_up() -> None:
    """Worker initialiser: pay the imports and template loading once per worker."""
    import papermill  # noqa: F401

    _html_exporter()


def _noop() -> None:
    return None


def _longest_first(specs: list[RunSpec], previous: list[dict[str, Any]]) -> list[RunSpec]:
    """Specs ordered by their last known duration, longest first (unknown ones first of all)."""
    known = {
        (e["lab"], json.dumps(e["parameters"], sort_keys=True)): e["duration_s"] for e in previous
    }
    return sorted(
        specs,
        key=lambda s: -known.get((s.lab, json.dumps(s.parameters, sort_keys=True)), float("inf")),
    )


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc="testlab run", unit="run", disable=not enabled, file=sys.stderr)


def execute(spec: RunSpec, revision: str = "unknown") -> RunResult:
    """Run one notebook with Papermill, then write its report; never raises for a lab error."""
    import papermill as pm

    folder = Path(spec.out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    notebook = folder / f"{spec.lab}.ipynb"
    report = folder / f"{spec.lab}.html"
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    error = None
    with tempfile.TemporaryDirectory(prefix="testlab-run-") as tmp:
        tmp_nb = Path(tmp) / notebook.name
        kpi_file = Path(tmp) / "kpis.jsonl"
        env = {BATCH_ENV: "1", KPI_FILE_ENV: str(kpi_file), "MPLBACKEND": "Agg"}
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            pm.execute_notebook(
                spec.notebook,
                str(tmp_nb),
                parameters=spec.parameters,
                kernel_name=KERNEL_NAME,
                cwd=spec.cwd,
                progress_bar=False,
                kernel_manager_class=_ipc_kernel_manager(tmp),
            )
        except Exception as exc:  # a lab's error is a result, not a crash of the batch
            error = _one_line(exc)
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        kpis = read_kpi_file(kpi_file)
        report_path: Path | None = None
        if tmp_nb.exists():
            try:
                html = notebook_to_html(tmp_nb)
                _atomic_write(report, html)
                report_path = report
            except Exception as exc:  # keep the notebook even when the report fails
                error = error or f"report: {_one_line(exc)}"
            os.replace(tmp_nb, notebook)
    return RunResult(
        lab=spec.lab,
        parameters=spec.parameters,
        status="failed" if error else "ok",
        started=started.isoformat(timespec="seconds"),
        duration_s=round(time.perf_counter() - t0, 2),
        git_revision=revision,
        notebook=str(notebook),
        report=str(report_path) if report_path else None,
        kpis=kpis,
        error=error,
    )


def _ipc_kernel_manager(folder: str):
    from jupyter_client.manager import AsyncKernelManager

    ip = str(Path(folder) / "kernel")

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", ip)
            super().__init__(**kwargs)

    return IPCKernelManager


def _one_line(exc: BaseException) -> str:
    name = getattr(exc, "ename", None) or type(exc).__name__
    value = getattr(exc, "evalue", None) or str(exc)
    text = f"{name}: {value}"
    return re.sub(r"\x1b\[[0-9;]*m", "", " ".join(text.split()))[:500]


# -- reports and manifest ---------------------------------------------------------------

_REMOTE_TAG = re.compile(
    r"<script[^>]+src=[\"']https?://[^\"']*[\"'][^>]*>\s*</script>|<link[^>]+href=[\"']https?://[^\"']*[\"'][^>]*>",
    re.IGNORECASE,
)


@functools.cache
def _html_exporter():
    """One exporter per process: loading nbconvert's templates is the slow part."""
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )


def notebook_to_html(path: Path) -> str:
    """Standalone HTML of an executed notebook without code cells and without CDN assets."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("widgets", None)  # widget state would pull the widget manager from a CDN
    html, _ = _html_exporter().from_notebook_node(nb)
    # MathJax and require.js come from CDNs in nbconvert's template; reports do not need them.
    return _REMOTE_TAG.sub("", html)


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; reports are for sharing
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_manifest(out_root: Path) -> list[dict[str, Any]]:
    try:
        return json.loads((out_root / MANIFEST).read_text(encoding="utf-8"))["runs"]
    except (FileNotFoundError, json.JSONDecodeError, KeyError):
        return []


def write_manifest(out_root: Path, results: list[RunResult]) -> Path:
    """Merge ``results`` into the manifest: a new run of a (lab, parameters) pair replaces the old."""

    def key(entry: dict[str, Any]) -> str:
        return json.dumps([entry["lab"], entry["parameters"]], sort_keys=True)

    entries = {key(e): e for e in read_manifest(out_root)}
    for r in results:
        entry = asdict(r)
        entries[key(entry)] = entry
    doc = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "runs": list(entries.values()),
    }
    path = out_root / MANIFEST
    _atomic_write(path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    return path
