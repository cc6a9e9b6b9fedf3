"""Small helpers shared by the benchmark scripts: timing and writing the Markdown result."""

from __future__ import annotations

import os
import platform
import time
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "build" / "bench"


@contextmanager
def timer(store: list[float]):
    t0 = time.perf_counter()
    yield
    store.append(time.perf_counter() - t0)


def machine() -> str:
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def table_rows(lines: list[str], header: str) -> list[dict[str, str]]:
    """The rows of the three-column table ``| what | result | goal |`` whose header line
    starts with ``header``, as rows for benchmarks/RESULTS.md."""
    rows, inside = [], False
    for line in lines:
        if line.startswith(header):
            inside = True
            continue
        if inside and line.startswith("|---"):
            continue
        if inside and line.startswith("| "):
            cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
            if len(cells) == 3:
                rows.append({"comparison": cells[0], "measured": cells[1], "goal": cells[2]})
            continue
        if inside:
            break
    return rows


def write_result(
    name: str, title: str, lines: list[str], rows: list[dict[str, str]] | None = None
) -> Path:
    """Print the Markdown section and keep it in build/bench/<name>.md for docs/benchmarks.md.

    ``rows``: one dict per comparison for the single table ``benchmarks/RESULTS.md``
    (``comparison``, ``measured``, optionally ``against`` and ``goal``), kept in
    build/bench/<name>.rows.json.
    """
    OUT.mkdir(parents=True, exist_ok=True)
    if rows is not None:
        import json

        (OUT / f"{name}.rows.json").write_text(
            json.dumps({"title": title, "rows": rows}, ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
    text = f"## {title}\n\n" + "\n".join(lines) + f"\n\n_Machine: {machine()}._\n"
    path = OUT / f"{name}.md"
    path.write_text(text, encoding="utf-8")
    print(text)
    return path
