#!/usr/bin/python3
"""Relay-only calls through a real coturn, with the time-limited TURN
credentials that Prosody's mod_turn_external hands out by XEP-0215.

--relay-only keeps every address of the user out of the SDP and the ICE
checks: a call that connects went through the relay.
"""
import os
import re
import shutil
import tempfile
import unittest
import urllib.parse

from quartet_cli_test import EXIT_OK
from test_call import BLUE, RED, CallTestCase

from coturn import Coturn
from xmpp_server import xmpp_server


class WithTurnServer:
    """A test case mixin: a real coturn, whose credentials the test's
    server hands out (XEP-0215: Prosody's mod_turn_external, ejabberd's
    mod_stun_disco)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.close()
        cls.turn = Coturn().start()
        cls.server = xmpp_server(users=cls.users, roster=True, turn=cls.turn.server_options())
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.turn.close()


@unittest.skipUnless(Coturn.available(), "coturn is not installed (apt-get install coturn)")
class RelayCallTestCase(WithTurnServer, CallTestCase):
    """Calls with a real coturn, whose credentials Prosody hands out."""
    users = ["alice", "bob"]


class RelayTest(RelayCallTestCase):

    def assert_no_turn_secret(self, *processes):
        for process in processes:
            code, out, err = process.stop()
            self.assertNotIn(self.turn.secret, out + err)
            # The derived password is base64 of an HMAC: never in our output either.
            self.assertIsNone(re.search(r"turn://[^\s\"]*:(?!\[secret\])[^\s\"]*@", out + err),
                              out + err)

    def test_relay_only_call_with_discovered_credentials(self):
        allocations = self.turn.allocations()
        bob = self.bot(1, BLUE, "--auto-answer", "--relay-only")
        alice = self.caller([1], RED, "--duration", "6", "--relay-only")
        self.assertEqual(alice.read_all(), EXIT_OK, alice.stderr_text())
        bob.next_event("call-end")

        self.assert_connected(alice, "bob@localhost")
        self.assert_connected(bob, "alice@localhost")
        # The relay starts slower (allocations, permissions, then a keyframe
        # through it): one full-rate second is asked, not two.
        self.assert_receives_video(alice, "bob@localhost", BLUE, fluent_seconds=1)
        self.assert_receives_video(bob, "alice@localhost", RED, fluent_seconds=1)
        # Both sides allocated a relay on our coturn, with the credentials
        # from Prosody: there was no other way to connect.
        self.assertGreaterEqual(self.turn.allocations() - allocations, 2, self.turn.log()[-3000:])
        self.assert_no_turn_secret(alice, bob)
        # And the figures say so (the tile's "Through a relay server").
        routes = [e["route"] for e in alice.events_named("stats") if e["fps"] > 0]
        self.assertEqual(routes[-1], "relayed", routes)
        self.assertNotIn("direct", routes)

    def test_debug_logs_hide_turn_passwords(self):
        # libnice prints "user/pass : NAME -- PASSWORD" for every relay server
        # and webrtcbin the whole turn:// URL, at debug level: what a user
        # turns on for a bug report. The engine's log filter replaces them,
        # on stderr (Bob) and in $GST_DEBUG_FILE (Alice's GStreamer log).
        debug = {"G_MESSAGES_DEBUG": "all", "GST_DEBUG": "webrtcbin:7,webrtcnice:7"}
        gst_file = os.path.join(tempfile.mkdtemp(prefix="quartet-gst-debug-"), "alice.log")
        self.addCleanup(shutil.rmtree, os.path.dirname(gst_file))
        bob = self.bot(1, BLUE, "--auto-answer", "--relay-only", env=debug)
        alice = self.caller([1], RED, "--duration", "3", "--relay-only",
                            env=dict(debug, GST_DEBUG_FILE=gst_file))
        self.assertEqual(alice.read_all(), EXIT_OK, alice.stderr_text()[-3000:])
        bob.next_event("call-end")
        bob_out, bob_err = bob.stop()[1:]
        with open(gst_file) as f:
            alice_gst = f.read()

        self.assertIn("Adding turn server: turn://", alice_gst)
        for text in (alice.stderr_text() + alice_gst, bob_out + bob_err):
            relays = re.findall(r"with user/pass : (\S+) -- (\S+)", text)
            self.assertTrue(relays, "libnice printed no relay server: nothing was filtered")
            self.assertIn("Adding turn server: turn://", text)
            for name, shown in relays:
                self.assertEqual(shown, "[secret]")
                password = self.turn.password_for(name)
                self.assertNotIn(password, text)
                self.assertNotIn(urllib.parse.quote(password, safe=""), text)

    def test_relay_only_without_a_reachable_relay_fails_clearly(self):
        # An explicit --turn overrides discovery: here a port nobody serves.
        dead = ["--relay-only", "--disconnect-timeout", "5", "--turn", "turn://127.0.0.1:9",
                "--turn-user", "nobody",
                "--turn-password", "nothing"]
        bob = self.bot(1, BLUE, "--auto-answer", *dead)
        alice = self.caller([1], RED, "--duration", "4", *dead)
        code = alice.read_all()
        states = [e["state"] for e in alice.events_named("peer-connection-state-changed")]
        self.assertNotIn("connected", states)
        self.assertIn("failed", states, alice.stderr_text())
        self.assertNotEqual(code, EXIT_OK)
        self.assertEqual(len(alice.events_named("call-end")), 1)
        bob.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
