"""URLs: fetch with a hard deadline, then read the bytes with whichever reader fits.

A build must never hang on the network: the whole fetch (name lookup included, which socket
timeouts do not cover) runs in a worker thread joined with :data:`FETCH_SECONDS`, so an
offline machine gets a Rejection "network unreachable: ..." within seconds.
"""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

from kg.article import Article, Rejection
from kg.sources.registry import Source, choose_reader
from kg.sources.textio import InputError

#: Total time allowed for one URL: connect, request and download.
FETCH_SECONDS = 10.0
#: Largest page downloaded.
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
USER_AGENT = "mkg/0.1 (news knowledge graph builder)"


@dataclass
class Fetched:
    """A downloaded page: final URL, bytes and declared content type."""

    url: str
    data: bytes
    content_type: str | None


def is_url(text: str) -> bool:
    """True for http(s) URLs, the only remote inputs read."""
    return text.lower().startswith(("http://", "https://"))


def fetch(url: str, timeout: float = FETCH_SECONDS) -> Fetched:
    """Download ``url`` within ``timeout`` seconds in total; raises :class:`InputError`."""
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["value"] = _download(url, timeout)
        except BaseException as err:  # handed to the caller's thread
            outcome["error"] = err

    worker = threading.Thread(target=work, name=f"fetch {url}", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise InputError(f"network unreachable: no answer within {timeout:g} s")
    error = outcome.get("error")
    if isinstance(error, InputError):
        raise error
    if error is not None:
        raise InputError(f"network unreachable: {error}")
    return outcome["value"]  # type: ignore[return-value]


def _download(url: str, timeout: float) -> Fetched:
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            chunks, size = [], 0
            while chunk := response.read(64 * 1024):
                size += len(chunk)
                if size > MAX_DOWNLOAD_BYTES:
                    raise InputError(f"page too large (> {MAX_DOWNLOAD_BYTES // 2**20} MB)")
                if time.monotonic() > deadline:
                    raise InputError(f"network unreachable: download took over {timeout:g} s")
                chunks.append(chunk)
            return Fetched(response.geturl(), b"".join(chunks),
                           response.headers.get("Content-Type"))
    except urllib.error.HTTPError as err:
        raise InputError(f"HTTP {err.code} {err.reason}") from err
    except urllib.error.URLError as err:
        raise InputError(f"network unreachable: {err.reason}") from err
    except (TimeoutError, OSError) as err:
        raise InputError(f"network unreachable: {err}") from err


def read_url(url: str, timeout: float = FETCH_SECONDS) -> Iterator[Article | Rejection]:
    """Fetch ``url`` and read it like a file (HTML page, feed, JSON...)."""
    try:
        fetched = fetch(url, timeout)
        source = Source(name=url, data=fetched.data, url=fetched.url,
                        content_type=fetched.content_type)
        reader = choose_reader(source)
    except InputError as err:
        yield Rejection(url, str(err))
        return
    if reader is None:
        yield Rejection(url, f"no reader for content type {fetched.content_type or 'unknown'}")
        return
    for item in reader.read(source):
        if isinstance(item, Article) and (reader.name == "html" or not item.url):
            item.url = url  # a page fetched by URL keeps the URL exactly as the user gave it
        yield item
