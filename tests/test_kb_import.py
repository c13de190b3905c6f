"""`kg kb import` and the Wikidata index, on real Wikidata entities.

Fixtures: tests/fixtures/kb/wikidata_dump.json.{gz,bz2} (7 real entities trimmed from
../shared/data/kb/wikidata_sample.jsonl, see tests/fixtures/kb/README.md); the whole sample is
used when ../shared is present.
"""

from __future__ import annotations

import bz2
import copy
import doctest
import gzip
import json
import os
import time
from pathlib import Path

import pytest

import kg.kb.index as kb_index
import kg.kb.wikidata as wikidata
import kg.link.kbadapter as kbadapter
from kg.cli import main
from kg.kb import KBEntity, KnowledgeBase
from kg.kb.index import WikidataIndex
from kg.kb.wikidata import DumpError, import_dump, parse_entity, parse_line, read_classes
from kg.link.kbadapter import KBView

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "kb"
GZ = FIXTURES / "wikidata_dump.json.gz"
BZ = FIXTURES / "wikidata_dump.json.bz2"
SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "data" / "kb" / "wikidata_sample.jsonl"


@pytest.fixture(autouse=True)
def _no_user_index(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MKG_KB_DIR", "off")


def _lines() -> list[str]:
    return gzip.decompress(GZ.read_bytes()).decode("utf-8").splitlines()


def _entity(qid: str) -> dict:
    for line in _lines():
        obj = parse_line(line)
        if obj and obj["id"] == qid:
            return obj
    raise KeyError(qid)


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("kb")
    import_dump(GZ, out)
    return out


@pytest.fixture(scope="module")
def idx(index_dir: Path) -> WikidataIndex:
    index = WikidataIndex.open(index_dir)
    assert index is not None
    return index


def test_doctests() -> None:
    for mod in (wikidata, kb_index, kbadapter):
        assert doctest.testmod(mod).failed == 0, mod.__name__


def test_import_gzip_array_dump(tmp_path: Path) -> None:
    report = import_dump(GZ, tmp_path)
    assert report.read == 7 and report.corrupt == 0
    assert dict(report.kept) == {"LOC": 3, "PER": 2, "ORG": 1}  # Q1 universe: no kept class
    assert report.skipped_class == 1
    assert (tmp_path / "wikidata.sqlite").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert "read 7 entities" in report.summary() and "LOC 3" in report.summary()


def test_bz2_and_jsonl_give_the_same_index(tmp_path: Path, idx: WikidataIndex) -> None:
    import_dump(BZ, tmp_path / "bz2")
    jsonl = tmp_path / "dump.jsonl"
    jsonl.write_text("\n".join(ln.rstrip(",") for ln in _lines() if ln not in ("[", "]")) + "\n",
                     encoding="utf-8")
    import_dump(jsonl, tmp_path / "jsonl")
    for d in ("bz2", "jsonl"):
        other = WikidataIndex.open(tmp_path / d)
        assert other is not None and len(other) == len(idx) == 6
        for q in ("Q22", "Q42", "Q45", "Q1299", "Q8646", "Q494290"):
            assert other.get(q).labels == idx.get(q).labels


@pytest.mark.parametrize(("label", "lang", "qid"), [
    ("Scotland", "en", "Q22"), ("اسكتلندا", "ar", "Q22"), ("Escocia", "es", "Q22"),  # labels
    ("Alba", "en", "Q22"), ("إسكتلندا", "ar", "Q22"),                               # aliases
    ("Douglas Adams", "en", "Q42"), ("دوغلاس آدمز", "ar", "Q42"),
    ("Douglas Noël Adams", "es", "Q42"), ("دوجلاس آدامز", "ar", "Q42"),
    ("Beatles", "en", "Q1299"), ("فرقة الخنافس", "ar", "Q1299"), ("Los Beatles", "es", "Q1299"),
    ("Hong Kong", "es", "Q8646"), ("هونغ كونغ", "ar", "Q8646"), ("Hongkong", "en", "Q8646"),
    ("República Portuguesa", "es", "Q45"), ("الجمهورية البرتغالية", "ar", "Q45"),
])
def test_lookup_en_ar_es(idx: WikidataIndex, label: str, lang: str, qid: str) -> None:
    found = idx.lookup(label, lang)
    assert [e.wikidata for e in found] == [qid]
    assert found[0].id == f"wd:{qid}"


def test_lookup_uses_the_project_label_key(idx: WikidataIndex) -> None:
    # normalize_key drops the article and folds case: "the beatles" finds "The Beatles"
    assert [e.id for e in idx.lookup("the BEATLES", "en")] == ["wd:Q1299"]
    assert idx.lookup("Douglas", "en") == [] and idx.lookup("", "en") == []


def test_entries_types_coordinates_country(idx: WikidataIndex) -> None:
    scot, adams, hk = idx.get("wd:Q22"), idx.get("Q42"), idx.get("http://www.wikidata.org/entity/Q8646")
    assert isinstance(scot, KBEntity) and scot.kind == "wikidata"
    assert (scot.type, scot.lat, scot.lon, scot.country) == ("LOC", 57.0, -5.0, "Q145")
    assert scot.wkt == "POINT(-5.0 57.0)"
    assert (adams.type, adams.country, adams.lat) == ("PER", "Q145", None)  # P27 for people
    assert adams.labels == {"en": "Douglas Adams", "ar": "دوغلاس آدمز", "es": "Douglas Adams"}
    assert "Douglas Noel Adams" in adams.aliases["en"]
    assert hk.type == "LOC" and round(hk.lat, 3) == 22.278 and round(hk.lon, 3) == 114.159
    assert idx.get("wd:Q1299").type == "ORG"
    assert idx.get("Q1") is None and idx.get("kb:donald_trump") is None
    assert scot.sitelinks == 223 and idx.get("Q45").sitelinks == 330
    assert idx.get("Q45").prior > scot.prior > idx.get("Q494290").prior
    assert "ar" not in idx.get("Q494290").labels  # no Arabic label in Wikidata


def test_sitelinks_floor_and_class_file(tmp_path: Path) -> None:
    report = import_dump(GZ, tmp_path / "a", min_sitelinks=10)
    assert report.skipped_sitelinks == 1  # Q494290 Shin Jung-hyeon has 5 sitelinks
    classes = tmp_path / "classes.tsv"
    classes.write_text("# the universe, for the test\nQ36906466 LOC\nQ5741069 -\n", encoding="utf-8")
    report = import_dump(GZ, tmp_path / "b", classes=read_classes(classes))
    assert dict(report.kept) == {"LOC": 4, "PER": 2}  # Q1 kept, Q1299 (rock band) dropped
    classes.write_text("Q1 PLANET\n", encoding="utf-8")
    with pytest.raises(ValueError, match="classes.tsv:1"):
        read_classes(classes)


@pytest.mark.parametrize("path", [GZ, SAMPLE], ids=["fixture", "sample"])
def test_prefilter_changes_nothing(path: Path, tmp_path: Path) -> None:
    if not path.is_file():
        pytest.skip("../shared/data/kb is not present")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        recs = [parse_entity(parse_line(ln), min_sitelinks=2) for ln in fh if parse_line(ln)]
    kept = sorted(r.qid for r in recs if r)
    report = import_dump(path, tmp_path)
    assert report.kept_total == len(kept) and report.read == len(recs)
    index = WikidataIndex.open(tmp_path)
    assert [q for q in kept if index.get(f"Q{q}")] == kept


def test_worker_processes_give_the_same_index(tmp_path: Path, idx: WikidataIndex) -> None:
    report = import_dump(GZ, tmp_path, jobs=2, batch=2)
    assert (report.read, dict(report.kept)) == (7, {"LOC": 3, "PER": 2, "ORG": 1})
    par = WikidataIndex.open(tmp_path)
    for q in ("Q22", "Q42", "Q45", "Q1299", "Q8646", "Q494290"):
        assert par.get(q) == idx.get(q) or par.get(q).__dict__ == idx.get(q).__dict__
    assert [e.id for e in par.lookup("Escocia", "es")] == ["wd:Q22"]


def test_label_variants_only_when_the_language_is_missing() -> None:
    scot = _entity("Q22")
    assert parse_entity(scot).labels["en"] == "Scotland"
    no_en = copy.deepcopy(scot)
    del no_en["labels"]["en"]
    no_en["labels"]["en-gb"]["value"] = "Scotland (en-gb)"  # to see which one was taken
    no_en["labels"]["es-419"] = no_en["labels"].pop("es")
    rec = parse_entity(no_en)
    assert rec.labels["en"] == "Scotland (en-gb)" and rec.labels["es"] == "Escocia"


def test_old_api_shape_numeric_ids_and_empty_lists() -> None:
    # Q494290 (dahlia/wikidata fixture) has "aliases": []; numeric-id-only values are read too
    shin = _entity("Q494290")
    assert shin["aliases"] == []
    rec = parse_entity(shin)
    assert (rec.type, rec.country, rec.aliases) == ("PER", "Q884", {})
    for s in shin["claims"]["P31"]:
        s["mainsnak"]["datavalue"]["value"].pop("id")
    assert parse_entity(shin).type == "PER"
    shin["claims"]["P31"][0]["rank"] = "deprecated"
    assert parse_entity(shin) is None


def test_atomic_replace_keeps_readers_on_the_old_index(tmp_path: Path) -> None:
    import_dump(GZ, tmp_path)
    old = WikidataIndex.open(tmp_path)
    assert old.get("Q42") is not None
    import_dump(GZ, tmp_path, min_sitelinks=200)  # only Q22, Q45, Q8646 have 200+
    new = WikidataIndex.open(tmp_path)
    assert new.get("Q42") is None and len(new) == 3
    assert old.get("Q42").labels["en"] == "Douglas Adams"  # an open reader keeps its snapshot
    # a failed import leaves the installed index alone and no temporary file behind
    broken = tmp_path / "broken.json.gz"
    broken.write_bytes(GZ.read_bytes()[:2000])
    with pytest.raises(DumpError, match="broken compressed stream"):
        import_dump(broken, tmp_path)
    assert len(WikidataIndex.open(tmp_path)) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.json.gz", "wikidata.sqlite"]


def test_corrupt_lines_are_counted_not_fatal(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    lines = _lines()
    lines.insert(3, '{"type":"item","id":"Q9999999","labels":{"en":')  # a cut line
    lines.insert(5, "not json at all,")
    dump = tmp_path / "dump.json.bz2"
    dump.write_bytes(bz2.compress(("\n".join(lines) + "\n").encode("utf-8")))
    report = import_dump(dump, tmp_path / "out")
    assert (report.corrupt, report.corrupt_lines, report.kept_total) == (2, [4, 6], 6)
    assert "corrupt lines skipped: 2 (line 4, 6)" in report.summary()
    assert main(["kb", "import", str(dump), "-o", str(tmp_path / "cli"), "-q"]) == 0
    assert "corrupt lines skipped: 2" in capsys.readouterr().out


def test_cli_import_and_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["kb", "import", str(GZ), "-o", str(tmp_path), "-q"]) == 0
    out = capsys.readouterr().out
    assert "read 7 entities" in out and "kept 6 (PER 2, ORG 1, LOC 3, EVENT 0)" in out
    assert "entities/s" in out and "MB" in out
    assert main(["kb", "import", str(tmp_path / "missing.json.gz"), "-o", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such file" in err
    junk = tmp_path / "junk.json"
    junk.write_text("[\nthis is not a dump\n]\n", encoding="utf-8")
    assert main(["kb", "import", str(junk), "-o", str(tmp_path / "j"), "-q"]) == 1
    assert "no entity could be read" in capsys.readouterr().err
    bad_classes = tmp_path / "c.tsv"
    bad_classes.write_text("Q5\n", encoding="utf-8")
    assert main(["kb", "import", str(GZ), "--classes", str(bad_classes), "-o", str(tmp_path)]) == 1


def test_default_dir_and_off_switch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    index_dir: Path) -> None:
    assert wikidata.default_dir() is None and WikidataIndex.open() is None  # MKG_KB_DIR=off
    monkeypatch.setenv("MKG_KB_DIR", str(index_dir))
    assert WikidataIndex.open().get("Q22") is not None
    assert KBView.default().index is not None
    monkeypatch.setenv("MKG_KB_DIR", str(tmp_path / "nothing"))
    assert WikidataIndex.open() is None
    monkeypatch.delenv("MKG_KB_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert wikidata.default_dir() == tmp_path / "mkg" / "kb"


def test_open_is_fast_and_lookups_are_indexed(index_dir: Path) -> None:
    t0 = time.perf_counter()
    index = WikidataIndex.open(index_dir)
    assert time.perf_counter() - t0 < 0.5
    plan = " ".join(str(r) for r in index._con.execute(
        "EXPLAIN QUERY PLAN SELECT qid FROM names WHERE key = ?", ("x",)))
    assert "USING COVERING INDEX names_key" in plan
    t0 = time.perf_counter()
    for _ in range(200):
        index.lookup("Scotland", "en")
    assert (time.perf_counter() - t0) / 200 < 0.005


# ---- linking's view ----------------------------------------------------------------------------
def _shipped(*ids: str, **qids: str | None) -> KnowledgeBase:
    """A KB of copies of shipped rows; ``qids`` sets their QIDs (``country_PT="Q45"``), so the
    tests do not depend on which shipped rows happen to carry one."""
    shipped = KnowledgeBase.load()
    rows = []
    for eid in ids:
        row = copy.copy(shipped.get(eid))
        assert row is not None, eid
        key = eid.replace(":", "_")
        if key in qids:
            row.wikidata = qids[key]
        rows.append(row)
    return KnowledgeBase(rows)


def test_kbview_falls_back_to_the_index(idx: WikidataIndex) -> None:
    view = KBView(_shipped("kb:donald_trump", "country:PT"), idx)
    assert view.lookup("Douglas Adams", "en") == "wd:Q42"
    assert view.lookup("دوغلاس آدمز", "ar") == "wd:Q42"
    assert view.lookup("Escocia", "es") == "wd:Q22"
    info = view.info("wd:Q22")
    assert (info.type, info.wikidata, info.lat, info.lon) == ("LOC", "Q22", 57.0, -5.0)
    assert info.labels == {"en": "Scotland", "ar": "اسكتلندا", "es": "Escocia"}
    assert view.lookup("Donald Trump", "en") == "kb:donald_trump"  # shipped answers win
    assert view.lookup("HK", "en") is None  # too short for the index
    assert view.lookup("Scotland", "en", etype="PER") is None  # type must be compatible
    assert KBView(_shipped("kb:donald_trump"), None).lookup("Douglas Adams", "en") is None


def test_kbview_does_not_override_an_ambiguous_shipped_label(idx: WikidataIndex) -> None:
    hk = [e.id for e in KnowledgeBase.load().lookup("Hong Kong", "en")]
    if len(hk) < 2:
        pytest.skip("the shipped KB no longer has several 'Hong Kong' entities")
    assert KBView(_shipped(*hk), idx).lookup("Hong Kong", "en") is None


def test_kbview_maps_a_qid_the_shipped_kb_has_to_its_id(idx: WikidataIndex) -> None:
    view = KBView(_shipped("kb:donald_trump", "country:PT", country_PT="Q45"), idx)
    assert view.lookup("Portuguese Republic", "en") == "country:PT"
    assert view.lookup("República Portuguesa", "es") == "country:PT"
    assert view.info("country:PT").labels["ar"] == "البرتغال"
    # and with the shipped KB as it is: every fixture QID it carries maps to its own id
    shipped = KnowledgeBase.load()
    real = KBView(shipped, idx)
    by_qid = {e.wikidata: e.id for e in shipped if e.wikidata}
    for qid in ("Q22", "Q42", "Q45", "Q1299", "Q8646"):
        if qid in by_qid:
            assert real._shipped_id(qid) == by_qid[qid]


def test_kbview_maps_by_labels_when_the_shipped_entity_has_no_qid(idx: WikidataIndex) -> None:
    kb = _shipped("kb:donald_trump", "country:PT", country_PT=None)
    assert KBView(kb, idx).lookup("الجمهورية البرتغالية", "ar") == "country:PT"
    # a shipped entity with another QID is not taken for it
    kb = _shipped("kb:donald_trump", "country:PT", country_PT="Q1")
    assert KBView(kb, idx).lookup("الجمهورية البرتغالية", "ar") == "wd:Q45"


class _Merged:
    """An index answering one label with the real entries of two others (ambiguity tests)."""

    def __init__(self, idx: WikidataIndex, *qids: str) -> None:
        self.idx, self.qids = idx, qids

    def lookup(self, label: str, lang: str) -> list:
        return sorted((self.idx.get(q) for q in self.qids), key=lambda e: -e.sitelinks)

    def get(self, entity_id: str):
        return self.idx.get(entity_id)


def test_kbview_ambiguity_is_conservative(idx: WikidataIndex) -> None:
    close = KBView(None, _Merged(idx, "Q22", "Q8646"))  # 223 vs 245 sitelinks
    assert close.lookup("some name", "en") is None
    dominant = KBView(None, _Merged(idx, "Q42", "Q494290"))  # 115 vs 5
    assert dominant.lookup("some name", "en") == "wd:Q42"
    assert dominant.lookup("some name", "en", etype="PER") == "wd:Q42"
    mixed = KBView(None, _Merged(idx, "Q45", "Q42"))  # 330 vs 115: not 3x, but types differ
    assert mixed.lookup("some name", "en") is None
    assert mixed.lookup("some name", "en", etype="PER") == "wd:Q42"


# ---- the real sample (../shared) ---------------------------------------------------------------
@pytest.mark.skipif(not SAMPLE.is_file(), reason="../shared/data/kb is not present")
def test_real_sample(tmp_path: Path) -> None:
    report = import_dump(SAMPLE, tmp_path)
    assert report.read == 15 and report.corrupt == 0
    assert dict(report.kept) == {"PER": 7, "LOC": 5, "ORG": 1}  # Q1 universe, Q33281 language
    index = WikidataIndex.open(tmp_path)
    assert index.get("Q131261").type == "PER"  # P31 written as numeric-id only
    assert index.get("Q131261").country == "Q183"
    assert [e.id for e in index.lookup("جبل إفرست", "ar")] == ["wd:Q513"]
    assert [e.id for e in index.lookup("Everest", "es")] == ["wd:Q513"]
    assert [e.id for e in index.lookup("Constantino el Grande", "es")] == ["wd:Q8413"]
    assert index.get("Q1040").type == "LOC" and round(index.get("Q1040").lat, 2) == 49.01
    with SAMPLE.open(encoding="utf-8") as fh:
        sitelinks = {json.loads(ln)["id"]: len(json.loads(ln)["sitelinks"]) for ln in fh}
    assert index.get("Q53713").sitelinks == sitelinks["Q53713"]
    assert os.path.getsize(tmp_path / "wikidata.sqlite") < 200_000


def test_importing_an_index_changes_what_builds_depend_on(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Linking looks names up in the index, so a build after `kg kb import` links again (its
    corpus key changes) and drops memories of lookups: the index is part of the stages version."""
    from kg.build import stages_version

    monkeypatch.setenv("MKG_KB_DIR", str(tmp_path))
    without = stages_version(True, True)
    import_dump(GZ, tmp_path)
    imported = stages_version(True, True)
    assert imported != without and stages_version(True, True) == imported
    import_dump(BZ, tmp_path / "other")
    monkeypatch.setenv("MKG_KB_DIR", str(tmp_path / "other"))
    assert stages_version(True, True) not in (without, imported)
    monkeypatch.setenv("MKG_KB_DIR", "off")
    assert stages_version(True, True) == without
