"""The words of a title: invented names and synopses, drawn from the vocabulary."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from simulator import vocab
from simulator.rng import pick

_MOOD = {m.slug: m for m in vocab.MOODS}
_THEME = {t.slug: t for t in vocab.THEMES}


def _a(phrase: str) -> str:
    return ("an " if phrase[0].lower() in "aeiou" else "a ") + phrase


class TitleNames:
    """Believable invented title names, mostly unique."""

    def __init__(self, surnames: Sequence[str], used: set[str]) -> None:
        self.surnames = surnames
        self.used = used

    def make(self, rng: np.random.Generator, genre: str, country: str) -> str:
        for _attempt in range(8):
            name = self._one(rng, genre, country)
            if name not in self.used:
                break
        self.used.add(name)
        return name

    def _one(self, rng: np.random.Generator, genre: str, country: str) -> str:
        adjs, nouns = vocab.TITLE_ADJECTIVES, vocab.TITLE_NOUNS
        flavour = vocab.GENRE_TITLE_WORDS.get(genre)
        kids = vocab.GENRE_BY_SLUG[genre].kids
        if flavour and rng.random() < (0.7 if kids else 0.35):
            adjs, nouns = flavour
        adj, noun = pick(rng, adjs), pick(rng, nouns)
        abstract = pick(rng, vocab.TITLE_ABSTRACTS)
        r = rng.random()
        if r < 0.22:
            return f"The {adj} {noun}"
        if r < 0.38:
            return f"{adj} {noun}"
        if r < 0.51:
            return f"{noun} of {abstract}"
        if r < 0.58:
            return f"The {noun}"
        if r < 0.67 and not kids:
            lead = pick(rng, ("Echoes of", "The House on", "Return to", "Murder at",
                               "Summer at", "Secrets of", "Letters from", "Nights on"))
            return f"{lead} {pick(rng, self.surnames)} {pick(rng, vocab.PLACE_SUFFIXES)}"
        if r < 0.75:
            gerund = pick(rng, vocab.TITLE_GERUNDS)
            return f"{gerund} the {noun}" if rng.random() < 0.6 else f"{gerund} {abstract}"
        if r < 0.80:
            other = pick(rng, vocab.TITLE_ABSTRACTS)
            return f"{abstract} & {other}" if other != abstract else abstract
        if r < 0.85:
            return noun if rng.random() < 0.5 else abstract
        if r < 0.90:
            places = [p for p in vocab.COUNTRIES[country][1] if p[0].isupper() and " " not in p]
            if places:
                return f"A {pick(rng, ('Winter', 'Summer', 'Night', 'Week', 'Year'))} in " \
                       f"{pick(rng, places)}"
            return f"The {noun}"
        if r < 0.95:
            plural = pick(rng, ("Wolves", "Ghosts", "Kings", "Thieves", "Strangers", "Saints",
                                 "Lions", "Shadows", "Roses", "Stars", "Days", "Doors"))
            return f"{pick(rng, vocab.TITLE_NUMBERS)} {plural}"
        return f"After the {noun}"


def synopsis(rng, kind: str, genres: list[str], moods: list[str], themes: list[str],
             pace: str, country: str, seasons: int) -> str:
    primary = vocab.GENRE_BY_SLUG[genres[0]]
    noun = primary.series_noun if kind == "series" else primary.film_noun
    if len(genres) > 1 and rng.random() < 0.6:
        noun = f"{vocab.GENRE_BY_SLUG[genres[1]].adjective} {noun}"
    pace_adj = pick(rng, vocab.PACES[pace])
    mood_adjs = [_MOOD[m].adjective for m in moods[:2]]
    moods_text = " and ".join(mood_adjs)
    country_name, places = vocab.COUNTRIES[country]
    place = pick(rng, places) if rng.random() < 0.75 else country_name
    theme = _THEME[themes[0]]

    if primary.slug == "documentary":
        topic = pick(rng, vocab.DOC_TOPICS)
        text_ = (f"{_a(pace_adj).capitalize()}, {moods_text} {noun} about {topic}, and a "
                 f"meditation on {theme.noun}. Filmed in {place}.")
    else:
        if primary.kids:
            hero = pick(rng, vocab.KIDS_PROTAGONISTS)
            clause = pick(rng, vocab.KIDS_CLAUSES)
        else:
            hero = _a(f"{pick(rng, vocab.DESCRIPTORS)} {pick(rng, vocab.OCCUPATIONS)}")
            clause = pick(rng, theme.clauses)
        ally = ""
        if rng.random() < 0.25 and "help" not in clause and " with " not in clause:
            ally = f" with the help of {pick(rng, vocab.ALLIES)}"
        form = int(rng.integers(4))
        if form == 0:
            text_ = (f"{_a(pace_adj).capitalize()}, {moods_text} {noun} about {hero} who "
                     f"{clause}{ally}. Set in {place}.")
        elif form == 1:
            text_ = (f"In {place}, {hero} {clause}{ally}. {_a(moods_text).capitalize()}, "
                     f"{pace_adj} {noun}.")
        elif form == 2:
            event = pick(rng, vocab.STORY_EVENTS)
            text_ = (f"When {event}, {hero} {clause}{ally}. {_a(pace_adj).capitalize()}, "
                     f"{moods_text} {noun} set in {place}.")
        else:
            text_ = (f"{hero[0].upper()}{hero[1:]} {clause}{ally} in this {pace_adj}, "
                     f"{moods_text} {noun} set in {place}.")
        if len(themes) > 1 and rng.random() < 0.5:
            text_ += f" A story of {theme.noun} and {_THEME[themes[1]].noun}."
    if kind == "series" and seasons > 1 and rng.random() < 0.5:
        text_ += f" {seasons} seasons."
    return text_
