#!/usr/bin/python3
"""Real calls between quartet-cli processes on a real Prosody: 2-party video
and audio, reject, no answer, hang-up, and 3- and 4-party meshes.

The caller sends test pattern 4 (red), the callees 6 (blue) and 5 (green), so
each side can tell from the decoded pixels whose video it receives.
"""
import os
import unittest

from quartet_cli_test import CliProcess, CliTestCase, EXIT_OK, EXIT_FAILED, EXIT_USAGE

RED, GREEN, BLUE = 0, 1, 2
PATTERN = {RED: "pattern:4", GREEN: "pattern:5", BLUE: "pattern:6"}
os.environ.setdefault("QUARTET_AUDIO_SINK", "fake")
SANITIZED = bool(os.environ.get("QUARTET_SANITIZED"))
# Fluent video: 25 of the pattern's 30 fps. Under the sanitizers a call
# of a few seconds on two loaded cores is checked for video that flows
# (the code path runs sanitized); fluency is the plain build's to show.
FLUENT_FPS = 15 if SANITIZED else 25
# What a picture may take to come, from a process that is 2-5 times slower
# under the sanitizers.
PICTURE_TIMEOUT = 60 if SANITIZED else 30


def dominant(rgb):
    return max(range(3), key=lambda i: rgb[i])


