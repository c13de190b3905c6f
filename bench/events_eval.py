"""Event extraction measured against the development event gold (``../shared/data/events``).

Each gold sentence (UniversalPetrarch) or sentence of a document (WikiEvents, RAMS: the sentence
with the annotated trigger) is built as one article, dated by its gold date when it has one;
mentions come from :func:`kg.nlp.pipeline.find_mentions` and entities from
:func:`kg.link.resolve.resolve_entities`, exactly as in ``kg build``; the types of the event
candidates of that article (:func:`kg.events.extract.article_candidates`) are compared with the
gold types mapped to the nine types of the scheme (the mapping of the data's README, "strict").

Honest scoring:

* predictions count only inside the label space each gold set can express (the Arabic and
  Spanish sets know Attack and Protest only, with killings inside ASSAULT: a predicted Killing
  there counts as Attack; a predicted Meeting there is neither right nor wrong);
* RAMS annotates one event per window, so it gives recall only;
* ``--loose`` adds the README's near-misses (ES MOBILIZE -> Protest, ...) to the gold;
* slices: ``tune`` (sha1 of the record/document id mod 5 != 0) is what the triggers were tuned
  on, ``check`` (mod 5 == 0) is held out for checking; ``all`` is both.

Arguments: for each gold event whose type was predicted, the predicted *primary* actor, target
and place (one each, :attr:`kg.events.extract._Candidate.roles`) against the gold argument text
(a match is a shared content word or containment, after case and Arabic normalisation).

    python bench/events_eval.py                  # all sets, slices tune/check/all
    python bench/events_eval.py --slice check --show-errors 20 --set es
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.article import Article  # noqa: E402
from kg.text.keys import normalize_arabic  # noqa: E402

GOLD = (ROOT / ".." / "shared" / "data" / "events").resolve()
CACHE = Path("/tmp/mkg_events_eval")

#: the label space of each gold set, and the predictions it folds into another type
SPACE = {
    "ar": ({"Attack", "Protest"}, {"Killing": "Attack"}),
    "es": ({"Attack", "Protest"}, {"Killing": "Attack"}),
    "wikievents": ({"Attack", "Killing", "Protest", "Meeting", "Statement", "Arrest"}, {}),
    "rams": ({"Attack", "Killing", "Protest", "Meeting", "Statement", "Agreement", "Election",
              "Arrest", "Sanctions"}, {}),
}
ACTOR_ROLES = {"attacker", "killer", "demonstrator", "jailer", "communicator", "participant",
               "preventer", "voter", "agent"}
TARGET_ROLES = {"target", "victim", "detainee"}


@dataclass
class Unit:
    """One gold sentence built as one article."""

    uid: str
    group: str  # what the slice is drawn by (record id, document id)
    gset: str  # ar, es, wikievents, rams
    lang: str
    text: str
    published: datetime | None
    gold: set[str]  # strict types
    loose: set[str] = field(default_factory=set)  # extra types accepted with --loose
    #: (type, actor|target|place, text, name): ``name`` is :func:`is_name` of the gold argument
    #: (None where case says nothing: Arabic)
    args: list[tuple[str, str, str, bool | None]] = field(default_factory=list)
    #: a gold trigger is not in the text: the record is a cut fragment ("BOGOR, Indonesia:"
    #: annotated with "protestas"), left out unless ``--keep-cut``
    cut: bool = False

    @property
    def slice(self) -> str:
        return "check" if int(hashlib.sha1(self.group.encode()).hexdigest(), 16) % 5 == 0 else "tune"


# --------------------------------------------------------------------------- gold mapping

def cameo_type(code: str) -> str | None:
    """The README's CAMEO mapping (only roots exist in the ES plover set).

    >>> cameo_type("14"), cameo_type("18/19/20"), cameo_type("143_Conduct_strike_or_boycott"), cameo_type("12")
    ('Protest', 'Attack', 'Protest', None)
    """
    code = code.split("_")[0]
    if code == "18/19/20":
        return "Attack"
    if code.startswith("14"):
        return "Protest"
    if code.startswith("01"):
        return "Statement"
    if code in ("040", "042", "043", "044", "046"):
        return "Meeting"
    if code == "057":
        return "Agreement"
    if code == "163":
        return "Sanctions"
    if code == "173":
        return "Arrest"
    if code in ("1823", "186", "202"):
        return "Killing"
    if code in ("18", "180", "182", "183", "185", "19", "190", "193", "194", "195", "196", "200", "204"):
        return "Attack"
    return None


def kairos_type(label: str) -> tuple[str | None, str | None]:
    """(strict, loose) type of a WikiEvents KAIROS label.

    >>> kairos_type("Conflict.Attack.DetonateExplode"), kairos_type("Life.Injure.Unspecified")
    (('Attack', None), (None, 'Killing'))
    """
    if label.startswith("Conflict.Attack"):
        return "Attack", None
    if label.startswith("Life.Die"):
        return "Killing", None
    if label.startswith("Conflict.Demonstrate"):
        return "Protest", None
    if label == "Contact.Contact.Meet":
        return "Meeting", None
    if label == "Contact.RequestCommand.Meet":
        return None, "Meeting"
    if label == "Contact.Contact.Broadcast":
        return "Statement", None
    if label in ("Contact.RequestCommand.Broadcast", "Contact.ThreatenCoerce.Broadcast"):
        return None, "Statement"
    if label.startswith("Justice.ArrestJailDetain"):
        return "Arrest", None
    if label.startswith("Life.Injure"):  # not in the README's mapping; our Killing covers wounded
        return None, "Killing"
    return None, None


def rams_type(label: str) -> tuple[str | None, str | None]:
    """(strict, loose) type of a RAMS ``coarse.fine.mode`` label.

    >>> rams_type("conflict.attack.airstrikemissilestrike"), rams_type("life.die.n/a")
    (('Attack', None), (None, 'Killing'))
    >>> rams_type("contact.discussion.meet"), rams_type("contact.prevarication.meet")
    (('Meeting', None), (None, 'Meeting'))
    """
    coarse, fine, mode = (label.split(".") + ["", ""])[:3]
    cf = f"{coarse}.{fine}"
    if cf == "conflict.attack":
        return "Attack", None
    if label == "life.die.deathcausedbyviolentevents":
        return "Killing", None
    if label == "life.die.n/a":
        return None, "Killing"
    if cf == "conflict.demonstrate":
        return "Protest", None
    if cf in ("contact.discussion", "contact.negotiate") and mode == "meet":
        return "Meeting", None
    if coarse == "contact" and mode == "meet":
        return None, "Meeting"
    if cf in ("contact.publicstatementinperson", "contact.mediastatement"):
        return "Statement", None
    if coarse == "contact" and mode == "broadcast":
        return None, "Statement"
    if cf == "government.agreements" and fine != "violateagreement" and mode != "violateagreement":
        return "Agreement", None
    if cf in ("personnel.elect", "government.vote"):
        return "Election", None
    if cf == "justice.arrestjaildetain":
        return "Arrest", None
    if coarse == "transaction" and mode == "embargosanction":
        return "Sanctions", None
    return None, None


def _role(name: str) -> str | None:
    name = re.sub(r"^evt\d+arg\d+", "", name).casefold()
    if name in ACTOR_ROLES:
        return "actor"
    if name in TARGET_ROLES:
        return "target"
    if name == "place":
        return "place"
    return None


def in_text(trigger: str, text: str) -> bool:
    """A (contiguous) gold trigger occurs in the text, up to case, accents and punctuation.

    >>> in_text("la enérgica protesta", "MOSCU - El embajador argentino fue"), in_text("Protestó", "y protesto.")
    (False, True)
    """
    def norm(t: str) -> str:
        t = "".join(c for c in unicodedata.normalize("NFD", t.casefold()) if unicodedata.category(c) != "Mn")
        return re.sub(r"\W+", " ", t).strip()
    return norm(trigger) in norm(text)


#: capitalised words that are not names: pronouns and determiners (at the start of a clause or quote)
NOT_NAMES = {
    "en": {"i", "he", "she", "it", "we", "they", "you", "him", "her", "them", "us", "his", "its",
           "their", "our", "my", "your", "who", "whom", "this", "that", "these", "those", "the", "a",
           "an", "some", "many", "most", "all", "both", "each", "one", "several", "two", "three"},
    "es": {"él", "ella", "ellos", "ellas", "nosotros", "usted", "ustedes", "yo", "le", "les", "lo",
           "este", "esta", "estos", "estas", "ese", "esa", "esos", "esas", "el", "la", "los", "las",
           "un", "una", "unos", "unas", "su", "sus", "quien", "quienes", "miles", "cientos", "decenas",
           "varios", "varias", "todos", "algunos"},
}
#: tokens after which a capital does not mark a name (a sentence, clause or quotation begins: a
#: WikiEvents "sentence" may hold several, or follow a web page's "Close ×")
_OPENERS = {".", "!", "?", ";", '"', "“", "‘", "'", ":", "(", "-", "--", "—", "``", "«", "×"}


def is_name(tokens: list[str], start: int, end: int, lower: set[str], lang: str) -> bool:
    """A gold argument ``tokens[start:end]`` of a sentence is a name.

    Rule: some token of the argument starts with a capital letter and, if only its first letter is
    a capital, it is not a pronoun or determiner (:data:`NOT_NAMES`: "They", "The"; "US" and "WHO"
    stay names) and, when it opens a sentence or a quotation (first token, or after sentence-final
    punctuation, a quote, colon, bracket or dash: :data:`_OPENERS`), its lower-case form occurs nowhere in the set's text (``lower``):
    "Militants attacked" is not a name, "Russia said" and "ISIS claimed" are. A demonym or title
    counts ("A Chinese official", "General"). WikiEvents' ``mention_type`` cannot tell (it is
    ``UNK`` on all 2,256 entity mentions).

    >>> low = {"militants", "the", "police"}
    >>> is_name(["Militants", "attacked", "the", "station"], 0, 1, low, "en")
    False
    >>> is_name(["Russia", "said"], 0, 1, low, "en"), is_name(["the", "Kurdish", "police"], 0, 3, low, "en")
    (True, True)
    >>> is_name(["He", "said"], 0, 1, low, "en"), is_name(["by", "the", "general"], 1, 3, low, "en")
    (False, False)
    >>> is_name(["calls", "on", "the", "WHO"], 3, 4, low, "en")
    True
    """
    for i in range(start, end):
        tok = tokens[i]
        if not tok[:1].isupper():
            continue
        capital_only = tok[1:] == tok[1:].lower()  # "They", not "US" or "WHO"
        if capital_only and tok.casefold() in NOT_NAMES.get(lang, set()):
            continue
        opens = i == 0 or tokens[i - 1] in _OPENERS
        if opens and capital_only and tok.casefold() in lower:
            continue
        return True
    return False


def _lower_words(texts: list[str]) -> set[str]:
    """Every word written in lower case somewhere in ``texts``."""
    return {w for t in texts for w in re.findall(r"\w+", t) if w.islower()}


def _toks(text: str) -> list[str]:
    return re.findall(r"\w+|[^\w\s]", text)


def _find(seq: list[str], sub: list[str]) -> int:
    """First index of ``sub`` in ``seq`` (exact, then up to case), -1 when absent."""
    for fold in (lambda t: t, str.casefold):
        a, b = [fold(t) for t in seq], [fold(t) for t in sub]
        for i in range(len(a) - len(b) + 1):
            if b and a[i:i + len(b)] == b:
                return i
    return -1


def _text_name(text: str, arg: str, lower: set[str], lang: str) -> bool:
    """:func:`is_name` of an argument given as text only (UniversalPetrarch): located in the
    sentence's tokens; when it cannot be found, its own first token counts as opening."""
    toks, sub = _toks(text), _toks(arg)
    i = _find(toks, sub)
    if i < 0:
        return is_name(sub, 0, len(sub), lower, lang)
    return is_name(toks, i, i + len(sub), lower, lang)


