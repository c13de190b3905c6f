"""Who did it, when no entity says so: the noun phrase that acts in a Spanish or English sentence.

No Spanish dependency parser is installed (spaCy ships only an English model here), so the
subject is found by position and function words, the way a reader skims:

* a nominal trigger followed by "de"/"del"/"por parte de" names its agents after it ("protestas
  de los conductores", "la huelga del sindicato");
* a verb trigger has its subject right before it, in the same clause ("El gobierno de Teherán
  protestó", "unos 1.000 alumnos se manifestaron");
* a trigger that is only the motive of the main clause ("en protesta por", "para protestar
  contra") belongs to the subject that opens the sentence ("La Unión Europea acordó represalias
  ... en protesta por la ley");
* in English, an agent after "by" ("an attack by a gunman", "killed by Israeli forces") and the
  subject of an active verb trigger ("The Kremlin launched its air strikes" is not one: only the
  phrase right before the trigger counts).

Each function returns the ``(start, end)`` of a short phrase (at most :data:`MAX_WORDS` words) in
the text, or ``None``.
"""

from __future__ import annotations

import re

#: The longest phrase returned, in words (a head and its modifiers, not a whole clause).
MAX_WORDS = 4

_DET = r"(?:la|el|los|las|un|una|unos|unas|algunos|algunas|varios|varias|sus?|este|esta|estos|estas)"
#: Words after "de" that are no agent: what kind of protest, how long, which day.
_NOT_AGENT = re.compile(
    r"(?:protestas?|hambre|apoyo|repudio|solidaridad|advertencia|brazos|fuerza|calles?|rutas?|"
    r"carreteras?|\d[\d.,]*|horas?|d[ií]as?|semanas?|meses|años|lunes|martes|mi[ée]rcoles|jueves|"
    r"viernes|s[áa]bado|domingo|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|"
    r"octubre|noviembre|diciembre|ayer|hoy|manera|forma|medidas?|tipo|magnitud|gran|masivas?|"
    r"acuerdo|ley|decisi[óo]n|alza|aumento|reforma|gobierno\s+de\s+\w+)\b", re.IGNORECASE)
#: Words that end a phrase: prepositions other than "de", verbs of being, subordinators.
_STOP = re.compile(
    r"^(?:en|contra|por|para|a|al|con|sin|sobre|tras|desde|hasta|ante|frente|durante|que|quien|"
    r"quienes|cuando|donde|mientras|porque|como|si|no|se|ha|han|hab[ií]a|fue|fueron|es|son|era|"
    r"eran|est[áa]n?|y|e|o|u|también|tambien|tampoco|incluso)$", re.IGNORECASE)
#: A finite verb form (past, imperfect, future, a few presents): the end of a subject phrase.
_VERB = re.compile(r"^\w+(?:ó|aron|ieron|aban|ían|ará|erá|irá|arán|erán|irán)$", re.IGNORECASE)
#: Clause openers: the subject of a verb trigger comes after the last of these.
_CLAUSE = re.compile(r"[,;:()\"«»“”]|\s[-–—]\s|\b(?:que|quienes?|cuando|donde|mientras|porque|"
                     r"aunque|si|tras|pero|sino)\b", re.IGNORECASE)
#: Adverbials between a subject and its verb ("se", "no", "este lunes", "enérgicamente").
_ADVERBIAL = re.compile(
    r"(?:\s+(?:se|no|ya|también|tambien|hoy|ayer|anoche|\w+mente|(?:este|esta|el|la)\s+"
    r"(?:lunes|martes|mi[ée]rcoles|jueves|viernes|s[áa]bado|domingo|semana|mañana|noche|tarde)))+\s*$",
    re.IGNORECASE)
#: A nominal trigger: preceded by an article, a determiner or a preposition.
_NOMINAL_BEFORE = re.compile(rf"\b(?:{_DET}|de|en|por|a|nuevas?|otras?|airadas?|violentas?|"
                             r"masivas?|ola|serie|jornada|campaña|medida|señal|oleada)\s+$", re.IGNORECASE)
