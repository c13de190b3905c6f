"""The field-mapping tables: every JSON / JSONL record layout met in the corpus, declared once.

To support a new export, add a :class:`~kg.sources.fields.Layout` to :data:`LAYOUTS`; the
JSON and JSONL readers need no change. Signatures are the keys that tell the layouts apart.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from kg.language import normalise_language
from kg.sources.clean import (
    clean_article_text,
    strip_database_trailer,
    strip_navigation,
    strip_repeated_summary,
)
from kg.sources.dates import BEIRUT, UTC
from kg.sources.fields import (
    Field,
    Layout,
    as_id,
    author_name,
    classes_map,
    date_in,
    line,
    nexis_section,
    tag_list,
    text,
    topic_section,
)

#: Why an Al Mayadeen record has no text, by the first segment of its URL path.
ALMAYADEEN_EMPTY_KINDS = {
    "video": "video item",
    "tv-reports": "TV report item",
    "reports": "TV report item",
    "newscast": "newscast item",
    "authors": "author page",
    "infograph": "infographic",
}


def almayadeen_empty_reason(values: dict[str, Any]) -> str:
    """"empty text (video item)" and the like, from the URL path or the post type."""
    path = unquote(urlsplit(values.get("url", "")).path).strip("/").split("/")
    kind = ALMAYADEEN_EMPTY_KINDS.get(path[0]) if path else None
    if kind is None:
        kind = values.get("classes", {}).get("posttype", "item")
    return f"empty text ({kind})"


def _classes_section(classes: Any) -> str | None:
    found = classes_map(classes)
    return found.get("category") or found.get("posttype")


def _classes_tags(classes: Any) -> list[str]:
    found = classes_map(classes)
    return [found[k] for k in ("country", "coverage") if found.get(k)]


def _clean(body: str, _values: dict[str, Any]) -> str:
    return clean_article_text(body)


def _clean_database(body: str, _values: dict[str, Any]) -> str:
    return clean_article_text(strip_database_trailer(body))


def _page_text(body: str, values: dict[str, Any]) -> str:
    return strip_navigation(body, values.get("title", ""))


ALMAYADEEN = Layout(
    name="almayadeen-scrape",
    signature=frozenset({"url", "title", "full_text", "classes"}),
    fields=(
        Field("url", ("url",), text),
        Field("post_id", ("postId", "postid", "post_id"), as_id),
        Field("title", ("title",), line),
        Field("summary", ("description",), text),
        Field("body", ("full_text",), text),
        Field("tags", ("keywords",), tag_list),
        Field("class_tags", ("classes",), _classes_tags),
        Field("section", ("classes",), _classes_section),
        Field("classes", ("classes",), classes_map),
        Field("published", ("published_time", "publication_date"), date_in(BEIRUT)),
        Field("modified", ("last_updated", "last_updated_date"), date_in(BEIRUT)),
        Field("author", ("author",), author_name),
        Field("language", ("lang", "language"), normalise_language),
    ),
    defaults={"outlet": "Al Mayadeen"},
    timezone=BEIRUT,
    clean_body=strip_repeated_summary,
    empty_reason=almayadeen_empty_reason,
)

CANONICAL = Layout(
    name="canonical",
    signature=frozenset({"id", "title", "text"}),
    fields=(
        Field("id", ("id",), as_id),
        Field("url", ("url",), str),
        Field("title", ("title",), line),
        Field("body", ("text",), text),
        Field("summary", ("summary", "description"), text),
        Field("published", ("published",), date_in(UTC)),
        Field("modified", ("modified", "updated"), date_in(UTC)),
        Field("language", ("language", "lang"), normalise_language),
        Field("author", ("author",), author_name),
        Field("section", ("section",), line),
        Field("tags", ("tags",), tag_list),
        Field("edition", ("edition",), line),
        Field("outlet", ("outlet",), line),
        Field("post_id", ("post_id",), as_id),
    ),
    keep_id=True,
    min_chars=1,
)

BBC = Layout(
    name="bbc",
    signature=frozenset({"url", "date", "title", "section_topic", "text"}),
    fields=(
        Field("url", ("url",), str),
        Field("title", ("title", "title_listing"), line),
        Field("body", ("text",), text),
        Field("published", ("date",), date_in(UTC)),
        Field("section", ("section_topic",), topic_section),
        Field("outlet", ("source",), line),
        Field("language", ("language",), normalise_language),
    ),
    defaults={"outlet": "BBC News"},
    clean_body=_clean,
)

NEWS_DATABASE = Layout(
    name="news-database",
    signature=frozenset({"outlet", "byline", "text", "nexis_tags"}),
    fields=(
        Field("title", ("title",), line),
        Field("body", ("text",), text),
        Field("published", ("date_iso", "date"), date_in(UTC)),
        Field("author", ("byline",), author_name),
        Field("section", ("section",), nexis_section),
        Field("tags", ("nexis_tags",), tag_list),
        Field("outlet", ("outlet",), line),
        Field("language", ("language",), normalise_language),
    ),
    clean_body=_clean_database,
)

RAW_PAGES = Layout(
    name="raw-pages",
    signature=frozenset({"url", "title", "page_text_raw"}),
    fields=(
        Field("url", ("url",), str),
        Field("title", ("title",), line),
        Field("body", ("page_text_raw",), text),
        Field("published", ("date",), date_in(UTC)),
        Field("outlet", ("outlet",), line),
        Field("language", ("language",), normalise_language),
    ),
    clean_body=_page_text,
    empty_reason=lambda _values: "no article text found (page holds navigation only)",
)

UNATTRIBUTED = Layout(
    name="unattributed",
    signature=frozenset({"date_published", "title", "text"}),
    fields=(
        Field("url", ("url",), str),
        Field("title", ("title",), line),
        Field("body", ("text",), text),
        Field("published", ("date_published",), date_in(UTC)),
        Field("language", ("language",), normalise_language),
    ),
    defaults={"edition": "unattributed"},
    clean_body=_clean,
)

PRENSA_CHILE = Layout(
    name="prensa-chile",
    signature=frozenset({"country", "date", "title", "text"}),
    fields=(
        Field("url", ("url",), str),
        Field("title", ("title",), line),
        Field("body", ("text",), text),
        Field("published", ("date",), date_in(UTC)),
        Field("language", ("language",), normalise_language),
    ),
    defaults={"edition": "prensa-chile"},
    clean_body=_clean,
)

GENERIC = Layout(
    name="generic",
    signature=frozenset({"title"}),
    fields=(
        Field("url", ("url", "link", "canonical_url"), str),
        Field("title", ("title", "headline"), line),
        Field("body", ("text", "body", "content", "full_text", "article", "articleBody"), text),
        Field("summary", ("summary", "description", "lead"), text),
        Field("published", ("published", "date", "datePublished", "published_time",
                            "pubDate", "date_published", "publication_date"), date_in(UTC)),
        Field("author", ("author", "authors", "byline"), author_name),
        Field("section", ("section", "category"), line),
        Field("tags", ("tags", "keywords"), tag_list),
        Field("language", ("language", "lang", "inLanguage"), normalise_language),
        Field("outlet", ("outlet", "source", "site"), line),
    ),
    clean_body=_clean,
)

#: Every layout the JSON and JSONL readers know, most specific chosen per record.
LAYOUTS: tuple[Layout, ...] = (
    ALMAYADEEN, CANONICAL, BBC, NEWS_DATABASE, RAW_PAGES, UNATTRIBUTED, PRENSA_CHILE, GENERIC,
)
