#!/usr/bin/python3
"""Throwaway PulseAudio server for Quartet's device tests.

A real sound server on a private socket, with null sinks and sources for
speakers and microphones that tests plug in and out as a user would a USB
headset: the app finds them through GstDeviceMonitor, plays and records
through them, and `pactl` tells where its streams really go.

    with PulseServer() as pulse:
        pulse.add_sink("headset", "USB Headset")
        env = pulse.env()   # PULSE_SERVER for the app
"""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

from xmpp_server import _pdeathsig, _tail

START_TIMEOUT = 10.0


class PulseServer:
    def __init__(self):
        self.dir = None
        self.socket = None
        self.log_file = None
        self._proc = None

    @staticmethod
    def available():
        return shutil.which("pulseaudio") is not None and shutil.which("pactl") is not None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    def start(self):
        self.dir = tempfile.mkdtemp(prefix="quartet-pulse-")
        self.socket = os.path.join(self.dir, "native")
        self.log_file = os.path.join(self.dir, "pulseaudio.log")
        # -n: no default script (no hardware probing, no D-Bus, no X11),
        # only the socket; the streams of a removed device move to the
        # default by themselves, as on a desktop.
        env = dict(os.environ, HOME=self.dir, XDG_RUNTIME_DIR=self.dir,
                   XDG_CONFIG_HOME=self.dir)
        env.pop("PULSE_SERVER", None)
        with open(self.log_file, "w") as log:
            self._proc = subprocess.Popen(
                ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1",
                 "--use-pid-file=no", "--disallow-module-loading=no", "-F", "/dev/null",
                 "--load=module-native-protocol-unix socket=%s auth-anonymous=1" % self.socket,
                 "--load=module-always-sink"],
                env=env, cwd=self.dir, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_pdeathsig)
        deadline = time.monotonic() + START_TIMEOUT
        while subprocess.run(["pactl", "info"], env=self.env(os.environ),
                             capture_output=True).returncode != 0:
            if self._proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError("pulseaudio did not start\n" + _tail(self.log_file))
            time.sleep(0.1)
        return self

    def env(self, base=None):
        """@base (or nothing) with PULSE_SERVER pointing at this server."""
        return dict(base or {}, PULSE_SERVER="unix:" + self.socket)

    def pactl(self, *args):
        return subprocess.run(["pactl"] + list(args), env=self.env(os.environ),
                              capture_output=True, text=True, check=True).stdout

    def add_sink(self, name, description):
        """Plugs in speakers: returns the module to unload to unplug them."""
        return int(self.pactl("load-module", "module-null-sink", "sink_name=" + name,
                              "sink_properties='device.description=\"%s\"'" % description))

    def add_source(self, name, description):
        """Plugs in a microphone: returns the module to unload to unplug it."""
        return int(self.pactl("load-module", "module-null-source", "source_name=" + name,
                              "description='%s'" % description))

    def unplug(self, module):
        self.pactl("unload-module", str(module))

    def _names(self, kind):
        return {str(d["index"]): d["name"] for d in json.loads(self.pactl("-f", "json", "list", kind))}

    def streams(self, kind, client_binary):
        """The device names that @client_binary's playback ("sink-inputs") or
        recording ("source-outputs") streams go to now."""
        devices = self._names("sinks" if kind == "sink-inputs" else "sources")
        key = "sink" if kind == "sink-inputs" else "source"
        found = []
        for stream in json.loads(self.pactl("-f", "json", "list", kind)):
            if stream.get("properties", {}).get("application.process.binary") == client_binary:
                found.append(devices.get(str(stream[key]), str(stream[key])))
        return found

    def close(self):
        if self._proc is not None and self._proc.poll() is None:
            os.killpg(self._proc.pid, signal.SIGTERM)
            try:
                self._proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self._proc.pid, signal.SIGKILL)
                self._proc.wait()
        self._proc = None
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None
