"""Batch runs: every (lab, municipality) pair executed by Papermill in worker processes.

Each run writes, under ``<out>/<lab>/<municipality>/`` (default parameters) or
``<out>/<lab>/<municipality>/<suffix>/`` (other parameters, e.g. ``lang-en``), the executed
notebook and a standalone HTML report without code cells, and adds an entry to
``<out>/manifest.json``: lab, parameters, folder, git revision, start, duration, status, error
and the KPIs the notebook recorded with :func:`kit.record`; the same run is appended to the
results journal ``<out>/journal.sqlite`` (:mod:`kit.labs.journaling`). ``<out>/index.html``
lists every report. A failing run never stops the others.

Faults and interrupts (issue 16): the whole request is checked before a worker starts; each
run executes in a worker process of its own (:mod:`kit.labs.pool`) that writes into a private
temporary folder; only the parent moves a finished run's files into place and updates the
manifest right after, so the manifest always describes what is on disk. A worker that dies
loses only its own run, which is retried once on a fresh worker. Ctrl-C (or SIGTERM) stops
scheduling and discards runs in progress: nothing is replaced after the interrupt.

Kernels talk to the runner over IPC sockets in a private temporary folder per run rather than
TCP ports, so parallel workers cannot race for the same port.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kit.config import KERNEL_NAME, MUNICIPALITIES, build_dir, project_root
from kit.errors import UsageError
from kit.labs.folders import Lab, get_labs
from kit.labs.journaling import journal_results
from kit.labs.kpi import BATCH_ENV, KPI_FILE_ENV, read_kpi_file

MANIFEST = "manifest.json"
TMP_PREFIX = "testlab-run-"
#: a run whose worker died is tried this many times in all
ATTEMPTS = 2


@dataclass(frozen=True)
class RunSpec:
    """One notebook execution: which lab, with which parameters, written where."""

    lab: str
    notebook: str
    cwd: str
    parameters: dict[str, Any]
    out_dir: str
    folder: str = ""  # out_dir relative to the output root: the run's key in the manifest

    @property
    def key(self) -> str:
        return self.folder or f"{self.lab}/{self.parameters.get('municipality', '-')}"


@dataclass
class RunResult:
    """What one run produced; one entry of the manifest."""

    lab: str
    parameters: dict[str, Any]
    status: str  # "ok" or "failed"
    started: str
    duration_s: float
    git_revision: str
    notebook: str | None
    report: str | None
    kpis: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    folder: str = ""
    attempts: int = 1


@dataclass
class RunSummary:
    results: list[RunResult]
    manifest: Path
    not_run: list[RunSpec] = field(default_factory=list)
    interrupted: int = 0  # the signal number that stopped the batch, 0 when it finished

    @property
    def failed(self) -> list[RunResult]:
        return [r for r in self.results if r.status != "ok"]

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 128 + self.interrupted
        return 1 if self.failed else 0


# -- planning ---------------------------------------------------------------------------

_DECIMAL_INT = re.compile(r"[+-]?[0-9]+")
_DECIMAL_FLOAT = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_SAFE = re.compile(r"[A-Za-z0-9._-]{1,24}")


def plan_runs(
    lab_ids: list[str] | None = None,
    municipalities: list[str] | None = None,
    params: list[tuple[str, str]] | None = None,
    out: Path | None = None,
    langs: list[str] | None = None,
) -> list[RunSpec]:
    """Check the request and list the runs; raises UsageError before anything runs.

    Labs with a ``municipality`` parameter run once per municipality (all bundled ones unless
    ``municipalities`` names some); other labs run once. Every ``-p NAME VALUE`` must name a
    parameter of every selected lab and parse as its declared type (numbers written in
    decimal). ``langs`` (``--lang sv,en``) runs each lab once per language.

    Each distinct parameter set has its own folder: ``<lab>/<municipality>`` with the
    defaults, ``<lab>/<municipality>/<suffix>`` otherwise, the suffix naming the parameters
    that differ from their defaults (``lang-en``, ``n-5+ratio-0.25``), or ``p-<hash>`` when
    they do not make a short, safe folder name.
    """
    labs = get_labs(lab_ids)
    if not labs:
        raise UsageError("no labs found; create one with `testlab new NAME`")
    for m in municipalities or []:
        if m not in MUNICIPALITIES:
            raise UsageError(
                f"unknown municipality {m!r}; expected one of: {', '.join(MUNICIPALITIES)}"
            )
    langs = _check_langs(langs, params or [])
    out = (out or build_dir() / "runs").resolve()
    specs = []
    for lab in labs:
        values = _lab_parameters(lab, params or [])
        if "municipality" in values and municipalities:
            raise UsageError("give the municipality with -m, not with -p municipality")
        if langs and "lang" not in lab.parameters:
            raise UsageError(f"lab {lab.id} has no lang parameter; run it without --lang")
        places = (municipalities or list(MUNICIPALITIES)) if lab.per_municipality else [None]
        for lang in langs or [None]:
            for place in places:
                p = dict(values)
                if lang is not None:
                    p["lang"] = lang
                if place is not None:
                    p["municipality"] = place
                folder = "/".join(part for part in (lab.id, place or "-", _suffix(lab, p)) if part)
                specs.append(
                    RunSpec(lab.id, str(lab.notebook), str(lab.path), p, str(out / folder), folder)
                )
    return specs


def _check_langs(langs: list[str] | None, params: list[tuple[str, str]]) -> list[str]:
    from kit.labels import LANGUAGES

    if not langs:
        return []
    if any(name == "lang" for name, _ in params):
        raise UsageError("give the language with --lang, not with -p lang")
    unknown = [x for x in langs if x not in LANGUAGES]
    if unknown:
        raise UsageError(f"unknown language {unknown[0]!r}; expected: {', '.join(LANGUAGES)}")
    return list(dict.fromkeys(langs))


def _suffix(lab: Lab, values: dict[str, Any]) -> str:
    """The folder suffix of a parameter set: empty for the defaults."""
    declared = lab.parameters
    extra = {
        k: v
        for k, v in sorted(values.items())
        if k != "municipality" and not (k in declared and declared[k].default == v)
    }
    if not extra:
        return ""
    texts = [str(v).lower() if isinstance(v, bool) else str(v) for v in extra.values()]
    if all(isinstance(v, str | int | float) for v in extra.values()) and all(
        _SAFE.fullmatch(t) for t in texts
    ):
        readable = "+".join(f"{k}-{t}" for k, t in zip(extra, texts, strict=True))
        if len(readable) <= 60:
            return readable
    digest = hashlib.sha256(json.dumps(extra, sort_keys=True, default=str).encode()).hexdigest()
    return f"p-{digest[:10]}"


def _lab_parameters(lab: Lab, params: list[tuple[str, str]]) -> dict[str, Any]:
    declared = lab.parameters
    values = {}
    for name, raw in params:
        if name not in declared:
            names = ", ".join(declared) or "none"
            raise UsageError(f"lab {lab.id} has no parameter {name!r} (its parameters: {names})")
        values[name] = declared[name].coerce(raw)
        kind = declared[name].type.replace(" ", "").lower()
        number = {"int": _DECIMAL_INT, "float": _DECIMAL_FLOAT}.get(kind)
        if number is not None and not number.fullmatch(raw.strip()):
            # YAML reads 0x10 as 16, 0o10 as 8, 1_000 as 1000 and 1:30 as 90
            raise UsageError(
                f"parameter {name} expects {declared[name].type} written in decimal, got {raw!r}"
            )
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


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def run_labs(
    lab_ids: list[str] | None = None,
    municipalities: list[str] | None = None,
    params: list[tuple[str, str]] | None = None,
    *,
    jobs: int = 1,
    out: Path | None = None,
    progress: bool = True,
    langs: list[str] | None = None,
    index_lang: str | None = None,
    scheduler: str | None = None,
) -> RunSummary:
    """Plan, then execute every run (``jobs`` at a time) and keep the manifest up to date.

    The request is checked in full before a worker starts; ``jobs`` is capped at the number
    of runs and of usable cores (a line on stderr says so). Runs start longest first, going
    by the durations in the previous manifest, so the workers finish close together.

    ``scheduler`` (``tcp://host:port`` or ``local[:N]``) sends the runs to a Dask cluster
    instead (:mod:`kit.labs.cluster`); files, manifest, journal and index are written here
    exactly as for local runs. The cluster is checked before any run starts.
    """
    if jobs < 1:
        raise UsageError("--jobs must be at least 1")
    specs = plan_runs(lab_ids, municipalities, params, out, langs)
    out_root = (out or build_dir() / "runs").resolve()
    cluster = None
    if scheduler:
        from kit.labs.cluster import connect

        cluster = connect(scheduler)  # UsageError (exit 2) before anything is written
    cap = min(len(specs), usable_cores())
    if cluster is None and jobs > cap:
        print(
            f"testlab run: --jobs {jobs} lowered to {cap} "
            f"({len(specs)} run{'s' * (len(specs) != 1)}, {usable_cores()} cores)",
            file=sys.stderr,
        )
        jobs = cap
    from kit.labs.kernel import ensure_registered
    from kit.labs.pool import WorkerPool

    ensure_registered()
    out_root.mkdir(parents=True, exist_ok=True)
    quarantine_corrupt_manifest(out_root)
    _remove_stale_temp()
    revision = git_revision()
    by_key = {s.key: s for s in specs}
    results: dict[str, RunResult] = {}
    attempts: dict[str, int] = {}
    stopped = threading.Event()
    signum = 0

    def on_signal(number: int, frame: Any) -> None:
        nonlocal signum
        signum = signum or number
        stopped.set()

    bar = _progress(len(specs), progress)
    batch_tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{os.getpid()}-", dir=_temp_root()))

    def stage_of(key: str) -> Path:
        # a folder per attempt: the kernel of a dead worker may still bind its sockets in
        # the old one for a moment (it exits when it sees its worker gone)
        digest = hashlib.sha256(key.encode()).hexdigest()[:8]
        return batch_tmp / f"{digest}-{attempts.get(key, 0)}"

    def finish(result: RunResult) -> None:
        spec = by_key[result.folder]
        result.attempts = min(attempts.get(spec.key, 0) + 1, ATTEMPTS)
        commit(spec, result, stage_of(spec.key))
        results[spec.key] = result
        write_manifest(out_root, [result])
        journal_results(out_root, [result])
        bar.update(1)

    def on_result(key: str, result: RunResult) -> None:
        if not stopped.is_set():  # after an interrupt nothing replaces a report
            finish(result)

    def on_lost(key: str, args: tuple, reason: str) -> bool:
        attempts[key] = attempts.get(key, 0) + 1
        if attempts[key] < ATTEMPTS:
            args[2] = str(stage_of(key))
            return True
        if not stopped.is_set():
            spec = by_key[key]
            finish(_lost(spec, revision, f"worker process lost ({reason}), {ATTEMPTS} times"))
        return False

    in_main = threading.current_thread() is threading.main_thread()
    previous = {}
    if in_main:
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, on_signal)
    if cluster is not None:
        from kit.labs.cluster import DaskPool

        pool = DaskPool(cluster, run_on_worker)
    else:
        pool = WorkerPool(jobs, _run_task, _warm_up)
    try:
        ordered = _longest_first(specs, read_manifest(out_root))
        tasks = [(s.key, [s, revision, str(stage_of(s.key))]) for s in ordered]
        pool.run(tasks, on_result, on_lost, stopped.is_set)
    finally:
        pool.close()
        if cluster is not None:
            cluster.close()
        bar.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        shutil.rmtree(batch_tmp, ignore_errors=True)
        try:
            write_index(out_root, index_lang or (langs[0] if langs else None))
        except Exception as exc:  # the index is a convenience; the runs are recorded
            print(
                f"testlab run: warning: index.html not written: {_one_line(exc)}", file=sys.stderr
            )
    ordered_results = [results[s.key] for s in specs if s.key in results]
    not_run = [s for s in specs if s.key not in results]
    return RunSummary(ordered_results, out_root / MANIFEST, not_run, signum)


def commit(spec: RunSpec, result: RunResult, stage: Path) -> None:
    """Move a run's staged files into its folder; a file the run did not produce is removed,
    so the folder holds exactly what the manifest entry names."""
    folder = Path(spec.out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for name in (f"{spec.lab}.html", f"{spec.lab}.ipynb"):
        staged, target = stage / name, folder / name
        if staged.exists():
            _atomic_copy(staged, target)
        else:
            target.unlink(missing_ok=True)
    shutil.rmtree(stage, ignore_errors=True)


def _atomic_copy(src: Path, dst: Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", dir=dst.parent)
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dst)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _temp_root() -> str:
    """Where batch folders go: the temporary folder, unless its path is so long that the
    kernels' IPC socket paths in it would pass the 107-byte limit of a Unix socket path."""
    root = tempfile.gettempdir()
    return root if len(root) <= 48 or not os.path.isdir("/tmp") else "/tmp"


def _remove_stale_temp() -> None:
    """Remove ``testlab-run-<pid>-*`` folders of runs whose process is gone (killed -9)."""
    roots = dict.fromkeys([tempfile.gettempdir(), _temp_root()])
    for path in (p for root in roots for p in Path(root).glob(f"{TMP_PREFIX}*")):
        m = re.match(rf"{TMP_PREFIX}(\d+)-", path.name)
        if not m or not path.is_dir():
            continue
        try:
            os.kill(int(m.group(1)), 0)
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except PermissionError:
            pass


def _lost(spec: RunSpec, revision: str, error: str) -> RunResult:
    """The result of a run whose worker process died before it could report."""
    return RunResult(
        lab=spec.lab,
        parameters=spec.parameters,
        status="failed",
        started=datetime.now(UTC).isoformat(timespec="seconds"),
        duration_s=0.0,
        git_revision=revision,
        notebook=None,
        report=None,
        error=error,
        folder=spec.key,
    )


def _warm_up() -> None:
    """Worker initialiser: pay the imports and template loading once per worker."""
    import papermill  # noqa: F401

    _html_exporter()


def _run_task(spec: RunSpec, revision: str, stage: str) -> RunResult:
    return execute_staged(spec, revision, Path(stage))


def _on_project(path: str, client_root: str) -> str:
    """``path`` when this worker sees it (same machine, shared file system); otherwise the
    same place under this worker's project root (the kit checked out elsewhere)."""
    if Path(path).exists():
        return path
    try:
        rel = Path(path).relative_to(client_root)
    except ValueError:
        return path
    return str(project_root() / rel)


def run_on_worker(spec, revision: str, client_root: str) -> tuple[Any, dict[str, bytes]]:
    """On a worker: run one notebook into a private temporary folder; return the result
    record and the bytes of the files it wrote (notebook, report)."""
    from kit.labs.kernel import ensure_registered

    ensure_registered()
    with _ONE_RUN_AT_A_TIME:  # execute_staged sets environment variables for its kernel
        return _run_here(spec, revision, client_root)


#: a Dask worker with several threads runs its notebooks one after the other
_ONE_RUN_AT_A_TIME = threading.Lock()


def _run_here(spec: RunSpec, revision: str, client_root: str) -> tuple[Any, dict[str, bytes]]:
    local = replace(
        spec,
        notebook=_on_project(spec.notebook, client_root),
        cwd=_on_project(spec.cwd, client_root),
    )
    with tempfile.TemporaryDirectory(
        prefix=f"{TMP_PREFIX}{os.getpid()}-dask-", dir=_temp_root()
    ) as tmp:
        stage = Path(tmp) / "stage"
        result = execute_staged(local, revision, stage)
        files = {
            name: (stage / name).read_bytes()
            for name in (f"{spec.lab}.html", f"{spec.lab}.ipynb")
            if (stage / name).exists()
        }
    return result, files


def _longest_first(specs: list[RunSpec], previous: list[dict[str, Any]]) -> list[RunSpec]:
    """Specs ordered by their last known duration, longest first (unknown ones first of all)."""
    known = {
        (e["lab"], json.dumps(e["parameters"], sort_keys=True)): e.get("duration_s", 0)
        for e in previous
    }
    return sorted(
        specs,
        key=lambda s: -known.get((s.lab, json.dumps(s.parameters, sort_keys=True)), float("inf")),
    )


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc="testlab run", unit="run", disable=not enabled, file=sys.stderr)


