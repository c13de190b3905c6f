"""Event types (the ``mkg:EventTypeScheme`` SKOS concepts) and their trigger terms in en/ar/es.

The concepts are declared with labels in ``ontologies/events.ttl``; this registry is what the
extractor matches. A trigger is a regular expression over the sentence (Arabic sentences are
normalised first, see :func:`kg.text.keys.normalize_arabic`); the ``\\w*`` tails let one stem
cover inflections ("strike", "strikes", "struck" is listed apart).

>>> EVENT_TYPES["Attack"].iri
'https://w3id.org/mkg/ontology#Attack'
>>> find_triggers("Israeli air strikes hit Khan Younis on Monday", "en")[0][:2]
('Attack', 'air strikes')
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from kg.text.arabic import normalize_with_offsets
from kg.text.keys import normalize_arabic

MKG = "https://w3id.org/mkg/ontology#"


@dataclass(frozen=True)
class EventType:
    """One concept of the scheme: labels per language and trigger patterns per language."""

    name: str
    labels: dict[str, str]
    triggers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    definition: str = ""

    @property
    def iri(self) -> str:
        return MKG + self.name


def _t(**langs: str) -> dict[str, tuple[str, ...]]:
    return {lang: tuple(p.strip() for p in pats.split(";") if p.strip()) for lang, pats in langs.items()}


#: The registry: concept local name -> :class:`EventType`. Order matters only for ties.
EVENT_TYPES: dict[str, EventType] = {t.name: t for t in (
    EventType("Attack", {"en": "attack or strike", "ar": "هجوم أو غارة", "es": "ataque o bombardeo"},
              _t(en=r"air ?strikes?; strikes?; struck; attack(?:s|ed)?; bomb(?:s|ed|ing|ings|ardment)?;"
                    r" shell(?:s|ed|ing)?; raids?; missiles? (?:hit|struck|fired); rockets? (?:hit|fired);"
                    r" drone strikes?; fired (?:rockets|missiles); targeted; shot down; invasion; invaded;"
                    r" offensive; explosions?; blasts?; exploded; detonat\w+; shootings?;"
                    r" opened fire; gunmen; suicide bomb\w*; ambush(?:ed)?; assaults?; stormed; assassination attempts?;"
                    r" attempted assassination; bombard(?:s|ed|ing)?; stabbed",
                 ar=r"غار(?:ه|ات); قصف\w*; [يت]قصف\w*; استهداف; استهدف\w*; [يت]ستهدف\w*; هجوم\w*;"
                    r" هجمات\w*; هاجم\w*; [يت]هاجم\w*; مهاجم\w*; اعتداء\w*; اعتدي\w*; [يت]عتدي\w*;"
                    r" ضرب(?:ه|ات); صواريخ; صاروخ\w*; اجتياح; توغل\w*; قذائف; قذيفه; عمليه عسكريه;"
                    r" انفجار\w*; انفجر\w*; تفجير\w*; فجر(?:ت|وا)? (?:نفس\w*|سياره|عبوه|قنبله|حزام);"
                    r" قنبل(?:ه|ات)\w*; عبو(?:ه|ات) ناسف\w*; مفخخ\w*; انتحاري\w*; اشتباك\w*; اشتبك\w*;"
                    r" [يت]شتبك\w*; اقتحام\w*; اقتحم\w*; [يت]قتحم\w*; اطلاق (?:ال)?نار; اطلق\w* (?:ال)?نار;"
                    r" رصاص\w*; كمين; معارك; عمليه انتحاريه; محاول(?:ه|ات) (?:ال)?اغتيال",
                 es=r"ataques?; atac(?:a|an|o|aron|aban|ado|ada|ados|adas|antes?)\b; bombarde\w+; bombas?;"
                    r" ofensiva; misiles?; cohetes?; incursion(?:es)?; atentados?; explosion(?:es)?;"
                    r" explot(?:a|an|o|aron|aba)\b; estall(?:a|o|aron|ido)\b; dispar(?:o|aron|aban|ando|os)\b;"
                    r" tirote\w+; balaceras?; emboscadas?; enfrentamientos?; agresion(?:es)?; agred\w+;"
                    r" apedre\w+; (?:lanz|arroj)\w+ (?:\w+ ){0,4}(?:piedras|huevos|botellas|bombas|molotov|pintura);"
                    r" incendi(?:aron|aban|ado|ados|ada|adas)\b;"
                    # "incendió dos autobuses": folded, the verb is spelt like the noun "incendio", so
                    # only with an object right after it and no determiner before it (the look-behinds
                    # follow the word: tried at every position they would slow every sentence down)
                    r" incendio(?<!\bel incendio)(?<!\bun incendio)(?<!del incendio)(?<!\bal incendio)"
                    r"(?<!gran incendio)(?<!otro incendio)(?<!nuevo incendio)(?<!este incendio)(?<!\bese incendio)"
                    r"(?= (?:dos|tres|cuatro|cinco|varios|varias|decenas|\d+|el|la|los|las|sus?)\b);"
                    r" granadas?; invadi\w+; invasion; asalt(?:o|aron|ado)\b;"
                    r" intentos? de asesinato;"
                    r" violent(?:a|as|o|os) (?:ola |oleada |serie )?(?:de )?(?:protestas?|manifestacion(?:es)?|disturbios|"
                    r"rebelion|revueltas?|enfrentamientos);"
                    r" (?:protestas?|manifestacion(?:es)?|disturbios|rebelion|revueltas?) violent(?:a|as|os)\b"),
              "An armed attack, air strike, bombardment or raid."),
    EventType("Killing", {"en": "killing or casualties", "ar": "قتل أو إصابات", "es": "muertes o víctimas"},
              _t(en=r"killed; killing; kills?; dead; death toll; deaths?; died; wounded; injured;"
                    r" casualties; massacre; martyred; assassinat\w+; homicides?; slain; slaying; slaughter(?:ed|ing)?;"
                    r" murder(?:s|ed|ing)?; massacr(?:es|ed|ing); fatalities; exterminat\w+;"
                    r" claimed (?:the )?li(?:fe|ves)\b",
                 ar=r"استشهاد; استشهد\w*; شهداء; شهيد\w*; مقتل; قتل\w*; [يت]قتل\w*; قتلي; جرحي; جريح;"
                    r" اصاب(?:ه|ات)\w*; اصيب\w*; مجزر(?:ه|ات); اغتيال; اغتال\w*; ضحايا; مصرع; لقي\w* حتف\w*",
                 es=r"muert(?:o|os|a|as|e|es)\b; mur(?:io|ieron)\b; asesinat\w+; asesin(?:o|ado|ada|ados|adas|aron)\b;"
                    r" fallec\w+; heridos?; heridas?; victimas; masacre; homicidios?; mat(?:o|aron|ado|ados)\b;"
                    r" perdieron la vida"),
              "People killed or wounded."),
    EventType("Protest", {"en": "protest", "ar": "احتجاج", "es": "protesta"},
              _t(en=r"protests?; protesters?; protested; protesting; demonstrations?; demonstrators?; rall(?:y|ies);"
                    r" (?-i:march(?:ed|es)?); sit-in; strike action; general strike; riots?; rioters;"
                    r" \d+-(?:hour|day) strike; hunger strikes?; (?:national|nationwide|labou?r|workers'?) strikes?;"
                    r" took to the streets; occupied (?:the )?(?:\w+ )?(?:building|square|bridge|campus|offices|"
                    r"embassy|parliament)",
                 ar=r"تظاهر\w*; [يت]تظاهر\w*; متظاهر\w*; مظاهر(?:ه|ات); احتجاج\w*; احتج(?:وا|ت)?;"
                    r" [يت]حتج\w*; محتج\w*; وقفه احتجاجيه; وقفات? تضامني\w*; اعتصام\w*; اعتصم\w*;"
                    r" [يت]عتصم\w*; معتصم\w*; تجمهر\w*; اضراب\w*; مضرب\w*; عصيان مدني; شغب; هتاف\w*;"
                    r" هتف\w*; [يت]هتف\w*; (?:ردد|رفع|حمل)\w* (?:ال)?(?:هتافات|شعارات|لافتات); لافتات;"
                    r" احتشد\w*; [يت]حتشد\w*; انتفاض\w*; يوم غضب; جاب\w* (?:ال)?شوارع;"
                    r" (?:نزل|خرج)\w* (?:\w+ ){0,3}(?:الي|في) (?:ال)?شوارع;"
                    r" مسير(?:ه|ات) (?:احتجاجي\w*|سلمي\w*|شعبي\w*|حاشد\w*|جماهيري\w*|غاضب\w*|تضامني\w*|العوده|ليلي\w*);"
                    r" تجمع\w* (?:نحو |قرابه |حوالي )?(?:\d+|مئات|الاف|عشرات|حشود|ال?متظاهر\w*|ال?محتج\w*|ال?مواطن\w*|الاهالي|السكان|الطلاب)",
                 es=r"protest(?!ante)\w*; manifestacion(?:es)?; manifestantes?; se manifest\w+;"
                    r" manifestar(?:on|an)? (?:en|contra|frente|ante|por|delante|este|el|la)\b;"
                    r" march(?:a|as|aron|aban|ando|ar)\b; huelga\w*; huelguistas?;"
                    r" paros? (?:nacional|general|civico|indefinido|de \w+|laboral|agrario|camionero)\w*;"
                    r" concentracion(?:es)? (?:de (?:apoyo|protesta|repudio)|frente|ante|en)\b; se concentraron;"
                    r" bloque\w* (?:\w+ ){0,3}(?:rutas|calles|carreteras|caminos|puentes?|accesos|transito|vias|arterias);"
                    r" cortes? de ruta\w*; cacerolazos?; sentadas?; piquetes?; disturbios; desfilaron;"
                    r" bloqueos? relampago\w*;"
                    # "paro" after a determiner is a strike ("promovieron el paro"; unemployment is
                    # "desempleo" or "cesantía" in Latin American Spanish); the look-behinds follow the
                    # word: tried at every "el", "un" they would slow every sentence down
                    r" paros?\b(?:(?<=\bel paro)|(?<=\bun paro)|(?<=\blos paros)|(?<=\bdel paro)|(?<=\bal paro)|"
                    r"(?<=\bsu paro)|(?<=\bsus paros)|(?<=\beste paro)|(?<=\bnuevo paro));"
                    r" (?:organiz|celebr|realiz)(?:aron|an|o|aba|aban|ado|ados|ada|adas) (?:\w+ ){0,2}concentracion(?:es)?\b;"
                    r" ocup(?:aron|an|aban|ando)\b (?:\w+ ){0,2}(?:puentes?|edificios?|sede|plazas?|oficinas|"
                    r"instalaciones|fabricas?|embajada|universidad|iglesia|catedral|carreteras?|alcaldia|ministerio|"
                    r"consulado|tierras|predios?|local)\b;"
                    r" paraliz(?:aron|an|aban)\b (?:\w+ ){0,3}(?:servicios?|labores|actividades|trabajos?|produccion|"
                    r"transporte|clases|hospitales?)\b"),
              "A demonstration, rally or protest."),
    EventType("Meeting", {"en": "meeting or visit", "ar": "لقاء أو زيارة", "es": "reunión o visita"},
              _t(en=r"met (?:with)?; meeting; meets; talks (?:with|in|between); visit(?:s|ed|ing)?;"
                    r" summit; hosted; received (?:the |a )?(?:\w+ )?(?:delegation|envoy|president|minister|"
                    r"prime minister|king|ambassador|leader)s?\b; conven(?:e|ed|es|ing); negotiat(?:ed|ing) with;"
                    r" held talks; (?:peace|ceasefire|direct|bilateral|trilateral) talks",
                 ar=r"التقي; التقت; لقاء; اجتماع(?:ات|ا|ه)?; اجتمع\w*; زيار(?:ه|ات); زار; استقبل\w*; محادثات;"
                    r" قمه",
                 es=r"reunion(?:es)?; reunio; se reuni\w+; visit(?:a|o|aron)?; cumbre; recibio; encuentro"),
              "A meeting, visit, summit or talks."),
    EventType("Statement", {"en": "statement", "ar": "تصريح أو بيان", "es": "declaración"},
              _t(en=r"statement; announced; declared; (?:press|news) conferences?; spokes(?:man|woman|person) said; stating;"
                    r" tweeted; claimed(?= (?:responsibility|that|they|it|the)\b)(?! the li(?:fe|ves)\b);"
                    # a closing attribution ("..., Al-Monitor reported."): a media statement; a passive
                    # one names no speaker ("Little damage was reported."; look-behinds after the word)
                    r" reported(?<!was reported)(?<!were reported)(?<!been reported)(?<!\bis reported)"
                    r"(?<!are reported)(?<!\bbe reported)(?<!widely reported)(?<!credibly reported)"
                    r"(?<!first reported)(?<!also reported)(?=\W{0,3}$)",
                 ar=r"بيان; اعلن\w*; صرح\w*; تصريح(?:ات)?; مؤتمر صحفي; كلمه متلفزه; خطاب",
                 es=r"comunicado; declar(?:o|aron|acion); anunci(?:o|aron); conferencia de prensa"),
              "An official statement, announcement or speech."),
    EventType("Agreement", {"en": "agreement or ceasefire", "ar": "اتفاق أو هدنة", "es": "acuerdo o alto el fuego"},
              _t(en=r"ceasefire; cease-fire; truce; agreement; deal; accord; pause in (?:the )?fighting;"
                    r" hostage deal; signed",
                 ar=r"اتفاق\w*; هدنه; وقف اطلاق النار; تهدئه; صفقه; وقع\w* اتفاق",
                 es=r"acuerdos?; alto el fuego; tregua; pacto; firm(?:o|aron)\b"),
              "An agreement, deal, truce or ceasefire."),
    EventType("Election", {"en": "election", "ar": "انتخابات", "es": "elección"},
              _t(en=r"elections?; electoral; vote[ds]?; voting; ballot; referendum; polls? (?:opened|closed)",
                 ar=r"انتخاب(?:ات)?\w*; اقتراع; استفتاء; تصويت",
                 es=r"eleccion(?:es)?; electoral; votacion(?:es)?; comicios; plebiscito; sufragio"),
              "An election, vote or referendum."),
    EventType("Arrest", {"en": "arrest", "ar": "اعتقال", "es": "detención"},
              _t(en=r"arrest(?:ed|s)?; detained; detention; taken into custody; abducted; kidnapp\w+",
                 ar=r"اعتقال\w*; اعتقل\w*; احتجاز; احتجز\w*; اختطاف; اختطف\w*; توقيف",
                 es=r"deten(?:ido|idos|ida|idas|cion|ciones)\b; arrest(?:o|ado|ados)\b; secuestr\w+; captur\w+"),
              "An arrest, detention or abduction."),
    EventType("Sanctions", {"en": "sanctions", "ar": "عقوبات", "es": "sanciones"},
              _t(en=r"sanctions?; sanctioned; embargo; blacklist(?:ed)?",
                 ar=r"عقوبات; عقوبه; حظر; حصار",
                 es=r"sancion(?:es)?; sancion(?:o|ado|ados)\b; embargo;"
                    r" bloqueo (?:economico|comercial|naval|financiero)"),
              "Economic or political sanctions, embargoes, blockades."),
)}

#: Contexts where a trigger word names no happening (a title, a square, a sentence, drones):
#: a trigger inside one of these spans is skipped.
NOT_EVENTS: dict[str, str] = {
    "en": r"sexual assault\w*; (?:the )?march (?:\d|of); missile defen[cs]es?; anti-missile \w+; no (?:casualties|injuries|deaths); no one was (?:killed|hurt|injured);"
          r" \w+s (?:and \w+ )?(?:are|were) (?:a )?(?:commonplace|common|rare|routine|frequent|(?:a )?regular (?:event|occurrence|feature))",
    "ar": r"(?:ال)?رئيس (?:ال)?شهيد; ساح(?:ه|تي) (?:ال)?شهداء; مقبره (?:ال)?شهداء; طائر\w* (?:ال)?مسير\w*;"
          r" (?:كتائب|قوات|سرايا|لواء|كتيبه|مجموعات?|مؤسسه|مستشفي|مدرسه|مسجد) (?:ال)?شهيد; (?:ال)?شهداء الاقصي;"
          r" (?:ال)?تواصل (?:ال)?اجتماعي; دفاع(?:ات)? (?:ال)?صاروخي\w*; منظوم\w* (?:ال)?دفاع",
    "es": r"sin embargo; pena de muerte; defensas? antimisil\w*; escudo antimisil\w*; se dispar\w+; no hubo (?:victimas|heridos|muertos); (?:condena\w*|sentencia\w*) a muerte; amenazas? de muerte;"
          r" (?:puesta )?en marcha; marcha atras; paros? (?:cardi|respirator)\w*; explosion social; granadas? de humo;"
          r" (?:obligacion\w*|cheques?|letras?|pagares?|documentos?) protestad\w+;"
          r" (?:organizador\w*|consejo|comite|comision|frente) (?:general |nacional )?de (?:la )?(?:huelga|protesta)",
}

#: Contexts where a trigger word names no happening of one type (an attempt is no killing, a flood
#: kills nobody): a trigger of that type inside one of these spans is skipped.
NOT_TYPE: dict[str, dict[str, str]] = {
    "Attack": {
        "en": r"accidental(?:ly)? (?:\w+ )?(?:explosions?|blasts?|detonat\w+); detonated accidentally;"
              r" (?:\d+-(?:hour|day) |general |hunger |labou?r |national |nationwide |workers'? )strikes?;"
              r" bomb (?:probe|squad|disposal|threats?|makers?|making|factory|scare|hoax|shelter|experts?|technicians?);"
              r" (?:police|officers|agents|detectives) (?:\w+ ){0,2}raids?; raids? (?:on|of) (?:\w+ )?(?:homes?|houses?|offices|premises);"
              # bombs made or built are weapons, not an attack ("using home-made IEDs to make roadside bombs")
              r" (?:make|makes|making|made|build|builds|building|built|manufactur\w+|assembl\w+) (?:\w+ ){0,2}bombs?;"
              # a government "targets" people with sanctions ("the Trump administration targeted 13 more
              # Venezuelan officials")
              r" (?:administration|treasury|department|sanctions) (?:\w+ ){0,2}targeted",
        # tyres and barricades set alight block a road: a protest, no attack
        "es": r"explosion(?:es)? accidental\w*; alto el fuego;"
              r" (?:llantas|neumaticos|cubiertas|gomas|maderos|barricadas|hogueras) (?:\w+ ){0,2}incendi\w+;"
              r" incendi\w+ (?:\w+ ){0,2}(?:llantas|neumaticos|cubiertas|barricadas)",
        "ar": r"وقف (?:ال)?اطلاق (?:ال)?نار",
    },
    "Statement": {  # an emergency wanted declared ("Doctors Want Emergency Declared") is no statement
        "en": r"(?:emergency|curfew|martial law) (?:to be |be )?declared;"
              # "the statement said": a statement named before in the report, told on ("…, setting off an
              # explosion that claimed the lives of all militants aboard the vehicle, the statement said.")
              r" the statement(?:,[^,]{0,80},)? said; said the statement",
    },
    "Arrest": {
        "en": r"arrest warrants?; warrants? for (?:the |his |her |their )?arrest",
        "es": r"ordene?s? de (?:arresto|detencion|captura)",
        "ar": r"مذكر(?:ه|ات) (?:ال)?(?:اعتقال|توقيف)",
    },
    "Protest": {
        "en": r"(?:campaign|election|electoral|presidential|pro-government) rall(?:y|ies)",
        "es": r"(?:mitin|acto) (?:de campaña|electoral)",
    },
    "Killing": {
        "en": r"assassination attempts?; attempted assassination; (?:tried|attempt\w*|plot\w*) to assassinate;"
              # a crime charged names a category, not a killing ("was charged with crimes of treason,
              # terrorism, association to commit a crime and homicide")
              r" (?:charged with|charges? of|accused of|convicted of|indicted (?:for|on)|crimes? of)"
              r" (?:[\w-]+,? ){0,10}?(?:homicides?|murders?);"
              r" attempted murders?; (?:tried|attempt\w*|plot\w*) to murder;"
              r" attempts? on (?:his|her|their) li(?:fe|ves); died (?:of|from) (?:cancer|illness|natural causes|"
              r"covid\w*|a heart attack);"
              # a slogan ("Death to America", chanted or quoted) kills nobody
              # (up to the closing quote: "death to Israel, death to America")
              r" death to(?<=[\"“‘']death to) [^\"“”‘’']{0,60};"
              r" (?:chant\w*|shout\w*|cr(?:y|ied|ies|ying)) (?:slogans? (?:of )?)?[\"“‘']?death to [^\"“”‘’']{0,60}",
        "es": r"intentos? de asesinato; (?:intent\w+|trat\w+ de) asesinar;"
              r" victimas de (?:las |la |los |el )?(?:inundacion\w*|terremoto\w*|sismo\w*|huracan\w*|accidente\w*);"
              r" muerte(?<=[\"«“‘'¡]muerte) al? [^\"«»“”‘’']{0,60};"
              r" (?:grit|core)\w* (?:consignas (?:de |como )?)?[\"«“‘'¡]*muerte al? [^\"«»“”‘’']{0,60}",
        "ar": r"محاول(?:ه|ات) (?:ال)?اغتيال",
    },
}

#: Words right before a trigger that make it no report of a happening: a threat, a fear, a plan,
#: a condition, a postponement or a call (it has not happened), a negation, or a back-reference
#: to a happening reported elsewhere ("responsible for the attack", "charged in connection with
#: the bombing"), or a to-infinitive (a purpose or an intent: "resources to attack the virus").
#: At most three words may stand between the cue and the trigger (a Spanish threat governs its
#: whole clause: "amenazaron con recurrir al Poder Judicial para protestar", up to eight).
IRREALIS: dict[str, str] = {
    "en": r"\b(?:(?:tr(?:y|ied|ies|ying)|attempt(?:ed|s|ing)?|fail(?:ed|s)?|threat(?:en(?:ed|s)?)?|"
          r"plan(?:s|ned|ning)?|vow(?:ed|s)?) to|could|would|might|fears? of|feared|warn(?:ed|s|ing)? of|no|"
          r"if|postpone[ds]?|delay(?:ed|s)?|"
          r"responsib\w+ for|in connection with|involved in|suspects? in|accused of|charged (?:with|over)|"
          r"condemn(?:ed|s)?|claimed|to(?=\s+$))",
    "ar": r"(?<!\w)(?:[وف]?(?:اذا|لو)|ارجاء|تاجيل|مستعد\w*|[يت]ستعد\w*|[يت]خطط\w*|خطه|[يت]هدد\w*|"
          r"[يت]خشي\w*|(?:ال)?تهديد(?:ات)?|س[يت]تعرض\w*|س[يت]تم|سوف)",
    "es": r"\b(?:por temor a|temor a|temer|para evitar|evitar|podr[ií]\w*|suspension de|amenaz\w+ con(?:[^\w,;:]+\w+){0,5}?|"
          # a call, also across a time adverbial ("llamaron este domingo de noche a nuevas protestas")
          r"llam\w+(?: (?:este|esta|el|la|de|del|ayer|hoy|anoche|lunes|martes|miercoles|jueves|viernes|sabado|"
          r"domingo|noche|ma[nñ]ana|tarde|semana)){0,5} a|llamamiento a|apoyar|controlar|reprimir|no hubo|ningun\w*|"
          # a negation within its clause ("pero no incluyó manifestaciones de protesta")
          r"no(?! solo| obstante)(?![^,;:.]*[,;:.])|"
          # "sin" but not in the names of movements ("los campesinos sin tierra inician una marcha")
          r"sin(?! embargo| tierra| techo| papeles)|responsables? de|"
          r"aplaz\w+|postergar\w*|"
          r"sospech\w+ de)",
}

#: A future verb right before a trigger ("realizarán manifestaciones", "marcharán hasta la sede"):
#: the happening is announced, not reported. Matched on the sentence as written, since folding
#: the accent makes "realizarán" the past subjunctive "realizaran" (and "-ara" is also "para").
FUTURE: dict[str, str] = {
    "es": r"\b[a-zñ]\w{2,}(?:ará|erá|irá)n?\b",  # lower case: "Teherán", "Durán" are names
}

#: Words right before a trigger of one type that make it the background of the sentence's own
#: event rather than its report: an earlier happening the sentence follows on ("tras el
#: atentado"), the cause of a protest ("protestar contra los ataques") or a happening only
#: referred to ("hace referencia a las protestas", "searches related to the attacks"). At most
#: three words between cue and trigger.
BACKGROUND: dict[str, dict[str, str]] = {
    "Attack": {
        "es": r"\b(?:tras|despues de|luego de|a raiz de|protest\w* (?:por|contra)|en protesta (?:por|contra)|"
              r"participado en|referencia a)",
        "en": r"\b(?:related to|authorship of|respon(?:ded|ds|ding) to|in response to|purport\w* to show)",
    },
    "Killing": {
        "es": r"\b(?:tras|despues de|luego de|a raiz de|protest\w* (?:por|contra)|en protesta (?:por|contra)|"
              r"en memoria de|referencia a)",
    },
    "Protest": {
        "es": r"\b(?:referencia a|protagonistas de)",
    },
}

#: A toll in a relative clause ("protestas ..., que dejaban siete heridos", "un atentado ... que
#: causó 14 muertos") counts the victims of the happening the clause hangs on. When that happening
#: is named before it (a trigger of another type), the toll is no killing of its own; a toll whose
#: head is no trigger ("una escalada terrorista que dejó seis muertos") is kept.
TOLL: dict[str, str] = {
    "es": r"\bque (?:\w+ ){0,3}(?:dej|caus|arroj|cost|provoc|sald)\w* (?:[\w,.]+ ){0,6}?(?:muert|herid|victim)\w*"
          r"(?: y (?:[\w,.]+ ){0,2}(?:muert|herid|victim)\w*)?",
}

#: Spanish accents folded one character for one (offsets stay valid); patterns are written folded.
_FOLD_ES = str.maketrans("áéíóúüÁÉÍÓÚÜ", "aeiouuAEIOUU")


def _fold(text: str, lang: str) -> tuple[str, list[int] | None]:
    """The matching form of a sentence and (Arabic) the index map back to the sentence.

    >>> _fold("غزّة", "ar"), _fold("Acción", "es")
    (('غزه', [0, 1, 3, 4]), ('Accion', None))
    """
    if lang == "ar":
        return normalize_with_offsets(text)
    if lang == "es":
        return text.translate(_FOLD_ES), None
    return text, None


def _alternation(pats: tuple[str, ...], lang: str) -> str:
    if lang == "ar":
        pats = tuple(normalize_arabic(p) for p in pats)
    elif lang == "es":
        pats = tuple(p.translate(_FOLD_ES) for p in pats)
    return "|".join(pats)


def _compile(body: str, lang: str) -> re.Pattern[str]:
    if lang == "ar":
        # proclitics: a conjunction (و ف), a preposition (ب ل ك), the future س, the article (ال, or
        # its ل after the preposition ل: "للاحتجاج")
        return re.compile(rf"(?<![\w])(?:[وف])?(?:[بلك]|س)?(?:ال|ل)?({body})(?![\w])")
    return re.compile(rf"\b({body})\b", re.IGNORECASE)


@lru_cache(maxsize=8)
def _patterns(lang: str) -> list[tuple[str, re.Pattern[str]]]:
    return [(name, _compile(_alternation(etype.triggers.get(lang, ()), lang), lang))
            for name, etype in EVENT_TYPES.items() if etype.triggers.get(lang)]


#: Languages whose sentences are first searched for any trigger at all (:func:`_any_trigger`).
#: scan_text over 500 articles of each (CPU per article): en 2.58 -> 1.65 ms, es 1.33 -> 0.76
#: ms (both with :data:`_CASE_FOLD`; a search that ignores case costs 60 % of the nine and saved
#: nothing in English), ar 1.55 -> 1.25 ms.
PREFILTERED = frozenset({"ar", "es", "en"})

#: ASCII capitals lowered, and the other letters that a lower-case ASCII letter matches when case
#: is ignored (one for one: offsets, words and word boundaries stay; see :func:`_no_trigger`). A
#: pattern written in lower case then finds, without ignoring case, a match everywhere it found
#: one ignoring case; and Python's regular expressions skip the alternatives of a branch by their
#: first character only when case counts (one search then costs a third).
_CASE_FOLD = str.maketrans({**{c: c.lower() for c in string.ascii_uppercase},
                            "\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


@lru_cache(maxsize=8)
def _any_trigger(lang: str) -> tuple[re.Pattern[str], bool] | None:
    """Every type's triggers in one pattern: it matches wherever some type's pattern does, so a
    sentence it does not match has no trigger, settled by one search instead of one per type
    (72 % of the English sentences, 63 % of the Arabic, 80 % of the Spanish). With True when it
    is to be matched, case counting, on the sentence folded by :data:`_CASE_FOLD`."""
    bodies = [_alternation(etype.triggers[lang], lang) for etype in EVENT_TYPES.values()
              if etype.triggers.get(lang)]
    if not bodies:
        return None
    body = "|".join(f"(?:{body})" for body in bodies)
    if lang != "ar" and _lower_case_only(body):
        return re.compile(rf"\b({body})\b"), True
    return _compile(body, lang), False


def _lower_case_only(body: str) -> bool:
    r"""Whether a pattern's letters are all lower-case ASCII (escapes aside), and the parts where
    case counts (``(?-i:...)``) hold no negative look-around: folded text then matches it
    wherever the text matched it with case ignored.

    >>> _lower_case_only(r"air ?strikes?\W"), _lower_case_only("Gaza"), _lower_case_only("(?-i:a(?!b))")
    (True, False, False)
    """
    letters = re.sub(r"\\.", "", body)
    return (body.isascii() and not re.search("[A-Z]", letters)
            and not any(re.search(r"\(\?<?!", group) for group in _case_groups(body)))


def _case_groups(body: str) -> list[str]:
    r"""The ``(?-i:...)`` groups of a pattern (the text from each to its closing parenthesis).

    >>> _case_groups(r"a|(?-i:m(?:x|\))y)z")
    ['(?-i:m(?:x|\\))y)']
    """
    out = []
    for start in (m.start() for m in re.finditer(r"\(\?-i:", body)):
        depth, i = 0, start
        while i < len(body):
            if body[i] == "\\":
                i += 2
                continue
            depth += {"(": 1, ")": -1}.get(body[i], 0)
            if depth == 0:
                break
            i += 1
        out.append(body[start:i + 1])
    return out


def _no_trigger(text: str, cased: str, lang: str) -> bool:
    """Whether no type's trigger occurs in ``text`` (matching form; ``cased``: it folded by
    :data:`_CASE_FOLD`), by one search.

    The letters that a lower-case ASCII letter matches with case ignored are exactly the ones
    :data:`_CASE_FOLD` folds to it:

    >>> rx = re.compile("[a-z]", re.IGNORECASE)
    >>> "".join(filter(rx.match, map(chr, range(0x80, 0x110000)))).translate(_CASE_FOLD)
    'iisk'
    >>> s = "Police ARRESTED three men"; _no_trigger(s, s.translate(_CASE_FOLD), "en")
    False
    """
    found = _any_trigger(lang)
    if found is None:
        return True
    rx, folded = found
    return rx.search(cased if folded else text) is None


@lru_cache(maxsize=8)
def _type_patterns(lang: str) -> list[tuple[str, re.Pattern[str], bool]]:
    """:func:`_patterns` for :func:`find_triggers`: a type's pattern written in lower case with no
    part where case counts (:func:`_lower_case_only`) is compiled with case counting, to be
    matched on the sentence folded by :data:`_CASE_FOLD` (True): the same matches at the same
    offsets, found faster (the folding maps one letter to one letter, and a letter to exactly the
    ones it matched ignoring case)."""
    out = []
    for name, rx in _patterns(lang):
        body = _alternation(EVENT_TYPES[name].triggers[lang], lang)
        if lang != "ar" and _lower_case_only(body) and not _case_groups(body):
            out.append((name, re.compile(rf"\b({body})\b"), True))
        else:
            out.append((name, rx, False))
    return out


@lru_cache(maxsize=32)
def _not_events(lang: str, etype: str = "") -> re.Pattern[str] | None:
    source = NOT_TYPE.get(etype, {}).get(lang, "") if etype else NOT_EVENTS.get(lang, "")
    pats = tuple(p.strip() for p in source.split(";") if p.strip())
    return _compile(_alternation(pats, lang), lang) if pats else None


@lru_cache(maxsize=32)
def _irrealis(lang: str, etype: str = "") -> re.Pattern[str] | None:
    body = BACKGROUND.get(etype, {}).get(lang) if etype else IRREALIS.get(lang)
    if not body:
        return None
    body = normalize_arabic(body) if lang == "ar" else body.translate(_FOLD_ES) if lang == "es" else body
    return re.compile(rf"{body}(?:\W+\w+){{0,3}}?\W+$", re.IGNORECASE)


@lru_cache(maxsize=8)
def _future(lang: str) -> re.Pattern[str] | None:
    body = FUTURE.get(lang)
    return re.compile(rf"{body}(?:\W+\w+){{0,3}}?\W+$") if body else None


@lru_cache(maxsize=32)
def _unreported(lang: str, etype: str) -> re.Pattern[str] | None:
    """:data:`IRREALIS` and the type's :data:`BACKGROUND` cues as one pattern (one search a match)."""
    parts = [rx.pattern for rx in (_irrealis(lang), _irrealis(lang, etype)) if rx is not None]
    return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE) if parts else None


