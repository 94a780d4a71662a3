#!/usr/bin/python3
"""What a call sounds like, measured: echo cancellation in a simulated room.

Two quartet-cli peers on a real Prosody talk with synthesised voices
(espeak-ng) in turns; Alice's "microphone" also hears her speaker through a
room (80 ms, 6 dB down, a short reverberation: `--room`). Bob measures,
second by second, how loud Alice's audio is while only he talks (his own
voice coming back: the echo), while both talk, and while she talks alone;
the same with her echo canceller switched off is the baseline
(tests/harness/voices.py). bench/audio.py prints the same figures.
"""
import os
import sys
import threading
import unittest

from quartet_cli_test import CliProcess, CliTestCase, EXIT_OK
import voices

os.environ.setdefault("QUARTET_AUDIO_SINK", "fake")
SANITIZED = bool(os.environ.get("QUARTET_SANITIZED"))
# From the canceller's second round on (voices.CONVERGED_SECONDS), about
# twenty seconds of Bob alone: the median of a dozen still swung by 6 dB
# from run to run (bench/RESULTS.md, "audio").
CALL_SECONDS = 90

ERLE_FLOOR_DB = 20
VOICE_KEPT_DB = 3
DOUBLE_TALK_DB = 6


@unittest.skipIf(voices.missing(), voices.missing() or "")
class EchoTest(CliTestCase):
    users = ["alice", "bob", "carol", "dave"]

    def echo_call(self, caller, callee, echo_cancellation, results):
        bob = CliProcess("listen", self.account_args(callee) + voices.echo_args("bob")
                         + ["--auto-answer"])
        try:
            bob.next_event("roster")
            alice = CliProcess("call", self.account_args(caller)
                               + voices.echo_args("alice", echo_cancellation)
                               + ["--audio-only", "--duration", str(CALL_SECONDS),
                                  self.account(callee)["jid"]])
            code = alice.read_all()
        finally:
            bob.stop()
        offset = voices.wall_minus_monotonic_ms()
        after = voices.CONVERGED_SECONDS * 1000
        results[echo_cancellation] = (code, alice.stderr_text(), voices.echo_figures(
            voices.levels_by_turn(bob.events, self.account(caller)["jid"], offset,
                                  voices.ECHO_TURNS, after),
            voices.levels_by_turn(alice.events, self.account(callee)["jid"], offset,
                                  voices.ECHO_TURNS, after)))

    def test_echo_cancelled_and_voices_kept(self):
        # Both at once, on two pairs of accounts: the same machine load.
        results = {}
        calls = [threading.Thread(target=self.echo_call, args=(0, 1, True, results)),
                 threading.Thread(target=self.echo_call, args=(2, 3, False, results))]
        for call in calls:
            call.start()
        for call in calls:
            call.join()
        for cancelling in (True, False):
            code, stderr, figures = results[cancelling]
            self.assertEqual(code, EXIT_OK, stderr)
            self.assertNotIn(None, figures.values(), figures)
        on, off = results[True][2], results[False][2]
        report = "with the echo canceller %s, without %s" % (
            {k: round(v, 1) for k, v in on.items()}, {k: round(v, 1) for k, v in off.items()})
        print(report, file=sys.stderr)

        # Bob's voice comes back at least 20 dB weaker...
        self.assertGreaterEqual(off["echo"] - on["echo"], ERLE_FLOOR_DB, report)
        # ... and Alice's own voice is as loud as without the canceller.
        self.assertLess(abs(on["alice_alone"] - off["alice_alone"]), VOICE_KEPT_DB, report)
        # Both talking, neither is cut out: Alice still reaches Bob, and
        # Bob reaches Alice as when he talks alone.
        self.assertGreater(on["alice_double"], on["alice_alone"] - DOUBLE_TALK_DB, report)
        self.assertLess(abs(on["bob_double"] - on["bob_alone"]), VOICE_KEPT_DB, report)


if __name__ == "__main__":
    unittest.main(verbosity=2)
