"""RDF: the vocabulary, articles -> triples, the embedded store, export and validation.

Nothing here parses HTML or runs NLP: it receives plain records and turns them into quads.
"""
