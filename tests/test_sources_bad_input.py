"""Bad input never raises out of read_inputs: each case is a Rejection with file and reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.article import Article, Rejection
from kg.sources import read_inputs, textio

ARABIC = ("أعلن المتحدث باسم القوات المسلحة اليمنية العميد يحيى سريع استهداف مدمرات أميركية "
          "وسفن إسرائيلية في البحر الأحمر والمحيط الهندي، في بيان متلفز بثته الميادين.")


def only(items) -> Article | Rejection:
    items = list(items)
    assert len(items) == 1, items
    return items[0]


def test_empty_file(tmp_path):
    path = tmp_path / "empty.json"
    path.write_bytes(b"")
    assert only(read_inputs([str(path)])) == Rejection(str(path), "empty file")
    blank = tmp_path / "blank.jsonl"
    blank.write_text("\n  \n")
    assert only(read_inputs([str(blank)])) == Rejection(str(blank), "empty file")


def test_binary_file(tmp_path):
    path = tmp_path / "photo.json"
    path.write_bytes(bytes(range(256)) * 40)
    assert only(read_inputs([str(path)])) == Rejection(str(path), "binary file, not text")


def test_binary_files_in_folders_are_skipped_unless_named(tmp_path):
    from kg.sources import Skipped

    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    skipped = only(read_inputs([str(tmp_path)]))  # left out, but reported with the reason
    assert isinstance(skipped, Skipped) and skipped.reason.startswith("unknown file type (.png)")
    rejection = only(read_inputs([str(tmp_path / "image.png")]))
    assert rejection.reason == "binary file, not text"


def test_truncated_json(shared_data, tmp_path):
    data = (shared_data / "ar/almayadeen_ar_2024_04.json").read_bytes()[:50_000]
    path = tmp_path / "truncated.json"
    path.write_bytes(data)
    rejection = only(read_inputs([str(path)]))
    assert rejection.source_file == str(path)
    assert rejection.reason.startswith("truncated or invalid JSON")


def test_bad_jsonl_line_names_its_line(tmp_path):
    good = {"id": "a", "title": "T", "text": "Some text long enough to count as a body."}
    path = tmp_path / "mixed.jsonl"
    path.write_text(json.dumps(good) + "\n" + '{"id": "b", "title": "cut' + "\n")
    article, rejection = read_inputs([str(path)])
    assert isinstance(article, Article)
    assert rejection.record == "2" and rejection.reason.startswith("invalid JSON line")


def test_windows_1256_arabic_text_is_read_correctly(tmp_path):
    path = tmp_path / "arabic_cp1256.txt"
    path.write_bytes(("عنوان الخبر\n" + ARABIC + "\n").encode("cp1256"))
    article = only(read_inputs([str(path)]))
    assert isinstance(article, Article)
    assert article.title == "عنوان الخبر" and article.body == ARABIC


def test_windows_1256_jsonl_is_read_correctly(tmp_path):
    record = {"id": "x", "title": "عنوان", "text": ARABIC, "language": "ar"}
    path = tmp_path / "arabic_cp1256.jsonl"
    path.write_bytes((json.dumps(record, ensure_ascii=False) + "\n").encode("cp1256"))
    article = only(read_inputs([str(path)]))
    assert article.body == ARABIC


def test_html_page_without_article(fixtures):
    path = fixtures / "sources/no_article.html"
    assert only(read_inputs([str(path)])) == Rejection(str(path), "no article text found")


def test_unreadable_file_permission_denied(tmp_path, monkeypatch):
    """Tests run as root, so chmod 000 cannot make a file unreadable: make open() refuse."""
    path = tmp_path / "locked.json"
    path.write_text("[]")
    real_open = Path.open

    def refuse(self, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    rejection = only(read_inputs([str(path)]))
    assert rejection.source_file == str(path)
    assert rejection.reason == "unreadable: permission denied (Permission denied)"


def test_unreadable_file_dangling_link(tmp_path):
    path = tmp_path / "gone.json"
    path.symlink_to(tmp_path / "missing-target.json")
    rejection = only(read_inputs([str(path)]))
    assert rejection.reason.startswith("unreadable: No such file")


def test_missing_path_and_empty_glob(tmp_path):
    missing = str(tmp_path / "nope.json")
    assert only(read_inputs([missing])) == Rejection(missing, "no such file or directory")
    pattern = str(tmp_path / "*.jsonl")
    assert only(read_inputs([pattern])) == Rejection(pattern, "no file matches this pattern")


def test_duplicate_records_are_both_read_then_deduplicated(tmp_path):
    from kg.sources import deduplicate

    record = {"url": "https://www.bbc.co.uk/news/uk-67030722", "date": "2023-10-09",
              "title": "Chief rabbi", "section_topic": "uk", "text": ARABIC}
    path = tmp_path / "dupes.jsonl"
    path.write_text((json.dumps(record) + "\n") * 2)
    articles = list(read_inputs([str(path)]))
    assert len(articles) == 2
    kept, dropped = deduplicate(articles)
    assert len(kept) == 1 and kept[0].source_record == "1"
    assert dropped[0].record == "2" and dropped[0].reason.startswith("duplicate (same id)")


def test_huge_jsonl_record_is_rejected_and_streaming_continues(tmp_path, monkeypatch):
    monkeypatch.setattr(textio, "MAX_RECORD_BYTES", 10_000)
    monkeypatch.setattr("kg.sources.jsonl.MAX_RECORD_BYTES", 10_000)
    small = {"id": "s", "title": "Small", "text": "A small record that fits within the limit."}
    huge = {"id": "h", "title": "Huge", "text": "x" * 50_000}
    path = tmp_path / "huge.jsonl"
    path.write_text(json.dumps(huge) + "\n" + json.dumps(small) + "\n")
    rejection, article = read_inputs([str(path)])
    assert rejection.record == "1" and rejection.reason.startswith("record too large")
    assert article.id == "s"


def test_huge_text_in_json_record_is_rejected(tmp_path, monkeypatch):
    monkeypatch.setattr("kg.sources.records.MAX_RECORD_BYTES", 10_000)
    record = {"id": "h", "title": "Huge", "text": "word " * 5_000}
    path = tmp_path / "huge.json"
    path.write_text(json.dumps([record]))
    rejection = only(read_inputs([str(path)]))
    assert rejection.record == "1" and rejection.reason.startswith("text too large")


def test_unknown_record_layout(tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps([{"name": "not an article", "value": 3}]))
    rejection = only(read_inputs([str(path)]))
    assert rejection.reason == "unknown record layout (fields: name, value)"


@pytest.mark.parametrize("content", [b"{", b"[1, 2, 3]", b'"just a string"'])
def test_odd_json_never_raises(tmp_path, content):
    path = tmp_path / "odd.json"
    path.write_bytes(content)
    for item in read_inputs([str(path)]):
        assert isinstance(item, Rejection)
