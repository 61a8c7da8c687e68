"""Real webhook receivers on loopback ports: an HTTP server in a thread that answers with the
statuses it is given, in turn, and records every request as it arrived (headers and the exact
body bytes), so tests verify signatures as a receiver would; and a port that accepts a
connection and never answers."""

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from integrations.services import webhook_endpoint_create


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers each POST with the next of ``statuses`` (the last one repeats)."""

    statuses: list[int]
    extra_headers: dict[str, str] = field(default_factory=dict)
    answer: bytes = b'{"ok": true}'
    requests: list[Received] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks/keeper"

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                receiver.requests.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                status = receiver.statuses[min(len(receiver.requests), len(receiver.statuses)) - 1]
                self.send_response(status)
                for name, value in receiver.extra_headers.items():
                    self.send_header(name, value)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(receiver.answer)))
                self.end_headers()
                self.wfile.write(receiver.answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receivers() -> Iterator:
    started: list[Receiver] = []

    def make(*statuses: int, **kwargs) -> Receiver:
        receiver = Receiver(list(statuses) or [200], **kwargs).start()
        started.append(receiver)
        return receiver

    yield make
    for receiver in started:
        receiver.stop()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port whose listen backlog accepts the connection; nothing ever answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


@pytest.fixture
def allow_private(settings):
    """Tests send to loopback receivers (Product §8.3: WEBHOOKS_ALLOW_PRIVATE=true)."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True


@pytest.fixture
def endpoint_for(ada, allow_private):
    def make(url: str, events: list[str] | None = None, by=None):
        return webhook_endpoint_create(
            url=url,
            events=events or ["scorecard.submitted", "loop.status_changed", "loop.decided"],
            by=by or ada,
        )

    return make
