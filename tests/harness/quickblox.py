#!/usr/bin/python3
"""A local stand-in for the QuickBlox REST API, for Quartet's tests.

It speaks HTTPS (a self-signed certificate made at start, like prosody.py's)
on loopback and answers the requests Quartet makes, the way the QuickBlox
REST API documents them:

- `POST /session.json`: checks the HMAC-SHA1 signature exactly (parameters
  but `signature` sorted by name, `name=value` joined with `&`, keyed with the
  auth secret), then the user's login and password; issues a token and makes
  it the chat password of `{id}-{appId}` on the Prosody it is given, as
  QuickBlox chat takes the session token as the password.
  Wrong signature (or app id, auth key): 422 `{"errors":{"base":["Unexpected signature"]}}`;
  wrong login or password: 401 `{"errors":["Unauthorized"]}`.
- `GET /users.json` and `GET /users/by_full_name.json?full_name=...` with
  the `QB-Token` header: one page (`page`, `per_page`) of users, or of those
  whose full name contains the text. Expired token: 401
  `{"errors":["Token has expired"]}`.

Tokens live `token_lifetime` seconds (QuickBlox: 2 hours); set it low, or
to 0, to see them expire. The answer's `QB-Token-ExpirationDate` header says
when. The stand-in is for tests only; Quartet itself never uses it.

    with Prosody(users=["4242-97", "4343-97"], roster=True) as chat, \\
         QuickbloxStandIn(chat, users=[{"id": 4242, "login": "alice", ...}]) as api:
        api.api, api.cafile, api.app_id, api.auth_key, api.auth_secret
"""
import argparse
import datetime
import hashlib
import hmac
import http.server
import json
import os
import secrets
import shutil
import signal
import ssl
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from prosody import Prosody  # noqa: E402
from xmpp_server import HOST, make_certificate  # noqa: E402
from suite_logs import keep_secret  # noqa: E402

TOKEN_LIFETIME = 2 * 60 * 60
MAX_PER_PAGE = 100


def sign(params, secret):
    """The QuickBlox signature of @params (a dict without `signature`)."""
    message = "&".join("%s=%s" % (name, params[name]) for name in sorted(params))
    return hmac.new(secret.encode(), message.encode(), hashlib.sha1).hexdigest()


