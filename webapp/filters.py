"""Template filters and globals."""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from core.catalog import top_tags
from recommender.cache import TTLCache

_SENTINEL = "987654321"  # stands for the title id in a URL pattern; no real id is this long
CARD_HTML = "streamsim.card_html"
_CSRF_MARK = "@@csrf-token@@"  # stands for the request's CSRF token in a kept card


def runtime(minutes: int) -> str:
    hours, mins = divmod(int(minutes), 60)
    return f"{hours}h {mins:02d}m" if hours else f"{mins}m"


def init_app(app: Flask, ttl_s: float = 45.0) -> None:
    app.add_template_filter(runtime)
    app.add_template_global(top_tags)
    app.add_template_global(title_url)
    app.add_template_global(icon)
    app.add_template_global(row_card)
    app.add_template_global(wide_row_card)
    app.add_template_global(lazy_row_placeholder)
    app.extensions["streamsim.icons"] = {}
    app.extensions[CARD_HTML] = TTLCache(ttl_s=ttl_s, max_entries=20_000)
    app.add_template_filter(reject_keys)
    app.context_processor(viewer_look)


def viewer_look() -> dict:
    """`kids_look`: the signed-in profile is a kids profile (base.html gives it its own look)."""
    if not has_request_context():
        return {"kids_look": False}
    from webapp.viewer import current_profile

    profile = current_profile()
    return {"kids_look": bool(profile and profile.is_kids)}


def reject_keys(mapping: dict, *keys: str) -> dict:
    """A copy of a dict without some keys (for building "next page" URLs)."""
    return {k: v for k, v in mapping.items() if k not in keys}


def title_url(endpoint: str, title_id: int, id_arg: str = "title_id", **values) -> str:
    """url_for(endpoint, **{id_arg: title_id}, **values) for a page full of title cards: one
    url_for per endpoint and values per request, then the id put in its place (url_for builds
    each URL through the routing map, ~15 us; a home page asked for about 380). Values that
    are None are left out, as url_for leaves them out."""
    values = {k: v for k, v in values.items() if v is not None}
    key = (endpoint, id_arg, tuple(sorted(values.items())))
    patterns = g.setdefault("_title_url_patterns", {})
    parts = patterns.get(key)
    if parts is None:
        built = url_for(endpoint, **values, **{id_arg: int(_SENTINEL)})
        parts = patterns[key] = tuple(built.split(_SENTINEL, 1))
    return f"{parts[0]}{int(title_id)}{parts[1]}"


def icon(name: str, size: int = 20) -> Markup:
    """An inline SVG icon (macros/icons.html), rendered once per name and size per app: a
    page of cards shows a few hundred."""
    cache = current_app.extensions["streamsim.icons"]
    svg = cache.get((name, size))
    if svg is None:
        macro = current_app.jinja_env.get_template("macros/icons.html").module.icon
        # nosec: the macro's own autoescaped output, made markup again after str()
        svg = cache[(name, size)] = Markup(str(macro(name, size)))  # nosec B704
    return svg


def _kept_html(key: tuple, render) -> str:
    """HTML kept per app as long as the title cards (settings.home_rows_cache_s): a home
    page and its lazy rows show about 400 cards, most the same from one request to the next.
    `render` returns an autoescaped macro's output, so the callers mark it safe again."""
    cache: TTLCache = current_app.extensions[CARD_HTML]
    kept = cache.get_many((key,)).get(key)
    if kept is None:
        kept = render()
        cache.set_many({key: kept})
    return kept


def _card_macro(name: str):
    return getattr(current_app.jinja_env.get_template("macros/cards.html").module, name)


def row_card(title, my_list=(), rank=None, eager=False, match=None, why=False,
             variant=0) -> Markup:
    """A home row's title card (macros/cards.html `card`), kept (`_kept_html`): a card
    depends only on the title and on these arguments. The request's CSRF token (in the My
    List form) is put back into a kept card's HTML; nothing else in a card is per request."""
    listed = title.id in my_list
    push = request.endpoint in ("home.index", "home.row")  # the card's hx-push-url
    token = generate_csrf()

    def render() -> str:
        html = str(_card_macro("card")(title, (title.id,) if listed else (), rank=rank,
                                       eager=eager, match=match, why=why,
                                       variant=int(variant)))
        return html.replace(token, _CSRF_MARK)

    kept = _kept_html(("card", title.id, listed, rank, bool(eager), match, bool(why), push,
                       int(variant)), render)
    # The kept HTML is the card macro's autoescaped output; the token is the session's own.
    return Markup(kept.replace(_CSRF_MARK, token))  # nosec B704


def wide_row_card(title, resume) -> Markup:
    """A Continue Watching card (macros/cards.html `wide_card`), kept (`_kept_html`): it
    depends only on the title, the episode to resume and the progress shown (whole %)."""
    episode = resume.episode if resume else None
    progress = round((resume.progress if resume else 0) * 100)
    key = ("wide", title.id, episode.id if episode else None, progress)
    return Markup(_kept_html(key, lambda: str(_card_macro("wide_card")(title, resume))))  # nosec B704


def lazy_row_placeholder(spec) -> Markup:
    """A row that loads when scrolled to (macros/cards.html `lazy_row`), kept
    (`_kept_html`): it depends only on the row's key and heading."""
    return Markup(_kept_html(("lazy", spec.key, spec.heading),  # nosec B704
                             lambda: str(_card_macro("lazy_row")(spec))))
