#!/usr/bin/python3
"""The desktop portals, between quartet-cli peers on a real Prosody.

Screen sharing: the sharer asks the ScreenCast portal (CreateSession,
SelectSources, Start, OpenPipeWireRemote) for a screen of a known colour
that a real PipeWire daemon carries (tests/harness/portal.py says why the
portal's D-Bus side is a stand-in), and the peer sees that screen in place
of the camera, on the same stream, then the camera again.

The camera as a sandboxed app must open it: AccessCamera, then the Camera
portal's PipeWire remote, whose camera the peer sees; a refused camera is
said so, and the call goes on without it.
"""
import os
import sys
import unittest

from quartet_cli_test import CliProcess
from test_call import CallTestCase, dominant, RED, GREEN, BLUE, PATTERN, PICTURE_TIMEOUT

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness"))
import portal  # noqa: E402

SCREEN = "#00c000"  # green: neither the caller's pattern (red) nor the callee's (blue)
MONITOR, WINDOW, CURSOR_EMBEDDED = 1, 2, 2


@unittest.skipIf(portal.missing_tools(), portal.missing_tools())
class ScreenShareTest(CallTestCase):
    refuse = False

    def setUp(self):
        super().setUp()
        self.stack = portal.ScreenCastStack(colour=SCREEN, refuse=self.refuse)
        self.stack.start()
        self.addCleanup(self.stack.close)

    def sharer(self, *extra):
        caller = CliProcess("call", self.account_args(0) + [
            "--video", "screen", "--video-commands", "--no-voice-processing",
            "--duration", "60"] + list(extra) + [self.account(1)["jid"]],
            env=self.stack.env(), stdin=True)
        self.processes.append(caller)
        return caller

    def video_source(self, process):
        return process.next_event("video-source")

    def wait_for_picture(self, bob, colour, what, height=None):
        """The stats of what Bob receives from Alice, once they show @colour
        (at @height lines)."""
        return bob.next_matching(
            lambda e: e["event"] == "stats" and e["user"] == "alice@localhost"
            and e["fps"] > 0 and dominant(e["average_rgb"]) == colour
            and (height is None or e["height"] == height),
            what, timeout=PICTURE_TIMEOUT)

    def frame_rate(self, bob, since):
        """The frames a second Bob received from Alice over three seconds
        from the stats @since: a one-second count swings with frames that
        arrive together after a stall (17 in a second of the 720-line
        screen rung's 10 fps, seen)."""
        later = bob.next_matching(
            lambda e: e["event"] == "stats" and e["user"] == "alice@localhost"
            and e["t_ms"] >= since["t_ms"] + 3000, "three seconds more of stats")
        return ((later["video_frames"] - since["video_frames"]) * 1000.0
                / (later["t_ms"] - since["t_ms"]))


class ShareTest(ScreenShareTest):
    def test_share_then_camera_then_share_then_stopped_from_desktop(self):
        bob = self.bot(1, BLUE, "--auto-answer")
        alice = self.sharer()

        shared = self.video_source(alice)
        self.assertEqual(shared["source"], "screen")
        self.assertNotIn("error", shared)
        # The screen, climbing to its own size as the estimate grows (the
        # screen rungs keep resolution: 720 lines of a 720-line screen where
        # a camera would be at 540), at a screen's frame rate.
        self.wait_for_picture(bob, GREEN, "the shared screen")
        screen = self.wait_for_picture(bob, GREEN, "the screen at 720 lines", height=720)
        self.assertEqual(screen["width"], 1280, screen)
        self.assertLessEqual(self.frame_rate(bob, screen), 16, screen)
        alice.next_matching(lambda e: e["event"] == "sending" and e["height"] == 720,
                            "sending the screen at 720 lines")

        # What the portal was asked: a screen or a window, the cursor in
        # the picture, no parent window (no window: a bot).
        calls = self.stack.calls()
        self.assertEqual([c["method"] for c in calls],
                         ["CreateSession", "SelectSources", "Start", "OpenPipeWireRemote"])
        self.assertEqual(calls[1]["types"], MONITOR | WINDOW)
        self.assertEqual(calls[1]["cursor_mode"], CURSOR_EMBEDDED)

        # Back to a camera (a pattern here) without renegotiation: the same
        # video track, so one received-video-track only.
        alice.send(PATTERN[RED])
        self.assertEqual(self.video_source(alice)["source"], PATTERN[RED])
        self.wait_for_picture(bob, RED, "the pattern after the screen")
        self.assertIn("Session.Close", [c["method"] for c in self.stack.calls()])

        alice.send("screen")
        shared = self.video_source(alice)
        self.assertEqual(shared["source"], "screen")
        self.assertNotIn("error", shared)
        self.wait_for_picture(bob, GREEN, "the screen shared again")

        # The user stops the cast from the desktop: back to the pattern.
        self.stack.end_sessions()
        back = self.video_source(alice)
        self.assertEqual(back["source"], PATTERN[RED])
        self.wait_for_picture(bob, RED, "the pattern after the desktop stopped the cast")

        tracks = [e for e in bob.events_named("received-video-track")
                  if e["user"] == "alice@localhost"]
        self.assertEqual(len(tracks), 1)
        self.assertFalse(alice.events_named("call-end"))
        # A bad command is an error line, and the video goes on.
        alice.send("projector")
        bad = self.video_source(alice)
        self.assertEqual(bad["source"], "projector")
        self.assertIn("Unknown video source", bad["error"])
        self.wait_for_picture(bob, RED, "the pattern after a bad command")


