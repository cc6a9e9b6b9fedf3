"""Prototypes as data: named sets of changes to a discovered model, read from YAML.

The built-in prototypes live in ``scenarios.yml`` beside this module (the lab carries the same
file as ``labs/future-process/scenarios.yml``, where a team adds its own). A scenario spec on
the command line or in the dashboard is one of:

* ``NAME`` — a prototype with its documented default values;
* ``NAME=VALUE`` — its first parameter set (``staffing=+2``); ``NAME.PARAM=VALUE`` any one;
* ``shorten:ACTIVITY=FACTOR``, ``remove:ACTIVITY``, ``automate:ACTIVITY=DAYS``,
  ``capacity=+N`` — generic changes that work on any log;
* several joined with ``+`` (``e-service+auto-plan-check``): one combined scenario.

Bad specs raise :class:`kit.errors.UsageError` naming the known scenarios, the allowed range,
or the activities a log lacks; a malformed file raises one naming file, scenario and key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kit.errors import UsageError
from kit.process.simulation.discovery import END, Dist, Model

BUILTIN = Path(__file__).with_name("scenarios.yml")
CHANGE_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # type: (required keys, optional keys)
    "shorten": (("activity", "factor"), ("share", "after")),
    "remove": (("activity",), ()),
    "automate": (("activity", "days"), ()),
    "branch": (("from", "to", "share"), ()),
    "parallel": (("first", "second"), ()),
    "route": (("case_types", "path", "days"), ()),
    "capacity": (("change",), ()),
}
GENERIC = ("shorten:ACTIVITY=FACTOR", "remove:ACTIVITY", "automate:ACTIVITY=DAYS", "capacity=+N")


@dataclass(frozen=True)
class Parameter:
    name: str
    default: float
    low: float
    high: float
    label: dict[str, str]


@dataclass
class Scenario:
    name: str
    title: dict[str, str]
    description: dict[str, str] = field(default_factory=dict)
    parameters: list[Parameter] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    values: dict[str, float] = field(default_factory=dict)  # set values (else defaults)

    def value(self, name: str) -> float:
        for p in self.parameters:
            if p.name == name:
                return self.values.get(name, p.default)
        raise KeyError(name)

    def with_values(self, **values: float) -> Scenario:
        out = Scenario(self.name, self.title, self.description, self.parameters, self.changes)
        out.values = dict(self.values)
        for k, v in values.items():
            param = next((p for p in self.parameters if p.name == k), None)
            if param is None:
                known = ", ".join(p.name for p in self.parameters) or "none"
                raise UsageError(f"scenario {self.name!r} has no parameter {k!r} (known: {known})")
            v = _number(v, f"{self.name}.{k}")
            if not param.low <= v <= param.high:
                raise UsageError(
                    f"scenario {self.name!r}: {k} = {_fmt(v)} is outside the allowed range "
                    f"{_fmt(param.low)} … {_fmt(param.high)}"
                )
            out.values[k] = v
        return out

    def label(self, lang: str = "sv") -> str:
        return self.title.get(lang) or self.title.get("sv") or self.name


def _fmt(v: float) -> str:
    return f"{v:g}"


def _number(v: Any, where: str) -> float:
    try:
        out = float(str(v).replace("−", "-"))
    except ValueError:
        raise UsageError(f"{where}: {v!r} is not a number") from None
    if out != out:
        raise UsageError(f"{where}: {v!r} is not a number")
    return out


# --- reading YAML -------------------------------------------------------------------------------


def load_scenarios(path: str | Path | None = None) -> dict[str, Scenario]:
    """The scenarios of a YAML file (default: the built-in prototypes), checked.

    Raises :class:`kit.errors.UsageError` ``FILE: scenario 'NAME': key 'K': problem``.
    """
    import yaml

    file = Path(path) if path is not None else BUILTIN
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{file}: cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{file}:{mark.line + 1}:{mark.column + 1}" if mark else str(file)
        raise UsageError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("scenarios"), dict):
        raise UsageError(f"{file}: expected a mapping with the key 'scenarios'")
    out: dict[str, Scenario] = {}
    for name, body in raw["scenarios"].items():
        out[str(name)] = _scenario(file, str(name), body)
    return out


def _scenario(file: Path, name: str, body: Any) -> Scenario:
    def bad(key: str, problem: str) -> UsageError:
        return UsageError(f"{file}: scenario {name!r}: key {key!r}: {problem}")

    if not isinstance(body, dict):
        raise bad("(scenario)", "expected a mapping with title, parameters and changes")
    unknown = set(body) - {"title", "description", "parameters", "changes"}
    if unknown:
        raise bad(
            sorted(unknown)[0], "unknown key (allowed: title, description, parameters, changes)"
        )
    title = body.get("title", {"sv": name, "en": name})
    if isinstance(title, str):
        title = {"sv": title, "en": title}
    if not isinstance(title, dict):
        raise bad("title", "expected text or {sv: ..., en: ...}")
    params: list[Parameter] = []
    for pname, p in (body.get("parameters") or {}).items():
        key = f"parameters.{pname}"
        if not isinstance(p, dict) or "default" not in p:
            raise bad(key, "expected a mapping with default, min and max")
        try:
            default, low, high = (
                float(p.get(k, d)) for k, d in (("default", 0), ("min", -1e9), ("max", 1e9))
            )
        except (TypeError, ValueError):
            raise bad(key, "default, min and max must be numbers") from None
        if not low <= default <= high:
            raise bad(f"{key}.default", f"{default:g} is outside min … max ({low:g} … {high:g})")
        label = p.get("label", {"sv": pname, "en": pname})
        params.append(
            Parameter(
                str(pname),
                default,
                low,
                high,
                label if isinstance(label, dict) else {"sv": str(label), "en": str(label)},
            )
        )
    changes = body.get("changes")
    if not isinstance(changes, list) or not changes:
        raise bad(
            "changes",
            "expected a list of changes (shorten, remove, automate, branch, parallel, route, capacity)",
        )
    names = {p.name for p in params}
    for i, ch in enumerate(changes):
        key = f"changes[{i + 1}]"
        if not isinstance(ch, dict) or len(ch) != 1:
            raise bad(key, f"expected one of {', '.join(CHANGE_KEYS)} with its settings")
        ((kind, settings),) = ch.items()
        if kind not in CHANGE_KEYS:
            raise bad(f"{key}.{kind}", f"unknown change (known: {', '.join(CHANGE_KEYS)})")
        if not isinstance(settings, dict):
            raise bad(f"{key}.{kind}", "expected a mapping of settings")
        required, optional = CHANGE_KEYS[kind]
        for k in required:
            if k not in settings:
                raise bad(f"{key}.{kind}.{k}", "missing")
        for k, v in settings.items():
            if k not in required + optional:
                raise bad(
                    f"{key}.{kind}.{k}",
                    f"unknown setting (allowed: {', '.join(required + optional)})",
                )
            if isinstance(v, str) and v.startswith("$") and v[1:] not in names:
                raise bad(
                    f"{key}.{kind}.{k}", f"refers to {v}, which is not a parameter of the scenario"
                )
    desc = body.get("description") or {}
    return Scenario(
        name, title, desc if isinstance(desc, dict) else {"sv": str(desc)}, params, changes
    )


# --- specs ----------------------------------------------------------------------------------------

_PART = re.compile(r"\+(?=[A-Za-z])")


def parse_spec(spec: str, known: dict[str, Scenario]) -> list[Scenario]:
    """A spec (see the module docstring) as the scenarios it combines."""
    spec = spec.strip()
    if not spec:
        raise UsageError("empty scenario name")
    out = []
    for part in _PART.split(spec):
        out.append(_parse_part(part.strip(), known))
    return out


def _known_text(known: dict[str, Scenario]) -> str:
    return ", ".join(sorted(known)) + "; generic: " + ", ".join(GENERIC)


def _parse_part(part: str, known: dict[str, Scenario]) -> Scenario:
    if part.startswith("shorten:") or part.startswith("automate:"):
        kind, rest = part.split(":", 1)
        if "=" not in rest:
            raise UsageError(
                f"{part!r}: expected {kind}:ACTIVITY=" + ("FACTOR" if kind == "shorten" else "DAYS")
            )
        act, val = rest.rsplit("=", 1)
        v = _number(val, part)
        if kind == "shorten" and not v > 0:
            raise UsageError(
                f"{part!r}: the factor must be above 0 (1 = unchanged, 0.5 = half the time)"
            )
        if kind == "automate" and v < 0:
            raise UsageError(f"{part!r}: days must be 0 or more")
        setting = (
            {"activity": act, "factor": v} if kind == "shorten" else {"activity": act, "days": v}
        )
        return Scenario(part, {"sv": part, "en": part}, changes=[{kind: setting}])
    if part.startswith("remove:"):
        act = part.split(":", 1)[1]
        if not act:
            raise UsageError(f"{part!r}: expected remove:ACTIVITY")
        return Scenario(part, {"sv": part, "en": part}, changes=[{"remove": {"activity": act}}])
    if part.startswith("capacity="):
        v = _number(part.split("=", 1)[1], part)
        if v != int(v):
            raise UsageError(f"{part!r}: the change in handlers must be a whole number")
        return Scenario(part, {"sv": part, "en": part}, changes=[{"capacity": {"change": v}}])
    name, value = (part.split("=", 1) + [None])[:2] if "=" in part else (part, None)
    param = None
    if "." in name:
        name, param = name.split(".", 1)
    if name not in known:
        raise UsageError(f"unknown scenario {name!r}; known: {_known_text(known)}")
    sc = known[name]
    if value is None:
        return sc.with_values()
    if param is None:
        if not sc.parameters:
            raise UsageError(f"scenario {name!r} takes no value")
        param = sc.parameters[0].name
    return sc.with_values(**{param: value})


def combine(parts: list[Scenario], name: str | None = None) -> Scenario:
    if len(parts) == 1:
        out = parts[0]  # a fresh object from parse_spec: naming it changes nothing shared
        if name:
            out.name = name
        return out
    out = Scenario(
        name or "+".join(p.name for p in parts),
        {lang: " + ".join(p.label(lang) for p in parts) for lang in ("sv", "en")},
    )
    for p in parts:
        out.changes.extend(_resolved(p))
    return out


# --- applying to a model -------------------------------------------------------------------------


def _resolved(sc: Scenario) -> list[dict[str, Any]]:
    out = []
    for ch in sc.changes:
        ((kind, settings),) = ch.items()
        settings = {
            k: (sc.value(v[1:]) if isinstance(v, str) and v.startswith("$") else v)
            for k, v in settings.items()
        }
        out.append({kind: settings})
    return out


def required_activities(sc: Scenario) -> list[str]:
    acts: list[str] = []
    for ch in _resolved(sc):
        ((kind, s),) = ch.items()
        for k in ("activity", "from", "to", "first", "second"):
            if k in s:
                acts.append(str(s[k]))
        acts.extend(str(a) for a in s.get("path", []) or [])
        acts.extend(str(a) for a in s.get("after", []) or [])
    return list(dict.fromkeys(acts))


def apply(model: Model, sc: Scenario) -> Model:
    """A copy of ``model`` with the scenario's changes; refuses activities the log lacks."""
    missing = [a for a in required_activities(sc) if not model.has(a)]
    if missing:
        raise UsageError(
            f"scenario {sc.name!r} needs activities this log does not have: {', '.join(missing)}"
        )
    m = model.copy()
    for ch in _resolved(sc):
        ((kind, s),) = ch.items()
        where = f"scenario {sc.name!r}: {kind}"
        if kind == "shorten":
            factor = _number(s["factor"], where)
            share = _number(s.get("share", 1), where)
            if not factor > 0:
                raise UsageError(f"{where}: factor {factor:g} must be above 0")
            if not 0 <= share <= 1:
                raise UsageError(f"{where}: share {share:g} is outside the allowed range 0 … 1")
            _shorten(
                m,
                m.code(str(s["activity"])),
                factor,
                share,
                [m.code(a) for a in s.get("after") or []],
            )
        elif kind == "remove":
            _remove(m, m.code(str(s["activity"])))
        elif kind == "automate":
            days = _number(s["days"], where)
            if days < 0:
                raise UsageError(f"{where}: days {days:g} must be 0 or more")
            b = m.code(str(s["activity"]))
            fixed = Dist("empirical", quantiles=(days, days), mean=days)
            for key in list(m.delays):
                if key[2] == b:
                    m.delays[key] = fixed
            m.service.pop(b, None)
        elif kind == "branch":
            share = _number(s["share"], where)
            if not 0 <= share <= 1:
                raise UsageError(f"{where}: share {share:g} is outside the allowed range 0 … 1")
            _branch(m, m.code(str(s["from"])), m.code(str(s["to"])), share, where)
        elif kind == "parallel":
            a, b = m.code(str(s["first"])), m.code(str(s["second"]))
            m.parallel |= {(a, b), (b, a)}
        elif kind == "route":
            _route(m, s, where)
        elif kind == "capacity":
            n = _number(s["change"], where)
            if n != int(n):
                raise UsageError(f"{where}: the change {n:g} must be a whole number of handlers")
            new = m.capacity + int(n)
            if new < 1:
                raise UsageError(
                    f"{where}: {int(n):+d} handlers leaves {new}; the log shows {m.capacity}, "
                    f"so the allowed range is {1 - m.capacity:+d} or more"
                )
            # queue part of waiting for a handler: at the same throughput per handler the
            # backlog per handler, and so the wait (Little's law), scales with c / c'
            m.waiting_scale *= m.capacity / new
            m.capacity = new
    return m


