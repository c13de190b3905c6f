"""Fuzzed readers: random bytes, truncated and mixed-encoding copies of real inputs, at every reader.

Whatever comes in, :func:`kg.sources.read_inputs` must return (no exception, no hang), and every
item must be an Article with text or a Rejection with a reason; a reader that raised (reported as
"reader failed: ...") counts as a crash. Inputs are real files of each form: scraped JSON, JSONL,
saved page text, HTML, RSS and Atom.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from kg.article import Article, Rejection  # noqa: E402
from kg.sources import read_inputs  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = {
    "scraped.json": ROOT / "examples" / "ar_almayadeen_2023-10-30.json",
    "export.jsonl": ROOT / "examples" / "en_bbc_2023-10-30.jsonl",
    "page.txt": ROOT / "examples" / "en_almayadeen_page_sheinbaum.txt",
    "page.html": ROOT / "tests" / "fixtures" / "sources" / "bbc_chief_rabbi.html",
    "feed.rss": ROOT / "tests" / "fixtures" / "sources" / "feed.rss",
    "feed.atom": ROOT / "tests" / "fixtures" / "sources" / "feed.atom",
}
#: one call may take this long at most (a hang fails the test instead of the CI job)
SECONDS = 10.0

#: ``MKG_FUZZ_EXAMPLES=1000`` for a longer, randomised hunt; CI runs a fixed 40 per case
EXAMPLES = int(os.environ.get("MKG_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                derandomize="MKG_FUZZ_EXAMPLES" not in os.environ,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])


def _check(path: Path) -> None:
    started = time.monotonic()
    items = list(read_inputs([str(path)]))
    assert time.monotonic() - started < SECONDS, "reader too slow (a hang?)"
    assert items, "nothing came back: the input was neither read nor rejected"
    for item in items:
        if isinstance(item, Rejection):
            assert item.reason and not item.reason.startswith("reader failed"), item
        else:
            assert isinstance(item, Article) and item.text.strip(), item


def _mixed(text: str, cuts: list[int], encodings: list[str]) -> bytes:
    """``text`` in pieces, each piece in another encoding (what a bad export looks like)."""
    bounds = sorted({0, len(text), *(c % (len(text) + 1) for c in cuts)})
    out = b""
    for i, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False)):
        out += text[a:b].encode(encodings[i % len(encodings)], errors="replace")
    return out


@pytest.mark.parametrize("name", sorted(SAMPLES))
@FUZZ
@given(data=st.binary(max_size=4096))
def test_random_bytes(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    _check(path)


@pytest.mark.parametrize("name", sorted(SAMPLES))
@FUZZ
@given(cut=st.floats(0.0, 1.0))
def test_truncated(tmp_path, name, cut):
    sample = SAMPLES[name].read_bytes()
    path = tmp_path / name
    path.write_bytes(sample[: int(len(sample) * cut)])
    _check(path)


@pytest.mark.parametrize("name", sorted(SAMPLES))
@FUZZ
@given(cuts=st.lists(st.integers(0, 10**6), max_size=6),
       encodings=st.lists(st.sampled_from(["utf-8", "cp1256", "latin-1", "utf-16", "utf-8-sig",
                                           "iso-8859-6"]), min_size=1, max_size=3))
def test_mixed_encodings(tmp_path, name, cuts, encodings):
    text = SAMPLES[name].read_text(encoding="utf-8")
    path = tmp_path / name
    path.write_bytes(_mixed(text, cuts, encodings))
    _check(path)


@pytest.mark.parametrize("name", sorted(SAMPLES))
@FUZZ
@given(edits=st.lists(st.tuples(st.floats(0.0, 1.0), st.sampled_from(["drop", "insert", "flip"]),
                                st.binary(min_size=1, max_size=8)), min_size=1, max_size=8))
def test_mutated(tmp_path, name, edits):
    data = bytearray(SAMPLES[name].read_bytes())
    for where, how, junk in edits:
        at = int(where * len(data))
        if how == "drop":
            del data[at:at + len(junk)]
        elif how == "insert":
            data[at:at] = junk
        elif data:
            data[min(at, len(data) - 1)] ^= junk[0] or 0xFF
    path = tmp_path / name
    path.write_bytes(bytes(data))
    _check(path)
