#!/usr/bin/python3
"""The real `quartet` app on a headless X server, driven through AT-SPI by
accessible names, against a real Prosody and real quartet-cli bots.

- sign in (a wrong password first: the error is told; then the right one),
  select three bots, place a video call, see four tiles, and check two
  screenshots a second apart: each quarter of the grid shows its own
  person's picture, and the bots' moving test patterns move;
- a bot calls: the dialog names the caller, Answer shows two tiles, a call
  from a third person meanwhile is refused as busy and told, Ctrl+H hangs up
  and the call view closes;
- a bot calls and the user declines; a bot calls and gives up (NOT_ANSWER /
  hang-up before an answer): the dialog goes and a missed call is told;
- with a real keyring (gnome-keyring-daemon) and settings in a file: "Remember
  me" keeps the password in the keyring and nowhere in the settings, and the
  next start signs in by itself with it;
- with LANGUAGE=de the sign-in page is German.

The screenshot of the 4-party call is kept as quartet-call.png in the build
dir (QUARTET_ARTIFACT_DIR), for the README.
"""
import glob
import json
import os
import queue
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ui_session  # noqa: E402
from quartet_cli_test import CliProcess, CliTestCase, EXIT_OK, EXIT_FAILED  # noqa: E402
from coturn import Coturn  # noqa: E402  (tests/harness, on sys.path from quartet_cli_test)
from impaired_link import ImpairedLink  # noqa: E402
from pulse import PulseServer  # noqa: E402
import portal  # noqa: E402
from test_relay import WithTurnServer  # noqa: E402

from ui_session import SANITIZED, TIMEOUT, AppTestMixin  # noqa: E402

ARTIFACT_DIR = os.environ.get("QUARTET_ARTIFACT_DIR", ".")
# The app and up to three bots run a mesh on this (two-core) machine: each
# encodes once and decodes everyone, and the app draws it all with cairo.
# At 720p that starved the app now and then (a tile frozen for seconds, a
# 1 s "Reconnecting…" missed), so they send at most 360p here; the ladder
# up to 720p is test_congestion.py's. (The ladder does not follow the CPU
# yet; libwebrtc's does.)
os.environ.setdefault("QUARTET_VIDEO_MAX_HEIGHT", "360")
WHY_NOT = ui_session.why_not_run()

# What each person sends: the app a still red picture (its own preview), the
# bots the three test patterns that move (a ball, SMPTE bars with a noise
# patch, snow), so every remote quarter can be told apart and seen moving.
APP_VIDEO = "pattern:red"
BOT_VIDEO = {"bob": "pattern:ball", "carol": "pattern:smpte", "dave": "pattern:snow"}


