"""``veeduria documents`` as a user runs it: a real process, a real SQLite file, real files."""

from __future__ import annotations

from pathlib import Path

from tests.documents.pdfs import encrypted_pdf, text_pdf
from tests.test_cli import run


def test_add_list_extract(tmp_path: Path) -> None:
    data = tmp_path / "var"
    assert run("init", "--no-load", data_dir=data).returncode == 0
    pdf = tmp_path / "rl.pdf"
    pdf.write_bytes(text_pdf([["Resolución Legislativa"], ["Anexo"]]))
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(encrypted_pdf(["x"]))

    added = run("documents", "add", str(pdf), str(secret), data_dir=data)
    assert added.returncode == 0, added.stderr
    lines = added.stdout.splitlines()
    assert lines[0].startswith("added: document #1 «rl» (PDF, ")
    assert "#1 «rl»: Text extracted; 2 of 2 pages" in lines
    assert "#2 «secret»: Encrypted PDF: cannot be read" in lines
    assert added.stderr == ""  # no progress bar when stderr is not a terminal

    again = run("documents", "add", str(pdf), data_dir=data)
    assert again.returncode == 0
    assert again.stdout.strip() == f"duplicate: {pdf} is already stored as document #1 «rl»"

    listed = run("documents", "list", data_dir=data).stdout.splitlines()
    assert [line.split("\t")[:3] for line in listed] == [["1", "extracted", "2/2"], ["2", "encrypted", "0/0"]]

    redo = run("documents", "extract", "1", data_dir=data)
    assert redo.returncode == 0 and "2 of 2 pages" in redo.stdout
    assert run("documents", "extract", "--retry-failed", data_dir=data).stdout == ""


def test_refused_files_exit_1_and_add_nothing(tmp_path: Path) -> None:
    data = tmp_path / "var"
    assert run("init", "--no-load", data_dir=data).returncode == 0
    good = tmp_path / "ok.txt"
    good.write_text("texto")
    bad = tmp_path / "image.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = run("documents", "add", str(good), str(bad), str(tmp_path / "missing.pdf"), data_dir=data)
    assert result.returncode == 1
    assert f"{tmp_path / 'missing.pdf'}: No such file or directory" in result.stderr
    assert f"veeduria documents: 2 problem(s); first: {bad}: type not supported" in result.stderr
    listed = run("documents", "list", data_dir=data)
    assert listed.returncode == 0 and listed.stdout == ""
    unknown = run("documents", "extract", "7", data_dir=data)
    assert unknown.returncode == 1 and "no document 7" in unknown.stderr
