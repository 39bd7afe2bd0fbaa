"""Model defaults (``defaults.toml``) and ``--set KEY=VALUE`` overrides.

Syntax of an override (``riskgraph shock ... --set KEY=VALUE``, repeatable):

* ``default_weight=0.5``, ``substitutability=0.2``, ``buffer=0.1`` ... : any key of
  ``defaults.toml`` (:data:`PARAM_KEYS`), the model-wide default;
* ``buffer[NODE]=0.3``: the buffer of one node (``NODE`` an id or a name: ``buffer[TSMC]=0.3``);
* ``weight[FROM>TO]=0.4``: the dependency weight of the supply edge(s) from supplier ``FROM`` to
  customer ``TO`` (ids or names; an edge written against the flow, like ``OWNS``, may be named in
  either order);
* ``substitutability[FROM>TO]=0.2``: likewise for one edge's substitutability;
* ``theta=0.3``: the weight of priority in the mixed allocation of a scarce mineral (section
  ``[market]``; the rule itself is ``--allocation``, supply response ``--no-supply-response``);
* ``spare_capacity[gallium]=0.2``, ``restart_months[gallium]=18`` ...: one mineral's market
  parameter (:data:`SUPPLY_KEYS`; the value on file comes from the markets data);
* ``inventory_weeks[NODE]=8``: one node's inventory cover in the dynamic model (``--horizon``;
  ``inventory_weeks[*]=W`` sets every node, their own covers included).

Every mistake is a :class:`~riskgraph.errors.UsageError` (exit 2) with a one-line message.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import asdict, dataclass, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any

from riskgraph.errors import UsageError, suggest

DEFAULTS_FILE = Path(str(resources.files("riskgraph.engine") / "defaults.toml"))


@dataclass(frozen=True)
class Params:
    """Every tunable number of the engine (see ``defaults.toml`` for their meaning)."""

    default_weight: float = 0.5
    default_weight_low: float = 0.2
    default_weight_high: float = 0.8
    substitutability: float = 0.0
    buffer: float = 0.0
    max_iter: int = 10000
    tol: float = 1e-10
    min_shortfall: float = 1e-6
    paths_per_node: int = 3
    max_path_expansions: int = 200000
    min_path_contribution: float = 1e-4
    # [dynamic] (engine/dynamic.py, issue 13)
    horizon: int = 12
    refill_rate: float = 0.1
    refill_rate_low: float = 0.05
    refill_rate_high: float = 0.25
    inventory_weeks: float = 4.0
    inventory_weeks_low: float = 0.7
    inventory_weeks_high: float = 8.0
    # [market] (engine/market.py, issue 13): shortage allocation and supply response
    allocation: str = "mixed"
    theta: float = 0.5
    theta_low: float = 0.2
    theta_high: float = 0.8
    supply_response: bool = True
    substitution_months: float = 12.0
    # [money] (engine/money.py, issue 12): what AI-infrastructure purchases scale with
    purchase_basis: str = "revenue"

    def to_dict(self) -> dict[str, Any]:
        """The numeric parameters (the JSON schema's ``model.parameters``); the allocation rule
        and the supply-response switch are reported in the result's ``market`` block."""
        return {k: v for k, v in asdict(self).items() if k not in CHOICES}


# key -> (kind, low, high); kind "frac" (float in [low, high]), "int" or "pos" (float > 0)
_RULES: dict[str, tuple[str, float, float]] = {
    "default_weight": ("frac", 0.0, 1.0),
    "default_weight_low": ("frac", 0.0, 1.0),
    "default_weight_high": ("frac", 0.0, 1.0),
    "substitutability": ("frac", 0.0, 1.0),
    "buffer": ("frac", 0.0, 1.0),
    "max_iter": ("int", 1, 10_000_000),
    "tol": ("pos", 0.0, 1.0),
    "min_shortfall": ("frac", 0.0, 1.0),
    "paths_per_node": ("int", 0, 100),
    "max_path_expansions": ("int", 0, 100_000_000),
    "min_path_contribution": ("frac", 0.0, 1.0),
    "horizon": ("int", 0, 600),
    "refill_rate": ("frac", 0.0, 1.0),
    "refill_rate_low": ("frac", 0.0, 1.0),
    "refill_rate_high": ("frac", 0.0, 1.0),
    "inventory_weeks": ("frac", 0.0, 520.0),
    "inventory_weeks_low": ("frac", 0.0, 520.0),
    "inventory_weeks_high": ("frac", 0.0, 520.0),
    "theta": ("frac", 0.0, 1.0),
    "theta_low": ("frac", 0.0, 1.0),
    "theta_high": ("frac", 0.0, 1.0),
    "substitution_months": ("num", 0.0, 600.0),
    # one mineral's market parameters (KEY[MINERAL]=V; graph/markets.py SUPPLY_PARAMS)
    "spare_capacity": ("num", 0.0, 10.0),
    "restart_months": ("num", 0.0, 600.0),
    "secondary_supply": ("num", 0.0, 10.0),
    "secondary_months": ("num", 0.0, 600.0),
    "stocks_months": ("num", 0.0, 600.0),
    "demand_elasticity": ("num", -10.0, 10.0),
    "supply_elasticity": ("num", -10.0, 10.0),
    "reroute_share": ("frac", 0.0, 1.0),
}
# Parameters that are a choice, not a number: set by their own CLI option, never by --set.
CHOICES: dict[str, tuple[tuple[Any, ...], str]] = {
    "allocation": (("proportional", "priority", "mixed"), "--allocation"),
    "supply_response": ((True, False), "--supply-response/--no-supply-response"),
    "purchase_basis": (("revenue", "segment"), "--purchase-basis"),
}
PARAM_KEYS: tuple[str, ...] = tuple(f.name for f in fields(Params))
SUPPLY_KEYS: tuple[str, ...] = (
    "spare_capacity", "restart_months", "secondary_supply", "secondary_months",
    "stocks_months", "demand_elasticity", "supply_elasticity", "reroute_share",
)
TARGETED_KEYS: tuple[str, ...] = ("buffer", "weight", "substitutability", *SUPPLY_KEYS,
                                  "inventory_weeks")


def load_defaults(path: Path = DEFAULTS_FILE) -> Params:
    """Read ``defaults.toml`` (all sections flattened) into :class:`Params`."""
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    flat: dict[str, Any] = {}
    for section in raw.values():
        if isinstance(section, dict):
            flat.update(section)
    unknown = set(flat) - set(PARAM_KEYS)
    if unknown:
        raise UsageError(f"{path}: unknown keys {sorted(unknown)}")
    p = Params(**flat)
    for k in PARAM_KEYS:
        if k in CHOICES:
            allowed = CHOICES[k][0]
            if getattr(p, k) not in allowed or type(getattr(p, k)) is not type(allowed[0]):
                raise UsageError(f"{path}: {k} must be one of "
                                 f"{', '.join(str(a).lower() for a in allowed)}")
            continue
        _check(k, str(getattr(p, k)), getattr(p, k), origin=str(path))
    return p


@dataclass(frozen=True)
class Override:
    """One parsed ``--set``: ``key`` (``weight``, ``buffer`` ...), ``target`` or ``None``, value."""

    key: str
    value: float
    # "NODE" for buffer[...], "FROM>TO" for weight/substitutability, "*" for every node / arc
    target: str | None = None
    text: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "target": self.target, "value": self.value}


