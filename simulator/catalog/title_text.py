"""The words of a catalogue: title names, synopses, credits and episodes, from one text stream.

`CatalogText` draws everything from its own generator (the catalogue passes
`derive(seed, "catalog", key, "text")`), so changing any wording never shifts a numeric draw.
A title's name comes from one of many templates (vocab.TITLE_TEMPLATES, recorded in
`TitleWords.template`); a slot that names a place, a time or a person is carried into the
synopsis, so "A Year in Ghent" is set in Ghent, "The Summer of 1979" happens in 1979 and
"Dear Marta" is about a Marta with a name from the title's own country. Episodes get their own
synopses (no event repeats within a series, no turn within a season) and names.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field

import numpy as np

from simulator.catalog import vocab
from simulator.catalog.people import People
from simulator.rng import pick

_MOOD = {m.slug: m for m in vocab.MOODS}
_THEME = {t.slug: t for t in vocab.THEMES}
_DARK = {"crime", "thriller", "horror", "mystery", "war", "western", "action", "sci-fi",
         "drama", "history"}
_ENGLISH = {"US", "GB", "CA", "AU", "IE"}
_FORMATTER = string.Formatter()
_SLOTS = {t.pattern: tuple(f for _, f, _, _ in _FORMATTER.parse(t.pattern) if f)
          for t in vocab.TITLE_TEMPLATES}


def _a(phrase: str) -> str:
    silent_h = phrase.lower().startswith(("heir", "hour", "hon"))
    return ("an " if phrase[0].lower() in "aeiou" or silent_h else "a ") + phrase


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _title_case(phrase: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in phrase.split())


def _prep(where: str) -> str:
    """The preposition a setting takes: "on the Basque coast", "on Jeju Island", "in Lyon"."""
    coast = where.startswith("the ") and ("coast" in where.lower() or where.endswith("Riviera"))
    island = where.endswith(" Island") or where.startswith("the island of")
    return "on" if coast or island else "in"


def tone(genre: str) -> str:
    """The register a title's words are drawn in: kids, doc, dark or light."""
    if vocab.GENRE_BY_SLUG[genre].kids:
        return "kids"
    if genre == "documentary":
        return "doc"
    return "dark" if genre in _DARK else "light"


def _words(table: dict[str, tuple[str, ...]], tone_: str) -> tuple[str, ...]:
    """A tone's words from a vocab table: the common list plus the tone's own, if any."""
    return table["common"] + table.get(tone_, ())


@dataclass
class TitleWords:
    """A title's name and synopsis, and what the name committed the synopsis to."""

    name: str
    template: str
    synopsis: str
    tone: str
    lang: str
    country: str
    place: str | None = None  # a place the name names (a city, a street, a house)
    era: int | None = None  # a year the name names
    person: str | None = None  # a name (or surname) the name names; the hero carries it
    period: str | None = None  # "winter", "year", ... the name names
    where: str = ""  # where the story is set ("Ghent", "a small Texas town")
    prep: str = "in"  # "in" Ghent, "at" Ashby Manor, "on" Harlow Lane
    hero: str = ""  # the hero's first name, for episodes
    partner: str = ""  # a second named character, if the name has one
    facts: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EpisodeText:
    name: str
    synopsis: str


