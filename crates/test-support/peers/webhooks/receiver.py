"""A webhook receiver for the tests: verifies every request with the Standard Webhooks reference library
(`standardwebhooks` from PyPI), records it, and answers as the test scripted.

Usage: receiver.py PORT DIR. In DIR the test writes `secrets` (one `whsec_...` a line: each is tried alone, so a
request signed with two secrets shows as valid for both) and `answers` (statuses to give, one a line, consumed in
order; `hang` holds the request without answering; when none is left, 204). The receiver appends one JSON line a
request to `requests.jsonl`: method, path, the webhook headers, the body, the answer, and `valid`: for each secret,
whether the library accepted the request with it alone.
"""

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

PORT = int(sys.argv[1])
DIR = Path(sys.argv[2])
LOCK = threading.Lock()


def lines(name):
    try:
        return [line.strip() for line in (DIR / name).read_text().splitlines() if line.strip()]
    except FileNotFoundError:
        return []


def next_answer():
    """Takes the first scripted answer (under the lock: concurrent requests each take their own)."""
    answers = lines("answers")
    if not answers:
        return "204"
    (DIR / "answers").write_text("".join(f"{a}\n" for a in answers[1:]))
    return answers[0]


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        headers = {name.lower(): value for name, value in self.headers.items()}
        valid = []
        for secret in lines("secrets"):
            try:
                Webhook(secret).verify(body, headers)
                valid.append(True)
            except WebhookVerificationError:
                valid.append(False)
        with LOCK:
            answer = next_answer()
            record = {
                "method": self.command,
                "path": self.path,
                "received_at": time.time(),
                "content_type": headers.get("content-type"),
                "webhook_id": headers.get("webhook-id"),
                "webhook_timestamp": headers.get("webhook-timestamp"),
                "webhook_signature": headers.get("webhook-signature"),
                "body": body.decode("utf-8", "replace"),
                "valid": valid,
                "answer": answer,
            }
            with (DIR / "requests.jsonl").open("a") as log:
                log.write(json.dumps(record) + "\n")
        if answer == "hang":
            # Longer than any delivery timeout the tests set; the client gives up first.
            time.sleep(60)
            return
        status = int(answer)
        reply = f"answer {status}".encode()
        self.send_response(status)
        self.send_header("content-type", "text/plain")
        self.send_header("content-length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
