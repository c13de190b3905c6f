"""Language identification: ``"en"``, ``"ar"``, ``"es"`` or ``"other"``.

langdetect is seeded (``DetectorFactory.seed = 0``) so the same text always gets the same
answer; a build that re-runs must not move an article between languages. Only the three
languages of the graph are answers: anything else, or an unsure guess, is ``"other"``.
"""

from __future__ import annotations

import re

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from kg.article import LANGUAGES, Article

DetectorFactory.seed = 0

#: Below this probability the top guess is not trusted.
MIN_PROBABILITY = 0.5
#: Text beyond this many characters adds nothing to the guess but costs time.
SAMPLE_CHARS = 3000

_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LETTER = re.compile(r"[^\W\d_]")


def detect_language(text: str) -> str:
    """The language of ``text`` among en/ar/es, or ``"other"`` (also for empty or unsure text).

    Arabic script settles the question without a model: langdetect confuses short Arabic with
    Persian and Urdu, which share the script but are not in the graph. Latin-script text goes
    to langdetect, whose top guess must be en or es with probability above
    :data:`MIN_PROBABILITY`.
    """
    sample = text[:SAMPLE_CHARS]
    letters = _LETTER.findall(sample)
    if not letters:
        return "other"
    arabic = len(_ARABIC.findall(sample))
    if arabic / len(letters) > 0.5:
        return "ar" if _arabic_not_persian(sample) else "other"
    try:
        guesses = detect_langs(sample)
    except LangDetectException:
        return "other"
    top = guesses[0]
    if top.lang in LANGUAGES and top.prob > MIN_PROBABILITY:
        return top.lang
    return "other"


_PERSIAN_ONLY = re.compile(r"[پچژگک]")  # letters Persian/Urdu use and Arabic does not
_URDU_ONLY = re.compile(r"[ٹڈڑںےہ]")


def _arabic_not_persian(sample: str) -> bool:
    """Arabic-script text is Arabic unless Persian/Urdu-only letters are frequent in it."""
    foreign = len(_PERSIAN_ONLY.findall(sample)) + len(_URDU_ONLY.findall(sample))
    return foreign < max(3, len(sample) // 200)


def normalise_language(code: object) -> str | None:
    """A stated language ("en", "en-GB", "es_CL", "Arabic") as en/ar/es, "other", or None."""
    if code is None:
        return None
    value = str(code).strip().casefold().replace("_", "-")
    if not value:
        return None
    names = {"english": "en", "arabic": "ar", "spanish": "es", "español": "es", "عربي": "ar"}
    value = names.get(value, value.split("-")[0])
    return value if value in LANGUAGES else "other"


def ensure_language(article: Article) -> Article:
    """Fill ``article.language`` from its text when the source did not state it; returns it."""
    if not article.language:
        article.language = detect_language(article.text)
    return article
