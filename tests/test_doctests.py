"""Docstring examples are tests (``--doctest-modules`` in pyproject.toml runs them): an example
that cannot fail documents nothing."""

from __future__ import annotations

import doctest
import importlib
import re
from pathlib import Path

import kg

ALWAYS_TRUE = re.compile(r"\bor\s+True\s*\)?\s*$|^\s*True\s+or\b")


def test_no_example_is_true_whatever_happens():
    bad = []
    for path in sorted(Path(kg.__file__).parent.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.strip()
            if code.startswith((">>>", "...")) and ALWAYS_TRUE.search(code[3:]):
                bad.append(f"{path}:{number}: {code}")
    assert not bad, "examples that cannot fail:\n" + "\n".join(bad)


def test_the_documented_modules_have_examples():
    """The doctest run is wired up: the core modules carry examples that pytest collects."""
    finder = doctest.DocTestFinder()
    counted = {name: sum(len(t.examples) for t in finder.find(importlib.import_module(name)))
               for name in ("kg.rdf.store", "kg.rdf.vocab", "kg.link.lexicon")}
    assert all(counted.values()), counted
