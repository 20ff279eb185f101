"""Streaming serializer output to an HTTP response in bounded chunks."""

from __future__ import annotations

import io
import queue
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

_STREAM_CHUNK = 1 << 16
_STREAM_DEPTH = 64  # chunks in flight between the serializer thread and the reader: bounds the memory of an export


class _StreamCancelled(Exception):
    """The reader of a stream went away; the serializer stops."""


class QueueWriter(io.RawIOBase):
    """A file-like sink that hands serializer output to a reader in another thread, in bounded chunks."""

    def __init__(self, chunks: queue.Queue[bytes | BaseException | None], cancelled: threading.Event) -> None:
        super().__init__()
        self.chunks = chunks
        self.cancelled = cancelled
        self.pending = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.pending += data
        if len(self.pending) >= _STREAM_CHUNK:
            self.send(bytes(self.pending))
            self.pending.clear()
        return len(data)

    def send(self, item: bytes | BaseException | None) -> None:
        while True:
            if self.cancelled.is_set():
                raise _StreamCancelled
            try:
                self.chunks.put(item, timeout=0.1)
                return
            except queue.Full:
                continue


def streamed(produce: Callable[[QueueWriter], None]) -> Iterator[bytes]:
    """Run `produce` in a thread and yield what it writes, holding at most a few chunks in memory."""
    chunks: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=_STREAM_DEPTH)
    cancelled = threading.Event()
    sink = QueueWriter(chunks, cancelled)

    def run() -> None:
        try:
            produce(sink)
            if sink.pending:
                sink.send(bytes(sink.pending))
            sink.send(None)
        except _StreamCancelled:
            return
        except BaseException as error:  # handed to the reader, which raises it
            try:
                sink.send(error)
            except _StreamCancelled:
                return

    thread = threading.Thread(target=run, name="ilokg-export", daemon=True)
    thread.start()
    try:
        while (item := chunks.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        cancelled.set()
        thread.join()


def file_chunks(path: Path) -> Iterator[bytes]:
    """A file's bytes in chunks of a megabyte."""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            yield chunk


class ChunkWriter(io.RawIOBase):
    """A file-like sink that collects serializer output as chunks."""

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def drain(self) -> Iterator[bytes]:
        pending = bytearray()
        for chunk in self.chunks:
            pending += chunk
            if len(pending) >= 1 << 16:
                yield bytes(pending)
                pending.clear()
        if pending:
            yield bytes(pending)