#: A trigger that is the motive of the main clause, not its event.
_MOTIVE_BEFORE = re.compile(r"\b(?:en|como|para|en señal de|como medida de|a modo de)\s+$", re.IGNORECASE)
#: A dateline ("LA PAZ, Abr 3 (AFP) -", "PARIS -") or a leading adverbial ("El viernes,").
_LEAD = re.compile(r"^(?:[^a-záéíóúñ]*?\(AFP\)\s*[-–—]\s*|[A-ZÁÉÍÓÚÑ .,-]{3,}\s[-–—]\s*)")
_LEAD_ADVERBIAL = re.compile(
    r"^(?:(?:en|por|durante|tras|desde|seg[úu]n|sin|pero|además|mientras|a raíz de|horas|minutos|"
    r"d[ií]as|poco|(?:el|la) pasad[oa]|(?:el|la) [úu]ltim[oa])\b[^,]{0,60}|"
    r"(?:el|este|esta|la)\s+(?:lunes|martes|mi[ée]rcoles|jueves|viernes|s[áa]bado|domingo|noche|tarde|"
    r"mañana)\b[^,]{0,30}),\s*", re.IGNORECASE)


def _words(text: str, start: int) -> list[tuple[int, int, str]]:
    return [(start + m.start(), start + m.end(), m.group()) for m in re.finditer(r"[\w.'’-]+", text)]


def _phrase(words: list[tuple[int, int, str]]) -> tuple[int, int] | None:
    """The leading noun phrase of ``words``: up to a stop word or a verb, at most MAX_WORDS."""
    out = []
    for s, e, w in words:
        if out and (_STOP.match(w) and w.lower() not in ("y", "e")) or (_VERB.match(w) and w.islower()):
            break
        if not out and _STOP.match(w):
            return None
        out.append((s, e, w))
        if len(out) == MAX_WORDS:
            break
    while out and _STOP.match(out[-1][2]):
        out.pop()
    if not out or not any(len(w) >= 3 and not w[0].isdigit() for _, _, w in out):
        return None
    return out[0][0], out[-1][1]


def nominal(text: str, t_start: int, t_end: int | None = None) -> bool:
    """Whether the trigger at ``t_start`` is a noun: after an article or a preposition, or a
    plural or a "-ción" noun ("disturbios", "manifestaciones": no verb form of news ends so).

    >>> s = "la protesta de los taxistas"; nominal(s, s.index("protesta"))
    True
    >>> s = "Greenpeace protesta en Italia"; nominal(s, s.index("protesta"))
    False
    >>> s = "los saqueos y disturbios"; nominal(s, s.index("disturbios"), len(s))
    True
    """
    if t_end is not None and re.search(r"(?:[^n]s|ci[oó]n)$", text[t_start:t_end].split()[0], re.IGNORECASE):
        return True
    return bool(_NOMINAL_BEFORE.search(text[max(0, t_start - 30):t_start]))


def genitive_agent(text: str, t_end: int, s_end: int) -> tuple[int, int] | None:
    """The agent named after a nominal trigger by "de"/"del"/"por parte de".

    >>> s = "generó protestas de conductores poco alertados"
    >>> a, b = genitive_agent(s, s.index("protestas") + 9, len(s)); s[a:b]
    'conductores poco alertados'
    >>> s = "una huelga de hambre de los presos"; genitive_agent(s, s.index("huelga") + 6, len(s)) is None
    True
    """
    rest = text[t_end:s_end]
    m = re.match(rf"\s*(?:\w+\s+)?(?:de|del|por parte de)\s+(?:(?:{_DET})\s+)?", rest, re.IGNORECASE)
    if not m or _NOT_AGENT.match(rest[m.end():]):
        return None
    return _phrase(_words(rest[m.end():], t_end + m.end()))


def subject_before(text: str, s_start: int, t_start: int) -> tuple[int, int] | None:
    """The subject of a verb trigger: the phrase right before it in its clause.

    >>> s = "El viernes, unos 1.000 alumnos se manifestaron para exigir"
    >>> a, b = subject_before(s, 0, s.index("se manifestaron")); s[a:b]
    'unos 1.000 alumnos'
    >>> s = "dijo que cuando protestaron"; subject_before(s, 0, s.index("protestaron")) is None
    True
    """
    left = text[s_start:t_start]
    left = left[:_ADVERBIAL.search(left).start()] if _ADVERBIAL.search(left) else left.rstrip()
    cut = max((m.end() for m in _CLAUSE.finditer(left)), default=0)
    chunk = left[cut:]
    words = _words(chunk, s_start + cut)
    if not words or len(words) > 8:
        return None
    if _STOP.match(words[0][2]):  # "En Teherán varios miles": skip a leading prepositional word
        return None
    return _phrase(words)  # the head leads: "Reservistas del ejército yugoslavo de regreso de Kosovo"


