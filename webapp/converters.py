"""URL converters: ids in routes bounded at the edge, so no database ever sees one it cannot
store (PostgreSQL's integer ends at 2**31 - 1; SQLite's at 2**63 - 1)."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a whole number 0..MAX_ID in ASCII digits; anything else
    (longer, larger, another script's digits) matches no route, so the answer is a 404."""

    regex = r"[0-9]{1,10}"

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("min", 0)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def query_int(args, name: str, default: int, low: int, high: int) -> int:
    """An integer query parameter clamped to low..high (the default when it is missing or
    not a plain ASCII number)."""
    raw = args.get(name, "")
    if not (raw.isascii() and raw.lstrip("-").isdigit() and len(raw) <= 12):
        return default
    return max(low, min(int(raw), high))
