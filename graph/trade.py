"""U.S. imports of a mineral by partner country, as the graph keeps them on mineral nodes.

The trade loader (``riskgraph.ingest.trade``, UN Comtrade extracts in ``ingest/data/trade/``)
writes ``trade_*`` props on a mineral node: the year, the HS code (and a note when the code is a
basket of several metals), the U.S. imports from each partner (kg and USD) and from the world.
:func:`trade_of` reads them back; the engine's export-control arithmetic (``riskgraph shock
MINERAL --country CN --pct 100 --exports-to US``) uses :meth:`TradeShares.share`.

Examples
--------
>>> t = TradeShares("gallium_trade_data.csv", "811292", "basket", 2024, "US", ("CN",),
...                 (240.0,), (50.0,), 3000.0, 250.0)
>>> t.share("CN")[0]
0.2
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from riskgraph.graph.model import Node, PropValue, is_number

TRADE_PREFIX = "trade_"


@dataclass(frozen=True)
class TradeShares:
    """U.S. imports of one commodity code in one year, by partner (ISO 3166 alpha-2)."""

    source: str
    hs: str
    hs_note: str  # "" when the code is the mineral alone
    year: int
    reporter: str
    partners: tuple[str, ...]
    partner_kg: tuple[float, ...]
    partner_usd: tuple[float, ...]
    total_kg: float
    total_usd: float

    def share(self, code: str) -> tuple[float, dict[str, Any]]:
        """Share of U.S. imports from ``code``: by value (used), with the share by weight.

        By value because a basket code mixes metals of very different prices: the weight of
        cheap metals in the basket would understate the dear one's partner shares.
        """
        try:
            k = self.partners.index(code)
            kg, usd = self.partner_kg[k], self.partner_usd[k]
        except ValueError:
            kg = usd = 0.0
        by_value = usd / self.total_usd if self.total_usd > 0 else 0.0
        by_weight = kg / self.total_kg if self.total_kg > 0 else 0.0
        return by_value, {
            "used": "value", "by_value": by_value, "by_weight": by_weight, "year": self.year,
            "hs": self.hs, "hs_note": self.hs_note, "partner_kg": kg, "partner_usd": usd,
            "total_kg": self.total_kg, "total_usd": self.total_usd, "source": self.source}


def trade_props(t: TradeShares) -> dict[str, PropValue]:
    """The ``trade_*`` props that store ``t`` (the inverse of :func:`trade_of`)."""
    return {
        # "HS 811292", not "811292": a digits-only string would come back from a CSV export
        # as a number
        "trade_source": t.source, "trade_hs": f"HS {t.hs}", "trade_hs_note": t.hs_note,
        "trade_year": float(t.year), "trade_reporter": t.reporter,
        "trade_partner": list(t.partners), "trade_partner_kg": [float(x) for x in t.partner_kg],
        "trade_partner_usd": [float(x) for x in t.partner_usd],
        "trade_total_kg": float(t.total_kg), "trade_total_usd": float(t.total_usd),
    }


def trade_of(node: Node) -> TradeShares | None:
    """The U.S. imports stored on ``node``, or ``None``."""
    p = node.props
    parts = p.get("trade_partner")
    if not isinstance(parts, list) or not is_number(p.get("trade_total_usd")):
        return None

    def nums(key: str) -> tuple[float, ...]:
        v = p.get(key)
        return tuple(float(x) for x in v) if isinstance(v, list) else ()

    return TradeShares(
        source=str(p.get("trade_source", "")),
        hs=str(p.get("trade_hs", "")).removeprefix("HS ").strip(),
        hs_note=str(p.get("trade_hs_note", "")),
        year=int(float(p.get("trade_year", 0) or 0)),  # type: ignore[arg-type]
        reporter=str(p.get("trade_reporter", "")), partners=tuple(str(x) for x in parts),
        partner_kg=nums("trade_partner_kg"), partner_usd=nums("trade_partner_usd"),
        total_kg=float(p.get("trade_total_kg", 0.0)),  # type: ignore[arg-type]
        total_usd=float(p.get("trade_total_usd", 0.0)),  # type: ignore[arg-type]
    )


__all__ = ["TRADE_PREFIX", "TradeShares", "trade_of", "trade_props"]
