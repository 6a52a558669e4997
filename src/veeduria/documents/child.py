"""The extraction child process: reused from one document to the next, killed at a document's time limit or
when it dies, and started again for the next document."""

from __future__ import annotations

import contextlib
import json
import os
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any


class Worker:
    """``python -m veeduria.documents.worker``: one JSON job per line in, its events one per line out."""

    def __init__(self) -> None:
        self._child: subprocess.Popen[bytes] | None = None
        self._errors: IO[bytes] | None = None
        self._buffer = b""

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        """The child's process id while it runs."""
        return self._child.pid if self._child is not None else None

    def _start(self) -> subprocess.Popen[bytes]:
        if self._child is None:
            self._errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
            self._child = subprocess.Popen(
                [sys.executable, "-m", "veeduria.documents.worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._errors,
            )
            self._buffer = b""
        return self._child

    def close(self) -> None:
        """End the child (it stops when its input closes; killed if it does not within 5 s)."""
        child, self._child = self._child, None
        if child is not None:
            with contextlib.suppress(OSError):
                child.stdin.close()  # type: ignore[union-attr]
            try:
                child.wait(timeout=5)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            child.stdout.close()  # type: ignore[union-attr]
        if self._errors is not None:
            self._errors.close()
            self._errors = None

    def _stop(self) -> str:
        """Kill the child; its exit code and the last line it wrote on stderr."""
        child = self._child
        if child is not None and child.poll() is None:
            child.kill()
            child.wait()
        lines: list[str] = []
        if self._errors is not None:
            self._errors.seek(0)
            lines = self._errors.read().decode("utf-8", "replace").strip().splitlines()
        code = child.returncode if child is not None else None
        detail = f"extraction process ended (exit code {code})" + (f": {lines[-1].strip()}" if lines else "")
        self.close()
        return detail

    def run(self, path: Path, kind: str, limits: dict[str, Any], seconds: float) -> list[dict[str, Any]]:
        """The events of one file, the last one with its ``status``: ``time_limit`` after ``seconds`` (the pages
        done are kept), ``failed`` if the child died."""
        child = self._start()
        if self._errors is not None:
            self._errors.seek(0)
            self._errors.truncate()
        started = time.monotonic()
        events: list[dict[str, Any]] = []
        try:
            job = json.dumps({"path": str(path), "kind": kind, "limits": limits})
            child.stdin.write(job.encode() + b"\n")  # type: ignore[union-attr]
            child.stdin.flush()  # type: ignore[union-attr]
        except BrokenPipeError:
            return [{"status": "failed", "error": self._stop()}]
        fd = child.stdout.fileno()  # type: ignore[union-attr]
        while True:
            while b"\n" in self._buffer:
                line, self._buffer = self._buffer.split(b"\n", 1)
                try:
                    events.append(json.loads(line))
                except ValueError:  # a line cut by a crash of the child (out of memory, for one)
                    events.append({"status": "failed", "error": f"unreadable output; {self._stop()}"})
                    return events
                if "status" in events[-1]:
                    return events
            remaining = started + seconds - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                self._stop()
                events.append({"status": "time_limit", "error": f"{time.monotonic() - started:.1f} s"})
                return events
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                events.append({"status": "failed", "error": self._stop()})
                return events
            self._buffer += chunk
