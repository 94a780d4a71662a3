#!/usr/bin/python3
"""Throwaway coturn TURN server on loopback for Quartet's relay tests.

Time-limited credentials (the TURN REST scheme, `use-auth-secret`): Prosody's
mod_turn_external hands them out through XEP-0215 with the same secret.

    with Coturn() as turn:
        Prosody(turn=turn.server_options())
"""
import base64
import hashlib
import hmac
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time

from xmpp_server import HOST, _free_ports, _pdeathsig, _tail
from suite_logs import keep_log, keep_secret

START_TIMEOUT = 10.0


class Coturn:
    def __init__(self, secret=None):
        self.secret = secret or secrets.token_hex(16)
        keep_secret(self.secret)
        self.host = HOST
        self.port = None
        self.dir = None
        self.log_file = None
        self._proc = None

    @staticmethod
    def available():
        return shutil.which("turnserver") is not None

    def start(self):
        self.dir = tempfile.mkdtemp(prefix="quartet-coturn-")
        self.log_file = os.path.join(self.dir, "turnserver.log")
        self.port = _free_ports(1)[0]  # free for both UDP and TCP
        self._launch()
        return self

    def restart(self):
        """Stops the server and starts it again on the same port: every
        allocation, permission and channel it held is gone."""
        self._stop()
        self._launch()

    def _launch(self):
        relay_min = 49152 + (os.getpid() * 37) % 10000
        self._proc = subprocess.Popen(
            ["turnserver", "-n", "--listening-ip", HOST, "--relay-ip", HOST,
             "--listening-port", str(self.port), "--min-port", str(relay_min),
             "--max-port", str(relay_min + 500),
             "--use-auth-secret", "--static-auth-secret", self.secret,
             "--realm", "quartet.test", "--allow-loopback-peers", "--no-cli",
             "--no-tls", "--no-dtls", "--no-tcp-relay", "--no-multicast-peers",
             "--pidfile", os.path.join(self.dir, "turnserver.pid"),
             "--log-file", self.log_file, "--simple-log", "--verbose",
             "--fingerprint", "--no-software-attribute",
             "--db", os.path.join(self.dir, "turndb")],
            cwd=self.dir, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_pdeathsig)
        deadline = time.monotonic() + START_TIMEOUT
        while not self._answers():
            if self._proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError("turnserver did not start\n" + _tail(self.log_file))
            time.sleep(0.05)

    def _answers(self):
        """True once a STUN binding request gets a response on the port."""
        request = (b"\x00\x01\x00\x00\x21\x12\xa4\x42" + secrets.token_bytes(12))
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(0.2)
            try:
                s.sendto(request, (HOST, self.port))
                data = s.recv(2048)
                return data[:2] == b"\x01\x01"
            except OSError:
                return False

    def log(self):
        try:
            with open(self.log_file, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def relayed_bytes(self):
        """Bytes coturn relayed in sessions that ended, from its usage lines."""
        return sum(int(m) for m in re.findall(r"\brb=(\d+)", self.log()))

    def allocations(self):
        return len(re.findall(r"ALLOCATE processed, success", self.log()))

    def password_for(self, name):
        """The password of the user @name under the TURN REST scheme: base64
        of an HMAC-SHA1 of the name with the shared secret."""
        digest = hmac.new(self.secret.encode(), name.encode(), hashlib.sha1).digest()
        return base64.b64encode(digest).decode()

    def credentials(self, user, lifetime=3600):
        """What Prosody's mod_turn_external hands out: the expiry in the name."""
        name = "%d:%s" % (time.time() + lifetime, user)
        return name, self.password_for(name)

    def server_options(self):
        return {"host": self.host, "port": self.port, "secret": self.secret}

    def _stop(self):
        if self._proc is not None and self._proc.poll() is None:
            os.killpg(self._proc.pid, signal.SIGTERM)
            try:
                self._proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self._proc.pid, signal.SIGKILL)
                self._proc.wait()
        self._proc = None

    def close(self):
        self._stop()
        keep_log("coturn", self.log())
        if self.dir and os.environ.get("QUARTET_KEEP_HARNESS") != "1":
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()
