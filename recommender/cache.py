"""A small in-process TTL cache for figures that are the same for every viewer: catalog-wide
ones that change only when the catalog does (tag similarity, genre weights; `catalog_cache`,
keys include the database URL, so two apps in one process never share entries), and the web
app's short-lived rows cache (Trending, Top 10: one per app, in app.extensions). Entries expire
by time only; `clock` is injectable so tests can move time."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

T = TypeVar("T")


class TTLCache:
    def __init__(self, ttl_s: float = 300.0, max_entries: int = 4096,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self.clock = clock
        self._data: OrderedDict[Hashable, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_set(self, key: Hashable, compute: Callable[[], T]) -> T:
        found = self.get_many((key,))
        if key in found:
            return found[key]  # type: ignore[return-value]
        value = compute()
        self.set_many({key: value})
        return value

    def get_many(self, keys: Iterable[Hashable]) -> dict[Hashable, object]:
        """The entries among `keys` that are present and fresh."""
        now, found = self.clock(), {}
        with self._lock:
            for key in keys:
                hit = self._data.get(key)
                if hit is not None and now - hit[0] < self.ttl_s:
                    self._data.move_to_end(key)
                    found[key] = hit[1]
        return found

    def set_many(self, items: dict[Hashable, object]) -> None:
        now = self.clock()
        with self._lock:
            for key, value in items.items():
                self._data[key] = (now, value)
                self._data.move_to_end(key)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        """Entries held (fresh or not yet evicted)."""
        with self._lock:
            return len(self._data)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


catalog_cache = TTLCache()