def _blocked(text: str, lang: str, etype: str | None = None) -> list[tuple[int, int]]:
    neg = _not_events(lang, etype or "")
    return [m.span() for m in neg.finditer(text)] if neg else []


def background(text: str, start: int, lang: str, etype: str) -> bool:
    """Whether the trigger of type ``etype`` at ``start`` of ``text`` (in its matching form) is only
    the background of the sentence's own event (:data:`BACKGROUND`).

    >>> s = "detenido a 22 personas tras el atentado del domingo"; background(s, s.index("atentado"), "es", "Attack")
    True
    >>> s = "un atentado con coche-bomba en Srinagar"; background(s, s.index("atentado"), "es", "Attack")
    False
    """
    rx = _irrealis(lang, etype)
    return bool(rx and rx.search(text[max(0, start - 60):start]))


@lru_cache(maxsize=8)
def _toll(lang: str) -> re.Pattern[str] | None:
    body = TOLL.get(lang)
    return re.compile(body, re.IGNORECASE) if body else None


def toll_of_named(text: str, start: int, end: int, lang: str) -> bool:
    """Whether the killing trigger at ``text[start:end]`` (matching form) is the toll of a happening
    named before it in the sentence (:data:`TOLL`).

    >>> s = "la segunda jornada de protestas estudiantiles, que dejaban siete heridos y 67 detenidos"
    >>> toll_of_named(s, s.index("heridos"), s.index("heridos") + 7, "es")
    True
    >>> s = "una escalada terrorista que dejó seis muertos"; s = s.replace("ó", "o")
    >>> toll_of_named(s, s.index("muertos"), s.index("muertos") + 7, "es")
    False
    """
    rx = _toll(lang)
    if rx is None:
        return False
    for m in rx.finditer(text):
        if m.start() <= start and end <= m.end():
            return any(other.search(text, 0, m.start()) for name, other in _patterns(lang) if name != "Killing")
    return False


