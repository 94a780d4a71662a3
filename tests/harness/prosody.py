#!/usr/bin/python3
"""Throwaway Prosody XMPP server for Quartet's integration tests and demo.

Everything (config, data, certificate, logs, pidfile) lives in one temp dir
that is removed on close().  See README.md in this directory.

    with Prosody(users=["alice", "bob"], roster=True) as srv:
        connect(srv.host, srv.c2s_port, srv.cafile, srv.accounts[0])
"""
import argparse
import atexit
import ctypes
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time

from suite_logs import keep_log, keep_secret

DEFAULT_NAMES = ["alice", "bob", "carol", "dave", "eve", "frank", "grace",
                 "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy"]
HOST = "127.0.0.1"
START_TIMEOUT = 20.0
STOP_TIMEOUT = 5.0


def _lua_str(s):
    """Quote a string as a Lua literal (non-printable bytes as \\ddd)."""
    return '"' + "".join(chr(b) if 32 <= b < 127 and b not in (34, 92) else "\\%03d" % b
                         for b in s.encode()) + '"'


def _dm_encode(s):
    """Prosody util.datamanager path encoding: every non-alnum byte -> %xx."""
    return "".join(chr(b) if chr(b).isalnum() and b < 128 else "%%%02x" % b
                   for b in s.encode())


def _free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    try:  # keep all bound until done so we never get the same port twice
        for s in socks:
            s.bind((HOST, 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def _pdeathsig():
    # Runs in the child between fork and exec (after setsid): have the kernel
    # SIGKILL prosody when the thread that started it dies, so even a SIGKILLed
    # harness leaves no server behind.  Call start() from a long-lived thread.
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def _tail(path, n=30):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return ""


def make_certificate(key_path, cert_path, names):
    """A fresh self-signed EC P-256 certificate (its own CA) for @names and
    127.0.0.1; returns its SHA-256 fingerprint as `openssl x509 -fingerprint
    -sha256` prints it.  Also used by the QuickBlox stand-in (quickblox.py)."""
    san = ",".join(["DNS:" + n for n in names] + ["IP:127.0.0.1"])
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec",
         "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
         "-subj", "/CN=" + names[0], "-addext", "subjectAltName=" + san,
         "-keyout", key_path, "-out", cert_path],
        check=True, stdin=subprocess.DEVNULL, capture_output=True)
    with open(cert_path) as f:
        der = ssl.PEM_cert_to_DER_cert(f.read())
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


