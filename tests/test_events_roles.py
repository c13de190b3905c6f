"""Issue 13, second round: agent phrases without a parser, irrealis contexts, typed non-events.

Sentences are quoted from ../shared/data/events (dev gold, development use only):
upetrarch_es_protest_plover_dev.jsonl (ES), upetrarch_ar_gsr_dev_half.jsonl (AR),
wikievents_dev.jsonl (EN); a few are written for the test and say so.
"""

from __future__ import annotations

import re

from kg.events.extract import assign_roles, group_mentions, not_prose
from kg.events.types import find_triggers
from kg.nlp.mention import Mention


def _types(sentence: str, lang: str) -> set[str]:
    return {t for t, _, _ in find_triggers(sentence, lang)}


def _actor(sentence: str, lang: str, etype: str, trigger: str, mentions=()) -> str | None:
    t = sentence.index(trigger)
    keyed = list(mentions) + group_mentions(sentence, lang, 0, len(sentence), list(mentions))
    roles = assign_roles(sentence, lang, etype, t, t + len(trigger), keyed, (0, len(sentence)))
    return roles["actor"][0][1] if roles["actor"] else None


def test_spanish_subject_before_a_verb_trigger():
    s = ("El gobierno de Teherán protestó enérgicamente por la presunciones del magistrado y exigió "
         "explicaciones, las que serán respondidas esta semana por la Cancillería.")
    assert _actor(s, "es", "Protest", "protestó") == "El gobierno de Teherán"
    s = ("El viernes, unos 1.000 alumnos se manifestaron para exigir la reinstalación de las maestras "
         "Zetina Herrera y Marcelina Ruz, y la renuncia del director, a quien acusaron de represor.")
    assert _actor(s, "es", "Protest", "se manifestaron") == "unos 1.000 alumnos"


def test_spanish_agent_after_a_nominal_trigger_and_for_a_motive():
    s = ("Efectivos militares con armas largas y policiales custodiaban calles y avenidas y se apostaban "
         "en algunos puntos de control, generando un caos en el tránsito local que generó protestas de "
         "conductores poco alertados por lo imprevisto del evento.")
    # the nearest group before ("militares") is no protester: "protestas de conductores" names them
    assert _actor(s, "es", "Protest", "protestas").startswith("conductores")
    s = ("Varios expertos nucleares estadounidenses adelantaron nueve minutos, hasta la medionoche menos "
         "cinco, su \"reloj del fin del mundo\", en protesta contra el fracaso de la no proliferación nuclear")
    assert _actor(s, "es", "Protest", "protesta") == "Varios expertos nucleares estadounidenses"
    # "asesinatos de rehenes" names the victims, not the killers
    s = "El grupo es responsable de varios asesinatos de rehenes, entre los cuales el de un periodista."
    assert _actor(s, "es", "Killing", "asesinatos") != "rehenes"


def test_arabic_groups_match_normalised_and_agent_nouns():
    # "الاسرائيليين" is written with ئ, which the matching form writes ي
    s = 'تظاهر الاف الاسرائيليين مساء امس في تل ابيب "دفاعا عن الديمقراطية"'
    assert _actor(s, "ar", "Protest", "تظاهر") == "اسرائيليين"
    # a quantifier and the article stand between the verb and its subject
    s = "احتشد الآلاف من المتظاهرين أمس، في ظل طقس ممطر وشديد البرودة"
    assert _actor(s, "ar", "Protest", "احتشد") == "متظاهرين"
    s = "مليون متظاهر خرجوا تحت حماية البوليس للاحتجاج على قرار الحكومة بغزو العراق."
    assert _actor(s, "ar", "Protest", "متظاهر") == "متظاهر"


