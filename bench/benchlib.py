"""What the benchmark scripts share: a throwaway Prosody with password files,
quartet-cli processes whose JSON events are read as they come, /proc figures
and the description of the machine.
"""
import json
import os
import platform
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "harness"))
from prosody import Prosody  # noqa: E402

BUILD = os.path.join(HERE, "..", "_build")
DEFAULT_CLI = os.path.join(BUILD, "src", "cli", "quartet-cli")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def memory_kib(pid):
    """VmRSS and VmHWM (peak RSS) of @pid, in KiB."""
    values = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    if len(values) < 2:
        raise ProcessLookupError(f"process {pid} has exited")  # a zombie has no memory
    return values["VmRSS"], values["VmHWM"]


def thread_count(pid):
    """How many threads @pid runs now."""
    return len(os.listdir(f"/proc/{pid}/task"))


def idle_figures(pid, seconds=5):
    """(RSS KiB, peak RSS KiB, share of a core) of @pid, idle: one second to
    settle, then the CPU over @seconds."""
    time.sleep(1)
    cpu = cpu_seconds(pid)
    time.sleep(seconds)
    share = (cpu_seconds(pid) - cpu) / seconds
    rss, peak = memory_kib(pid)
    return rss, peak, share


def percentile(values, p):
    """Nearest-rank percentile, p in 0..100."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(values):
    return statistics.median(values)


def machine():
    """One line: what the figures were measured on."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:  # the library quartet-cli links, also where gst-inspect-1.0 is not installed
        gst = subprocess.run(["pkg-config", "--modversion", "gstreamer-1.0"], capture_output=True,
                             text=True, check=False).stdout.strip() or "unknown"
    except OSError:
        gst = "unknown"
    return (f"{os.cpu_count()} CPUs ({model}), Linux {platform.release()}, "
            f"GStreamer {gst}")


class Server:
    """Prosody with the given users, each with a password file."""

    def __init__(self, users, turn=None):
        self._prosody = Prosody(users=users, roster=True, turn=turn)
        self._tmp = tempfile.TemporaryDirectory()

    def __enter__(self):
        self.prosody = self._prosody.__enter__()
        self.passwords = []
        for i, account in enumerate(self.prosody.accounts):
            self.passwords.append(os.path.join(self._tmp.name, f"password{i}"))
            with open(self.passwords[-1], "w") as f:
                f.write(account["password"])
        return self

    def __exit__(self, *exc):
        self._prosody.__exit__(*exc)
        self._tmp.cleanup()

    def jid(self, i):
        return self.prosody.accounts[i]["jid"]

    def account_args(self, i, voice_processing=False):
        return ["--jid", self.jid(i), "--password-file", self.passwords[i],
                "--server", f"{self.prosody.host}:{self.prosody.c2s_port}",
                "--cafile", self.prosody.cafile, "--json"] + (
                    [] if voice_processing else ["--no-voice-processing"])


class Cli:
    """A quartet-cli process; a thread collects its JSON event lines."""

    def __init__(self, cli, command, server, account, extra=(), voice_processing=False):
        env = dict(os.environ, QUARTET_AUDIO_SINK="fake")
        self.process = subprocess.Popen([cli, command] + list(extra)
                                        + server.account_args(account, voice_processing),
                                        stdout=subprocess.PIPE, text=True, env=env)
        self.pid = self.process.pid
        self.events = []
        self._lines = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.process.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            self.events.append(event)
            self._lines.put(event)
        self._lines.put(None)

    def wait_for(self, name, count=1, timeout=30, session=None):
        """The @count-th event called @name (of @session, if given)."""
        seen, deadline = 0, time.monotonic() + timeout
        while True:
            try:
                event = self._lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise RuntimeError(f"no {name} within {timeout} s") from None
            if event is None:
                raise RuntimeError(f"quartet-cli exited before {name}")
            if event["event"] == name and (session is None or event.get("session") == session):
                seen += 1
                if seen == count:
                    return event

    def drain(self):
        """Forget the events read so far (wait_for looks at later ones only)."""
        while True:
            try:
                self._lines.get_nowait()
            except queue.Empty:
                return

    def of(self, name, session=None):
        return [e for e in list(self.events)
                if e["event"] == name and (session is None or e.get("session") == session)]

    def wait(self, timeout=60):
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return code

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(timeout=5)


def stop_all(processes):
    for process in processes:
        if process.process.poll() is None:
            process.process.terminate()
    for process in processes:
        process.stop()
