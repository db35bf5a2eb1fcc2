"""A WSGI app that answers every request with the same bytes: the floor for bench/notice_page.py.

The size comes from NOTICE_BENCH_BYTES, so the baseline ships as many bytes as the notice page.
"""
import os

BODY = b"x" * int(os.environ.get("NOTICE_BENCH_BYTES", "5000"))
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY))),
           ("Cache-Control", "public, max-age=300")]


def app(environ, start_response):
    """Return the fixed body, whatever was asked."""
    start_response("200 OK", HEADERS)
    return [BODY]


def flask_app():
    """Return signage's own app with one extra route answering the same fixed bytes: the Flask-stack floor."""
    from flask import Response

    from signage.app import create_app
    application = create_app()
    application.add_url_rule("/fixed", "bench_fixed", lambda: Response(BODY, mimetype="text/html"))
    return application
