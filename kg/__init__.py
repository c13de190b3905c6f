"""mkg: a multilingual (English, Arabic, Spanish) knowledge-graph builder for news.

The package is a pipeline; each sub-package is one stage and data flows one way::

    sources -> language -> nlp -> kb/link -> events -> rdf -> analysis -> viz

The command line (:mod:`kg.cli`) is a thin face over these modules.
"""

__version__ = "0.1.0"
