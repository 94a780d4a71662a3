#!/usr/bin/python3
"""Faults in the middle of a real call: a participant dies, the server
restarts. The rest of the call must go on.

A SIGKILLed peer sends nothing more: the others notice the silence of its
media (QuartetPeer's liveness check), show it DISCONNECTED, and close it
after the disconnect timeout, while their own connection carries on.
"""
import signal
import time
import unittest

from quartet_cli_test import EXIT_OK
from test_call import BLUE, GREEN, RED, CallTestCase

DISCONNECT_TIMEOUT = 5
# These tests are about video going on, not its rate (test_call.py checks
# that): 20 fps leaves room for a loaded machine.
FLUENT_FPS = 20


def stats_for(user, min_fps):
    return lambda e: e["event"] == "stats" and e["user"] == user and e["fps"] >= min_fps


def state_of(user, state):
    return lambda e: (e["event"] == "peer-connection-state-changed" and e["user"] == user
                      and e["state"] == state)


class FaultTest(CallTestCase):
    users = ["alice", "bob", "carol"]

    def start_call(self, callees, colours):
        timers = ["--disconnect-timeout", str(DISCONNECT_TIMEOUT)]
        bots = [self.bot(i, colour, "--auto-answer", *timers)
                for i, colour in zip(callees, colours)]
        alice = self.caller(callees, RED, "--duration", "60", *timers)
        return alice, bots

    def wait_fluent(self, process, user, what):
        process.next_matching(stats_for(user, FLUENT_FPS),
                              "%s receiving %s at %d fps" % (what, user, FLUENT_FPS))

    def test_killed_participant_leaves_only_its_tile(self):
        alice, (bob, carol) = self.start_call([1, 2], [BLUE, GREEN])
        for process, me in ((alice, "alice"), (bob, "bob"), (carol, "carol")):
            for other in ("alice", "bob", "carol"):
                if other != me:
                    self.wait_fluent(process, other + "@localhost", me)

        carol.process.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        for process in (alice, bob):
            process.next_matching(state_of("carol@localhost", "disconnected"),
                                  "carol DISCONNECTED", timeout=DISCONNECT_TIMEOUT + 25)
            process.next_matching(state_of("carol@localhost", "closed"), "carol CLOSED",
                                  timeout=DISCONNECT_TIMEOUT + 10)
        elapsed = time.monotonic() - killed
        self.assertLess(elapsed, DISCONNECT_TIMEOUT + 30)

        # Alice and Bob still see each other, at full rate, in the same call.
        self.wait_fluent(alice, "bob@localhost", "alice after carol died")
        self.wait_fluent(bob, "alice@localhost", "bob after carol died")
        for process in (alice, bob):
            self.assertEqual(process.events_named("call-end"), [])

    def test_server_restart_keeps_media_and_signaling(self):
        alice, (bob,) = self.start_call([1], [BLUE])
        self.wait_fluent(alice, "bob@localhost", "alice")
        self.wait_fluent(bob, "alice@localhost", "bob")

        self.server.restart()
        restarted = time.monotonic()
        # Media is peer to peer: it never stops.
        self.wait_fluent(alice, "bob@localhost", "alice during the restart")
        for process in (alice, bob):
            process.next_event("reconnected")
            self.assertLess(time.monotonic() - restarted, 10 + 5)
        self.wait_fluent(bob, "alice@localhost", "bob after the restart")

        # Signaling works again: Alice's hang-up reaches Bob.
        alice.process.send_signal(signal.SIGTERM)
        self.assertEqual(alice.read_all(), EXIT_OK, alice.stderr_text())
        bob.next_matching(lambda e: e["event"] == "hang-up" and e["user"] == "alice@localhost",
                          "alice's hang-up")
        bob.next_event("call-end")


if __name__ == "__main__":
    unittest.main(verbosity=2)