def test_irrealis_negation_and_back_reference_are_no_happening():
    # ES: a fear, an avoidance, a suspension
    assert "Protest" not in _types(
        "El ex presidente negó que haya cancelado su visita a Miami por temor a las protestas y acusaciones", "es")
    assert "Protest" not in _types(
        "El principio de acuerdo subraya además la suspensión de marchas y protestas que hace tres semanas", "es")
    # EN: a claim of responsibility refers back to an attack reported elsewhere
    assert "Attack" not in _types(
        "Zabiullah Mujahid, the spokesperson for the Taliban, claimed they were responsible for the attack via "
        "Twitter and e-mail.", "en")
    # a happening that did take place is kept
    assert "Attack" in _types("Twin bombs exploded near the finish line of the annual Boston Marathon", "en")


def test_typed_non_events():
    # an attempt is an attack, not a killing
    s = ("The Venezuelan Attorney General Tarek William Saab said Tuesday that the number of people who took part "
         "in the assassination attempt against President Nicolás Maduro has risen to 34.")
    assert _types(s, "en") >= {"Attack"} and "Killing" not in _types(s, "en")
    assert _types("تعرضت وزيرة الدولة لمحاولة اغتيال في ولاية الوحدة", "ar") == {"Attack"}
    # a labour strike is a protest, not an air strike; arrest warrants are no arrest (written for the test)
    assert _types("Following an opposition-called 48-hour strike, the government issued a ban", "en") == {"Protest"}
    assert "Arrest" not in _types("27 arrest warrants have been issued", "en")
    # accidents are no attacks; "se disparó" (soared) is no shot
    assert "Attack" not in _types("Seven Taliban militants were killed in two accidental explosions", "en")
    assert "Attack" not in _types("La tensión se disparó el martes en la zona fronteriza con Bolivia", "es")


def test_headings_and_link_lists_are_not_prose():
    assert not_prose("==Responses and arrests==") and not_prose("* 2016 Bagram Airfield bombing")
    assert not not_prose("A suicide bomber riding a motorcycle loaded with explosives crashed into a patrol.")


def test_entity_in_a_spanish_phrase_plays_the_role():
    s = "El abogado Taormina protestó enérgicamente contra la decisión"
    i = s.index("Taormina")
    ms = [(Mention(i, i + 8, "Taormina", "PER"), "PER:taormina")]
    t = s.index("protestó")
    roles = assign_roles(s, "es", "Protest", t, t + len("protestó"), ms, (0, len(s)))
    assert roles["actor"] == [("PER:taormina", "Taormina")]


def test_occupations_and_work_stoppages_are_protests():
    s = ("Trabajadores del sector salud de El Salvador paralizaron este lunes el servicio de consulta externa en "
         "siete hospitales del país, contra un supuesto plan del Gobierno para privatizar el sistema de salud")
    assert _types(s, "es") == {"Protest"}
    s = ("Los maestros y agentes de la administración pública provincial, que no pueden cobrar sus sueldos en "
         "forma normal, ocuparon el puente el viernes")
    assert _types(s, "es") == {"Protest"}
    # "ocupación" of a post is no occupation of a place (written for the test)
    assert _types("El ministro ocupa el cargo desde enero", "es") == set()


def test_arabic_conditions_and_postponements_are_no_happening():
    # Al Mayadeen, 2023-10-25 (real corpus): "Israel agreed to postpone the ground attack on Gaza"
    s = 'إنّ "إسرائيل وافقت على إرجاء الهجوم البري على غزة، حتى يتسنّى لواشنطن إرسال دفاعات'
    assert "Attack" not in _types(s, "ar")
    s = "إسرائيل ستواجه تآكلاً في قدراتها إذا شنّت هجوماً برياً على غزة"
    assert "Attack" not in _types(s, "ar")
    assert "Attack" in _types("شنّت إسرائيل هجوماً برياً على غزة", "ar")


def test_missile_defences_and_threats_to_shell_are_no_attack():
    # Al Mayadeen 2023-10-25 and 2023-10-29 (real corpus)
    assert _types("وأنّ واشنطن ستقوم بإرسال دفاعات صاروخية للمنطقة سريعاً", "ar") == set()
    assert "Attack" not in _types('بشأن "التحذير" الإسرائيلي لإخلاء مستشفى القدس، بعد التهديد بقصفه.', "ar")