class Bot(CliProcess):
    """A quartet-cli process whose output is read all the time by a thread:
    a bot printing stats lines nobody reads would fill its pipe and stall
    its main loop, and with it its video."""

    def __init__(self, command, args):
        super().__init__(command, args)
        self.lines = queue.Queue()
        self.finished = False  # the reader's end mark was taken
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def next_matching(self, predicate, what, timeout=TIMEOUT):
        """The next event (from the reader's queue) that satisfies @predicate."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                self.finished = True
                raise AssertionError("bot exited (%s) before %s: %s" % (
                    self.process.wait(), what, self.process.stderr.read()))
            event = json.loads(line)
            self.events.append(event)
            if predicate(event):
                return event
        raise AssertionError("no %s within %d s" % (what, timeout))

    def next_event(self, name):
        return self.next_matching(lambda event: event["event"] == name, "%r event" % name)

    def _drain(self):
        while not self.finished:
            line = self.lines.get()
            if line is None:
                self.finished = True
                return
            if line.strip():
                self.events.append(json.loads(line))

    def read_all(self):
        code = self.process.wait(timeout=TIMEOUT)
        self.reader.join(TIMEOUT)
        self._drain()
        return code

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
        try:
            code = self.process.wait(timeout=TIMEOUT)
        except Exception:
            self.process.kill()
            code = self.process.wait()
        self.reader.join(TIMEOUT)
        self._drain()
        return code, "", self.process.stderr.read()


def changed_fraction(width, a, b, box, threshold=40):
    """Share of the pixels of box (x, y, w, h) that differ by more than threshold."""
    x0, y0, w, h = box
    changed = total = 0
    for y in range(y0, y0 + h, 2):
        row = y * width * 3
        for x in range(x0, x0 + w, 2):
            i = row + x * 3
            total += 1
            if (abs(a[i] - b[i]) + abs(a[i + 1] - b[i + 1]) + abs(a[i + 2] - b[i + 2])) > threshold:
                changed += 1
    return changed / max(total, 1)


SESSION = None
driver = None


def setUpModule():
    global SESSION, driver
    if WHY_NOT:
        return
    SESSION = ui_session.start_module_session()
    import atspi_driver as driver


def tearDownModule():
    if SESSION is not None:
        SESSION.close()


@unittest.skipIf(WHY_NOT, WHY_NOT or "")
class UiTestCase(AppTestMixin, CliTestCase):
    users = ["alice", "bob", "carol", "dave"]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.session = SESSION

    def setUp(self):
        self.started = time.monotonic()
        self.bots = []
        os.environ.setdefault("QUARTET_AUDIO_SINK", "fake")

    def tearDown(self):
        for bot in self.bots:
            bot.stop()
        self.close_app()

    # -- helpers ---------------------------------------------------------------
    def bot(self, index, *args):
        user = self.account(index)["username"]
        bot = Bot("listen", self.account_args(index) + [
            "--video", BOT_VIDEO[user], "--no-voice-processing"] + list(args))
        self.bots.append(bot)
        bot.next_event("roster")
        return bot

    def caller(self, index, *args):
        user = self.account(index)["username"]
        caller = Bot("call", self.account_args(index) + [
            "--video", BOT_VIDEO[user], "--no-voice-processing"] + list(args)
            + [self.account(0)["jid"]])
        self.bots.append(caller)
        return caller

    def start_app(self, password=None, env=None, video=APP_VIDEO):
        self.launch_app(["--server", "%s:%d" % (self.server.host, self.server.c2s_port),
                         "--jid", self.account(0)["jid"], "--cafile", self.server.cafile,
                         "--video", video, "--audio", "tone"], password=password, env=env)

    def wait_alice_at_bob(self, bob, is_what, what, min_fps=5):
        """Until the mean colour of Alice's picture at Bob (his stats, once
        a second while her video flows) is @what."""
        deadline = time.monotonic() + TIMEOUT
        rgb = None
        while time.monotonic() < deadline:
            stats = bob.next_event("stats")
            if stats["fps"] >= min_fps:
                rgb = stats["average_rgb"]
                if is_what(rgb):
                    return stats
        self.fail("Bob never saw %s of Alice, last %s" % (what, rgb))

    def control(self, name):
        return self.wait(name, "push button", root=self.grid().parent)[0]

    def call_bob(self):
        self.press("Video call Bob")
        self.find_grid()
        self.wait_connected(self.grid(), ["Bob"])

    def wait_for_ringing(self, caller):
        try:
            self.wait(predicate=lambda n: "Bob is calling you" in (n.name or ""), role="label")
        except AssertionError as error:
            caller.stop()
            raise AssertionError("%s\n--- caller ---\n%s\n%s" % (
                error, caller.events[-10:], caller.process.stderr.read()[-2000:]))

    def badge(self):
        """The number on the "Recent" tab (the missed calls not yet seen), or None."""
        for tab in driver.find_all(self.app, "Recent", "page tab"):
            for label in driver.find_all(tab, role="label"):
                if (label.name or "").isdigit():
                    return int(label.name)
        return None

    def open_recent(self):
        # Three switchers name the tab (header wide and narrow, bottom bar):
        # the one on screen has a size. Its tab has no action: a click.
        self.wait("Recent", "page tab")
        tab = [t for t in driver.find_all(self.app, "Recent", "page tab")
               if driver.extents(t)[2] > 0][0]
        x, y, w, h = driver.extents(tab)
        driver.click(self.session.env["DISPLAY"], x + w // 2, y + h // 2)
        self.wait_until(lambda: driver.is_pressed(tab), "Recent to be shown")

    def keep_screenshot(self, name):
        """The screen as the user sees it now, kept with the test's
        artifacts (data/screenshots/ has the ones the metainfo shows)."""
        width, height, shown = self.session.screenshot()
        ui_session.write_png(os.path.join(ARTIFACT_DIR, name), width, height, shown)

    def wait_until(self, condition, what):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.25)
        self.fail("waited %d s for %s" % (TIMEOUT, what))

    def sign_in(self, video=APP_VIDEO):
        self.start_app(password=self.account(0)["password"], video=video)
        self.press("Sign in")
        self.wait("Search contacts")
        self.wait("Select Bob", "check box")

    def find_grid(self):
        """The call grid, looked up once as the call view opens, before the
        media flows: during a call a walk of the whole tree takes many
        D-Bus round trips to an app busy decoding three videos."""
        self._grid = self.wait("Call participants")[0]

    def grid(self):
        return self._grid

    def call_view_shown(self):
        # Once the call is over the app is idle again: a walk is cheap.
        return bool(driver.find_all(self.app, "Call participants", limit=1))

    def wait_tiles(self, count):
        deadline = time.monotonic() + TIMEOUT
        names = []
        while time.monotonic() < deadline:
            try:
                names = sorted(t.name for t in self.tiles(self.grid()))
            except Exception:  # a D-Bus call that timed out: ask again
                continue
            if len(names) == count:
                return names
            time.sleep(0.25)
        self.fail("expected %d tiles, saw %s" % (count, names))



class GroupCallTest(UiTestCase):
    @unittest.skipIf(SANITIZED, "the app and three sanitized bots decoding three streams each do "
                                "not fit two cores; the plain build runs it")
    def test_sign_in_and_four_party_video_call(self):
        # The bots answer after 10 s: time to see the tiles say "Calling…".
        bots = [self.bot(i, "--auto-answer=10000") for i in (1, 2, 3)]

        # A wrong password is told as such, and the form stays.
        self.start_app(password="not-the-password")
        self.press("Sign in")
        self.log("signing in")
        self.wait("Wrong address or password.", "label")
        password = self.wait("Password", "text", timeout=5)
        password[0].queryEditableText().setTextContents(self.account(0)["password"])
        self.press("Sign in")
        self.wait("Search contacts")
        self.log("signed in")

        for name in ("Bob", "Carol", "Dave"):
            driver.press(self.wait("Select " + name, "check box")[0], self.session.env["DISPLAY"])
        self.press("Video call")
        self.log("calling")
        self.find_grid()
        calling = self.tile_map(self.grid(), ["Bob"], driver.description)
        self.log("calling tiles: %s" % calling)
        self.assertEqual(calling.get("Bob"), "Calling…", calling)

        self.assertEqual(self.wait_tiles(4), ["Alice (you)", "Bob", "Carol", "Dave"])
        self.log("four tiles")
        self.wait_connected(self.grid(), ["Bob", "Carol", "Dave"])
        self.log("all connected")
        for bot in bots:
            bot.next_event("peer-connection-state-changed")

        tiles = self.tile_map(self.grid(), ["Alice (you)", "Bob", "Carol", "Dave"],
                              driver.extents)
        self.assertEqual(sorted(tiles), ["Alice (you)", "Bob", "Carol", "Dave"])
        grid = driver.extents(self.grid())
        self.assert_two_by_two(grid, tiles)

        time.sleep(2)  # the first frames, through every decoder
        width, _, first = self.session.screenshot()
        time.sleep(1)
        width, height, second = self.session.screenshot()
        self.log("screenshots taken")
        ui_session.write_png(os.path.join(ARTIFACT_DIR, "quartet-call.png"), width, height,
                             second)

        signatures = {n: ui_session.region_signature(width, second, inner(box))
                      for n, box in tiles.items()}
        names = sorted(signatures)
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                self.assertGreater(ui_session.signature_distance(signatures[a], signatures[b]),
                                   15, "%s and %s look alike" % (a, b))
        red = ui_session.mean_colour(signatures["Alice (you)"])
        self.assertGreater(red[0], red[1] + 60, "own preview is not red: %s" % (red,))
        # The still red preview is the baseline: nothing in it changes, so
        # what changes in the others is their video moving.
        still = changed_fraction(width, first, second, inner(tiles["Alice (you)"]))
        self.assertLess(still, 0.0002, "the still picture changed (%.4f)" % still)
        for name in ("Bob", "Carol", "Dave"):
            moved = changed_fraction(width, first, second, inner(tiles[name]))
            # A feed may freeze for a moment (a keyframe awaited after a
            # loss): look again a few times; a still feed stays still.
            for _ in range(3):
                if moved > 0.001:
                    break
                time.sleep(1)
                _, _, later = self.session.screenshot()
                moved = changed_fraction(width, first, later, inner(tiles[name]))
            self.log("%s: %.4f of the pixels changed" % (name, moved))
            if moved <= 0.001:
                bot = bots[("Bob", "Carol", "Dave").index(name)]
                while not bot.lines.empty():
                    line = bot.lines.get()
                    if line:
                        bot.events.append(json.loads(line))
                sending = [(e["height"], e["kbps"]) for e in bot.events_named("sending")]
                self.fail("%s's video did not move (%.4f); what %s's encoder sent, a second "
                          "apart: %s" % (name, moved, name, sending[-12:]))

        # Ctrl+I: each remote tile tells what its connection carries (the
        # picture received, the one sent, the link's speed), ours nothing.
        self.press_keys("Control_L", "i")
        tile = self.tile_map(self.grid(), ["Bob", "Alice (you)"])
        # (The route comes with the first stats reply, a second in at most.)
        figures = self.wait(role="label", root=tile["Bob"], predicate=lambda n: "fps" in (
            n.name or "") and "Sending" in n.name and "connection" in n.name)[0].name
        self.log("Bob's tile: %r" % figures)
        self.assertRegex(figures, r"Receiving \d+×(360|270|180) at \d+ fps")
        self.assertRegex(figures, r"Sending (360|270|180)p, link [\d.]+ (Mbit|kbit)/s")
        self.assertTrue(figures.endswith("Direct connection"), figures)
        self.assertEqual(driver.find_all(tile["Alice (you)"], role="label",
                                         predicate=lambda n: "fps" in (n.name or "")), [])
        width, height, shown = self.session.screenshot()
        ui_session.write_png(os.path.join(ARTIFACT_DIR, "quartet-call-statistics.png"), width,
                             height, shown)

        driver.press(self.wait("Hang up", "push button", root=self.grid().parent)[0])
        self.wait_until(lambda: not self.call_view_shown(), "the call view to close")
        for bot in bots:
            self.assertEqual(bot.next_event("hang-up")["user"], "alice@localhost")

    def assert_two_by_two(self, grid, tiles):
        gx, gy, gw, gh = grid
        quarters = set()
        for name, (x, y, w, h) in tiles.items():
            self.assertTrue(w > gw / 3 and h > gh / 3, "%s's tile is too small" % name)
            quarters.add((x + w / 2 > gx + gw / 2, y + h / 2 > gy + gh / 2))
        self.assertEqual(len(quarters), 4, "tiles do not fill the four quarters: %s" % tiles)


def inner(box, margin=0.12):
    """The middle of a tile, away from its rounded corners and name label."""
    x, y, w, h = box
    return (int(x + w * margin), int(y + h * margin), int(w * (1 - 2 * margin)),
            int(h * (1 - 2 * margin)))


class IncomingCallTest(UiTestCase):
    def test_answer_busy_and_hang_up(self):
        self.sign_in()
        bob = self.caller(1, "--duration", "60")
        self.wait_for_ringing(bob)
        self.press("Answer")
        self.find_grid()
        self.assertEqual(self.wait_tiles(2), ["Alice (you)", "Bob"])
        self.wait_connected(self.grid(), ["Bob"])

        # Carol calls meanwhile: the engine says busy, the user is told (a
        # toast of a few seconds, which a sanitized run is too slow to catch).
        if not SANITIZED:
            carol = self.caller(2, "--answer-timeout", "20")
            self.wait("Missed call from Carol: you were busy", "label")
            self.assertEqual(carol.read_all(), EXIT_FAILED)
            self.assertEqual(carol.events_named("reject")[0]["user"], "alice@localhost")

        self.press_keys("Control_L", "h")
        self.wait_until(lambda: not self.call_view_shown(), "the call view to close")
        self.wait("Search contacts")
        bob.next_event("hang-up")
        code = bob.read_all()
        self.assertEqual(code, EXIT_OK, bob.process.stderr.read()[-3000:])

    @unittest.skipIf(SANITIZED, "under the sanitizers the bot that calls sometimes prints nothing "
                                "for 90 s (not understood yet); the plain build runs it, and the "
                                "sanitized run keeps the answer test")
    def test_decline(self):
        self.sign_in()
        bob = self.caller(1, "--answer-timeout", "30")
        self.wait_for_ringing(bob)
        self.press("Decline")
        self.assertEqual(bob.read_all(), EXIT_FAILED)
        self.assertEqual(bob.events_named("reject")[0]["user"], "alice@localhost")
        driver.wait_gone(self.app, predicate=lambda n: "is calling you" in (n.name or ""),
                         timeout=TIMEOUT)

    @unittest.skipIf(SANITIZED, "under the sanitizers the bot that calls sometimes prints nothing "
                                "for 90 s (not understood yet); the plain build runs it, and the "
                                "sanitized run keeps the answer test")
    def test_not_answered(self):
        self.sign_in()
        bob = self.caller(1, "--answer-timeout", "8", "--dialing-interval", "1")
        self.wait_for_ringing(bob)
        self.assertEqual(bob.read_all(), EXIT_FAILED)
        self.assertTrue(bob.events_named("not-answer"))
        driver.wait_gone(self.app, predicate=lambda n: "is calling you" in (n.name or ""),
                         timeout=TIMEOUT)
        self.wait("Missed call from Bob", "label")


class HistoryTest(UiTestCase):
    def label_starting(self, text):
        return self.wait(predicate=lambda n: (n.name or "").startswith(text), role="label")

    @unittest.skipIf(SANITIZED, "under the sanitizers the bot that calls sometimes prints nothing "
                                "for 90 s (not understood yet); the plain build runs it")
    def test_missed_call_listed_called_back_and_kept(self):
        self.sign_in()
        missed = self.badge() or 0  # other tests' calls, in this session's history
        bob = self.caller(1, "--answer-timeout", "6", "--dialing-interval", "1")
        self.wait_for_ringing(bob)
        self.assertEqual(bob.read_all(), EXIT_FAILED)

        # A badge on "Recent" until the user looks.
        self.wait_until(lambda: self.badge() == missed + 1, "a badge on Recent")
        self.assertIsNone(self.session.app.poll(), "the launcher started a second app")
        self.open_recent()
        self.label_starting("Missed video call")
        self.wait_until(lambda: self.badge() is None, "the badge to go")

        # One click calls Bob back, with video as he called.
        bob = self.bot(1, "--auto-answer")
        self.press("Call back Bob")
        self.find_grid()
        self.wait_connected(self.grid(), ["Bob"])
        self.press_keys("Control_L", "h")
        self.wait_until(lambda: not self.call_view_shown(), "the call view to close")
        self.label_starting("Outgoing video call, 0:")

        # Kept across a restart, newest first.
        self.quit_app()
        self.close_app()
        self.sign_in()
        self.open_recent()
        rows = self.wait(predicate=lambda n: " call" in (n.name or "") and " · " in n.name,
                         role="label", count=2)
        names = [r.name for r in rows]
        self.assertTrue(names[0].startswith("Outgoing video call"), names)
        self.assertTrue(names[1].startswith("Missed video call"), names)
        self.keep_screenshot("quartet-history.png")

    def test_a_long_history_scrolls_to_its_oldest_call(self):
        # 150 calls, the oldest with Zoe: the list makes rows for the
        # newest and more as the user scrolls, so Zoe's row does not exist
        # until the user gets near it.
        jid = self.account(0)["jid"]
        bob, carol = ("bob@localhost", "Bob"), ("carol@localhost", "Carol")
        path = self.session.write_call_history(
            jid, [[bob], [carol], [bob, carol]] * 50 + [[("zoe@localhost", "Zoe")]])
        self.addCleanup(os.remove, path)
        self.sign_in()
        self.open_recent()
        newest = self.wait("Bob", "label")[0]
        self.assertFalse(driver.find_all(self.app, "Zoe", "label", showing=False))

        # The keyboard takes the user to the end, and on to the older calls.
        x, y, w, h = driver.extents(newest)
        driver.click(self.session.env["DISPLAY"], x + w // 2, y + h // 2)
        deadline = time.monotonic() + TIMEOUT
        while not driver.find_all(self.app, "Zoe", "label"):
            self.assertLess(time.monotonic(), deadline, "Zoe's call never shown")
            self.press_keys("End")
            time.sleep(0.5)
        self.wait("Call back Zoe")


class BackgroundTest(UiTestCase):
    @unittest.skipIf(SANITIZED, "under the sanitizers the bot that calls sometimes prints nothing "
                                "for 90 s (not understood yet); the plain build runs it")
    def test_closed_window_still_takes_calls(self):
        if self.session.notifications() is None:
            self.skipTest("no notification server (dunst; tools/install-deps)")
        self.sign_in()
        missed = self.badge() or 0  # other tests' calls, in this session's history
        # Closed while signed in: the window goes, the app stays.
        self.press("Close")
        self.wait_until(lambda: not driver.find_all(self.app, "Search contacts", limit=1),
                        "the window to close")
        self.assertIsNone(self.session.app.poll(), "the app ended with its window")

        # A call rings on the desktop, and is missed.
        bob = self.caller(1, "--answer-timeout", "6", "--dialing-interval", "1")
        self.wait_until(lambda: self.session.notifications_shown() == 1, "a call notification")
        self.assertEqual(bob.read_all(), EXIT_FAILED)
        self.wait_until(lambda: ("Missed Call", "Missed call from Bob")
                        in self.session.notifications(), "a missed-call notification")

        # The launcher brings the window back, the call listed as missed.
        self.assertEqual(self.session.launch_again(ui_session.APP), 0)
        self.wait("Search contacts")
        self.wait_until(lambda: self.badge() == missed + 1, "a badge on Recent")


class CallWaitingTest(UiTestCase):
    @unittest.skipIf(SANITIZED, "under the sanitizers the bot that calls sometimes prints nothing "
                                "for 90 s (not understood yet); the plain build runs it")
    def test_a_second_call_rings_and_replaces_the_first(self):
        # Settings in a file, "Ring When Busy" on as Preferences sets it.
        config = os.path.join(self.session.tmp, "call-waiting-config")
        env = {"GSETTINGS_BACKEND": "keyfile", "XDG_CONFIG_HOME": config}
        subprocess.run(["gsettings", "set", "io.github.quartet.Quartet", "ring-when-busy", "true"],
                       env=dict(os.environ, GSETTINGS_SCHEMA_DIR=ui_session.SCHEMA_DIR, **env),
                       check=True)
        self.start_app(password=self.account(0)["password"], env=env)
        self.press("Sign in")
        self.wait("Search contacts")
        bob = self.caller(1, "--duration", "60")
        self.wait_for_ringing(bob)
        self.press("Answer")
        self.find_grid()
        self.wait_connected(self.grid(), ["Bob"])

        # Carol rings through the call, and the dialog says what answering does.
        carol = self.caller(2, "--answer-timeout", "30", "--duration", "4")
        self.wait(predicate=lambda n: "Carol is calling you" in (n.name or "")
                  and "Answering ends your current call." in n.name, role="label")
        self.press("Answer")
        self.assertEqual(bob.next_event("hang-up")["user"], "alice@localhost")
        self.find_grid()
        self.wait_connected(self.grid(), ["Carol"])
        self.assertEqual(carol.read_all(), EXIT_OK)
        self.assertFalse(carol.events_named("reject"))


class RememberedSignInTest(UiTestCase):
    def test_password_in_the_keyring_not_in_the_settings(self):
        keyring = self.session.keyring_env
        # Settings in a file, as on a desktop (dconf is a file too): what a
        # user's backup or dotfiles repository would hold.
        config = os.path.join(self.session.tmp, "remembered-config")
        env = {"GSETTINGS_BACKEND": "keyfile", "XDG_CONFIG_HOME": config}
        jid, password = self.account(0)["jid"], self.account(0)["password"]

        self.start_app(password=password, env=env)
        remember = self.wait(predicate=lambda n: (n.name or "").startswith("Remember me"),
                             role="check box")[0]
        driver.press(remember, self.session.env["DISPLAY"])
        self.press("Sign in")
        self.wait("Search contacts")

        def in_keyring():
            return subprocess.run(["secret-tool", "lookup", "jid", jid], env=keyring,
                                  capture_output=True, text=True).stdout
        self.wait_until(lambda: in_keyring() == password, "the password in the keyring")
        self.quit_app()
        self.session.stop_app()
        settings = ""
        for path in glob.glob(os.path.join(config, "glib-2.0", "settings", "*")):
            with open(path) as f:
                settings += f.read()
        self.assertIn(jid, settings)
        self.assertIn("remember=true", settings)
        self.assertNotIn(password, settings)

        # The next start needs no password: it comes from the keyring.
        self.start_app(env=env)
        self.wait("Search contacts")
        self.assertNotIn(password, self.session.app_output())


@unittest.skipIf(not Coturn.available(), "coturn is not installed (apt-get install coturn)")
class NetworkUiTest(WithTurnServer, UiTestCase):
    """The app relay-only, with no TURN server in its Preferences: it finds
    the XMPP server's (XEP-0215) by itself, and Preferences say so. Bob's
    path to the relay then rebinds (tests/harness/impaired_link.py): his
    tile says "Reconnecting…" and comes back by itself, in the same call."""
    users = ["alice", "bob"]

    def bob_state(self):
        for _ in range(20):  # a D-Bus call can time out while the app is busy: ask again
            try:
                return {t.name: driver.description(t) for t in self.tiles(self.grid())}.get("Bob")
            except Exception:
                time.sleep(0.25)
        return None

    def wait_bob(self, state):
        self.wait_until(lambda: self.bob_state() == state, "Bob's tile to say %s" % state)

    def bob_behind(self, link):
        """Bob, answering, relay-only through @link to the TURN server."""
        self.addCleanup(link.close)
        name, password = self.turn.credentials("bob")
        return self.bot(1, "--auto-answer", "--relay-only",
                        "--turn", "turn://%s:%d?transport=udp" % (link.host, link.port),
                        "--turn-user", name, "--turn-password", password)

    def call_bob_behind(self, link):
        """Signs in and calls Bob behind @link; returns @link once he is
        connected."""
        self.bob_behind(link)
        self.sign_in()
        self.press("Video call Bob")
        self.find_grid()
        self.wait_connected(self.grid(), ["Bob"])
        return link

    @unittest.skipIf(SANITIZED, "a sanitized app decoding video answers AT-SPI walks of its "
                                "tiles too slowly to follow the indicator (once, 90 s without "
                                "a match while the failure's dump showed it); the plain build "
                                "runs it")
    def test_a_lossy_link_shows_as_poor(self):
        """Bob reaches the relay through a link that loses 15% of what
        crosses it and delays it 300 ms each way: his tile's indicator says
        so, while the call goes on. (What retransmissions do not repair of
        15% is 3-10%, fair or poor by the second; a 600 ms round trip is
        poor whatever the loss: quartet-call-quality.c, whose thresholds
        tests/test-call-layout.c checks one by one.)"""
        self.call_bob_behind(ImpairedLink((self.turn.host, self.turn.port), loss=0.15,
                                          delay=0.3))
        self.wait("Connection poor", root=self.grid())
        self.log("Bob's tile says the connection is poor")
        self.press_keys("Control_L", "h")
        self.wait_until(lambda: not self.call_view_shown(), "the call view to close")

    @unittest.skipIf(SANITIZED, "a sanitized app decodes too slowly for a 2 s rule on its frames")
    def test_a_stopped_picture_shows_the_avatar(self):
        """Bob's frames stop for 4 s (his link drops everything, as a camera
        turned off by a QuickBlox JS app stops them): after 2 s his tile shows
        his avatar, not a frozen picture, and his picture when frames come
        again."""
        link = self.call_bob_behind(ImpairedLink((self.turn.host, self.turn.port)))

        # GTK 4.8 tells AT-SPI both pages of the tile's stack are visible:
        # the screen says which one is. Left of the middle of the tile,
        # Bob's picture (a ball on black) is black or white; his avatar page
        # is the tile's dark grey (#1f1f1f).
        tile = self.tile_map(self.grid(), ["Bob"], driver.extents)["Bob"]

        def avatar_shown():
            width, _, rgb = self.session.screenshot()
            x, y, w, h = tile
            box = (x + w // 20, y + h * 9 // 20, w // 10, h // 10)
            colour = ui_session.mean_colour(ui_session.region_signature(width, rgb, box, grid=2))
            return all(20 < c < 45 for c in colour)

        self.wait_until(lambda: not avatar_shown(), "Bob's picture")
        link.cut(4)
        cut = time.monotonic()
        self.wait_until(avatar_shown, "Bob's avatar instead of a frozen picture")
        self.log("avatar %.1f s after the frames stopped" % (time.monotonic() - cut))
        width, height, rgb = self.session.screenshot()
        ui_session.write_png(os.path.join(ARTIFACT_DIR, "quartet-picture-stopped.png"), width,
                             height, rgb)
        self.wait_until(lambda: not avatar_shown(), "Bob's picture again")
        self.log("picture again %.1f s after the frames stopped" % (time.monotonic() - cut))
        self.press_keys("Control_L", "h")
        self.wait_until(lambda: not self.call_view_shown(), "the call view to close")

    @unittest.skipIf(SANITIZED, "frame rates under the sanitizers measure AddressSanitizer")
    def test_relay_found_by_itself_and_a_repair_shown(self):
        link = ImpairedLink((self.turn.host, self.turn.port))
        self.bob_behind(link)
        config = os.path.join(self.session.tmp, "relay-only-config")
        os.makedirs(os.path.join(config, "glib-2.0", "settings"), exist_ok=True)
        with open(os.path.join(config, "glib-2.0", "settings", "keyfile"), "w") as f:
            f.write("[io/github/quartet/Quartet]\nrelay-only=true\n")
        self.start_app(password=self.account(0)["password"],
                       env={"GSETTINGS_BACKEND": "keyfile", "XDG_CONFIG_HOME": config})
        self.press("Sign in")
        self.wait("Search contacts")
        # Preferences say which relay is in use, and whence; no secret.
        self.press_keys("Control_L", "comma")
        in_use = "turn://%s:%d (from the server)" % (self.turn.host, self.turn.port)
        self.wait(predicate=lambda n: in_use in (n.name or ""), role="label")
        self.press_keys("Escape")
        self.wait_until(lambda: not driver.find_all(self.app, "Servers in use", limit=1),
                        "Preferences to close")
        driver.press(self.wait("Select Bob", "check box")[0], self.session.env["DISPLAY"])
        self.press("Video call")
        self.find_grid()
        self.wait_connected(self.grid(), ["Bob"])
        self.log("connected through the discovered relay")

        # Bob's NAT rebinds, and nothing gets through for 10 s, as for a
        # laptop between two networks: the repair's first connection finds
        # no relay (its allocation fails while the link is down), the next
        # one does.
        link.rebind()
        link.cut(10)
        broken_ms = time.monotonic() * 1000
        self.wait_bob("Reconnecting…")
        self.log("reconnecting")
        self.wait_bob("Connected")
        self.log("reconnected")
        self.assertEqual(self.wait_tiles(2), ["Alice (you)", "Bob"])
        self.assertGreater(self.turn.allocations(), 2)  # new ones, for the repair
        # Bob gets video from the new connection.
        bob = self.bots[0]
        bob.next_matching(lambda e: e["event"] == "received-video-track"
                          and e["mono_ms"] >= broken_ms, "Bob's video from the new connection")
        # Ctrl+H hangs up; the view closes, nobody rang again.
        self.press_keys("Control_L", "h")
        self.wait_until(lambda: not self.call_view_shown(), "the call view to close")
        bob.next_event("call-end")
        self.assertEqual(len(bob.events_named("call")), 1)
        # He says it was mended if he saw it break (Alice's repair may have
        # come first).
        self.assertIn([e["state"] for e in bob.events_named("reconnect")],
                      ([], ["reconnecting", "reconnected"]))


class CallControlsTest(UiTestCase):
    def test_own_picture_is_mirrored(self):
        """SMPTE bars run from grey on the left to blue on the right; our
        own tile shows them as a mirror would, blue on the left."""
        self.bot(1, "--auto-answer")
        self.sign_in(video="pattern:smpte")
        self.call_bob()
        time.sleep(1)  # our own frames, drawn
        tile = self.tile_map(self.grid(), ["Alice (you)"], driver.extents)["Alice (you)"]
        width, height, rgb = self.session.screenshot()
        ui_session.write_png(os.path.join(ARTIFACT_DIR, "quartet-mirrored.png"), width, height,
                             rgb)
        x, y, w, h = tile

        def colour_at(start, end):
            box = (int(x + w * start), int(y + h * 0.45), int(w * (end - start)), int(h * 0.1))
            return ui_session.mean_colour(ui_session.region_signature(width, rgb, box, grid=2))

        left, right = colour_at(0.02, 0.08), colour_at(0.92, 0.98)
        self.assertGreater(left[2], max(left[0], left[1]) + 80, "left %s, right %s" % (left, right))
        self.assertLess(max(right) - min(right), 40, "left %s, right %s" % (left, right))
        self.assertGreater(min(right), 120, "left %s, right %s" % (left, right))
        self.press_keys("Control_L", "h")
        self.wait_until(lambda: not self.call_view_shown(), "the call view to close")

    def test_double_click_shows_one_large(self):
        """A double-click on Bob's tile makes it large with ours in a strip
        below; Escape brings the side-by-side grid back."""
        self.bot(1, "--auto-answer")
        self.sign_in()
        self.call_bob()

        def sizes():
            tiles = self.tile_map(self.grid(), ["Alice (you)", "Bob"], driver.extents)
            return {name: (w, h) for name, (x, y, w, h) in tiles.items()}, tiles

        shown, tiles = sizes()
        self.assertLess(abs(shown["Alice (you)"][0] - shown["Bob"][0]), 10, shown)
        x, y, w, h = tiles["Bob"]
        driver.click(self.session.env["DISPLAY"], x + w // 2, y + h // 2, times=2)

        def spotlit():
            shown = sizes()[0]
            area = {name: w * h for name, (w, h) in shown.items()}
            return area["Bob"] > 2.5 * area["Alice (you)"]

        self.wait_until(spotlit, "Bob's tile large, ours in the strip")
        self.press_keys("Escape")
        in_grid = lambda: abs(sizes()[0]["Bob"][0] - sizes()[0]["Alice (you)"][0]) < 10  # noqa: E731
        self.wait_until(in_grid, "the grid again")

        # Without a mouse: each tile's button does the same, and says so.
        self.press("Show Bob large", root=self.grid())
        self.wait_until(spotlit, "Bob's tile large from his tile's button")
        self.press("Back to the grid", root=self.grid())
        self.wait_until(in_grid, "the grid again from the button")
        self.press_keys("Control_L", "h")
        self.wait_until(lambda: not self.call_view_shown(), "the call view to close")

    def test_camera_switched_in_the_call(self):
        bob = self.bot(1, "--auto-answer")
        self.sign_in()
        self.call_bob()
        self.wait_alice_at_bob(bob, lambda rgb: rgb[0] > 150 and rgb[2] < 80, "red")
        # The devices menu offers the test pattern where there is no camera.
        self.press("Devices")
        self.press("Test pattern", "menu item")
        self.wait_alice_at_bob(bob, lambda rgb: rgb[2] > 80, "the colour bars")
        self.press_keys("Control_L", "h")

    def test_a_peer_that_mutes_shows_it(self):
        # Bob says so as another Quartet does: in an update's userInfo.
        self.bot(1, "--auto-answer", "--user-info", "quartetAudioMuted=1",
                 "--user-info", "quartetVideoMuted=1", "--send-update")
        self.sign_in()
        self.call_bob()
        bob_tile = self.tile_map(self.grid(), ["Bob"])["Bob"]
        self.wait("Microphone off", root=bob_tile)
        self.wait("Camera off", root=bob_tile)
        self.press_keys("Control_L", "h")
        self.wait_until(lambda: not self.call_view_shown(), "the call view to close")

    def test_mute_and_camera_off_end_with_the_call(self):
        red = lambda rgb: rgb[0] > 120 and rgb[1] < 80 and rgb[2] < 80  # noqa: E731
        black = lambda rgb: max(rgb) < 40  # noqa: E731
        bob = self.bot(1, "--auto-answer")
        self.sign_in()
        self.call_bob()
        self.wait_alice_at_bob(bob, red, "the red picture")
        # A clean link on this machine: Bob's tile says so.
        self.wait("Connection good", root=self.grid())

        # Ctrl+D, Ctrl+E: the toggles go down, Bob gets black frames.
        self.press_keys("Control_L", "d")
        self.press_keys("Control_L", "e")
        self.wait_until(lambda: driver.is_pressed(self.control("Mute microphone"))
                        and driver.is_pressed(self.control("Turn camera off")),
                        "the mute and camera toggles to be down")
        self.wait_alice_at_bob(bob, black, "black frames")
        # Told in an update, for another Quartet to show on Alice's tile.
        both_muted = {"quartetAudioMuted": "1", "quartetVideoMuted": "1"}
        self.wait_until(lambda: any(e.get("userInfo") == both_muted
                                    for e in bob.events_named("update")),
                        "an update to Bob saying both are off")
        self.press_keys("Control_L", "h")
        self.wait_until(lambda: not self.call_view_shown(), "the call view to close")
        bob.next_event("call-end")

        # The next call starts with the microphone and the camera on, and
        # says so.
        self.call_bob()
        self.assertFalse(driver.is_pressed(self.control("Mute microphone")))
        self.assertFalse(driver.is_pressed(self.control("Turn camera off")))
        self.wait_alice_at_bob(bob, red, "the red picture in the second call")
        self.press_keys("Control_L", "h")
        self.wait_until(lambda: not self.call_view_shown(), "the call view to close")


class SpeakingTest(UiTestCase):
    """Who is speaking, as the call view shows it: Bob and Carol take turns
    (3 s each, by the wall clock) and only the tile of whoever talks says
    "Speaking"; Alice, whose tone goes on while she is muted, is told so on
    her own tile, with a meter of her level."""

    @staticmethod
    def speaking(tile):
        return bool(driver.find_all(tile, "Speaking", limit=1))

    def test_the_speaker_is_shown_and_a_muted_talker_told(self):
        self.bot(1, "--auto-answer", "--talk", "0/2")
        self.bot(2, "--auto-answer", "--talk", "1/2")
        self.sign_in()
        for name in ("Bob", "Carol"):
            driver.press(self.wait("Select " + name, "check box")[0], self.session.env["DISPLAY"])
        self.press("Video call")
        self.find_grid()
        self.wait_connected(self.grid(), ["Bob", "Carol"])
        tiles = self.tile_map(self.grid(), ["Bob", "Carol", "Alice (you)"])
        bob, carol, me = tiles["Bob"], tiles["Carol"], tiles["Alice (you)"]

        # Each turn shows on the speaker's tile alone, twice over.
        for _ in range(2):
            for speaker, other in ((bob, carol), (carol, bob)):
                self.wait_until(lambda: self.speaking(speaker) and not self.speaking(other),
                                "%s's tile alone to say Speaking" % speaker.name)

        # Alice's tone is her voice: her tile says she speaks...
        self.wait_until(lambda: self.speaking(me), "Alice's own tile to say Speaking")
        self.assertEqual(driver.find_all(me, "You are muted", "label"), [])
        # ... and once she mutes (Ctrl+D), that she is muted, with her level:
        # a tone at 0.1 of full scale, -23 dBFS, fills most of a 60 dB meter.
        self.press_keys("Control_L", "d")
        self.wait("You are muted", "label", root=me)
        meter = self.wait("Microphone level", root=me)[0]
        self.wait_until(lambda: meter.queryValue().currentValue > 0.4,
                        "the meter to show her level (now %s)" % meter.queryValue().currentValue)
        self.keep_screenshot("quartet-speaking.png")
        self.assertFalse(self.speaking(me), "a muted talker is not shown as speaking")
        self.press_keys("Control_L", "d")
        driver.wait_gone(me, "You are muted", "label")
        self.wait_until(lambda: self.speaking(me), "Alice's tile to say Speaking again")
        self.press_keys("Control_L", "h")
        self.wait_until(lambda: not self.call_view_shown(), "the call view to close")


@unittest.skipIf(WHY_NOT or portal.missing_tools(), WHY_NOT or portal.missing_tools() or "")
class ScreenShareTest(UiTestCase):
    """The call's Share Screen button asks the ScreenCast portal (the tests'
    stand-in, on the app's session bus, over a real PipeWire carrying a
    green X11 screen: tests/harness/portal.py) and Bob sees the screen in
    place of Alice's camera, then the camera again."""

    def setUp(self):
        super().setUp()
        self.stack = portal.ScreenCastStack(
            colour="#00c000", bus_address=self.session.env["DBUS_SESSION_BUS_ADDRESS"])
        self.stack.start()
        self.addCleanup(self.stack.close)

    def banner_shown(self):
        return bool(driver.find_all(self.grid(), "You are sharing your screen", "label"))

    def test_share_screen_stop_and_stopped_by_the_desktop(self):
        red = lambda rgb: rgb[0] > 120 and rgb[1] < 80 and rgb[2] < 80  # noqa: E731
        green = lambda rgb: rgb[1] > 120 and rgb[0] < 80 and rgb[2] < 80  # noqa: E731
        bob = self.bot(1, "--auto-answer")
        self.sign_in()
        self.call_bob()
        self.wait_alice_at_bob(bob, red, "the red camera")

        self.press("Share screen")
        self.wait_alice_at_bob(bob, green, "the shared screen", min_fps=1)
        self.wait_until(self.banner_shown, "the banner on our tile")
        self.wait_until(lambda: driver.is_pressed(self.control("Share screen")),
                        "the Share Screen toggle down")
        self.keep_screenshot("quartet-sharing-screen.png")
        # The portal's dialog belongs to our window.
        start = [c for c in self.stack.calls() if c["method"] == "Start"][0]
        self.assertTrue(start["parent_window"].startswith("x11:"), start)

        self.press("Stop Sharing")
        self.wait_alice_at_bob(bob, red, "the camera after Stop Sharing")
        self.wait_until(lambda: not self.banner_shown(), "the banner to go")
        self.assertFalse(driver.is_pressed(self.control("Share screen")))

        # Ctrl+Shift+S shares again; the desktop ends it (the shell's
        # indicator): the camera comes back by itself.
        self.press_keys("Control_L", "Shift_L", "s")
        self.wait_alice_at_bob(bob, green, "the screen shared again", min_fps=1)
        self.stack.end_sessions()
        self.wait_alice_at_bob(bob, red, "the camera after the desktop ended the cast")
        self.wait_until(lambda: not driver.is_pressed(self.control("Share screen")),
                        "the toggle up again")
        self.press_keys("Control_L", "h")
        self.wait_until(lambda: not self.call_view_shown(), "the call view to close")


