#!/usr/bin/python3
"""A call across a bad network: 5% loss and 100 ms delay each way, then the
link cut for 5 s and restored. Video must keep at least 15 frames a second
at both ends, before the cut and once the link is back.

Both sides are relay-only through a real coturn, and Bob reaches coturn only
through tests/harness/impaired_link.py, so every media packet between them
crosses the bad link (see that file for why it is not netem). The call must
stay watchable (NACK and keyframe requests repair the loss) and come back
by itself after the cut, in the same session: nobody calls again.
"""
import os
import statistics
import time
import unittest

from test_call import BLUE, RED

from impaired_link import ImpairedLink
from test_relay import RelayCallTestCase

LOSS, DELAY = 0.05, 0.100
CUT_SECONDS = 5
MIN_FPS = 15
WATCHED_SECONDS = 10
DISCONNECT_TIMEOUT = 20  # longer than the cut: the call must wait for the link


def video_stats(user):
    return lambda e: e["event"] == "stats" and e["user"] == user


@unittest.skipIf(os.environ.get("QUARTET_SANITIZED"),
                 "frame rates under the sanitizers measure AddressSanitizer, not the network")
class BadNetworkTest(RelayCallTestCase):
    def fps_from(self, process, user, since, seconds):
        """The frame rates of @user in the first @seconds stats that @process
        measured after the monotonic time @since. Events are read as they
        were printed, so older ones, still in the pipe, are skipped."""
        samples = []
        while len(samples) < seconds:
            stats = process.next_matching(video_stats(user), "stats of %s" % user)
            if stats["mono_ms"] >= since * 1000:
                samples.append(stats["fps"])
        return samples

    def wait_fps(self, process, user, fps, timeout, since=0.0):
        """The monotonic time of the first stats after @since with >= @fps."""
        stats = process.next_matching(
            lambda e: video_stats(user)(e) and e["mono_ms"] >= since * 1000 and e["fps"] >= fps,
            "%s at %d fps" % (user, fps), timeout=timeout)
        return stats["mono_ms"] / 1000

    def test_lossy_slow_link_then_a_cut(self):
        link = ImpairedLink((self.turn.host, self.turn.port), loss=LOSS, delay=DELAY)
        self.addCleanup(link.close)
        name, password = self.turn.credentials("bob")
        timers = ["--disconnect-timeout", str(DISCONNECT_TIMEOUT)]
        bob = self.bot(1, BLUE, "--auto-answer", "--relay-only", *timers,
                       "--turn", "turn://%s:%d?transport=udp" % (link.host, link.port),
                       "--turn-user", name, "--turn-password", password)
        alice = self.caller([1], RED, "--duration", "600", "--relay-only", *timers)
        alice_jid, bob_jid = self.account(0)["jid"], self.account(1)["jid"]

        # Through the bad link, once the picture is there: the same ten
        # seconds at both ends.
        self.wait_fps(alice, bob_jid, MIN_FPS, timeout=60)
        self.wait_fps(bob, alice_jid, MIN_FPS, timeout=30)
        watched = time.monotonic()
        at_alice = self.fps_from(alice, bob_jid, watched, WATCHED_SECONDS)
        at_bob = self.fps_from(bob, alice_jid, watched, WATCHED_SECONDS)
        lost_before_cut = link.dropped

        link.cut(CUT_SECONDS)
        cut = time.monotonic()
        # Back by itself: same session, no new call.
        restored = cut + CUT_SECONDS
        back = max(self.wait_fps(alice, bob_jid, MIN_FPS, timeout=CUT_SECONDS + 20, since=restored),
                   self.wait_fps(bob, alice_jid, MIN_FPS, timeout=20, since=restored))
        after_alice = self.fps_from(alice, bob_jid, back, 5)
        after_bob = self.fps_from(bob, alice_jid, back, 5)

        alice.stop()
        bob.next_event("call-end")
        bob.stop()
        print("median fps before the cut %.1f at Alice, %.1f at Bob; after it %.1f, %.1f" % tuple(
            statistics.median(f) for f in (at_alice, at_bob, after_alice, after_bob)))
        print("fps at Alice %s, at Bob %s; %d datagrams lost before the cut of %d forwarded; "
              "back at %d fps %.1f s after the link came back (%s / %s)" % (
                  at_alice, at_bob, lost_before_cut, link.forwarded, MIN_FPS, back - restored,
                  after_alice, after_bob))

        # Frames decoded per second over each window, at both ends: NACKed
        # packets must come back in time (the RTCP feedback interval, the
        # video jitter buffers' 500 ms), or every loss freezes the picture
        # until a keyframe (medians of 10-20 fps before those changes).
        for where, samples in (("Alice, before the cut", at_alice), ("Bob, before the cut", at_bob),
                               ("Alice, after it", after_alice), ("Bob, after it", after_bob)):
            self.assertGreaterEqual(statistics.mean(samples), MIN_FPS, "%s: %s" % (where, samples))
        self.assertGreater(lost_before_cut, 0)  # the link really was lossy
        self.assertEqual(len(bob.events_named("call")), 1)
        self.assertEqual(len(alice.events_named("call-end")), 1)
        sessions = {e["session"] for e in alice.events + bob.events if "session" in e}
        self.assertEqual(len(sessions), 1, sessions)
        for process, other in ((alice, bob_jid), (bob, alice_jid)):
            states = [e["state"] for e in process.events_named("peer-connection-state-changed")
                      if e["user"] == other]
            self.assertNotIn("failed", states)
            self.assertNotIn("closed", states[:-1])


if __name__ == "__main__":
    unittest.main(verbosity=2)
