"""The interface wording of every page mkg writes, one table per language (en, ar, es).

The browsing pages (:mod:`kg.site`), the network page (:mod:`kg.viz`) and the analysis report
(:mod:`kg.analysis.report`) all speak through this module, so a word is defined once. Days are
written with month names from the CLDR data of Babel.

>>> messages("ar")["PER"], messages("ar")["reset"]
('شخص', 'إعادة ضبط المرشحات')
>>> count("articles", 1, "en"), count("articles", 3, "en"), count("articles", 3, "ar")
('1 article', '3 articles', 'المقالات: 3')
"""

from __future__ import annotations

from datetime import date

from babel import Locale
from babel.dates import format_date, get_month_names

__all__ = ["T", "EXTRA", "EVIDENCE", "LANG_NAMES", "messages", "format_day", "month_names", "count",
           "direction", "language_name"]

#: interface strings, by page language
T: dict[str, dict[str, str]] = {
    "en": {"home": "Home", "search": "Search entities in any language…", "labels": "Labels",
           "type": "Type", "links": "Links", "mentions_time": "Mentions over time, per edition",
           "articles": "Articles", "co": "Mentioned with", "events": "Events", "edition": "Edition",
           "date": "Date", "language": "Language", "author": "Author", "source": "Source",
           "text": "Text", "same_story": "The same story in other editions", "confidence": "confidence",
           "evidence": "evidence", "actors": "Actors", "places": "Places", "time": "Time",
           "reports": "Reports", "top": "Most mentioned", "only": "Mentioned only in this edition",
           "editions": "Editions", "entities": "Entities", "not_found": "Nothing is known about this page.",
           "none": "none", "also": "Also known as", "PER": "Person", "ORG": "Organisation",
           "LOC": "Place", "EVENT": "Event", "OTHER": "Other", "map": "Point", "results": "results",
           "data": "Data",
           "story": "Same story", "story_link": "Story link", "this_article": "This article",
           "compare": "Compare editions", "compare_intro": "What each edition covers that the others barely do (at least 3 articles on an entity, 2 on an event, and a share of at least half once every edition is given the same size).",
           "ego": "Ego network", "map_title": "On the map", "articles_time": "Articles mentioning it, per edition",
           "showing": "latest {n} of {m}", "uncertain": "date uncertain (estimated)", "shared": "Entities both mention",
           "method": "method", "share": "share", "size": "articles", "open": "Open the link",
           "lead": "Lead", "language_switch": "Language", "all_types": "all", "stories": "Story links"},
    "ar": {"home": "الرئيسية", "search": "ابحث عن كيان بأي لغة…", "labels": "التسميات",
           "type": "النوع", "links": "روابط", "mentions_time": "الإشارات عبر الزمن، حسب النسخة",
           "articles": "المقالات", "co": "يذكر مع", "events": "الأحداث", "edition": "النسخة",
           "date": "التاريخ", "language": "اللغة", "author": "الكاتب", "source": "المصدر",
           "text": "النص", "same_story": "القصة نفسها في نسخ أخرى", "confidence": "الثقة",
           "evidence": "الدليل", "actors": "الفاعلون", "places": "الأماكن", "time": "الوقت",
           "reports": "التقارير", "top": "الأكثر ذكرا", "only": "يذكر في هذه النسخة فقط",
           "editions": "النسخ", "entities": "الكيانات", "not_found": "لا يعرف شيء عن هذه الصفحة.",
           "none": "لا شيء", "also": "يعرف أيضا باسم", "PER": "شخص", "ORG": "منظمة",
           "LOC": "مكان", "EVENT": "حدث", "OTHER": "آخر", "map": "الموقع", "results": "نتائج",
           "data": "البيانات",
           "story": "القصة نفسها", "story_link": "رابط القصة", "this_article": "هذا المقال",
           "compare": "مقارنة النسخ", "compare_intro": "ما تغطيه كل نسخة ولا تكاد تغطيه النسخ الأخرى (3 مقالات على الأقل عن الكيان، ومقالان عن الحدث، وحصة لا تقل عن النصف إذا أعطيت كل نسخة الحجم نفسه).",
           "ego": "شبكة الكيان", "map_title": "على الخريطة", "articles_time": "المقالات التي تذكره، حسب النسخة",
           "showing": "أحدث {n} من {m}", "uncertain": "التاريخ غير مؤكد (تقديري)", "shared": "كيانات يذكرها المقالان",
           "method": "الطريقة", "share": "الحصة", "size": "مقالات", "open": "افتح الرابط",
           "lead": "المقدمة", "language_switch": "اللغة", "all_types": "الكل", "stories": "روابط القصص"},
    "es": {"home": "Inicio", "search": "Busca entidades en cualquier idioma…", "labels": "Nombres",
           "type": "Tipo", "links": "Enlaces", "mentions_time": "Menciones en el tiempo, por edición",
           "articles": "Artículos", "co": "Mencionado con", "events": "Eventos", "edition": "Edición",
           "date": "Fecha", "language": "Idioma", "author": "Autor", "source": "Fuente",
           "text": "Texto", "same_story": "La misma noticia en otras ediciones", "confidence": "confianza",
           "evidence": "evidencia", "actors": "Actores", "places": "Lugares", "time": "Fecha",
           "reports": "Informes", "top": "Más mencionados", "only": "Mencionados solo en esta edición",
           "editions": "Ediciones", "entities": "Entidades", "not_found": "No se sabe nada de esta página.",
           "none": "ninguno", "also": "También conocido como", "PER": "Persona", "ORG": "Organización",
           "LOC": "Lugar", "EVENT": "Evento", "OTHER": "Otro", "map": "Punto", "results": "resultados",
           "data": "Datos",
           "story": "Misma noticia", "story_link": "Enlace de noticia", "this_article": "Este artículo",
           "compare": "Comparar ediciones", "compare_intro": "Lo que cada edición cubre y las demás apenas cubren (al menos 3 artículos sobre una entidad, 2 sobre un evento, y una cuota de al menos la mitad si todas las ediciones tuvieran el mismo tamaño).",
           "ego": "Red del entorno", "map_title": "En el mapa", "articles_time": "Artículos que lo mencionan, por edición",
           "showing": "últimos {n} de {m}", "uncertain": "fecha incierta (estimada)", "shared": "Entidades que mencionan ambos",
           "method": "método", "share": "cuota", "size": "artículos", "open": "Abrir el enlace",
           "lead": "Entradilla", "language_switch": "Idioma", "all_types": "todos", "stories": "Enlaces de noticias"},
}
LANG_NAMES = {"en": "English", "ar": "العربية", "es": "Español"}
#: the parts of a story link's evidence (:func:`kg.site.data.evidence_parts`), by page language
EVIDENCE = {
    "en": {"method": "method", "headline": "headline similarity", "lead": "lead similarity",
           "entities": "shared entities", "margin": "margin over the next candidate",
           "days": "days apart", "rank": "rank", "participants": "participants"},
    "ar": {"method": "الطريقة", "headline": "تشابه العنوان", "lead": "تشابه المقدمة",
           "entities": "الكيانات المشتركة", "margin": "الفارق عن المرشح التالي",
           "days": "الفارق بالأيام", "rank": "الترتيب", "participants": "المشاركون"},
    "es": {"method": "método", "headline": "similitud del titular", "lead": "similitud de la entradilla",
           "entities": "entidades compartidas", "margin": "margen sobre el siguiente candidato",
           "days": "días de diferencia", "rank": "rango", "participants": "participantes"},
}