def test_campaigns_navigation_and_arabic_future():
    from kg.events.extract import campaign

    # Al Mayadeen 2023-10-29: a week's count of attacks is a campaign, not one happening
    s = "واعترف البنتاغون بأنّ القوات الأميركية تعرضت للهجوم 12 مرة على الأقل في العراق"
    t = s.index("للهجوم")
    assert campaign(s, t, t + len("للهجوم"), "ar")
    s = "The Houthis have also regularly attacked US targets and commercial shipping"
    t = s.index("attacked")
    assert campaign(s, t, t + len("attacked"), "en")
    s = "Twin bombs exploded near the finish line of the annual Boston Marathon"
    assert not campaign(s, 5, 10, "en")
    assert not_prose("Skip linksSkip to Contentplay Live Show navigation menuNavigation menuNews")
    # a threat in the future tense (Al Mayadeen 2023-10-24); a car bomb (سيارة) is no future
    assert _types("هدّد بأنّ سفن الاحتلال ستتعرض للاستهداف في البحر الأحمر", "ar") == set()
    assert "Attack" in _types("انفجار سيارة مفخخة في بغداد", "ar")


# --------------------------------------------------------------------------- round 3

def test_spanish_background_of_the_main_event():
    # an attack the sentence's own event follows on, or protests against, is its background
    assert "Attack" not in _types(
        "La policía paquistaní anunció este miércoles haber detenido a 22 personas tras el atentado del pasado "
        "domingo en la iglesia", "es")
    assert _types(
        "Unas 250 personas se manifestaron delante de la Embajada de Estados Unidos en Moscú para protestar "
        "contra los ataques de la Otan en Yugoslavia", "es") == {"Protest"}
    assert "Protest" not in _types(
        "Según El Tiempo, el texto hace referencia a las protestas que han protagonizado en las últimas semanas "
        "los maestros estatales", "es")
    # the same trigger reported in its own right is kept
    assert "Attack" in _types("Dos personas murieron en un atentado con coche-bomba en Srinagar", "es")


def test_spanish_toll_in_a_relative_clause_is_no_killing_of_its_own():
    s = ("El gobierno de Ecuador hizo un llamado al diálogo al cumplirse la segunda jornada consecutiva de "
         "protestas estudiantiles contra el aumento de los precios, que dejaban siete heridos y 67 detenidos.")
    assert "Killing" not in _types(s, "es")
    assert "Protest" in _types(s, "es")
    assert "Killing" in _types("Dos personas murieron y tres resultaron heridas este martes", "es")
    # a toll whose head is no trigger stays the report of the dead (written for the test)
    assert "Killing" in _types("Una escalada terrorista en el Cauca, que dejó seis muertos", "es")


def test_protested_bills_are_no_protest():
    # round 2 meant to block these, but its pattern (a doubled backslash) never matched
    assert "Protest" not in _types(
        "la comisión fiscal del CD santista denunció la existencia de once obligaciones protestadas contra el club",
        "es")
    assert "Protest" in _types(
        "una política de rescate de tierras, que considera públicas, protestada por opositores", "es")


def test_a_spanish_threat_governs_its_whole_clause():
    assert "Protest" not in _types(
        "Sin embargo, los gremios de empresarios amenazaron con recurrir al Poder Judicial para protestar por el "
        "incremento.", "es")


def test_spanish_boycotts_committees_and_violent_protests():
    assert "Protest" not in _types('El Consejo Mundial de Boxeo decretó un "boicot temporal" de peleas', "es")
    assert "Protest" not in _types(
        "Este viernes, los organizadores de la huelga denunciaron que el gobierno se prepara para reprimir", "es")
    s = "provocó una violenta oleada de protestas en el sur del país"
    assert _types(s, "es") == {"Attack", "Protest"}


