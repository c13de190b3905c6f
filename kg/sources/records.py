"""Turning one mapped record (a dict of Article fields) into an :class:`~kg.article.Article`.

Every reader ends here, so ids, editions and the size and emptiness checks are the same
whatever the input form.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kg.article import Article, make_article_id, text_fingerprint
from kg.sources.editions import edition_for, host_of
from kg.sources.fields import Layout, apply_layout, match_layout
from kg.sources.layouts import LAYOUTS
from kg.sources.textio import MAX_RECORD_BYTES, InputError

_ARTICLE_FIELDS = (
    "url", "language", "summary", "author", "published", "modified", "section", "related",
    "outlet", "post_id",
)


def record_to_article(record: Any, *, source_file: str, record_no: int | None,
                      layouts: Iterable[Layout] = LAYOUTS) -> Article:
    """Map a raw JSON record through the matching layout; raises :class:`InputError`."""
    if not isinstance(record, Mapping):
        raise InputError(f"record is a {type(record).__name__}, not an object")
    layout = match_layout(record, layouts)
    if layout is None:
        keys = ", ".join(sorted(map(str, record))[:8])
        raise InputError(f"unknown record layout (fields: {keys})")
    values = apply_layout(layout, record)
    body = values.get("body", "")
    if layout.clean_body and body:
        body = layout.clean_body(body, values)
    if not body.strip():
        reason = layout.empty_reason(values) if layout.empty_reason else "empty text"
        raise InputError(reason)
    if len(body.strip()) < layout.min_chars:
        raise InputError(f"text too short ({len(body.strip())} characters): not an article")
    values["body"] = body
    values["tags"] = list(dict.fromkeys(values.get("tags", []) + values.get("class_tags", [])))
    return build_article(values, source_file=source_file, record_no=record_no,
                         keep_id=layout.keep_id)


def build_article(values: dict[str, Any], *, source_file: str, record_no: int | None,
                  keep_id: bool = False) -> Article:
    """An Article from field values, with a stable id and an edition; checks size limits."""
    body = values.get("body", "")
    size = len(body.encode("utf-8"))
    if size > MAX_RECORD_BYTES:
        raise InputError(f"text too large ({size / 1e6:.1f} MB > {MAX_RECORD_BYTES / 1e6:.0f} MB)")
    url = values.get("url") or None
    edition = values.get("edition") or edition_for(url, values.get("outlet"))
    title = values.get("title", "")
    article = Article(
        id=_article_id(values, edition, keep_id),
        title=title,
        body=body,
        edition=edition,
        tags=list(values.get("tags", [])),
        source_file=source_file,
        source_record=str(record_no) if record_no is not None else None,
    )
    for name in _ARTICLE_FIELDS:
        if values.get(name) not in (None, "", []):
            setattr(article, name, values[name])
    return article


def _article_id(values: dict[str, Any], edition: str | None, keep_id: bool) -> str:
    """Stable across runs and file locations: post id + host, else URL, else content keys."""
    if keep_id and values.get("id"):
        return str(values["id"])
    url = values.get("url")
    host = host_of(url)
    if values.get("post_id") and host:
        return make_article_id(post_id=values["post_id"], site=host)
    if url:
        return make_article_id(url=url)
    published = values.get("published")
    day = published.date().isoformat() if published else ""
    title = values.get("title", "")
    extra = "" if title else text_fingerprint(values.get("body", ""))
    return make_article_id(source=f"{edition or ''}|{day}|{title}|{extra}")