#: Words of the network page and the report that the browsing pages' table lacks. Keys ending in
#: ``_one`` / ``_many`` are counts (see :func:`count`); ``{...}`` are filled by ``str.format``.
EXTRA: dict[str, dict[str, str]] = {
    "en": {
        "network_heading": "News entity network ({n} entities)", "around": "Around {label}",
        "search_heading": "Search", "search_hint": "label in any language", "types": "Types",
        "dates": "Dates", "from": "from", "to": "to", "reset": "Reset filters",
        "help": "Node size: PageRank. Links: entities mentioned in the same article "
                "(thicker = more articles). Click a node for its articles.",
        "laying_out": "laying out…", "nothing_to_show": "no entities to show", "no_match": "no match",
        "shown": "{n} of {total} entities shown", "pagerank": "PageRank",
        "articles_one": "1 article", "articles_many": "{n} articles",
        "both_one": "1 article mentions both", "both_many": "{n} articles mention both",
        "uncertain_one": "1 article with an uncertain date",
        "uncertain_many": "{n} articles with an uncertain date",
        "uncertain_include": "include them (they are off the date axis)",
        "no_edition": "(no edition)",
        "report_title": "Network analysis", "report_heading": "News knowledge graph: network analysis",
        "report_summary": "{articles} articles in {editions} editions; {entities} entities mentioned, "
                          "{links} co-occurrence links (two entities mentioned in the same article), "
                          "{communities} communities, {events} events.",
        "col_edition": "edition", "col_language": "language", "col_articles": "articles",
        "col_entities": "entities", "col_links": "links", "col_dates": "dates",
        "chart_per_edition": "Articles per edition",
        "chart_weeks": "Articles per ISO week, by edition",
        "central": "Most central entities",
        "central_note": "Ranked by weighted PageRank on the co-occurrence network (edge weight = "
                        "number of articles mentioning both). Degree = distinct co-mentioned "
                        "entities; core = k-core number.",
        "betweenness_note": "Betweenness is estimated from a seeded sample.",
        "col_rank": "#", "col_type": "type", "col_degree": "degree", "col_betweenness": "betweenness",
        "col_core": "core", "col_community": "community", "communities": "Communities",
        "communities_note": "Louvain (seed 42) on the weighted co-occurrence network, largest "
                            "first; members by PageRank.",
        "col_size": "size", "col_types": "types", "col_members": "leading members",
        "comparison": "Edition comparison",
        "comparison_note": "Each bar is one entity's coverage split by edition, normalised by "
                           "edition size (the split if every edition had published as many "
                           "articles).",
        "chart_shares": "Normalised share of coverage, most central entities",
        "covers": "What {edition} covers that others barely do",
        "col_item": "entity or event", "col_here": "articles here", "col_all": "articles in all",
        "col_share": "share", "col_normalised": "normalised share",
        "nothing_stands_out": "nothing stands out", "over_time": "Over time",
        "chart_leaders": "Articles per ISO week mentioning the most central entities",
        "busiest": "Busiest days", "uncertain_heading": "Uncertain dates",
        "uncertain_note": "Their date is a guess (a page date such as \"Today 10:25\" read without "
                          "--as-of, with nothing on the page to confirm it), so they are left off "
                          "the time axis and the counts per day and week.",
        "events_by_type": "Events by type",
        "event_network": "{nodes} nodes and {links} actor/place links in the entity-event network.",
        "files": "Files",
        "metrics_note": "Metrics are also in the store, graph {graph}: mkg:pageRank, mkg:degree, "
                        "mkg:community, mkg:betweenness, mkg:coreNumber, mkg:articleCount, "
                        "mkg:editionMetrics.",
        "untyped": "(untyped)",
    },
    "ar": {
        "network_heading": "شبكة كيانات الأخبار ({n})", "around": "حول {label}",
        "search_heading": "بحث", "search_hint": "تسمية بأي لغة", "types": "الأنواع",
        "dates": "التواريخ", "from": "من", "to": "إلى", "reset": "إعادة ضبط المرشحات",
        "help": "حجم العقدة: PageRank. الروابط: كيانات ذكرت في المقال نفسه "
                "(الأعرض = مقالات أكثر). انقر على عقدة لعرض مقالاتها.",
        "laying_out": "جار الترتيب…", "nothing_to_show": "لا كيانات لعرضها", "no_match": "لا نتيجة",
        "shown": "المعروض: {n} من {total}", "pagerank": "PageRank",
        "articles_one": "مقال واحد", "articles_many": "المقالات: {n}",
        "both_one": "مقال واحد يذكرهما معا", "both_many": "مقالات تذكرهما معا: {n}",
        "uncertain_one": "مقال واحد بتاريخ غير مؤكد",
        "uncertain_many": "مقالات بتاريخ غير مؤكد: {n}",
        "uncertain_include": "تضمينها (هي خارج محور التاريخ)",
        "no_edition": "(بلا نسخة)",
        "report_title": "تحليل الشبكة", "report_heading": "الرسم البياني المعرفي للأخبار: تحليل الشبكة",
        "report_summary": "المقالات: {articles}؛ النسخ: {editions}؛ الكيانات المذكورة: "
                          "{entities}؛ روابط التواجد المشترك (كيانان ذكرا في المقال نفسه): "
                          "{links}؛ المجتمعات: {communities}؛ الأحداث: {events}.",
        "col_edition": "النسخة", "col_language": "اللغة", "col_articles": "المقالات",
        "col_entities": "الكيانات", "col_links": "الروابط", "col_dates": "التواريخ",
        "chart_per_edition": "المقالات في كل نسخة",
        "chart_weeks": "المقالات في كل أسبوع (ISO)، حسب النسخة",
        "central": "الكيانات الأكثر مركزية",
        "central_note": "مرتبة حسب PageRank الموزون على شبكة التواجد المشترك (وزن الرابط = عدد "
                        "المقالات التي تذكر الكيانين). الدرجة = عدد الكيانات المختلفة المذكورة "
                        "معه؛ النواة = رقم النواة k.",
        "betweenness_note": "البينية مقدرة من عينة ثابتة البذرة.",
        "col_rank": "#", "col_type": "النوع", "col_degree": "الدرجة", "col_betweenness": "البينية",
        "col_core": "النواة", "col_community": "المجتمع", "communities": "المجتمعات",
        "communities_note": "خوارزمية لوفان (البذرة 42) على شبكة التواجد المشترك الموزونة، "
                            "الأكبر أولا؛ الأعضاء حسب PageRank.",
        "col_size": "الحجم", "col_types": "الأنواع", "col_members": "أبرز الأعضاء",
        "comparison": "مقارنة النسخ",
        "comparison_note": "كل شريط يقسم تغطية كيان واحد بين النسخ، مطبعة بحجم كل نسخة "
                           "(التقسيم لو نشرت كل نسخة العدد نفسه من المقالات).",
        "chart_shares": "الحصة المطبعة من التغطية، الكيانات الأكثر مركزية",
        "covers": "ما تغطيه {edition} ولا تكاد تغطيه النسخ الأخرى",
        "col_item": "كيان أو حدث", "col_here": "المقالات هنا", "col_all": "المقالات في الكل",
        "col_share": "الحصة", "col_normalised": "الحصة المطبعة",
        "nothing_stands_out": "لا شيء لافت", "over_time": "عبر الزمن",
        "chart_leaders": "المقالات في كل أسبوع (ISO) التي تذكر الكيانات الأكثر مركزية",
        "busiest": "أكثر الأيام نشاطا", "uncertain_heading": "تواريخ غير مؤكدة",
        "uncertain_note": "تاريخها تخمين (تاريخ صفحة مثل \"Today 10:25\" قرئ بلا --as-of، "
                          "ولا شيء في الصفحة يؤكده)، لذا تترك خارج محور الزمن وخارج العد اليومي "
                          "والأسبوعي.",
        "events_by_type": "الأحداث حسب النوع",
        "event_network": "عقد شبكة الكيانات والأحداث: {nodes}؛ روابط الفاعلين والأماكن: {links}.",
        "files": "الملفات",
        "metrics_note": "المقاييس موجودة أيضا في المخزن، في الرسم {graph}: mkg:pageRank وmkg:degree "
                        "وmkg:community وmkg:betweenness وmkg:coreNumber وmkg:articleCount "
                        "وmkg:editionMetrics.",
        "untyped": "(بلا نوع)",
    },
    "es": {
        "network_heading": "Red de entidades de las noticias ({n} entidades)",
        "around": "En torno a {label}",
        "search_heading": "Buscar", "search_hint": "nombre en cualquier idioma", "types": "Tipos",
        "dates": "Fechas", "from": "desde", "to": "hasta", "reset": "Restablecer filtros",
        "help": "Tamaño del nodo: PageRank. Enlaces: entidades mencionadas en el mismo artículo "
                "(más grueso = más artículos). Haz clic en un nodo para ver sus artículos.",
        "laying_out": "colocando…", "nothing_to_show": "no hay entidades que mostrar",
        "no_match": "sin resultados", "shown": "{n} de {total} entidades visibles",
        "pagerank": "PageRank",
        "articles_one": "1 artículo", "articles_many": "{n} artículos",
        "both_one": "1 artículo menciona a ambas", "both_many": "{n} artículos mencionan a ambas",
        "uncertain_one": "1 artículo con fecha incierta",
        "uncertain_many": "{n} artículos con fecha incierta",
        "uncertain_include": "incluirlos (quedan fuera del eje de fechas)",
        "no_edition": "(sin edición)",
        "report_title": "Análisis de red",
        "report_heading": "Grafo de conocimiento de noticias: análisis de red",
        "report_summary": "{articles} artículos en {editions} ediciones; {entities} entidades "
                          "mencionadas, {links} enlaces de coaparición (dos entidades mencionadas "
                          "en el mismo artículo), {communities} comunidades, {events} eventos.",
        "col_edition": "edición", "col_language": "idioma", "col_articles": "artículos",
        "col_entities": "entidades", "col_links": "enlaces", "col_dates": "fechas",
        "chart_per_edition": "Artículos por edición",
        "chart_weeks": "Artículos por semana ISO, por edición",
        "central": "Entidades más centrales",
        "central_note": "Ordenadas por PageRank ponderado en la red de coaparición (peso del "
                        "enlace = número de artículos que mencionan a ambas). Grado = entidades "
                        "distintas mencionadas con ella; núcleo = número de k-núcleo.",
        "betweenness_note": "La intermediación se estima con una muestra de semilla fija.",
        "col_rank": "#", "col_type": "tipo", "col_degree": "grado",
        "col_betweenness": "intermediación", "col_core": "núcleo", "col_community": "comunidad",
        "communities": "Comunidades",
        "communities_note": "Louvain (semilla 42) sobre la red de coaparición ponderada, de mayor "
                            "a menor; miembros por PageRank.",
        "col_size": "tamaño", "col_types": "tipos", "col_members": "miembros principales",
        "comparison": "Comparación de ediciones",
        "comparison_note": "Cada barra reparte la cobertura de una entidad entre las ediciones, "
                           "normalizada por el tamaño de cada edición (el reparto si todas "
                           "hubieran publicado el mismo número de artículos).",
        "chart_shares": "Cuota normalizada de cobertura, entidades más centrales",
        "covers": "Lo que {edition} cubre y las demás apenas",
        "col_item": "entidad o evento", "col_here": "artículos aquí",
        "col_all": "artículos en total", "col_share": "cuota", "col_normalised": "cuota normalizada",
        "nothing_stands_out": "nada destaca", "over_time": "En el tiempo",
        "chart_leaders": "Artículos por semana ISO que mencionan las entidades más centrales",
        "busiest": "Días con más artículos", "uncertain_heading": "Fechas inciertas",
        "uncertain_note": "Su fecha es una suposición (una fecha de página como \"Today 10:25\" "
                          "leída sin --as-of y sin nada en la página que la confirme), así que "
                          "quedan fuera del eje temporal y de los recuentos por día y semana.",
        "events_by_type": "Eventos por tipo",
        "event_network": "{nodes} nodos y {links} enlaces de actor o lugar en la red de "
                         "entidades y eventos.",
        "files": "Archivos",
        "metrics_note": "Las métricas también están en el almacén, grafo {graph}: mkg:pageRank, "
                        "mkg:degree, mkg:community, mkg:betweenness, mkg:coreNumber, "
                        "mkg:articleCount, mkg:editionMetrics.",
        "untyped": "(sin tipo)",
    },
}