class CameraPortalTestCase(UiTestCase):
    """As in a Flatpak (QUARTET_CAMERA_PORTAL=1 outside one), the camera is
    asked of the Camera portal at sign-in: allowed, Bob sees the portal's
    PipeWire camera; refused, the call goes on without it and our tile and
    Preferences say why."""
    refuse_camera = False

    def setUp(self):
        super().setUp()
        self.stack = portal.ScreenCastStack(
            bus_address=self.session.env["DBUS_SESSION_BUS_ADDRESS"], camera_colour=0xff0000c0,
            refuse_camera=self.refuse_camera)
        self.stack.start()
        self.addCleanup(self.stack.close)

    def sign_in_with_camera(self):
        self.start_app(password=self.account(0)["password"], video="camera",
                       env={"QUARTET_CAMERA_PORTAL": "1"})
        self.press("Sign in")
        self.wait("Search contacts")
        self.wait_until(lambda: "Camera.AccessCamera" in [c["method"] for c in self.stack.calls()],
                        "the app to ask the Camera portal")


@unittest.skipIf(WHY_NOT or portal.missing_tools(), WHY_NOT or portal.missing_tools() or "")
class CameraAllowedTest(CameraPortalTestCase):
    def test_allowed_camera_is_the_portals(self):
        bob = self.bot(1, "--auto-answer")
        self.sign_in_with_camera()
        self.call_bob()
        blue = lambda rgb: rgb[2] > 120 and rgb[0] < 80 and rgb[1] < 80  # noqa: E731
        self.wait_alice_at_bob(bob, blue, "the portal's camera")
        # The devices menu offers the portal's cameras: picked, it stays.
        self.press("Devices")
        self.press(portal.CAMERA_DESCRIPTION, "menu item")
        self.wait_alice_at_bob(bob, blue, "the portal's camera, picked by name")
        # The menu's popover takes the keys while it is open.
        self.wait_until(lambda: not driver.find_all(self.app, portal.CAMERA_DESCRIPTION,
                                                    "menu item", limit=1),
                        "the devices menu to close")
        self.press_keys("Control_L", "h")
        self.wait_until(lambda: not self.call_view_shown(), "the call view to close")


