"""Citations a report can use: for every quote, the document's symbol, title and date, where the text places the
quote (paragraph, table, box, appendix, heading), the line, and the official publication's address where known;
as plain text and as RIS.

Plain data for any presentation; the pages add the service's own address for the line permalinks.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from graph import terms
from graph.queries import citations as queries
from graph.read.places import Place, Places
from graph.read.questions import EvidenceItem, Questions, Ref
from graph.read.wording import date_text
from graph.store.formats import binding_value

# RIS reference types (the RIS format's own codes) for the kinds of publication documents.csv names.
RIS_TYPES = {"brochure": "PAMP"}
RIS_DEFAULT_TYPE = "RPRT"


@dataclass(frozen=True)
class DocumentRecord:
    """What a source document is, as a citation names it."""

    ref: Ref
    key: str
    title: str
    file_name: str
    sha256: str | None
    symbol: str | None
    issued: str | None
    publisher: str | None
    creator: str | None
    type: str | None
    url: str | None

    @property
    def date(self) -> str | None:
        """The date of issue as a reader writes it (`November 2015`)."""
        return date_text(self.issued)

    @property
    def year(self) -> str | None:
        return self.issued[:4] if self.issued else None

    @property
    def is_reference(self) -> bool:
        """A reference list (the SDG framework, the instrument list) rather than an ILO document."""
        return not self.file_name.startswith("documents/")


@dataclass(frozen=True)
class Cited:
    """A quote with everything needed to cite it."""

    evidence: EvidenceItem
    document: DocumentRecord | None
    place: Place

    @property
    def key(self) -> str:
        return (self.evidence.document.id or self.evidence.document.iri.rsplit("/", 1)[-1]).removeprefix("document:")

    @property
    def line_path(self) -> str:
        """The line's permalink on this service, relative to its root."""
        return f"/documents/{self.key}#L{self.evidence.line}"

    @property
    def title(self) -> str:
        return self.document.title if self.document else (self.evidence.document.label or self.key)

    def text(self, service: str) -> str:
        """A plain-text citation; `service` is the address of this service (for the line permalink)."""
        record = self.document
        parts = [record.creator if record and record.creator else None, self.title, record.symbol if record else None]
        issue = ", ".join(p for p in (record.publisher if record else None, record.date if record else None) if p)
        head = ". ".join(p.rstrip(".") for p in (*parts, issue) if p) + "."
        where = self.place.text
        line = f"line {self.evidence.line}"
        locator = f"{where[:1].upper()}{where[1:]}, {line}" if where else line.capitalize()
        quote = self.evidence.quote
        stop = "" if quote.rstrip().endswith((".", "!", "?")) else "."  # no second full stop after the quote's own
        body = f"{locator}: \u201c{quote}\u201d{stop} Text: {service.rstrip('/')}{self.line_path}."
        if record and record.url:
            body += f" Available at: {record.url}."
        return f"{head} {body}"

    def ris(self, service: str) -> str:
        """The citation as a RIS record (CRLF line ends, as the format asks)."""
        record = self.document
        fields: list[tuple[str, str | None]] = [
            ("TY", RIS_TYPES.get(record.type or "", RIS_DEFAULT_TYPE) if record else "GEN"),
            ("AU", record.creator if record else None),
            ("TI", self.title),
            ("PY", record.year if record else None),
            ("DA", record.issued.replace("-", "/") if record and record.issued else None),
            ("PB", record.publisher if record else None),
            ("SN", record.symbol if record else None),
            ("UR", record.url if record else None),
        ]
        where = f"{self.place.text}, " if self.place else ""
        note = f"Quoted at {where}line {self.evidence.line} ({service.rstrip('/')}{self.line_path}): "
        fields.append(("N1", note + f"\u201c{self.evidence.quote}\u201d"))
        lines = [f"{tag}  - {value}" for tag, value in fields if value]
        return "\r\n".join([*lines, "ER  - ", ""])


class Citations:
    """Document records and the places of their lines, read once per build; cites any evidence item."""

    def __init__(self, questions: Questions, seeds_dir: Path) -> None:
        self.questions = questions
        self.store = questions.store
        self.seeds_dir = seeds_dir
        self._lock = threading.Lock()
        self._build: str | None = None
        self._records: dict[str, DocumentRecord] = {}
        self._places: dict[str, Places] = {}

    def _fresh(self) -> None:
        """Drop what was read for another build."""
        if self._build != self.store.build_id:
            self._records, self._places, self._build = {}, {}, self.store.build_id

    def records(self) -> dict[str, DocumentRecord]:
        """Every source document by IRI."""
        with self._lock:
            self._fresh()
            if not self._records:
                for row in self.store.select(queries.DOCUMENT_RECORDS):
                    iri = row["doc"]["value"]
                    ref = self.questions.ref(iri, row["title"]["value"])
                    self._records[iri] = DocumentRecord(
                        ref=ref,
                        key=(ref.id or "").removeprefix("document:"),
                        title=row["title"]["value"],
                        file_name=row["file"]["value"],
                        sha256=binding_value(row, "sha"),
                        symbol=binding_value(row, "symbol"),
                        issued=binding_value(row, "issued"),
                        publisher=binding_value(row, "publisher"),
                        creator=binding_value(row, "creator"),
                        type=binding_value(row, "type"),
                        url=binding_value(row, "url"),
                    )
            return self._records

    def places(self, record: DocumentRecord) -> Places:
        """The places of the document's lines; none when its text on disk is not the one the build checked."""
        with self._lock:
            self._fresh()
            found = self._places.get(record.key)
        if found is not None:
            return found
        path = (self.seeds_dir / record.file_name).resolve()
        lines: list[str] = []
        if path.is_relative_to(self.seeds_dir.resolve()) and path.is_file():
            data = path.read_bytes()
            if record.sha256 is None or hashlib.sha256(data).hexdigest() == record.sha256:
                lines = data.decode("utf-8").splitlines()
        found = Places(lines)
        with self._lock:
            self._places[record.key] = found
        return found

    def cite(self, evidence: EvidenceItem) -> Cited:
        """The quote with its document's record and its place in the text."""
        record = self.records().get(evidence.document.iri)
        place = self.places(record).at(evidence.line) if record else Place()
        return Cited(evidence, record, place)

    def evidence(self, iris: Iterable[str]) -> dict[str, EvidenceItem]:
        """The evidence items of given evidence nodes (for answers that carry only their IRIs, like paths)."""
        wanted = sorted(set(iris))
        if not wanted:
            return {}
        rows = self.store.select(queries.evidence_items(terms.iri(i) for i in wanted))
        return {
            row["evidence"]["value"]: EvidenceItem(
                iri=row["evidence"]["value"],
                document=self.questions.ref(row["document"]["value"], row["title"]["value"]),
                line=int(row["line"]["value"]),
                quote=row["quote"]["value"],
                note=binding_value(row, "note"),
            )
            for row in rows
        }