class CatalogText:
    """Names, synopses, credits and episodes for one call of generate_catalog."""

    def __init__(self, rng: np.random.Generator, people: People, used_names: set[str]) -> None:
        self.rng = rng
        self.people = people
        self.used = used_names
        self.synopses: set[str] = set()
        self._eligible: dict[tuple[str, str, bool], tuple[list, np.ndarray]] = {}

    # --- credits ----------------------------------------------------------------------------

    def credits(self, lang: str, country: str) -> tuple[list[int], int]:
        """3-8 distinct actors and a director, who is never one of them."""
        cast = self.people.cast(self.rng, lang, country, int(self.rng.integers(3, 9)))
        return cast, self.people.director(self.rng, lang, country)

    # --- names ------------------------------------------------------------------------------

    def _templates(self, genre: str, kind: str, country: str):
        key = (genre, kind, country in _ENGLISH)
        if key not in self._eligible:
            kids = vocab.GENRE_BY_SLUG[genre].kids
            found = [t for t in vocab.TITLE_TEMPLATES
                     if (genre in t.genres if t.genres else (t.kids or not kids))
                     and t.kind in ("", kind) and (key[2] or not t.english)]
            self._eligible[key] = (found, np.cumsum([t.weight for t in found]))
        return self._eligible[key]

    def title(self, *, kind: str, genres: list[str], moods: list[str], themes: list[str],
              pace: str, lang: str, country: str, year: int, seasons: int) -> TitleWords:
        """A mostly unique name from a template, and a synopsis that agrees with it."""
        templates, cum = self._templates(genres[0], kind, country)
        for _attempt in range(10):
            template = templates[int(np.searchsorted(cum, self.rng.random() * cum[-1],
                                                     side="right"))]
            draft = _Draft(self, genres[0], lang, country, year)
            name = _cap(template.pattern.format(**{s: draft.slot(s)
                                                   for s in _SLOTS[template.pattern]}))
            if name not in self.used:
                break
        self.used.add(name)
        words = draft.words(name, template.pattern)
        for _attempt in range(6):
            text = _synopsis(self, words, kind, genres, moods, themes, pace, year, seasons)
            if text not in self.synopses:
                break
        self.synopses.add(text)
        words.synopsis = text
        return words

    def episodes(self, words: TitleWords) -> EpisodeWriter:
        """The writer of one series' episodes (call its `season` once per season)."""
        return EpisodeWriter(self, words)