@unittest.skipIf(WHY_NOT or portal.missing_tools(), WHY_NOT or portal.missing_tools() or "")
class CameraRefusedTest(CameraPortalTestCase):
    refuse_camera = True

    def test_refused_camera_is_said_and_the_call_goes_on(self):
        bob = self.bot(1, "--auto-answer")
        self.sign_in_with_camera()
        self.wait(predicate=lambda n: "calls go without it" in (n.name or ""), role="label")
        self.call_bob()
        me = self.tile_map(self.grid(), ["Alice (you)"])["Alice (you)"]
        self.wait("Quartet may not use the camera", "label", root=me)
        self.wait_alice_at_bob(bob, lambda rgb: max(rgb) < 40, "black from Alice")
        self.press_keys("Control_L", "h")
        self.wait_until(lambda: not self.call_view_shown(), "the call view to close")
        # Preferences say it where the camera is chosen.
        self.press_keys("Control_L", "comma")
        self.wait(predicate=lambda n: (n.name or "").startswith("Not allowed"), role="label")
        self.press_keys("Escape")


@unittest.skipIf(WHY_NOT, WHY_NOT or "")
class CallSettingsTest(UiTestCase):
    def heights_at_bob(self, bob, count):
        """The heights of Alice's video at Bob over his next @count stats
        while it flows."""
        heights = []
        while len(heights) < count:
            stats = bob.next_event("stats")
            if stats["fps"] >= 5:
                heights.append(stats["height"])
        return heights

    def test_video_quality_cap_applies_in_the_call(self):
        # Settings in a file, so that the test changes them as another
        # process would (gsettings, Preferences); a machine cap of 720p
        # (the other UI tests cap at 360p) so that the cap is ours.
        config = os.path.join(self.session.tmp, "call-settings-config")
        env = {"GSETTINGS_BACKEND": "keyfile", "XDG_CONFIG_HOME": config,
               "QUARTET_VIDEO_MAX_HEIGHT": "720"}
        bob = self.bot(1, "--auto-answer")
        self.start_app(password=self.account(0)["password"], env=env, video="pattern:smpte")
        self.press("Sign in")
        self.press("Video call Bob")
        self.find_grid()
        self.wait_connected(self.grid(), ["Bob"])

        # Open, the ladder climbs past 360p...
        deadline = time.monotonic() + TIMEOUT
        while max(self.heights_at_bob(bob, 1)) <= 360:
            self.assertLess(time.monotonic(), deadline, "Alice's video never went past 360p")

        # ... and a cap of 360p brings it down within seconds, in the call.
        subprocess.run(["gsettings", "set", "io.github.quartet.Quartet", "video-quality", "360p"],
                       env=dict(os.environ, GSETTINGS_SCHEMA_DIR=ui_session.SCHEMA_DIR, **env),
                       check=True)
        deadline = time.monotonic() + TIMEOUT
        while max(self.heights_at_bob(bob, 1)) > 360:
            self.assertLess(time.monotonic(), deadline, "the cap never applied")
        self.assertLessEqual(max(self.heights_at_bob(bob, 5)), 360)


