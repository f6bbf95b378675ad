#!/usr/bin/env python3
"""A fake generation provider for EditBay's Providers tests (Python 3 standard library only).

It speaks the real protocols on 127.0.0.1:
  Replicate   POST /v1/predictions, POST /v1/models/{owner}/{name}/predictions, GET /v1/predictions/{id},
              POST /v1/predictions/{id}/cancel, and Standard-Webhooks-signed webhooks POSTed to the
              prediction's `webhook` URL when it completes;
  OpenAI      POST /v1/images/generations (b64_json or url), POST /v1/audio/speech (audio bytes);
  outputs     GET /files/{name} (a tiny PNG, WAV, "MP3" or "MP4"-looking bytes, made on the fly).

Faults are chosen per request by directives in square brackets inside the prompt (or the speech input);
counters are kept per prompt, so each test uses its own prompt:
  [create429=N] [retry_after=S]  the first N create calls answer 429 with Retry-After: S (default 1)
  [create500=N]                  the first N create calls answer 500
  [poll500=N]                    the first N polls of the prediction answer 500
  [fail=TEXT]                    the prediction ends `failed` with error TEXT
  [stuck]                        the prediction never finishes (stays `processing`)
  [delay=MS]                     milliseconds until the prediction finishes (default 150)
  [expired=STATUS]               the output URL answers STATUS (404, 410, ...)
  [big=N] / [bigchunked=N]       the output is N bytes, with Content-Length / chunked without a length
  [dupwebhook]                   the completed webhook is delivered twice with the same webhook-id
  [echoauth]                     answer 400 with the request's Authorization header in the error text
  [imageurl]                     the images API answers a URL instead of b64_json

Control endpoints (no auth): GET /_control/log (every request seen), GET /_control/predictions/{id}
(state, poll count, cancelled), POST /_control/sink (records a webhook delivery as received),
GET /_control/deliveries.

Usage: fake_provider.py --token TOKEN --webhook-secret whsec_... [--video-file REAL.mp4]; prints {"port": N} on
stdout once listening.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import signal
import struct
import sys
import threading
import time
import urllib.request
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
PREDICTIONS = {}
COUNTERS = {}
LOG = []
DELIVERIES = []
ARGS = None
PORT = 0


def directives(text):
    return {m.group(1): (m.group(2) if m.group(2) is not None else "") for m in re.finditer(r"\[(\w+)(?:=([^\]]*))?\]", text or "")}


def take(key, limit):
    """True for the first `limit` calls with this key."""
    with LOCK:
        count = COUNTERS.get(key, 0)
        COUNTERS[key] = count + 1
    return count < limit


def png_bytes(width=2, height=2):
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def wav_bytes(samples=800, rate=8000):
    data = b"".join(struct.pack("<h", int(8000 * ((i // 10) % 2 * 2 - 1))) for i in range(samples))
    return (b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVE" + b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
            + b"data" + struct.pack("<I", len(data)) + data)


def media_bytes(name):
    if name.endswith(".mp4") and ARGS is not None and ARGS.video_file:
        with open(ARGS.video_file, "rb") as f:
            return f.read()
    if name.endswith(".png"):
        return png_bytes()
    if name.endswith(".wav"):
        return wav_bytes()
    if name.endswith(".mp3"):
        return b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 64
    return b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + name.encode() + b"\x00" * 64


def prediction_view(p):
    now = time.time()
    status = p["status"]
    if status not in ("canceled",) and not p["stuck"]:
        elapsed = (now - p["created"]) * 1000
        if elapsed >= p["delay"]:
            status = "failed" if p["fail"] is not None else "succeeded"
        elif elapsed >= p["delay"] / 3:
            status = "processing"
    elif p["stuck"] and status != "canceled":
        status = "processing"
    view = {
        "id": p["id"], "model": p["model"], "version": p["version"], "input": p["input"], "status": status,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(p["created"])), "logs": "",
        "output": None, "error": None, "webhook": p["webhook"],
        "urls": {"get": f"http://127.0.0.1:{PORT}/v1/predictions/{p['id']}", "cancel": f"http://127.0.0.1:{PORT}/v1/predictions/{p['id']}/cancel"},
    }
    if status == "succeeded":
        view["output"] = [p["output"]] if p["list_output"] else p["output"]
        view["metrics"] = {"predict_time": p["delay"] / 1000}
    if status == "failed":
        view["error"] = p["fail"]
    return view


def sign(webhook_id, timestamp, body):
    secret = ARGS.webhook_secret
    key = base64.b64decode(secret[len("whsec_"):] if secret.startswith("whsec_") else secret)
    mac = hmac.new(key, f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def send_webhooks(pid):
    """Waits for the prediction to finish, then POSTs the signed `completed` webhook (twice for [dupwebhook])."""
    with LOCK:
        p = PREDICTIONS[pid]
    if p["stuck"]:
        return
    time.sleep(max(0, p["created"] + p["delay"] / 1000 - time.time()) + 0.01)
    with LOCK:
        view = prediction_view(p)
    body = json.dumps(view).encode()
    webhook_id = "msg_" + secrets.token_hex(8)
    timestamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", "webhook-id": webhook_id, "webhook-timestamp": timestamp,
               "webhook-signature": sign(webhook_id, timestamp, body)}
    for _ in range(2 if p["dup_webhook"] else 1):
        try:
            urllib.request.urlopen(urllib.request.Request(p["webhook"], data=body, headers=headers, method="POST"), timeout=5).read()
        except Exception as error:  # a webhook that fails is not retried here
            print(f"webhook delivery failed: {error}", file=sys.stderr)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    # --- plumbing -------------------------------------------------------------------------------------------

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send(self, status, payload=b"", content_type="application/json", headers=None):
        if isinstance(payload, (dict, list)):
            payload = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def record(self, **fields):
        with LOCK:
            LOG.append({"method": self.command, "path": self.path, "t": time.time(), **fields})

    def authorized(self):
        if self.headers.get("Authorization") != f"Bearer {ARGS.token}":
            self.send(401, {"detail": "Invalid token."})
            return False
        return True

    def common_faults(self, scenario, marks, kind):
        """429 / 500 / echo faults of create-like calls; True when an error was sent."""
        if "echoauth" in marks:
            self.send(400, {"error": {"message": f"bad request from {self.headers.get('Authorization')}"}})
            return True
        if "create429" in marks and take((scenario, kind, "429"), int(marks["create429"] or 1)):
            self.send(429, {"detail": "Request was throttled."}, headers={"Retry-After": marks.get("retry_after") or "1"})
            return True
        if "create500" in marks and take((scenario, kind, "500"), int(marks["create500"] or 1)):
            self.send(500, {"detail": "Internal server error"})
            return True
        return False

    # --- routes ---------------------------------------------------------------------------------------------

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/_control/log":
            with LOCK:
                return self.send(200, list(LOG))
        if path == "/_control/deliveries":
            with LOCK:
                return self.send(200, list(DELIVERIES))
        if path.startswith("/_control/predictions/"):
            with LOCK:
                p = PREDICTIONS.get(path.rsplit("/", 1)[1])
                return self.send(200, {k: v for k, v in p.items()} if p else {}, )
        if path.startswith("/files/"):
            return self.serve_file(path[len("/files/"):])
        match = re.fullmatch(r"/v1/predictions/([\w-]+)", path)
        if match:
            self.record(prediction=match.group(1))
            if not self.authorized():
                return
            with LOCK:
                p = PREDICTIONS.get(match.group(1))
                if p:
                    p["polls"] += 1
                    poll = p["polls"]
            if not p:
                return self.send(404, {"detail": "Not found."})
            if poll <= p["poll500"]:
                return self.send(500, {"detail": "Internal server error"})
            with LOCK:
                return self.send(200, prediction_view(p))
        self.send(404, {"detail": "Not found."})

    def do_POST(self):
        path = self.path.split("?")[0]
        raw = self.body()
        if path == "/_control/sink":
            with LOCK:
                DELIVERIES.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": raw.decode()})
            return self.send(204)
        if path in ("/v1/predictions",) or re.fullmatch(r"/v1/models/[\w.-]+/[\w.-]+/predictions", path):
            return self.create_prediction(path, raw)
        match = re.fullmatch(r"/v1/predictions/([\w-]+)/cancel", path)
        if match:
            self.record(prediction=match.group(1), cancel=True)
            if not self.authorized():
                return
            with LOCK:
                p = PREDICTIONS.get(match.group(1))
                if not p:
                    return self.send(404, {"detail": "Not found."})
                p["cancelled"] = True
                view = prediction_view(p)
                if view["status"] not in ("succeeded", "failed"):
                    p["status"] = "canceled"
                return self.send(200, prediction_view(p))
        if path == "/v1/images/generations":
            return self.images(raw)
        if path == "/v1/audio/speech":
            return self.speech(raw)
        self.send(404, {"detail": "Not found."})

    def create_prediction(self, path, raw):
        request = json.loads(raw or b"{}")
        prompt = (request.get("input") or {}).get("prompt", "")
        self.record(create=True, prompt=prompt, request=request)
        if not self.authorized():
            return
        marks = directives(prompt)
        if self.common_faults(prompt, marks, "create"):
            return
        pid = secrets.token_hex(10)
        if "expired" in marks:
            output = f"http://127.0.0.1:{PORT}/files/expired-{marks['expired'] or '404'}/{pid}.mp4"
        elif "bigchunked" in marks:
            output = f"http://127.0.0.1:{PORT}/files/bigchunked-{marks['bigchunked']}/{pid}.mp4"
        elif "big" in marks:
            output = f"http://127.0.0.1:{PORT}/files/big-{marks['big']}/{pid}.mp4"
        else:
            output = f"http://127.0.0.1:{PORT}/files/{pid}.mp4"
        model = path.split("/")[3] + "/" + path.split("/")[4] if path.startswith("/v1/models/") else None
        p = {
            "id": pid, "created": time.time(), "status": "starting", "input": request.get("input") or {},
            "model": model or (request.get("version") or "").split(":")[0], "version": request.get("version"),
            "webhook": request.get("webhook"), "events": request.get("webhook_events_filter"),
            "delay": float(marks.get("delay") or 150), "stuck": "stuck" in marks, "fail": marks.get("fail"),
            "poll500": int(marks.get("poll500") or 0), "polls": 0, "cancelled": False, "output": output,
            "dup_webhook": "dupwebhook" in marks, "list_output": "listoutput" in marks,
        }
        with LOCK:
            PREDICTIONS[pid] = p
            view = prediction_view(p)
        if p["webhook"]:
            threading.Thread(target=send_webhooks, args=(pid,), daemon=True).start()
        self.send(201, view)

    def images(self, raw):
        request = json.loads(raw or b"{}")
        prompt = request.get("prompt", "")
        self.record(prompt=prompt, request=request)
        if not self.authorized():
            return
        marks = directives(prompt)
        if self.common_faults(prompt, marks, "images"):
            return
        if not request.get("model") or request.get("n") != 1 or not re.fullmatch(r"\d+x\d+", request.get("size", "")):
            return self.send(400, {"error": {"message": "model, n: 1 and size WxH are required"}})
        image = {"url": f"http://127.0.0.1:{PORT}/files/image.png"} if "imageurl" in marks else {"b64_json": base64.b64encode(png_bytes()).decode()}
        self.send(200, {"created": int(time.time()), "data": [image]})

    def speech(self, raw):
        request = json.loads(raw or b"{}")
        text = request.get("input", "")
        self.record(prompt=text, request=request)
        if not self.authorized():
            return
        marks = directives(text)
        if self.common_faults(text, marks, "speech"):
            return
        if request.get("response_format") not in ("mp3", "wav") or not request.get("voice") or not request.get("model"):
            return self.send(400, {"error": {"message": "model, voice and response_format mp3|wav are required"}})
        fmt = request["response_format"]
        self.send(200, media_bytes("speech." + fmt), content_type="audio/wav" if fmt == "wav" else "audio/mpeg")

    def serve_file(self, name):
        self.record(download=name)
        match = re.fullmatch(r"expired-(\d+)/.*", name)
        if match:
            return self.send(int(match.group(1)), {"detail": "This file has expired."})
        match = re.fullmatch(r"big(chunked)?-(\d+)/.*", name)
        if match:
            size = int(match.group(2))
            if not match.group(1):
                self.send_response(200)
                self.send_header("Content-Type", "video/mp4")
                self.send_header("Content-Length", str(size))
                self.end_headers()
            else:
                self.send_response(200)
                self.send_header("Content-Type", "video/mp4")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
            block = b"\x00" * 65536
            sent = 0
            try:
                while sent < size:
                    part = block[: min(len(block), size - sent)]
                    if match.group(1):
                        self.wfile.write(b"%x\r\n" % len(part) + part + b"\r\n")
                    else:
                        self.wfile.write(part)
                    sent += len(part)
                if match.group(1):
                    self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True
            return
        self.send(200, media_bytes(name), content_type="application/octet-stream")


def exit_when_stdin_closes():
    """The test holds our stdin open; when it closes it (or dies), we go too."""
    while sys.stdin.buffer.read(4096):
        pass
    os._exit(0)


def main():
    global ARGS, PORT
    # A parent's blocked signal mask is inherited; unblock so SIGTERM works.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, set(signal.Signals))
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    parser = argparse.ArgumentParser()
    parser.add_argument("--token", required=True)
    parser.add_argument("--webhook-secret", required=True)
    parser.add_argument("--video-file", help="serve this real video for .mp4 outputs (job-level tests that probe them)")
    ARGS = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    PORT = server.server_address[1]
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    print(json.dumps({"port": PORT}), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
