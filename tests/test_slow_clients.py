"""``veeduria serve`` as a user runs it (a real process, two workers): clients that send slowly or not at all do
not stop it from answering others; requests past the size limits are refused at once; the rate limit is counted
across the workers."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

PAGE = "/es/acerca/"
API = "/api/v1/records/countries"
#: the server's limits in these tests
LIMITS = {
    "VEEDURIA_MAX_REQUEST_MB": "1",
    "VEEDURIA_MAX_HEADER_KB": "16",
    "VEEDURIA_MAX_FORM_KB": "4",
    "VEEDURIA_CLIENT_TIMEOUT": "2",
    "VEEDURIA_RATE_API": "5/86400",
    "VEEDURIA_RATE_FORMS": "0",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _request(port: int, method: str, path: str, body: bytes | None = None, **headers: str) -> tuple[int, float]:
    """The status of one request on a new connection, and the seconds it took."""
    start = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers)
        return connection.getresponse().status, time.monotonic() - start
    finally:
        connection.close()


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    data_dir = tmp_path_factory.mktemp("serve")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"VEEDURIA_DATA_DIR": str(data_dir), "VEEDURIA_LANGUAGE": "en", **LIMITS}
    command = [sys.executable, "-m", "veeduria.cli"]
    subprocess.run([*command, "init", "--no-load"], env=env, check=True, capture_output=True, timeout=300)
    port = _free_port()
    log = (data_dir / "serve.log").open("w")
    server = subprocess.Popen(
        [*command, "serve", "--port", str(port), "--workers", "2"], env=env, stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _request(port, "GET", PAGE)[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, (data_dir / "serve.log").read_text()
            assert time.monotonic() < deadline, "the server did not answer within 60 s"
            time.sleep(0.3)
        for _ in range(4):  # each worker's first answer (its database connection)
            _request(port, "GET", PAGE)
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=20) is not None
        log.close()


def _partial(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(b"GET /es/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    return sock


def test_fifty_clients_holding_partial_headers_do_not_block_a_reader(port: int) -> None:
    held = [_partial(port) for _ in range(50)]
    try:
        time.sleep(0.5)
        status, seconds = _request(port, "GET", PAGE)
        assert status == 200
        assert seconds < 2, f"answered in {seconds:.1f} s"
    finally:
        for sock in held:
            sock.close()


def test_a_silent_connection_is_closed_after_the_client_timeout(port: int) -> None:
    sock = _partial(port)
    sock.settimeout(10)
    start = time.monotonic()
    try:
        assert sock.recv(1024) == b""  # closed by the server
    except ConnectionResetError:
        pass
    finally:
        sock.close()
    assert 1.5 < time.monotonic() - start < 6


def test_a_body_over_the_limit_is_refused_before_it_is_sent(port: int) -> None:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        sock.sendall(
            b"POST /es/verificaciones/comprobar/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 2000000\r\n\r\n"
        )
        assert sock.recv(64).startswith(b"HTTP/1.1 413")
    finally:
        sock.close()


def test_headers_over_the_limit_are_refused(port: int) -> None:
    assert _request(port, "GET", PAGE, **{"X-Big": "x" * 20_000})[0] == 431


def test_a_form_over_the_limit_is_refused(port: int) -> None:
    token = "a" * 32  # the CSRF check passes on the header alone, so that the form itself is read
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={token}",
        "X-CSRFToken": token,
    }
    path = "/es/verificaciones/comprobar/"
    assert _request(port, "POST", path, b"text=" + b"a" * 100, **headers)[0] == 200
    assert _request(port, "POST", path, b"text=" + b"a" * 5000, **headers)[0] == 400


def test_the_rate_limit_is_counted_across_the_workers(port: int) -> None:
    statuses = [_request(port, "GET", API)[0] for _ in range(6)]
    assert statuses == [200] * 5 + [429]
