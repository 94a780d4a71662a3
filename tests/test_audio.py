#!/usr/bin/python3
"""What a call sounds like, measured: echo cancellation in a simulated room,
and speech over a lossy link.

Two quartet-cli peers on a real Prosody talk with synthesised voices
(espeak-ng) in turns; Alice's "microphone" also hears her speaker through a
room (80 ms, 6 dB down, a short reverberation: `--room`). Bob measures,
second by second, how loud Alice's audio is while only he talks (his own
voice coming back: the echo), while both talk, and while she talks alone;
the same with her echo canceller switched off is the baseline
(tests/harness/voices.py). bench/audio.py prints the same figures.

And speech over a lossy link: Alice's voice reaches Bob through a relay
that drops 5 or 15 % of the datagrams each way; Opus's in-band FEC and
concealment must keep it close to the same voice received without loss
(tests/harness/speech_quality.py), with next to nothing lost to
drop-outs.
"""
import os
import sys
import threading
import unittest

from quartet_cli_test import CliProcess, CliTestCase, EXIT_OK
from test_relay import WithTurnServer
from coturn import Coturn
from impaired_link import ImpairedLink
import speech_quality
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
        if SANITIZED:
            # Under the sanitizers the canceller's delay estimate suffers
            # from the slowed threads: ERLE 20.8 dB and Alice 6.6 dB down
            # in double talk were seen, where the plain build measures
            # 22-30 and -0.9 to -2.7. The calls ran sanitized; the figures
            # are asserted in the unsanitized run.
            self.skipTest("timing-sensitive figures: asserted in the unsanitized run")

        # Bob's voice comes back at least 20 dB weaker...
        self.assertGreaterEqual(off["echo"] - on["echo"], ERLE_FLOOR_DB, report)
        # ... and Alice's own voice is not weakened by the canceller. It
        # comes out louder instead (+0.8 to +3.8 dB measured, the most on a
        # loaded machine): without the canceller, her microphone's echo of
        # Bob is also heard by webrtcdsp's gain control, which turns the
        # whole microphone down for it.
        self.assertGreater(on["alice_alone"], off["alice_alone"] - VOICE_KEPT_DB, report)
        # Both talking, neither is cut out: Alice still reaches Bob, and
        # Bob reaches Alice as when he talks alone.
        self.assertGreater(on["alice_double"], on["alice_alone"] - DOUBLE_TALK_DB, report)
        self.assertLess(abs(on["bob_double"] - on["bob_alone"]), VOICE_KEPT_DB, report)


# Speech over a bad link, against the same voice received over a good one
# (bench/RESULTS.md, "speech over loss"): the log-spectral distance (dB,
# the mean over the speech's frames), the share of the speech lost in
# drop-outs and the longest drop-out. Measured with FEC and concealment:
# 1.6-2.0 dB, 0.1-0.2 % and 10-40 ms at 5 %; 3.2-3.6 dB, 1.0-2.2 % and
# 40-80 ms at 15 % (bursts of three lost packets come there); with
# neither, 2.0 dB and 2 %, 5.3 dB and 10 %: the drop-outs tell them apart.
# Jitter: every datagram up to 60 ms late, reordered (0.4 dB, no
# drop-out). The audio jitter buffer waits 20 ms on a steady link
# (quartet-playout-delay.c); one that did not follow the jitter would
# lose most packets here.
LOSS_SECONDS = 40
# (loss, jitter in seconds): the highest LSD, the largest share dropped
# out, the longest drop-out in ms (the goal at 5 %: 60 ms)
BAD_LINKS = {
    (0.05, 0): (3.0, 0.015, 60),
    (0.15, 0): (5.0, 0.05, None),
    (0, 0.06): (2.0, 0.015, 60),
}