class RefusedTest(ScreenShareTest):
    refuse = True

    def test_refused_share_keeps_the_call_and_the_camera(self):
        bob = self.bot(1, BLUE, "--auto-answer")
        alice = self.sharer()

        refused = self.video_source(alice)
        self.assertEqual(refused["source"], "screen")
        self.assertIn("error", refused)
        # The call goes on with what it had: pattern 0 (not green).
        stats = bob.next_matching(
            lambda e: e["event"] == "stats" and e["user"] == "alice@localhost" and e["fps"] > 0,
            "video from Alice")
        self.assertNotEqual(dominant(stats["average_rgb"]), GREEN, stats)
        self.assertNotIn("OpenPipeWireRemote", [c["method"] for c in self.stack.calls()])


CAMERA = 0xff0000c0  # blue: the stack's PipeWire camera


class CameraPortalTest(CallTestCase):
    refuse_camera = False

    def setUp(self):
        super().setUp()
        self.stack = portal.ScreenCastStack(camera_colour=CAMERA,
                                            refuse_camera=self.refuse_camera)
        self.stack.start()
        self.addCleanup(self.stack.close)

    def camera_caller(self, camera):
        caller = CliProcess("call", self.account_args(0) + [
            "--video", camera, "--camera-portal", "--no-voice-processing",
            "--duration", "60", self.account(1)["jid"]], env=self.stack.env())
        self.processes.append(caller)
        return caller

    def alice_at_bob(self, bob, predicate, what):
        return bob.next_matching(
            lambda e: e["event"] == "stats" and e["user"] == "alice@localhost"
            and e["fps"] > 0 and predicate(e["average_rgb"]), what, timeout=PICTURE_TIMEOUT)


class CameraGrantedTest(CameraPortalTest):
    def test_camera_through_the_portal(self):
        bob = self.bot(1, RED, "--auto-answer")
        alice = self.camera_caller("camera:" + portal.CAMERA_DESCRIPTION)
        access = alice.next_event("camera-access")
        self.assertTrue(access["granted"], access)
        self.assertEqual(alice.next_event("video-source")["source"],
                         "camera:" + portal.CAMERA_DESCRIPTION)
        self.alice_at_bob(bob, lambda rgb: dominant(rgb) == BLUE, "the portal's camera")
        # Allowed once; a PipeWire remote of its own for each connection
        # (listing the cameras, then reading one).
        methods = [c["method"] for c in self.stack.calls()]
        self.assertEqual(methods[0], "Camera.AccessCamera")
        self.assertEqual(set(methods[1:]), {"Camera.OpenPipeWireRemote"})
        self.assertGreaterEqual(len(methods[1:]), 2)


class CameraRefusedTest(CameraPortalTest):
    refuse_camera = True

    def test_refused_camera_is_said_and_the_call_goes_on_in_black(self):
        bob = self.bot(1, RED, "--auto-answer")
        alice = self.camera_caller("camera")
        access = alice.next_event("camera-access")
        self.assertFalse(access["granted"], access)
        self.assertIn("error", access)
        # No /dev/video* behind the portal's back: black, and the call on.
        self.alice_at_bob(bob, lambda rgb: max(rgb) < 40, "black from Alice")
        self.assertNotIn("Camera.OpenPipeWireRemote",
                         [c["method"] for c in self.stack.calls()])
        self.assertFalse(alice.events_named("call-end"))


if __name__ == "__main__":
    unittest.main()
