"""The HTTP server of ``veeduria serve``: waitress, in one or more processes sharing one listening socket.

Waitress reads every request (headers and body) in its event loop before a thread runs the application, so
clients that send slowly, or not at all, hold a socket but never a thread: they cannot stop the server from
answering others. A connection silent for ``CLIENT_TIMEOUT`` seconds is closed; headers larger than
``MAX_HEADER_BYTES`` get 431, bodies larger than ``MAX_REQUEST_BYTES`` get 413 before they are read. With more than
one worker the parent process binds the socket, forks the workers, restarts one that dies and stops them all on
SIGTERM or Ctrl-C.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

from django.conf import settings
from django.db import connections

#: connections one worker keeps open at once (slow ones included); beyond it, new ones wait in the listen backlog
CONNECTION_LIMIT = 1000
#: connections waiting to be accepted
BACKLOG = 1024
#: seconds between two restarts of a worker that died
RESTART_PAUSE = 1.0


def waitress_options() -> dict[str, Any]:
    """Waitress's adjustments from the settings (request limits, timeouts, threads)."""
    return {
        "threads": settings.SERVER_THREADS,
        "channel_timeout": settings.CLIENT_TIMEOUT,
        # silent connections are looked for this often: a timeout is at most half late
        "cleanup_interval": max(1, min(30, settings.CLIENT_TIMEOUT // 2)),
        "max_request_header_size": settings.MAX_HEADER_BYTES,
        "max_request_body_size": settings.MAX_REQUEST_BYTES,
        "connection_limit": CONNECTION_LIMIT,
        "backlog": BACKLOG,
        # poll(), not select(): select() cannot watch more than 1024 sockets
        "asyncore_use_poll": True,
        # the settings decide which proxy headers to trust (VEEDURIA_PROXY_SSL_HEADER, VEEDURIA_CLIENT_IP_HEADER)
        "clear_untrusted_proxy_headers": False,
        "expose_tracebacks": False,
        "ident": "veeduria",
    }


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host``:``port`` and listening (IPv6 when ``host`` is an IPv6 address)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host.strip("[]"), port))
    sock.listen(BACKLOG)
    return sock


def warm_up() -> None:
    """Import every view and read the translations once, before the workers are forked: they share them, and no
    reader waits seconds for a worker's first answer."""
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - importing every view is the point
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("Veeduría")
    # what is loaded now lives as long as the process: the collector leaves it alone (the workers keep sharing its
    # memory pages, and the server stops at once instead of collecting it all on exit)
    gc.freeze()


def _run(application: Callable[..., Any], sock: socket.socket) -> None:
    from waitress.server import create_server

    create_server(application, sockets=[sock], **waitress_options()).run()


def _spawn(application: Callable[..., Any], sock: socket.socket) -> int:
    """Fork a worker serving on ``sock``; its process id."""
    pid = os.fork()
    if pid:
        return pid
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    code = 0
    try:
        _run(application, sock)
    except BaseException as exc:  # a worker says why it ended, then exits
        print(f"veeduria serve: worker {os.getpid()} ended: {exc!r}", file=sys.stderr)
        code = 1
    os._exit(code)


def serve(application: Callable[..., Any], host: str, port: int, workers: int) -> None:
    """Serve ``application`` on ``host``:``port`` with ``workers`` processes until SIGTERM or Ctrl-C."""
    sock = listening_socket(host, port)
    warm_up()
    threads = f"{max(1, workers)} × {settings.SERVER_THREADS} threads"
    print(f"Veeduría: http://{host}:{port}/es/ ({threads})", file=sys.stderr)
    if workers <= 1:
        with contextlib.suppress(KeyboardInterrupt):
            _run(application, sock)
        return
    connections.close_all()  # no database connection is shared with the workers
    children = {_spawn(application, sock) for _ in range(workers)}
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while children:
        try:
            pid, _status = os.wait()
        except ChildProcessError:
            break
        children.discard(pid)
        if stopping:
            continue
        print(f"veeduria serve: worker {pid} died; starting another", file=sys.stderr)
        time.sleep(RESTART_PAUSE)
        if not stopping:
            children.add(_spawn(application, sock))
    sock.close()
