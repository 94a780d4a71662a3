#!/usr/bin/python3
"""What the throwaway XMPP servers of the tests share: loopback ports, a fresh
certificate, accounts with random passwords, and the control of one server
process (start in the foreground, stop, kill, restart, pause, close).

prosody.py and ejabberd.py each add how their server is configured, started
and given accounts. `xmpp_server()` picks one by $QUARTET_TEST_SERVER, so a
test written once runs on both (meson runs the call tests on each).
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


def _ephemeral_low():
    """The lowest port of the kernel's ephemeral (outgoing) range."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def _free_ports(n):
    """@n distinct ports free on loopback for both TCP and UDP, chosen below
    the kernel's ephemeral range: a port the kernel handed out by bind(0)
    was once taken, between its release here and the server's own bind, by
    an outgoing connection of a test running beside (ejabberd: eaddrinuse)."""
    low = _ephemeral_low()
    first = max(1024, low - 16384)
    socks = []
    try:  # keep all bound until done so we never get the same port twice
        for _ in range(1000):
            if len(socks) == 2 * n:
                return [s.getsockname()[1] for s in socks[::2]]
            port = secrets.SystemRandom().randrange(first, low) if low > first + 1024 else 0
            pair = [socket.socket(socket.AF_INET, kind)
                    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM)]
            try:
                pair[0].bind((HOST, port))
                pair[1].bind((HOST, pair[0].getsockname()[1]))
            except OSError:
                for s in pair:
                    s.close()
                continue
            socks += pair
        raise RuntimeError(f"no {n} free ports on {HOST}")
    finally:
        for s in socks:
            s.close()


def _pdeathsig():
    # Runs in the child between fork and exec (after setsid): have the kernel
    # SIGKILL the server when the thread that started it dies, so even a
    # SIGKILLed harness leaves no server behind.  Call start() from a
    # long-lived thread.
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


def xmpp_answers(port, domain, timeout=0.5):
    """True once @port answers a stream header like an XMPP server (a bare
    TCP connect could reach another program that took the port)."""
    header = ("<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
              "xmlns:stream='http://etherx.jabber.org/streams' version='1.0' "
              f"to='{domain}'>").encode()
    try:
        with socket.create_connection((HOST, port), timeout=timeout) as s:
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


