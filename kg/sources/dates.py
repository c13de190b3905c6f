"""Date parsing for every form the sources use, always returning timezone-aware datetimes.

News timestamps arrive as ISO 8601 (with 7-digit .NET fractions in one Al Mayadeen scrape),
RFC 822 (RSS), "December 1, 2023" (news-database exports), "13 Apr, 2024 19:52" (page text) or
plain dates. A naive timestamp is read in the zone the caller says the source writes in
(Asia/Beirut for Al Mayadeen, UTC otherwise), so two sources never disagree by a zone offset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

BEIRUT = ZoneInfo("Asia/Beirut")

#: strptime patterns tried in order after ISO 8601 and RFC 822 fail.
_FORMATS = (
    "%B %d, %Y",          # December 1, 2023
    "%b %d, %Y",          # Dec 1, 2023
    "%d %B %Y",           # 1 December 2023
    "%d %b %Y",           # 3 Nov 2025
    "%d %b, %Y %H:%M",    # 13 Apr, 2024 19:52 (RT)
    "%B %d, %Y %H:%M",
    "%d.%m.%Y",           # 19.01.2020 (DW)
    "%d/%m/%Y",
    "%Y/%m/%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
)
_LONG_FRACTION = re.compile(r"(\.\d{6})\d+")
_SPACE = re.compile(r"\s+")


def parse_date(value: object, default_tz: tzinfo = UTC) -> datetime | None:
    """Read a timestamp in any of the known forms; ``None`` for blanks and "No Date Found".

    A naive result gets ``default_tz``; an aware one keeps its own offset.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        found = value
    elif isinstance(value, date):
        found = datetime(value.year, value.month, value.day)
    elif isinstance(value, int | float):
        return datetime.fromtimestamp(float(value), tz=UTC)
    else:
        found = _parse_text(_SPACE.sub(" ", str(value)).strip())
    if found is None:
        return None
    return found if found.tzinfo is not None else found.replace(tzinfo=default_tz)


def _parse_text(text: str) -> datetime | None:
    for parse in (_iso, _rfc822, _patterns):
        found = parse(text)
        if found is not None:
            return found
    return None


def _iso(text: str) -> datetime | None:
    candidate = _LONG_FRACTION.sub(r"\1", text.replace("Z", "+00:00").replace("z", "+00:00"))
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        return None


def _rfc822(text: str) -> datetime | None:
    if not re.search(r"\d{1,2} \w{3} \d{4} \d", text):
        return None
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _patterns(text: str) -> datetime | None:
    for candidate in dict.fromkeys((text, english_months(text))):
        for pattern in _FORMATS:
            try:
                return datetime.strptime(candidate, pattern)
            except ValueError:
                continue
    return None


_ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
                   "September", "October", "November", "December")
#: Spanish and Arabic month names (Arabic: the Levantine names Al Mayadeen uses, and the
#: Egyptian/Gulf ones), month number first.
_MONTH_NAMES = {
    1: ("enero", "ene", "كانون الثاني", "يناير"), 2: ("febrero", "feb", "شباط", "فبراير"),
    3: ("marzo", "آذار", "مارس"), 4: ("abril", "abr", "نيسان", "أبريل", "ابريل"),
    5: ("mayo", "أيار", "مايو"), 6: ("junio", "jun", "حزيران", "يونيو"),
    7: ("julio", "jul", "تموز", "يوليو"), 8: ("agosto", "ago", "آب", "أغسطس", "اغسطس"),
    9: ("septiembre", "setiembre", "sept", "sep", "أيلول", "سبتمبر"),
    10: ("octubre", "oct", "تشرين الأول", "أكتوبر", "اكتوبر"),
    11: ("noviembre", "nov", "تشرين الثاني", "نوفمبر"), 12: ("diciembre", "dic", "كانون الأول", "ديسمبر"),
}
_MONTH_WORD = re.compile(
    r"(?<!\w)(" + "|".join(sorted((re.escape(w) for ws in _MONTH_NAMES.values() for w in ws),
                                   key=len, reverse=True)) + r")\.?(?!\w)", re.IGNORECASE)
_MONTH_OF = {w.casefold(): _ENGLISH_MONTHS[m - 1] for m, ws in _MONTH_NAMES.items() for w in ws}
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")


def english_months(text: str) -> str:
    """Spanish and Arabic month names (and Arabic-Indic digits) as English, for the patterns.

    >>> english_months("3 de noviembre de 2025"), english_months("٣ تشرين الثاني ٢٠٢٥")
    ('3 November 2025', '3 November 2025')
    >>> parse_date("5 nov. 2025").date(), parse_date("28 آب 2013").date()
    (datetime.date(2025, 11, 5), datetime.date(2013, 8, 28))
    """
    text = _MONTH_WORD.sub(lambda m: _MONTH_OF[m.group(1).casefold()], text.translate(_ARABIC_DIGITS))
    return re.sub(r"\s+de\s+", " ", text).strip()


_RELATIVE_DAY = {"today": 0, "yesterday": 1, "اليوم": 0, "أمس": 1, "hoy": 0, "ayer": 1}
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
#: How long after the newest date a page lists its saved copy's file time is still believed.
PLAUSIBLE_SAVE_DAYS = 7


def is_relative(text: str) -> bool:
    """Whether a byline date is relative to the day the page was viewed.

    >>> is_relative("Today 10:25"), is_relative("أمس 08:00"), is_relative("3 Nov 2025")
    (True, True, False)
    """
    words = text.strip().split()
    return bool(words) and words[0].casefold() in _RELATIVE_DAY


