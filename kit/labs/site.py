"""``testlab serve``: the lab dashboards on a Voilà server, with an index page.

:func:`publish` copies each lab's notebook into a site folder (a Swedish and, for labs with a
``lang`` parameter, an English copy with ``lang = "en"`` injected the way Papermill does) and
writes a small Voilà template whose index page lists every dashboard by its title. The
template inherits Voilà's ``lab`` template for the dashboards themselves.

Production settings (:func:`voila_command`): no tracebacks shown to viewers, sources stripped,
files served only when they are images (so datasets and manifests cannot be downloaded through
the server), preheated kernels so a dashboard appears at once, a closed page's kernel culled
within a minute, a cap on viewers' kernels with a busy page beyond it (:mod:`kit.labs.voila_app`).

The learning pages (:mod:`kit.labs.learning`, each lab's ``lar-dig.md`` / ``learn.md`` as
HTML) go into the template's ``static/learn/<lang>/`` folder: Voilà serves a template's static
files at ``voila/templates/testlab/static/``, so they are reachable without widening the file
allowlist, and the index links to them.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kit.config import KERNEL_NAME, build_dir
from kit.labels import LANGUAGES, check_lang, t
from kit.labs.folders import Lab, dashboard_name, discover_labs

TEMPLATE = "testlab"
SHARE = ".voila"  # hidden: not listed, not served
#: the learning pages, under the template's static folder (served by Voilà as they are)
LEARN = "learn"
LEARN_URL = f"voila/templates/{TEMPLATE}/static/{LEARN}"
IMAGES_ONLY = r".*\.(png|jpe?g|gif|svg|webp)$"


@dataclass(frozen=True)
class PublishedDashboard:
    lab: str
    lang: str
    notebook: str  # file name in the site folder
    title: str
    question: str


def _localised(lab: Lab, lang: str, target: Path) -> None:
    import nbformat
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = load_notebook_node(str(lab.notebook))  # adds the cell tags Papermill expects
    if lang != "sv" and "lang" in lab.parameters:
        nb = parameterize_notebook(nb, {"lang": lang})
    if lang != "sv" and nb.cells and nb.cells[0].cell_type == "markdown":
        # the committed title cell is Swedish; the translated copy takes lab.yml's texts
        nb.cells[0].source = f"# {lab.title(lang)}\n\n{lab.text('question', lang)}"
    nb.metadata["kernelspec"] = {
        "name": KERNEL_NAME,
        "display_name": "Python (testlab)",
        "language": "python",
    }
    nb.metadata.pop("papermill", None)
    # the browser tab's title and <html lang> follow the page's language (see _LANG_SCRIPT)
    nb.metadata["title"] = lab.title(lang)
    nb.metadata["testlab_lang"] = lang
    nbformat.write(nb, target)


def publish(site: Path | None = None, labs: list[Lab] | None = None) -> list[PublishedDashboard]:
    """Write the site folder (notebooks + index template) and return its dashboards.

    Built in a temporary folder beside ``site`` and swapped in, so a failure leaves the old
    site untouched.
    """
    site = (site or build_dir() / "site").resolve()
    labs = discover_labs() if labs is None else labs
    site.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{site.name}.", dir=site.parent))
    try:
        boards: list[PublishedDashboard] = []
        for lab in labs:
            for lang in LANGUAGES:
                name = f"{dashboard_name(lab.id, lang)}.ipynb"
                _localised(lab, lang, staged / name)
                boards.append(
                    PublishedDashboard(
                        lab.id, lang, name, lab.title(lang), lab.text("question", lang)
                    )
                )
        folder = staged / SHARE / "voila" / "templates" / TEMPLATE
        _write_template(folder, boards)
        from kit.labs.learning import write_pages

        write_pages(folder / "static" / LEARN, labs)
        (staged / "dashboards.json").write_text(
            json.dumps([b.__dict__ for b in boards], ensure_ascii=False, indent=1), encoding="utf-8"
        )
        if site.exists():
            old = site.with_name(f".{site.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            site.rename(old)
            staged.rename(site)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staged.rename(site)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return boards


def index_html(boards: list[PublishedDashboard], lang: str) -> str:
    """The index page body for one language (plain HTML, no external assets)."""
    other = "en" if lang == "sv" else "sv"
    items = []
    for b in (b for b in boards if b.lang == lang):
        items.append(
            f'<li class="testlab-dashboard" data-lab="{html.escape(b.lab)}">'
            f'<a href="{{{{ base_url }}}}voila/render/{html.escape(b.notebook)}">{html.escape(b.title)}</a>'
            f"<p>{html.escape(b.question)}</p></li>"
        )
    return (
        f'<main lang="{lang}"><h1>{html.escape(t("index.title", lang))}</h1>'
        f"<p>{html.escape(t('index.intro', lang))}</p>"
        f'<ul class="testlab-index">{"".join(items)}</ul>'
        f'<p class="testlab-learn-link"><a href="{{{{ base_url }}}}{LEARN_URL}/{lang}/index.html">'
        f"{html.escape(t('learn.index_link', lang))}</a></p>"
        f'<p class="lang-switch"><a href="{{{{ base_url }}}}?lang={other}">'
        f"{html.escape(t('index.other_language', lang))}</a></p>"
        f'<p class="note">{html.escape(t("common.synthetic_data", lang))}</p></main>'
    )


_PAGE = """<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body{{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f6f8fa;color:#1f2328}}
main{{max-width:860px;margin:40px auto;padding:0 20px}}
h1{{font-size:28px}} ul{{list-style:none;padding:0}}
li.testlab-dashboard{{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:14px 18px;margin:12px 0}}
li.testlab-dashboard a{{font-size:20px;font-weight:600;color:#0b5cad;text-decoration:none}}
li.testlab-dashboard p{{margin:6px 0 0;color:#57606a}}
.note{{color:#57606a;font-size:13px}}
.testlab-learn-link a{{font-size:17px;color:#0b5cad}}
</style>
</head>
<body>
{{% if 'lang=en' in query or ({default_en} and 'lang=sv' not in query) %}}
{en}
{{% else %}}
{sv}
{{% endif %}}
</body>
</html>
"""


_REMOTE_ASSET = re.compile(
    r"<link[^>]+href=[\"']https?://[^>]*>|<script[^>]+src=[\"']https?://[^>]*>\s*</script>", re.I
)


_HEAD_JS = "{%- block html_head_js -%}"
# nbconvert writes <html lang="en"> on every page; set the page's own language first thing
_LANG_SCRIPT = (
    "\n<script>document.documentElement.lang = "
    "{{ nb.metadata.get('testlab_lang', 'sv') | tojson }};</script>\n"
)


def _offline_copies(folder: Path) -> None:
    """Copies of Voilà's own templates without their CDN links (Font Awesome from jsDelivr).

    Voilà's ``lab`` template loads icon fonts from a CDN on every dashboard; on a closed
    network that request hangs or fails. Our template folder comes first in Voilà's search
    path, so a stripped copy of each such file takes its place; nothing else changes.
    """
    from jupyter_core.paths import jupyter_path

    seen: set[str] = {"tree.html", "tree-lab.html"}
    for name in ("lab", "base"):
        for root in jupyter_path("voila", "templates", name):
            base = Path(root)
            if not base.is_dir():
                continue
            for src in sorted(base.glob("*.htm*")) + sorted(base.glob("*.j2")):
                if src.name in seen:
                    continue
                seen.add(src.name)
                text = src.read_text(encoding="utf-8")
                if src.name == "index.html.j2" and _HEAD_JS in text:
                    text = text.replace(_HEAD_JS, _HEAD_JS + _LANG_SCRIPT, 1)
                    (folder / src.name).write_text(_REMOTE_ASSET.sub("", text), encoding="utf-8")
                elif _REMOTE_ASSET.search(text):
                    (folder / src.name).write_text(_REMOTE_ASSET.sub("", text), encoding="utf-8")
            break  # the first existing folder of a template wins, as in Voilà


#: Voilà answers a page load beyond ``--max-kernels`` with 503 and renders this template
#: (:mod:`kit.labs.voila_app`): self-contained (no scripts or styles from elsewhere), reloads
#: itself; Swedish, English on the English copies (``<lab>.en.ipynb``).
_BUSY = """<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="{seconds}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{sv_title}</title>
<style>body{{font-family:system-ui,sans-serif;margin:15vh auto;max-width:34em;padding:0 1em;
color:#222;text-align:center}}p{{color:#555}}</style></head>
<body class="testlab-busy"><h1 id="busy-title">{sv_title}</h1>
<p id="busy-text">{sv_text}</p>
<script>
(function () {{
  if (/\\.en\\.ipynb/.test(location.pathname)) {{
    document.documentElement.lang = "en";
    document.title = {en_title_js};
    document.getElementById("busy-title").textContent = {en_title_js};
    document.getElementById("busy-text").textContent = {en_text_js};
  }}
}})();
</script></body></html>
"""
BUSY_RETRY_S = 5


def _write_template(
    folder: Path, boards: list[PublishedDashboard], default_lang: str = "sv"
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "conf.json").write_text(json.dumps({"base_template": "lab"}), encoding="utf-8")
    busy = _BUSY.format(
        seconds=BUSY_RETRY_S,
        sv_title=html.escape(t("serve.busy.title", "sv")),
        sv_text=html.escape(t("serve.busy.text", "sv")),
        en_title_js=json.dumps(t("serve.busy.title", "en"), ensure_ascii=False),
        en_text_js=json.dumps(t("serve.busy.text", "en"), ensure_ascii=False),
    )
    (folder / "503.html").write_text("{% raw %}" + busy + "{% endraw %}", encoding="utf-8")
    _offline_copies(folder)
    page = _PAGE.format(
        title=html.escape(t("index.title", "sv")),
        default_en="true" if default_lang == "en" else "false",
        sv=index_html(boards, "sv"),
        en=index_html(boards, "en"),
    )
    for name in ("tree.html", "tree-lab.html"):
        (folder / name).write_text(page, encoding="utf-8")


def set_default_lang(site: Path, lang: str) -> None:
    """Make ``lang`` the index page's language when the URL does not say."""
    boards = [
        PublishedDashboard(**d)
        for d in json.loads((site / "dashboards.json").read_text(encoding="utf-8"))
    ]
    _write_template(site / SHARE / "voila" / "templates" / TEMPLATE, boards, check_lang(lang))


#: a closed page's kernel goes after this many idle seconds (checked every CULL_INTERVAL_S);
#: a kernel with an open page (its websocket connected) is never culled
CULL_IDLE_S = 40
CULL_INTERVAL_S = 10
#: resident memory of one dashboard kernel after its notebook ran (measured: 150-200 MB)
KERNEL_MB = 250


def default_max_kernels() -> int:
    """Viewers' kernels the machine holds: min(2 x cores + 2, available memory / KERNEL_MB)."""
    cores = os.cpu_count() or 1
    try:
        import psutil

        available_mb = psutil.virtual_memory().available // 2**20
    except ImportError:  # pragma: no cover - psutil comes with jupyter
        available_mb = 4096
    return max(1, min(2 * cores + 2, int(available_mb // KERNEL_MB)))


#: seconds before a taken pool kernel is replaced: the replacement (a kernel start and a run
#: of the notebook, about 2 s of CPU) then does not compete with the page it was taken for
FILL_DELAY_S = 3.0


def voila_command(
    site: Path,
    port: int,
    *,
    preheat: bool = True,
    max_kernels: int = 0,
    pool_size: int = 1,
    pools: dict[str, int] | None = None,
    cull: tuple[float, float] = (CULL_IDLE_S, CULL_INTERVAL_S),
) -> tuple[list[str], dict[str, str]]:
    """The Voilà command line and environment for serving ``site``.

    ``max_kernels`` caps viewers' kernels (0: no cap; beyond it the busy page, see
    :mod:`kit.labs.voila_app`); ``pool_size`` preheated kernels wait per dashboard, ``pools``
    overrides it per dashboard (``{"lead-times": 10, "lead-times.en": 2}``); ``cull``: a
    closed page's kernel goes after ``cull[0]`` idle seconds, checked every ``cull[1]``.
    """
    cmd = [
        sys.executable,
        "-m",
        "kit.labs.voila_app",
        str(site),
        f"--port={port}",
        "--Voila.port_retries=0",  # a busy port is an error, never a quiet move to port + 1
        "--Voila.ip=127.0.0.1",
        "--no-browser",
        f"--template={TEMPLATE}",
        "--VoilaConfiguration.classic_tree=True",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.strip_sources=True",
        f"--VoilaConfiguration.file_allowlist={IMAGES_ONLY}",  # one item: only images
        # code highlighting for a page that shows no code: three requests less per page
        "--VoilaConfiguration.extension_denylist=jupyterlab_pygments",
        f"--MappingKernelManager.cull_idle_timeout={cull[0]:g}",
        f"--MappingKernelManager.cull_interval={cull[1]:g}",
        "--MappingKernelManager.cull_connected=False",  # an open page keeps its kernel
    ]
    if preheat:
        cmd += [
            "--preheat_kernel=True",
            f"--pool_size={pool_size}",
            f"--VoilaKernelManager.fill_delay={FILL_DELAY_S}",
        ]
    env = dict(os.environ)
    from kit.labs.voila_app import MAX_KERNELS_ENV, PARENT_ENV, POOLS_ENV

    env[MAX_KERNELS_ENV] = str(max(0, max_kernels))
    env[PARENT_ENV] = str(os.getpid())  # Voilà stops when this process dies, even by SIGKILL
    env[POOLS_ENV] = json.dumps({f"{name}.ipynb": n for name, n in (pools or {}).items()})
    env["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(site / SHARE), env.get("JUPYTER_PATH")) if p
    )
    env.pop("TESTLAB_BATCH", None)
    env.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    return cmd, env


def check_port(port: int, host: str = "127.0.0.1") -> None:
    """Raise UsageError (exit 2) naming the port when something already listens on it."""
    import errno
    import socket

    from kit.errors import UsageError

    with socket.socket() as s:
        try:
            s.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UsageError(
                    f"port {port} on {host} is busy; stop what listens there or choose "
                    "another with --port"
                ) from None
            raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def start_voila(cmd: list[str], env: dict[str, str], **popen: object) -> subprocess.Popen:
    """Voilà in a session (process group) of its own, so stopping it reaches only it."""
    return subprocess.Popen(cmd, env=env, start_new_session=True, **popen)


def stop_voila(proc: subprocess.Popen, timeout: float = 15.0) -> None:
    """Stop Voilà and every kernel it started.

    SIGTERM lets Voilà shut its kernels down itself; whatever is left after ``timeout``
    (Voilà, or a kernel in its own session) is killed.
    """
    import signal

    from kit.labs.pool import child_pids

    if proc.poll() is not None:
        return
    kernels = child_pids(proc.pid)  # kernels sit in sessions of their own: note them first
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
    for pid in kernels:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def serve(
    port: int = 8866,
    site: Path | None = None,
    *,
    lang: str = "sv",
    preheat: bool = True,
    max_kernels: int | None = None,
    pool_size: int = 1,
    pools: dict[str, int] | None = None,
) -> int:
    """Publish the labs and run Voilà in the foreground until Ctrl-C or SIGTERM.

    Refuses a busy port and a ``pools`` entry naming no dashboard (UsageError, exit 2). On
    SIGINT or SIGTERM, Voilà and its kernels are stopped before this returns.
    """
    import signal
    import threading

    from kit.errors import UsageError
    from kit.labs.kernel import ensure_registered

    check_port(port)
    ensure_registered()
    site = (site or build_dir() / "site").resolve()
    labs = discover_labs()
    names = sorted(dashboard_name(lab.id, lang) for lab in labs for lang in LANGUAGES)
    unknown = sorted(set(pools or {}) - set(names))
    if unknown:  # refused before anything is written
        raise UsageError(
            f"--pool: no dashboard {', '.join(unknown)}; dashboards: {', '.join(names)}"
        )
    boards = publish(site, labs)
    set_default_lang(site, lang)
    cap = default_max_kernels() if max_kernels is None else max_kernels
    cmd, env = voila_command(
        site, port, preheat=preheat, max_kernels=cap, pool_size=pool_size, pools=pools
    )
    stopped = threading.Event()
    in_main = threading.current_thread() is threading.main_thread()
    previous = {}
    if in_main:
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, lambda *_: stopped.set())
    proc = start_voila(cmd, env)
    try:
        print(f"Dashboards ({len(boards)}): http://127.0.0.1:{port}/   (Ctrl+C stops)", flush=True)
        pool = f"{pool_size} preheated per dashboard" if preheat else "none preheated"
        if preheat and pools:
            pool += ", " + ", ".join(f"{n} for {name}" for name, n in sorted(pools.items()))
        print(
            f"Kernels: at most {cap or 'unlimited'} for viewers ({pool}); "
            f"a closed page's kernel is released after ~{CULL_IDLE_S} s",
            flush=True,
        )
        while not stopped.is_set():
            try:
                code = proc.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                continue
            return code  # Voilà ended by itself (e.g. it could not take the port after all)
        return 0
    finally:
        stop_voila(proc)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class VoilaServer:
    """A ``testlab serve`` child process on a free local port, for tests and benchmarks.

    ``with VoilaServer(site) as url:`` publishes the labs, starts Voilà and waits until the
    index answers; on exit the server and its kernels are stopped.
    """

    def __init__(
        self,
        site: Path,
        *,
        preheat: bool = True,
        timeout: float = 120.0,
        max_kernels: int = 0,
        pool_size: int = 1,
        pools: dict[str, int] | None = None,
        cull: tuple[float, float] = (CULL_IDLE_S, CULL_INTERVAL_S),
        labs: list[Lab] | None = None,
    ) -> None:
        self.site = site
        self.pools = pools
        self.cull = cull
        self.labs = labs
        self.preheat = preheat
        self.max_kernels = max_kernels
        self.pool_size = pool_size
        self.timeout = timeout
        self.port = _free_port()
        self.proc: subprocess.Popen | None = None
        self.log = site.parent / f"voila-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def __enter__(self) -> str:
        import time
        import urllib.request

        publish(self.site, self.labs)
        cmd, env = voila_command(
            self.site,
            self.port,
            preheat=self.preheat,
            max_kernels=self.max_kernels,
            pool_size=self.pool_size,
            pools=self.pools,
            cull=self.cull,
        )
        self._log = open(self.log, "w", encoding="utf-8")  # noqa: SIM115 - closed in __exit__
        self.proc = start_voila(cmd, env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Voilà exited early; see {self.log}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as resp:
                    if resp.status == 200:
                        return self.url
            except OSError:
                time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError(
            f"Voilà did not answer on {self.url} within {self.timeout:.0f} s; see {self.log}"
        )

    def wait_for_pools(self, n: int, timeout: float = 180.0) -> None:
        """Block until Voilà has logged ``n`` "pool is filled" lines (or ``timeout``).

        Voilà logs that line when a pool kernel has *started* and begun running the
        notebook, not when the notebook has finished: a page opened right after may still
        wait for the kernel, and the refill competes for the CPU. Timings should pause long
        enough after this returns (benchmarks/bench_dashboards.py waits a fixed time).
        """
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.log.read_text(encoding="utf-8", errors="ignore").count("is filled with") >= n:
                return
            time.sleep(0.5)

    def kernel_pids(self) -> list[int]:
        """The kernels Voilà runs now (its child processes)."""
        from kit.labs.pool import child_pids

        return child_pids(self.proc.pid) if self.proc and self.proc.poll() is None else []

    def __exit__(self, *exc: object) -> None:
        if self.proc:
            stop_voila(self.proc, timeout=20)
        if getattr(self, "_log", None):
            self._log.close()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
