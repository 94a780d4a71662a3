"""A headless desktop for driving the real `quartet` app in tests.

Xvfb (software rendering, GSK_RENDERER=cairo), a private D-Bus session bus,
the AT-SPI bus on it, and the app started with GTK_A11Y=atspi, so the tests
can find and press its controls by accessible name through pyatspi, and
take screenshots of the root window with ImageMagick's `import`.

Nothing here is global: each UiSession owns its processes and temp dir,
and close() stops them all; if the test process dies without closing (a
signal), the kernel kills the processes it started (PR_SET_PDEATHSIG).
"""
import json
import os
import shutil
import signal
import struct
import sys
import subprocess
import tempfile
import time
import zlib

from quartet_cli_test import die_with_parent, with_test_support
from suite_logs import keep_log

XVFB = shutil.which("Xvfb")
IMPORT = "/usr/bin/import"
AT_SPI_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
SCREEN = (1280, 800)


def missing_tools():
    """Why a UI test cannot run here, or None."""
    if XVFB is None:
        return "Xvfb is not installed (Debian package xvfb)"
    if not os.path.exists(AT_SPI_LAUNCHER):
        return "at-spi-bus-launcher is not installed (Debian package at-spi2-core)"
    if not os.path.exists(IMPORT):
        return "ImageMagick's import is not installed (Debian package imagemagick)"
    for tool, package in (("gnome-keyring-daemon", "gnome-keyring"),
                          ("secret-tool", "libsecret-tools")):
        if shutil.which(tool) is None:
            return "%s is not installed (Debian package %s)" % (tool, package)
    try:
        import pyatspi  # noqa: F401
    except ImportError:
        return "pyatspi is not installed (Debian package python3-pyatspi)"
    return None


