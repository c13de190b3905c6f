"""Text keys and normalisation: the lowest layer, used by the knowledge base, NER, linking and events.

* :mod:`kg.text.arabic` — Arabic and Latin normalisation for matching, offset maps, proclitics,
  tokens, and :func:`~kg.text.arabic.normalize_key` (the knowledge base's label key).
* :mod:`kg.text.keys` — linking's name keys (:func:`~kg.text.keys.name_key`, type-aware) and the
  cross-script consonant :func:`~kg.text.keys.skeleton`.

There is one Arabic normaliser (:func:`kg.text.arabic.normalize_arabic`) and one Latin folding
(:func:`kg.text.arabic.fold_latin`); everything that compares names goes through them. The NER
feature extractor keeps a frozen private copy (:mod:`kg.nlp.statistical.arnorm`) because the
shipped CRF weights were trained on its output.
"""
