#!/usr/bin/python3
"""QuickBlox accounts: quartet-cli signs in over the REST API (the local
stand-in tests/harness/quickblox.py, which checks the signature exactly),
lists and searches the application's users, and signs in to a real Prosody
as {userId}-{appId}@localhost with the session token, where two such users
hold a video call. Wrong password, wrong auth secret, an expired token, an
unreachable API and an untrusted certificate each give their own error, and
no secret (password, auth secret, token) is ever printed.
"""
import json
import os
import socket
import subprocess
import tempfile
import time
import unittest

from quartet_cli_test import (CLI, with_test_support, TIMEOUT, CliProcess, EXIT_OK, EXIT_FAILED, EXIT_USAGE,
                              EXIT_UNREACHABLE, EXIT_AUTHENTICATION, EXIT_CERTIFICATE)
from prosody import Prosody
from quickblox import QuickbloxStandIn, TOKEN_LIFETIME
from test_call import BLUE, FLUENT_FPS, RED, PATTERN, dominant

os.environ.setdefault("QUARTET_AUDIO_SINK", "fake")

APP_ID = "97"
USERS = [
    {"id": 4242, "login": "alice", "password": "alice-Pw-8c1e", "full_name": "Alice Liddell"},
    {"id": 4343, "login": "bob", "password": "bob-Pw-5f0d", "full_name": "Bob the Builder"},
    {"id": 4444, "login": "carol", "password": "carol-Pw-77aa", "full_name": "Carol Danvers"},
    {"id": 4545, "login": "dave", "password": "dave-Pw-1b2c", "full_name": "Dave Builder"},
    {"id": 4646, "login": "eve", "password": "eve-Pw-9d3e", "full_name": "Eve Moneypenny"},
]


class QuickbloxTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.chat = Prosody(users=["%d-%s" % (u["id"], APP_ID) for u in USERS], roster=True)
        cls.chat.start()
        cls.api = QuickbloxStandIn(cls.chat, USERS, app_id=APP_ID).start()
        cls.tmp = tempfile.TemporaryDirectory(prefix="quartet-quickblox-test-")
        cls.secret_file = cls.write("secret", cls.api.auth_secret + "\n")
        cls.wrong_secret_file = cls.write("wrong-secret", cls.api.auth_secret + "x\n")

    @classmethod
    def tearDownClass(cls):
        cls.api.close()
        cls.chat.close()
        cls.tmp.cleanup()

    @classmethod
    def write(cls, name, text):
        path = os.path.join(cls.tmp.name, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def setUp(self):
        self.api.token_lifetime = TOKEN_LIFETIME
        self.processes = []
        self.output = []

    def tearDown(self):
        codes = []
        for process in self.processes:
            code, out, err = process.stop()
            self.output.append(out + err)
            codes.append((code, err[-2000:]))
        self.assert_no_secret("\n".join(self.output))
        # Signed out cleanly (and, sanitized, without a leak or an error report).
        for code, err in codes:
            self.assertEqual(code, EXIT_OK, err)

    # -- helpers --------------------------------------------------------------
    def qb_args(self, index, password=None, secret_file=None, cafile=True):
        user = USERS[index]
        args = ["--quickblox-api", self.api.api, "--quickblox-app-id", APP_ID,
                "--quickblox-auth-key", self.api.auth_key,
                "--quickblox-auth-secret-file", secret_file or self.secret_file,
                "--login", user["login"],
                "--password-file", self.write("password-%d" % index,
                                              (password or user["password"]) + "\n")]
        if cafile:
            args += ["--quickblox-cafile", self.api.cafile]
        return args

    def chat_args(self):
        return ["--server", "%s:%d" % (self.chat.host, self.chat.c2s_port),
                "--cafile", self.chat.cafile, "--quickblox-chat", self.chat.domain]

    def run_cli(self, *args, env=None):
        result = subprocess.run([CLI] + list(args), capture_output=True, text=True,
                                timeout=TIMEOUT, env=with_test_support(env))
        self.output.append(result.stdout + result.stderr)
        return result

    def users(self, *args):
        result = self.run_cli("users", *self.qb_args(0), *args)
        self.assertEqual(result.returncode, EXIT_OK, result.stderr)
        return [json.loads(line) for line in result.stdout.splitlines()]

    def requests_since(self, count):
        return self.api.requests[count:]

    def assert_no_secret(self, text):
        secrets = [u["password"] for u in USERS] + [self.api.auth_secret]
        secrets += self.api.issued_tokens()
        for secret in secrets:
            self.assertNotIn(secret, text)

    # -- signing in -----------------------------------------------------------
    def test_login_signs_in_to_chat_with_the_token(self):
        sessions = len(self.api.sessions)
        result = self.run_cli("login", "--json", *self.qb_args(1), *self.chat_args())
        self.assertEqual(result.returncode, EXIT_OK, result.stderr)
        events = [json.loads(line) for line in result.stdout.splitlines()]
        connected = [e for e in events if e["event"] == "connected"]
        self.assertEqual(len(connected), 1, result.stdout)
        self.assertEqual(connected[0]["jid"], "4343-97@localhost")
        self.assertEqual(connected[0]["user_id"], "4343")
        # Exactly one session, for Bob; Prosody took its token as the password.
        self.assertEqual(self.api.sessions[sessions:], [4343])

    def test_wrong_password(self):
        result = self.run_cli("login", *self.qb_args(0, password="not-alices"), *self.chat_args())
        self.assertEqual(result.returncode, EXIT_AUTHENTICATION)
        self.assertEqual(result.stderr,
                         "quartet-cli: Wrong QuickBlox login or password "
                         "(the server said “Unauthorized”)\n")
        self.assertEqual(result.stdout, "")

    def test_wrong_auth_secret(self):
        result = self.run_cli("users", *self.qb_args(0, secret_file=self.wrong_secret_file))
        self.assertEqual(result.returncode, EXIT_AUTHENTICATION)
        self.assertIn("QuickBlox refused the sign-in (the server said “Unexpected signature”)",
                      result.stderr)
        self.assertIn("check the application id, auth key and auth secret", result.stderr)

    def test_expired_token(self):
        # Tokens that are over as soon as they are issued: the directory finds
        # its token expired, creates one new session, and that one is expired too.
        self.api.token_lifetime = 0
        before = len(self.api.requests)
        result = self.run_cli("users", *self.qb_args(0))
        self.assertEqual(result.returncode, EXIT_FAILED)
        self.assertEqual(result.stderr,
                         "quartet-cli: The QuickBlox session has expired "
                         "(the server said “Token has expired”): sign in again\n")
        paths = [r[1] for r in self.requests_since(before)]
        self.assertEqual(paths, ["/session.json", "/users.json", "/session.json", "/users.json"])

    def test_unreachable_api(self):
        with socket.socket() as s:  # bound, not listening: refused
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
            args = self.qb_args(0)
            args[args.index("--quickblox-api") + 1] = "127.0.0.1:%d" % port
            result = self.run_cli("users", *args)
        self.assertEqual(result.returncode, EXIT_UNREACHABLE)
        self.assertIn("Could not reach the QuickBlox API at 127.0.0.1 port %d" % port,
                      result.stderr)

    def test_untrusted_certificate(self):
        result = self.run_cli("users", *self.qb_args(0, cafile=False))
        self.assertEqual(result.returncode, EXIT_CERTIFICATE)
        self.assertIn("The certificate of the QuickBlox API at 127.0.0.1 is not trusted",
                      result.stderr)

    def test_jid_and_quickblox_are_alternatives(self):
        result = self.run_cli("login", "--jid", "4242-97@localhost", *self.qb_args(0))
        self.assertEqual(result.returncode, EXIT_USAGE)
        self.assertIn("two ways to sign in", result.stderr)

    # -- the directory ----------------------------------------------------------
    def test_users_come_page_by_page(self):
        before = len(self.api.requests)
        users = self.users("--per-page", "2")
        self.assertEqual(users, [{"id": u["id"], "login": u["login"],
                                  "full_name": u["full_name"]} for u in USERS])
        pages = [(r[1], r[2]["page"], r[2]["per_page"]) for r in self.requests_since(before)
                 if r[0] == "GET"]
        self.assertEqual(pages, [("/users.json", str(n), "2") for n in (1, 2, 3)])

    def test_users_search_by_full_name(self):
        before = len(self.api.requests)
        self.assertEqual([u["login"] for u in self.users("--search", "builder")], ["bob", "dave"])
        self.assertEqual([u["login"] for u in self.users("--search", "Moneypenny")], ["eve"])
        self.assertEqual(self.users("--search", "nobody"), [])
        searches = [r[2]["full_name"] for r in self.requests_since(before)
                    if r[1] == "/users/by_full_name.json"]
        self.assertEqual(searches, ["builder", "Moneypenny", "nobody"])

    def test_users_needs_a_quickblox_account(self):
        result = self.run_cli("users", "--jid", "alice@localhost", "--password", "x")
        self.assertEqual(result.returncode, EXIT_USAGE)
        self.assertIn("users lists a QuickBlox application's users", result.stderr)

    def test_nothing_secret_in_debug_logs(self):
        env = dict(os.environ, G_MESSAGES_DEBUG="all", QUARTET_XMPP_TRACE="1")
        login = self.run_cli("login", "--json", *self.qb_args(2), *self.chat_args(), env=env)
        self.assertEqual(login.returncode, EXIT_OK, login.stderr[-2000:])
        users = self.run_cli("users", *self.qb_args(2), env=env)
        self.assertEqual(users.returncode, EXIT_OK, users.stderr[-2000:])
        # The logs are there, and none of them holds a secret (tearDown checks).
        self.assertIn("quartet-quickblox", login.stderr + users.stderr)
        self.assertIn("4444-97@localhost", login.stderr)

    # -- the session token lives on ----------------------------------------------
    def test_token_renewed_before_expiry_is_the_new_chat_password(self):
        # 15 s tokens are renewed after 4/5 of their life; once Bob's is, Prosody
        # restarts and Bob must sign in again with the renewed token (the
        # stand-in made it the only password Prosody takes). Long enough for a
        # sanitized Bob to reconnect before the next renewal.
        self.api.token_lifetime = 15
        sessions = len(self.api.sessions)
        bob = CliProcess("listen", self.qb_args(1) + self.chat_args())
        self.processes.append(bob)
        bob.next_event("roster")
        deadline = time.monotonic() + 25
        while self.api.sessions[sessions:].count(4343) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        self.assertEqual(self.api.sessions[sessions:], [4343, 4343])
        time.sleep(0.5)  # the renewed token reaches Bob
        self.chat.restart()
        bob.next_event("disconnected")
        back = bob.next_event("reconnected")
        self.assertTrue(back["bound_jid"].startswith("4343-97@localhost/"))

    # -- a call between two QuickBlox users --------------------------------------
    def test_video_call(self):
        bob = CliProcess("listen", self.qb_args(1) + self.chat_args() + [
            "--video", PATTERN[BLUE], "--no-voice-processing", "--auto-answer"])
        self.processes.append(bob)
        bob.next_event("roster")
        alice = CliProcess("call", self.qb_args(0) + self.chat_args() + [
            "--video", PATTERN[RED], "--no-voice-processing", "--duration", "4", "4343"])
        self.processes.append(alice)
        self.assertEqual(alice.read_all(), EXIT_OK, alice.stderr_text())
        bob.next_event("call-end")

        self.assertEqual(bob.events_named("call")[0]["user"], "4242")
        self.assertEqual(alice.events_named("accept")[0]["user"], "4343")
        for process, other, colour in ((alice, "4343", BLUE), (bob, "4242", RED)):
            states = [e["state"] for e in process.events_named("peer-connection-state-changed")
                      if e["user"] == other]
            self.assertIn("connected", states)
            stats = [e for e in process.events
                     if e["event"] == "stats" and e["user"] == other]
            fluent = [s for s in stats if s["fps"] >= FLUENT_FPS]
            self.assertGreaterEqual(len(fluent), 2, "not >= %d fps from %s: %s" % (
                FLUENT_FPS, other, [s["fps"] for s in stats]))
            self.assertEqual(dominant(fluent[-1]["average_rgb"]), colour)


if __name__ == "__main__":
    unittest.main(verbosity=2)