def _shorten(m: Model, b: int, factor: float, share: float, after: list[int]) -> None:
    if share < 1:
        m.share_changes.append((b, factor, share))
        return
    for key, d in list(m.delays.items()):
        if key[2] == b and (not after or key[1] in after):
            m.delays[key] = d.scaled(factor)
    if b in m.service and not after:
        m.service[b] = m.service[b].scaled(factor)


def _remove(m: Model, x: int) -> None:
    def reroute(nxt: np.ndarray, p: np.ndarray, ctype: int) -> tuple[np.ndarray, np.ndarray]:
        if x not in nxt.tolist():
            return nxt, p
        px = float(p[nxt == x].sum())
        keep = nxt != x
        acc: dict[int, float] = dict(zip(nxt[keep].tolist(), p[keep].tolist(), strict=True))
        xn, xp = m.branch(ctype, x)
        loop = xn == x
        rest = xp[~loop]
        if rest.sum() > 0:
            for t, q in zip(xn[~loop].tolist(), (rest / rest.sum()).tolist(), strict=True):
                acc[t] = acc.get(t, 0.0) + px * q
        else:
            acc[END] = acc.get(END, 0.0) + px
        ks = np.array(list(acc), dtype=np.int64)
        vs = np.array([acc[k] for k in acc])
        return ks, vs / vs.sum()

    for (ct, a), (nxt, p) in list(m.branches.items()):
        if a == x:
            continue
        new = reroute(nxt, p, ct)
        m.branches[(ct, a)] = new
        for t in new[0].tolist():
            if t != END and (ct, a, t) not in m.delays and (-1, a, t) not in m.delays:
                src = m.delays.get((ct, x, t)) or m.delays.get((-1, x, t))
                if src is not None:
                    m.delays[(ct, a, t)] = src
    for ct, (acts, p) in list(m.start.items()):
        if x in acts.tolist():
            m.start[ct] = reroute(acts, p, ct)
    m.service.pop(x, None)