def parse_relative(text: str, as_of: datetime, tz: tzinfo) -> datetime | None:
    """Resolve a byline date such as "Today 10:25" or "Yesterday 08:00" against ``as_of``.

    ``as_of`` is the moment the page was viewed; the clock time is read in the site's own
    zone ``tz``. A date that is not relative is parsed as it stands.

    >>> parse_relative("Yesterday 08:00", datetime(2025, 11, 6, 12, tzinfo=BEIRUT), BEIRUT)
    datetime.datetime(2025, 11, 5, 8, 0, tzinfo=zoneinfo.ZoneInfo(key='Asia/Beirut'))
    """
    if not is_relative(text):
        return parse_date(text, tz)
    back = _RELATIVE_DAY[text.strip().split()[0].casefold()]
    clock = _CLOCK.search(text)
    day = as_of.astimezone(tz).date() - timedelta(days=back)
    hour, minute = (int(clock.group(1)), int(clock.group(2))) if clock else (0, 0)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


@dataclass(frozen=True)
class DateReading:
    """A publication date and how it was found.

    ``basis`` is ``stated`` (the page gives the date), ``as-of`` (a relative date resolved
    against the moment the user said the page was saved), ``page`` (resolved against the day
    the page's own dated lists imply), ``file-time`` (the file's modification time, which the
    page's dates make plausible) or ``guess`` (the file time with nothing to support it:
    ``uncertain``).
    """

    value: datetime | None
    basis: str
    uncertain: bool = False


def resolve_byline_date(text: str, tz: tzinfo, *, as_of: datetime | None, saved: datetime,
                        listed: list[date]) -> DateReading:
    """The publication date of a saved page whose byline reads ``text``, best evidence first.

    1. a date that is not relative ("3 Nov 2025 10:25") is read as it stands;
    2. a relative one ("Today 10:25") is resolved against ``as_of`` when the user gave it;
    3. else against the day the page was viewed as its own dated lists ("Most Read",
       "Related") show it: the day after the newest listed date, since a site that writes
       "Today" in this byline writes it for every item of that day. The file time ``saved``
       is used instead when it falls within :data:`PLAUSIBLE_SAVE_DAYS` after that day (a
       page saved and read at once); a file copied later keeps the page's day;
    4. with no dated list, the file time is all there is: the date is marked ``uncertain``.

    >>> listed = [date(2025, 11, 3), date(2025, 11, 5), date(2025, 10, 31)]
    >>> late = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # a copy made a year later
    >>> reading = resolve_byline_date("Today 10:25", BEIRUT, as_of=None, saved=late, listed=listed)
    >>> reading.value.isoformat(), reading.basis, reading.uncertain
    ('2025-11-06T10:25:00+02:00', 'page', False)
    >>> resolve_byline_date("Today 10:25", BEIRUT, as_of=None, saved=late, listed=[]).uncertain
    True
    """
    if not is_relative(text):
        return DateReading(parse_date(text, tz), "stated")
    if as_of is not None:
        return DateReading(parse_relative(text, as_of, tz), "as-of")
    if not listed:
        return DateReading(parse_relative(text, saved, tz), "guess", uncertain=True)
    first_day = max(listed) + timedelta(days=1)
    saved_day = saved.astimezone(tz).date()
    if first_day <= saved_day <= first_day + timedelta(days=PLAUSIBLE_SAVE_DAYS):
        return DateReading(parse_relative(text, saved, tz), "file-time")
    anchor = datetime(first_day.year, first_day.month, first_day.day, 12, tzinfo=tz)
    return DateReading(parse_relative(text, anchor, tz), "page")


_DATE_LINE = re.compile(r"^[\w ,./-]{6,30}$")


def listed_dates(lines: list[str]) -> list[date]:
    """Dates that stand alone on a line (bullets of "Most Read" and "Related" lists).

    >>> listed_dates(["  • Politics", "  • 3 Nov 2025", "Read Next", "31 Oct 2025", "• Today 10:25"])
    [datetime.date(2025, 11, 3), datetime.date(2025, 10, 31)]
    """
    found = []
    for raw in lines:
        text = raw.strip().lstrip("•").strip()
        if not _DATE_LINE.match(text) or not any(c.isdigit() for c in text):
            continue
        parsed = parse_date(text)
        if parsed is not None:
            found.append(parsed.date())
    return found


_URL_DATE = re.compile(
    r"/((?:19|20)\d\d)[/-](?:[a-z][a-z_-]*/)?(\d{1,2})[/-](\d{1,2})(?:/|[-_.][a-z]|$)", re.I)


def url_date(url: str | None) -> datetime | None:
    """The publication day a news URL carries (``/2023/11/06/``, ``/2013/middle_east/8/3/``).

    >>> url_date("http://arabic.cnn.com/2013/middle_east/8/3/syria.clashes/index.html")
    datetime.datetime(2013, 8, 3, 0, 0, tzinfo=datetime.timezone.utc)
    >>> url_date("https://www.mercurynews.com/2023/01/16/letters-1119/").date()
    datetime.date(2023, 1, 16)
    >>> url_date("https://example.org/photos/2023/x.jpg") is None
    True
    """
    match = _URL_DATE.search(url or "")
    if not match:
        return None
    try:
        return datetime(*(int(g) for g in match.groups()), tzinfo=UTC)
    except ValueError:
        return None