def test_english_infinitives_generic_plurals_and_references():
    assert "Attack" not in _types("the allocation of resources to attack the virus.", "en")
    assert _types("Firearms are ubiquitous and assassinations are a regular event.", "en") == set()
    assert "Attack" not in _types(
        "Prosecutors said Matanov deleted searches related to the attacks from his computer", "en")
    assert "Attack" not in _types("Kyrgyzstan National Pleads Not Guilty to Hampering Boston Bomb Probe", "en")
    assert "Statement" not in _types("Doctors Want Emergency Declared", "en")
    assert _types("Later, a man was shot dead when he answered a knock at his door", "en") == {"Killing"}
    # a reported attack stays one
    assert "Attack" in _types("Israeli air strikes hit Khan Younis on Monday", "en")


def test_english_statements_and_meetings():
    assert "Statement" in _types(
        'U.S. Secretary of Defense Ash Carter responded to the bombing, stating, "our troops are working '
        'diligently"', "en")
    assert "Meeting" in _types("All eyes were turning to Rio on Sunday as the IOC convened to consider", "en")
    assert "Meeting" not in _types("In his ABC interview, Trump dismissed those Democratic claims.", "en")


def test_list_records_and_linked_titles_are_not_prose():
    from kg.events.extract import list_record

    assert list_record("*2015-12-21, Staff Sergeant Louis M. Bonocasa[902], U.S. Air Force Security Forces, "
                       "US Bomb")
    assert not list_record("* 2015-12-21: a suicide bomber killed six soldiers near Bagram")
    assert not_prose("[How a new kind of protest movement has arisen in Venezuela]")
    assert not not_prose("[Reuters] A bomb exploded in Kabul on Monday.")


def test_a_list_record_line_gives_no_candidate_in_an_article():
    from datetime import UTC, datetime

    from kg.article import Article
    from kg.events.extract import article_candidates

    body = ("A suicide bomber blew himself up in Bagram, killing six soldiers.\n"
            "*2015-12-21, Special Agent Michael A. Cinco[898], U.S. Air Force Office of Special Investigations, US Bomb")
    article = Article(id="t", title="", body=body, language="en", published=datetime(2015, 12, 22, tzinfo=UTC))
    assert {c.event_type for c in article_candidates(article, [], None)} == {"Attack", "Killing"}
    roll = Article(id="r", title="", body=body.split("\n")[1], language="en", published=article.published)
    assert article_candidates(roll, [], None) == []


# Issue 13, round 4: cues read off `tune` errors (ES and WikiEvents) and RAMS `tune` misses; the
# real-corpus sentences are from ../shared/data/{en,es} and say so.

def test_spanish_protest_phrases_and_negation():
    # a cue before the head covers the whole "X de protesta" phrase
    s = ("La decisión de la Casa Blanca de suspender las maniobras en Vieques podría alentar otras "
         "manifestaciones de protesta en las bases militares")
    assert "Protest" not in _types(s, "es")
    # a negation within its clause
    assert "Protest" not in _types("pero no incluyó manifestaciones de protesta por la presencia del Papa.", "es")
    # real corpus (prensa_chile): "no hay detenidos" is no arrest
    assert "Arrest" not in _types("Hasta el momento no hay detenidos por este hecho.", "es")
    # ... but not across a comma (real corpus: the shots did happen)
    s = "el hombre, que aún no ha sido identificado, recibió una serie de disparos en su cabeza y tórax."
    assert "Attack" in _types(s, "es")
    # "sin tierra" names a movement, it negates nothing
    assert "Protest" in _types("5.000 mil campesinos sin tierra inician una marcha de protesta", "es")


def test_spanish_strikes_and_gatherings_staged():
    s = ("Los 50.000 taxistas que promovieron el paro para exigir a Mahuad derogar el alza en los "
         "combustibles decretado el 1 de julio")
    assert "Protest" in _types(s, "es")
    assert "Protest" in _types("En la capital rusa se organizaron dos concentraciones, una sindical y otra comunista.", "es")
    # real corpus (prensa_chile): a cardiac arrest is no strike
    s = "Amelia García (33) falleció por un paro cardiorrespiratorio luego de que le desconectaran su aparato"
    assert "Protest" not in _types(s, "es")