def _branch(m: Model, a: int, b: int, share: float, where: str) -> None:
    if not any(key[1] == a and key[2] == b for key in m.delays):
        raise UsageError(
            f"{where}: the log never goes from {m.activities[a]} to {m.activities[b]}, so there "
            "is no time to reuse for that step"
        )
    for (ct, src), (nxt, p) in list(m.branches.items()):
        if src != a:
            continue
        others = nxt != b
        rest = p[others].sum()
        new_p = np.where(others, p / rest * (1 - share) if rest > 0 else 0.0, 0.0)
        ks, vs = nxt[others], new_p[others]
        ks = np.append(ks, b)
        vs = np.append(vs, share)
        if vs.sum() <= 0:
            continue
        m.branches[(ct, src)] = (ks, vs / vs.sum())


def _route(m: Model, s: dict[str, Any], where: str) -> None:
    from kit.process.leadtime import CASE_TYPE_ALIASES

    types = s["case_types"] if isinstance(s["case_types"], list) else [s["case_types"]]
    path = s["path"]
    if not isinstance(path, list) or len(path) < 2:
        raise UsageError(f"{where}: path must list at least two activities")
    days = _number(s["days"], where)
    if days < 0:
        raise UsageError(f"{where}: days {days:g} must be 0 or more")
    codes = [m.code(str(a)) for a in path]
    for t in types:
        name = CASE_TYPE_ALIASES.get(str(t).lower(), str(t).lower())
        if name not in m.case_types:
            raise UsageError(
                f"{where}: case type {t!r} is not in this log (have: {', '.join(m.case_types)})"
            )
        m.routes[m.case_types.index(name)] = (codes, days)
