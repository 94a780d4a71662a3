"""Shared pieces of the tests that drive real quartet-cli processes.

Each test class starts its own XMPP server (tests/harness/xmpp_server.py: a
Prosody, or an ejabberd with QUARTET_TEST_SERVER=ejabberd); the
CLI binary comes from $QUARTET_CLI (set by meson).
"""
import ctypes
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness"))
from xmpp_server import xmpp_server  # noqa: E402
from suite_logs import keep_log  # noqa: E402

CLI = os.environ.get("QUARTET_CLI", "quartet-cli")


def with_test_support(env=None):
    """The environment for a Quartet program under test: @env (default: ours)
    with tests/support's module preloaded, which keeps GStreamer's own
    criticals from being fatal under G_DEBUG=fatal-criticals."""
    env = dict(os.environ if env is None else env)
    preload = os.environ.get("QUARTET_TEST_PRELOAD")
    if preload:
        env["LD_PRELOAD"] = " ".join(filter(None, [env.get("LD_PRELOAD"), preload]))
    return env

# Looked up once here: the child may only call it (a lookup after fork, with
# other threads running, could wait forever on a lock the fork copied held).
try:
    _PRCTL = ctypes.CDLL(None, use_errno=True).prctl
except Exception:  # not Linux: tearDown still stops every process
    _PRCTL = None


def die_with_parent():
    """preexec_fn: the kernel SIGKILLs the child when the test process dies,
    so a test killed by a signal (no tearDown) leaves no program behind."""
    if _PRCTL is not None:
        _PRCTL(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
TIMEOUT = 30
CALL_TIMEOUT = 120  # a whole call: ringing, the answer timeout, hang-up, sign-out

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3
EXIT_AUTHENTICATION, EXIT_CERTIFICATE = 4, 5


class CliProcess:
    """A `quartet-cli COMMAND --json` process whose events we read line by line.
    Its stderr is read all along (a full pipe would stall it) and, with
    everything it printed, kept as a log of the suite once it has ended."""

    def __init__(self, command, args, env=None, stdin=False):
        """@env: variables to set for it, on top of ours. @stdin: a pipe to
        send() lines to (else none)."""
        self.process = subprocess.Popen([CLI, command, "--json"] + args,
                                        stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, preexec_fn=die_with_parent,
                                        env=with_test_support(dict(os.environ, **(env or {}))))
        self.events = []
        self._lines = []
        self._stderr = []
        self._stderr_reader = threading.Thread(
            target=lambda: self._stderr.extend(self.process.stderr), daemon=True)
        self._stderr_reader.start()
        self._kept = False

    def send(self, line):
        """One line on its stdin (a video source, with --video-commands)."""
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def stderr_text(self):
        """What it printed on stderr so far; all of it once it has ended."""
        if self.process.poll() is not None:
            self._stderr_reader.join(TIMEOUT)
        return "".join(self._stderr)

    def _parse(self, line):
        self._lines.append(line)
        try:
            return json.loads(line)
        except ValueError:
            raise AssertionError("%s printed %r, not JSON; stderr: %s" % (
                self.process.args[1], line[:300], self.stderr_text()[-3000:]))

    def _keep_log(self):
        if not self._kept:
            self._kept = True
            keep_log("quartet-cli-" + self.process.args[1],
                     "".join(self._lines) + "--- stderr ---\n" + self.stderr_text())

    def next_event(self, name):
        return self.next_matching(lambda event: event["event"] == name, repr(name))

    def next_matching(self, predicate, what, timeout=TIMEOUT):
        """Reads events until one satisfies @predicate; returns it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise AssertionError("process exited (%s) before %s: %s" % (
                    self.process.wait(), what, self.stderr_text()))
            event = self._parse(line)
            self.events.append(event)
            if predicate(event):
                return event
        raise AssertionError("no %s within %d s; the last event: %s" % (
            what, timeout, self.events[-1] if self.events else None))

    def events_named(self, name):
        return [e for e in self.events if e["event"] == name]

    def read_all(self, timeout=CALL_TIMEOUT):
        """Reads events until the process exits; returns its exit code.
        A process still running after @timeout is killed and the test fails
        with what it printed, rather than hanging the suite."""
        killer = threading.Timer(timeout, self.process.kill)
        killer.start()
        try:
            for line in self.process.stdout:
                self.events.append(self._parse(line))
            code = self.process.wait()
        finally:
            killer.cancel()
        self._keep_log()
        if code == -signal.SIGKILL:
            raise AssertionError("%s did not end within %d s; its events: %s\n%s" % (
                self.process.args[1], timeout, [e["event"] for e in self.events],
                self.stderr_text()[-4000:]))
        return code

    def stop(self):
        """SIGTERM (the program signs out cleanly); keeps the events it printed.
        The rest of stdout is read through the same buffer as next_matching()
        (communicate() would read the pipe beneath it and lose what that
        buffer already holds)."""
        if self.process.poll() is None:
            self.process.terminate()
        killer = threading.Timer(TIMEOUT, self.process.kill)
        killer.start()
        try:
            out = self.process.stdout.read()
            self.process.wait()
        finally:
            killer.cancel()
        for line in out.splitlines(keepends=True):
            self.events.append(self._parse(line))
        self._keep_log()
        return self.process.returncode, out, self.stderr_text()


class CliTestCase(unittest.TestCase):
    users = ["alice", "bob", "carol"]

    @classmethod
    def setUpClass(cls):
        cls.server = xmpp_server(users=cls.users, roster=True)
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
                                timeout=TIMEOUT, env=with_test_support())
        self.logs.append(result.stdout + result.stderr)
        keep_log("quartet-cli-" + (args[0] if args else "usage"), result.stdout + "--- stderr ---\n" + result.stderr)
        return result

    def json_lines(self, stdout):
        return [json.loads(line) for line in stdout.splitlines()]

    def assert_no_secret(self, text):
        for account in self.server.accounts:
            self.assertNotIn(account["password"], text)


