"""The runner's one hook into the results journal: append a batch's runs to ``<out>/journal.sqlite``.

Kept apart from :mod:`kit.labs.runner` so the runner calls one function after it writes the
manifest, and changes to how runs are executed do not touch the journal.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any


def journal_results(out_root: Path, results: Iterable[Any]) -> Path | None:
    """Append ``results`` (RunResult objects or manifest entries) to the journal of ``out_root``.

    All runs go in one transaction. A journal that cannot be written (a file that is not a
    journal, a newer version) is reported on stderr and left untouched; the batch's notebooks,
    reports and manifest stand.
    """
    from kit.errors import KitError
    from kit.journal.store import JOURNAL_NAME, append_runs

    entries = [asdict(r) if is_dataclass(r) else dict(r) for r in results]
    if not entries:
        return None
    try:
        append_runs(out_root, entries)
    except KitError as exc:
        print(f"testlab run: journal not written: {exc}", file=sys.stderr)
        return None
    return Path(out_root) / JOURNAL_NAME
