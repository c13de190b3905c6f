"""The :class:`Event` record: a happening reported by one or more articles."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Event:
    """A reported happening. ``key`` is stable (derived from type, day, place and actors)."""

    key: str
    event_type: str  # a concept local name of the ontology's scheme, e.g. "Attack"
    timestamp: datetime | None
    place: str | None = None  # entity key
    actors: list[str] = field(default_factory=list)  # entity keys
    articles: list[str] = field(default_factory=list)  # article ids it was derived from
    label: str = ""
    trigger: str = ""
    confidence: float = 0.5
    #: entity keys per role: "actor" (who does it: attacker, protester, speaker) and "target"
    #: (who it is done to: target, victim, detainee); stored as ``mkg:hasAgent``/``mkg:hasTarget``
    roles: dict[str, list[str]] = field(default_factory=dict)