_SET_RE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\[(.*)\])?\s*=(.*)$", re.S)


def parse_set(text: str) -> Override:
    """Parse one ``KEY=VALUE`` / ``KEY[TARGET]=VALUE`` string (syntax and range only).

    Examples
    --------
    >>> parse_set("weight[gallium>input:gan-power-devices]=0.4").target
    'gallium>input:gan-power-devices'
    >>> parse_set("defualt_weight=0.5")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    riskgraph.errors.UsageError: --set defualt_weight=0.5: unknown key ...'default_weight'?
    """
    m = _SET_RE.match(text)
    if not m:
        raise UsageError(f"--set {text}: expected KEY=VALUE (e.g. default_weight=0.5)")
    key, target, raw = m.group(1), m.group(2), m.group(3).strip()
    if target is not None:
        target = target.strip()
        if key not in TARGETED_KEYS:
            near = suggest(key, TARGETED_KEYS, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise UsageError(
                f"--set {text}: {key!r} takes no [target]; targets work with "
                f"buffer[NODE], weight[FROM>TO], substitutability[FROM>TO]{hint}"
            )
        if not target:
            raise UsageError(f"--set {text}: empty [target]")
        if target == "*":  # every arc / node, their own values included
            if key == "weight":
                raise UsageError(f"--set {text}: weight[*] would give every edge one weight; "
                                 "name an edge: weight[FROM>TO]=VALUE")
        elif key in ("weight", "substitutability"):
            a, sep, b = target.partition(">")
            if not sep or not a.strip() or not b.strip():
                raise UsageError(f"--set {text}: expected {key}[FROM>TO]=VALUE")
            target = f"{a.strip()}>{b.strip()}"
    elif key in SUPPLY_KEYS:
        raise UsageError(f"--set {text}: {key} is a mineral's market parameter; "
                         f"name the mineral: {key}[MINERAL]=VALUE")
    elif key in CHOICES:
        raise UsageError(f"--set {text}: {key} is not set with --set; use {CHOICES[key][1]}")
    elif key not in PARAM_KEYS:
        if key == "weight":
            raise UsageError(f"--set {text}: expected weight[FROM>TO]=VALUE")
        near = suggest(key, PARAM_KEYS + ("weight",), n=1)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        raise UsageError(f"--set {text}: unknown key {key!r}{hint}")
    try:
        value = float(raw)
    except ValueError:
        raise UsageError(f"--set {text}: {raw!r} is not a number") from None
    rule_key = (key if target is None or key in SUPPLY_KEYS or key == "inventory_weeks"
                else "buffer" if key == "buffer" else "default_weight")
    _check(rule_key, raw, value, origin=f"--set {text}")
    if _RULES[rule_key][0] == "int":
        value = float(int(value))
    return Override(key=key, value=value, target=target, text=text)


def _check(key: str, raw: str, value: float, *, origin: str) -> None:
    kind, lo, hi = _RULES[key]
    if not math.isfinite(value):
        raise UsageError(f"{origin}: {raw!r} is not a finite number")
    if kind == "int":
        if value != int(value):
            raise UsageError(f"{origin}: {key} must be a whole number")
        if not lo <= value <= hi:
            raise UsageError(f"{origin}: {key} must be between {lo:g} and {hi:g}")
    elif kind == "pos":
        if not lo < value <= hi:
            raise UsageError(f"{origin}: {key} must be > {lo:g} and <= {hi:g}")
    elif kind == "num":
        if not lo <= value <= hi:
            raise UsageError(f"{origin}: {key} must be between {lo:g} and {hi:g}")
    elif not lo <= value <= hi:
        raise UsageError(f"{origin}: {key} must be in [{lo:g}, {hi:g}]")


def apply_params(params: Params, overrides: list[Override]) -> Params:
    """Apply the untargeted overrides (model-wide defaults) to ``params``."""
    changes: dict[str, Any] = {}
    for o in overrides:
        if o.target is None:
            kind = _RULES[o.key][0]
            changes[o.key] = int(o.value) if kind == "int" else o.value
    p = replace(params, **changes)
    if not p.default_weight_low <= p.default_weight <= p.default_weight_high:
        raise UsageError(
            "--set: default_weight_low <= default_weight <= default_weight_high must hold "
            f"(got {p.default_weight_low:g}, {p.default_weight:g}, {p.default_weight_high:g})"
        )
    for key in ("refill_rate", "inventory_weeks", "theta"):  # [dynamic], [market] ranges
        lo, mid, hi = (getattr(p, key + sfx) for sfx in ("_low", "", "_high"))
        if not lo <= mid <= hi:
            raise UsageError(f"--set: {key}_low <= {key} <= {key}_high must hold "
                             f"(got {lo:g}, {mid:g}, {hi:g})")
    return p