def irrealis(text: str, start: int, lang: str) -> bool:
    """Whether the trigger at ``start`` of ``text`` (in its matching form) is threatened, feared,
    planned, negated or only referred back to (:data:`IRREALIS`).

    >>> s = "they threatened to attack the base"; irrealis(s, s.index("attack"), "en")
    True
    >>> s = "la anunciada visita por temor a las protestas"; irrealis(s, s.index("protestas"), "es")
    True
    >>> s = "Israeli strikes hit Gaza"; irrealis(s, s.index("strikes"), "en")
    False
    """
    rx = _irrealis(lang)
    return bool(rx and rx.search(text[max(0, start - 60):start]))


#: A trigger in the complement of a trigger skipped as unreported ("podría alentar otras
#: manifestaciones de protesta", "fears of waves of attacks") is unreported too: the cue governs
#: the whole noun phrase.
_COMPLEMENT = re.compile(r"\s+(?:de|del|of)\s+", re.IGNORECASE)


def _unreported_at(text: str, sentence: str, start: int, lang: str, etype: str) -> bool:
    """An irrealis or background cue (matching form) or a future verb (the sentence as written, the
    same offsets in Spanish) right before ``start``."""
    cue, future = _unreported(lang, etype), _future(lang)
    return bool((cue and cue.search(text, max(0, start - 60), start))
                or (future and future.search(sentence, max(0, start - 60), start)))