def _iso(timestamp):
    return datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "QuickbloxStandIn"

    def log_message(self, *args):  # the test's output is for the test
        pass

    def _answer(self, status, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        if url.path != "/session.json":
            return self._answer(404, {"errors": ["Not found"]})
        if self.headers.get("Content-Type", "").startswith("application/json"):
            params = _flatten(json.loads(body or "{}"))
        else:
            params = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
        self._answer(*self.server.stand_in.create_session(params))

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        self._answer(*self.server.stand_in.list_users(url.path, query,
                                                      self.headers.get("QB-Token")))


def _flatten(obj, prefix=""):
    """{"user": {"login": "x"}} -> {"user[login]": "x"}, as the form names them."""
    flat = {}
    for key, value in obj.items():
        name = "%s[%s]" % (prefix, key) if prefix else key
        if isinstance(value, dict):
            flat.update(_flatten(value, name))
        else:
            flat[name] = str(value)
    return flat


class QuickbloxStandIn:
    def __init__(self, prosody=None, users=(), app_id=97, auth_key=None, auth_secret=None,
                 token_lifetime=TOKEN_LIFETIME):
        self.prosody = prosody
        self.users = [dict(u) for u in users]  # {"id", "login", "password", "full_name"}
        self.app_id = str(app_id)
        self.auth_key = auth_key or secrets.token_urlsafe(12)
        self.auth_secret = auth_secret or secrets.token_urlsafe(16)
        for secret in [self.auth_secret] + [u["password"] for u in self.users]:
            keep_secret(secret)
        self.token_lifetime = token_lifetime
        self.tokens = {}  # token -> {"user_id", "expires"}
        self.requests = []  # (method, path, params without secrets), for tests
        self.sessions = []  # user ids, one per session created
        self.dir = None
        self._server = None
        self._thread = None
        self._lock = threading.Lock()

    @property
    def api(self):
        return "%s:%d" % (HOST, self.port)

    def issued_tokens(self):
        with self._lock:
            return list(self.tokens)

    # -- what the API answers ----------------------------------------------
    def create_session(self, params):
        signature = params.pop("signature", "")
        with self._lock:
            self.requests.append(("POST", "/session.json", {
                k: v for k, v in params.items() if k in ("application_id", "user[login]")}))
        expected = sign(params, self.auth_secret)
        if (params.get("application_id") != self.app_id
                or params.get("auth_key") != self.auth_key
                or not params.get("nonce") or not params.get("timestamp", "").isdigit()
                or not hmac.compare_digest(signature, expected)):
            return 422, {"errors": {"base": ["Unexpected signature"]}}

        user = next((u for u in self.users if u["login"] == params.get("user[login]")), None)
        if user is None or not hmac.compare_digest(user["password"],
                                                   params.get("user[password]", "")):
            return 401, {"errors": ["Unauthorized"]}

        token = secrets.token_hex(20)
        keep_secret(token)
        now = time.time()
        expires = now + self.token_lifetime
        if self.prosody is not None:
            self.prosody.set_password("%d-%s" % (user["id"], self.app_id), token)
        with self._lock:
            self.tokens[token] = {"user_id": user["id"], "expires": expires}
            self.sessions.append(user["id"])
            session_id = len(self.sessions)
        return 201, {"session": {
            "_id": secrets.token_hex(12), "application_id": int(self.app_id),
            "created_at": _iso(now), "id": session_id, "nonce": params["nonce"],
            "token": token, "ts": int(params["timestamp"]), "updated_at": _iso(now),
            "user_id": user["id"]}}, {"QB-Token-ExpirationDate": _iso(expires)}

    def list_users(self, path, query, token):
        with self._lock:
            self.requests.append(("GET", path, dict(query)))
            session = self.tokens.get(token or "")
        if path not in ("/users.json", "/users/by_full_name.json"):
            return 404, {"errors": ["Not found"]}
        if session is None:
            return 401, {"errors": ["Required session does not exist"]}
        if time.time() >= session["expires"]:
            return 401, {"errors": ["Token has expired"]}
        try:
            page = max(1, int(query.get("page", "1")))
            per_page = min(MAX_PER_PAGE, max(1, int(query.get("per_page", "10"))))
        except ValueError:
            return 422, {"errors": {"base": ["Invalid pagination"]}}

        users = sorted(self.users, key=lambda u: u["id"])
        if path == "/users/by_full_name.json":
            text = query.get("full_name", "").casefold()
            if not text:
                return 422, {"errors": {"full_name": ["can't be blank"]}}
            users = [u for u in users if text in u.get("full_name", "").casefold()]
        items = [{"user": {"id": u["id"], "login": u["login"], "full_name": u.get("full_name"),
                           "email": None, "external_user_id": None, "user_tags": None}}
                 for u in users[(page - 1) * per_page:page * per_page]]
        return 200, {"current_page": page, "per_page": per_page,
                     "total_entries": len(users), "items": items}, {
                         "QB-Token-ExpirationDate": _iso(session["expires"])}

    # -- process control ----------------------------------------------------
    def start(self):
        self.dir = tempfile.mkdtemp(prefix="quartet-quickblox-")
        self.cafile = os.path.join(self.dir, "cert.pem")
        key = os.path.join(self.dir, "key.pem")
        self.fingerprint = make_certificate(key, self.cafile, ["localhost"])
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cafile, key)
        # In this process: bound at once, no port to hand over.
        self._server = http.server.ThreadingHTTPServer((HOST, 0), _Handler)
        self.port = self._server.server_address[1]
        self._server.daemon_threads = True
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._server.stand_in = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def close(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self.dir and os.path.isdir(self.dir):
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    def info(self):
        return {"api": self.api, "cafile": self.cafile, "app_id": self.app_id,
                "auth_key": self.auth_key, "auth_secret": self.auth_secret,
                "users": self.users}


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="A throwaway Prosody and a QuickBlox REST stand-in in front of it.")
    ap.add_argument("--users", default="alice:Alice Liddell,bob:Bob Builder,carol:Carol Danvers",
                    help="comma-separated LOGIN:FULL NAME; ids are 1001, 1002, ...")
    ap.add_argument("--app-id", default="97")
    ap.add_argument("--token-lifetime", type=int, default=TOKEN_LIFETIME, metavar="SECONDS",
                    help="how long tokens live (QuickBlox: 7200; 0: expired at once)")
    args = ap.parse_args(argv)

    users = []
    for n, entry in enumerate(u for u in args.users.split(",") if u):
        login, _, full_name = entry.partition(":")
        users.append({"id": 1001 + n, "login": login, "full_name": full_name or login,
                      "password": secrets.token_urlsafe(12)})
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with Prosody(users=["%d-%s" % (u["id"], args.app_id) for u in users], roster=True) as chat, \
            QuickbloxStandIn(chat, users, app_id=args.app_id,
                             token_lifetime=args.token_lifetime) as api:
        info = api.info()
        info.update({"chat_domain": chat.domain,
                     "chat_server": "%s:%d" % (chat.host, chat.c2s_port),
                     "chat_cafile": chat.cafile})
        print(json.dumps(info), flush=True)
        try:
            while True:
                signal.pause()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
