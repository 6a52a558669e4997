"""``veeduria documents`` as a user runs it: a real process, a real SQLite file, real files."""

from __future__ import annotations

import contextlib
import os
import pty
import subprocess
import sys
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


def test_progress_only_on_a_terminal(tmp_path: Path) -> None:
    data = tmp_path / "var"
    assert run("init", "--no-load", data_dir=data).returncode == 0
    files = []
    for n in range(3):
        path = tmp_path / f"oficio-{n}.txt"
        path.write_text(f"Oficio {n}")
        files.append(str(path))
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environ |= {"VEEDURIA_DATA_DIR": str(data), "VEEDURIA_LANGUAGE": "en"}
    master, terminal = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "veeduria.cli", "documents", "add", *files],
        stdout=subprocess.PIPE,
        stderr=terminal,
        env=environ,
    ) as child:
        os.close(terminal)
        assert child.stdout is not None
        stdout = child.stdout.read().decode()
        assert child.wait(timeout=120) == 0
    shown = b""
    with contextlib.suppress(OSError):  # EIO once the child has closed the terminal
        while chunk := os.read(master, 4096):
            shown += chunk
    os.close(master)
    assert stdout.count("Text extracted; 1 of 1 page") == 3
    assert "text extraction [" in shown.decode() and "3/3 documents" in shown.decode()
