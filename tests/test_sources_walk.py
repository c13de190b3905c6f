"""A folder walk accounts for every file: what it does not read is reported with the reason."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from kg.build import build
from kg.sources import Input, Skipped, expand_inputs, read_inputs
from kg.sources.textio import MAX_FILE_BYTES

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "config").write_text("[core]\n")
    (folder / "sub").mkdir()
    shutil.copy(EXAMPLES / "es_prensa_chile.jsonl", folder / "sub" / "good.jsonl")
    (folder / "model.bin").write_bytes(bytes(range(256)) * 4)
    (folder / ".hidden.json").write_text("{}")
    (folder / "README.md").write_text("# about these files\n")
    (folder / "notes.docx").write_bytes(b"PK\x03\x04" + bytes(50))
    (folder / "tokens.txt").write_text("".join(f"Word{i} B-PER\n" for i in range(40)))
    big = folder / "huge.json"
    with open(big, "wb") as fh:  # sparse: takes no disk space
        fh.truncate(MAX_FILE_BYTES + 5 * 2**20)
    fh = open(big, "r+b")  # noqa: SIM115
    fh.write(b'{"title": "x"')
    fh.close()
    os.symlink(folder / "sub", folder / "link")
    return folder


def test_every_file_of_a_walk_is_read_or_reported(tmp_path):
    folder = _folder(tmp_path)
    items = list(expand_inputs([str(folder)]))
    inputs = {Path(i.location).name for i in items if isinstance(i, Input)}
    skipped = {Path(s.source_file).name: s.reason for s in items if isinstance(s, Skipped)}
    assert inputs == {"good.jsonl", "tokens.txt"}
    assert skipped == {
        ".git": "hidden folder, not walked",
        "link": "symbolic link to a folder, not followed",
        ".hidden.json": "hidden file",
        "README.md": "documentation, licence or gold file, not an article",
        "model.bin": "unknown file type (.bin); name the file to have it read anyway",
        "notes.docx": "unknown file type (.docx); name the file to have it read anyway",
        "huge.json": ("too large (205.0 MiB, the limit is 200 MiB); "
                      "name the file to have it read anyway"),
    }
    read = list(read_inputs([str(folder)]))
    reasons = {Path(r.source_file).name: r.reason for r in read if hasattr(r, "reason")}
    assert reasons["tokens.txt"] == "a token list (NER or lexicon data), not an article"
    assert isinstance(next(r for r in read if r.source_file.endswith("tokens.txt")), Skipped)


def test_skipped_files_are_in_the_summary_and_in_rejects_tsv(tmp_path):
    folder = _folder(tmp_path)
    report = build([str(folder)], tmp_path / "store", progress=False, offline=True)
    assert report.articles == 8
    assert "skipped in folders: 8 (" in report.summary()
    assert "unknown file type 2" in report.summary()
    rows = (tmp_path / "store" / "rejects.tsv").read_text(encoding="utf-8").splitlines()
    assert f"{folder / 'model.bin'}\t\tskipped: unknown file type (.bin); " \
           "name the file to have it read anyway" in rows
    assert any(r.startswith(str(folder / "huge.json")) and "skipped: too large" in r for r in rows)
    assert len(rows) == 1 + 8  # header, the skipped files
