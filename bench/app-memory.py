#!/usr/bin/python3
"""Memory of the GTK app: signed in and idle, in a 4-party call, and over
many calls.

Starts a headless desktop (Xvfb, a session bus, AT-SPI: tests/ui_session.py),
a throwaway Prosody and three `quartet-cli listen --auto-answer` bots, then
the real `quartet` app as Alice, and drives it the way the UI tests do, by
accessible names:

  idle     signed in, contacts shown, IDLE_SECONDS later: RSS, peak, CPU
  4-party  Alice calls Bob, Carol and Dave (video, a 720p test pattern);
           once the three tiles say Connected, RSS each second for
           --call-seconds: the highest and the last
  calls    --cycles 1:1 calls to Bob, each hung up (Ctrl+H) once
           connected; RSS after each, growth from call --skip to the last
  history  the app started again on a full call history (--history
           records, written before it starts: a long-time user's app),
           idle, then with "Recent" shown

Software rendering under Xvfb (GSK_RENDERER=cairo) costs memory a GPU
renderer would not, and the other way round; the figures are the app's on
this machine, not a desktop's. A desktop has a sound server, and so has
the bench: a throwaway PulseAudio (tests/harness/pulse.py) unless
--no-sound-server. Without one, GStreamer 1.22's pulse device provider
loses ~21 KiB each time it fails to connect, which the devices menu of
every call makes it do.

    /usr/bin/python3 bench/app-memory.py [--cycles 30] [--skip 5] [--call-seconds 15]
"""
import argparse
import os
import sys
import time

from benchlib import BUILD, DEFAULT_CLI, HERE, Cli, Server, idle_figures, machine, memory_kib, \
    stop_all, thread_count

# What meson's test environment gives the UI tests, for a run by hand.
os.environ.setdefault("QUARTET_APP", os.path.join(BUILD, "src", "ui", "quartet"))
os.environ.setdefault("QUARTET_SCHEMA_DIR", os.path.join(BUILD, "data"))
os.environ.setdefault("GSETTINGS_BACKEND", "memory")
os.environ.setdefault("QUARTET_AUDIO_SINK", "fake")
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
import ui_session  # noqa: E402
from pulse import PulseServer  # noqa: E402  (tests/harness, on sys.path from benchlib)

IDLE_SECONDS = 5
TIMEOUT = 45
VIDEO = ["--video", "pattern:ball"]


