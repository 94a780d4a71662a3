#!/usr/bin/python3
"""Calls that survive a network that changes: the QuickBlox reconnect
protocol (docs/protocol.md, "The update signal and reconnection").

Both sides are relay-only through a real coturn, and Bob reaches it only
through tests/harness/impaired_link.py. The link then rebinds, as a NAT does
or a laptop that changes networks: Bob's packets reach coturn from a new
port, which has no allocation there, and what coturn sends to the old one
goes nowhere. ICE cannot come back on that path; the call comes back only if
a new connection is negotiated in an `update` and allocates anew.

In each pair the user with the smaller id is polite (Alice, here): the
impolite one's repair offer is answered; the polite one's makes the impolite
one repair by an offer of its own. Each role is tested alone by keeping the
other side from starting a repair of its own (--repair-delay).
"""
import os
import time
import unittest

from test_call import BLUE, RED

from impaired_link import ImpairedLink
from test_relay import RelayCallTestCase

MIN_FPS = 15
BACK_WITHIN = 20  # seconds from the rebinding to video at MIN_FPS at both ends
NEVER = "600"  # --repair-delay: this side waits for the other's repair


def video_stats(user):
    return lambda e: e["event"] == "stats" and e["user"] == user


@unittest.skipIf(os.environ.get("QUARTET_SANITIZED"),
                 "frame rates under the sanitizers measure AddressSanitizer, not the network")
class ReconnectTest(RelayCallTestCase):
    def wait_fps(self, process, user, timeout, since=0.0):
        """The monotonic time of the first stats after @since with >= MIN_FPS."""
        stats = process.next_matching(
            lambda e: video_stats(user)(e) and e["mono_ms"] >= since * 1000 and e["fps"] >= MIN_FPS,
            "%s at %d fps" % (user, MIN_FPS), timeout=timeout)
        return stats["mono_ms"] / 1000

    def start_call(self, alice_args=(), bob_args=()):
        self.link = ImpairedLink((self.turn.host, self.turn.port))
        self.addCleanup(self.link.close)
        name, password = self.turn.credentials("bob")
        bob = self.bot(1, BLUE, "--auto-answer", "--relay-only", *bob_args,
                       "--turn", "turn://%s:%d?transport=udp" % (self.link.host, self.link.port),
                       "--turn-user", name, "--turn-password", password)
        alice = self.caller([1], RED, "--duration", "600", "--relay-only", *alice_args)
        self.wait_fps(alice, "bob@localhost", timeout=60)
        self.wait_fps(bob, "alice@localhost", timeout=30)
        return alice, bob

    def rebind_and_wait(self, alice, bob):
        self.link.rebind()
        rebound = time.monotonic()
        back = max(self.wait_fps(alice, "bob@localhost", BACK_WITHIN, since=rebound),
                   self.wait_fps(bob, "alice@localhost", BACK_WITHIN, since=rebound))
        print("video back at >= %d fps at both ends %.1f s after the rebinding"
              % (MIN_FPS, back - rebound))
        return back

    def assert_same_call(self, alice, bob):
        """One session, one ring, nobody closed or failed along the way."""
        alice.stop()
        bob.next_event("call-end")
        bob.stop()
        self.assertEqual(len(bob.events_named("call")), 1)
        sessions = {e["session"] for e in alice.events + bob.events if "session" in e}
        self.assertEqual(len(sessions), 1, sessions)
        for process, other in ((alice, "bob@localhost"), (bob, "alice@localhost")):
            states = [e["state"] for e in process.events_named("peer-connection-state-changed")
                      if e["user"] == other]
            self.assertEqual(states.count("new"), 1, states)
            self.assertNotIn("closed", states[:-1], states)
            tracks = [e for e in process.events_named("received-video-track")
                      if e["user"] == other]
            self.assertGreaterEqual(len(tracks), 2, "no video from the new connection")

    def reconnect_states(self, process, user):
        return [e["state"] for e in process.events_named("reconnect") if e["user"] == user]

    def test_rebinding_repaired_by_the_impolite_side(self):
        alice, bob = self.start_call(alice_args=("--repair-delay", NEVER))
        self.rebind_and_wait(alice, bob)
        self.assert_same_call(alice, bob)
        # Bob saw his connection break and repaired it.
        self.assertEqual(self.reconnect_states(bob, "alice@localhost"),
                         ["reconnecting", "reconnected"])

    def test_rebinding_repaired_by_the_polite_side(self):
        alice, bob = self.start_call(bob_args=("--repair-delay", NEVER))
        self.rebind_and_wait(alice, bob)
        self.assert_same_call(alice, bob)
        self.assertEqual(self.reconnect_states(alice, "bob@localhost"),
                         ["reconnecting", "reconnected"])

    def test_rebinding_repaired_when_both_sides_start(self):
        alice, bob = self.start_call()
        self.rebind_and_wait(alice, bob)
        self.assert_same_call(alice, bob)
        for process, other in ((alice, "bob@localhost"), (bob, "alice@localhost")):
            self.assertEqual(self.reconnect_states(process, other)[-1:], ["reconnected"])

    def test_outage_longer_than_the_disconnect_timer_ends_the_call(self):
        timers = ("--disconnect-timeout", "8")
        alice, bob = self.start_call(alice_args=timers, bob_args=timers)
        self.link.cut(600)
        for process, other in ((alice, "bob@localhost"), (bob, "alice@localhost")):
            process.next_matching(
                lambda e: e["event"] == "peer-connection-state-changed" and e["user"] == other
                and e["state"] == "closed", "%s closed" % other, timeout=30)
            self.assertEqual(self.reconnect_states(process, other), ["reconnecting", "failed"])
        bob.next_event("call-end")


if __name__ == "__main__":
    unittest.main(verbosity=2)