class UiSession:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="quartet-ui-test-")
        self.processes = []
        self.env = dict(os.environ)
        self.app = None
        self.app_log = None

    # -- the desktop ---------------------------------------------------------
    def start(self):
        xvfb = subprocess.Popen(
            [XVFB, "-displayfd", "1", "-screen", "0", "%dx%dx24" % SCREEN, "-nolisten", "tcp",
             "-noreset"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            start_new_session=True, preexec_fn=die_with_parent)
        self.processes.append(xvfb)
        display = xvfb.stdout.readline().strip()
        if not display:
            raise RuntimeError("Xvfb did not start")
        self.env["DISPLAY"] = ":" + display.decode()

        bus = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=self.env,
            start_new_session=True, preexec_fn=die_with_parent)
        self.processes.append(bus)
        self.env["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().decode().strip()

        self.processes.append(subprocess.Popen(
            [AT_SPI_LAUNCHER, "--launch-immediately"], env=self.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            preexec_fn=die_with_parent))

        self.env.pop("NO_AT_BRIDGE", None)
        self.env.update({
            "GTK_A11Y": "atspi",
            "GSK_RENDERER": "cairo",
            # GDK would still load Mesa's EGL to probe it, which leaks (see
            # the ui-files test in tests/meson.build).
            "GDK_DEBUG": "gl-disable",
            "GDK_BACKEND": "x11",
            "LIBGL_ALWAYS_SOFTWARE": "1",
            "GSETTINGS_BACKEND": "memory",
            "QUARTET_AUDIO_SINK": "fake",
            # No GTK_THEME: it would replace libadwaita's stylesheet (rows,
            # lists, colours) with GTK's own, and the screenshots would not
            # show what users see.
            "NO_AT_BRIDGE": "0",
        })
        # pyatspi (imported later, in this process) finds the AT-SPI bus
        # through this session bus and display.
        os.environ["DISPLAY"] = self.env["DISPLAY"]
        os.environ["DBUS_SESSION_BUS_ADDRESS"] = self.env["DBUS_SESSION_BUS_ADDRESS"]
        os.environ.pop("NO_AT_BRIDGE", None)
        self._wait_for_a11y_bus()
        self.keyring_env = self._start_keyring()
        self._start_notifications()

    def _start_notifications(self):
        """dunst, a real notification server on the session bus (as the
        desktop's shell is), with nothing shown for long: the tests read
        what the app sent from its history (notifications())."""
        if shutil.which("dunst") is None:
            return
        # Popups in the strip right of the app's window (1100 of 1280 px),
        # never over what the tests read from the screen; gone after 1 s.
        config = os.path.join(self.tmp, "dunstrc")
        with open(config, "w") as f:
            f.write("[global]\n    origin = top-right\n    offset = 5x5\n    width = 170\n"
                    "    idle_threshold = 0\n"
                    "    history_length = 100\n")
            for urgency in ("low", "normal", "critical"):
                f.write("[urgency_%s]\n    timeout = 1\n" % urgency)
        self.processes.append(subprocess.Popen(
            ["dunst", "-config", config], env=self.env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True, preexec_fn=die_with_parent))

    def notifications_shown(self):
        """How many notifications are on screen now (dunst keeps in its
        history only those that went by themselves, not those the app
        withdrew, as it does a call's when the ringing stops)."""
        result = subprocess.run(["dunstctl", "count", "displayed"], env=self.env,
                                capture_output=True, text=True)
        return int(result.stdout.strip() or 0) if result.returncode == 0 else 0

    def notifications(self):
        """(summary, body) of every notification shown so far, oldest first;
        None without a notification server."""
        if shutil.which("dunstctl") is None:
            return None
        result = subprocess.run(["dunstctl", "history"], env=self.env, capture_output=True,
                                text=True)
        if result.returncode != 0:
            return []
        shown = json.loads(result.stdout)["data"][0]
        return [(n["summary"]["data"], n["body"]["data"]) for n in reversed(shown)]

    def _wait_for_a11y_bus(self):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            result = subprocess.run(
                ["dbus-send", "--session", "--print-reply", "--dest=org.a11y.Bus", "/org/a11y/bus",
                 "org.a11y.Bus.GetAddress"], env=self.env, capture_output=True, text=True)
            if result.returncode == 0 and "unix:" in result.stdout:
                return
            time.sleep(0.1)
        raise RuntimeError("the AT-SPI bus did not start")

    def _start_keyring(self):
        """A gnome-keyring-daemon on this session's bus with an unlocked
        login keyring, its files in our temp dir; it ends with the bus.
        Started before any app: the first libsecret call would otherwise
        have the bus start one whose keyring is locked (and would prompt).
        Returns the environment that reaches it (for secret-tool)."""
        runtime = os.path.join(self.tmp, "keyring-runtime")
        os.makedirs(runtime, mode=0o700, exist_ok=True)
        env = dict(self.env, XDG_DATA_HOME=os.path.join(self.tmp, "keyring-data"),
                   XDG_RUNTIME_DIR=runtime)
        # --unlock makes the login keyring (the default collection) from the
        # password on stdin; --start then serves org.freedesktop.secrets.
        subprocess.run(["gnome-keyring-daemon", "--unlock", "--components=secrets"],
                       input=b"quartet-test-keyring", env=env, capture_output=True,
                       timeout=20, check=True)
        subprocess.run(["gnome-keyring-daemon", "--start", "--components=secrets"], env=env,
                       capture_output=True, timeout=20, check=True)
        return env

    def start_app(self, binary, args, password=None, extra_env=None):
        # The app's own files (the call history) stay in the session, kept
        # across the app's restarts within it, never in the user's home.
        env = dict(self.env, XDG_DATA_HOME=os.path.join(self.tmp, "app-data"))
        if password is not None:
            env["QUARTET_PASSWORD"] = password
        env.update(extra_env or {})
        # Criticals are our bugs; GTK's warnings under Xvfb (no WM, no
        # portal) are not, so only criticals are fatal here.
        env["G_DEBUG"] = "fatal-criticals"
        self.runs = getattr(self, "runs", 0) + 1
        self.app_log = open(os.path.join(self.tmp, "quartet-%d.log" % self.runs), "w")
        self.app_env = with_test_support(env)
        self.app = subprocess.Popen([binary] + args, env=self.app_env, stdout=self.app_log,
                                    stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
        return self.app

    def launch_again(self, binary):
        """Starts the app as the launcher would while it runs: the new
        process hands over to the running one (GApplication) and exits."""
        return subprocess.run([binary], env=self.app_env, stdout=self.app_log,
                              stderr=subprocess.STDOUT, timeout=30).returncode

    def history_path(self, jid):
        """Where the app keeps @jid's call history (quartet-call-history.c)."""
        return os.path.join(self.tmp, "app-data", "quartet", "history", jid + ".ini")

    def write_call_history(self, jid, people):
        """Replaces @jid's call history, as the app writes it, with one call
        a day with each of @people (newest first; (user id, name) tuples
        of the others in the call), all seen, outcomes and types mixed."""
        path = self.history_path(jid)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        outcomes = ["answered", "missed", "declined", "unanswered"]
        now = time.time()
        with open(path, "w") as f:
            for i, others in enumerate(people):
                started = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(now - 86400 * i))
                f.write(f"[call {i}]\ndirection={'out' if i % 2 else 'in'}\n"
                        f"type={'video' if i % 3 else 'audio'}\noutcome={outcomes[i % 4]}\n"
                        f"user-ids={''.join(u + ';' for u, _ in others)}\n"
                        f"names={''.join(n + ';' for _, n in others)}\n"
                        f"started={started}\nduration={60 * (i % 7)}\nseen=true\n\n")
        return path

    def app_output(self):
        self.app_log.flush()
        with open(self.app_log.name, errors="replace") as f:
            return f.read()

    def stop_app(self, timeout=20):
        """SIGTERM is not handled by GApplication; SIGINT neither: the app
        is asked to quit through its own app.quit action by the test when it
        matters, this only makes sure it is gone."""
        if self.app is None:
            return None
        if self.app.poll() is None:
            self.app.terminate()
            try:
                self.app.wait(timeout)
            except subprocess.TimeoutExpired:
                self.app.kill()
                self.app.wait()
        # For tests/test_secrets.py, which greps it for passwords.
        keep_log("quartet-app", self.app_output())
        self.app_log.close()
        return self.app.returncode

    def close(self):
        self.stop_app()
        for process in reversed(self.processes):
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
                try:
                    process.wait(5)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        if os.environ.get("QUARTET_KEEP_HARNESS") == "1":
            print("ui session: keeping", self.tmp)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # -- screenshots ---------------------------------------------------------
    def screenshot(self):
        """The root window as (width, height, RGB bytes)."""
        path = os.path.join(self.tmp, "shot.rgb")
        subprocess.run([IMPORT, "-window", "root", "-depth", "8", "rgb:" + path],
                       env=self.env, check=True, capture_output=True, timeout=30)
        with open(path, "rb") as f:
            data = f.read()
        width, height = SCREEN
        assert len(data) == width * height * 3, "unexpected screenshot size %d" % len(data)
        return width, height, data


def write_png(path, width, height, rgb):
    """A plain RGB PNG, without any imaging library."""
    rows = b"".join(b"\0" + rgb[y * width * 3:(y + 1) * width * 3] for y in range(height))

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff))

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(rows, 6)))
        f.write(chunk(b"IEND", b""))