class Prosody:
    def __init__(self, users=None, accounts=3, domain="localhost",
                 require_tls=True, roster=False, turn=None):
        if users is None:
            users = DEFAULT_NAMES[:accounts] + [
                "user%d" % i for i in range(len(DEFAULT_NAMES), accounts)]
        # prosodyctl nodepreps (lowercases) usernames; mirror that in the JIDs.
        self.usernames = [u.lower() for u in users]
        self.domain = domain
        self.host = HOST
        self.require_tls = require_tls
        self.roster = roster
        self.turn = turn  # {"host", "port", "secret"}: XEP-0215 answers with TURN credentials
        self.debug = os.environ.get("QUARTET_HARNESS_DEBUG") == "1"
        self.dir = None
        self.log_file = None
        self.accounts = []
        self._proc = None
        self._closed = False

    @property
    def running(self):
        return self._proc is not None and self._proc.poll() is None

    def _p(self, *parts):
        return os.path.join(self.dir, *parts)

    # -- one-time setup -----------------------------------------------------
    def _setup(self):
        self.dir = tempfile.mkdtemp(prefix="quartet-prosody-")
        atexit.register(self.close)
        self.cafile = self._p("certs", "cert.pem")  # self-signed: it is its own CA
        self.config = self._p("prosody.cfg.lua")
        self.log_file = self._p("prosody.log")
        for d in ("certs", "data", "plugins"):
            os.mkdir(self._p(d))
        self.c2s_port, self.http_port = _free_ports(2)
        self._make_cert()
        self._write_config()
        self._register_accounts()
        if self.roster:
            self._write_rosters()

    def _make_cert(self):
        names = ["localhost"] + ([self.domain] if self.domain != "localhost" else [])
        self.fingerprint = make_certificate(self._p("certs", "key.pem"), self.cafile, names)

    def _write_config(self):
        q = _lua_str
        level = "debug" if self.debug else "info"
        tls = "true" if self.require_tls else "false"
        cfg = f"""-- Generated by tests/harness/prosody.py: throwaway test server.
run_as_root = true -- CI containers often run as root; harmless otherwise
pidfile = {q(self._p("prosody.pid"))}
data_path = {q(self._p("data"))}
certificates = {q(self._p("certs"))}
installer_plugin_path = {q(self._p("plugins"))} -- default is /var/lib/prosody/...
log = {{ {level} = {q(self.log_file)} }}

-- Loopback only; every service we do not use gets no ports at all.
interfaces = {{ "127.0.0.1" }}
local_interfaces = {{ "127.0.0.1" }}
c2s_ports = {{ {self.c2s_port} }}
c2s_direct_tls_ports = {{}}
legacy_ssl_ports = {{}}
s2s_ports = {{}}
http_ports = {{ {self.http_port} }}
http_interfaces = {{ "127.0.0.1" }}
https_ports = {{}}
https_interfaces = {{ "127.0.0.1" }}

c2s_require_encryption = {tls}
allow_unencrypted_plain_auth = {"false" if self.require_tls else "true"}
-- BOSH/websocket are plain HTTP on loopback: let clients authenticate there.
consider_bosh_secure = true
consider_websocket_secure = true

authentication = "internal_hashed"
storage = "internal"
-- mod_limits is deliberately not loaded: no rate limiting in tests.
modules_enabled = {{ "roster"; "saslauth"; "tls"; "disco"; "ping"; "smacks";
                    "bosh"; "websocket" }}
modules_disabled = {{ "s2s"; "s2s_auth_certs" }}

VirtualHost {q(self.domain)}
  ssl = {{ key = {q(self._p("certs", "key.pem"))}; certificate = {q(self.cafile)} }}
"""
        if self.turn:
            cfg += f"""  modules_enabled = {{ "turn_external" }}
  turn_external_host = {q(self.turn["host"])}
  turn_external_port = {int(self.turn["port"])}
  turn_external_secret = {q(self.turn["secret"])}
  turn_external_ttl = 3600
"""
        with open(self.config, "w") as f:
            f.write(cfg)

    def _register_accounts(self):
        procs = []
        for user in self.usernames:
            password = secrets.token_urlsafe(12)
            keep_secret(password)
            self.accounts.append({
                "jid": f"{user}@{self.domain}", "username": user, "password": password,
                "name": user.capitalize() if user.isalpha() else user})
            # Each user is its own file, so running prosodyctl in parallel is safe.
            procs.append((user, subprocess.Popen(
                ["prosodyctl", "--config", self.config, "register", user, self.domain, password],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                cwd=self.dir, text=True)))
        for user, p in procs:
            out = p.communicate()[0]
            if p.returncode != 0:
                raise RuntimeError(f"prosodyctl register {user} failed: {out}")

    def set_password(self, username, password):
        """Creates @username or gives it a new password, while the server runs
        (prosodyctl writes the account file that Prosody reads at each sign-in).
        The QuickBlox stand-in makes each session token the chat password so."""
        keep_secret(password)
        p = subprocess.run(
            ["prosodyctl", "--config", self.config, "register", username, self.domain, password],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            cwd=self.dir, text=True)
        if p.returncode != 0:
            raise RuntimeError(f"prosodyctl register {username} failed: {p.stdout}")

    def _write_rosters(self):
        """Make every account a mutual ('both') contact of every other one.

        Written in the shape core/rostermanager.lua keeps in the internal
        keyval store 'roster': contacts keyed by bare JID, metadata under
        [false]; groups is a set (group name -> true).
        """
        roster_dir = self._p("data", _dm_encode(self.domain), "roster")
        os.makedirs(roster_dir, exist_ok=True)
        for me in self.accounts:
            lines = ["return {", '\t[false] = { ["version"] = 1; ["pending"] = {}; };']
            for other in self.accounts:
                if other is not me:
                    lines.append(f'\t[{_lua_str(other["jid"])}] = {{ ["subscription"] = "both"; '
                                 f'["name"] = {_lua_str(other["name"])}; ["groups"] = {{}}; }};')
            lines.append("};\n")
            with open(os.path.join(roster_dir, _dm_encode(me["username"]) + ".dat"), "w") as f:
                f.write("\n".join(lines))

    # -- process control ----------------------------------------------------
    def start(self):
        if self._closed:
            raise RuntimeError("harness already closed")
        if self.dir is None:
            self._setup()
        if self.running:
            return
        # The log is appended to across restarts: only look at this run's part.
        log_start = os.path.getsize(self.log_file) if os.path.exists(self.log_file) else 0
        with open(self._p("prosody.stdout.log"), "ab") as out:
            self._proc = subprocess.Popen(
                ["prosody", "--config", self.config, "-F"], cwd=self.dir,
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True, preexec_fn=_pdeathsig)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self._proc.poll() is not None:
                self._fail(f"prosody exited with status {self._proc.returncode}")
            if self._xmpp_answers():
                return
            if b"Failed to open server port" in self._read_log(log_start):
                self._signal(signal.SIGKILL)
                self._fail("prosody could not bind its ports")
            if time.monotonic() > deadline:
                self._signal(signal.SIGKILL)
                self._fail(f"c2s port {self.c2s_port} not open after {START_TIMEOUT:.0f}s")
            time.sleep(0.02)

    def _xmpp_answers(self):
        """True once the c2s port answers a stream header like an XMPP server
        (a bare TCP connect could reach another program that took the port)."""
        header = ("<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                  "xmlns:stream='http://etherx.jabber.org/streams' version='1.0' "
                  f"to='{self.domain}'>").encode()
        try:
            with socket.create_connection((HOST, self.c2s_port), timeout=0.5) as s:
                s.sendall(header)
                data = b""
                while b"<stream:features" not in data:
                    chunk = s.recv(4096)
                    if not chunk:
                        return False
                    data += chunk
                return True
        except OSError:
            return False

    def _read_log(self, offset):
        try:
            with open(self.log_file, "rb") as f:
                f.seek(offset)
                return f.read()
        except OSError:  # not created yet
            return b""

    def _fail(self, why):
        raise RuntimeError(f"{why}\n--- prosody.log ---\n{_tail(self.log_file)}"
                           f"--- stdout ---\n{_tail(self._p('prosody.stdout.log'))}")

    def _signal(self, sig):
        if self._proc.poll() is None:  # never signal a reaped (reusable) pid
            try:
                os.killpg(self._proc.pid, sig)
            except ProcessLookupError:
                pass
        self._proc.wait()

    def stop(self):
        """Graceful stop (SIGTERM, SIGKILL after 5 s); data and ports are kept."""
        if self._proc is None:
            return
        if self._proc.poll() is None:
            os.killpg(self._proc.pid, signal.SIGTERM)
            try:
                self._proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
        self._proc = None

    def kill(self):
        """SIGKILL, to simulate a crash."""
        if self._proc is not None:
            self._signal(signal.SIGKILL)
            self._proc = None

    def restart(self):
        self.stop()
        self.start()

    def pause(self):
        """SIGSTOP: connections stay open and nothing is answered."""
        os.killpg(self._proc.pid, signal.SIGSTOP)

    def resume(self):
        os.killpg(self._proc.pid, signal.SIGCONT)

    def close(self):
        """Stop the server and remove the temp dir (kept if QUARTET_KEEP_HARNESS=1)."""
        self.stop()
        if self._closed:
            return
        self._closed = True
        atexit.unregister(self.close)
        if self.log_file and os.path.exists(self.log_file):
            with open(self.log_file, errors="replace") as f:
                keep_log("prosody", f.read())
        if self.dir and os.path.isdir(self.dir):
            if os.environ.get("QUARTET_KEEP_HARNESS") == "1":
                print(f"prosody harness: keeping {self.dir}", file=sys.stderr)
            else:
                shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()

    def info(self):
        return {"domain": self.domain, "host": self.host, "c2s_port": self.c2s_port,
                "http_port": self.http_port, "cafile": self.cafile,
                "fingerprint": self.fingerprint, "dir": self.dir, "accounts": self.accounts}