def _day(value: str | None) -> datetime | None:
    if value and re.fullmatch(r"\d{8}", value):
        return datetime(int(value[:4]), int(value[4:6]), int(value[6:]), 12, tzinfo=UTC)
    return None


def load_units(gold: Path = GOLD) -> list[Unit]:
    """Every gold set as :class:`Unit` records."""
    units: list[Unit] = []
    es_lower = _lower_words([json.loads(line)["text"] for name in ("upetrarch_es_protest_plover_dev.jsonl",
                                                                    "upetrarch_es_protest_cameo_round4_dev.jsonl")
                             for line in (gold / name).read_text(encoding="utf-8").splitlines()])
    wiki = [json.loads(line) for line in (gold / "wikievents_dev.jsonl").read_text(encoding="utf-8").splitlines()]
    rams = [json.loads(line) for line in (gold / "rams_dev.jsonlines").read_text(encoding="utf-8").splitlines()]
    # one English lower-case vocabulary for both English sets
    en_lower = _lower_words([" ".join(d["tokens"]) for d in wiki]
                            + [" ".join(t for s in d["sentences"] for t in s) for d in rams])
    for name, gset in (("upetrarch_ar_gsr_dev_half.jsonl", "ar"),
                       ("upetrarch_es_protest_plover_dev.jsonl", "es"),
                       ("upetrarch_es_protest_cameo_round4_dev.jsonl", "es")):
        for line in (gold / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row.get("evaluate") == "false":
                continue
            u = Unit(row["id"], row["id"], gset, row["lang"], row["text"], _day(row.get("date")), set())

            def name_of(arg: str, text: str = row["text"], gset: str = gset) -> bool | None:
                return None if gset == "ar" else _text_name(text, arg, es_lower, "es")
            if gset == "es" and any(ev.get("eventtext") and not in_text(ev["eventtext"], row["text"])
                                    for ev in row["events"]):
                u.cut = True
            for ev in row["events"]:
                plover = (ev.get("plover") or "").upper()
                if gset == "ar" or plover in ("ASSAULT", "PROTEST"):
                    etype = {"ASSAULT": "Attack", "PROTEST": "Protest"}.get(plover)
                else:
                    etype = cameo_type(ev.get("eventcode") or "") if not plover else None
                if plover == "MOBILIZE":
                    u.loose.add("Protest")
                if etype is None:
                    continue
                u.gold.add(etype)
                if ev.get("sourcetext"):
                    u.args.append((etype, "actor", ev["sourcetext"], name_of(ev["sourcetext"])))
                if ev.get("targettext"):
                    u.args.append((etype, "target", ev["targettext"], name_of(ev["targettext"])))
            for loc in row.get("locations") or ():
                if loc.get("loc_in_sentence") == "true" and loc.get("text") and u.gold:
                    u.args.append((sorted(u.gold)[0], "place", loc["text"], name_of(loc["text"])))
            units.append(u)
    for doc in wiki:
        first = [0]  # document index of each sentence's first token
        for toks, _sent in doc["sentences"]:
            first.append(first[-1] + len(toks))
        ents = {e["id"]: e for e in doc["entity_mentions"]}
        per_sent: dict[int, Unit] = {}
        for i, (_toks, sent) in enumerate(doc["sentences"]):
            per_sent[i] = Unit(f"{doc['doc_id']}#{i}", doc["doc_id"], "wikievents", "en", sent, None, set())
        for ev in doc["event_mentions"]:
            u = per_sent[ev["trigger"]["sent_idx"]]
            strict, loose = kairos_type(ev["event_type"])
            if loose:
                u.loose.add(loose)
            if not strict:
                continue
            u.gold.add(strict)
            for arg in ev["arguments"]:
                role = _role(arg["role"])
                ent = ents.get(arg["entity_id"])
                if role and ent and ent["sent_idx"] == ev["trigger"]["sent_idx"]:
                    lo = first[ent["sent_idx"]]
                    words = [t[0] for t in doc["sentences"][ent["sent_idx"]][0]]
                    name = is_name(words, ent["start"] - lo, ent["end"] - lo, en_lower, "en")
                    u.args.append((strict, role, arg["text"], name))
        units.extend(per_sent.values())
    for doc in rams:
        bounds, pos = [], 0
        for sent in doc["sentences"]:
            bounds.append((pos, pos + len(sent)))
            pos += len(sent)
        start, _end, [[label, _p]] = doc["evt_triggers"][0]
        si = next(i for i, (a, b) in enumerate(bounds) if a <= start < b)
        lo, hi = bounds[si]
        tokens = doc["sentences"][si]
        strict, loose = rams_type(label)
        u = Unit(doc["doc_key"], doc["doc_key"], "rams", "en", _detok(tokens), None,
                 {strict} if strict else set(), {loose} if loose else set())
        if strict:
            flat = [t for s in doc["sentences"] for t in s]
            for _trig, (a, b), role_name in doc["gold_evt_links"]:
                role = _role(role_name)
                if role and lo <= a and b < hi:
                    name = is_name(tokens, a - lo, b + 1 - lo, en_lower, "en")
                    u.args.append((strict, role, " ".join(flat[a:b + 1]), name))
        units.append(u)
    return units


def _detok(tokens: list[str]) -> str:
    text = " ".join(tokens)
    text = re.sub(r" ([.,:;!?%)\]])", r"\1", text)
    text = re.sub(r"([(\[$]) ", r"\1", text)
    return re.sub(r" (n't|'s|'re|'ve|'ll|'d)\b", r"\1", text)


# --------------------------------------------------------------------------- prediction

def mentions_for(units: list[Unit]) -> dict[str, list]:
    """Mentions of every unit (``kg.nlp.pipeline.find_mentions``), cached under /tmp."""
    from kg.nlp.pipeline import find_mentions

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / "mentions.pkl"
    cache: dict[str, list] = pickle.loads(path.read_bytes()) if path.exists() else {}
    changed = False
    out = {}
    for u in units:
        k = hashlib.sha1(f"{u.lang}\0{u.text}".encode()).hexdigest()
        if k not in cache:
            cache[k] = find_mentions(u.text, u.lang)
            changed = True
        out[u.uid] = cache[k]
    if changed:
        path.write_bytes(pickle.dumps(cache))
    return out


def predict(units: list[Unit]) -> tuple[dict[str, list], float]:
    """Candidates per unit (and the seconds event extraction took, NER and linking excluded)."""
    from kg.events.extract import article_candidates
    from kg.link.resolve import resolve_entities

    ments = mentions_for(units)
    # an undated gold set (WikiEvents, RAMS) gets a nominal date: an undated article has no events
    nominal = datetime(2020, 1, 1, 12, tzinfo=UTC)
    docs = [(Article(id=u.uid, title="", body=u.text, language=u.lang, published=u.published or nominal),
             ments[u.uid]) for u in units]
    res = resolve_entities(docs)
    t0 = time.perf_counter()
    out = {a.id: article_candidates(a, m, res) for a, m in docs}
    return out, time.perf_counter() - t0


# --------------------------------------------------------------------------- scoring

#: an acronym written with dots ("U.S.", "U.N."): one token, as "US", "UN"
_DOTTED = re.compile(r"\b(?:[A-Z]\.){2,}")


def _words(text: str, short: bool = True) -> set[str]:
    """Content words of an argument, case-folded: words of three letters or more (not "the",
    "los", …), and shorter ones written in capitals ("US", "UN", "EU", "IS"; "U.S." as "US"),
    which are names, not function words ("de", "la", "of", "He" stay out).

    >>> sorted(_words("the US")), sorted(_words("U.S. forces")), sorted(_words("El gobierno de la UE"))
    (['us'], ['forces', 'us'], ['gobierno', 'ue'])
    >>> sorted(_words("He")), sorted(_words("of us"))
    ([], [])
    """
    text = _DOTTED.sub(lambda m: m.group(0).replace(".", "") + " ", text)
    text = normalize_arabic(text)
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    out = set()
    for raw in re.findall(r"\w+", text):
        w = raw.casefold()
        if len(w) >= 3 and w not in {"the", "los", "las", "del", "and"}:
            out.add(w[2:] if w.startswith("ال") and len(w) > 4 else w)
        elif short and len(raw) == 2 and raw.isupper():  # an acronym: "US" matches "US", "UN" "UN"
            out.add(w)
    return out


def arg_match(gold: str, pred: str) -> bool:
    """A predicted argument matches a gold one: containment or a shared content word (a short
    one only when written in capitals in both: :func:`_words`).

    >>> arg_match("gobierno de Israel", "Israel"), arg_match("المتظاهرون", "متظاهرون"), arg_match("los estudiantes", "Policía")
    (True, True, False)
    >>> arg_match("US", "US"), arg_match("the UN", "UN Security Council"), arg_match("U.S.", "US"), arg_match("us", "US")
    (True, True, True, False)
    """
    g, p = _words(gold), _words(pred)
    # containment as before: only for a prediction with a long word ("us" does not contain "US")
    return bool(g & p) or (bool(_words(pred, short=False)) and
                           normalize_arabic(pred).casefold() in normalize_arabic(gold).casefold())


def score(units: list[Unit], preds: dict[str, list], loose: bool = False) -> dict:
    """Type P/R/F1 (micro over sentences and types), per-type recall, argument accuracy."""
    tp = fp = fn = 0
    per_type: dict[str, Counter] = defaultdict(Counter)
    arg_ok: Counter = Counter()
    arg_all: Counter = Counter()
    errors: list[tuple[Unit, set, set]] = []
    for u in units:
        space, fold = SPACE[u.gset]
        cands = preds.get(u.uid, [])
        got = {fold.get(c.event_type, c.event_type) for c in cands} & space
        gold = set(u.gold) | (u.loose if loose else set())
        if u.gset == "rams":  # recall only: one annotated event per window
            got &= gold
        else:
            # a loose near-miss is neither right nor wrong in strict scoring
            got -= (u.loose - u.gold) if not loose else set()
        tp += len(got & gold)
        fp += len(got - gold)
        fn += len(gold - got)
        for t in gold:
            per_type[t]["gold"] += 1
            per_type[t]["found"] += t in got
        if got != gold:
            errors.append((u, gold, got))
        for etype, role, text, name in u.args:
            # "role" counts every gold argument; "role#name" only names (is_name), "role#other" the rest
            keys = [role] + ([] if name is None else [role + ("#name" if name else "#other")])
            for key in keys:
                arg_all[key] += 1
            if etype not in got:
                continue
            for key in keys:
                arg_all[key + "@found"] += 1
            match = [c for c in cands if fold.get(c.event_type, c.event_type) == etype]
            preds_role = [c.roles.get(role, [None])[0] for c in match if c.roles.get(role)]
            if preds_role and arg_match(text, preds_role[0][1]):
                for key in keys:
                    arg_ok[key] += 1
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "p": p, "r": r, "f1": f, "per_type": per_type,
            "arg_ok": arg_ok, "arg_all": arg_all, "errors": errors}