class _Draft:
    """Fills one template's slots, noting what they commit the synopsis to."""

    def __init__(self, text: CatalogText, genre: str, lang: str, country: str,
                 year: int) -> None:
        self.t, self.rng, self.genre = text, text.rng, genre
        self.lang, self.country, self.year = lang, country, year
        self.kids = vocab.GENRE_BY_SLUG[genre].kids
        self.facts: dict[str, str] = {}
        self.values: dict[str, str] = {}

    def _flavoured(self, which: int, general: tuple[str, ...], kids: tuple[str, ...]) -> str:
        flavour = vocab.GENRE_TITLE_WORDS.get(self.genre)
        if flavour and self.rng.random() < (0.7 if self.kids else 0.35):
            return pick(self.rng, flavour[which])
        return pick(self.rng, kids if self.kids else general)

    def _other(self, slot: str, draw) -> str:
        first = self.slot(slot)
        for _attempt in range(6):
            value = draw()
            if value != first:
                break
        return value

    def _person(self, key: str) -> tuple[str, str, str]:
        avoid = {self.facts.get("hero_first", "")}
        first, last, full = self.t.people.character(self.rng, self.lang, self.country, avoid)
        self.facts[f"{key}_first"], self.facts[f"{key}_last"] = first, last
        self.facts[f"{key}_full"] = full
        return first, last, full

    def _era(self) -> int:
        if "era" not in self.facts:
            latest = max(1905, self.year - 4)
            self.facts["era"] = str(int(self.rng.integers(max(1900, self.year - 70), latest)))
        return int(self.facts["era"])

    def slot(self, name: str) -> str:
        """The value of one slot (the same if asked twice), noting what it names."""
        if name in self.values:
            return self.values[name]
        rng, f = self.rng, self.facts
        if name == "adj":
            value = self._flavoured(0, vocab.TITLE_ADJECTIVES, vocab.KIDS_ADJECTIVES)
        elif name == "noun":
            value = self._flavoured(1, vocab.TITLE_NOUNS, vocab.KIDS_NOUNS)
        elif name == "noun2":
            value = self._other("noun", lambda: self._flavoured(1, vocab.TITLE_NOUNS,
                                                                 vocab.KIDS_NOUNS))
        elif name == "abstract":
            value = pick(rng, vocab.TITLE_ABSTRACTS)
        elif name == "abstract2":
            value = self._other("abstract", lambda: pick(rng, vocab.TITLE_ABSTRACTS))
        elif name == "plural":
            value = pick(rng, vocab.KIDS_PLURALS if self.kids else vocab.TITLE_PLURALS)
        elif name == "gerund":
            value = pick(rng, vocab.KIDS_GERUNDS if self.kids else vocab.TITLE_GERUNDS)
        elif name == "city":
            value = f["city"] = pick(rng, vocab.PLACES[self.country].cities)
            f.setdefault("place", value)
        elif name == "era":
            value = str(self._era())
        elif name == "yy":
            value = f"{self._era() % 100:02d}"
            f["season"] = "summer"
        elif name in ("period", "season"):
            value = pick(rng, vocab.PERIODS if name == "period" else vocab.SEASONS_OF_YEAR)
            f[name] = value.lower()
        elif name in ("first", "full"):
            first, _, full = self._person("hero")
            value = first if name == "first" else full
            f["person"] = value
        elif name == "first2":
            value = self._person("partner")[0]
            f["person2"] = value
        elif name in ("surname", "surnames"):
            if "hero_last" not in f:
                self._person("hero")
            value = f["hero_last"]
            f["person"] = value
            if name == "surnames":
                value += "es" if value.endswith(("s", "x", "z", "ch", "sh")) else "s"
        elif name == "surname2":
            value = self._person("partner")[1]
            f["person2"] = value
        elif name in ("street", "estate"):
            suffixes = vocab.STREET_SUFFIXES if name == "street" else vocab.ESTATE_SUFFIXES
            value = f"{self.t.people.surname(rng, self.lang, self.country)} {pick(rng, suffixes)}"
            f["place"], f["prep"] = value, "on" if name == "street" else "at"
        elif name == "west_place":
            value = pick(rng, vocab.WEST_PLACES)
            f["place"], f["prep"] = f"{self.slot('surname')} {value}", "in"
            f.pop("person", None)  # the surname names a town here, not the hero
        elif name == "occupation":
            f["occupation"] = pick(rng, vocab.TITLE_OCCUPATIONS)
            value = _title_case(f["occupation"])
        elif name == "relative":
            value = pick(rng, vocab.RELATIVES)
            f["relative"] = value.lower()
        elif name == "someone":
            value = pick(rng, vocab.SOMEONES)
            f["someone"] = value.lower()
        elif name == "kidname":
            value = f["kidname"] = pick(rng, vocab.KIDS_NAMES)
            f["person"] = value
        elif name == "kidname2":
            value = self._other("kidname", lambda: pick(rng, vocab.KIDS_NAMES))
            f["person2"] = f["partner_first"] = f["partner_full"] = value
        elif name == "creature":
            value = pick(rng, vocab.CREATURES)
            f["creature"] = value.lower()
        elif name == "doc_plural":
            value = pick(rng, vocab.DOC_PLURALS)
            f["topic"] = f"the {value.lower()} of {self.slot('city')}"
        elif name == "doc_last":
            value = pick(rng, vocab.DOC_LAST)
            f["topic"] = f"the last {value.lower()}"
        elif name == "digit":
            value = str(int(rng.integers(2, 100)))
        else:
            value = pick(rng, _SIMPLE[name])
            if name == "rank":
                f["rank"] = value
        self.values[name] = value
        return value

    def words(self, name: str, template: str) -> TitleWords:
        f, rng = self.facts, self.rng
        if "{surnames}" in template or "{surname} Family" in template:
            f["family"] = f["hero_last"]
        place, prep = f.get("place"), f.get("prep", "in")
        if place is None or f.get("someone"):
            # No place in the name (or a stranger *from* the named city): a place of the
            # title's country, never a second city when the name already has one.
            country = vocab.PLACES[self.country]
            r = rng.random()
            if f.get("someone") or r >= 0.85:
                where = pick(rng, country.settings) if r < 0.85 else country.name
            elif r < 0.5:
                where = pick(rng, country.cities)
            else:
                where = pick(rng, country.settings)
            prep = _prep(where)
        else:
            where = place
        hero = f.get("kidname") or f.get("hero_first", "")
        if not hero:
            hero = self.t.people.character(rng, self.lang, self.country)[0]
        return TitleWords(
            name=name, template=template, synopsis="", tone=tone(self.genre), lang=self.lang,
            country=self.country,
            place=f.get("place") or f.get("city"), era=int(f["era"]) if "era" in f else None,
            person=f.get("person"), period=f.get("period") or f.get("season"), where=where,
            prep=prep, hero=hero, partner=f.get("partner_first", ""), facts=dict(f))


