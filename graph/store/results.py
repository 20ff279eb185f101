"""SPARQL results kept per build: a build never changes, so the same query on the same dataset, in the same
media type, gives the same answer until the build is swapped.

The key is the reading (text and the IRI it is read against), the dataset it runs on, the media type and the row
limit. A query whose answer may change from one run to the next (RAND, NOW, UUID, STRUUID, BNODE() as a
function) is never kept. Bounded in entries and in bytes, least recently used dropped first.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

from graph.store.base import QueryResult
from graph.store.reader import QueryDataset, QueryRefused, ReadQuery, tokens

# Functions whose value differs between two runs of the same query (SPARQL 1.1, 17.4).
_VOLATILE = frozenset(("RAND", "NOW", "UUID", "STRUUID", "BNODE"))


@dataclass(frozen=True)
class ResultKey:
    """What a result depends on, within one build."""

    text: str
    base_iri: str | None
    dataset: QueryDataset
    media_type: str
    max_rows: int

    def digest(self) -> str:
        parts = (self.text, self.base_iri or "", repr(self.dataset), self.media_type, str(self.max_rows))
        return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:20]


def result_key(read: ReadQuery, dataset: QueryDataset, media_type: str, max_rows: int) -> ResultKey | None:
    """The key of a result that may be kept, or None when the query's answer may change between runs."""
    if not _stable(read.text):
        return None
    return ResultKey(read.text, read.base_iri, dataset, media_type, max_rows)


def result_etag(build_id: str, key: ResultKey) -> str:
    """A strong ETag: the same build and key always give the same bytes."""
    return f'"{build_id}-{key.digest()}"'


@lru_cache(maxsize=4096)
def _stable(text: str) -> bool:
    try:
        return not any(t.kind == "word" and t.text.upper() in _VOLATILE for t in tokens(text))
    except QueryRefused:
        return False


class ResultCache:
    """Results of one build, least recently used dropped first; bounded by entries and by bytes."""

    def __init__(self, build_id: str, entries: int, max_bytes: int) -> None:
        self.build_id = build_id
        self._entries = entries
        self._max_bytes = max_bytes
        self._bytes = 0
        self._results: OrderedDict[ResultKey, QueryResult] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: ResultKey) -> QueryResult | None:
        with self._lock:
            result = self._results.get(key)
            if result is not None:
                self._results.move_to_end(key)
            return result

    def put(self, key: ResultKey, result: QueryResult) -> None:
        size = len(result.body) + len(key.text)
        if self._entries <= 0 or size > self._max_bytes:
            return
        with self._lock:
            previous = self._results.pop(key, None)
            if previous is not None:
                self._bytes -= len(previous.body) + len(key.text)
            self._results[key] = result
            self._bytes += size
            while len(self._results) > self._entries or self._bytes > self._max_bytes:
                dropped_key, dropped = self._results.popitem(last=False)
                self._bytes -= len(dropped.body) + len(dropped_key.text)

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._results)
