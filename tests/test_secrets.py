#!/usr/bin/python3
"""No secret in any log the suite wrote.

The harnesses record every password, TURN secret, QuickBlox auth secret and
session token they make up (tests/harness/suite_logs.py), and keep what
every quartet-cli process printed (stdout with --json and stderr) and the
servers' logs. This test runs last in the suite and greps all of those for
all of these; then it clears them for the next run.
"""
import glob
import os
import shutil
import unittest

LOG_DIR = os.environ.get("QUARTET_TEST_LOG_DIR")
# A suite run keeps far more than this; fewer means the logs were not kept.
MIN_LOGS, MIN_SECRETS = 20, 10


class SecretsTest(unittest.TestCase):
    def test_no_secret_in_any_log(self):
        logs = sorted(glob.glob(os.path.join(LOG_DIR or "/nonexistent", "logs", "*.log")))
        secrets = set()
        for path in glob.glob(os.path.join(LOG_DIR or "/nonexistent", "secrets", "*")):
            with open(path) as f:
                secrets.update(line.strip() for line in f if line.strip())
        if not logs:
            self.skipTest("no logs kept: run the whole suite (meson test), this test runs last")
        self.assertGreaterEqual(len(logs), MIN_LOGS)
        self.assertGreaterEqual(len(secrets), MIN_SECRETS)

        leaks = []
        for path in logs:
            with open(path, errors="replace") as f:
                text = f.read()
            # Name the log and the secret's length, never the secret itself.
            leaks += ["%s holds a %d-character secret" % (os.path.basename(path), len(s))
                      for s in secrets if s in text]
        print("%d logs, %d secrets" % (len(logs), len(secrets)))
        self.assertEqual(leaks, [])
        shutil.rmtree(os.path.join(LOG_DIR, "logs"))
        shutil.rmtree(os.path.join(LOG_DIR, "secrets"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
