#!/usr/bin/python3
"""A screen to share, for Quartet's screen-sharing tests: an X11 screen of a
known colour, fed to a real PipeWire daemon, behind a ScreenCast portal.

Why not the real xdg-desktop-portal: it needs a backend that captures the
screen, and none runs headless on Debian bookworm. xdg-desktop-portal-wlr
0.7 with sway 1.7 headless (`WLR_BACKENDS=headless WLR_RENDERER=pixman`,
sway run as another user than root, which it refuses) gets as far as
Start, then fails: "wlroots: unable to receive a valid format from
wlr_screencopy". With screencopy v3 it requires a DMA-BUF format, which
only a GPU renderer offers (no /dev/dri here; upstream issue
emersion/xdg-desktop-portal-wlr#289). xdg-desktop-portal-gnome needs
gnome-shell's dialogs. So the portal's D-Bus side is portal_standin.py,
and everything under it is real: PipeWire and WirePlumber, an Xvfb screen
captured by ximagesrc into a PipeWire video node, and the fd the app
reads it through.

    with ScreenCastStack(colour="#00c000") as stack:
        env = stack.env()          # the session bus with the portal on it
        stack.calls()              # what the app asked of the portal
        stack.end_sessions()       # the user stops sharing from the desktop
"""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

from xmpp_server import _pdeathsig, _tail

START_TIMEOUT = 15.0
NODE_NAME = "quartet-test-screen"
CAMERA_NODE_NAME = "quartet-test-camera"
CAMERA_DESCRIPTION = "TestCamera"  # gst-launch splits a value at its spaces
HERE = os.path.dirname(os.path.abspath(__file__))


def missing_tools():
    """Why the stack cannot run here, or None."""
    for tool, package in [("pipewire", "pipewire"), ("wireplumber", "wireplumber"),
                          ("pw-dump", "pipewire-bin"), ("Xvfb", "xvfb"),
                          ("convert", "imagemagick"), ("dbus-daemon", "dbus")]:
        if shutil.which(tool) is None:
            return "%s is not installed (Debian package %s)" % (tool, package)
    if subprocess.run(["gst-inspect-1.0", "pipewiresink"],
                      capture_output=True).returncode != 0:
        return "GStreamer's pipewiresink is not installed (Debian package gstreamer1.0-pipewire)"
    return None


