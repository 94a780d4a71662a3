#!/usr/bin/python3
"""quartet-cli end to end: real quartet-cli processes on a real Prosody.

Each test class starts its own server through tests/harness/prosody.py.
The CLI binary comes from $QUARTET_CLI (set by meson).
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness"))
from prosody import Prosody  # noqa: E402

CLI = os.environ.get("QUARTET_CLI", "quartet-cli")
TIMEOUT = 30

EXIT_OK, EXIT_USAGE, EXIT_UNREACHABLE = 0, 2, 3
EXIT_AUTHENTICATION, EXIT_CERTIFICATE = 4, 5


class Listener:
    """A `quartet-cli listen --json` process whose events we read line by line."""

    def __init__(self, args):
        self.process = subprocess.Popen([CLI, "listen", "--json"] + args,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
        self.events = []

    def next_event(self, name):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise AssertionError("listener exited (%s) before %r: %s" % (
                    self.process.wait(), name, self.process.stderr.read()))
            event = json.loads(line)
            self.events.append(event)
            if event["event"] == name:
                return event
        raise AssertionError("no %r event within %d s" % (name, TIMEOUT))

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
        out, err = self.process.communicate(timeout=TIMEOUT)
        return self.process.returncode, out, err


class CliTestCase(unittest.TestCase):
    users = ["alice", "bob", "carol"]

    @classmethod
    def setUpClass(cls):
        cls.server = Prosody(users=cls.users, roster=True)
        cls.server.start()
        cls.tmp = tempfile.TemporaryDirectory(prefix="quartet-cli-test-")
        cls.logs = []

    @classmethod
    def tearDownClass(cls):
        cls.server.close()
        cls.tmp.cleanup()

    def account(self, index):
        return self.server.accounts[index]

    def password_file(self, index):
        path = os.path.join(self.tmp.name, "password-%d" % index)
        with open(path, "w") as f:
            f.write(self.account(index)["password"] + "\n")
        return path

    def account_args(self, index, cafile=True):
        args = ["--jid", self.account(index)["jid"],
                "--password-file", self.password_file(index),
                "--server", "%s:%d" % (self.server.host, self.server.c2s_port)]
        if cafile:
            args += ["--cafile", self.server.cafile]
        return args

    def run_cli(self, *args):
        result = subprocess.run([CLI] + list(args), capture_output=True, text=True,
                                timeout=TIMEOUT)
        self.logs.append(result.stdout + result.stderr)
        return result

    def json_lines(self, stdout):
        return [json.loads(line) for line in stdout.splitlines()]

    def assert_no_secret(self, text):
        for account in self.server.accounts:
            self.assertNotIn(account["password"], text)


class LoginTest(CliTestCase):
    def test_login_prints_roster_as_json(self):
        result = self.run_cli("login", "--json", *self.account_args(0))
        self.assertEqual(result.returncode, EXIT_OK, result.stderr)
        events = self.json_lines(result.stdout)
        self.assertEqual([e["event"] for e in events], ["connected", "roster"])
        self.assertEqual(events[0]["user_id"], "alice@localhost")
        self.assertTrue(events[0]["bound_jid"].startswith("alice@localhost/"))
        contacts = {c["jid"]: c for c in events[1]["contacts"]}
        self.assertEqual(set(contacts), {"bob@localhost", "carol@localhost"})
        self.assertEqual(contacts["bob@localhost"]["name"], "Bob")
        self.assert_no_secret(result.stdout + result.stderr)

    def test_login_human_output(self):
        result = self.run_cli("login", *self.account_args(1))
        self.assertEqual(result.returncode, EXIT_OK, result.stderr)
        self.assertIn("Signed in as bob@localhost/", result.stdout)
        self.assertIn("Alice <alice@localhost>", result.stdout)

    def test_password_on_command_line(self):
        args = self.account_args(0)
        i = args.index("--password-file")
        args[i:i + 2] = ["--password", self.account(0)["password"]]
        result = self.run_cli("login", *args)
        self.assertEqual(result.returncode, EXIT_OK, result.stderr)

    def test_wrong_password(self):
        bad = os.path.join(self.tmp.name, "wrong")
        with open(bad, "w") as f:
            f.write("wrong-password-123")
        args = self.account_args(0)
        args[args.index("--password-file") + 1] = bad
        result = self.run_cli("login", *args)
        self.assertEqual(result.returncode, EXIT_AUTHENTICATION)
        self.assertEqual(result.stdout, "")
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        self.assertIn("rejected the password", result.stderr)
        self.assertNotIn("wrong-password-123", result.stderr)

    def test_unreachable_server(self):
        args = self.account_args(0)
        # A port nothing listens on: bind one, close it, use it.
        import socket
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        args[args.index("--server") + 1] = "127.0.0.1:%d" % port
        result = self.run_cli("login", *args)
        self.assertEqual(result.returncode, EXIT_UNREACHABLE)
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        self.assertIn("Could not reach", result.stderr)

    def test_untrusted_certificate(self):
        result = self.run_cli("login", *self.account_args(0, cafile=False))
        self.assertEqual(result.returncode, EXIT_CERTIFICATE)
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        self.assertIn("not trusted", result.stderr)
        self.assertIn(self.server.fingerprint, result.stderr)

    def test_trusted_fingerprint(self):
        result = self.run_cli("login", *self.account_args(0, cafile=False),
                              "--trust-fingerprint", self.server.fingerprint)
        self.assertEqual(result.returncode, EXIT_OK, result.stderr)

    def test_usage_errors(self):
        for args in ([], ["dance"], ["login"], ["login", "--jid", "alice@localhost"],
                     ["login", "--tls", "maybe", *self.account_args(0)],
                     ["send-signal", *self.account_args(0)]):
            result = self.run_cli(*args)
            self.assertEqual(result.returncode, EXIT_USAGE, (args, result.stderr))
            self.assertTrue(result.stderr.startswith("quartet-cli: "), result.stderr)


class SignalExchangeTest(CliTestCase):
    def test_call_signal_reaches_the_other_process(self):
        bob = Listener(self.account_args(1) + ["--count", "1"])
        bob.next_event("roster")

        sdp = os.path.join(self.tmp.name, "offer.sdp")
        offer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=x:<&>\r\n"
        with open(sdp, "w", newline="") as f:
            f.write(offer)
        sent = self.run_cli("send-signal", "--json", *self.account_args(0),
                            "--to", "bob@localhost", "--type", "call",
                            "--session-id", "0b6e9f8e-7a41-4c1e-9d0a-2f8f6f1c5e11",
                            "--call-type", "video", "--opponent", "bob@localhost",
                            "--opponent", "carol@localhost", "--sdp-file", sdp,
                            "--user-info", "name=Alice")
        self.assertEqual(sent.returncode, EXIT_OK, sent.stderr)
        self.assertIn("sent", [e["event"] for e in self.json_lines(sent.stdout)])

        event = bob.next_event("signal")
        code, _, err = bob.stop()
        self.assertEqual(code, EXIT_OK, err)

        self.assertTrue(event["from"].startswith("alice@localhost/"))
        signal = event["signal"]
        self.assertEqual(signal["signalType"], "call")
        self.assertEqual(signal["sessionID"], "0b6e9f8e-7a41-4c1e-9d0a-2f8f6f1c5e11")
        self.assertEqual(signal["callType"], 1)
        self.assertEqual(signal["callerID"], "alice@localhost")
        self.assertEqual(signal["opponentsIDs"], ["bob@localhost", "carol@localhost"])
        self.assertEqual(signal["sdp"], offer)
        self.assertEqual(signal["platform"], "linux")
        self.assertEqual(signal["userInfo"], {"name": "Alice"})

    def test_invalid_signal_is_refused_before_sending(self):
        result = self.run_cli("send-signal", *self.account_args(0), "--to", "bob@localhost",
                              "--type", "call", "--call-type", "video")
        self.assertNotEqual(result.returncode, EXIT_OK)
        self.assertIn("quartet-cli: ", result.stderr)

    def test_listener_reports_presence_and_reconnects(self):
        alice = Listener(self.account_args(0))
        alice.next_event("roster")
        login = self.run_cli("login", *self.account_args(2))
        self.assertEqual(login.returncode, EXIT_OK, login.stderr)
        event = alice.next_event("presence")
        self.assertEqual(event["jid"], "carol@localhost")

        self.server.restart()
        lost = alice.next_event("disconnected")
        self.assertIn("error", lost)
        back = alice.next_event("reconnected")
        self.assertTrue(back["bound_jid"].startswith("alice@localhost/"))

        code, out, err = alice.stop()
        self.assertEqual(code, EXIT_OK, err)
        self.assert_no_secret(json.dumps(alice.events) + out + err)


if __name__ == "__main__":
    unittest.main(verbosity=2)