def test_spanish_future_and_calls_are_no_happening():
    s = ("El diario El Nacional aseguró que el CNE emitirá una protesta en relación a la destitución del "
         "miembro principal de su directiva")
    assert "Protest" not in _types(s, "es")
    # real corpus (prensa_chile): a summit to attend is no meeting yet
    s = ("El Presidente de la República, Gabriel Boric, viajará esta tarde de lunes por 24 horas a Buenos Aires, "
         "donde participará en la VII Cumbre de Presidentes de la Comunidad de Estados Latinoamericanos")
    assert "Meeting" not in _types(s, "es")
    # an accented name is no future ("Teherán")
    assert "Protest" in _types("El gobierno de Teherán protestó enérgicamente por la presunciones del magistrado", "es")
    s = ("Los estudiantes de Teherán llamaron este domingo de noche a nuevas protestas el lunes, mientras "
         "las autoridades advirtieron")
    assert "Protest" not in _types(s, "es")


def test_slogans_burning_tyres_and_arson():
    s = '"Muerte al capitalismo", "Bush fascista", "Fachos asesinos", son algunas de las pintadas'
    assert "Killing" not in _types(s, "es")
    # real corpus (four_papers): a chant kills nobody
    assert "Killing" not in _types("Leftwing activists chant 'death to Israel, death to America': video", "en")
    s = ("La policía limbiaba el lunes las calles de las principales ciudades de Ecuador, que han sido "
         "bloqueadas por hogueras de llantas y maderos incendiados por sindicalistas, taxistas y "
         "transportadores que protestan contra un alza del 13,1% en los precios de la gasolina")
    assert _types(s, "es") == {"Protest"}
    assert "Attack" in _types("Revolucionarias de Colombia (FARC) que incendió dos autobuses de servicio", "es")
    # written for the test: the noun "incendio" is no attack
    assert "Attack" not in _types("Un incendio el domingo destruyó la bodega", "es")


def test_english_media_attribution_and_killing_words():
    assert "Statement" in _types(
        "Three other Russian military personnel were wounded, Russia’s state-run Tass news agency reported.", "en")
    # RAMS dev (tune): a news conference, like a press conference
    s = ('" Iran and China have agreed to increase trade to $600 billion in the next 10 years, " President '
         'Hassan Rouhani said at a news conference with Xi broadcast live on state television.')
    assert "Statement" in _types(s, "en")
    # real corpus (middle_east): a passive report names no speaker
    assert "Statement" not in _types("Little damage was reported.", "en")
    # RAMS dev (tune)
    assert "Attack" in _types("Russian and Syrian government planes began bombarding the city in September.", "en")
    assert "Killing" in _types("He was murdered by an illegal in 2010.", "en")
    # real corpus (middle_east): an attempted murder, like an attempted assassination, kills nobody
    s = ("Matar has already pleaded not guilty to state charges of second-degree attempted murder and "
         "second-degree assault in connection with the stabbing.")
    assert "Killing" not in _types(s, "en")
    assert "Killing" in _types('You can be the ally of the government, but this government is massacring its people.', "en")
    assert "Killing" in _types("Other fatalities included two Iraqis, one Tunisian, one Chinese", "en")
    assert "Killing" in _types("In Saddam Hussein's Iraq that might work when opponents can be thrown in jail or exterminated.", "en")
    # WikiEvents (tune): a toll, not a claim
    s = ("Four militants were killed in neighboring Shah Wali Kot district when a vehicle they were traveling "
         "touched off an IED, setting off an explosion that claimed the lives of all militants aboard")
    assert ("Statement", "claimed") not in {(t, w) for t, w, _ in find_triggers(s, "en")}