class XmppServer:
    """One throwaway server process on loopback, all its files in a temp dir.

    A subclass names itself (`name`) and implements _configure() (write the
    config into self.dir, with self.c2s_port), _command() (the argv that runs
    the server in the foreground) and _add_accounts() (make self.accounts,
    before or after the first start: `accounts_after_start`)."""

    name = "xmpp"
    accounts_after_start = False

    def __init__(self, users=None, accounts=3, domain="localhost",
                 require_tls=True, roster=False, turn=None):
        if users is None:
            users = DEFAULT_NAMES[:accounts] + [
                "user%d" % i for i in range(len(DEFAULT_NAMES), accounts)]
        # Servers nodeprep (lowercase) usernames; mirror that in the JIDs.
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

    def _new_account(self, user):
        password = secrets.token_urlsafe(12)
        keep_secret(password)
        account = {"jid": f"{user}@{self.domain}", "username": user, "password": password,
                   "name": user.capitalize() if user.isalpha() else user}
        self.accounts.append(account)
        return account

    # -- one-time setup -----------------------------------------------------
    def _setup(self):
        self.dir = tempfile.mkdtemp(prefix=f"quartet-{self.name}-")
        atexit.register(self.close)
        self.cafile = self._p("certs", "cert.pem")  # self-signed: it is its own CA
        os.mkdir(self._p("certs"))
        self._make_certificate()
        self.c2s_port, self.http_port = _free_ports(2)
        self._configure()
        if not self.accounts_after_start:
            self._add_accounts()

    def _make_certificate(self):
        names = ["localhost"] + ([self.domain] if self.domain != "localhost" else [])
        self.fingerprint = make_certificate(self._p("certs", "key.pem"), self.cafile, names)

    def _configure(self):
        raise NotImplementedError

    def _command(self):
        raise NotImplementedError

    def _add_accounts(self):
        raise NotImplementedError

    def _ports_taken(self, log_start):
        """True if the server's log says a port it was given is in use."""
        return False

    def _environment(self):
        return None

    # -- process control ----------------------------------------------------
    def start(self):
        if self._closed:
            raise RuntimeError("harness already closed")
        first = self.dir is None
        if first:
            self._setup()
        if self.running:
            return
        for attempt in range(3):
            if self._launch():
                break
            if not first or attempt == 2:
                self._fail(f"{self.name} could not bind its ports ({self.c2s_port}, {self.http_port})")
            # Someone took a port between its choice and the server's bind:
            # only a first start may move (a restart keeps what clients know).
            print(f"{self.name}: port {self.c2s_port} or {self.http_port} taken, moving",
                  file=sys.stderr)
            self.c2s_port, self.http_port = _free_ports(2)
            self._write_config()
        if first and self.accounts_after_start:
            self._add_accounts()

    def _launch(self):
        """Runs the server and waits until it answers; False if it could not
        bind its ports (and is gone again)."""
        # The log is appended to across restarts: only look at this run's part.
        log_start = os.path.getsize(self.log_file) if os.path.exists(self.log_file) else 0
        with open(self._p(f"{self.name}.stdout.log"), "ab") as out:
            self._proc = subprocess.Popen(
                self._command(), cwd=self.dir, env=self._environment(),
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True, preexec_fn=_pdeathsig)
        deadline = time.monotonic() + START_TIMEOUT
        while not xmpp_answers(self.c2s_port, self.domain):
            if self._ports_taken(log_start):
                self._signal(signal.SIGKILL)
                return False
            if self._proc.poll() is not None:
                self._fail(f"{self.name} exited with status {self._proc.returncode}")
            if time.monotonic() > deadline:
                self._signal(signal.SIGKILL)
                self._fail(f"c2s port {self.c2s_port} not open after {START_TIMEOUT:.0f}s")
            time.sleep(0.02)
        return True

    def _read_log(self, offset):
        try:
            with open(self.log_file, "rb") as f:
                f.seek(offset)
                return f.read()
        except OSError:  # not created yet
            return b""

    def _fail(self, why):
        raise RuntimeError(f"{why}\n--- {os.path.basename(self.log_file)} ---\n"
                           f"{_tail(self.log_file)}"
                           f"--- stdout ---\n{_tail(self._p(self.name + '.stdout.log'))}")

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
                keep_log(self.name, f.read())
        if self.dir and os.path.isdir(self.dir):
            if os.environ.get("QUARTET_KEEP_HARNESS") == "1":
                print(f"{self.name} harness: keeping {self.dir}", file=sys.stderr)
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


def xmpp_server(**kwargs):
    """The server the tests run on: Prosody, or ejabberd where
    $QUARTET_TEST_SERVER says so."""
    kind = os.environ.get("QUARTET_TEST_SERVER", "prosody")
    if kind == "ejabberd":
        from ejabberd import Ejabberd
        return Ejabberd(**kwargs)
    if kind != "prosody":
        raise ValueError(f"QUARTET_TEST_SERVER is prosody or ejabberd, not {kind!r}")
    from prosody import Prosody
    return Prosody(**kwargs)


def _emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def serve(server_class, argv=None):
    """The harness as a command (README.md): one JSON line when the server is up,
    then a command per line on stdin."""
    ap = argparse.ArgumentParser(description=f"Run a throwaway {server_class.name} for tests.")
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
    srv = server_class(users=users, accounts=args.accounts, domain=args.domain,
                  require_tls=not args.no_tls, roster=args.roster)
    try:
        try:
            srv.start()
        except (RuntimeError, subprocess.CalledProcessError) as e:
            print(f"{server_class.name} harness: {e}", file=sys.stderr)
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