def execute(spec: RunSpec, revision: str = "unknown") -> RunResult:
    """Run one notebook in this process and move its files into place."""
    with tempfile.TemporaryDirectory(prefix=f"{TMP_PREFIX}{os.getpid()}-", dir=_temp_root()) as tmp:
        result = execute_staged(spec, revision, Path(tmp) / "stage")
        commit(spec, result, Path(tmp) / "stage")
    return result


def execute_staged(spec: RunSpec, revision: str, stage: Path) -> RunResult:
    """Run one notebook with Papermill, writing notebook and report into ``stage``.

    Never raises for a lab's error. The result names the files' final places in
    ``spec.out_dir``; :func:`commit` moves them there.
    """
    import papermill as pm

    stage.mkdir(parents=True, exist_ok=True)
    folder = Path(spec.out_dir)
    notebook = folder / f"{spec.lab}.ipynb"
    report = folder / f"{spec.lab}.html"
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    error = None
    tmp_nb = stage / notebook.name
    kpi_file = stage / "kpis.jsonl"
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
            kernel_manager_class=_ipc_kernel_manager(str(stage)),
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
            (stage / report.name).write_text(notebook_to_html(tmp_nb), encoding="utf-8")
            report_path = report
        except Exception as exc:  # keep the notebook even when the report fails
            error = error or f"report: {_one_line(exc)}"
    return RunResult(
        lab=spec.lab,
        parameters=spec.parameters,
        status="failed" if error else "ok",
        started=started.isoformat(timespec="seconds"),
        duration_s=round(time.perf_counter() - t0, 2),
        git_revision=revision,
        notebook=str(notebook) if tmp_nb.exists() else None,
        report=str(report_path) if report_path else None,
        kpis=kpis,
        error=error,
        folder=spec.key,
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


def _entry_key(entry: dict[str, Any], out_root: Path) -> str:
    """The folder a manifest entry describes (older entries: derived from their notebook)."""
    if entry.get("folder"):
        return entry["folder"]
    if entry.get("notebook"):
        try:
            return Path(entry["notebook"]).parent.relative_to(out_root).as_posix()
        except ValueError:
            pass
    return json.dumps([entry.get("lab"), entry.get("parameters")], sort_keys=True)


def _parse_manifest(text: str) -> list[dict[str, Any]]:
    doc = json.loads(text)
    runs = doc["runs"] if isinstance(doc, dict) else None
    if not isinstance(runs, list) or not all(
        isinstance(e, dict) and "lab" in e and "parameters" in e for e in runs
    ):
        raise ValueError("expected {'runs': [{lab, parameters, ...}, ...]}")
    return runs


def read_manifest(out_root: Path) -> list[dict[str, Any]]:
    """The manifest's entries; empty when there is none or it cannot be read."""
    try:
        return _parse_manifest((out_root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return []


def quarantine_corrupt_manifest(out_root: Path) -> Path | None:
    """Keep an unreadable manifest as ``manifest.json.corrupt-<time>`` and say so on stderr.

    The next write then starts a new manifest instead of silently dropping every entry.
    """
    path = out_root / MANIFEST
    try:
        _parse_manifest(path.read_text(encoding="utf-8"))
        return None
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        kept = path.with_name(f"{MANIFEST}.corrupt-{stamp}")
        os.replace(path, kept)
        print(
            f"testlab run: warning: {path} is not a readable manifest ({_one_line(exc)}); "
            f"kept as {kept.name}, starting a new one",
            file=sys.stderr,
        )
        return kept


@contextmanager
def _locked(folder: Path):
    """An exclusive lock on ``folder`` (batches writing one manifest take turns)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def write_manifest(out_root: Path, results: list[RunResult]) -> Path:
    """Merge ``results`` into the manifest: a new run of a folder replaces its old entry.

    Entries of other folders (other labs, municipalities, parameters, earlier batches) stay.
    """
    out_root.mkdir(parents=True, exist_ok=True)
    with _locked(out_root):
        quarantine_corrupt_manifest(out_root)
        entries = {_entry_key(e, out_root): e for e in read_manifest(out_root)}
        for r in results:
            entry = asdict(r)
            entries[_entry_key(entry, out_root)] = entry
        doc = {
            "generated": datetime.now(UTC).isoformat(timespec="seconds"),
            "runs": list(entries.values()),
        }
        path = out_root / MANIFEST
        _atomic_write(path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    return path


def write_index(out_root: Path, lang: str | None = None) -> list[Path]:
    """``index.html`` (and ``index.<other language>.html``) listing every run of the manifest."""
    from kit.labs.runindex import index_pages

    written = []
    for name, text in index_pages(out_root, read_manifest(out_root), lang).items():
        _atomic_write(out_root / name, text)
        written.append(out_root / name)
    return written