def _trigger_lang(lang: str) -> str:
    """The language whose triggers a text of ``lang`` is read with (English for any other)."""
    return lang if lang in ("en", "ar", "es") else "en"


def compile_triggers(langs: Iterable[str]) -> None:
    """Compile the trigger patterns of ``langs`` now: before extraction forks its workers, which
    then share them (each worker, replaced after 40 tasks, compiled them again: 0.05-0.1 s per
    language), and the builder has them for the few articles of a `kg watch` round it scans
    itself.

    >>> _type_patterns.cache_clear()
    >>> compile_triggers(["es", "xx"]); _type_patterns.cache_info().currsize  # "xx": as English
    2
    """
    for lang in sorted(set(map(_trigger_lang, langs))):
        if lang in PREFILTERED:
            _any_trigger(lang)
        _type_patterns(lang)


def find_triggers(sentence: str, lang: str) -> list[tuple[str, str, int]]:
    """``(event type, trigger text, offset)`` for each type triggered in a sentence (first hit each).

    The offset is an index into ``sentence``; a trigger inside a non-event context
    (:data:`NOT_EVENTS`: "el presidente mártir", "sin embargo", drones) is skipped.

    >>> [t for t, _, _ in find_triggers("استشهد 5 فلسطينيين في غارة على رفح", "ar")]
    ['Attack', 'Killing']
    >>> [t for t, _, _ in find_triggers("Miles marcharon en una protesta en Santiago", "es")]
    ['Protest']
    >>> find_triggers("وتظاهر المتظاهرون للاحتجاج على الحصار", "ar")[0][:2]
    ('Protest', 'تظاهر')
    >>> [t for t, _, _ in find_triggers("Sin embargo, la huelga continuó", "es")]
    ['Protest']
    """
    lang = _trigger_lang(lang)
    text, index = _fold(sentence, lang)
    cased = text.translate(_CASE_FOLD) if lang != "ar" else text
    if lang in PREFILTERED and _no_trigger(text, cased, lang):
        return []
    blocked: list[tuple[int, int]] | None = None  # computed on the sentence's first match only
    hits = []
    for name, rx, folded in _type_patterns(lang):
        typed: list[tuple[int, int]] | None = None  # computed on the type's first match only
        skipped_end = -1  # end of the type's last match skipped as unreported
        for m in rx.finditer(cased if folded else text):
            s, e = m.span(1)
            if typed is None:
                typed = _blocked(text, lang, name) if name in NOT_TYPE else []
            if blocked is None:
                blocked = _blocked(text, lang)
            if (any(a <= s and e <= b for a, b in blocked + typed)
                    or (name == "Killing" and toll_of_named(text, s, e, lang))):
                continue
            if ((skipped_end >= 0 and _COMPLEMENT.fullmatch(text, skipped_end, s))
                    or _unreported_at(text, sentence, m.start(), lang, name)):
                skipped_end = e
                continue
            if index is not None:
                s, e = index[s], index[e]
            hits.append((name, sentence[s:e], s))
            break
    return hits


