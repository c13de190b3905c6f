"""Memories kept between builds (kg.memo) and in a process that builds again (``keep``)."""

from __future__ import annotations

from pathlib import Path

import pytest

import kg.link.kbadapter
import kg.memo
from kg.link.kbadapter import KBView, remembered_derivations
from kg.memo import Memo, forget_kept_memos


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The memo files read from disk, by name."""
    read: list[str] = []
    load = kg.memo.load_pickle

    def counted(fh):
        read.append(Path(fh.name).name)
        return load(fh)

    monkeypatch.setattr(kg.memo, "load_pickle", counted)
    yield read
    forget_kept_memos()


def test_a_kept_memo_is_read_from_its_file_only_when_another_wrote_it(tmp_path, reads):
    path = tmp_path / "candidates.pickle"
    first = Memo(path, "v1", keep=True)
    first.get("a", lambda: [1, 2])
    first.save()
    again = Memo(path, "v1", keep=True)  # as this process left the file: not read
    assert again.get("a", lambda: None) == [1, 2] and again.computed == 0
    assert reads == []
    again.get("b", lambda: [3])
    again.save()
    other = Memo(path, "v1")  # another process (keep=False) reads it and writes it
    assert other.get("b", lambda: None) == [3] and reads == ["candidates.pickle"]
    other.get("c", lambda: [4])
    other.save()
    third = Memo(path, "v1", keep=True)  # the file changed: read again
    assert third.get("c", lambda: None) == [4] and third.computed == 0
    assert reads == ["candidates.pickle"] * 2
    assert Memo(path, "v2", keep=True).get("c", lambda: "new") == "new"  # another version


def test_a_memo_without_keep_reads_its_file_every_time(tmp_path, reads):
    path = tmp_path / "projections.pickle"
    memo = Memo(path, "v1")
    memo.get("a", lambda: 1)
    memo.save()
    assert Memo(path, "v1").get("a", lambda: None) == 1
    assert Memo(path, "v1").get("a", lambda: None) == 1
    assert reads == ["projections.pickle"] * 2
    assert kg.memo._KEPT == {}


def test_a_view_that_saved_its_derivations_does_not_read_them_again(tmp_path, monkeypatch):
    loads: list[Path] = []
    load = kg.link.kbadapter._load_derivations
    monkeypatch.setattr(kg.link.kbadapter, "_load_derivations",
                        lambda path, version: loads.append(path) or load(path, version))
    file = tmp_path / "derived.pickle"
    view = KBView(None)
    with remembered_derivations(view, file, "v1"):
        view.derived["mention-nodes"][("Gaza", None, "LOC", "en")] = "node"
    with remembered_derivations(view, file, "v1"):  # the file is as the view left it
        assert view.derived["mention-nodes"] == {("Gaza", None, "LOC", "en"): "node"}
        view.derived["tag-readings"][("Gaza", "en")] = ("en", None)
    assert loads == [file]
    other = KBView(None)  # another process: reads what the first saved, adds, saves
    with remembered_derivations(other, file, "v1"):
        assert other.derived["tag-readings"] == {("Gaza", "en"): ("en", None)}
        other.derived["mention-nodes"][("Rafah", None, "LOC", "en")] = "rafah"
    with remembered_derivations(view, file, "v1"):  # changed since: read and merged
        assert ("Rafah", None, "LOC", "en") in view.derived["mention-nodes"]
    assert loads == [file] * 3


def _entries(path: Path) -> dict:
    memo = Memo(path, "v1")
    return {key: memo._old[key] for key in memo._old}


def test_a_run_that_used_every_entry_appends_what_it_computed(tmp_path, reads):
    path = tmp_path / "candidates.pickle"
    first = Memo(path, "v1")
    first.get("a", lambda: [1])
    first.save()
    written = path.read_bytes()
    second = Memo(path, "v1")
    second.get("a", lambda: None)
    second.get("b", lambda: [2])
    second.save()
    assert path.read_bytes().startswith(written) and len(path.read_bytes()) > len(written)
    assert _entries(path) == {"a": [1], "b": [2]}
    third = Memo(path, "v1")  # leaves "a" unused: the file is written anew, without it
    third.get("b", lambda: None)
    third.get("c", lambda: [3])
    third.save()
    assert not path.read_bytes().startswith(written)
    assert _entries(path) == {"b": [2], "c": [3]}


def test_a_torn_addition_is_left_out_and_the_file_written_anew(tmp_path, reads):
    path = tmp_path / "candidates.pickle"
    for key in ("a", "b"):
        memo = Memo(path, "v1")
        memo.get("a", lambda: [1])
        memo.get(key, lambda: [2])
        memo.save()
    whole = path.read_bytes()
    path.write_bytes(whole[:-3])  # a run stopped while appending "b"
    torn = Memo(path, "v1")
    assert torn.get("a", lambda: None) == [1] and torn.computed == 0
    assert torn.get("b", lambda: [2]) == [2] and torn.computed == 1
    torn.get("c", lambda: [3])
    torn.save()  # not appended after the torn bytes
    assert _entries(path) == {"a": [1], "b": [2], "c": [3]}
    assert not path.read_bytes().startswith(whole[:-3])


def test_a_kept_memo_appends_and_another_process_reads_it_all(tmp_path, reads):
    path = tmp_path / "candidates.pickle"
    sizes = []
    for n in range(3):  # rounds of a `kg watch` process, each using what the ones before did
        memo = Memo(path, "v1", keep=True)
        for old in "abc"[:n + 1]:
            memo.get(old, lambda old=old: [old])
        memo.save()
        sizes.append(path.stat().st_size)
    assert reads == [] and sizes[0] < sizes[1] < sizes[2]
    forget_kept_memos()
    assert _entries(path) == {"a": ["a"], "b": ["b"], "c": ["c"]} and reads == ["candidates.pickle"]


def test_a_run_that_left_a_few_entries_unused_appends_and_keeps_them(tmp_path, reads):
    path = tmp_path / "candidates.pickle"
    first = Memo(path, "v1")
    for key in "abcd":
        first.get(key, lambda key=key: [key])
    first.save()
    written = path.read_bytes()
    second = Memo(path, "v1")  # "d" unused: one in four
    for key in "abce":
        second.get(key, lambda key=key: [key])
    second.save()
    assert path.read_bytes().startswith(written)
    assert _entries(path) == {key: [key] for key in "abcde"}
    third = Memo(path, "v1")  # two of five unused: written anew
    for key in "abcf":
        third.get(key, lambda key=key: [key])
    third.save()
    assert _entries(path) == {key: [key] for key in "abcf"}