_SIMPLE: dict[str, tuple[str, ...]] = {
    "landmark": vocab.LANDMARKS, "number": vocab.TITLE_NUMBERS, "verb": vocab.TITLE_VERBS,
    "past": vocab.TITLE_PAST, "kid_verb": vocab.KID_VERBS, "relative2": vocab.RELATIVES_2,
    "adj2": vocab.ADJECTIVES_2, "howto": vocab.HOW_TO, "rank": vocab.RANKS,
    "codename": vocab.CODENAMES, "station": vocab.STATIONS, "lurker": vocab.LURKERS,
    "hide": vocab.HIDING_PLACES, "kid_adj": vocab.KIDS_ADVENTURE_ADJ,
    "kid_event": vocab.KIDS_EVENTS, "kid_noun": vocab.KIDS_NOUNS, "team": vocab.TEAMS,
    "life_adj": vocab.LIFE_ADJECTIVES, "shop": vocab.SHOPS, "dwelling": vocab.DWELLINGS,
    "age": vocab.AGES,
}


# --- synopses -----------------------------------------------------------------------------


def _hero(text: CatalogText, w: TitleWords) -> tuple[str, str]:
    """(name or "", role): "Marta Ruiz", "a retired beekeeper"."""
    f, rng = w.facts, text.rng
    if w.tone == "kids":
        if "creature" in f:
            role = _a(f"{pick(rng, vocab.KIDS_CREATURE_ADJ)} {f['creature']}")
        else:
            role = pick(rng, vocab.KIDS_PROTAGONISTS)
        named = f.get("kidname") or f.get("hero_first")
        if not named and rng.random() < 0.4:
            named = w.hero
        return named or "", role
    occupation = f.get("occupation") or pick(rng, vocab.OCCUPATIONS)
    if "relative" in f:
        role = f"the {f['relative']} of {_a(occupation)}"
    elif "someone" in f:
        role = f"{_a(f['someone'])} from {f['city']}"
    elif "rank" in f:
        role = _a(f"{pick(rng, vocab.DESCRIPTORS)} "
                  f"{vocab.RANK_ROLES.get(f['rank'], 'police detective')}")
    else:
        role = _a(f"{pick(rng, vocab.DESCRIPTORS)} {occupation}")
    if "hero_full" in f:
        name = f["hero_full"]
        if "rank" in f:
            name = f"{f['rank']} {name}"
    elif "person" in f:  # a name the title carries without a full person (kids' names)
        name = f["person"]
    else:
        name = ""
        if rng.random() < 0.5:
            w.hero, _, name = text.people.character(rng, w.lang, w.country, {w.hero})
    return name, role