def _emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main(argv=None):
    ap = argparse.ArgumentParser(description="Run a throwaway Prosody for tests.")
    who = ap.add_mutually_exclusive_group()
    who.add_argument("--accounts", type=int, default=3, metavar="N")
    who.add_argument("--users", help="comma-separated usernames, e.g. alice,bob,4242-97")
    ap.add_argument("--no-tls", action="store_true", help="do not require TLS")
    ap.add_argument("--roster", action="store_true", help="make all accounts mutual contacts")
    ap.add_argument("--domain", default="localhost")
    ap.add_argument("--wait", action="store_true", help="block until SIGTERM/SIGINT")
    args = ap.parse_args(argv)

    def on_signal(signum, _frame):
        raise SystemExit(0)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)

    users = [u for u in args.users.split(",") if u] if args.users else None
    srv = Prosody(users=users, accounts=args.accounts, domain=args.domain,
                  require_tls=not args.no_tls, roster=args.roster)
    try:
        try:
            srv.start()
        except (RuntimeError, subprocess.CalledProcessError) as e:
            print(f"prosody harness: {e}", file=sys.stderr)
            return 1
        _emit(srv.info())
        if args.wait:
            while True:
                signal.pause()
        actions = {"stop": (srv.stop, "stopped"), "start": (srv.start, "started"),
                   "restart": (srv.restart, "restarted"), "kill": (srv.kill, "killed"),
                   "pause": (srv.pause, "paused"), "resume": (srv.resume, "resumed")}
        for line in sys.stdin:  # EOF (e.g. the parent test died) ends the loop
            cmd = line.strip()
            if not cmd:
                continue
            if cmd not in actions:
                _emit({"error": f"unknown command: {cmd}"})
                continue
            try:
                actions[cmd][0]()
                _emit({"event": actions[cmd][1]})
            except Exception as e:  # report, stay alive for further commands
                _emit({"error": str(e)})
    finally:
        # Ignore further signals so cleanup cannot be interrupted half-way.
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        srv.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