@unittest.skipIf(voices.missing(), voices.missing() or "")
class RecordingTest(CliTestCase):
    users = ["alice", "bob"]

    def test_what_is_heard_is_recorded_to_a_whole_wav_file(self):
        recording = os.path.join(self.tmp.name, "heard.wav")
        bob = CliProcess("listen", self.account_args(1) + voices.loss_args("bob", recording)
                         + ["--auto-answer"])
        try:
            bob.next_event("roster")
            alice = CliProcess("call", self.account_args(0) + voices.loss_args("alice")
                               + ["--audio-only", "--duration", "4", self.account(1)["jid"]])
            self.assertEqual(alice.read_all(), EXIT_OK, alice.stderr_text())
            bob.next_event("call-end")
        finally:
            bob.stop()
        # The header has the length (the recorder was ended, not cut off),
        # and what it holds is Alice's voice, for most of the call.
        samples = speech_quality.read_wav(recording)
        self.assertGreater(len(samples), 3.5 * speech_quality.RATE)
        levels = speech_quality.levels_db(samples, speech_quality.RATE // 2)
        self.assertGreater(sum(level > speech_quality.SPEECH_DB for level in levels), 4, levels)


@unittest.skipIf(voices.missing(), voices.missing() or "")
@unittest.skipUnless(Coturn.available(), "coturn is not installed (apt-get install coturn)")
# Under the sanitizers the processes run two to three times slower and the
# voices stall: drop-outs of 280-350 ms at both losses, which the measure
# cannot tell from loss. Their memory is checked by RecordingTest there.
@unittest.skipIf(SANITIZED, "timing-sensitive: measured in the unsanitized run")
class LossTest(WithTurnServer, CliTestCase):
    users = ["alice", "bob"]

    def heard(self, loss, jitter=0):
        """What Bob recorded of Alice's voice over a link losing @loss of
        its datagrams each way and delaying each by up to @jitter seconds
        (Bob reaches the relay through it)."""
        recording = os.path.join(self.tmp.name, "heard-at-%g-%g.wav" % (loss, jitter))
        name, password = self.turn.credentials("bob")
        with ImpairedLink((self.turn.host, self.turn.port), loss=loss, jitter=jitter) as link:
            bob = CliProcess("listen", self.account_args(1) + voices.loss_args("bob", recording)
                             + ["--auto-answer", "--relay-only",
                                "--turn", "turn://%s:%d?transport=udp" % (link.host, link.port),
                                "--turn-user", name, "--turn-password", password])
            try:
                bob.next_event("roster")
                alice = CliProcess("call", self.account_args(0) + voices.loss_args("alice")
                                   + ["--audio-only", "--relay-only",
                                      "--duration", str(LOSS_SECONDS),
                                      self.account(1)["jid"]])
                self.assertEqual(alice.read_all(), EXIT_OK, alice.stderr_text())
                bob.next_event("call-end")
            finally:
                bob.stop()
            # The link did lose what it was asked to.
            self.assertAlmostEqual(link.dropped / (link.dropped + link.forwarded), loss,
                                   delta=0.02)
        return recording

    def test_speech_survives_loss_and_jitter(self):
        # One call after the other: at once, they took the machine from
        # under the voices (bench/audio.py).
        clean = self.heard(0.0)
        figures = {link: speech_quality.compare(clean, self.heard(*link)) for link in BAD_LINKS}
        report = ", ".join("%g %% loss, %g ms jitter: %s" % (loss * 100, jitter * 1000, f)
                           for (loss, jitter), f in figures.items())
        print(report, file=sys.stderr)

        for link, at in figures.items():
            highest_lsd, most_dropped_out, longest_gap_ms = BAD_LINKS[link]
            # Most of the call was speech that could be compared.
            self.assertGreater(at["speech_seconds"], LOSS_SECONDS / 2, report)
            self.assertLessEqual(at["lsd_db"], highest_lsd, report)
            self.assertLessEqual(at["dropped_out"], most_dropped_out, report)
            if longest_gap_ms is not None:
                self.assertLessEqual(at["longest_gap_ms"], longest_gap_ms, report)


if __name__ == "__main__":
    unittest.main(verbosity=2)