# Issue 13, round 5: cues read off WikiEvents `tune` errors and RAMS `tune` misses.
def test_weapons_sanctions_and_charges_are_no_attack_or_killing():
    # WikiEvents (tune): bombs made are weapons
    s = ("Militants in Afghanistan have been using home-made IEDs to make roadside bombs and landmines to "
         "target security forces, but the lethal weapons also inflict casualties on civilians as well as the militants.")
    assert "Attack" not in _types(s, "en")
    # WikiEvents (tune): a government targets officials with sanctions
    assert "Attack" not in _types("On Wednesday, the Trump administration targeted 13 more Venezuelan officials, "
                                  "alleging violations of human rights and corruption.", "en")
    # real corpus (four_papers, The Jerusalem Post): an armed force's targeting stays an attack
    assert "Attack" in _types("Since the beginning of the Gaza war on October 7, Israel has targeted senior Hamas "
                              "officials, regardless of their location", "en")
    # WikiEvents (tune): a crime charged is a category, not a killing
    assert "Killing" not in _types("Also, ex-lawmaker Juan Requesens was charged with crimes of treason, terrorism, "
                                   "association to commit a crime and homicide.", "en")
    # RAMS (tune): a stabbing is an attack
    s = ('And just a day before his tweet about Clinton, Trump tweeted that he was " shocked by the heinous '
         'murder " of a 13-year - old Israeli - American Jew who was stabbed to death by a Palestinian terrorist '
         'Thursday in her home in a West Bank settlement.')
    assert "Attack" in _types(s, "en")
    # WikiEvents (tune): a probe into an explosion does not make the explosion a back-reference
    s = ("Paris' counterterrorism authority, which has jurisdiction over terrorism incidents throughout France, "
         "announced that it has opened a probe into the explosion.")
    assert "Attack" in _types(s, "en")


def test_statement_said_and_closing_attributions():
    from datetime import UTC, datetime

    from kg.article import Article
    from kg.events.extract import article_candidates

    # WikiEvents (tune): "the statement said" tells on a statement named before
    s = ("Four militants were killed in neighboring Shah Wali Kot district when a vehicle they were traveling "
         "touched off an IED, setting off an explosion that claimed the lives of all militants aboard the "
         "vehicle, the statement said.")
    assert "Statement" not in _types(s, "en")
    day = datetime(2020, 1, 1, 12, tzinfo=UTC)

    def statements(body: str, mentions=()) -> list[str]:
        art = Article(id="t", title="", body=body, language="en", published=day)
        return [c.trigger for c in article_candidates(art, list(mentions), None) if c.event_type == "Statement"]

    # WikiEvents (tune): an outlet the recogniser did not find still attributes a media report
    s = ("US-backed and Kurdish-led militias captured IS’ last remaining territory in March 2019, but the desert "
         "countryside south and east of Deir ez-Zor on the regime’s side of the Euphrates is rife with insurgents "
         "who continue to ambush pro-Syrian regime forces, Al-Monitor reported.")
    assert statements(s) == ["reported"]
    # WikiEvents (tune): a person's report is no media attribution
    s = ("The Public Prosecutor's office has delivered the information to Interpol in a record time and with "
         "great detail about those involved in the failed attack, Saab reported.")
    saab = Mention(s.index("Saab"), s.index("Saab") + 4, "Saab", "PER", entity="PER:tarek_william_saab")
    assert statements(s, [saab]) == []
    assert "Statement" in _types(s, "en")  # the trigger is found; the candidate is dropped


# Arguments on names (notes/events.md): English actor rules read off RAMS and WikiEvents `tune` errors.
def _m(s: str, surface: str, etype: str, key: str) -> tuple[Mention, str]:
    i = re.search(rf"\b{re.escape(surface)}\b", s).start()
    return Mention(i, i + len(surface), surface, etype), key


def test_english_possessor_is_not_the_actor():
    # WikiEvents dev (tune): the agency reports, not the state that owns it
    s = "Three other Russian military personnel were wounded, Russia’s state-run Tass news agency reported."
    ms = [_m(s, "Russia", "LOC", "country:RU"), _m(s, "Tass", "ORG", "ORG:tass")]
    assert _actor(s, "en", "Statement", "reported", ms) == "Tass"