def _synopsis(text: CatalogText, w: TitleWords, kind: str, genres: list[str],
              moods: list[str], themes: list[str], pace: str, year: int, seasons: int) -> str:
    rng, f = text.rng, w.facts
    primary = vocab.GENRE_BY_SLUG[genres[0]]
    noun = primary.series_noun if kind == "series" else primary.film_noun
    if len(genres) > 1 and rng.random() < 0.6:
        noun = f"{vocab.GENRE_BY_SLUG[genres[1]].adjective} {noun}"
    pace_adj = pick(rng, vocab.PACES[pace])
    moods_text = " and ".join(_MOOD[m].adjective for m in moods[:2])
    theme = _THEME[themes[0]]
    at = f"{w.prep} {w.where}"
    opener, when = _time(rng, w, genres[0], year)

    if w.tone == "doc":
        topic = _doc_topic(rng, w)
        # Where it was filmed, unless the topic says so already; and when, if named.
        filmed = " ".join(x for x in ("" if w.where in topic else at, when) if x)
        form = int(rng.integers(3))
        if form == 0 or when:
            out = (f"{_cap(_a(pace_adj))}, {moods_text} {noun} about {topic}, and a "
                   f"meditation on {theme.noun}." + (f" Filmed {filmed}." if filmed else ""))
        elif form == 1:
            years = f"over {int(rng.integers(2, 9))} years"
            out = (f"Filmed {' '.join(x for x in (filmed, years) if x)}, this {pace_adj}, "
                   f"{moods_text} {noun} follows {topic}.")
        else:
            out = (f"{_cap(topic)}: {_a(pace_adj)}, {moods_text} {noun}"
                   + (f" filmed {filmed}." if filmed else "."))
    else:
        name, role = _hero(text, w)
        subject = f"{name}, {role}," if name else role
        about = f"{name}, {role}" if name else role
        clauses = vocab.KIDS_CLAUSES if w.tone == "kids" else theme.clauses
        if w.period:  # "The Autumn of 2011" is not about surviving a winter
            others = {s.lower() for s in vocab.SEASONS_OF_YEAR} - {w.period}
            clauses = [c for c in clauses if not others & set(c.split())] or clauses
        clause = pick(rng, clauses)
        ally = ""
        if "partner_full" in f and "person2" in f:
            partner = f["partner_first"] if w.tone == "kids" else f["partner_full"]
            ally = f" with the help of {partner}"
        elif "family" in f:
            ally = f" with the rest of the {f['family']} family"
        elif (w.tone != "kids" and rng.random() < 0.25 and "help" not in clause
              and " with " not in clause):
            ally = f" with the help of {pick(rng, vocab.ALLIES)}"
        if opener:
            if rng.random() < 0.5:
                out = (f"{opener}, {subject} {clause}{ally}. {_cap(_a(pace_adj))}, "
                       f"{moods_text} {noun}.")
            else:
                out = (f"{opener}, {subject} {clause}{ally}, in this {pace_adj}, "
                       f"{moods_text} {noun}.")
        else:
            form = int(rng.integers(4))
            if form == 0:
                out = (f"{_cap(_a(pace_adj))}, {moods_text} {noun} about {about} who "
                       f"{clause}{ally}. Set {at}.")
            elif form == 1:
                out = (f"{_cap(at)}, {subject} {clause}{ally}. {_cap(_a(moods_text))}, "
                       f"{pace_adj} {noun}.")
            elif form == 2:
                event = pick(rng, _words(vocab.STORY_EVENTS, w.tone))
                out = (f"When {event}, {subject} {clause}{ally}. "
                       f"{_cap(_a(pace_adj))}, {moods_text} {noun} set {at}.")
            else:
                out = (f"{_cap(subject)} {clause}{ally} in this {pace_adj}, {moods_text} "
                       f"{noun} set {at}.")
    extras = []
    if rng.random() < 0.45 or len(out) < 90:
        extras.append(pick(rng, _words(vocab.COMPLICATIONS, w.tone)))
    if len(themes) > 1 and rng.random() < 0.35:
        extras.append(f"A story of {theme.noun} and {_THEME[themes[1]].noun}.")
    if kind == "series" and seasons > 1 and rng.random() < 0.5:
        extras.append(f"{seasons} seasons.")
    for extra in extras:
        if len(out) + 1 + len(extra) <= 400:
            out += " " + extra
    return out


def _doc_topic(rng, w: TitleWords) -> str:
    """What a documentary is about, agreeing with whatever its name names."""
    f = w.facts
    if "topic" in f:
        return f["topic"]
    if "partner_full" in f:
        return f"the friendship of {f['hero_full']} and {f['partner_full']}"
    if "hero_full" in f:
        return f"{f['hero_full']}, {pick(rng, vocab.DOC_SUBJECTS)}"
    if "relative" in f:
        return f"the {f['relative']} of {_a(f['occupation'])}"
    if "occupation" in f:
        return f"the working life of {_a(f['occupation'])}"
    if "someone" in f:
        return f"{_a(f['someone'])} from {f['city']}"
    return pick(rng, vocab.DOC_TOPICS).format(place=w.where, at_place=f"{w.prep} {w.where}")


