#!/usr/bin/python3
"""quartet-cli end to end: sign-in, errors and call signals between real
quartet-cli processes on a real Prosody."""
import json
import os
import signal
import socket
import unittest

from quartet_cli_test import (CliProcess, CliTestCase, EXIT_OK, EXIT_USAGE,
                              EXIT_UNREACHABLE, EXIT_AUTHENTICATION, EXIT_CERTIFICATE)


def Listener(args):
    return CliProcess("listen", args)


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
        # A port nothing listens on: bound here (so no one else takes it)
        # but not listening, a connection to it is refused.
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            args[args.index("--server") + 1] = "127.0.0.1:%d" % s.getsockname()[1]
            result = self.run_cli("login", *args)
        self.assertEqual(result.returncode, EXIT_UNREACHABLE)
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        self.assertIn("Could not reach", result.stderr)

    def test_server_list_goes_on_to_the_next_server(self):
        # The first server of the list is away (a cluster's node that is down):
        # sign-in goes on to the next one, and only fails when all are away.
        args = self.account_args(0)
        with socket.socket() as s:  # bound, not listening: refused
            s.bind(("127.0.0.1", 0))
            away = "127.0.0.1:%d" % s.getsockname()[1]
            there = args[args.index("--server") + 1]
            args[args.index("--server") + 1] = "%s,%s" % (away, there)
            result = self.run_cli("login", "--json", *args)
            self.assertEqual(result.returncode, EXIT_OK, result.stderr)
            self.assertEqual(self.json_lines(result.stdout)[0]["event"], "connected")

            args[args.index("--server") + 1] = "%s,%s" % (away, away)
            result = self.run_cli("login", *args)
            self.assertEqual(result.returncode, EXIT_UNREACHABLE, result.stderr)

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


class MemoryReportTest(CliTestCase):
    """bench/memory.py tells retained free memory from held memory by the
    heap in use that SIGUSR1 has quartet-cli print."""

    def test_sigusr1_prints_resident_set_and_heap_in_use(self):
        bob = Listener(self.account_args(1))
        bob.next_event("roster")
        reports = []
        for _ in range(2):  # the process goes on after a report
            bob.process.send_signal(signal.SIGUSR1)
            reports.append(bob.next_event("memory"))
            with open("/proc/%d/status" % bob.process.pid) as f:
                status = dict(line.split(":", 1) for line in f)
            vm_rss = int(status["VmRSS"].split()[0])
            self.assertAlmostEqual(reports[-1]["rss_kib"], vm_rss, delta=vm_rss / 4)
        if not os.environ.get("QUARTET_SANITIZED"):  # ASan's allocator is not glibc's
            for report in reports:
                self.assertGreater(report["heap_kib"], 1024)  # GStreamer's registry alone
                self.assertLess(report["heap_kib"], report["rss_kib"])

        code, _, err = bob.stop()
        self.assertEqual(code, EXIT_OK, err)


if __name__ == "__main__":
    unittest.main(verbosity=2)
