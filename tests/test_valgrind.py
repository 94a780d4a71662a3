#!/usr/bin/python3
"""release() is valgrind-clean: real calls whose caller runs under
valgrind's memcheck, hangs up, releases the engine and signs out: a 2-party
video call, and a 4-party call (three peer connections torn down at once;
audio only, so that the caller under valgrind keeps up with three streams).

Only definite leaks and memory errors fail the test (GLib, GStreamer and
their plugins keep type and registry data for the life of the process);
tests/valgrind.supp names the few library-internal reports that are not ours.
"""
import os
import shutil
import subprocess
import unittest

from quartet_cli_test import CLI, with_test_support
from test_call import BLUE, PATTERN, RED, CallTestCase

SUPPRESSIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "valgrind.supp")


@unittest.skipIf(os.environ.get("QUARTET_SANITIZED"), "valgrind cannot run sanitized binaries")
@unittest.skipUnless(shutil.which("valgrind"), "valgrind is not installed")
class ValgrindTest(CallTestCase):
    users = ["alice", "bob", "carol", "dave"]

    def call_under_valgrind(self, callees, *options):
        jids = [self.account(i)["jid"] for i in callees]
        command = ["valgrind", "--error-exitcode=99", "--leak-check=full",
                   "--errors-for-leak-kinds=definite", "--show-leak-kinds=definite",
                   "--suppressions=" + SUPPRESSIONS, "--num-callers=40",
                   CLI, "call", "--json", *self.account_args(0),
                   "--video", PATTERN[RED], "--no-voice-processing", "--duration", "3",
                   "--disconnect-timeout", "60", "--login-timeout", "120", *options, *jids]
        env = with_test_support(dict(os.environ, G_SLICE="always-malloc", GST_REGISTRY_UPDATE="no"))
        result = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env)
        summary = [line for line in result.stderr.splitlines()
                   if "definitely lost" in line or "ERROR SUMMARY" in line]
        print("\n".join(summary))
        self.assertEqual(result.returncode, 0, result.stderr[-6000:])
        accepted = result.stdout.replace(" ", "").count('"event":"accept"')
        self.assertEqual(accepted, len(callees), result.stdout[-3000:])
        self.assertIn("ERROR SUMMARY: 0 errors", result.stderr)

    def test_release_after_a_call_is_clean(self):
        bob = self.bot(1, BLUE, "--auto-answer")
        self.call_under_valgrind([1])
        bob.stop()

    def test_release_after_a_four_party_call_is_clean(self):
        bots = [self.bot(i, colour, "--auto-answer") for i, colour in ((1, BLUE), (2, BLUE), (3, BLUE))]
        self.call_under_valgrind([1, 2, 3], "--audio-only")
        for bot in bots:
            bot.stop()

if __name__ == "__main__":
    unittest.main(verbosity=2)
