#!/usr/bin/env python3
"""A fault-injecting HTTP proxy for the S3 tests: forwards to one upstream server on loopback.

    fault_proxy.py --port P --upstream http://127.0.0.1:Q

Tests steer it through two control paths (never S3 paths: "__proxy" is no valid bucket name):
  POST /__proxy/config  JSON, replaces the faults and zeroes the counters:
      error_every N            answer every Nth request with error_status (an S3 SlowDown 503)
      error_first_part_puts K  answer the first K part uploads (PUT ...partNumber=) the same way
      break_after M            after M requests, stop forwarding those whose method is in
      break_methods [..]       (default: all) -- the path to the server is broken for good:
      break_action             "close" (drop the connection unanswered) or "hang" (never answer)
      drop_answer_first_creates K  forward the first K CreateMultipartUpload requests (POST ?uploads)
                               to the server, then close the connection instead of answering
      empty_ok_methods [..]    answer requests of these methods 200 with an empty body, unforwarded
                               (a server that is not S3 at all)
      complete_answer          "error_in_ok": answer CompleteMultipartUpload 200 with an <Error>
                               document (as S3 may); "fake_ok": 200 with a well-formed result
                               (a store that dropped the parts) -- both without forwarding it
      verify_crc32c            check the x-amz-checksum-crc32c header of every PUT against its body
                               and answer a mismatch as S3 does (400 BadDigest): moto 5.2.1 keeps
                               the value it is given without checking it
  GET  /__proxy/stats   JSON counters: requests, forwarded, errors_injected, broken, part_puts,
                        answers_dropped, checksums_verified, checksums_refused,
                        connections (accepted), method_GET, method_PUT, ... (per method)

Errors are answered after the request body has been read (as S3 does), on a kept-alive
connection; broken requests are dropped before their body, as a dead path would.
"""
import argparse
import base64
import http.client
import http.server
import json
import threading
import time
import urllib.parse

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
              "expect", "content-length"}
SLOW_DOWN = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
             b'<Message>Please reduce your request rate (injected by fault_proxy).</Message></Error>')
BAD_DIGEST = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>BadDigest</Code>'
              b'<Message>The CRC32C you specified did not match the calculated checksum.</Message></Error>')

# What S3 may send with a 200 to CompleteMultipartUpload (the status goes out before the work ends).
COMPLETE_ERROR = (b'<?xml version="1.0" encoding="UTF-8"?>\n\n<Error><Code>InternalError</Code>'
                  b'<Message>We encountered an internal error. Please try again.</Message></Error>')
COMPLETE_FAKE = (b'<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUploadResult>'
                 b'<Bucket>b</Bucket><Key>k</Key><ETag>"3858f62230ac3c915f300c664312c11f-2"</ETag>'
                 b'</CompleteMultipartUploadResult>')


def make_crc32c_table():
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
        table.append(crc)
    return table


CRC32C_TABLE = make_crc32c_table()


def crc32c_base64(data):
    """As S3 writes x-amz-checksum-crc32c (pure Python: ~7 MB/s, for small test objects)."""
    crc = 0xFFFFFFFF
    table = CRC32C_TABLE
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return base64.b64encode((crc ^ 0xFFFFFFFF).to_bytes(4, "big")).decode()

lock = threading.Lock()
faults = {}
stats = {}


def reset(new_faults):
    global faults, stats
    faults = {"error_every": 0, "error_status": 503, "error_first_part_puts": 0, "break_after": -1,
              "break_methods": [], "break_action": "close", "hang_seconds": 30, "drop_answer_first_creates": 0,
              "verify_crc32c": False, "empty_ok_methods": [], "complete_answer": ""}
    faults.update(new_faults)
    stats = {"requests": 0, "forwarded": 0, "errors_injected": 0, "broken": 0, "part_puts": 0, "connections": 0,
             "creates": 0, "answers_dropped": 0, "checksums_verified": 0, "checksums_refused": 0}
    stats.update({"method_" + method: 0 for method in ("GET", "HEAD", "PUT", "POST", "DELETE")})