def sentence_subject(text: str, s_start: int, t_start: int) -> tuple[int, int] | None:
    """The subject that opens the sentence (for a motive trigger: "... en protesta por").

    >>> s = "Varios expertos nucleares estadounidenses adelantaron el reloj en protesta"
    >>> a, b = sentence_subject(s, 0, s.index("protesta")); s[a:b]
    'Varios expertos nucleares estadounidenses'
    >>> s = "MADRID (AFP) - El Parlamento griego rechazó la moción para protestar"
    >>> a, b = sentence_subject(s, 0, s.index("protestar")); s[a:b]
    'El Parlamento griego'
    """
    left = text[s_start:t_start]
    lead = _LEAD.match(left)
    off = lead.end() if lead else 0
    adv = _LEAD_ADVERBIAL.match(left[off:])
    off += adv.end() if adv else 0
    return _phrase(_words(left[off:], s_start + off))


def motive(text: str, t_start: int) -> bool:
    """Whether the trigger is the motive of the main clause ("en protesta", "para protestar").

    >>> s = "suspendieron sus actividades en protesta por"; motive(s, s.index("protesta"))
    True
    """
    return bool(_MOTIVE_BEFORE.search(text[max(0, t_start - 20):t_start]))


_STOP_EN = re.compile(
    r"^(?:in|on|at|for|with|to|from|into|over|during|after|before|since|near|of|that|which|who|whom|"
    r"whose|when|where|while|because|as|if|not|has|have|had|was|were|is|are|be|been|being|also|"
    r"reportedly|allegedly|said|says|and|or|but|then|later|yesterday|today)$", re.IGNORECASE)
#: Words before an English verb trigger that make it passive or no finite verb of the clause.
_PASSIVE_EN = re.compile(r"\b(?:was|were|been|being|be|is|are|get|got|to)\s+(?:\w+ly\s+)?$", re.IGNORECASE)


def _phrase_en(words: list[tuple[int, int, str]]) -> tuple[int, int] | None:
    out = []
    for s, e, w in words:
        if _STOP_EN.match(w) and not (out and w.lower() == "and"):
            break
        if w.islower() and re.search(r"ed$", w):
            break
        out.append((s, e, w))
        if len(out) == MAX_WORDS:
            break
    while out and _STOP_EN.match(out[-1][2]):
        out.pop()
    if not out or not any(len(w) >= 2 and w[0].isalpha() for _, _, w in out):
        return None
    return out[0][0], out[-1][1]


def by_agent_en(text: str, t_end: int, s_end: int) -> tuple[int, int] | None:
    """The agent after "by" ("an attack by a gunman", "was detained by intelligence forces").

    >>> s = "the deadliest attack by a gunman in our history"
    >>> a, b = by_agent_en(s, s.index("attack") + 6, len(s)); s[a:b]
    'a gunman'
    """
    m = re.match(r"\s*(?:[\w-]+\s+){0,3}?by\s+", text[t_end:s_end], re.IGNORECASE)
    if not m:
        return None
    return _phrase_en(_words(text[t_end + m.end():s_end], t_end + m.end()))


def subject_before_en(text: str, s_start: int, t_start: int) -> tuple[int, int] | None:
    """The subject of an active English verb trigger: the phrase right before it, in its clause.

    >>> s = "On the morning of 1 March 2019, Taliban gunmen and suicide bombers attacked Camp Shorabak"
    >>> a, b = subject_before_en(s, 0, s.index("attacked")); s[a:b]
    'Taliban gunmen and suicide'
    >>> s = "Three soldiers were killed"; subject_before_en(s, 0, s.index("killed")) is None
    True
    """
    left = text[s_start:t_start]
    if _PASSIVE_EN.search(left):
        return None
    cut = max((m.end() for m in re.finditer(r"[,;:()\"“”]|\b(?:that|which|who|when|where|while|after|"
                                              r"before|because|and then)\b", left, re.IGNORECASE)), default=0)
    words = _words(left[cut:], s_start + cut)
    if not words or len(words) > 6 or _STOP_EN.match(words[0][2]):
        return None
    return _phrase_en(words)


def nominal_en(text: str, t_start: int) -> bool:
    """An English trigger after an article, a possessive or a preposition is a noun.

    >>> s = "the attacked convoy"; nominal_en(s, s.index("attacked"))
    True
    """
    return bool(re.search(r"\b(?:the|a|an|this|that|its|their|his|her|of|in|after|before)\s+$",
                          text[max(0, t_start - 12):t_start], re.IGNORECASE))