def messages(lang: str) -> dict[str, str]:
    """Every interface string in ``lang`` (``en``, ``ar`` or ``es``): the browsing pages' words,
    those of the network page and the report, and ``lang_<xx>`` language names; unknown
    languages get English."""
    lang = lang if lang in EXTRA else "en"
    names = {f"lang_{code}": name for code, name in LANG_NAMES.items()}
    return {**T[lang], **EXTRA[lang], **names}


def month_names(lang: str) -> list[str]:
    """The month names :func:`format_day` uses in ``lang``, January first (for the page script).

    >>> month_names("es")[9], month_names("ar")[9]
    ('oct', 'أكتوبر')
    """
    return list(get_month_names("abbreviated", locale=lang).values())


def count(key: str, n: int, lang: str) -> str:
    """``key_one`` for one, ``key_many`` (with ``{n}``) otherwise, in ``lang``."""
    table = messages(lang)
    return table[f"{key}_one"] if n == 1 else table[f"{key}_many"].format(n=n)


def language_name(code: str, lang: str) -> str:
    """A language's name in the page language.

    >>> language_name("ar", "es"), language_name("en", "ar")
    ('árabe', 'الإنجليزية')
    """
    return Locale.parse(lang).languages.get(code, code) if code else ""


def format_day(day: str | date, lang: str, pattern: str = "d MMM y") -> str:
    """A day (a date, or ISO ``2023-10-07``, or a month ``2023-10``) with the month named in ``lang``.

    >>> format_day("2023-10-07", "es"), format_day(date(2023, 10, 7), "ar"), format_day("2023-10", "en")
    ('7 oct 2023', '7 أكتوبر 2023', 'Oct 2023')
    """
    if isinstance(day, date):
        day = day.isoformat()
    try:
        if len(day) == 7:
            return format_date(date(int(day[:4]), int(day[5:7]), 1), "MMM y", locale=lang)
        return format_date(date.fromisoformat(day[:10]), pattern, locale=lang)
    except (ValueError, TypeError):
        return day


def direction(lang: str) -> str:
    """``rtl`` for Arabic, ``ltr`` otherwise."""
    return "rtl" if lang == "ar" else "ltr"