def test_english_by_with_a_gerund_is_no_agent():
    # RAMS dev (tune): "by pursuing" says how the embargo was violated, not who imposed it
    s = ("— His employees violated a U.S. trade embargo by pursuing commercial activities in Cuba when it "
         "was illegal to do so")
    ms = [_m(s, "Cuba", "LOC", "country:CU")]
    assert _actor(s, "en", "Sanctions", "embargo", ms) is None
    # the agent after "by" is still read ("an attack by a gunman", the chunker's example)
    s = "the deadliest attack by a gunman in our history"
    assert _actor(s, "en", "Attack", "attack") == "a gunman"


def test_english_subject_of_a_support_verb_acts():
    # RAMS dev (tune): the subject of "launched" / "carried out" carries out the nominal trigger
    s = "The Kremlin launched its air strikes saying it wanted to help Assad, its main Middle East ally."
    assert _actor(s, "en", "Attack", "air strikes") == "The Kremlin"
    s = "In recent days, Russian and Syrian aircraft have carried out attacks, mainly in Aleppo."
    assert _actor(s, "en", "Attack", "attacks", [_m(s, "Aleppo", "LOC", "geo:170063")]) == \
        "Russian and Syrian aircraft"
    # WikiEvents dev (tune): a named group before the quote acts, not the phrase the chunker cut
    s = ('France has been on high-alert since the "Islamic State" militant group launched a series of '
         'attacks across Paris, killing 130 people and injuring scores more.')
    ms = [_m(s, "Islamic State", "ORG", "ORG:islamic_state"), _m(s, "Paris", "LOC", "geo:2988507")]
    assert _actor(s, "en", "Attack", "attacks", ms) == "Islamic State"
    # RAMS dev (tune): a pronoun subject is no actor
    s = "He later declared the organization “ contained ” — just a day before it launched its massacre in Paris."
    assert _actor(s, "en", "Killing", "massacre", [_m(s, "Paris", "LOC", "geo:2988507")]) is None


def test_english_subject_of_a_verb_of_beginning_acts():
    # RAMS dev (tune): "began bombarding": the -ing trigger is the verb of its subject
    s = "Russian and Syrian government planes began bombarding the city in September."
    assert _actor(s, "en", "Attack", "bombarding") == "Russian and Syrian government"
    # real corpus (BBC, a quotation cut at "We are..."): "the continued killing" is no verb of going on
    s = ("extremely concerned at the continued killing of children and innocent civilians in the Palestinian "
         "territories and we believe the nature of response by Israel has become one of collective punishment.")
    assert _actor(s, "en", "Killing", "killing") is None
    # real corpus (BBC): a pronoun subject plays no role
    assert _actor("They started shooting at us.", "en", "Attack", "shooting") is None


# Actors, round 2 (notes/events.md "Actors on names, round 2"): RAMS `tune` errors, real corpus.
def test_english_role_span_joins_false_breaks():
    from kg.events.extract import role_span, sentences

    # RAMS dev (tune): the splitter cuts after "V." and "1."; roles read the whole sentence
    s = ("Just a month ago, it appeared that Secretary of State John Kerry was on the verge of securing the "
         "long - sought cooperation of Russia on Syria through an agreement with Sergey V. Lavrov, the Russian "
         "foreign minister, that called for a reduction of violence.")
    pieces = list(sentences(s))
    assert len(pieces) == 2
    start, end, _ = pieces[0]
    assert role_span(s, start, end) == (0, len(s))
    assert role_span(s, pieces[1][0], pieces[1][1]) == (0, len(s))
    s = "Police arrested 3 men. Rain fell."  # a real sentence end stays one
    assert role_span(s, 0, 22) == (0, 22)