def report(name: str, s: dict, precision: bool = True) -> str:
    """One block of figures."""
    lines = []
    if precision:
        lines.append(f"{name:<26} P {s['p']:.3f}  R {s['r']:.3f}  F1 {s['f1']:.3f}"
                     f"   (tp {s['tp']}, fp {s['fp']}, fn {s['fn']})")
    else:
        lines.append(f"{name:<26} R {s['r']:.3f}   (recall only: found {s['tp']} of {s['tp'] + s['fn']})")
    lines.append("    per-type recall: " + ", ".join(
        f"{t} {c['found']}/{c['gold']}" for t, c in sorted(s["per_type"].items())))
    roles = [r for r in ("actor", "target", "place") if s["arg_all"][r]]
    if roles:
        lines.append("    arguments (correct / gold args of found events; of all gold args): " + ", ".join(
            f"{r} {s['arg_ok'][r]}/{s['arg_all'][r + '@found']}"
            f" = {s['arg_ok'][r] / max(s['arg_all'][r + '@found'], 1):.2f}"
            f" ({s['arg_ok'][r]}/{s['arg_all'][r]})" for r in roles))
        named = [r for r in roles if s["arg_all"][r + "#name"] + s["arg_all"][r + "#other"]]
        if named:
            lines.append("    where gold has a name (same, gold names only): " + ", ".join(
                f"{r} {s['arg_ok'][r + '#name']}/{s['arg_all'][r + '#name@found']}"
                f" = {s['arg_ok'][r + '#name'] / max(s['arg_all'][r + '#name@found'], 1):.2f}"
                f" ({s['arg_ok'][r + '#name']}/{s['arg_all'][r + '#name']})" for r in named)
                + "; names among gold args: " + ", ".join(
                f"{r} {s['arg_all'][r + '#name']}/{s['arg_all'][r]}" for r in named))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--slice", choices=["tune", "check", "all"], action="append")
    ap.add_argument("--set", choices=["ar", "es", "wikievents", "rams"], action="append")
    ap.add_argument("--loose", action="store_true", help="accept the README's near-miss labels too")
    ap.add_argument("--keep-cut", action="store_true",
                    help="keep the Spanish records whose gold trigger is not in their text (cut fragments)")
    ap.add_argument("--show-errors", type=int, default=0, help="print N wrong sentences per set")
    ap.add_argument("--show-arg-errors", type=int, default=0,
                    help="print N wrong arguments per set (tune slice; found events only)")
    ap.add_argument("--role", choices=["actor", "target", "place"], action="append",
                    help="with --show-arg-errors: only these roles")
    args = ap.parse_args(argv)
    if not GOLD.is_dir():
        print(f"event gold absent at {GOLD}", file=sys.stderr)
        return 1
    units = load_units()
    if not args.keep_cut:
        cut = Counter(u.gset for u in units if u.cut)
        units = [u for u in units if not u.cut]
        print("left out, gold trigger not in the text: " + ", ".join(f"{g} {n}" for g, n in sorted(cut.items())))
    if args.set:
        units = [u for u in units if u.gset in args.set]
    preds, secs = predict(units)
    print(f"{len(units)} gold sentences; event extraction {secs:.2f}s"
          f" ({1000 * secs / max(len(units), 1):.2f} ms/sentence)")
    for sl in args.slice or ["tune", "check", "all"]:
        chosen = [u for u in units if sl == "all" or u.slice == sl]
        print(f"\n== slice {sl} ({len(chosen)} sentences){' loose' if args.loose else ''}")
        for gset, label in (("ar", "ar (UPetrarch GSR)"), ("es", "es (UPetrarch protest)"),
                            ("wikievents", "en (WikiEvents)"), ("rams", "en (RAMS)")):
            part = [u for u in chosen if u.gset == gset]
            if part:
                print(report(f"{label} n={len(part)}", score(part, preds, args.loose), gset != "rams"))
    if args.show_errors:
        for gset in sorted({u.gset for u in units}):
            errs = score([u for u in units if u.gset == gset and u.slice == "tune"], preds, args.loose)["errors"]
            print(f"\n-- {gset}: {len(errs)} wrong (tune slice), first {args.show_errors}")
            for u, gold, got in errs[:args.show_errors]:
                trig = [(c.event_type, c.trigger) for c in preds.get(u.uid, [])]
                print(f"  gold {sorted(gold)} got {sorted(got)} {trig} | {u.text[:220]}")
    if args.show_arg_errors:
        for gset in sorted({u.gset for u in units}):
            errs = arg_errors([u for u in units if u.gset == gset and u.slice == "tune"], preds,
                              set(args.role or ("actor", "target", "place")), args.loose)
            print(f"\n-- {gset}: {len(errs)} wrong arguments (tune slice), first {args.show_arg_errors}")
            for u, etype, role, text, name, got in errs[:args.show_arg_errors]:
                tag = {True: "name", False: "other", None: "-"}[name]
                print(f"  {u.uid} {etype} {role} [{tag}] gold {text!r} got {got!r} | {u.text[:300]}")
    return 0


def arg_errors(units: list[Unit], preds: dict[str, list], roles: set[str], loose: bool = False) -> list:
    """Gold arguments of found events whose predicted primary argument does not match, as
    ``(unit, type, role, gold text, is name, predicted surface or None)``."""
    out = []
    for u in units:
        space, fold = SPACE[u.gset]
        cands = preds.get(u.uid, [])
        got = {fold.get(c.event_type, c.event_type) for c in cands} & space
        for etype, role, text, name in u.args:
            if role not in roles or etype not in got:
                continue
            match = [c for c in cands if fold.get(c.event_type, c.event_type) == etype]
            found = [c.roles.get(role, [None])[0] for c in match if c.roles.get(role)]
            if not (found and arg_match(text, found[0][1])):
                out.append((u, etype, role, text, name, found[0][1] if found else None))
    return out


if __name__ == "__main__":
    raise SystemExit(main())