def _time(rng, w: TitleWords, genre: str, year: int) -> tuple[str, str]:
    """An opener and a tail naming the story's time ("In Seville in 1979", "in 1979"), both
    "" when there is none: the time a name names, or a decade for some period genres."""
    at = f"{w.prep} {w.where}"
    if w.era is not None:
        if w.period:
            return f"In the {w.period} of {w.era}, {at}", f"in the {w.period} of {w.era}"
        return f"{_cap(at)} in {w.era}", f"in {w.era}"
    if w.period in ("winter", "summer", "spring", "autumn") and "We Met" in w.template:
        return f"One {w.period} {at}", f"one {w.period}"
    if w.period:
        return f"Over one {w.period} {at}", f"over one {w.period}"
    if genre in ("history", "war", "western") and rng.random() < 0.6:
        first = 1860 if genre == "western" else 1900
        last = 1890 if genre == "western" else (year - 10) // 10 * 10
        if last >= first:
            decade = int(rng.integers(first // 10, last // 10 + 1)) * 10
            w.facts["decade"] = str(decade)
            return f"{_cap(at)} in the {decade}s", f"in the {decade}s"
    return "", ""


# --- episodes -----------------------------------------------------------------------------


class _Deck:
    """Draws without replacement, reshuffling when empty (avoiding what `recent` holds)."""

    def __init__(self, rng: np.random.Generator, items: tuple[str, ...]) -> None:
        self.rng, self.items, self.left = rng, items, []

    def draw(self, recent: set[str] | frozenset[str] = frozenset()) -> str:
        if not self.left:
            order = self.rng.permutation(len(self.items)).tolist()
            self.left = [self.items[i] for i in order if self.items[i] not in recent] \
                or [self.items[i] for i in order]
        return self.left.pop()


class EpisodeWriter:
    """One series' episodes: names and synopses that do not repeat within it."""

    def __init__(self, text: CatalogText, words: TitleWords) -> None:
        rng = self.rng = text.rng
        self.w, self.people = words, text.people
        lang, country = self.lang, self.country = words.lang, words.country
        self.named = rng.random() < 0.7
        tone_ = words.tone
        names = vocab.EPISODE_NAMES + (vocab.EPISODE_NAMES_DARK if tone_ == "dark" else ())
        self.names = _Deck(rng, names)
        self.events = _Deck(rng, _words(vocab.EP_EVENTS, tone_))
        self.returns = _Deck(rng, _words(vocab.EP_RETURNS, tone_))
        self.finales = _Deck(rng, _words(vocab.EP_FINALES, tone_))
        self.spots = _words(vocab.EP_SPOTS, tone_)
        self.things = _words(vocab.EP_THINGS, tone_)
        hero = words.hero
        cast = [hero]
        if words.partner and words.partner != hero:
            cast.append(words.partner)
        for _attempt in range(12):
            if len(cast) == 3:
                break
            first = self.people.character(rng, lang, country, set(cast))[0]
            if first not in cast:
                cast.append(first)
        cast += [pick(rng, vocab.KIDS_NAMES) for _ in range(3 - len(cast))]  # tiny pools
        self.cast = cast
        self.seen: set[str] = set()

    def season(self, season: int, n: int) -> list[EpisodeText]:
        """The episodes of one season, in order."""
        rng = self.rng
        turns = _Deck(rng, _words(vocab.EP_TURNS, self.w.tone))
        docs = _Deck(rng, vocab.DOC_EPISODES)
        out, used_events = [], set()
        for number in range(1, n + 1):
            for _attempt in range(8):
                if self.w.tone == "doc":
                    synopsis = self._doc(docs)
                elif number == 1 and season == 1:
                    synopsis = self._fill(pick(rng, _words(vocab.EP_PREMIERES, self.w.tone)))
                elif number == 1:
                    synopsis = self._fill(self.returns.draw())
                elif number == n:
                    synopsis = self._fill(self.finales.draw())
                else:
                    event = self.events.draw(used_events)
                    used_events.add(event)
                    synopsis = self._fill(event + turns.draw())
                if synopsis not in self.seen:
                    break
            self.seen.add(synopsis)
            if not self.named:
                name = f"Chapter {number}"
            elif season == 1 and number == 1 and rng.random() < 0.3:
                name = "Pilot"
            else:
                name = self.names.draw()
            out.append(EpisodeText(name, synopsis))
        return out

    def _fill(self, pattern: str) -> str:
        a, b, c = self.cast[0], self.cast[1], self.cast[2]
        return pattern.format(A=a, B=b, C=c, spot=pick(self.rng, self.spots),
                              thing=pick(self.rng, self.things), place=self.w.where,
                              at_place=f"{self.w.prep} {self.w.where}")

    def _doc(self, forms: _Deck) -> str:
        rng = self.rng
        person = self.people.character(rng, self.lang, self.country)[2]
        return forms.draw().format(person=person, role=pick(rng, vocab.DOC_ROLES),
                                   spot=pick(rng, vocab.DOC_SPOTS),
                                   time=pick(rng, vocab.DOC_TIMES))
