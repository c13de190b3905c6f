"""``kg extract``: NER and linking over JSONL, with no store.

Input lines: ``{"id", "text", "lang"?}``. Output, one line per input line:
``{"id", "lang", "mentions": [{"start", "end", "text", "type", "entity"}]}`` (offsets are Python str
indices into ``text``). A line that cannot be processed still gets an output line, with an
``"error"`` saying why, so outputs and inputs stay aligned.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from kg.language import detect_language

MAX_TEXT = 1_000_000  # characters; longer texts are refused with a clear error


def extract_record(record: dict, default_lang: str | None = None) -> dict:
    """Mentions for one ``{"id", "text", "lang"?}`` record, entities linked by the knowledge base."""
    from kg.link.resolve import resolve_entities
    from kg.nlp.pipeline import find_mentions

    text = record.get("text")
    out: dict = {"id": record.get("id"), "lang": record.get("lang") or default_lang, "mentions": []}
    if not isinstance(text, str):
        return {**out, "error": "no 'text' string"}
    if len(text) > MAX_TEXT:
        return {**out, "error": f"text over {MAX_TEXT:,} characters; split it"}
    if not text.strip():
        return out
    lang = out["lang"] or detect_language(text)
    out["lang"] = lang
    if lang not in ("en", "ar", "es"):
        return {**out, "error": f"language '{lang}' is not supported (en, ar, es)"}
    mentions = find_mentions(text, lang)
    article = _pseudo_article(str(record.get("id")), text, lang)
    resolution = resolve_entities([(article, mentions)])
    out["mentions"] = [{**m.as_json(), "entity": resolution.mention_entity(article.id, m)}
                       for m in mentions]
    return out


def extract_jsonl(lines: Iterable[str], default_lang: str | None = None) -> Iterator[str]:
    """Yield one output JSON line per input line (blank lines are skipped)."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield json.dumps({"id": None, "line": number, "mentions": [],
                              "error": f"line {number}: invalid JSON: {exc.msg}"})
            continue
        if not isinstance(record, dict):
            yield json.dumps({"id": None, "line": number, "mentions": [],
                              "error": f"line {number}: not a JSON object"})
            continue
        yield json.dumps(extract_record(record, default_lang), ensure_ascii=False)


def _pseudo_article(article_id: str, text: str, lang: str):
    from kg.article import Article

    return Article(id=article_id, title="", body=text, language=lang)