class App:
    """The app as Alice, on a started UiSession, driven over AT-SPI."""

    def __init__(self, session, server):
        import atspi_driver  # after the session's AT-SPI bus is up
        self.driver = atspi_driver
        self.session = session
        self.display = session.env["DISPLAY"]
        account = server.prosody.accounts[0]
        session.start_app(ui_session.APP, [
            "--server", f"{server.prosody.host}:{server.prosody.c2s_port}",
            "--jid", account["jid"], "--cafile", server.prosody.cafile,
            "--video", "pattern:ball", "--audio", "tone"],
            password=account["password"],
            extra_env={"GSETTINGS_SCHEMA_DIR": ui_session.SCHEMA_DIR})
        self.pid = session.app.pid
        self.root = atspi_driver.find_app(self.pid, timeout=TIMEOUT)

    def wait(self, name, role=None, root=None):
        return self.driver.wait_for(root or self.root, name, role, timeout=TIMEOUT)[0]

    def press(self, name, role="push button"):
        self.driver.press(self.wait(name, role), self.display)

    def sign_in(self):
        self.press("Sign in")
        self.wait("Search contacts")

    def call(self, names):
        """Calls @names (one: its own call button; more: selected) and
        waits until their tiles say Connected."""
        if len(names) == 1:
            self.press("Video call " + names[0])
        else:
            for name in names:
                self.press("Select " + name, "check box")
            self.press("Video call")
        grid = self.wait("Call participants")
        deadline = time.monotonic() + TIMEOUT
        states = {}
        while time.monotonic() < deadline:
            try:
                states = {}
                for i in range(grid.childCount):
                    tile = grid.getChildAtIndex(i)
                    if tile is not None:
                        states[tile.name] = self.driver.description(tile)
            except Exception:  # a D-Bus call that timed out while the app was busy
                continue
            if all(states.get(n) == "Connected" for n in names):
                return
            time.sleep(0.25)
        raise RuntimeError(f"not all of {names} connected: {states}")

    def hang_up(self):
        self.driver.press_keys(self.display, ("Control_L", "h"))
        deadline = time.monotonic() + TIMEOUT
        while self.driver.find_all(self.root, "Call participants", limit=1):
            if time.monotonic() > deadline:
                raise RuntimeError("the call view is still shown")
            time.sleep(0.2)

    def show_recent(self):
        """Clicks the "Recent" tab on screen (three switchers name it; the
        one shown has a size)."""
        self.wait("Recent", "page tab")
        tab = [t for t in self.driver.find_all(self.root, "Recent", "page tab")
               if self.driver.extents(t)[2] > 0][0]
        x, y, w, h = self.driver.extents(tab)
        self.driver.click(self.display, x + w // 2, y + h // 2)
        self.wait("Recent calls", "list")

    def stop(self):
        self.session.stop_app()

    def rss_mib(self):
        return memory_kib(self.pid)[0] / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", default=DEFAULT_CLI)
    parser.add_argument("--cycles", type=int, default=30)
    parser.add_argument("--skip", type=int, default=5)
    parser.add_argument("--call-seconds", type=int, default=15)
    parser.add_argument("--history", type=int, default=500,
                        help="records of the full history (the app keeps 500); 0: no such phase")
    parser.add_argument("--no-sound-server", action="store_true",
                        help="no PulseAudio for the app to find its devices on")
    args = parser.parse_args()

    why_not = ui_session.why_not_run()
    if why_not:
        sys.exit(f"app-memory: {why_not}")
    pulse = None
    if not args.no_sound_server and PulseServer.available():
        pulse = PulseServer().start()
        os.environ.update(pulse.env())  # before the session takes the environment
    print(machine() + ("; a throwaway PulseAudio" if pulse else "; no sound server"))
    session = ui_session.start_module_session()
    bots = []
    try:
        with Server(["alice", "bob", "carol", "dave"]) as server:
            bots = [Cli(args.cli, "listen", server, i, VIDEO + ["--auto-answer"])
                    for i in (1, 2, 3)]
            for bot in bots:
                bot.wait_for("roster")
            app = App(session, server)
            app.sign_in()
            rss, peak, idle_cpu = idle_figures(app.pid, IDLE_SECONDS)
            print(f"app signed in and idle: RSS {rss / 1024:.1f} MiB, peak {peak / 1024:.1f} MiB "
                  f"(target <= 60); CPU {100 * idle_cpu:.1f}% of a core")

            app.call(["Bob", "Carol", "Dave"])
            in_call = []
            for _ in range(args.call_seconds):
                time.sleep(1)
                in_call.append(app.rss_mib())
            print(f"app in a 4-party video call, {args.call_seconds} s once connected: RSS "
                  f"highest {max(in_call):.1f} MiB, last {in_call[-1]:.1f} MiB (target <= 150); "
                  f"peak since start {memory_kib(app.pid)[1] / 1024:.1f} MiB; "
                  f"{thread_count(app.pid)} threads")
            app.hang_up()
            time.sleep(1)
            print(f"after the 4-party call: RSS {app.rss_mib():.1f} MiB")
            # Left alone, the bots would stay in a call with each other.
            stop_all(bots)
            bots = [Cli(args.cli, "listen", server, 1, VIDEO + ["--auto-answer"])]
            bots[0].wait_for("roster")

            after = {}
            for cycle in range(1, args.cycles + 1):
                app.call(["Bob"])
                app.hang_up()
                time.sleep(0.5)  # the peer's teardown
                after[cycle] = app.rss_mib()
                if cycle % 10 == 0 or cycle == args.skip:
                    print(f"  after 1:1 call {cycle}: RSS {after[cycle]:.1f} MiB",
                          file=sys.stderr, flush=True)
            if args.cycles > args.skip:
                growth = after[args.cycles] - after[args.skip]
                print(f"{args.cycles} 1:1 calls: RSS {after[args.skip]:.1f} MiB after call "
                      f"{args.skip}, {after[args.cycles]:.1f} MiB after call {args.cycles}: "
                      f"growth {growth:+.2f} MiB "
                      f"({1024 * growth / (args.cycles - args.skip):+.0f} KiB a call); "
                      f"lowest {min(after.values()):.1f}, highest {max(after.values()):.1f}")

            if args.history:
                app.stop()
                bob, carol = ("bob@localhost", "Bob"), ("carol@localhost", "Carol")
                session.write_call_history(server.prosody.accounts[0]["jid"],
                                           [[bob], [carol], [bob, carol]] * (args.history // 3)
                                           + [[bob]] * (args.history % 3))
                app = App(session, server)
                app.sign_in()
                rss, _, _ = idle_figures(app.pid, IDLE_SECONDS)
                print(f"app on a history of {args.history} calls, signed in and idle: "
                      f"RSS {rss / 1024:.1f} MiB")
                app.show_recent()
                rss, _, _ = idle_figures(app.pid, IDLE_SECONDS)
                print(f"  with Recent shown: RSS {rss / 1024:.1f} MiB (target <= 60)")
    finally:
        stop_all(bots)
        session.close()
        if pulse is not None:
            pulse.close()


if __name__ == "__main__":
    sys.exit(main())
