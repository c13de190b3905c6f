"""The :class:`Mention` record and the :class:`MentionFinder` interface every finder implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

ENTITY_TYPES = ("PER", "ORG", "LOC", "EVENT")


@dataclass(frozen=True)
class Mention:
    """A span of text that names an entity.

    ``start``/``end`` are Python ``str`` indices into the text the finder was given, so
    ``text[start:end] == surface``. ``entity`` is a knowledge-base id (e.g. ``"Q22686"`` style
    ids are *not* assumed; see :mod:`kg.kb`) when the finder knows which entity it is, else ``None``;
    linking (:mod:`kg.link`) fills it in later. ``source`` names the finder ("model", "kb", ...).
    """

    start: int
    end: int
    surface: str
    type: str
    entity: str | None = None
    confidence: float = 1.0
    source: str = "model"

    def as_json(self) -> dict:
        """The ``kg extract`` form of a mention."""
        return {"start": self.start, "end": self.end, "text": self.surface,
                "type": self.type, "entity": self.entity}


class MentionFinder(Protocol):
    """Anything that finds mentions in text of one language."""

    def __call__(self, text: str) -> list[Mention]: ...
