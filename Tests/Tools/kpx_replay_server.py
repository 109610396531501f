#!/usr/bin/env python3
"""A stand-in for data.go.kr's gateway (apis.data.go.kr/B552115) that replays recorded responses.

    kpx_replay_server.py [--root DIR] [--key DECODED_KEY] [--port 0]

Prints `kpx_replay_server: listening on 127.0.0.1:PORT` once it accepts connections (port 0: any free
port). Python standard library only.

Serving: GET <path>?<query>. A file at <root>/<path> is served as it is (Greencap JSON feeds). Otherwise
<root>/<path>/<query>.<ext>, where <query> is the request's parameters minus serviceKey and dataType,
sorted by name and joined as k=v&k=v, and <ext> is the dataType asked (json unless "XML"); when no such
file exists, <root>/<path>/_default.<ext> (an empty page); else 404. The serviceKey must equal --key after
URL decoding (so a key encoded twice, or not at all, is refused with code 30, as the gateway does).

Faults, for the next N requests (times=-1: until cleared), set with GET /_control/fault?kind=K&times=N:
  quota      the gateway's XML error envelope, code 22 (even when JSON was asked)
  bad-key    envelope code 30        expired   envelope code 31        denied   envelope code 20
  header:NN  a normal envelope in the asked format whose resultCode is NN
  malformed-xml   the XML fixture with its first </item> misspelt (a mismatched tag)
  malformed-json  the JSON fixture cut in the middle, served with a matching Content-Length
  truncated  the fixture's headers with its full Content-Length, half the body, then the connection closes
  status:NNN an HTTP NNN with a text body          slow:SECONDS  wait, then answer normally
GET /_control/clear removes faults and the request log; GET /_control/requests returns the log as JSON:
[{"path":…, "query":{…without serviceKey…}, "key_ok":bool, "status":…, "fault":…}].
"""
import argparse
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ENVELOPE = """<OpenAPI_ServiceResponse>
\t<cmmMsgHeader>
\t\t<errMsg>SERVICE ERROR</errMsg>
\t\t<returnAuthMsg>{auth}</returnAuthMsg>
\t\t<returnReasonCode>{code}</returnReasonCode>
\t</cmmMsgHeader>
</OpenAPI_ServiceResponse>"""
AUTH = {"20": "SERVICE_ACCESS_DENIED_ERROR", "22": "LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR",
        "30": "SERVICE_KEY_IS_NOT_REGISTERED_ERROR", "31": "DEADLINE_HAS_EXPIRED_ERROR"}
KINDS = {"quota": "22", "bad-key": "30", "expired": "31", "denied": "20"}


class State:
    def __init__(self, root, key):
        self.root = root
        self.key = key
        self.lock = threading.Lock()
        self.fault = None
        self.times = 0
        self.log = []

    def take_fault(self):
        with self.lock:
            if self.fault is None or self.times == 0:
                return None
            if self.times > 0:
                self.times -= 1
            return self.fault


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state = None  # set in main

    def log_message(self, fmt, *args):
        pass

    def send(self, status, body, content_type, length=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        if parts.path.startswith("/_control/"):
            return self.control(parts.path, query)
        state = self.state
        key = query.pop("serviceKey", None)
        data_type = "xml" if query.get("dataType", "").lower() == "xml" else "json"
        query.pop("dataType", None)
        fault = state.take_fault()
        entry = {"path": parts.path, "query": query, "key_ok": key == state.key, "fault": fault}
        status = self.answer(parts.path, query, key, data_type, fault)
        entry["status"] = status
        with state.lock:
            state.log.append(entry)

    def answer(self, path, query, key, data_type, fault):
        state = self.state
        if fault and fault.startswith("slow:"):
            time.sleep(float(fault[5:]))
            fault = None
        if fault and fault.startswith("status:"):
            code = int(fault[7:])
            self.send(code, f"{code} replayed failure\n".encode(), "text/plain")
            return code
        if fault in KINDS:
            return self.envelope(KINDS[fault])
        relative = path.lstrip("/")
        direct = os.path.join(state.root, relative)
        if os.path.isfile(direct):
            body = open(direct, "rb").read()
            self.send(200, body, "application/json")
            return 200
        if key is not None and key != state.key:
            return self.envelope("30")
        name = "&".join(f"{k}={query[k]}" for k in sorted(query))
        folder = os.path.join(state.root, relative)
        candidates = [os.path.join(folder, f"{name}.{data_type}"), os.path.join(folder, f"_default.{data_type}")]
        found = next((c for c in candidates if os.path.isfile(c)), None)
        if found is None:
            self.send(404, b"no fixture\n", "text/plain")
            return 404
        body = open(found, "rb").read()
        content_type = "application/xml;charset=UTF-8" if data_type == "xml" else "application/json;charset=UTF-8"
        if fault and fault.startswith("header:"):
            code = fault[7:]
            text = body.decode()
            text = text.replace("<resultCode>00</resultCode>", f"<resultCode>{code}</resultCode>")
            text = text.replace('"resultCode": "00"', f'"resultCode": "{code}"')
            body = text.encode()
        elif fault == "malformed-xml":
            xml = open(os.path.join(folder, os.path.basename(found)[:-len(data_type)] + "xml"), "rb").read()
            body = xml.replace(b"</item>", b"</itme>", 1)
            content_type = "application/xml;charset=UTF-8"
        elif fault == "malformed-json":
            body = body[: len(body) // 2]
        elif fault == "truncated":
            self.send(200, body[: len(body) // 2], content_type, length=len(body))
            self.wfile.flush()
            self.close_connection = True
            return 200
        self.send(200, body, content_type)
        return 200

    def envelope(self, code):
        body = ENVELOPE.format(auth=AUTH.get(code, "UNKNOWN_ERROR"), code=code).encode()
        self.send(200, body, "text/xml;charset=UTF-8")
        return 200

    def control(self, path, query):
        state = self.state
        if path == "/_control/fault":
            with state.lock:
                state.fault = query.get("kind")
                state.times = int(query.get("times", "-1"))
            body = b"ok\n"
        elif path == "/_control/clear":
            with state.lock:
                state.fault, state.times, state.log = None, 0, []
            body = b"ok\n"
        elif path == "/_control/requests":
            with state.lock:
                body = json.dumps(state.log, ensure_ascii=False).encode()
        else:
            self.send(404, b"unknown control\n", "text/plain")
            return
        self.send(200, body, "application/json")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fixtures", "kpx-api")
    parser.add_argument("--root", default=default_root)
    parser.add_argument("--key", default="test+key/with=signs")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    # The Swift test runner blocks SIGTERM in its children's mask; unblock it so a stop is immediate.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    Handler.state = State(os.path.normpath(args.root), args.key)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"kpx_replay_server: listening on 127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
