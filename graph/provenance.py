"""Slim provenance: a citation as a shared source record plus the line it points at.

In memory every node and edge keeps its full citation string (``Node.source``,
``Edge.source``): ``"CSET ETO Supply Chain Explorer, cset/inputs.csv line 54"``.  The stores and
exports do not repeat that string on every relationship.  :func:`split` cuts a citation into

* a :class:`SourceRecord` -- the document or data set and its file, the citation with the
  location cut out (``"CSET ETO Supply Chain Explorer, cset/inputs.csv"``), the position of the
  cut, the licence where the file's folder names one, and a stable ``id`` (16 hex digits of a
  SHA-256 of the record) -- written ONCE per store or export, and
* a :class:`Ref`: the record's id and the location of this row (``line 54`` as the integer
  ``line``, ``lines 9-17`` or ``lines 77, 122, 119`` as the text ``lines``), written on the node
  or relationship.

:func:`join` is the exact inverse: ``join(*split(s)) == s`` for every string ``s`` (a citation
without a recognisable ``<file> line N`` ending is a record of its own with no location).
:class:`SourceTable` collects the records of many rows with the line range each one covers, and
the rationales of estimates, which repeat as citations do (a template per loader or file), one
record per distinct text (:func:`rationale_id`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

# "<head: ... file.ext> line 12" or "... lines 9-17" / "... lines 77, 122, 119", then the rest
# (curated and registry citations end "(riskgraph curated, <file> line N)"); the first such
# location counts.
_LOCATED = re.compile(
    r"(?P<head>.*?(?P<file>[^\s,;()]+\.[A-Za-z0-9]+))"
    r" (?:line (?P<one>[1-9][0-9]*)|lines (?P<many>[0-9](?:[0-9, \-]*[0-9])?))"
    r"(?P<tail>(?:[^\w\-].*)?)",
    re.DOTALL,
)
_NUMBER = re.compile(r"[0-9]+")

# Licence by the first folder of a shipped file (ingest/data/<folder>/...), as the loaders'
# source cards give it (ingest/*.py SourceInfo.licence; tests/graph/test_provenance.py checks).
FOLDER_LICENCES: dict[str, str] = {
    "article": "quoted verbatim with attribution (published marketing article)",
    "usgs": "U.S. public domain",
    "cset": "CC BY-NC 4.0 (repository LICENSE.md; the dataset page says CC BY 4.0)",
    "epoch": "MIT",
    "curated": "CC BY 4.0 (riskgraph project data); cited figures remain their publishers'",
    "financials": "SEC filings and company reports: public; riskgraph compilation CC BY 4.0",
    "markets": "USGS data: public domain; company filings: public; riskgraph compilation CC BY 4.0",
    "trade": "UN Comtrade data: attribute UN Comtrade (see ingest/data/trade/ATTRIBUTION.md)",
}


@dataclass(frozen=True)
class SourceRecord:
    """One document / data set / file: written once, referenced by ``id``."""

    id: str
    citation: str  # the citation with the row's location cut out
    cut: int | None = None  # where " line N" goes back in; None: the citation has no location
    file: str = ""
    licence: str = ""

    def props(self) -> dict[str, Any]:
        """The stored properties (no empty ones).  ``head`` and ``tail`` are the citation before
        and after the cut, so a query rebuilds a full citation as ``head + ' line ' + line +
        tail`` (``citation`` alone when the record has no location slot)."""
        out: dict[str, Any] = {"id": self.id, "citation": self.citation}
        if self.cut is not None:
            out["head"] = self.citation[: self.cut]
            out["tail"] = self.citation[self.cut :]
        if self.file:
            out["file"] = self.file
        if self.licence:
            out["licence"] = self.licence
        return out

    @classmethod
    def from_props(cls, p: Mapping[str, Any]) -> SourceRecord:
        head = p.get("head")
        return cls(id=str(p["id"]), citation=str(p["citation"]),
                   cut=None if head is None else len(str(head)), file=str(p.get("file") or ""),
                   licence=str(p.get("licence") or ""))


@dataclass(frozen=True)
class Ref:
    """A reference to a source record: its id and the row's location (at most one is set)."""

    source_id: str
    line: int | None = None
    lines: str | None = None

    def location(self) -> str:
        if self.line is not None:
            return f"line {self.line}"
        if self.lines is not None:
            return f"lines {self.lines}"
        return ""

    def token(self) -> str:
        """``"<id>"`` or ``"<id> line 5"``: one string per reference (lists of references)."""
        loc = self.location()
        return f"{self.source_id} {loc}" if loc else self.source_id

    @classmethod
    def from_token(cls, token: str) -> Ref:
        sid, _, loc = token.partition(" ")
        if loc.startswith("line "):
            return cls(sid, line=int(loc[5:]))
        if loc.startswith("lines "):
            return cls(sid, lines=loc[6:])
        return cls(sid)

    def numbers(self) -> list[int]:
        if self.line is not None:
            return [self.line]
        if self.lines is not None:
            return [int(x) for x in _NUMBER.findall(self.lines)]
        return []