def test_english_other_participant_of_a_meeting_or_agreement():
    # RAMS dev (tune): "an agreement with Sergey V. Lavrov" (over the whole sentence)
    s = ("Just a month ago, it appeared that Secretary of State John Kerry was on the verge of securing the "
         "long - sought cooperation of Russia on Syria through an agreement with Sergey V. Lavrov, the Russian "
         "foreign minister, that called for a reduction of violence.")
    ms = [_m(s, "John Kerry", "PER", "kb:john_kerry"), _m(s, "Russia", "LOC", "country:RU"),
          _m(s, "Syria", "LOC", "country:SY"), _m(s, "Sergey V. Lavrov", "PER", "PER:lavrov")]
    assert _actor(s, "en", "Agreement", "agreement", ms) == "Sergey V. Lavrov"
    # real corpus
    s = "They have also sought an agreement with Saudi Arabia, a major rival of Iran."
    ms = [_m(s, "Saudi Arabia", "LOC", "country:SA"), _m(s, "Iran", "LOC", "country:IR")]
    assert _actor(s, "en", "Agreement", "agreement", ms) == "Saudi Arabia"
    # real corpus: "with" after another word is no participant ("visiting hospitals with Kim's hairbrush")
    s = "Kim's father and brother are now visiting hospitals with Kim's hairbrush, hoping to make a DNA match."
    t = s.index("visiting")
    ms = [(Mention(m.start(), m.start() + 3, "Kim", "PER"), "PER:kim") for m in re.finditer("Kim", s)]
    roles = assign_roles(s, "en", "Meeting", t, t + len("visiting"), ms, (0, len(s)))
    assert not roles["actor"] or roles["actor"][0][1] == "Kim" and s.index("Kim") < t


def test_english_agent_after_an_of_phrase():
    # RAMS dev (tune): "massacre of 1.5 million people by Ottoman Turks"
    s = ("The Wall Street Journal ran a full - page ad on Wednesday containing links to a Turkish project that "
         "denies the Armenian genocide – the 1915 massacre of 1.5 million people by Ottoman Turks.")
    ms = [_m(s, "The Wall Street Journal", "ORG", "kb:wsj"), _m(s, "Ottoman Turks", "PER", "PER:ottoman_turks")]
    assert _actor(s, "en", "Killing", "massacre", ms) == "Ottoman Turks"
    # real corpus: the "by" of a participle is not the trigger's ("the death of a soldier abducted by Hamas")
    s = ("The Israeli military has confirmed the death of a soldier abducted by Hamas and held in Gaza following "
         "the group's massive attack on Israel on 7 October.")
    ms = [_m(s, "Israeli military", "ORG", "kb:idf"), _m(s, "Hamas", "ORG", "kb:hamas")]
    assert _actor(s, "en", "Killing", "death", ms) != "Hamas"


def test_english_phrase_runs_on_into_a_name():
    # RAMS dev (tune): the first name of a "by" phrase
    s = "The assault will be supported by air strikes from the US - led coalition bombing IS in Iraq and Syria, it added."
    ms = [_m(s, "US", "LOC", "country:US"), _m(s, "IS", "ORG", "ORG:is"), _m(s, "Iraq", "LOC", "country:IQ"),
          _m(s, "Syria", "LOC", "country:SY")]
    assert _actor(s, "en", "Attack", "assault", ms) == "US"
    # real corpus: an apposition ("the Palestinian militant group Hamas")
    s = ("The Palestinian militant group Hamas launched an unprecedented assault on Israel on 7 October, with "
         "hundreds of gunmen infiltrating communities near the Gaza Strip.")
    ms = [_m(s, "Hamas", "ORG", "kb:hamas"), _m(s, "Israel", "LOC", "country:IL"),
          _m(s, "Gaza Strip", "LOC", "kb:gaza_strip")]
    assert _actor(s, "en", "Attack", "assault", ms) == "Hamas"
    # real corpus: not past a preposition of place, nor to a place ("killed by Israeli strikes in Gaza")
    s = "More than 300 people have been killed by Israeli strikes in Gaza since Saturday morning."
    assert _actor(s, "en", "Killing", "killed", [_m(s, "Gaza", "LOC", "kb:gaza_strip")]) != "Gaza"