class ScreenCastStack:
    def __init__(self, colour="#00c000", size=(1280, 720), bus_address=None, refuse=False,
                 camera_colour=0xffc000c0, refuse_camera=False):
        """@bus_address: the session bus to serve the portal on (the UI
        session's); None starts one. @refuse: the user cancels the dialog.
        @camera_colour (0xAARRGGBB): the PipeWire camera "TestCamera"
        behind the Camera portal, which @refuse_camera denies."""
        self.colour = colour
        self.camera_colour = camera_colour
        self.refuse_camera = refuse_camera
        self.size = size
        self.bus_address = bus_address
        self.refuse = refuse
        self.dir = None
        self.display = None
        self._procs = []
        self._logs = []
        self._portal = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    def _spawn(self, name, argv, env=None, stdout=None):
        log = open(os.path.join(self.dir, name + ".log"), "w")
        self._logs.append(log)
        proc = subprocess.Popen(argv, env=env or self._env, cwd=self.dir,
                                stdin=subprocess.DEVNULL, stdout=stdout or log,
                                stderr=log, start_new_session=True, preexec_fn=_pdeathsig)
        self._procs.append(proc)
        return proc

    def _fail(self, what, name):
        log = _tail(os.path.join(self.dir, name + ".log"))
        self.close()
        raise RuntimeError("%s did not start\n%s" % (what, log))

    def start(self):
        self.dir = tempfile.mkdtemp(prefix="quartet-screencast-")
        os.chmod(self.dir, 0o700)
        self._env = dict(os.environ, HOME=self.dir, XDG_RUNTIME_DIR=self.dir,
                         PIPEWIRE_RUNTIME_DIR=self.dir, XDG_CONFIG_HOME=self.dir,
                         XDG_STATE_HOME=self.dir, XDG_DATA_HOME=self.dir)
        try:
            self._start_bus()
            self._start_screen()
            self._start_pipewire()
            self._start_portal()
        except Exception:
            self.close()
            raise
        return self

    def _start_bus(self):
        if self.bus_address is None:
            bus = self._spawn("dbus", ["dbus-daemon", "--session", "--nofork",
                                       "--print-address=1"], stdout=subprocess.PIPE)
            self.bus_address = bus.stdout.readline().decode().strip()
            if not self.bus_address:
                self._fail("dbus-daemon", "dbus")
        self._env["DBUS_SESSION_BUS_ADDRESS"] = self.bus_address

    def _start_screen(self):
        xvfb = self._spawn("xvfb", ["Xvfb", "-displayfd", "1", "-screen", "0",
                                    "%dx%dx24" % self.size, "-nolisten", "tcp"],
                           stdout=subprocess.PIPE)
        number = xvfb.stdout.readline().decode().strip()
        if not number:
            self._fail("Xvfb", "xvfb")
        self.display = ":" + number
        self.paint(self.colour)

    def paint(self, colour):
        """Fills the shared screen with @colour ("#rrggbb")."""
        image = os.path.join(self.dir, "screen.png")
        subprocess.run(["convert", "-size", "%dx%d" % self.size, "xc:" + colour, image],
                       check=True)
        # display sets the root window's background and exits (with 1).
        subprocess.run(["display", "-window", "root", image], env=dict(
            self._env, DISPLAY=self.display), capture_output=True, timeout=10)
        self.colour = colour

    def _start_pipewire(self):
        self._spawn("pipewire", ["pipewire"])
        deadline = time.monotonic() + START_TIMEOUT
        while not os.path.exists(os.path.join(self.dir, "pipewire-0")):
            if time.monotonic() > deadline:
                self._fail("pipewire", "pipewire")
            time.sleep(0.1)
        # The session manager links a reader to the node it asks for.
        self._spawn("wireplumber", ["wireplumber"])
        self._spawn("screen", [
            "gst-launch-1.0", "ximagesrc", "display-name=" + self.display, "use-damage=false",
            "show-pointer=false", "!", "video/x-raw,framerate=15/1", "!", "videoconvert", "!",
            # pipewiresink 0.3.65 crashes ("invalid memory type 4") when
            # ximagesrc's branch allocates from its pool: it copies instead.
            "video/x-raw,format=I420", "!", "identity", "drop-allocation=true", "!",
            "pipewiresink", "mode=provide",
            "stream-properties=p,media.class=Video/Source,node.name=" + NODE_NAME])
        # A camera, as PipeWire's v4l2 monitor would publish one.
        self._spawn("camera", [
            "gst-launch-1.0", "videotestsrc", "is-live=true", "pattern=solid-color",
            "foreground-color=%d" % self.camera_colour, "!",
            "video/x-raw,format=I420,width=640,height=480,framerate=30/1", "!",
            "pipewiresink", "mode=provide",
            "stream-properties=p,media.class=Video/Source,media.role=Camera,node.name=%s,"
            "node.description=%s" % (CAMERA_NODE_NAME, CAMERA_DESCRIPTION)])
        while not (self._has_node(NODE_NAME) and self._has_node(CAMERA_NODE_NAME)):
            if time.monotonic() > deadline:
                self._fail("The screen's and the camera's PipeWire nodes", "screen")
            time.sleep(0.2)

    def _has_node(self, name):
        dump = subprocess.run(["pw-dump"], env=self._env, capture_output=True, text=True)
        if dump.returncode != 0 or not dump.stdout.strip():
            return False
        return any(name == (o.get("info") or {}).get("props", {}).get("node.name")
                   for o in json.loads(dump.stdout))

    def _start_portal(self):
        self.log = os.path.join(self.dir, "portal-calls.jsonl")
        argv = ["/usr/bin/python3", os.path.join(HERE, "portal_standin.py"),
                "--pipewire-dir", self.dir, "--node-name", NODE_NAME, "--log", self.log,
                "--width", str(self.size[0]), "--height", str(self.size[1])]
        if self.refuse:
            argv.append("--refuse")
        if self.refuse_camera:
            argv.append("--refuse-camera")
        self._portal = self._spawn("portal", argv, stdout=subprocess.PIPE)
        if self._portal.stdout.readline().strip() != b"ready":
            self._fail("The portal stand-in", "portal")

    def env(self, base=None):
        """@base (or nothing) with the session bus the portal is on."""
        return dict(base or {}, DBUS_SESSION_BUS_ADDRESS=self.bus_address)

    def calls(self):
        """What was asked of the portal, in order: dicts with "method"."""
        try:
            with open(self.log) as f:
                return [json.loads(line) for line in f]
        except OSError:
            return []

    def end_sessions(self):
        """The user stops every screen cast from the desktop (Session.Closed)."""
        self._portal.send_signal(signal.SIGUSR1)

    def close(self):
        for proc in reversed(self._procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
            for stream in (proc.stdout,):
                if stream is not None:
                    stream.close()
        self._procs = []
        for log in self._logs:
            log.close()
        self._logs = []
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None