def region_signature(width, rgb, box, grid=6):
    """Mean colour of each cell of a grid x grid split of box (x, y, w, h)."""
    x0, y0, w, h = box
    cells = []
    for gy in range(grid):
        for gx in range(grid):
            sums, n = [0, 0, 0], 0
            for y in range(y0 + gy * h // grid, y0 + (gy + 1) * h // grid, 3):
                row = y * width * 3
                for x in range(x0 + gx * w // grid, x0 + (gx + 1) * w // grid, 3):
                    i = row + x * 3
                    sums[0] += rgb[i]
                    sums[1] += rgb[i + 1]
                    sums[2] += rgb[i + 2]
                    n += 1
            cells.append(tuple(s / max(n, 1) for s in sums))
    return cells


def signature_distance(a, b):
    """Mean absolute difference per channel between two signatures."""
    return sum(abs(p - q) for ca, cb in zip(a, b) for p, q in zip(ca, cb)) / (3 * len(a))


def mean_colour(signature):
    return tuple(sum(c[i] for c in signature) / len(signature) for i in range(3))


# -- what the UI test modules share ---------------------------------------------

APP = os.environ.get("QUARTET_APP")
SCHEMA_DIR = os.environ.get("QUARTET_SCHEMA_DIR")
SANITIZED = bool(os.environ.get("QUARTET_SANITIZED"))
TIMEOUT = 90 if SANITIZED else 45


def why_not_run():
    """Why the app cannot be tested here (a missing tool, or no app built);
    None when it can. missing_tools() imports pyatspi, which loads GLib into
    this process, and GLib reads G_DEBUG as it loads: the AT-SPI client
    library's warning about an app without a cache ("Error in GetItems",
    GTK 4.8) must not abort the test, so it loads under fatal-criticals
    only; the bots and the app get G_DEBUG back."""
    g_debug = os.environ.get("G_DEBUG")
    os.environ["G_DEBUG"] = "fatal-criticals"
    try:
        return missing_tools() or (None if APP and os.path.exists(APP) else
                                   "the quartet app was not built ($QUARTET_APP)")
    finally:
        if g_debug is not None:
            os.environ["G_DEBUG"] = g_debug


def start_module_session():
    """The desktop of a whole test module: pyatspi binds to the first AT-SPI
    bus it finds and cannot move to another one. atspi_driver may be
    imported once it has started."""
    session = UiSession()
    try:
        session.start()
    except BaseException:
        session.close()
        raise
    return session


def _driver():
    import atspi_driver  # after the module's session started: see above
    return atspi_driver


class AppTestMixin:
    """What a test does with the app over AT-SPI: start it, find and press
    its controls, read the call's tiles, quit it as a user would. Needs
    self.session (a started UiSession) and self.started (a monotonic time)."""

    app = None

    def launch_app(self, args, password=None, env=None):
        env = dict(env or {})
        if SCHEMA_DIR:
            env["GSETTINGS_SCHEMA_DIR"] = SCHEMA_DIR
        self.session.start_app(APP, args, password=password, extra_env=env)
        try:
            self.app = _driver().find_app(self.session.app.pid, timeout=TIMEOUT)
        except AssertionError:
            self.fail("the app (exit status %s) did not appear on the accessibility bus:\n%s"
                      % (self.session.app.poll(), self.session.app_output()[-4000:]))

    def close_app(self):
        """Quits the app if it still runs and checks how it ended; returns its log."""
        if self.session.app is None:
            return ""  # closed already
        if self.session.app is not None and self.session.app.poll() is None:
            self.quit_app()
        output = self.session.app_output() if self.session.app_log else ""
        code = self.session.stop_app()
        self.session.app = None
        if code not in (0, None):
            self.fail("quartet exited with %s:\n%s" % (code, output[-4000:]))
        return output

    def quit_app(self):
        # Ctrl+Q (app.quit) signs out and quits, as a user would.
        _driver().press_keys(self.session.env["DISPLAY"], ("Control_L", "q"))
        try:
            self.session.app.wait(20)
        except Exception:
            pass

    def log(self, what):
        cpu = ""
        if self.session.app is not None:
            try:
                with open("/proc/%d/stat" % self.session.app.pid) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                cpu = "app cpu %.1f s" % (
                    (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"))
            except OSError:
                pass
        print("  %6.1f s  %s %s" % (time.monotonic() - self.started, what, cpu),
              file=sys.stderr)

    def wait(self, name=None, role=None, root=None, **kwargs):
        driver = _driver()
        kwargs.setdefault("timeout", TIMEOUT)
        try:
            return driver.wait_for(root or self.app, name, role, **kwargs)
        except driver.NotFound as error:
            raise AssertionError("%s\n--- visible ---\n%s\n--- app ---\n%s" % (
                error, driver.dump(self.app), self.session.app_output()[-4000:]))

    def press(self, name, role="push button", root=None):
        _driver().press(self.wait(name, role, root=root)[0], self.session.env["DISPLAY"])

    def press_keys(self, *keys):
        _driver().press_keys(self.session.env["DISPLAY"], keys)

    @staticmethod
    def tiles(grid):
        """The grid's tiles, or an exception: a busy app's accessibility bus
        can drop a reply, and a half answer must not pass for the grid."""
        children = [grid.getChildAtIndex(i) for i in range(grid.childCount)]
        if any(c is None or not c.name for c in children):
            raise RuntimeError("a tile did not answer")
        return children

    def tile_map(self, grid, names, value=lambda tile: tile):
        """{name: value(tile)} for every tile, once the tiles of @names are
        all there; asks again while the app is too busy to answer."""
        deadline = time.monotonic() + TIMEOUT
        found = {}
        while time.monotonic() < deadline:
            try:
                found = {t.name: value(t) for t in self.tiles(grid)}
            except Exception:  # a D-Bus call that timed out: ask again
                time.sleep(0.25)
                continue
            if all(n in found for n in names):
                return found
            time.sleep(0.25)
        self.fail("no tiles %s in %s" % (names, sorted(found)))

    def wait_connected(self, grid, names):
        """Waits until the tiles of @names say "Connected"; returns every
        tile's state by name."""
        driver = _driver()
        deadline = time.monotonic() + TIMEOUT
        states = {}
        while time.monotonic() < deadline:
            try:
                states = {t.name: driver.description(t) for t in self.tiles(grid)}
            except Exception:  # a D-Bus call that timed out: ask again
                continue
            if all(states.get(n) == "Connected" for n in names):
                return states
            time.sleep(0.25)
        self.fail("not all of %s connected: %s" % (names, states))
