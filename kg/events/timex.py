"""When a reported happening took place: relative dates resolved against the publication date.

Handles weekdays ("on Monday", "يوم الاثنين", "el lunes"), yesterday/today/last night
("أمس", "ayer", "anoche") and day-month dates ("7 October", "October 7", "7 أكتوبر",
"7 تشرين الأول", "7 de octubre"). A weekday means the latest such day on or before publication.

>>> from datetime import date
>>> resolve_date("Israeli strikes on Monday killed 12", "en", date(2023, 10, 18))
datetime.date(2023, 10, 16)
>>> resolve_date("قصف إسرائيلي يوم الأحد", "ar", date(2023, 10, 18))
datetime.date(2023, 10, 15)
>>> resolve_date("el ataque del 7 de octubre", "es", date(2023, 10, 18))
datetime.date(2023, 10, 7)
>>> resolve_date("nothing here", "en", date(2023, 10, 18)) is None
True
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

from kg.text.keys import normalize_arabic

#: weekday words -> Python weekday (Monday = 0)
WEEKDAYS: dict[str, dict[str, int]] = {
    "en": {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
           "sunday": 6},
    "es": {"lunes": 0, "martes": 1, "miércoles": 2, "miercoles": 2, "jueves": 3, "viernes": 4,
           "sábado": 5, "sabado": 5, "domingo": 6},
    "ar": {"الاثنين": 0, "الإثنين": 0, "الثلاثاء": 1, "الأربعاء": 2, "الاربعاء": 2, "الخميس": 3,
           "الجمعة": 4, "السبت": 5, "الأحد": 6, "الاحد": 6},
}
#: words for a day offset from publication
RELATIVE: dict[str, dict[str, int]] = {
    "en": {"yesterday": -1, "today": 0, "last night": -1, "overnight": 0, "this morning": 0},
    "es": {"ayer": -1, "hoy": 0, "anoche": -1, "anteayer": -2},
    "ar": {"أمس": -1, "امس": -1, "اليوم": 0, "الليلة الماضية": -1, "فجر اليوم": 0, "أول أمس": -2},
}
MONTHS: dict[str, dict[str, int]] = {
    "en": {m: i + 1 for i, m in enumerate(
        "january february march april may june july august september october november december".split())},
    "es": {m: i + 1 for i, m in enumerate(
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split())},
    "ar": {"يناير": 1, "كانون الثاني": 1, "فبراير": 2, "شباط": 2, "مارس": 3, "آذار": 3, "أبريل": 4,
           "نيسان": 4, "مايو": 5, "أيار": 5, "يونيو": 6, "حزيران": 6, "يوليو": 7, "تموز": 7,
           "أغسطس": 8, "آب": 8, "سبتمبر": 9, "أيلول": 9, "أكتوبر": 10, "تشرين الأول": 10,
           "نوفمبر": 11, "تشرين الثاني": 11, "ديسمبر": 12, "كانون الأول": 12},
}


def _norm(text: str, lang: str) -> str:
    return normalize_arabic(text) if lang == "ar" else text.casefold()


@lru_cache(maxsize=4)
def _regexes(lang: str) -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern, dict, dict, dict]:
    wd = {_norm(k, lang): v for k, v in WEEKDAYS.get(lang, {}).items()}
    rel = {_norm(k, lang): v for k, v in RELATIVE.get(lang, {}).items()}
    months = {_norm(k, lang): v for k, v in MONTHS.get(lang, {}).items()}
    alt = lambda words: "|".join(sorted(map(re.escape, words), key=len, reverse=True))  # noqa: E731
    edge_l, edge_r = (r"(?<!\w)", r"(?!\w)")
    wd_rx = re.compile(f"{edge_l}(?:يوم |ال|el |the )?({alt(wd)}){edge_r}") if wd else re.compile("$^")
    rel_rx = re.compile(f"{edge_l}({alt(rel)}){edge_r}") if rel else re.compile("$^")
    dm_rx = re.compile(rf"{edge_l}(\d{{1,2}})(?:st|nd|rd|th)? (?:de )?({alt(months)}){edge_r}")
    md_rx = re.compile(rf"{edge_l}({alt(months)}) (\d{{1,2}})(?:st|nd|rd|th)?{edge_r}")
    return wd_rx, rel_rx, dm_rx, md_rx, wd, rel, months


#: A date that names another happening ("the 7 October attack", "since 7 October", "منذ 7
#: أكتوبر", "desde el 7 de octubre") does not date the sentence's own event.
_NAMING = {
    "en": (re.compile(r"^(?:'s)?\s+(?:attacks?|massacre|assault|offensive|war|operation|incursion|raid|rampage)\b"),
           re.compile(r"\b(?:since|after|before|(?:the|its|their|hamas'?s?) (?:attacks?|massacre|assault|offensive) (?:on|of))\s+(?:the\s+)?$")),
    "es": (re.compile(r"^$x"), re.compile(r"\b(?:desde|tras|antes del?|despu[eé]s del?)\s+(?:el\s+)?$")),
    "ar": (re.compile(r"^$x"), re.compile(r"(?:منذ|بعد|قبل|هجوم|عمليه|احداث|ملحمه|معركه)\s+(?:يوم\s+)?$")),
}


def _names_other(text: str, lang: str, start: int, end: int) -> bool:
    after, before = _NAMING.get(lang, _NAMING["en"])
    return bool(after.search(text[end:end + 20]) or before.search(text[max(0, start - 40):start]))


def resolve_date(sentence: str, lang: str, published: date) -> date | None:
    """The date a sentence says something happened, or ``None`` when it says none.

    A date that names another happening is skipped ("Biari, involved in the 7 October attacks").

    >>> resolve_date("killing Biari, who was involved in the militant group's 7 October attacks", "en",
    ...              date(2023, 10, 31)) is None
    True
    >>> resolve_date("وقتل 3 منذ 7 أكتوبر", "ar", date(2023, 10, 31)) is None
    True
    """
    if lang not in WEEKDAYS:
        lang = "en"
    text = _norm(sentence, lang)
    wd_rx, rel_rx, dm_rx, md_rx, wd, rel, months = _regexes(lang)
    for rx, order in ((dm_rx, "dm"), (md_rx, "md")):
        m = next((m for m in rx.finditer(text) if not _names_other(text, lang, m.start(), m.end())), None)
        if m:
            day_s, month_s = (m.group(1), m.group(2)) if order == "dm" else (m.group(2), m.group(1))
            try:
                found = date(published.year, months[month_s], int(day_s))
            except ValueError:
                continue
            if found > published + timedelta(days=1):
                try:
                    found = found.replace(year=published.year - 1)
                except ValueError:
                    continue
            return found
    m = rel_rx.search(text)
    if m:
        return published + timedelta(days=rel[m.group(1)])
    m = wd_rx.search(text)
    if m:
        back = (published.weekday() - wd[m.group(1)]) % 7
        return published - timedelta(days=back)
    return None
