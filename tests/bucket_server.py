"""A real HTTP server on 127.0.0.1 serving a directory the way S3 serves a bucket (path-style:
``/<bucket>/<key>``) and the way upstream sites serve their files (``/<host>/<path>``).

GET and HEAD with ``Content-Length``, ``ETag`` (the content's MD5, as S3 gives for single-part
uploads), ``Last-Modified``, ``Range`` (``bytes=N-``) and ``If-Range``; S3 ListObjectsV2
(``GET /<bucket>?list-type=2``) with pagination; and faults on demand: a wrong ETag, a server that
dies mid-file, a connection cut mid-file. Used by test_data_http.py and test_data_build.py.
"""

from __future__ import annotations

import email.utils
import hashlib
import http.server
import os
import socket
import threading
import urllib.parse
from xml.sax.saxutils import escape


class BucketServer:
    """Serves ``root`` on a fixed loopback port (so it can be stopped and started again)."""

    def __init__(self, root: str):
        self.root = os.path.abspath(root)
        self.etag: dict[str, str] = {}  # path -> ETag to announce instead of the MD5
        self.headers: dict[str, dict[str, str]] = {}  # path -> extra response headers
        self.die_after: dict[str, int] = {}  # path -> bytes sent before the whole server dies (once)
        self.cut_after: dict[str, int] = {}  # path -> bytes sent before the connection is cut (once)
        self.status: dict[str, list[int]] = {}  # path -> statuses to answer the next requests with
        self.no_etag = False  # a plain static server: no ETag (Last-Modified only)
        self.page_size = 1000
        self.requests: list[tuple[str, str, str | None]] = []  # (method, path, Range)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.httpd = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> BucketServer:
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_HEAD(self):
                server._answer(self, head=True)

            def do_GET(self):
                server._answer(self, head=False)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.httpd is not None:
            httpd, self.httpd = self.httpd, None
            httpd.shutdown()
            httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _die(self) -> None:
        """The server process "dies": the listening socket closes, new connections are refused."""
        httpd, self.httpd = self.httpd, None
        if httpd is not None:
            httpd.server_close()
            threading.Thread(target=httpd.shutdown, daemon=True).start()

    # ------------------------------------------------------------------ requests

    def _answer(self, h: http.server.BaseHTTPRequestHandler, head: bool) -> None:
        parts = urllib.parse.urlsplit(h.path)
        path = urllib.parse.unquote(parts.path)
        self.requests.append((h.command, path, h.headers.get("Range")))
        if self.status.get(path):
            code = self.status[path].pop(0)
            h.send_response(code)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        query = urllib.parse.parse_qs(parts.query)
        if "list-type" in query:
            return self._list(h, path.strip("/"), query)
        local = os.path.normpath(os.path.join(self.root, path.lstrip("/")))
        if not local.startswith(self.root + os.sep) or not os.path.isfile(local):
            body = b"<Error><Code>NoSuchKey</Code></Error>"
            h.send_response(404)
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            if not head:
                h.wfile.write(body)
            return
        with open(local, "rb") as f:
            data = f.read()
        etag = '"' + self.etag.get(path, hashlib.md5(data).hexdigest()) + '"'
        modified = email.utils.formatdate(os.path.getmtime(local), usegmt=True)
        start = 0
        rng = h.headers.get("Range")
        if_range = h.headers.get("If-Range")
        if rng and not head and if_range in (None, modified if self.no_etag else etag):
            start = int(rng.split("=")[1].split("-")[0])
        status = 206 if start else 200
        h.send_response(status)
        h.send_header("Content-Length", str(len(data) - start))
        if not self.no_etag:
            h.send_header("ETag", etag)
        h.send_header("Last-Modified", modified)
        h.send_header("Accept-Ranges", "bytes")
        for key, value in self.headers.get(path, {}).items():
            h.send_header(key, value)
        if start:
            h.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        h.end_headers()
        if head:
            return
        body = data[start:]
        for faults, fatal in ((self.die_after, True), (self.cut_after, False)):
            if path in faults:
                n = faults.pop(path)
                h.wfile.write(body[:n])
                h.wfile.flush()
                h.close_connection = True
                h.connection.shutdown(socket.SHUT_RDWR)
                if fatal:
                    self._die()
                return
        h.wfile.write(body)

    def _list(self, h, bucket: str, query: dict) -> None:
        prefix = query.get("prefix", [""])[0]
        after = query.get("continuation-token", [""])[0]
        directory = os.path.join(self.root, bucket, prefix)
        keys = sorted(
            prefix + n
            for n in (os.listdir(directory) if os.path.isdir(directory) else [])
            if os.path.isfile(os.path.join(directory, n))
        )
        keys = [k for k in keys if k > after]
        page, truncated = keys[: self.page_size], len(keys) > self.page_size
        xml = ['<?xml version="1.0" encoding="UTF-8"?>']
        xml.append('<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">')
        xml.append(f"<Name>{escape(bucket)}</Name><Prefix>{escape(prefix)}</Prefix>")
        xml.append(f"<KeyCount>{len(page)}</KeyCount><IsTruncated>{str(truncated).lower()}</IsTruncated>")
        if truncated:
            xml.append(f"<NextContinuationToken>{escape(page[-1])}</NextContinuationToken>")
        xml += [f"<Contents><Key>{escape(k)}</Key></Contents>" for k in page]
        xml.append("</ListBucketResult>")
        body = "".join(xml).encode()
        h.send_response(200)
        h.send_header("Content-Type", "application/xml")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)