def scheme_turtle() -> str:
    """The SKOS scheme of :data:`EVENT_TYPES` as Turtle (the text of ``ontologies/events.ttl``)."""
    lines = [
        "@prefix mkg: <https://w3id.org/mkg/ontology#> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "",
        "# Event types of reported happenings (the values of sem:eventType). Generated from",
        "# kg/events/types.py with `python -m kg.events.types > ontologies/events.ttl`;",
        "# the trigger terms per language live there.",
        "",
        "mkg:EventTypeScheme a skos:ConceptScheme ;",
        '    skos:prefLabel "event types"@en, "أنواع الأحداث"@ar, "tipos de evento"@es ;',
        '    dcterms:description "Kinds of happenings that news articles report."@en ;',
        "    skos:hasTopConcept " + ", ".join(f"mkg:{n}" for n in EVENT_TYPES) + " .",
        "",
    ]
    for name, etype in EVENT_TYPES.items():
        labels = ", ".join(f'"{etype.labels[lang]}"@{lang}' for lang in ("en", "ar", "es"))
        lines += [f"mkg:{name} a skos:Concept ;",
                  "    skos:inScheme mkg:EventTypeScheme ;",
                  "    skos:topConceptOf mkg:EventTypeScheme ;",
                  f"    skos:prefLabel {labels} ;",
                  f'    skos:definition "{etype.definition}"@en .',
                  ""]
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(scheme_turtle(), end="")
