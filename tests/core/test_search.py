"""catalog.search against a brute-force reading of what it promises: every visible title whose
name, cast or director, or tag contains the query (case-insensitively), best match first."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core import catalog
from core.models import Credit, Person, Tag, Title, TitleTag


def expected(s, query: str, max_age: int) -> set[int]:
    q = query.lower()
    ids = {t.id for t in s.scalars(select(Title)) if q in t.name.lower()}
    ids |= {tid for tid, name in s.execute(select(Credit.title_id, Person.name).join(Person))
            if q in name.lower()}
    ids |= {tid for tid, name in s.execute(select(TitleTag.title_id, Tag.name).join(Tag))
            if q in name.lower()}
    visible = set(s.scalars(select(Title.id).where(catalog.visible(max_age))))
    return ids & visible


@pytest.mark.parametrize("max_age", [18, 7])
def test_search_finds_exactly_the_matching_titles(database, max_age):
    with database.read() as s:
        person = s.scalar(select(Person.name).order_by(Person.id))
        tag = s.scalar(select(Tag.name).where(Tag.kind == "mood").order_by(Tag.id))
        title = s.scalar(select(Title.name).order_by(Title.id.desc()))
        queries = [person.split()[-1], tag, title.split()[0], "an", "zzqx"]
        for query in queries:
            found = catalog.search(s, query, max_age, limit=10_000).titles
            assert {t.id for t in found} == expected(s, query, max_age), query
            assert len(found) == len({t.id for t in found})
        exact = catalog.search(s, title, 18).titles
        assert exact[0].name.lower() == title.lower()  # an exact name match ranks first