@unittest.skipUnless(PulseServer.available(), "pulseaudio is not installed (tools/install-deps)")
class DevicesTest(UiTestCase):
    """The devices menu of a call, on a real sound server whose devices the
    test plugs in and out; pactl says where the app's streams really go."""

    def open_devices_menu(self, item):
        # The menu button is a toggle whose state can lag the popover just
        # closed by a choice: a click may close what it means to open. A
        # menu left open without the item (a device the app has not heard
        # of yet) is closed before the next try.
        for _ in range(4):
            self.press("Devices")
            try:
                return self.wait(item, "menu item", timeout=10 if SANITIZED else 5)[0]
            except AssertionError:
                self.press_keys("Escape")
                continue
        self.fail("the devices menu never showed %s" % item)

    def choose(self, name):
        driver.press(self.open_devices_menu(name), self.session.env["DISPLAY"])

    def wait_streams(self, pulse, kind, devices):
        self.wait_until(lambda: pulse.streams(kind, "quartet") == devices,
                        "the app's %s on %s (now %s)" % (kind, devices,
                                                         pulse.streams(kind, "quartet")))

    def test_microphone_and_speaker_switched_in_the_call_and_unplugged(self):
        with PulseServer() as pulse:
            pulse.add_sink("speakers", "Laptop Speakers")
            pulse.add_source("laptopmic", "Laptop Microphone")
            pulse.pactl("set-default-sink", "speakers")
            pulse.pactl("set-default-source", "laptopmic")
            self.bot(1, "--auto-answer")
            try:
                self.switch_and_unplug(pulse)
            finally:
                self.close_app()  # before the sound server goes

    def switch_and_unplug(self, pulse):
        # No --audio: the microphone of the settings, as a user has it.
        self.launch_app(["--server", "%s:%d" % (self.server.host, self.server.c2s_port),
                         "--jid", self.account(0)["jid"], "--cafile", self.server.cafile,
                         "--video", APP_VIDEO], password=self.account(0)["password"],
                        env=pulse.env({"QUARTET_AUDIO_SINK": "pulsesink"}))
        self.press("Sign in")
        self.press("Video call Bob")
        self.find_grid()
        self.wait_connected(self.grid(), ["Bob"])
        self.wait_streams(pulse, "sink-inputs", ["speakers"])
        self.wait_streams(pulse, "source-outputs", ["laptopmic"])

        # A headset plugged in during the call is offered at once...
        headset = pulse.add_sink("headset", "USB Headset")
        pulse.add_source("headsetmic", "Headset Microphone")
        headset_item = self.open_devices_menu("USB Headset")
        self.keep_screenshot("quartet-devices.png")
        driver.press(headset_item, self.session.env["DISPLAY"])
        self.wait_streams(pulse, "sink-inputs", ["headset"])
        self.choose("Headset Microphone")
        self.wait_streams(pulse, "source-outputs", ["headsetmic"])

        # ... and unplugged, the call goes on on the default, and says so.
        pulse.unplug(headset)
        self.wait("USB Headset was unplugged: the default speaker is used", "label")
        self.wait_streams(pulse, "sink-inputs", ["speakers"])
        self.press_keys("Control_L", "h")
        self.wait_until(lambda: not self.call_view_shown(), "the call view to close")

    def test_microphone_test_and_ringtone_on_the_chosen_speaker(self):
        with PulseServer() as pulse:
            pulse.add_sink("speakers", "Laptop Speakers")
            pulse.add_sink("headset", "USB Headset")
            pulse.pactl("set-default-sink", "speakers")
            try:
                self.check_microphone_and_ring(pulse)
            finally:
                self.close_app()  # before the sound server goes

    def check_microphone_and_ring(self, pulse):
        # The test tone for a microphone, so that there is a level to show.
        config = os.path.join(self.session.tmp, "devices-config")
        env = pulse.env({"QUARTET_AUDIO_SINK": "pulsesink", "GSETTINGS_BACKEND": "keyfile",
                         "XDG_CONFIG_HOME": config})
        subprocess.run(["gsettings", "set", "io.github.quartet.Quartet", "microphone", "tone"],
                       env=dict(os.environ, GSETTINGS_SCHEMA_DIR=ui_session.SCHEMA_DIR, **env),
                       check=True)
        self.launch_app(["--server", "%s:%d" % (self.server.host, self.server.c2s_port),
                         "--jid", self.account(0)["jid"], "--cafile", self.server.cafile,
                         "--video", APP_VIDEO], password=self.account(0)["password"], env=env)
        self.press("Sign in")
        self.wait("Search contacts")

        # Preferences (Ctrl+,): the headset as the speaker...
        self.press_keys("Control_L", "comma")
        self.choose_in_combo("Speaker", lambda: self.setting(env, "speaker") == "'speaker:headset'")
        # ... and the microphone tested: its level as it records, what it
        # recorded played back on the headset two seconds later.
        self.press("Test")
        meter = self.wait("Microphone level")[0]
        self.wait_until(lambda: meter.queryValue().currentValue > 0.4,
                        "the meter to show the tone (now %s)" % meter.queryValue().currentValue)
        self.wait(predicate=lambda n: (n.name or "").startswith("Playing back what you said"))
        self.wait_streams(pulse, "sink-inputs", ["headset"])
        self.keep_screenshot("quartet-microphone-test.png")
        self.press("Stop")
        self.wait_streams(pulse, "sink-inputs", [])
        self.press_keys("Escape")

        # The ringtone rings there too.
        bob = self.caller(1, "--answer-timeout", "30")
        self.wait_for_ringing(bob)
        self.wait_streams(pulse, "sink-inputs", ["headset"])
        self.press("Decline")
        self.wait_streams(pulse, "sink-inputs", [])

    def choose_in_combo(self, row, chosen):
        """Picks the item of combo @row for which chosen() becomes true, with
        the keyboard as a user may: the list's popover is a surface of its
        own, where the pointer cannot be aimed from here."""
        for downs in range(1, 6):
            self.press(row, "combo box")
            time.sleep(0.5)
            for _ in range(downs):
                self.press_keys("Down")
            self.press_keys("Return")
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:
                if chosen():
                    return
                time.sleep(0.2)
        self.fail("no item of %s could be chosen" % row)

    def setting(self, env, key):
        return subprocess.run(
            ["gsettings", "get", "io.github.quartet.Quartet", key], capture_output=True,
            text=True, env=dict(os.environ, GSETTINGS_SCHEMA_DIR=ui_session.SCHEMA_DIR, **env)
        ).stdout.strip()


class TranslatedUiTest(AppTestMixin, unittest.TestCase):
    """`LANGUAGE=de quartet` shows German: the sign-in button is named from
    po/de.po, built into the build dir (QUARTET_LOCALEDIR). No server."""

    def setUp(self):
        self.session = SESSION
        self.started = time.monotonic()

    def tearDown(self):
        self.close_app()

    def test_german_sign_in_page(self):
        self.launch_app([], env={"LANGUAGE": "de",
                                 "QUARTET_LOCALEDIR": os.environ.get("QUARTET_LOCALEDIR", "")})
        self.wait("Anmelden", "push button")
        self.assertEqual(driver.find_all(self.app, "Sign in", "push button"), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