def record_id(citation: str, cut: int | None) -> str:
    """16 hex digits of SHA-256 over the record (the cut included: ``"a.csv)"`` with and without
    a location slot are two records)."""
    text = f"{'' if cut is None else cut}|{citation}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def rationale_id(text: str) -> str:
    """16 hex digits of SHA-256 over a rationale's text (its record id)."""
    return hashlib.sha256(f"rationale|{text}".encode()).hexdigest()[:16]


def licence_for(file: str) -> str:
    """The licence of a shipped file by its first folder (``usgs/...``); ``""`` if unknown."""
    head = file.replace("\\", "/").split("/", 1)[0]
    return FOLDER_LICENCES.get(head, "") if "/" in file else ""


_CACHE: dict[str, tuple[SourceRecord, Ref]] = {}


def split(source: str) -> tuple[SourceRecord, Ref]:
    """``source`` as its record and the reference to it (``join`` gives ``source`` back)."""
    got = _CACHE.get(source)
    if got is not None:
        return got
    m = _LOCATED.fullmatch(source)
    if m is None:
        rec = SourceRecord(record_id(source, None), source)
        out = (rec, Ref(rec.id))
    else:
        head, tail, file = m["head"], m["tail"], m["file"]
        citation = head + tail
        cut = len(head)
        rec = SourceRecord(record_id(citation, cut), citation, cut, file, licence_for(file))
        one = m["one"]
        out = (rec, Ref(rec.id, line=int(one)) if one is not None else Ref(rec.id,
                                                                            lines=m["many"]))
    if len(_CACHE) > 100_000:
        _CACHE.clear()
    _CACHE[source] = out
    return out


def join(record: SourceRecord, ref: Ref) -> str:
    """The full citation of ``ref`` to ``record`` (the inverse of :func:`split`)."""
    loc = ref.location()
    if record.cut is None or not loc:
        return record.citation
    c = record.cut
    return f"{record.citation[:c]} {loc}{record.citation[c:]}"


class SourceTable:
    """The records a set of rows cites, each with the line range its references cover."""

    def __init__(self) -> None:
        self.records: dict[str, SourceRecord] = {}
        self.first: dict[str, int] = {}
        self.last: dict[str, int] = {}
        # the rationales of estimates, one record per distinct text (id -> text)
        self.rationales: dict[str, str] = {}

    def add_rationale(self, text: str) -> str:
        """Record a rationale's text; return its id."""
        rid = rationale_id(text)
        self.rationales.setdefault(rid, text)
        return rid

    def rationale_rows(self) -> list[dict[str, Any]]:
        """One ``{"id", "props": {"id", "text"}}`` row per rationale, by id."""
        return [{"id": k, "props": {"id": k, "text": self.rationales[k]}}
                for k in sorted(self.rationales)]

    def __len__(self) -> int:
        return len(self.records) + len(self.rationales)

    def add(self, source: str) -> Ref:
        """Record ``source``; return its reference."""
        rec, ref = split(source)
        self.add_ref(rec, ref)
        return ref

    def add_ref(self, rec: SourceRecord, ref: Ref) -> None:
        self.records.setdefault(rec.id, rec)
        self.span(rec.id, ref.numbers())

    def span(self, sid: str, numbers: Iterable[int]) -> None:
        nums = list(numbers)
        if not nums:
            return
        lo, hi = min(nums), max(nums)
        if sid not in self.first or lo < self.first[sid]:
            self.first[sid] = lo
        if sid not in self.last or hi > self.last[sid]:
            self.last[sid] = hi

    def merge(self, other: SourceTable) -> None:
        self.rationales.update(other.rationales)
        for sid, rec in other.records.items():
            self.records.setdefault(sid, rec)
            self.span(sid, [x for x in (other.first.get(sid), other.last.get(sid))
                            if x is not None])

    def row(self, sid: str) -> dict[str, Any]:
        """``{"id", "props"}`` of one record (props with ``first_line``/``last_line``)."""
        p = self.records[sid].props()
        if sid in self.first:
            p["first_line"] = self.first[sid]
            p["last_line"] = self.last[sid]
        return {"id": sid, "props": p}

    def rows(self) -> list[dict[str, Any]]:
        """One :meth:`row` per record, by id."""
        return [self.row(sid) for sid in sorted(self.records)]

    def __iter__(self) -> Iterator[SourceRecord]:
        return iter(self.records.values())


__all__ = ["FOLDER_LICENCES", "Ref", "SourceRecord", "SourceTable", "join", "licence_for",
           "rationale_id", "record_id", "split"]
