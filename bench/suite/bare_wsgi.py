"""A hello-world WSGI app under the production server's gunicorn options: the web section's baseline.

    python -m bench.suite.bare_wsgi --port 8001 --workers 1 --threads 8 --bytes 12000 [--flask]

Only the app differs from ``onewindow serve``: the options come from
``server.cli.gunicorn_app.gunicorn_options`` itself, so a change to the
production settings moves the baseline with it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from typing import Any

from server.cli.gunicorn_app import GunicornServer, gunicorn_options
from server.config import load_settings


class BareApp:
    """Returns the same body of the given size to every request."""

    extensions: dict[str, Any] = {}  # gunicorn_app's worker_exit hook looks for a job runner here

    def __init__(self, size: int, content_type: str) -> None:
        self.body = (b"OneWindow " * (size // 10 + 1))[:size]
        self.headers = [("Content-Type", content_type), ("Content-Length", str(size))]

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("200 OK", list(self.headers))
        return [self.body]


def minimal_flask(size: int, content_type: str) -> Any:
    """A Flask app with one view returning the same body: the framework's own share, without our extensions."""
    from flask import Flask, Response

    app = Flask("bare")
    body = BareApp(size, content_type).body

    @app.route("/", defaults={"path": ""})
    @app.route("/<path:path>")
    def same(path: str) -> Response:
        return Response(body, content_type=content_type)

    return app


class BareServer(GunicornServer):
    def __init__(self, app: Any, options: dict[str, Any]) -> None:
        self.bare_app = app
        super().__init__(load_settings(), options)

    def load(self) -> BareApp:  # type: ignore[override]
        return self.bare_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--bytes", type=int, default=2000)
    parser.add_argument("--content-type", default="text/html; charset=utf-8")
    parser.add_argument("--flask", action="store_true", help="a one-view Flask app instead of the bare callable")
    args = parser.parse_args()
    options = gunicorn_options(load_settings(), "127.0.0.1", args.port, args.workers, args.threads)
    app = minimal_flask if args.flask else BareApp
    BareServer(app(args.bytes, args.content_type), options).run()


if __name__ == "__main__":
    main()
