"""The catalog's fixed vocabularies: genres, moods, themes, paces, languages, countries,
maturity ages, artwork motifs, and the word lists that titles and synopses are made from.

Slugs are unique across genres, moods and themes, so a slug alone names a tag (and a feature).
Changing these lists changes the feature space (see simulator.catalog.features.FEATURE_NAMES) and
every seeded catalog, so add to the end rather than reorder.
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
    Language("fr", "French", 0.06, (("FR", 0.85), ("BE", 0.1), ("CA", 0.05)),
             ("fr_FR", "fr_BE", "fr_CA")),
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
    Language("zh", "Mandarin", 0.005, (("CN", 0.6), ("TW", 0.4)), ("zh_CN", "zh_TW")),
)

# Each language's share of titles, normalised to sum to 1 (for rng.choice's p). math.fsum is
# the correctly rounded sum, the same float numpy's array sum gives for these weights.
_LANGUAGE_WEIGHT_SUM = math.fsum(lang.weight for lang in LANGUAGES)
LANGUAGE_WEIGHTS: tuple[float, ...] = tuple(lang.weight / _LANGUAGE_WEIGHT_SUM
                                            for lang in LANGUAGES)

# --- places ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Country:
    """Where a title can be set. `cities` are proper names a title may carry ("A Year in
    Lyon"); each belongs to one country only, so a named city always agrees with the title's
    country. `settings` are descriptive places that only synopses use."""

    name: str  # as it reads mid-sentence: "the United States"
    cities: tuple[str, ...]
    settings: tuple[str, ...]


PLACES: dict[str, Country] = {
    "US": Country("the United States",
                  ("New York", "Chicago", "New Orleans", "Los Angeles", "Baltimore", "Detroit",
                   "Seattle", "Boston", "Miami", "Memphis", "Pittsburgh", "San Francisco",
                   "Philadelphia", "Santa Fe", "Cleveland", "Nashville", "Albuquerque"),
                  ("rural Montana", "a small Texas town", "coastal Maine", "the Florida Keys",
                   "a Nevada desert motel", "the Mississippi Delta", "a Vermont ski town",
                   "Appalachian coal country", "the Alaskan wilderness", "an Iowa farm town")),
    "GB": Country("the United Kingdom",
                  ("London", "Glasgow", "Manchester", "Liverpool", "Edinburgh", "Belfast",
                   "Cardiff", "Bristol", "Newcastle", "Brighton", "Leeds", "Sheffield",
                   "Aberdeen", "Margate"),
                  ("a Yorkshire village", "a town on the Welsh coast", "the Scottish Highlands",
                   "a Cornish fishing village", "the Norfolk Broads", "an island in the Hebrides",
                   "a market town in the Cotswolds")),
    "CA": Country("Canada",
                  ("Montreal", "Vancouver", "Toronto", "Winnipeg", "Halifax", "Calgary",
                   "Quebec City", "Edmonton", "Ottawa"),
                  ("the Yukon", "a Newfoundland outport", "a Saskatchewan farm town",
                   "the Northwest Territories", "a lake town in northern Ontario")),
    "AU": Country("Australia",
                  ("Sydney", "Melbourne", "Brisbane", "Perth", "Adelaide", "Hobart",
                   "Darwin", "Cairns", "Fremantle"),
                  ("the Outback", "a Queensland beach town", "the Tasmanian wilderness",
                   "a Western Australian mining town", "a sheep station in the Riverina")),
    "IE": Country("Ireland",
                  ("Dublin", "Galway", "Cork", "Limerick", "Sligo", "Kilkenny", "Waterford"),
                  ("a village in Kerry", "the Aran Islands", "a Donegal farm",
                   "the Wicklow mountains")),
    "ES": Country("Spain",
                  ("Madrid", "Barcelona", "Seville", "Valencia", "Bilbao", "Málaga", "Granada",
                   "Salamanca", "Cádiz", "Zaragoza", "San Sebastián"),
                  ("a Galician fishing town", "a village in the Pyrenees", "the Canary Islands",
                   "an Andalusian olive farm", "the Basque coast")),
    "MX": Country("Mexico",
                  ("Mexico City", "Oaxaca", "Guadalajara", "Monterrey", "Puebla", "Mérida",
                   "Tijuana", "Veracruz", "Acapulco", "Guanajuato"),
                  ("the Baja desert", "a village in Chiapas", "the Yucatán jungle",
                   "a border town in Sonora")),
    "AR": Country("Argentina",
                  ("Buenos Aires", "Rosario", "Córdoba", "Salta", "Ushuaia", "Bariloche",
                   "Mar del Plata"),
                  ("Patagonia", "the Pampas", "a sheep farm in Tierra del Fuego",
                   "a wine estate in the Andes")),
    "CO": Country("Colombia",
                  ("Bogotá", "Medellín", "Cartagena", "Cali", "Barranquilla", "Santa Marta"),
                  ("the Colombian Andes", "a coffee farm in Caldas",
                   "a village on the Magdalena River")),
    "FR": Country("France",
                  ("Paris", "Marseille", "Lyon", "Bordeaux", "Toulouse", "Lille", "Strasbourg",
                   "Nantes", "Avignon", "Le Havre", "Montpellier"),
                  ("a village in Provence", "Brittany", "the French Alps",
                   "a Normandy farmhouse", "the Riviera", "a mining town in the north")),
    "BE": Country("Belgium",
                  ("Brussels", "Antwerp", "Ghent", "Bruges", "Liège", "Namur", "Ostend",
                   "Charleroi", "Leuven"),
                  ("the Ardennes", "a Flemish polder village", "a border town in Wallonia")),
    "KR": Country("South Korea",
                  ("Seoul", "Busan", "Incheon", "Daegu", "Gwangju", "Jeonju", "Gyeongju"),
                  ("Jeju Island", "a mountain village", "a fishing island off the south coast",
                   "a ski town in Gangwon")),
    "JP": Country("Japan",
                  ("Tokyo", "Osaka", "Kyoto", "Sapporo", "Nagasaki", "Fukuoka", "Yokohama",
                   "Kobe", "Nara", "Hiroshima", "Sendai", "Kanazawa"),
                  ("a Hokkaido fishing town", "rural Shikoku", "an Okinawan island",
                   "a hot-spring town in the mountains")),
    "DE": Country("Germany",
                  ("Berlin", "Hamburg", "Munich", "Cologne", "Leipzig", "Dresden", "Frankfurt",
                   "Bremen", "Düsseldorf", "Stuttgart", "Nuremberg"),
                  ("the Black Forest", "a Baltic seaside town", "a Bavarian village",
                   "the Ruhr")),
    "AT": Country("Austria",
                  ("Vienna", "Salzburg", "Graz", "Innsbruck", "Linz"),
                  ("the Tyrolean Alps", "a village in Styria", "the Wachau valley")),
    "IN": Country("India",
                  ("Mumbai", "Delhi", "Kolkata", "Chennai", "Bengaluru", "Jaipur", "Hyderabad",
                   "Varanasi", "Pune", "Lucknow", "Kochi", "Shimla"),
                  ("a village in Rajasthan", "Goa", "the Kerala backwaters",
                   "a hill station in the Himalayas", "the Sundarbans")),
    "IT": Country("Italy",
                  ("Rome", "Naples", "Milan", "Turin", "Florence", "Venice", "Bologna", "Genoa",
                   "Palermo", "Verona", "Trieste", "Bari"),
                  ("Sicily", "a Tuscan village", "the Amalfi Coast", "a Sardinian fishing village",
                   "the Dolomites")),
    "BR": Country("Brazil",
                  ("Rio de Janeiro", "São Paulo", "Salvador", "Recife", "Belo Horizonte",
                   "Manaus", "Porto Alegre", "Fortaleza", "Brasília"),
                  ("the Amazon", "the Pantanal", "a fishing village in Bahia", "the sertão")),
    "PT": Country("Portugal",
                  ("Lisbon", "Porto", "Coimbra", "Braga", "Faro", "Évora", "Funchal"),
                  ("the Algarve", "the Douro valley", "the Azores", "a village in the Alentejo")),
    "SE": Country("Sweden",
                  ("Stockholm", "Gothenburg", "Malmö", "Uppsala", "Kiruna", "Visby", "Umeå"),
                  ("the far north of Sweden", "an island in the archipelago",
                   "a lakeside town in Dalarna")),
    "DK": Country("Denmark",
                  ("Copenhagen", "Aarhus", "Odense", "Aalborg", "Esbjerg", "Skagen"),
                  ("a town on the Jutland coast", "the island of Bornholm")),
    "NO": Country("Norway",
                  ("Oslo", "Bergen", "Trondheim", "Tromsø", "Stavanger", "Ålesund"),
                  ("a fjord village", "the Lofoten Islands", "Svalbard")),
    "TR": Country("Turkey",
                  ("Istanbul", "Ankara", "Izmir", "Antalya", "Trabzon", "Bursa"),
                  ("Cappadocia", "a village on the Black Sea coast", "the Aegean coast")),
    "PL": Country("Poland",
                  ("Warsaw", "Kraków", "Gdańsk", "Wrocław", "Łódź", "Poznań", "Lublin"),
                  ("the Tatra mountains", "a Masurian lake village", "a Silesian mining town")),
    "CN": Country("China",
                  ("Shanghai", "Beijing", "Chongqing", "Guangzhou", "Chengdu", "Harbin",
                   "Hangzhou", "Shenzhen"),
                  ("a village in Yunnan", "the Gobi desert", "a river town on the Yangtze")),
    "TW": Country("Taiwan",
                  ("Taipei", "Kaohsiung", "Tainan", "Taichung", "Hualien"),
                  ("a tea farm in the mountains", "a fishing harbour on the east coast")),
}

# Country code -> (name, places a story can be set in): the older view of PLACES.
COUNTRIES: dict[str, tuple[str, tuple[str, ...]]] = {
    code: (c.name, c.cities + c.settings) for code, c in PLACES.items()}
# Every city a title may name, for keeping people's names and cities apart.
ALL_CITIES: frozenset[str] = frozenset(city for c in PLACES.values() for city in c.cities)

# Names are written surname first in these languages ("Kim Min-jun").
SURNAME_FIRST = frozenset({"ko", "zh"})

# Romanized Korean names (Faker's ko_KR only writes Hangul).
KOREAN_SURNAMES = ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim",
                   "Han", "Oh", "Seo", "Shin", "Kwon", "Hwang", "Ahn", "Song", "Yoo", "Hong",
                   "Jeon", "Ko", "Moon", "Bae", "Baek")
KOREAN_GIVEN = ("Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Do-yoon", "Soo-ah", "Joon-young",
                "Ji-woo", "Hyun-woo", "Ye-jin", "Tae-yang", "Min-seo", "Sung-min", "Da-eun",
                "Jae-hyun", "Eun-ji", "Woo-jin", "Chae-won", "Dong-hyun", "Yu-na", "Seung-ho",
                "Hye-jin", "Kyung-soo", "So-hee", "Jin-young", "Na-rae", "Sang-woo", "Bo-ra")

# Artwork motifs (drawn by webapp.artwork.compose) and the motifs that suit each tag.
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
# Everything from here on only words a catalogue: simulator.catalog.title_text draws it from its own
# random stream, so these lists may grow or change without moving any numeric draw.


@dataclass(frozen=True)
class TitleTemplate:
    """One way to name a title. Slots in braces are filled by simulator.catalog.title_text; a slot
    that names a place, a time or a person is also used by the synopsis, so the two agree."""

    pattern: str  # also the template's id
    genres: tuple[str, ...] = ()  # primary genres it suits (empty: any grown-up genre)
    kids: bool = False  # with no genres listed: kids' genres may use it too
    kind: str = ""  # "film" or "series" only; "" = either
    english: bool = False  # needs an English-speaking country (street and house names)
    weight: float = 1.0


_CRIME = ("crime", "thriller", "mystery")
_KIDS = ("kids", "animation", "family")
_T = TitleTemplate
TITLE_TEMPLATES: tuple[TitleTemplate, ...] = (
    # Any genre, kids' ones included.
    _T("The {adj} {noun}", kids=True, weight=0.65),
    _T("{adj} {noun}", kids=True, weight=0.6),
    _T("The {noun}", kids=True, weight=0.65),
    _T("A {adj} {noun}", kids=True, weight=0.5),
    _T("The {noun} and the {noun2}", kids=True, weight=0.6),
    _T("{gerund} the {noun}", kids=True, weight=0.65),
    _T("Beyond the {landmark}", kids=True, weight=0.6),
    _T("Across the {landmark}", kids=True, weight=0.5),
    _T("Under the {landmark}", kids=True, weight=0.5),
    _T("The Secret of the {landmark}", kids=True, weight=0.6),
    _T("{number} {plural}", kids=True, weight=0.6),
    _T("The {noun} Club", kids=True, weight=0.6),
    _T("{first} and the {noun}", kids=True, weight=0.55),
    _T("{first} and {first2}", kids=True, weight=0.6),
    _T("{gerund} {first}", kids=True, weight=0.6),
    _T("{first} in {city}", kids=True, weight=0.55),
    _T("A {period} in {city}", kids=True, weight=0.6),
    _T("The Road to {city}", kids=True, weight=0.6),
    _T("After the {noun}", kids=True, weight=0.6),
    _T("The Year of the {noun}", kids=True, weight=0.6),
    _T("The Day the {landmark} {kid_verb}", kids=True, weight=0.6),
    _T("The {adj} {plural}", kids=True, weight=0.6),
    _T("Tales from the {landmark}", kids=True, weight=0.6),
    _T("The {noun} at the End of the {landmark}", kids=True, weight=0.55),
    _T("Beneath the {adj} Sky", kids=True, weight=0.6),
    _T("The {noun} Next Door", kids=True, weight=0.6),
    _T("The {noun} Diaries", kids=True, weight=0.55),
    _T("The {landmark} Chronicles", kids=True, weight=0.6),
    _T("Welcome to {city}", kids=True, weight=0.6),
    _T("Here Comes {first}", kids=True, weight=0.6),
    # Any grown-up genre.
    _T("{noun} of {abstract}", weight=0.7),
    _T("Dear {first}", weight=0.7),
    _T("{first}", weight=0.6),
    _T("Someone Like {first}", weight=0.7),
    _T("What {first} Saw", weight=0.7),
    _T("{full} Is Missing", weight=0.6),
    _T("The Ballad of {full}", weight=0.7),
    _T("The Trials of {full}", weight=0.7),
    _T("The Final Days of {full}", weight=0.6),
    _T("The Many Lives of {full}", weight=0.6),
    _T("The {life_adj} Life of {full}", weight=0.65),
    _T("Waiting for {first}", weight=0.6),
    _T("After {first}", weight=0.6),
    _T("Call Me {first}", weight=0.6),
    _T("Without {first}", weight=0.6),
    _T("Nobody Knows {first}", weight=0.6),
    _T("{first} at {age}", weight=0.6),
    _T("The {occupation} of {city}", weight=0.65),
    _T("Somewhere in {city}", weight=0.6),
    _T("{city} Calling", weight=0.6),
    _T("Last {season} in {city}", weight=0.6),
    _T("The {adj} {season}", weight=0.6),
    _T("The {noun} Years", weight=0.6),
    _T("The {noun} Between Us", weight=0.6),
    _T("Our {adj} {noun}", weight=0.6),
    _T("Night {noun}", weight=0.6),
    _T("A Matter of {abstract}", weight=0.6),
    _T("The Sound of {abstract}", weight=0.6),
    _T("Among {plural}", weight=0.5),
    _T("{plural} in the {landmark}", weight=0.6),
    _T("Return to {city}", weight=0.75),
    _T("Letters from {city}", weight=0.65),
    _T("Last Train to {city}", weight=0.75),
    _T("{city} Nights", weight=0.7),
    _T("{city}, {era}", weight=0.7),
    _T("{city} Blues", weight=0.6),
    _T("{city} in the Rain", weight=0.6),
    _T("Under {city} Skies", weight=0.6),
    _T("Goodbye, {city}", weight=0.65),
    _T("Strangers in {city}", weight=0.7),
    _T("{number} Days in {city}", weight=0.75),
    _T("The {plural} of {city}", weight=0.7),
    _T("The {someone} from {city}", weight=0.7),
    _T("The Last {shop} in {city}", weight=0.65),
    _T("A {dwelling} in {city}", weight=0.65),
    _T("Summer of '{yy}", weight=0.7),
    _T("The {season} of {era}", weight=0.75),
    _T("{era}", weight=0.4),
    _T("Before the {noun}", weight=0.7),
    _T("The Other {noun}", weight=0.7),
    _T("{noun} Season", weight=0.6),
    _T("A Season of {abstract}", weight=0.6),
    _T("Echoes of {abstract}", weight=0.7),
    _T("The Weight of {abstract}", weight=0.7),
    _T("Notes on {abstract}", weight=0.5),
    _T("Nothing but {abstract}", weight=0.5),
    _T("Between {abstract} and {abstract2}", weight=0.7),
    _T("{gerund} {abstract}", weight=0.75),
    _T("The Art of {gerund}", weight=0.6),
    _T("{abstract} and {abstract2}", weight=0.7),
    _T("{abstract}", weight=0.5),
    _T("{adj} {plural}", weight=0.65),
    _T("Where the {plural} {verb}", weight=0.75),
    _T("All the {adj} {plural}", weight=0.7),
    _T("What the {noun} Knew", weight=0.7),
    _T("Everything We {past}", weight=0.6),
    _T("The {occupation}", weight=0.75),
    _T("The {occupation}'s {relative}", weight=0.65),
    _T("The {noun} Keeper", weight=0.6),
    _T("The Night of the {noun}", weight=0.7),
    _T("The House on {street}", english=True),
    _T("Nights on {street}", english=True, weight=0.6),
    _T("{season} at {estate}", english=True, weight=0.8),
    _T("{street}", kind="series", english=True,
       genres=("drama", "comedy", "crime", "romance", "mystery"), weight=2),
    # Some genres only.
    _T("Blood on the {landmark}", genres=("crime", "thriller", "western", "horror", "war",
                                          "action"), weight=1.5),
    _T("Murder at {estate}", genres=("crime", "mystery", "comedy"), english=True, weight=2),
    _T("The Heirs of {estate}", genres=("drama", "history", "crime", "romance"), english=True,
       weight=1.5),
    _T("The Haunting of {estate}", genres=("horror", "mystery"), english=True, weight=3),
    _T("Love in {city}", genres=("romance", "comedy", "musical", "drama"), weight=1.5),
    _T("Love and {abstract}", genres=("romance", "drama", "comedy", "musical"), weight=1.5),
    _T("{first} in Love", genres=("romance", "comedy"), weight=1.5),
    _T("{first} Forever", genres=("romance", "comedy", "drama", "musical"), weight=1.5),
    _T("From {city}, with Love", genres=("romance", "comedy", "thriller", "action"),
       weight=1.5),
    _T("The {full} Case", genres=_CRIME, weight=2),
    _T("The {noun} Experiment", genres=("sci-fi", "thriller", "horror"), weight=2),
    _T("The {plural} Are Coming", genres=("horror", "sci-fi", "comedy", "action"), weight=2),
    _T("{number} Hours", genres=("thriller", "action", "crime"), weight=1),
    _T("The {city} Marathon", genres=("sport", "comedy", "documentary"), weight=2),
    _T("The {city} Affair", genres=(*_CRIME, "romance", "comedy", "action"), weight=1.5),
    _T("{city} Confidential", genres=_CRIME, weight=2),
    _T("{city} After Dark", genres=(*_CRIME, "horror", "romance"), weight=1.5),
    _T("Made in {city}", genres=("comedy", "drama", "musical", "sport", "documentary"),
       weight=1.5),
    _T("The {city} Job", genres=("crime", "action", "comedy", "thriller"), weight=1.5),
    _T("The {landmark} Murders", genres=("crime", "mystery", "comedy"), weight=2),
    _T("{rank} {surname}", genres=_CRIME, weight=2.5),
    _T("{surname} & {surname2}", genres=(*_CRIME, "comedy"), kind="series", weight=3),
    _T("The {surname} Family", genres=("drama", "comedy", "family"), weight=1.5),
    _T("Meet the {surnames}", genres=("comedy", "family", "romance"), english=True,
       weight=2),
    _T("How to {howto}", genres=("comedy", "romance", "family"), weight=2),
    _T("My {adj2} {relative2}", genres=("comedy", "family", "romance", "drama"), weight=1.5),
    _T("The {season} We Met", genres=("romance", "drama", "comedy", "musical"), weight=1.5),
    _T("The {noun} Protocol", genres=("sci-fi", "thriller", "action"), weight=2),
    _T("Project {codename}", genres=("sci-fi", "thriller", "action", "war"), weight=2),
    _T("Operation {codename}", genres=("action", "war", "thriller", "comedy", *_KIDS),
       weight=1.5),
    _T("Code Name: {codename}", genres=("action", "thriller", "war"), weight=2),
    _T("{station} {digit}", genres=("sci-fi", "horror", "action"), weight=2.5),
    _T("The {lurker} in the {hide}", genres=("horror", "mystery", "thriller"), weight=2.5),
    _T("Don't Go Into the {hide}", genres=("horror",), weight=4),
    _T("It Came from the {hide}", genres=("horror", "sci-fi", "comedy"), weight=2.5),
    _T("The Haunting of {full}", genres=("horror", "mystery"), weight=3),
    _T("Showdown at {surname} {west_place}", genres=("western",), weight=6),
    _T("{surname}'s Last Ride", genres=("western", "action", "crime"), weight=2),
    _T("The Siege of {city}", genres=("war", "history", "action"), weight=2.5),
    _T("The {adj} Front", genres=("war", "history"), weight=4),
    _T("The {kid_adj} Adventures of {kidname}", genres=_KIDS, weight=3),
    _T("{kidname} the {creature}", genres=_KIDS, weight=3),
    _T("{first}'s Big {kid_event}", genres=(*_KIDS, "comedy"), weight=2.5),
    _T("{kidname} and the {kid_noun}", genres=_KIDS, weight=3),
    _T("{kidname} and {kidname2}", genres=_KIDS, weight=3),
    _T("{kidname} Saves the {kid_noun}", genres=_KIDS, weight=3),
    _T("The {creature} Who {kid_verb}", genres=_KIDS, weight=3),
    _T("Little {creature}", genres=_KIDS, weight=2.5),
    _T("The {kid_noun} Gang", genres=_KIDS, weight=2.5),
    _T("Where's {kidname}?", genres=_KIDS, weight=2.5),
    _T("{kidname} Goes to {city}", genres=_KIDS, weight=2.5),
    _T("{kidname}'s {kid_noun}", genres=_KIDS, weight=2.5),
    _T("Super {kidname}", genres=_KIDS, weight=2),
    _T("The {doc_plural} of {city}", genres=("documentary",), weight=5),
    _T("The Untold Story of {full}", genres=("documentary", "history", "sport", "musical"),
       weight=3),
    _T("{city}: A Portrait", genres=("documentary",), weight=4),
    _T("Inside {city}", genres=("documentary",), weight=4),
    _T("The Last {doc_last}", genres=("documentary",), weight=4),
    _T("Voices of {city}", genres=("documentary",), weight=4),
    _T("{city} Unseen", genres=("documentary",), weight=4),
    _T("Becoming {full}", genres=("documentary", "musical", "sport"), weight=3),
    _T("The {city} {team}", genres=("sport", "comedy", "family"), weight=3),
    _T("{first}'s Song", genres=("musical", "romance", "drama"), weight=2),
    _T("Sing, {first}", genres=("musical",), weight=6),
    _T("The {city} Songbook", genres=("musical", "documentary"), weight=4),
)

TITLE_ADJECTIVES = (
    "Lasting", "Silent", "Broken", "Hidden", "Golden", "Crimson", "Lost", "Burning", "Hollow",
    "Wild", "Quiet", "Distant", "Bitter", "Fading", "Iron", "Velvet", "Electric", "Forgotten",
    "Endless", "Northern", "Secret", "Sleeping", "Restless", "Shattered", "Savage", "Little",
    "Long", "Final", "Second", "Midnight", "Paper", "Glass", "Silver", "Winter", "Summer",
    "Black", "Blue", "Scarlet", "Radiant", "Falling", "Rising", "Stolen", "Sacred", "Pale",
    "Dangerous", "Gentle", "Tender", "Lonely", "Open", "Deep", "High", "Unseen", "Borrowed",
    "Infinite", "Wandering", "Crooked", "Hungry", "Frozen", "Bright", "Perfect", "Copper",
    "Salt", "Southern", "Narrow", "Sunken", "Painted", "Hard", "Empty", "Strange", "Violent",
    "Drowned", "Marble", "Amber", "Wounded", "Vanishing", "Careless", "Lucky", "Cruel",
    "Foreign", "Honest", "Dark", "Tall", "Small", "Early", "Late", "Green", "White", "Red",
)
# Gentler words for kids' titles (their genre words are mixed in too).
KIDS_ADJECTIVES = (
    "Little", "Golden", "Secret", "Silver", "Bright", "Wild", "Hidden", "Lucky", "Sleepy",
    "Sunny", "Clever", "Curious", "Jolly", "Giant", "Rainbow", "Starry", "Happy", "Busy",
    "Marvellous", "Amazing", "Wonky", "Topsy-Turvy",
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
    "Ferry", "Quarry", "Archive", "Atlas", "Bell", "Cathedral", "Cellar", "Coast", "Current",
    "Dynasty", "Fever", "Harvest", "Key", "Labyrinth", "Masquerade", "Meridian", "Mill",
    "Monsoon", "Night", "Pact", "Pilgrim", "Refuge", "Riddle", "Sanctuary", "Tenant",
    "Threshold", "Vow", "Wake", "Window", "Wolf", "Feast", "Mask", "Passage", "Ransom",
)
KIDS_NOUNS = (
    "Treehouse", "Kite", "Balloon", "Lantern", "Garden", "Island", "Rocket", "Castle",
    "Carnival", "Orchard", "Lighthouse", "Snowstorm", "Map", "Compass", "Circus", "Moon",
    "Playground", "Parade", "Teapot", "Bicycle", "Sandcastle", "Acorn", "Puddle", "Cloud",
)
LANDMARKS = (
    "River", "Bridge", "Harbour", "Lighthouse", "Orchard", "Tower", "Valley", "Mountain",
    "Lake", "Forest", "Station", "Island", "Garden", "Wall", "Sea", "Hill", "Mill", "Well",
    "Pier", "Border", "Marsh", "Glacier", "Canal", "Quarry", "Dunes", "Meadow", "Pines",
    "Boathouse", "Observatory", "Vineyard",
)
TITLE_ABSTRACTS = (
    "Salt", "Ash", "Glass", "Bone", "Dust", "Smoke", "Honey", "Thunder", "Iron", "Silver",
    "Stars", "Wolves", "Ghosts", "Kings", "Thieves", "Strangers", "Saints", "Lions", "Shadows",
    "Roses", "Tomorrow", "Yesterday", "Memory", "Fortune", "Mercy", "Desire", "Gravity",
    "Light", "Fire", "Water", "Stone", "Sand", "Rain", "Snow", "Midnight", "Dreams", "Blood",
    "Silk", "Copper", "Amber", "Ruin", "Grace", "Hunger", "Wine", "Ink", "Bread", "Lies",
    "Promises", "Storms", "Secrets", "Sparrows", "Embers", "Tides", "Echoes", "Rust", "Marble",
)
TITLE_GERUNDS = ("Chasing", "Finding", "Saving", "Leaving", "Burning", "Crossing", "Keeping",
                 "Breaking", "Waking", "Raising", "Catching", "Becoming", "Running", "Losing",
                 "Following", "Forgetting", "Loving", "Trusting", "Hunting", "Remembering",
                 "Guarding", "Healing", "Reaching", "Mending", "Calling")
KIDS_GERUNDS = ("Chasing", "Finding", "Saving", "Catching", "Following", "Calling",
                "Reaching", "Becoming", "Keeping", "Crossing", "Mending")
TITLE_PLURALS = ("Wolves", "Ghosts", "Kings", "Thieves", "Strangers", "Saints", "Lions",
                 "Shadows", "Roses", "Stars", "Days", "Doors", "Sisters", "Brothers",
                 "Daughters", "Sons", "Lovers", "Liars", "Giants", "Sparrows", "Foxes", "Horses",
                 "Bells", "Windows", "Crows", "Soldiers", "Dancers", "Orphans", "Swimmers",
                 "Widows", "Pilgrims", "Fools", "Hunters", "Queens", "Angels", "Rivers",
                 "Witnesses", "Exiles", "Gamblers", "Islands")
KIDS_PLURALS = ("Stars", "Foxes", "Giants", "Bells", "Kites", "Dragons", "Pirates", "Robots",
                "Explorers", "Ducklings", "Friends", "Wishes", "Balloons", "Penguins")
TITLE_NUMBERS = ("Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten",
                 "Eleven", "Twelve", "Forty", "A Hundred", "A Thousand")
TITLE_VERBS = ("Sleep", "Run", "Sing", "Hide", "Wait", "Fall", "Gather", "Dance", "Dream",
               "Wander", "Hunt", "Pray", "Drown", "Go")
TITLE_PAST = ("Lost", "Left Behind", "Kept", "Burned", "Never Said", "Carried", "Buried",
              "Wanted", "Broke", "Forgot", "Gave Away")
PERIODS = ("Winter", "Summer", "Spring", "Autumn", "Year", "Week", "Night", "Weekend",
           "Month")
SEASONS_OF_YEAR = ("Winter", "Summer", "Spring", "Autumn")
KID_VERBS = ("Stood Still", "Fell Asleep", "Ran Away", "Came Home", "Sang", "Disappeared",
             "Woke Up", "Floated Away", "Turned Blue")
SOMEONES = ("Stranger", "Heiress", "Widow", "Drifter", "Prodigy", "Exile", "Runaway",
            "Orphan", "Pilgrim", "Outsider")
RELATIVES = ("Daughter", "Son", "Widow", "Apprentice", "Wife", "Husband", "Sister", "Brother",
             "Assistant", "Granddaughter", "Grandson", "Niece")
RELATIVES_2 = ("Uncle", "Aunt", "Grandmother", "Neighbour", "Boss", "Roommate", "Ex",
               "Stepfather", "Twin", "Landlady", "Father-in-Law", "Cousin")
ADJECTIVES_2 = ("Terrible", "Famous", "Secret", "Imaginary", "Perfect", "Impossible",
                "Other", "Wonderful", "Fake", "Awful", "Brilliant", "Accidental")
HOW_TO = ("Steal a Wedding", "Lose a Fortune", "Survive Your Family", "Rob a Bank Politely",
          "Fall in Love in Ten Days", "Quit Your Job", "Win a Lottery Twice", "Be a Neighbour",
          "Hide an Elephant", "Fake a Holiday", "Host a Disaster", "Marry a Stranger",
          "Forget Your Ex", "Start Over")
# What a titled investigator is, for the synopsis ("Inspector Kim, a world-weary ...").
RANK_ROLES = {"Agent": "intelligence officer", "Commissioner": "police chief"}
RANKS = ("Inspector", "Detective", "Sergeant", "Commissioner", "Chief Inspector", "Agent")
CODENAMES = ("Icarus", "Halcyon", "Nightjar", "Lantern", "Blue Heron", "Sparrowhawk",
             "Meridian", "Kestrel", "Orpheus", "Whitewater", "Glasshouse", "Longbow",
             "Snowdrop", "Black Tulip", "Tin Soldier", "Northstar", "Mockingbird", "Paper Moon")
STATIONS = ("Colony", "Station", "Outpost", "Sector", "Unit", "Array", "Habitat", "Vessel",
            "Beacon", "Module", "Relay")
LURKERS = ("Thing", "Voice", "Whisper", "Face", "Girl", "Stranger", "Hunger", "Shape",
           "Children", "Woman", "Knocking")
HIDING_PLACES = ("Cellar", "Attic", "Walls", "Well", "Woods", "Marsh", "Basement", "Chapel",
                 "Fog", "Lake", "Orchard", "Mirror", "Corn")
WEST_PLACES = ("Creek", "Gulch", "Springs", "Ridge", "Crossing", "Mesa", "Flats", "Bend")
STREET_SUFFIXES = ("Lane", "Street", "Road", "Hill", "Avenue", "Terrace", "Row", "Place",
                   "Gardens", "Close")
ESTATE_SUFFIXES = ("Hall", "Manor", "House", "Farm", "Court", "Grange", "Park", "Cottage")
LIFE_ADJECTIVES = ("Secret", "Double", "Quiet", "Second", "Brief", "Strange", "Private",
                   "Other", "Short", "Hidden")
SHOPS = ("Bookshop", "Cinema", "Bakery", "Dance Hall", "Tram", "Lighthouse", "Hotel",
         "Record Shop", "Bathhouse", "Tailor", "Jazz Club", "Pharmacy")
AGES = ("Seventeen", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty")
DWELLINGS = ("Room", "House", "Flat", "Garden", "Balcony", "Rooftop", "Houseboat", "Studio")
KIDS_NAMES = ("Pip", "Bo", "Tiko", "Luma", "Ziggy", "Moss", "Nori", "Fen", "Juniper", "Dot",
              "Pomelo", "Wren", "Kiki", "Button", "Sprout", "Tumble", "Biscuit", "Pebble",
              "Noodle", "Clementine", "Bramble", "Figgy", "Tansy", "Olo")
CREATURES = ("Dragon", "Robot", "Fox", "Penguin", "Snail", "Owl", "Yeti", "Mouse", "Dinosaur",
             "Badger", "Unicorn", "Octopus", "Hedgehog", "Sloth", "Tortoise", "Narwhal",
             "Goblin", "Llama")
KIDS_ADVENTURE_ADJ = ("Amazing", "Marvellous", "Incredible", "Tiny", "Big", "Brilliant",
                      "Wobbly", "Secret", "Super", "Extraordinary")
KIDS_EVENTS = ("Race", "Day Out", "Birthday", "Move", "Adventure", "Idea", "Sleepover",
               "Show", "Journey", "Bake-Off", "Launch", "Discovery")
DOC_PLURALS = ("Night Markets", "Street Musicians", "Ferrymen", "Rooftop Gardens", "Bakers",
               "Dancers", "Stray Cats", "Old Cinemas", "Night Buses", "Bridges", "Fishmongers",
               "Tailors", "Lifeguards", "Taxi Drivers", "Public Baths", "Bookshops")
DOC_LAST = ("Glaciers", "Lighthouse Keepers", "Night Trains", "Typewriter Repairmen",
            "Pearl Divers", "Hand-Painted Signs", "Silk Weavers", "Record Shops",
            "Village Cinemas", "Shepherds", "River Pilots", "Wild Horses")
TEAMS = ("Lions", "Rovers", "Comets", "Wolves", "Giants", "Harriers", "Falcons", "Sharks",
         "Hornets", "Mariners", "Stallions", "Rockets")

# Words that flavour a genre's titles (mixed in with the general lists).
GENRE_TITLE_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "horror": (("Hollow", "Rotten", "Cursed", "Bleeding", "Dead", "Wicked"),
               ("Marrow", "Crypt", "Whisper", "Coven", "Haunting", "Teeth", "Nightmare")),
    "sci-fi": (("Quantum", "Synthetic", "Orbital", "Binary", "Neon", "Stellar"),
               ("Protocol", "Orbit", "Signal", "Colony", "Singularity", "Android", "Nebula")),
    "romance": (("Sweet", "Tender", "Lovesick", "Moonlit", "Sunlit"),
                ("Heart", "Kiss", "Valentine", "Honeymoon", "Serenade", "Love Letter")),
    "comedy": (("Accidental", "Awkward", "Clumsy", "Lucky", "Terrible"),
               ("Mess", "Roommate", "Weekend", "Disaster", "Fiasco", "Neighbour")),
    "crime": (("Dirty", "Cold", "Corrupt", "Marked", "Loaded"),
              ("Heist", "Verdict", "Alibi", "Racket", "Syndicate", "Informant")),
    "thriller": (("Dead", "Burnt", "Blind", "Fatal", "Final"),
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
            ("Front", "Battalion", "Trench", "Regiment", "Line", "Armistice")),
    "documentary": (("Real", "Untold", "Inside", "Hidden", "Wild"),
                    ("Story", "Truth", "Planet", "Ocean", "Legacy", "Journey")),
    "sport": (("Final", "Perfect", "Last", "Golden", "Winning"),
              ("Season", "Match", "Round", "Goal", "Race", "Trophy")),
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
# Occupations that make a title on their own ("The Beekeeper", "The Tailor's Daughter").
TITLE_OCCUPATIONS = (
    "lighthouse keeper", "beekeeper", "magician", "translator", "locksmith", "undertaker",
    "cartographer", "ghostwriter", "art forger", "tailor", "projectionist", "night porter",
    "ferryman", "clockmaker", "diplomat", "stunt double", "piano teacher", "chess player",
    "watchmaker", "gravedigger", "bookseller", "perfumer", "stationmaster", "glassblower",
)
DESCRIPTORS = (
    "widowed", "retired", "young", "disgraced", "reluctant", "stubborn", "idealistic",
    "ageing", "newly divorced", "gifted", "burned-out", "small-time", "exiled", "shy",
    "ambitious", "grieving", "penniless", "world-weary", "headstrong", "unlucky", "brilliant",
    "lonely", "fearless", "out-of-work", "recently released", "soft-spoken", "restless",
)
KIDS_PROTAGONISTS = (
    "a curious ten-year-old", "a clumsy young dragon", "a brave little robot",
    "a shy bunny", "a lost puppy", "a young inventor", "a talking fox",
    "a daydreaming schoolboy", "a tiny mouse with big plans", "a penguin who cannot swim",
    "an eleven-year-old detective", "a kind-hearted giant", "a very small badger",
    "a runaway balloon", "a girl who can talk to birds", "a sleepy owl",
)
KIDS_CREATURE_ADJ = ("clumsy young", "brave little", "curious", "shy", "tiny", "cheerful",
                     "very small", "kind-hearted", "forgetful", "excitable")
KIDS_CLAUSES = (
    "sets off to find the way home", "learns that being different is a superpower",
    "must save the town's favourite festival", "makes friends with a creature nobody believes in",
    "builds a rocket out of junk to reach the moon", "discovers a secret door in the garden",
    "tries to win the big race against all odds", "helps a lost star get back to the sky",
    "goes looking for the end of the rainbow", "has to find a new home for the whole family",
    "starts a band with the unlikeliest of friends", "solves the mystery of the missing cake",
)
# A documentary's subject; "{place}" is where it was filmed, "{at_place}" with its preposition.
DOC_TOPICS = (
    "the last glaciers", "a forgotten jazz scene {at_place}",
    "a family-run circus on the road", "deep-sea exploration",
    "the rise and fall of a video-game studio", "a legendary chess rivalry",
    "the world's most dangerous roads", "street food at midnight {at_place}",
    "an unsolved art theft", "a small-town football club", "the secret life of {place}",
    "wolves returning to the wild", "a historic election", "the invention of the internet",
    "a record-breaking ocean rowing crew", "an isolated island community",
    "the perfume industry", "a wrongful conviction", "the first women in space",
    "a famous restaurant's final year {at_place}", "migrating birds",
    "the night shift at a hospital {at_place}", "the builders of a bridge",
    "a choir of strangers {at_place}", "the people who clean up after disasters",
)
# Who a documentary about a named person is about ("{full}, {role}").
DOC_SUBJECTS = (
    "a forgotten jazz pianist", "a record-breaking swimmer", "an inventor nobody remembers",
    "a fashion designer who vanished at the height of fame", "a chess prodigy",
    "a mountaineer who never came home", "a pioneering surgeon", "a reclusive novelist",
    "the first woman to run the city's docks", "a boxer who fought the system",
    "a chef who changed how a country eats", "a photographer of the streets",
)
# "When {event}, ..." by tone; the common ones suit any title, kids' ones included.
STORY_EVENTS: dict[str, tuple[str, ...]] = {
    "common": ("a storm cuts the town off", "an old letter surfaces",
               "a stranger arrives with a warning", "the factory closes for good",
               "a long-lost sibling returns", "a winning lottery ticket goes missing",
               "the power fails across the city", "the river floods",
               "a letter arrives forty years late", "the last train leaves without warning",
               "an inheritance comes with conditions"),
    "dark": ("a body is found on the beach", "a child witnesses something impossible",
             "a fire destroys the family business", "a secret recording is leaked",
             "a witness disappears the night before a trial"),
    "light": ("a wedding goes terribly wrong", "a cousin announces a surprise engagement",
              "the in-laws arrive a week early", "a dating app makes a terrible match"),
    "kids": ("the circus comes to town", "the first snow of the year falls",
             "a strange egg hatches in the garden", "the summer holidays begin"),
}
ALLIES = (
    "an unlikely ally", "a fast-talking teenager", "an estranged sibling", "a retired cop",
    "a mysterious neighbour", "an old flame", "a loyal dog", "a rival with nothing to lose",
    "a chatty taxi driver", "a former teacher", "a stubborn grandmother",
)
# A second sentence for a synopsis, by tone (kids' titles use only their own).
COMPLICATIONS: dict[str, tuple[str, ...]] = {
    "common": (
        "Every choice comes with a price.", "Some doors, once opened, stay open.",
        "Nobody comes out of it quite the same.", "The past is not finished with anyone yet.",
        "Help comes from the last place anyone would look.",
        "Time is running out, and everyone knows it.",
        "Old friendships are tested, and some do not survive.",
        "What starts as a favour becomes a way of life.",
        "The neighbours are watching, and they have long memories.",
        "Getting there turns out to be the easy part.",
        "The truth, when it comes, is simpler and stranger than anyone guessed.",
    ),
    "dark": (
        "Trust is a luxury nobody can afford.",
        "The closer the truth gets, the more dangerous it becomes.",
        "Someone is lying, and someone is going to pay for it.",
        "The people who know the truth are disappearing one by one.",
        "Every clue leads somewhere worse.", "And the night is only beginning.",
    ),
    "light": (
        "What could possibly go wrong?", "It goes about as well as anyone would expect.",
        "Love, as usual, has other plans.", "Chaos, naturally, follows.",
        "Everyone has an opinion, and nobody is shy about sharing it.",
    ),
    "kids": (
        "It turns out to be the best adventure of all.",
        "Friendship, it turns out, is the real treasure.",
        "With a little courage, anything is possible.",
        "It is going to be a very busy week.", "Nobody expected the snail to help.",
    ),
}

# --- words for episodes -------------------------------------------------------------------
# An episode synopsis is an event and a turn ("{A} finds a map in the boathouse" + ", and
# nothing goes to plan."), with the series' own characters ({A} is the hero; {B}, {C} others),
# a spot and a thing. Events are not reused within a series, turns not within a season.

EPISODE_NAMES = (
    "Homecoming", "The Arrival", "Night Shift", "Crossroads", "Old Wounds",
    "The Long Way Round", "Low Tide", "Smoke and Mirrors", "Ghosts", "The Visitor", "Blackout",
    "First Light", "Lines in the Sand", "Fault Lines", "The Offer", "No Way Back", "Reunion",
    "Open Water", "The Deal", "Loose Ends", "Aftermath", "Exposure", "The Storm",
    "Inheritance", "Stay", "Red Flags", "Hide and Seek", "Breaking Point", "The Other Side",
    "Undertow", "Wildfire", "Truth or Dare", "Home", "High Water", "Lost and Found",
    "The Key", "Snow Day", "Second Chances", "The Map", "The Wedding", "Market Day",
    "The Lighthouse", "Fireworks", "The Letter", "Homework", "Strangers", "Moving Day",
    "The Big Match", "Hold Your Breath", "Slow Dance", "The Party", "Half Moon", "Tin Cans",
    "Paper Boats", "The Fair", "Spring Cleaning", "Rain Check", "Eclipse", "Borrowed Time",
    "The Last Bus", "Echoes", "Kites", "The Rehearsal", "Night Swimming", "Landslide",
    "Glass Houses", "The Audition", "Heatwave", "First Snow", "Quiet Please", "The Raft",
    "Tall Tales", "Picture Day", "The Road Trip", "Lucky Numbers", "A New Leaf", "Open House",
    "The Long Night", "Secrets", "Full Circle", "Threshold", "Goodbyes", "The Return",
    "Signals", "Crosswinds", "The Harvest", "Wish You Were Here", "Thin Ice", "The Gift",
    "Making Waves", "The Tower", "Carousel", "Overtime", "Daybreak", "Out of Bounds",
    "The Bridge", "Sparks", "Tidewater", "Mixed Signals", "The Promise", "Parting Gifts",
)
EPISODE_NAMES_DARK = (
    "Dead Reckoning", "Safe House", "Blood Ties", "The Confession", "Burn Notice",
    "Cold Case", "The Informant", "Scorched Earth", "Collateral", "The Wake", "Alibi",
    "Leverage", "Body of Water", "The Long Con", "Kill Switch", "Ashes", "Trespass",
    "The Vanishing", "Checkmate", "Buried", "Missing", "Dark Water", "Ransom", "Sleepers",
    "Point Blank", "The Verdict", "Deadfall", "Nightwatch", "Retribution", "Ground Zero",
    "The Hunt", "Fracture", "Witness", "Exit Wounds", "Bad Blood", "Quarantine",
)
EP_SPOTS: dict[str, tuple[str, ...]] = {
    "common": ("the harbour", "the old mill", "the school", "the train station", "the market",
               "the lighthouse", "the library", "the lake", "the rooftop", "the bakery",
               "the football pitch", "the old cinema", "the town hall", "the bridge",
               "the bus depot", "the allotments", "the farm", "the museum", "the hospital",
               "the swimming pool", "the boathouse", "the ferry", "the church hall"),
    "dark": ("the docks", "the motel", "the police station", "the warehouse", "the morgue",
             "the casino", "the quarry", "the abandoned hotel", "the car park", "the marsh"),
    "light": ("the wedding venue", "the café", "the karaoke bar", "the dance studio",
              "the beach", "the garden centre", "the hair salon"),
}
EP_THINGS: dict[str, tuple[str, ...]] = {
    "common": ("a map", "a locked box", "a key nobody recognises", "an old photograph",
               "a radio that still works", "a message in a bottle", "a notebook",
               "a strange coin", "a letter", "a drawing", "a compass", "a recipe book",
               "a cassette tape"),
    "dark": ("a burner phone", "a bag of cash", "a recording", "a hotel receipt",
             "a bloodstained jacket", "a second passport", "a list of names",
             "a pair of car keys"),
    "light": ("an engagement ring", "a lottery ticket", "a wedding cake", "a love letter",
              "a pair of concert tickets", "a borrowed suit"),
}
# The first episode of a series.
EP_PREMIERES: dict[str, tuple[str, ...]] = {
    "common": (
        "{A} arrives {at_place} with one suitcase and a plan that is already falling apart.",
        "{A}'s first day goes badly, and {B} makes sure everyone hears about it.",
        "A chance meeting with {B} pulls {A} into something much bigger.",
        "{A} takes a job nobody else wants, and {B} wants to know why.",
        "An old photograph sends {A} looking for {B}.",
        "{A} moves to {place} to start again, and meets {B} on the very first morning.",
    ),
    "dark": (
        "{A} comes home to {place} for a funeral and finds nothing is as it was left.",
        "A phone call in the middle of the night drags {A} back into a life long left behind.",
        "When {B} fails to come home, {A} starts asking the questions nobody else will.",
    ),
    "light": (
        "{A} and {B} meet by accident, twice in one day, and neither is impressed.",
        "{A} has a plan for the perfect year; {B} has other ideas.",
    ),
}
# The first episode of a later season.
EP_RETURNS: dict[str, tuple[str, ...]] = {
    "common": (
        "Months later, {A} is trying to live an ordinary life, until {B} knocks on the door.",
        "A new season, a new job for {A}, and an old problem in a new place.",
        "{A} returns to {place} after a long time away, and finds {B} changed.",
        "Everyone has moved on except {A}, who cannot let go of what happened.",
        "A year has passed; {B} has news, and {A} is the last to hear it.",
        "{C} is back in town, and {A} is not ready for it.",
    ),
    "dark": (
        "The case everyone thought was closed opens again when {C} is seen {at_place}.",
        "{A} has a new name and a quiet life, until {B} finds out where.",
    ),
    "light": (
        "{A} and {B} are back, older, not noticeably wiser, and sharing a flat.",
    ),
}
# The last episode of a season.
EP_FINALES: dict[str, tuple[str, ...]] = {
    "common": (
        "Everything {A} has worked for comes down to one afternoon at {spot}.",
        "{A} and {B} finally say what they should have said at the start.",
        "The truth about {thing} comes out, and {A} has to choose a side.",
        "At {spot}, {A} finally faces {C}.",
        "{A} makes a decision that will change everything for {B}.",
        "The whole town turns out at {spot}, and {A} has one chance to make it count.",
        "{A} says goodbye to {B}, maybe for good.",
    ),
    "dark": (
        "{A} makes the hardest decision of all, and {B} pays for it.",
        "Nobody leaves {spot} the same, and one of them does not leave at all.",
        "{C}'s plan reaches its end, and {A} is the only one who can stop it.",
    ),
    "light": (
        "A wedding, a rainstorm and a confession, in that order.",
        "{A} runs the length of {place} to catch {B} before it is too late.",
    ),
}
EP_EVENTS: dict[str, tuple[str, ...]] = {
    "common": (
        "{A} finds {thing} in {spot}", "{B} asks {A} for a favour that is anything but small",
        "{A} and {B} are stuck together at {spot} for a whole day",
        "A misunderstanding at {spot} puts {A} and {B} on opposite sides",
        "{A} tries to keep {thing} hidden from {B}", "{C} turns up at {spot} without warning",
        "{A} agrees to help {C} with a secret project", "A storm traps everyone at {spot}",
        "{A} follows {B} to {spot}", "{B} makes {A} a promise that is hard to keep",
        "{A} takes the blame for something {C} did", "{A} gets a second chance with {B}",
        "{A} sets out to prove {C} wrong", "{A} learns something new about {B}'s past",
        "A visitor from out of town wants to buy {spot}",
        "{C} challenges {A} to a contest at {spot}", "{A} loses {thing} on the way to {spot}",
        "Plans for a big celebration at {spot} go wrong", "{A} keeps a secret for {C}",
        "A rumour about {B} spreads fast", "{B} and {C} stop speaking to each other",
        "{A} has to choose between helping {B} and helping {C}",
        "An old friend of {B}'s comes to stay", "{A} is offered a job at {spot}",
        "{A} and {C} swap jobs for a day", "{A} stays up all night to fix {thing}",
        "{B} shows {A} a secret way into {spot}", "{A} tells {B} the truth about {thing}",
        "{C} goes missing for an afternoon", "{A} misses an important day at {spot}",
        "{A} and {B} retrace the route to {spot}", "{A} finally opens {thing}",
    ),
    "dark": (
        "{A} is questioned about what happened at {spot}", "A body is found near {spot}",
        "{B} disappears, leaving only {thing}", "{A} breaks into {spot}",
        "{A} is followed home from {spot}", "{C} offers {A} money to stay quiet",
        "{A} finds out who sent {thing}", "An anonymous call sends {A} to {spot} after dark",
        "{B} is arrested at {spot}", "{A} lies to {B} about where the night was spent",
        "A fire at {spot} destroys the evidence", "{A} is threatened outside {spot}",
        "Someone at {spot} has been watching {A} for months", "{A} makes a deal with {C}",
        "An old case connected to {spot} is reopened", "{B} is hurt, and {A} blames {C}",
        "{A} and {B} hide {thing}", "{C} names {A} as a suspect",
        "{A} goes undercover at {spot}", "A witness to what happened at {spot} comes forward",
        "{A} finds {thing} where it should not be", "{B}'s alibi falls apart",
        "{A} is suspended, and has to carry on alone", "{C} sets a trap at {spot}",
    ),
    "light": (
        "{A} pretends to be engaged to {B} for one evening",
        "A dinner party at {spot} gets out of hand", "{A} accidentally reads {B}'s diary",
        "{A} and {B} enter a dance competition", "{C} moves in next door",
        "{A} tries to cook for {B}'s whole family",
        "A wedding at {spot} needs a new venue by morning",
        "{A} gets a terrible haircut before a big day",
        "{B} signs {A} up for a talent show without asking",
        "{A} has to look after {C}'s dog for a week", "A blind date at {spot} turns out to be {C}",
        "{A} and {C} get lost on the way to {spot}", "{A} lands a job interview at {spot}",
        "{B} plans a surprise party that nobody is meant to know about",
        "{A}'s parents come to visit without warning", "{A} starts a band with {B} and {C}",
        "{A} and {B} spend a day pretending to be tourists",
        "A camping trip goes wrong in every possible way",
        "{A} tries to win back {thing} from {C}", "{A} writes an anonymous love letter",
    ),
    "kids": (
        "{A} builds a raft to reach {spot}", "{A} and {B} find a baby bird at {spot}",
        "The school play needs a new star, and {A} volunteers",
        "{A} makes a wish that comes true in the wrong way",
        "{B} is too scared to join in, so {A} comes up with a plan",
        "{A} and {C} race to the top of the hill", "A parade comes through {spot}",
        "{A} tries to keep a very big secret", "{A} loses a tooth and finds {thing}",
        "{B} teaches {A} to whistle", "Grandma's birthday present goes missing",
        "{A} and {B} camp out in the garden", "{C} gets the hiccups before the big show",
        "{A} invents a machine that does chores, sort of",
    ),
}
EP_TURNS: dict[str, tuple[str, ...]] = {
    "common": (
        ", and nothing goes to plan.", ", and {B} is not happy about it.",
        ", but {C} knows more than anyone lets on.",
        ", and it changes how {A} sees everything.", ", but the day is not over yet.",
        ", and an old argument starts again.", ", and everyone hears about it by evening.",
        "; {B} has to decide whose side to take.",
        ", and {C} finally says what everyone is thinking.",
        ", which leads {A} somewhere unexpected.", ", and a long-kept promise is broken.",
        ", but help comes from an unlikely place.",
        ", and {A} and {B} see each other in a new light.", ", while {C} makes a plan.",
        ", but someone is keeping score.", ", and {B} gets the last word.",
        ", and {A} learns who can really be trusted.", ", but nobody thinks to tell {C}.",
        ", and by nightfall there is no going back.", ", and {B} finally laughs.",
    ),
    "dark": (
        ", and someone makes sure {A} regrets it.", ", but {C} has already called the police.",
        ", and the lie starts to unravel.", "; by morning, {B} is gone.",
        ", and the one person who could help stops answering the phone.",
        ", but the evidence points the wrong way.", ", and {A} crosses a line.",
        ", while somebody watches from across the street.",
        ", and {C}'s story no longer adds up.", ", but the price is higher than anyone said.",
    ),
    "light": (
        ", and it is all {B}'s fault.", ", and the neighbours have opinions.",
        ", but {C} has a plan, which is worse.", ", and somehow it ends in song.",
        ", and the cake does not survive.", ", and {A} swears never to do it again.",
    ),
}
# Documentary series episodes: a person of the place, what they do, where and for how long.
DOC_EPISODES = (
    "{person}, {role}, lets the cameras into {spot} for {time}.",
    "Over {time}, {person}, {role}, tries to keep {spot} open.",
    "{person}, {role}, remembers the year everything changed at {spot}.",
    "{person}, {role}, has {time} to finish the work of a lifetime.",
    "A day at {spot}, from before dawn to after midnight, with {person}, {role}.",
    "{person}, {role}, goes back to {spot} for the first time in decades.",
    "What it costs to keep going: {person}, {role}, over {time}.",
    "Two generations at {spot}: {person}, {role}, and a family that may not carry on.",
    "{person}, {role}, and the rivals who want the same thing.",
    "Archive footage and new interviews with {person}, {role}, piece together what "
    "happened at {spot}.",
    "Behind the scenes at {spot}, where {person}, {role}, has worked for thirty years.",
    "{person}, {role}, risks everything on one last attempt.",
    "{person}, {role}, explains why {spot} matters more than ever.",
    "An ordinary week at {spot} turns out to be anything but for {person}, {role}.",
    "{person}, {role}, takes the cameras along on {time} nobody will forget.",
)
DOC_ROLES = ("a fisherman", "a night-shift nurse", "a retired teacher", "a young chef",
             "a ferry captain", "a street musician", "a beekeeper", "a bus driver",
             "a bookseller", "a midwife", "a mountain rescuer", "a tailor", "a groundskeeper",
             "a radio presenter", "a baker", "a firefighter", "an archivist", "a boxing coach")
DOC_SPOTS = ("the harbour", "the market", "the old theatre", "the hospital", "the bakery",
             "the ferry terminal", "the boxing gym", "the river", "the last cinema in town",
             "the mountain hut", "the fish auction", "the night bus depot", "the library",
             "the vineyard", "the school")
DOC_TIMES = ("one winter", "a single night", "three days", "a long summer",
             "the busiest week of the year", "a year", "one last season", "a month")
