"""Date parsing for every form the sources use, always returning timezone-aware datetimes.

News timestamps arrive as ISO 8601 (with 7-digit .NET fractions in one Al Mayadeen scrape),
RFC 822 (RSS), "December 1, 2023" (news-database exports), "13 Apr, 2024 19:52" (page text) or
plain dates. A naive timestamp is read in the zone the caller says the source writes in
(Asia/Beirut for Al Mayadeen, UTC otherwise), so two sources never disagree by a zone offset.
"""

from __future__ import annotations

import re
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
    for pattern in _FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


_RELATIVE_DAY = {"today": 0, "yesterday": 1, "اليوم": 0, "أمس": 1, "hoy": 0, "ayer": 1}
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")


def parse_relative(text: str, as_of: datetime, tz: tzinfo) -> datetime | None:
    """Resolve a byline date such as "Today 10:25" or "Yesterday 08:00" against ``as_of``.

    ``as_of`` is the moment the page was saved (the file's modification time unless the user
    says otherwise); the clock time is read in the site's own zone ``tz``.
    """
    words = text.strip().split()
    if not words:
        return None
    back = _RELATIVE_DAY.get(words[0].casefold())
    clock = _CLOCK.search(text)
    if back is None:
        return parse_date(text, tz)
    day = as_of.astimezone(tz).date() - timedelta(days=back)
    hour, minute = (int(clock.group(1)), int(clock.group(2))) if clock else (0, 0)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
