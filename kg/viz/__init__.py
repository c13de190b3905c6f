"""The interactive, offline network page (``kg viz``).

>>> from kg.viz import write_viz  # write_viz(store, "graph.html", focus="Gaza", lang="ar")
"""

from kg.viz.page import VizError, build_network, resolve_entity, write_viz

__all__ = ["VizError", "build_network", "resolve_entity", "write_viz"]
