"""Machine translation of names and headlines, cached on disk, bounded in time, quiet offline.

:class:`TranslationCache` asks a :data:`Translator` (by default deep-translator's
``GoogleTranslator``) only for texts it has not seen, stores every answer in a JSON file (by
default ``kg-store/translations.json``) so a rebuild gives the same result offline, bounds each
request with a hard timeout (≤ 5 s), and when the network is unreachable says so once
(``logging.warning``) and answers ``None`` from then on.

>>> cache = TranslationCache(path=None, translator=lambda text, src, tgt, timeout: "Trump")
>>> cache.translate("ترامب", "ar", "en")
'Trump'
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import SimpleNamespace

log = logging.getLogger(__name__)

#: ``translator(text, source, target, timeout) -> translation``; raises on failure.
Translator = Callable[[str, str, str, float], str | None]

DEFAULT_STORE = Path("kg-store")
FILE_NAME = "translations.json"
MAX_TIMEOUT = 5.0


class Offline(Exception):
    """The translation service could not be reached."""


def google_translate(text: str, source: str, target: str, timeout: float = MAX_TIMEOUT, *,
                     base_url: str | None = None) -> str | None:
    """Translate with deep-translator's GoogleTranslator; every HTTP request gets ``timeout``.

    ``base_url`` replaces the service address (tests point it at a local stub).
    """
    import requests
    from deep_translator import GoogleTranslator
    from deep_translator import google as dt_google
    from deep_translator.exceptions import RequestError, TooManyRequests, TranslationNotFound

    translator = GoogleTranslator(source=source, target=target)
    if base_url:
        translator._base_url = base_url
    shim = SimpleNamespace(get=partial(requests.get, timeout=timeout))
    with _PATCH_LOCK:
        original = dt_google.requests
        dt_google.requests = shim
        try:
            return translator.translate(text)
        except (requests.ConnectionError, requests.Timeout, TooManyRequests, RequestError) as exc:
            raise Offline(str(exc)) from exc
        except TranslationNotFound:
            return None
        finally:
            dt_google.requests = original


_PATCH_LOCK = threading.Lock()


def _with_deadline(fn: Callable[[], str | None], seconds: float) -> str | None:
    """Run ``fn`` in a daemon thread; raise :class:`Offline` if it has not answered in time.

    This bounds what a socket timeout does not (a slow DNS lookup, a trickling server).
    """
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller
            box["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise Offline(f"no answer within {seconds:.0f} s")
    if "error" in box:
        error = box["error"]
        raise error if isinstance(error, Offline) else Offline(str(error))
    return box.get("value")  # type: ignore[return-value]


class TranslationCache:
    """Cached, time-bounded translation.

    ``path``: the JSON cache file (default ``<store_dir>/translations.json``; ``None`` keeps
    answers in memory only). ``translator``: a :data:`Translator` (default deep-translator's
    Google client; ``base_url`` redirects it). ``online=False`` never touches the network.
    """

    def __init__(self, path: Path | str | None | object = ..., *, store_dir: Path | str = DEFAULT_STORE,
                 translator: Translator | None = None, timeout: float = MAX_TIMEOUT,
                 base_url: str | None = None, online: bool | None = None) -> None:
        if path is ...:
            path = Path(store_dir) / FILE_NAME
        self.path = Path(path) if path is not None else None  # type: ignore[arg-type]
        self.timeout = min(float(timeout), MAX_TIMEOUT)
        self.translator: Translator = translator or partial(google_translate, base_url=base_url)
        if online is None:
            online = os.environ.get("MKG_OFFLINE", "") not in ("1", "true", "yes")
        self.online = online
        self._warned = False
        self._lock = threading.Lock()
        self.entries: dict[str, str | None] = {}
        self.asked = 0  # requests sent (for tests and reports)
        if self.path is not None and self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                self.entries = dict(data.get("entries", {}))
            except (OSError, ValueError):
                log.warning("translation cache %s unreadable; starting empty", self.path)

    @staticmethod
    def _key(text: str, source: str, target: str) -> str:
        return f"{source}|{target}|{text.strip()}"

    def cached(self, text: str, source: str, target: str) -> tuple[bool, str | None]:
        """``(known, answer)`` from the cache only."""
        key = self._key(text, source, target)
        return key in self.entries, self.entries.get(key)

    def translate(self, text: str, source: str, target: str = "en") -> str | None:
        """The translation of ``text``, from the cache or the service; ``None`` when unavailable."""
        if not text or not text.strip() or source == target:
            return text or None
        key = self._key(text, source, target)
        if key in self.entries:
            return self.entries[key]
        if not self.online:
            return None
        try:
            self.asked += 1
            answer = _with_deadline(lambda: self.translator(text.strip(), source, target, self.timeout),
                                    self.timeout + 0.5)
        except Offline as exc:
            self._go_offline(exc)
            return None
        answer = answer.strip() if isinstance(answer, str) and answer.strip() else None
        with self._lock:
            self.entries[key] = answer
            self._save()
        return answer

    def translate_headline(self, article_title: str, source: str, target: str = "en") -> str | None:
        """A headline's translation (same cache; kept as its own name for readers of the code)."""
        return self.translate(article_title, source, target)

    def _go_offline(self, exc: Exception) -> None:
        self.online = False
        if not self._warned:
            self._warned = True
            text = str(exc)
            reason = ("name lookup failed" if "resolve" in text.lower() or "Name or service" in text
                      else text.split("(Caused by")[-1].strip(" ()")[:80])
            log.warning("translation service unreachable (%s): continuing offline, with cached "
                        "answers only", reason)

    def _save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        payload = {"version": 1, "entries": dict(sorted(self.entries.items()))}
        tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=0), encoding="utf-8")
        tmp.replace(self.path)
