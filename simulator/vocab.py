"""The catalog's fixed vocabularies: genres, moods, themes, paces, languages, countries,
maturity ages, artwork motifs, and the word lists that titles and synopses are made from.

Slugs are unique across genres, moods and themes, so a slug alone names a tag (and a feature).
Changing these lists changes the feature space (see simulator.features.FEATURE_NAMES) and every
seeded catalog, so add to the end rather than reorder.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Genre:
    slug: str
    name: str
    word: str  # the word every synopsis of this primary genre contains
    film_noun: str  # "... a slow-burning horror film about ..."
    series_noun: str
    adjective: str  # used when this genre is a secondary one: "a romantic drama"
    weight: float  # how often it is a title's primary genre
    kids: bool = False  # family-friendly by default (maturity skews 0/7)


@dataclass(frozen=True)
class Mood:
    slug: str
    name: str
    adjective: str


@dataclass(frozen=True)
class Theme:
    slug: str
    name: str
    noun: str  # "a meditation on {noun}"
    clauses: tuple[str, ...]  # verb phrases that follow "who"


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    weight: float
    countries: tuple[tuple[str, float], ...]
    name_locales: tuple[str, ...]  # Faker locales for people's names ("" = the lists below)


GENRES: tuple[Genre, ...] = (
    Genre("action", "Action", "action", "action film", "action series", "action-packed", 9),
    Genre("adventure", "Adventure", "adventure", "adventure", "adventure series",
          "adventurous", 5),
    Genre("animation", "Animation", "animated", "animated film", "animated series",
          "animated", 5, kids=True),
    Genre("comedy", "Comedy", "comedy", "comedy", "comedy series", "comic", 12),
    Genre("crime", "Crime", "crime", "crime drama", "crime series", "crime", 8),
    Genre("documentary", "Documentary", "documentary", "documentary", "documentary series",
          "documentary-style", 6),
    Genre("drama", "Drama", "drama", "drama", "drama series", "dramatic", 14),
    Genre("family", "Family", "family", "family film", "family series", "family", 4, kids=True),
    Genre("fantasy", "Fantasy", "fantasy", "fantasy", "fantasy series", "fantastical", 4),
    Genre("history", "History", "historical", "historical drama", "historical series",
          "period", 3),
    Genre("horror", "Horror", "horror", "horror film", "horror series", "horror-tinged", 6),
    Genre("kids", "Kids", "kids", "kids' film", "kids' series", "kid-friendly", 4, kids=True),
    Genre("musical", "Musical", "musical", "musical", "musical series", "musical", 1.5),
    Genre("mystery", "Mystery", "mystery", "mystery", "mystery series", "mysterious", 4),
    Genre("romance", "Romance", "romance", "romance", "romance series", "romantic", 6),
    Genre("sci-fi", "Sci-Fi", "sci-fi", "sci-fi film", "sci-fi series", "sci-fi", 5),
    Genre("sport", "Sport", "sports", "sports drama", "sports series", "sporting", 2),
    Genre("thriller", "Thriller", "thriller", "thriller", "thriller series", "suspense", 8),
    Genre("war", "War", "war", "war film", "war series", "wartime", 2),
    Genre("western", "Western", "western", "western", "western series", "frontier", 1.5),
)

GENRE_BY_SLUG: dict[str, Genre] = {g.slug: g for g in GENRES}

MOODS: tuple[Mood, ...] = (
    Mood("dark", "Dark", "dark"),
    Mood("feel-good", "Feel-good", "feel-good"),
    Mood("tense", "Tense", "tense"),
    Mood("witty", "Witty", "witty"),
    Mood("heartwarming", "Heartwarming", "heartwarming"),
    Mood("emotional", "Emotional", "emotional"),
    Mood("quirky", "Quirky", "quirky"),
    Mood("gritty", "Gritty", "gritty"),
    Mood("inspiring", "Inspiring", "inspiring"),
    Mood("whimsical", "Whimsical", "whimsical"),
    Mood("chilling", "Chilling", "chilling"),
    Mood("cerebral", "Cerebral", "cerebral"),
)

THEMES: tuple[Theme, ...] = (
    Theme("revenge", "Revenge", "revenge", (
        "returns home to settle an old score",
        "spends years planning the perfect revenge",
        "sets out to make the people who ruined everything pay")),
    Theme("friendship", "Friendship", "friendship", (
        "forms an unlikely friendship with a stranger who needs help",
        "tries to hold a group of old friends together",
        "finds a friend in the last place anyone would look")),
    Theme("family-ties", "Family Ties", "family", (
        "must bring a scattered family back together",
        "inherits a house, a debt and three estranged siblings",
        "discovers a family secret that changes everything")),
    Theme("coming-of-age", "Coming of Age", "growing up", (
        "spends one unforgettable summer growing up fast",
        "leaves home for the first time and learns who to become",
        "navigates a last year of school and a first heartbreak")),
    Theme("survival", "Survival", "survival", (
        "must survive a winter alone in the wilderness",
        "is stranded far from help with supplies running out",
        "fights to keep a small group alive when everything falls apart")),
    Theme("first-love", "First Love", "love", (
        "falls for the one person who is off limits",
        "meets the love of a lifetime at the worst possible moment",
        "writes letters to a stranger and slowly falls in love")),
    Theme("betrayal", "Betrayal", "betrayal", (
        "is betrayed by a partner and left with nothing",
        "uncovers a betrayal at the heart of a trusted institution",
        "learns that a best friend has been lying for years")),
    Theme("redemption", "Redemption", "redemption", (
        "gets one last chance to make things right",
        "tries to earn forgiveness after a terrible mistake",
        "returns from prison determined to start over")),
    Theme("power", "Power", "power", (
        "claws a way to the top of a ruthless empire",
        "is drawn into a deadly struggle for control of the city",
        "discovers what absolute power does to the people who hold it")),
    Theme("identity", "Identity", "identity", (
        "wakes up with no memory and a stranger's name",
        "lives a double life that is about to collide",
        "searches for the truth about a hidden past")),
    Theme("justice", "Justice", "justice", (
        "takes on a corrupt system nobody else will challenge",
        "reopens a case everyone else wants to forget",
        "defends an outsider accused of a crime that shook the town")),
    Theme("grief", "Grief", "loss", (
        "learns to live again after a devastating loss",
        "takes an unexpected journey after a funeral",
        "keeps a promise made to someone who is gone")),
    Theme("ambition", "Ambition", "ambition", (
        "will risk everything for one shot at greatness",
        "chases an impossible dream against all advice",
        "builds an empire from nothing and pays the price")),
    Theme("escape", "Escape", "freedom", (
        "plans a daring escape from an impossible place",
        "runs from a past that refuses to stay buried",
        "crosses a border in search of a different life")),
    Theme("secrets", "Secrets", "secrets", (
        "guards a secret that could destroy a whole community",
        "finds a hidden room and the truth it was built to keep",
        "uncovers what really happened on the night of the fire")),
    Theme("rivalry", "Rivalry", "rivalry", (
        "is locked in a bitter rivalry with a former partner",
        "competes against an old rival for the same prize",
        "must team up with a lifelong enemy")),
)

PACES: dict[str, tuple[str, ...]] = {
    "slow": ("slow-burning", "unhurried", "patient", "contemplative"),
    "medium": ("steady", "absorbing", "well-paced", "engrossing"),
    "fast": ("fast-paced", "propulsive", "breakneck", "high-octane"),
}
PACE_WEIGHTS: dict[str, float] = {"slow": 0.25, "medium": 0.45, "fast": 0.30}

MATURITY_AGES: tuple[int, ...] = (0, 7, 13, 16, 18)

# Probabilities over MATURITY_AGES by primary genre (others use DEFAULT_MATURITY).
DEFAULT_MATURITY = (0.04, 0.12, 0.42, 0.28, 0.14)
MATURITY_BY_GENRE: dict[str, tuple[float, ...]] = {
    "animation": (0.40, 0.42, 0.14, 0.03, 0.01),
    "kids": (0.62, 0.36, 0.02, 0.0, 0.0),
    "family": (0.45, 0.47, 0.08, 0.0, 0.0),
    "documentary": (0.22, 0.30, 0.36, 0.10, 0.02),
    "musical": (0.20, 0.35, 0.35, 0.08, 0.02),
    "comedy": (0.08, 0.27, 0.43, 0.17, 0.05),
    "adventure": (0.10, 0.34, 0.42, 0.12, 0.02),
    "fantasy": (0.04, 0.20, 0.46, 0.22, 0.08),
    "sport": (0.08, 0.22, 0.50, 0.17, 0.03),
    "romance": (0.02, 0.08, 0.50, 0.30, 0.10),
    "horror": (0.0, 0.0, 0.10, 0.40, 0.50),
    "crime": (0.0, 0.01, 0.16, 0.45, 0.38),
    "thriller": (0.0, 0.01, 0.25, 0.46, 0.28),
    "war": (0.0, 0.02, 0.20, 0.43, 0.35),
}

# Which genres go with which as secondary genres.
GENRE_AFFINITY: dict[str, tuple[str, ...]] = {
    "action": ("adventure", "thriller", "sci-fi", "crime", "comedy", "war", "fantasy"),
    "adventure": ("action", "fantasy", "family", "comedy", "sci-fi", "history"),
    "animation": ("kids", "family", "comedy", "adventure", "fantasy", "musical"),
    "comedy": ("romance", "drama", "family", "crime", "action", "musical", "sport"),
    "crime": ("thriller", "drama", "mystery", "action", "comedy"),
    "documentary": ("history", "sport", "crime", "musical", "war"),
    "drama": ("romance", "history", "crime", "family", "sport", "war", "mystery"),
    "family": ("comedy", "adventure", "animation", "fantasy", "kids", "drama"),
    "fantasy": ("adventure", "action", "family", "romance", "horror", "animation"),
    "history": ("drama", "war", "romance", "documentary", "adventure"),
    "horror": ("thriller", "mystery", "comedy", "sci-fi", "fantasy"),
    "kids": ("animation", "family", "comedy", "adventure", "fantasy", "musical"),
    "musical": ("romance", "comedy", "drama", "family"),
    "mystery": ("thriller", "crime", "drama", "horror", "comedy"),
    "romance": ("drama", "comedy", "musical", "history", "fantasy"),
    "sci-fi": ("action", "thriller", "adventure", "horror", "mystery", "drama"),
    "sport": ("drama", "comedy", "documentary", "family"),
    "thriller": ("crime", "mystery", "action", "drama", "horror", "sci-fi"),
    "war": ("drama", "history", "action", "adventure"),
    "western": ("action", "drama", "adventure", "history", "comedy"),
}

# Moods and themes that suit a genre; drawn three times as often as the others.
GENRE_MOODS: dict[str, tuple[str, ...]] = {
    "action": ("tense", "gritty", "inspiring", "witty"),
    "adventure": ("feel-good", "inspiring", "whimsical", "tense"),
    "animation": ("feel-good", "whimsical", "heartwarming", "quirky", "witty"),
    "comedy": ("witty", "feel-good", "quirky", "heartwarming"),
    "crime": ("dark", "gritty", "tense", "cerebral"),
    "documentary": ("inspiring", "cerebral", "emotional", "dark"),
    "drama": ("emotional", "dark", "heartwarming", "cerebral", "inspiring"),
    "family": ("feel-good", "heartwarming", "whimsical", "witty"),
    "fantasy": ("whimsical", "dark", "inspiring", "emotional"),
    "history": ("emotional", "inspiring", "gritty", "cerebral"),
    "horror": ("chilling", "dark", "tense", "gritty"),
    "kids": ("feel-good", "whimsical", "quirky", "heartwarming"),
    "musical": ("feel-good", "emotional", "heartwarming", "inspiring"),
    "mystery": ("tense", "cerebral", "dark", "chilling"),
    "romance": ("emotional", "heartwarming", "feel-good", "witty"),
    "sci-fi": ("cerebral", "tense", "dark", "inspiring"),
    "sport": ("inspiring", "feel-good", "emotional", "gritty"),
    "thriller": ("tense", "dark", "chilling", "cerebral"),
    "war": ("gritty", "emotional", "dark", "tense"),
    "western": ("gritty", "dark", "tense", "quirky"),
}
GENRE_THEMES: dict[str, tuple[str, ...]] = {
    "action": ("revenge", "justice", "survival", "escape", "rivalry"),
    "adventure": ("friendship", "survival", "escape", "coming-of-age"),
    "animation": ("friendship", "family-ties", "coming-of-age", "identity"),
    "comedy": ("friendship", "family-ties", "first-love", "rivalry", "ambition"),
    "crime": ("justice", "betrayal", "power", "revenge", "secrets"),
    "documentary": ("justice", "survival", "ambition", "power", "identity"),
    "drama": ("family-ties", "grief", "redemption", "identity", "first-love"),
    "family": ("family-ties", "friendship", "coming-of-age"),
    "fantasy": ("power", "identity", "friendship", "escape"),
    "history": ("power", "justice", "ambition", "survival"),
    "horror": ("survival", "secrets", "grief", "revenge"),
    "kids": ("friendship", "family-ties", "coming-of-age"),
    "musical": ("ambition", "first-love", "friendship"),
    "mystery": ("secrets", "identity", "betrayal", "justice"),
    "romance": ("first-love", "grief", "identity", "escape"),
    "sci-fi": ("survival", "identity", "power", "escape"),
    "sport": ("ambition", "rivalry", "redemption", "friendship"),
    "thriller": ("betrayal", "secrets", "revenge", "escape", "identity"),
    "war": ("survival", "friendship", "grief", "betrayal"),
    "western": ("revenge", "justice", "redemption", "survival"),
}
KIDS_UNSUITABLE_MOODS = frozenset({"dark", "gritty", "chilling", "tense"})
# Moods that do not go together on one title.
MOOD_CONFLICTS: dict[str, frozenset[str]] = {
    "dark": frozenset({"feel-good", "whimsical", "heartwarming", "quirky"}),
    "gritty": frozenset({"feel-good", "whimsical", "heartwarming"}),
    "chilling": frozenset({"feel-good", "whimsical", "heartwarming", "witty", "quirky"}),
    "feel-good": frozenset({"dark", "gritty", "chilling", "tense"}),
    "whimsical": frozenset({"dark", "gritty", "chilling"}),
    "heartwarming": frozenset({"dark", "gritty", "chilling"}),
    "witty": frozenset({"chilling"}),
    "quirky": frozenset({"dark", "chilling"}),
    "tense": frozenset({"feel-good"}),
}

LANGUAGES: tuple[Language, ...] = (
    Language("en", "English", 0.56,
             (("US", 0.62), ("GB", 0.22), ("CA", 0.06), ("AU", 0.06), ("IE", 0.04)),
             ("en_US", "en_GB", "en_CA", "en_AU", "en_IE")),
    Language("es", "Spanish", 0.08, (("ES", 0.45), ("MX", 0.35), ("AR", 0.12), ("CO", 0.08)),
             ("es_ES", "es_MX", "es_AR", "es_CO")),
    Language("fr", "French", 0.06, (("FR", 0.85), ("BE", 0.1), ("CA", 0.05)), ("fr_FR",)),
    Language("ko", "Korean", 0.05, (("KR", 1.0),), ("",)),
    Language("ja", "Japanese", 0.05, (("JP", 1.0),), ("ja_JP",)),
    Language("de", "German", 0.04, (("DE", 0.85), ("AT", 0.15)), ("de_DE", "de_AT")),
    Language("hi", "Hindi", 0.04, (("IN", 1.0),), ("en_IN",)),
    Language("it", "Italian", 0.03, (("IT", 1.0),), ("it_IT",)),
    Language("pt", "Portuguese", 0.03, (("BR", 0.75), ("PT", 0.25)), ("pt_BR", "pt_PT")),
    Language("sv", "Swedish", 0.02, (("SE", 1.0),), ("sv_SE",)),
    Language("da", "Danish", 0.01, (("DK", 1.0),), ("da_DK",)),
    Language("no", "Norwegian", 0.01, (("NO", 1.0),), ("no_NO",)),
    Language("tr", "Turkish", 0.01, (("TR", 1.0),), ("tr_TR",)),
    Language("pl", "Polish", 0.005, (("PL", 1.0),), ("pl_PL",)),
    Language("zh", "Mandarin", 0.005, (("CN", 0.6), ("TW", 0.4)), ("zh_CN",)),
)

# Each language's share of titles, normalised to sum to 1 (for rng.choice's p). math.fsum is
# the correctly rounded sum, the same float numpy's array sum gives for these weights.
_LANGUAGE_WEIGHT_SUM = math.fsum(lang.weight for lang in LANGUAGES)
LANGUAGE_WEIGHTS: tuple[float, ...] = tuple(lang.weight / _LANGUAGE_WEIGHT_SUM
                                            for lang in LANGUAGES)

# Country code -> (name, places a story can be set in).
COUNTRIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "US": ("the United States", ("New York", "Chicago", "New Orleans", "rural Montana",
                                 "Los Angeles", "a small Texas town", "coastal Maine")),
    "GB": ("the United Kingdom", ("London", "Glasgow", "a Yorkshire village", "Manchester",
                                  "a town on the Welsh coast")),
    "CA": ("Canada", ("Montreal", "Vancouver", "the Yukon", "Toronto")),
    "AU": ("Australia", ("Sydney", "the Outback", "Melbourne", "a Queensland beach town")),
    "IE": ("Ireland", ("Dublin", "Galway", "a village in Kerry")),
    "ES": ("Spain", ("Madrid", "Barcelona", "Seville", "a Galician fishing town")),
    "MX": ("Mexico", ("Mexico City", "Oaxaca", "Guadalajara", "the Baja desert")),
    "AR": ("Argentina", ("Buenos Aires", "Patagonia", "Córdoba")),
    "CO": ("Colombia", ("Bogotá", "Medellín", "Cartagena")),
    "FR": ("France", ("Paris", "Marseille", "a village in Provence", "Lyon", "Brittany")),
    "BE": ("Belgium", ("Brussels", "Antwerp", "Ghent")),
    "KR": ("South Korea", ("Seoul", "Busan", "Jeju Island", "a mountain village")),
    "JP": ("Japan", ("Tokyo", "Osaka", "Kyoto", "a Hokkaido fishing town")),
    "DE": ("Germany", ("Berlin", "Hamburg", "Munich", "the Black Forest")),
    "AT": ("Austria", ("Vienna", "the Tyrolean Alps", "Salzburg")),
    "IN": ("India", ("Mumbai", "Delhi", "Kolkata", "a village in Rajasthan", "Goa")),
    "IT": ("Italy", ("Rome", "Naples", "Sicily", "Milan", "a Tuscan village")),
    "BR": ("Brazil", ("Rio de Janeiro", "São Paulo", "Salvador", "the Amazon")),
    "PT": ("Portugal", ("Lisbon", "Porto", "the Algarve")),
    "SE": ("Sweden", ("Stockholm", "Gothenburg", "the far north of Sweden")),
    "DK": ("Denmark", ("Copenhagen", "Aarhus", "a town on the Jutland coast")),
    "NO": ("Norway", ("Oslo", "Bergen", "a fjord village", "the Lofoten Islands")),
    "TR": ("Turkey", ("Istanbul", "Ankara", "Cappadocia")),
    "PL": ("Poland", ("Warsaw", "Kraków", "Gdańsk")),
    "CN": ("China", ("Shanghai", "Beijing", "Chongqing")),
    "TW": ("Taiwan", ("Taipei", "Kaohsiung", "Tainan")),
}

# Romanized Korean names (Faker's ko_KR only writes Hangul).
KOREAN_SURNAMES = ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim",
                   "Han", "Oh", "Seo", "Shin", "Kwon", "Hwang", "Ahn", "Song", "Yoo", "Hong",
                   "Jeon", "Ko", "Moon", "Bae", "Baek")
KOREAN_GIVEN = ("Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Do-yoon", "Soo-ah", "Joon-young",
                "Ji-woo", "Hyun-woo", "Ye-jin", "Tae-yang", "Min-seo", "Sung-min", "Da-eun",
                "Jae-hyun", "Eun-ji", "Woo-jin", "Chae-won", "Dong-hyun", "Yu-na", "Seung-ho",
                "Hye-jin", "Kyung-soo", "So-hee", "Jin-young", "Na-rae", "Sang-woo", "Bo-ra")

# Artwork motifs (drawn by webapp.artwork) and the motifs that suit each tag.
MOTIFS: tuple[str, ...] = ("sun", "mountains", "skyline", "waves", "stars", "rays", "grid",
                           "shapes", "spiral", "rings", "forest", "moon")
TAG_MOTIFS: dict[str, tuple[str, ...]] = {
    "action": ("rays", "skyline", "shapes"), "adventure": ("mountains", "sun", "forest"),
    "animation": ("shapes", "stars", "sun"), "comedy": ("sun", "shapes", "rays"),
    "crime": ("skyline", "grid", "rays"), "documentary": ("mountains", "waves", "rings"),
    "drama": ("sun", "waves", "rings"), "family": ("sun", "shapes", "forest"),
    "fantasy": ("moon", "forest", "spiral"), "history": ("mountains", "rays", "rings"),
    "horror": ("moon", "forest", "spiral"), "kids": ("shapes", "stars", "sun"),
    "musical": ("rings", "rays", "stars"), "mystery": ("spiral", "moon", "grid"),
    "romance": ("sun", "rings", "waves"), "sci-fi": ("grid", "stars", "rings"),
    "sport": ("rays", "grid", "shapes"), "thriller": ("grid", "skyline", "spiral"),
    "war": ("rays", "mountains", "skyline"), "western": ("sun", "mountains", "rays"),
    "dark": ("moon", "forest"), "feel-good": ("sun", "shapes"), "tense": ("grid", "rays"),
    "witty": ("shapes", "rings"), "heartwarming": ("sun", "waves"),
    "emotional": ("waves", "rings"), "quirky": ("shapes", "spiral"),
    "gritty": ("skyline", "grid"), "inspiring": ("rays", "mountains"),
    "whimsical": ("stars", "spiral"), "chilling": ("moon", "forest"),
    "cerebral": ("spiral", "grid"), "revenge": ("rays", "moon"),
    "friendship": ("sun", "rings"), "family-ties": ("sun", "forest"),
    "coming-of-age": ("sun", "waves"), "survival": ("mountains", "forest"),
    "first-love": ("rings", "sun"), "betrayal": ("spiral", "skyline"),
    "redemption": ("rays", "sun"), "power": ("skyline", "rays"),
    "identity": ("spiral", "rings"), "justice": ("grid", "skyline"),
    "grief": ("waves", "moon"), "ambition": ("skyline", "mountains"),
    "escape": ("waves", "stars"), "secrets": ("moon", "spiral"),
    "rivalry": ("shapes", "rays"),
}

# --- words for titles ---------------------------------------------------------------------

TITLE_ADJECTIVES = (
    "Last", "Silent", "Broken", "Hidden", "Golden", "Crimson", "Lost", "Burning", "Hollow",
    "Wild", "Quiet", "Distant", "Bitter", "Fading", "Iron", "Velvet", "Electric", "Forgotten",
    "Endless", "Northern", "Secret", "Sleeping", "Restless", "Shattered", "Savage", "Little",
    "Long", "Final", "Second", "Midnight", "Paper", "Glass", "Silver", "Winter", "Summer",
    "Black", "Blue", "Scarlet", "Radiant", "Falling", "Rising", "Stolen", "Sacred", "Pale",
    "Dangerous", "Gentle", "Tender", "Lonely", "Open", "Deep", "High", "Unseen", "Borrowed",
    "Infinite", "Wandering", "Crooked", "Hungry", "Frozen", "Bright", "Perfect",
)
TITLE_NOUNS = (
    "Harbor", "Protocol", "Kingdom", "Horizon", "Signal", "River", "Orchard", "Empire",
    "Garden", "Frontier", "Lighthouse", "Station", "Shadow", "Tide", "Crown", "Letter",
    "Promise", "Summer", "Winter", "Hour", "Storm", "Island", "Mirror", "Circle", "Door",
    "Valley", "Road", "House", "Ember", "Echo", "Orbit", "Machine", "Witness", "Heir",
    "Season", "Dream", "Game", "Engine", "Voyage", "Silence", "Fire", "Rain", "Snow", "Sky",
    "Line", "Border", "Room", "Hotel", "Bridge", "Tower", "Code", "Compass", "Lantern",
    "Anthem", "Ballad", "Ghost", "Secret", "Trial", "Verdict", "Canyon", "Carnival", "Choir",
    "Party", "Hunt", "Exile", "Reckoning", "Requiem", "Wedding", "Inheritance", "Heist",
)
TITLE_ABSTRACTS = (
    "Salt", "Ash", "Glass", "Bone", "Dust", "Smoke", "Honey", "Thunder", "Iron", "Silver",
    "Stars", "Wolves", "Ghosts", "Kings", "Thieves", "Strangers", "Saints", "Lions", "Shadows",
    "Roses", "Tomorrow", "Yesterday", "Memory", "Fortune", "Mercy", "Desire", "Gravity",
    "Light", "Fire", "Water", "Stone", "Sand", "Rain", "Snow", "Midnight", "Dreams",
)
TITLE_GERUNDS = ("Chasing", "Finding", "Saving", "Leaving", "Burning", "Crossing", "Keeping",
                 "Breaking", "Waking", "Raising", "Catching", "Becoming", "Running", "Losing")
PLACE_SUFFIXES = ("Lane", "Street", "Road", "Hill", "Creek", "Bay", "Point", "Falls", "Ridge",
                  "Hollow", "Park", "Court", "Avenue", "Crossing")
TITLE_NUMBERS = ("Seven", "Twelve", "Three", "Nine", "Forty", "Zero", "Hundred", "Eleven")

# Words that flavour a genre's titles (mixed in with the general lists).
GENRE_TITLE_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "horror": (("Hollow", "Rotten", "Cursed", "Bleeding", "Dead", "Wicked"),
               ("Marrow", "Crypt", "Whisper", "Coven", "Haunting", "Teeth", "Nightmare")),
    "sci-fi": (("Quantum", "Synthetic", "Orbital", "Binary", "Neon", "Stellar"),
               ("Protocol", "Orbit", "Signal", "Colony", "Singularity", "Android", "Nebula")),
    "romance": (("Sweet", "Tender", "Lovesick", "Moonlit", "Sunlit"),
                ("Heart", "Kiss", "Valentine", "Honeymoon", "Serenade", "Letters")),
    "comedy": (("Accidental", "Awkward", "Totally", "Lucky", "Terrible"),
               ("Mess", "Roommates", "Weekend", "Disaster", "Fiasco", "Neighbours")),
    "crime": (("Dirty", "Cold", "Corrupt", "Marked", "Loaded"),
              ("Heist", "Verdict", "Alibi", "Racket", "Syndicate", "Informant")),
    "thriller": (("Dead", "Zero", "Blind", "Fatal", "Final"),
                 ("Protocol", "Target", "Witness", "Deadline", "Countdown", "Cipher")),
    "kids": (("Tiny", "Magic", "Super", "Giggling", "Brave"),
             ("Dragon", "Treehouse", "Robot", "Puppy", "Rocket", "Unicorn", "Dinosaur")),
    "animation": (("Magic", "Tiny", "Wonderful", "Flying", "Brave"),
                  ("Dragon", "Robot", "Kingdom", "Fox", "Lantern", "Balloon")),
    "family": (("Big", "Wonderful", "Happy", "Little", "Magic"),
               ("Holiday", "Treehouse", "Christmas", "Adventure", "Puppy")),
    "fantasy": (("Enchanted", "Ancient", "Dragon", "Sorcerer's", "Elven"),
                ("Throne", "Realm", "Prophecy", "Sword", "Spell", "Crown")),
    "western": (("Dusty", "Lawless", "Outlaw", "Six-Gun", "Wild"),
                ("Ranch", "Sheriff", "Canyon", "Saloon", "Gold", "Frontier")),
    "war": (("Fallen", "Brave", "Forgotten", "Iron", "Burning"),
            ("Front", "Battalion", "Trenches", "Brothers", "Line", "Armistice")),
    "documentary": (("Real", "Untold", "Inside", "Hidden", "Wild"),
                    ("Story", "Truth", "Planet", "Ocean", "Legacy", "Journey")),
    "sport": (("Final", "Perfect", "Last", "Golden", "Underdog"),
              ("Season", "Match", "Round", "Goal", "Race", "Champions")),
    "musical": (("Golden", "Dancing", "Singing", "Electric", "Velvet"),
                ("Anthem", "Ballad", "Stage", "Melody", "Chorus", "Encore")),
}

# --- words for synopses -------------------------------------------------------------------

OCCUPATIONS = (
    "lighthouse keeper", "detective", "schoolteacher", "nurse", "chef", "journalist",
    "architect", "truck driver", "violinist", "surgeon", "mechanic", "lawyer", "pilot",
    "fisherman", "beekeeper", "librarian", "boxer", "park ranger", "magician", "accountant",
    "firefighter", "photographer", "hacker", "priest", "baker", "astronaut", "bus driver",
    "translator", "florist", "paramedic", "diplomat", "tailor", "taxi driver", "jazz singer",
    "marine biologist", "tattoo artist", "geologist", "bartender", "night-shift security guard",
    "piano teacher", "farmer", "stunt double", "wedding planner", "locksmith", "archaeologist",
    "police officer", "con artist", "art forger", "radio host", "football coach", "dancer",
    "ship's captain", "mountain guide", "film projectionist", "insurance investigator",
    "ghostwriter", "undertaker", "ex-soldier", "stand-up comedian", "sous-chef", "hotel maid",
    "street racer", "forensic analyst", "museum guard", "cartographer", "ballet dancer",
)
DESCRIPTORS = (
    "widowed", "retired", "young", "disgraced", "reluctant", "stubborn", "idealistic",
    "ageing", "newly divorced", "gifted", "burned-out", "small-time", "exiled", "shy",
    "ambitious", "grieving", "penniless", "world-weary", "headstrong", "unlucky", "brilliant",
    "lonely", "fearless", "out-of-work", "recently released", "soft-spoken", "restless",
)
KIDS_PROTAGONISTS = (
    "a curious ten-year-old", "a clumsy young dragon", "a brave little robot",
    "a shy bunny", "a group of best friends", "a lost puppy", "a young inventor",
    "a talking fox", "a pair of twin sisters",  # singular: every clause takes "sets off", etc.
    "a daydreaming schoolboy", "a tiny mouse with big plans", "a penguin who cannot swim",
    "an eleven-year-old detective", "a kind-hearted giant", "a family of badgers",
    "a runaway balloon",
)
KIDS_CLAUSES = (
    "sets off to find the way home", "learns that being different is a superpower",
    "must save the town's favourite festival", "makes friends with a creature nobody believes in",
    "builds a rocket out of junk to reach the moon", "discovers a secret door in the garden",
    "tries to win the big race against all odds", "helps a lost star get back to the sky",
)
DOC_TOPICS = (
    "the last glaciers of the Alps", "a forgotten jazz scene", "a family-run circus",
    "deep-sea exploration", "the rise and fall of a video-game studio", "a legendary chess rivalry",
    "the world's most dangerous roads", "street food at midnight", "an unsolved art theft",
    "a small-town football club", "the secret life of cities", "wolves returning to Europe",
    "a historic election", "the invention of the internet", "a record-breaking ocean rowing crew",
    "an isolated island community", "the perfume industry", "a wrongful conviction",
    "the first women in space", "a famous restaurant's final year", "migrating birds",
)
STORY_EVENTS = (
    "a storm cuts the town off", "an old letter surfaces", "a stranger arrives with a warning",
    "a body is found on the beach", "the factory closes for good", "a long-lost sibling returns",
    "a winning lottery ticket goes missing", "the power fails across the city",
    "a wedding goes terribly wrong", "an inheritance comes with conditions",
    "a child witnesses something impossible", "the last train leaves without them",
)
ALLIES = (
    "an unlikely ally", "a fast-talking teenager", "an estranged sibling", "a retired cop",
    "a mysterious neighbour", "an old flame", "a loyal dog", "a rival with nothing to lose",
)
EPISODE_WORDS = (
    "Pilot", "Homecoming", "The Arrival", "Night Shift", "Crossroads", "Old Wounds",
    "The Long Way Round", "Low Tide", "Smoke and Mirrors", "Ghosts", "The Visitor", "Blackout",
    "First Light", "Lines in the Sand", "Fault Lines", "The Offer", "No Way Back", "Reunion",
    "Dead Reckoning", "Open Water", "The Deal", "Loose Ends", "Aftermath", "Exposure",
    "The Storm", "Safe House", "Inheritance", "Stay", "Red Flags", "Hide and Seek",
    "Breaking Point", "The Other Side", "Undertow", "Wildfire", "Truth or Dare", "Home",
)
EPISODE_SYNOPSES = (
    "A stranger arrives with news that changes everything.",
    "Old loyalties are tested when a secret comes out.",
    "A risky plan goes wrong at the worst possible moment.",
    "An unexpected visitor forces a long-avoided conversation.",
    "The search leads somewhere no one expected.",
    "A choice made years ago comes back to haunt the family.",
    "Tempers flare as the deadline draws closer.",
    "A small lie grows out of control.",
    "An ally turns out to have an agenda of their own.",
    "Everything changes in a single night.",
    "A quiet day turns into a race against time.",
    "The truth finally comes out, at a price.",
)