def write_y4m(path, width, height, frames, yuv):
    """@frames frames of one colour (@yuv: limited-range Y, Cb, Cr) as a
    YUV4MPEG2 file, as y4menc writes."""
    y, cb, cr = yuv
    chroma = (width // 2) * (height // 2)
    frame = bytes([y]) * (width * height) + bytes([cb]) * chroma + bytes([cr]) * chroma
    with open(path, "wb") as f:
        f.write(b"YUV4MPEG2 W%d H%d F30:1 Ip A1:1 C420jpeg\n" % (width, height))
        for _ in range(frames):
            f.write(b"FRAME\n" + frame)


class CallTestCase(CliTestCase):
    users = ["alice", "bob", "carol", "dave"]

    def setUp(self):
        self.processes = []

    def tearDown(self):
        for process in self.processes:
            process.stop()

    def bot(self, index, colour=BLUE, *extra, env=None):
        bot = CliProcess("listen", self.account_args(index) + [
            "--video", PATTERN[colour], "--no-voice-processing"] + list(extra), env=env)
        self.processes.append(bot)
        bot.next_event("roster")
        return bot

    def caller(self, users, colour=RED, *extra, env=None):
        jids = [self.account(i)["jid"] for i in users]
        caller = CliProcess("call", self.account_args(0) + [
            "--video", PATTERN[colour], "--no-voice-processing"] + list(extra) + jids, env=env)
        self.processes.append(caller)
        return caller

    def stats_from(self, process, user):
        return [e for e in process.events if e["event"] == "stats" and e["user"] == user]

    def assert_receives_video(self, process, user, colour, fluent_seconds=2):
        stats = self.stats_from(process, user)
        fluent = [s for s in stats if s["fps"] >= FLUENT_FPS]
        self.assertGreaterEqual(len(fluent), fluent_seconds, "not >= %d fps from %s: %s" % (
            FLUENT_FPS, user, [s["fps"] for s in stats]))
        self.assertEqual(dominant(fluent[-1]["average_rgb"]), colour,
                         "wrong picture from %s: %s" % (user, fluent[-1]["average_rgb"]))
        tracks = [e for e in process.events_named("received-video-track") if e["user"] == user]
        self.assertEqual(len(tracks), 1)

    def assert_connected(self, process, user):
        states = [e["state"] for e in process.events_named("peer-connection-state-changed")
                  if e["user"] == user]
        self.assertIn("connected", states)


class TwoPartyTest(CallTestCase):
    def test_video_call(self):
        bob = self.bot(1, BLUE, "--auto-answer")
        alice = self.caller([1], RED, "--duration", "4")
        self.assertEqual(alice.read_all(), EXIT_OK, alice.stderr_text())

        bob.next_event("call-end")
        self.assertEqual(bob.events_named("call")[0]["user"], "alice@localhost")
        self.assertEqual(alice.events_named("accept")[0]["user"], "bob@localhost")
        self.assert_connected(alice, "bob@localhost")
        self.assert_connected(bob, "alice@localhost")
        self.assert_receives_video(alice, "bob@localhost", BLUE)
        self.assert_receives_video(bob, "alice@localhost", RED)
        # On loopback the pair is direct, and the figures say so (from the
        # first stats reply on: the route is "unknown" before it).
        routes = [e["route"] for e in alice.events_named("stats") if e["fps"] > 0]
        self.assertEqual(routes[-1], "direct", routes)
        self.assertNotIn("relayed", routes)
        # Alice hung up: Bob hears it, and both calls end.
        self.assertEqual(bob.events_named("hang-up")[0]["user"], "alice@localhost")
        self.assertEqual(len(alice.events_named("call-end")), 1)

    def test_audio_only_call(self):
        bob = self.bot(1, BLUE, "--auto-answer")
        alice = self.caller([1], RED, "--duration", "3", "--audio-only")
        self.assertEqual(alice.read_all(), EXIT_OK, alice.stderr_text())
        bob.next_event("call-end")

        for process, other in ((alice, "bob@localhost"), (bob, "alice@localhost")):
            stats = self.stats_from(process, other)
            self.assertGreater(stats[-1]["audio_packets"], 0)
            self.assertEqual(stats[-1]["video_frames"], 0)
            self.assertEqual(process.events_named("received-video-track"), [])

    def test_reject(self):
        bob = self.bot(1, BLUE, "--reject")
        alice = self.caller([1], RED, "--answer-timeout", "20")
        self.assertEqual(alice.read_all(), EXIT_FAILED)
        rejects = alice.events_named("reject")
        if not rejects:
            self.fail("no reject: %s\n--- bob ---\n%s" % (alice.stderr_text(),
                                                          bob.stop()[2]))
        self.assertEqual(rejects[0]["user"], "bob@localhost")
        self.assertEqual(len(alice.events_named("call-end")), 1)
        bob.next_event("call-end")

    def test_no_answer(self):
        bob = self.bot(1, BLUE, "--answer-timeout", "2")
        alice = self.caller([1], RED, "--answer-timeout", "2", "--dialing-interval", "0.5")
        self.assertEqual(alice.read_all(), EXIT_FAILED)
        self.assertEqual(alice.events_named("not-answer")[0]["user"], "bob@localhost")
        self.assertEqual(len(alice.events_named("call-end")), 1)
        # Bob saw the call ring exactly once despite the re-sends, then it ended.
        bob.next_event("call-end")
        self.assertEqual(len(bob.events_named("call")), 1)


class MeshTest(CallTestCase):
    def mesh_call(self, callees):
        colours = [BLUE, GREEN, BLUE]
        bots = [self.bot(i, colours[n], "--auto-answer") for n, i in enumerate(callees)]
        # The callees' own pairs connect after the initiator's; sanitized
        # processes take seconds longer for their DTLS handshakes.
        duration = "14" if os.environ.get("QUARTET_SANITIZED") else "8"
        alice = self.caller(callees, RED, "--duration", duration)
        self.assertEqual(alice.read_all(), EXIT_OK, alice.stderr_text())
        # The others go on without the initiator until they hang up too.
        for bot in bots:
            code, _, err = bot.stop()
            self.assertEqual(code, EXIT_OK, err)
            self.assertEqual([e["user"] for e in bot.events_named("hang-up")][:1],
                             ["alice@localhost"])
            self.assertEqual(len(bot.events_named("call-end")), 1)

        everyone = [(alice, "alice@localhost", RED)] + [
            (bot, self.account(i)["jid"], colours[n])
            for n, (bot, i) in enumerate(zip(bots, callees))]
        for process, me, _ in everyone:
            for _, other, colour in everyone:
                if other != me:
                    self.assert_connected(process, other)
                    self.assert_receives_video(process, other, colour)

    def test_three_party_mesh(self):
        self.mesh_call([1, 2])

    @unittest.skipIf(os.environ.get("QUARTET_SANITIZED"),
                     "four sanitized processes decoding three streams each do not fit two cores;"
                     " the plain build runs it")
    def test_four_party_mesh(self):
        self.mesh_call([1, 2, 3])


class SpeakingTest(CallTestCase):
    """Who is speaking, measured on what each side decodes: Alice and Bob
    take turns (3 s each, by the wall clock) and each hears the other start
    in the other's turn, in alternation with their own."""

    def starts(self, process):
        """Who started speaking, in order, as @process saw it: "me" for its
        own microphone, the user for the others."""
        return [(e.get("user", "me"), e["level"]) for e in process.events_named("speaking")
                if e["speaking"]]

    def test_turns_are_heard_in_turn(self):
        bob = self.bot(1, BLUE, "--auto-answer", "--talk", "1/2")
        alice = self.caller([1], RED, "--duration", "14", "--talk", "0/2")
        self.assertEqual(alice.read_all(), EXIT_OK, alice.stderr_text())
        bob.next_event("call-end")

        for process, other in ((alice, "bob@localhost"), (bob, "alice@localhost")):
            starts = self.starts(process)
            who = [user for user, _ in starts]
            # Merge what one turn repeats (a start, a pause, a start).
            turns = [u for i, u in enumerate(who) if i == 0 or who[i - 1] != u]
            # Merged, the turns alternate: each start of the other's came in
            # their turn, between two of ours. (A start can repeat within a
            # turn: under the sanitizers a late buffer is a gap in a voice.)
            self.assertGreaterEqual(turns.count(other), 2, starts)
            self.assertGreaterEqual(turns.count("me"), 2, starts)
            # A tone at 0.1 of full scale is -23 dBFS; the threshold is -40.
            for user, level in starts:
                self.assertGreater(level, -40, starts)
            stops = [e for e in process.events_named("speaking")
                     if not e["speaking"] and e.get("user") == other]
            self.assertGreaterEqual(len(stops), 1, process.events_named("speaking"))

    def test_muted_speech_is_ours_alone(self):
        # Bob's tone goes on while he is muted: he is told he speaks (the
        # app says "You are muted"), Alice hears silence.
        bob = self.bot(1, BLUE, "--auto-answer", "--muted")
        alice = self.caller([1], RED, "--duration", "5", "--audio", "none")
        self.assertEqual(alice.read_all(), EXIT_OK, alice.stderr_text())
        bob.next_event("call-end")
        # Once, or again after a gap (a late buffer under the sanitizers):
        # his own voice only.
        self.assertEqual({user for user, _ in self.starts(bob)}, {"me"})
        self.assertEqual(self.starts(alice), [])
        self.assertGreater(self.stats_from(alice, "bob@localhost")[-1]["audio_packets"], 100)


class QuickbloxIdTest(CallTestCase):
    """Accounts in the QuickBlox form {userId}-{appId}@chat: calls name
    users by their numeric id, and events carry those ids (as QuickBlox SDK
    apps see them)."""
    users = ["4242-97", "4343-97"]

    def app_id_args(self, index):
        user_id = self.account(index)["username"].split("-")[0]
        args = self.account_args(index)
        args[args.index("--jid") + 1] = "%s@%s" % (user_id, self.server.domain)
        return args + ["--app-id", "97"]

    def test_call_by_user_id(self):
        bob = CliProcess("listen", self.app_id_args(1) + [
            "--video", PATTERN[BLUE], "--no-voice-processing", "--auto-answer"])
        self.processes.append(bob)
        bob.next_event("roster")
        alice = CliProcess("call", self.app_id_args(0) + [
            "--video", PATTERN[RED], "--no-voice-processing", "--duration", "3", "4343"])
        self.processes.append(alice)
        self.assertEqual(alice.read_all(), EXIT_OK, alice.stderr_text())
        bob.next_event("call-end")

        self.assertEqual(bob.events_named("call")[0]["user"], "4242")
        self.assertEqual(alice.events_named("accept")[0]["user"], "4343")
        self.assert_receives_video(alice, "4343", BLUE)

    def test_app_id_needs_a_numeric_user(self):
        result = self.run_cli("login", "--jid", "alice@localhost", "--app-id", "97",
                              "--password", "x")
        self.assertEqual(result.returncode, EXIT_USAGE)
        self.assertIn("USER-ID@CHAT-DOMAIN", result.stderr)


class VideoFileTest(CallTestCase):
    """`--video file:PATH`: a .y4m file sent in a loop, what the CPU
    benchmark hands Quartet and Chromium alike."""
    GREEN_YUV = (145, 54, 34)

    def call_sending(self, video):
        bob = self.bot(1, BLUE, "--auto-answer")
        alice = CliProcess("call", self.account_args(0) + [
            "--video", video, "--no-voice-processing", "--duration", "4",
            self.account(1)["jid"]])
        self.processes.append(alice)
        return alice, bob

    def test_a_file_is_sent_over_and_over(self):
        path = os.path.join(self.tmp.name, "green.y4m")
        write_y4m(path, 320, 240, 10, self.GREEN_YUV)  # a third of a second
        alice, bob = self.call_sending("file:" + path)
        self.assertEqual(alice.read_all(), EXIT_OK, alice.stderr_text())
        bob.next_event("call-end")
        self.assert_receives_video(bob, "alice@localhost", GREEN)
        self.assert_receives_video(alice, "bob@localhost", BLUE)

    def test_a_file_that_is_not_video_says_so(self):
        path = os.path.join(self.tmp.name, "notes.y4m")
        with open(path, "w") as f:
            f.write("not a video\n")
        for video, message in (("file:" + path, "is not a YUV4MPEG2"),
                               ("file:" + path + ".missing", "Cannot read the video file")):
            alice, _ = self.call_sending(video)
            self.assertEqual(alice.read_all(), EXIT_FAILED, video)
            self.assertIn(message, alice.stderr_text())
            self.assertEqual(len(alice.stderr_text().strip().splitlines()), 1,
                             alice.stderr_text())


if __name__ == "__main__":
    unittest.main(verbosity=2)