reset({})


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream = None  # (host, port)

    def log_message(self, *args):
        pass

    def decide(self):
        """Counts the request once and picks its fate: 'forward', 'error', 'break' or 'drop_answer'."""
        if self.fate is not None:
            return self.fate
        query = urllib.parse.urlsplit(self.path).query
        with lock:
            stats["requests"] += 1
            number = stats["requests"]
            stats["method_" + self.command] = stats.get("method_" + self.command, 0) + 1
            is_part_put = self.command == "PUT" and "partNumber=" in query
            if is_part_put:
                stats["part_puts"] += 1
            is_create = self.command == "POST" and "uploads" in urllib.parse.parse_qs(query, keep_blank_values=True)
            is_complete = self.command == "POST" and "uploadId=" in query
            if is_create:
                stats["creates"] += 1
            methods = faults["break_methods"]
            if 0 <= faults["break_after"] < number and (not methods or self.command in methods):
                stats["broken"] += 1
                fate = "break"
            elif faults["error_every"] > 0 and number % faults["error_every"] == 0:
                fate = "error"
            elif is_part_put and stats["part_puts"] <= faults["error_first_part_puts"]:
                fate = "error"
            elif is_create and stats["creates"] <= faults["drop_answer_first_creates"]:
                fate = "drop_answer"
            elif self.command in faults["empty_ok_methods"]:
                fate = "empty_ok"
            elif is_complete and faults["complete_answer"]:
                fate = "complete_" + faults["complete_answer"]
            else:
                fate = "forward"
            if fate not in ("forward", "break", "drop_answer"):
                stats["errors_injected"] += 1
        self.fate = fate
        return fate

    def setup(self):
        super().setup()
        with lock:
            stats["connections"] += 1  # client connections accepted (reuse keeps this low)

    def parse_request(self):
        self.fate = None  # a new request on this connection (handle_expect_100 runs inside)
        return super().parse_request()

    def drop(self):
        if faults["break_action"] == "hang":
            time.sleep(faults["hang_seconds"])
        self.close_connection = True

    def handle_expect_100(self):
        if not self.path.startswith("/__proxy/") and self.decide() == "break":
            self.drop()
            return False
        return super().handle_expect_100()

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def answer(self, status, body, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def control(self):
        if self.command == "POST" and self.path == "/__proxy/config":
            with lock:
                reset(json.loads(self.read_body() or b"{}"))
            return self.answer(200, b"{}", [("Content-Type", "application/json")])
        if self.command == "GET" and self.path == "/__proxy/stats":
            with lock:
                body = json.dumps(stats).encode()
            return self.answer(200, body, [("Content-Type", "application/json")])
        self.answer(404, b"unknown control path")

    def relay(self):
        if self.path.startswith("/__proxy/"):
            return self.control()
        fate = self.decide()
        if fate == "break":
            return self.drop()
        body = self.read_body()
        if fate == "error":
            return self.answer(faults["error_status"], SLOW_DOWN, [("Content-Type", "application/xml")])
        if fate == "empty_ok":
            return self.answer(200, b"")
        if fate == "complete_error_in_ok":
            return self.answer(200, COMPLETE_ERROR, [("Content-Type", "application/xml")])
        if fate == "complete_fake_ok":
            return self.answer(200, COMPLETE_FAKE, [("Content-Type", "application/xml")])
        claimed = self.headers.get("x-amz-checksum-crc32c")
        if self.command == "PUT" and claimed is not None and faults["verify_crc32c"]:
            matches = crc32c_base64(body) == claimed
            with lock:
                stats["checksums_verified" if matches else "checksums_refused"] += 1
            if not matches:
                return self.answer(400, BAD_DIGEST, [("Content-Type", "application/xml")])
        headers = {name: value for name, value in self.headers.items() if name.lower() not in HOP_BY_HOP}
        headers["Content-Length"] = str(len(body))
        connection = http.client.HTTPConnection(*self.upstream, timeout=120)
        try:
            connection.request(self.command, self.path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            with lock:
                stats["forwarded"] += 1
                if fate == "drop_answer":
                    stats["answers_dropped"] += 1
            if fate == "drop_answer":  # the server acted on the request; the client never learns how
                self.close_connection = True
                return
            relayed = [(name, value) for name, value in response.getheaders() if name.lower() not in HOP_BY_HOP]
            if self.command == "HEAD":
                self.send_response(response.status)
                for name, value in response.getheaders():
                    if name.lower() not in HOP_BY_HOP or name.lower() == "content-length":
                        self.send_header(name, value)
                self.end_headers()
            else:
                self.answer(response.status, payload, relayed)
        except OSError:
            self.close_connection = True
        finally:
            connection.close()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = relay


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    args = parser.parse_args()
    upstream = urllib.parse.urlsplit(args.upstream)
    Handler.upstream = (upstream.hostname, upstream.port)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
