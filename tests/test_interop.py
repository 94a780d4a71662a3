#!/usr/bin/python3
"""Interop with the real QuickBlox JavaScript SDK (npm quickblox 2.23.0) in
headless Chromium: a small web app of ours (tests/interop/) on the SDK's
browser bundle signs in to the same Prosody as quartet-cli, over Prosody's
XMPP websocket, and the two call each other. Each test asserts what each user
would see and hear: on the web side the remote <video> renders frames and the
remote audio is not silence; on Quartet's side the `stats` events show fluent
video of the right colour and audio packets.

Needs Chromium, node, and what ./tools/install-interop puts in tests/interop
(playwright-core, the SDK bundle); skips itself without them.

Users (QuickBlox ids, app 97): Quartet A 4242 and B 4343, the web app 4444,
or 4141 where it must have the smallest id of a mesh.
"""
import json
import os
import re
import tempfile
import time
import unittest

from quartet_cli_test import CliProcess, EXIT_OK, EXIT_FAILED
from browser import Page, PageServer
import browser
from coturn import Coturn
from impaired_link import ImpairedLink
from prosody import Prosody
from suite_logs import keep_log
import portal

os.environ.setdefault("QUARTET_AUDIO_SINK", "fake")

APP_ID = "97"
A, B, JS, JS_SMALL = 4242, 4343, 4444, 4141
RED, GREEN, BLUE = 0, 1, 2
# Quartet sends red (pattern 4) as A and blue (pattern 6) as B.
PATTERN = {A: "pattern:4", B: "pattern:6"}
COLOUR = {A: RED, B: BLUE}
# Chrome's fake camera (--use-fake-device-for-media-stream): a green-ish
# frame with a moving pie and a frame counter.
JS_COLOUR = GREEN
TIMEOUT = 30


def dominant(rgb):
    return max(range(3), key=lambda i: rgb[i])


def sdp_lines(sdp, pattern=r"^(m=|a=mid|a=msid|a=ssrc|a=extmap|a=sendrecv|a=sendonly|a=recvonly|a=inactive|a=group)"):
    """The lines of @sdp that say which media goes where."""
    return [line for line in (sdp or "").splitlines() if re.match(pattern, line)]


def sdp_ssrcs(sdp):
    """{mid or kind: set of SSRCs announced with a=ssrc} per m-section."""
    sections, kind = {}, None
    for line in (sdp or "").splitlines():
        if line.startswith("m="):
            kind = line[2:].split()[0]
            sections.setdefault(kind, set())
        elif line.startswith("a=ssrc:") and kind:
            sections[kind].add(int(line[len("a=ssrc:"):].split()[0]))
    return sections


@unittest.skipIf(browser.missing(), "interop needs %s" % browser.missing())
class InteropTestCase(unittest.TestCase):
    users = [A, B, JS, JS_SMALL]

    @classmethod
    def setUpClass(cls):
        cls.chat = Prosody(users=["%d-%s" % (u, APP_ID) for u in cls.users], roster=True)
        cls.chat.start()
        cls.web = PageServer()
        cls.tmp = tempfile.TemporaryDirectory(prefix="quartet-interop-test-")
        cls.passwords = {int(a["username"].split("-")[0]): a["password"] for a in cls.chat.accounts}

    @classmethod
    def tearDownClass(cls):
        cls.web.close()
        cls.chat.close()
        cls.tmp.cleanup()

    def setUp(self):
        self.processes = []
        self.pages = []
        self.problems = []

    def tearDown(self):
        for process in self.processes:
            process.stop()
        for page in self.pages:
            page.close()

    # -- the two kinds of client ----------------------------------------------
    def quartet_args(self, user):
        path = os.path.join(self.tmp.name, "password-%d" % user)
        with open(path, "w") as f:
            f.write(self.passwords[user] + "\n")
        return ["--jid", "%d@%s" % (user, self.chat.domain), "--app-id", APP_ID,
                "--password-file", path,
                "--server", "%s:%d" % (self.chat.host, self.chat.c2s_port),
                "--cafile", self.chat.cafile,
                "--video", PATTERN[user], "--no-voice-processing"]

    def quartet_listen(self, user, *extra):
        bot = CliProcess("listen", self.quartet_args(user) + list(extra))
        self.processes.append(bot)
        bot.next_event("roster")
        return bot

    def quartet_call(self, user, callees, *extra):
        caller = CliProcess("call", self.quartet_args(user) + list(extra) +
                            [str(c) for c in callees])
        self.processes.append(caller)
        return caller

    def web_user(self, user=JS, **webrtc):
        """A signed-in page of the web app as QuickBlox user @user; @webrtc
        overrides the SDK's config.webrtc (answerTimeInterval, ...)."""
        log = os.path.join(self.tmp.name, "chromium-%s.log" % self.id().split(".")[-1])
        page = Page(self.web.url, log)
        self.pages.append(page)
        page.call_js("qtInit", {
            "appId": int(APP_ID), "authKey": "interop-key", "authSecret": "interop-secret",
            "api": "127.0.0.1", "chat": self.chat.domain,
            "websocket": "ws://%s:%d/xmpp-websocket" % (self.chat.host, self.chat.http_port),
            "userId": user, "password": self.passwords[user], "webrtc": webrtc})
        return page

    # -- what each user sees and hears ----------------------------------------
    def evidence(self, page):
        """The SDP and inbound RTP of each of the page's peer connections, as
        text for a failure message (and kept in the suite's logs)."""
        text = []
        for key, peer in sorted(page.evaluate("qtPeers()").items()):
            text.append("== peer connection %s (%s, ICE %s)" % (
                key, peer["signalingState"], peer["iceConnectionState"]))
            text.append("-- local (Chrome's) SDP:\n  " + "\n  ".join(sdp_lines(peer["localSdp"])))
            text.append("-- remote (the other side's) SDP:\n  " +
                        "\n  ".join(sdp_lines(peer["remoteSdp"])))
            text.append("-- receivers: %s" % peer["receivers"])
            text.append("-- inbound-rtp: %s" % [
                {k: v for k, v in s.items() if v is not None} for s in peer["inbound"]])
        text.append("-- tiles: %s" % json.dumps(page.evaluate("qtMeasure()")))
        keep_log("interop-evidence", "\n".join(text))
        return "\n".join(text)

    def check_web_sees_and_hears(self, page, user, colour, seconds=4):
        """Whether @user's tile on the page renders moving video of @colour
        (None: any), and what is heard from @user is not silence. What is wrong is noted
        in self.problems (the test goes on, to check the other side too) and
        failed at the end by assert_no_problems()."""
        key = str(user)
        deadline = time.monotonic() + TIMEOUT
        while key not in page.evaluate("qtMeasure()") and time.monotonic() < deadline:
            time.sleep(0.25)
        time.sleep(1)
        first = page.evaluate("qtMeasure()").get(key)
        time.sleep(seconds)
        last = page.evaluate("qtMeasure()").get(key)
        if last is None:
            self.problems.append("the web app got no remote stream from %d" % user)
            return None
        rendered = last["framesRendered"] - first["framesRendered"]
        checks = [
            (last["videoWidth"] > 0, "%d's tile shows no picture (readyState %d, videoWidth %d)" % (
                user, last["readyState"], last["videoWidth"])),
            # A moving picture, not a frozen one: frame rates are for bench/,
            # and a loaded machine (the sanitized leg) renders fewer.
            (rendered >= 5 * seconds, "%d's tile rendered %d frames in %d s" % (
                user, rendered, seconds)),
            (colour is None or last["averageRgb"] is not None
             and dominant(last["averageRgb"]) == colour,
             "%d's tile shows %s" % (user, last["averageRgb"])),
            (len(last["audioTracks"]) == 1, "the SDK's remote stream from %d has %d audio tracks" % (
                user, len(last["audioTracks"]))),
            (last["audio"] is not None and last["audio"]["loud"] > 0,
             "nothing heard from %d: %s" % (user, last["audio"])),
        ]
        self.problems += [why for ok, why in checks if not ok]
        return last

    def assert_no_problems(self, page):
        if self.problems:
            self.fail("what the web app's user sees and hears:\n  %s\n%s" % (
                "\n  ".join(self.problems), self.evidence(page)))

    def assert_quartet_sees_and_hears(self, process, user, colour):
        stats = [e for e in process.events_named("stats") if e["user"] == str(user)]
        fluent = [s for s in stats if s["fps"] > 15]
        self.assertGreaterEqual(len(fluent), 2, "not > 15 fps from %d: %s" % (
            user, [s["fps"] for s in stats]))
        self.assertEqual(dominant(fluent[-1]["average_rgb"]), colour,
                         "wrong picture from %d: %s" % (user, fluent[-1]["average_rgb"]))
        self.assertGreater(stats[-1]["audio_packets"], stats[0]["audio_packets"],
                           "no audio from %d: %s" % (user, [s["audio_packets"] for s in stats]))

    def wait_quartet_stats(self, process, user, count=3):
        process.next_matching(
            lambda e: e["event"] == "stats" and e["user"] == str(user) and e["fps"] > 15
            and len([s for s in process.events_named("stats") if s["user"] == str(user)
                     and s["fps"] > 15]) >= count,
            "%d fluent stats from %d" % (count, user), timeout=TIMEOUT)

    def connected(self, page, user):
        return page.wait_event("onSessionConnectionStateChangedListener",
                               lambda e: e["userId"] == user and e["state"] == "CONNECTED")


class TwoPartyTest(InteropTestCase):
    def test_web_calls_quartet(self):
        """Issue 14: the web app calls Quartet, which answers."""
        self.web_calls_quartet()

    def test_web_calls_quartet_encoding_per_peer(self):
        """The same with the benchmark's one encoder per peer."""
        self.web_calls_quartet("--encode-per-peer")

    def web_calls_quartet(self, *extra):
        bot = self.quartet_listen(A, "--auto-answer", "--user-info", "note=answered", *extra)
        page = self.web_user()
        page.call_js("qtCall", [A], 1, {"name": "Web"})
        accept = page.wait_event("onAcceptCallListener")
        self.assertEqual(accept["userId"], A)
        self.assertEqual(accept["userInfo"], {"note": "answered"})
        self.connected(page, A)
        call = bot.next_event("call")
        self.assertEqual(call["user"], str(JS))
        self.assertEqual(call["userInfo"]["name"], "Web")
        self.wait_quartet_stats(bot, JS)

        self.check_web_sees_and_hears(page, A, COLOUR[A])
        evidence = self.evidence(page)
        page.call_js("qtHangUp", {"reason": "done"})
        hang_up = bot.next_event("hang-up")
        bot.next_event("call-end")
        self.assertEqual(hang_up["user"], str(JS))
        self.assertEqual(hang_up.get("userInfo"), {"reason": "done"})
        self.assert_quartet_sees_and_hears(bot, JS, JS_COLOUR)
        if self.problems:
            self.fail("what the web app's user sees and hears:\n  %s\n%s" % (
                "\n  ".join(self.problems), evidence))

    def test_web_calls_quartet_with_a_bandwidth_limit(self):
        """The SDK puts a session's bandwidth (kbit/s) on the video m-line of
        both descriptions as b=AS: Quartet keeps its video under it."""
        bot = self.quartet_listen(A, "--auto-answer")
        page = self.web_user(JS)
        page.call_js("qtCall", [A], 1, {}, 256)
        self.connected(page, A)
        fitted = bot.next_matching(
            lambda e: e["event"] == "stats" and e["user"] == str(JS) and 0 < e["send_height"] <= 360,
            "Quartet sending a picture that fits 256 kbit/s", timeout=TIMEOUT)
        sending = bot.next_matching(lambda e: e["event"] == "sending", "Quartet's encoder")
        last = self.check_web_sees_and_hears(page, A, COLOUR[A])
        print("b=AS:256: Quartet sends %dp at %d kbit/s; the web app shows %s" % (
            fitted["send_height"], sending["kbps"],
            last and "%dx%d" % (last["videoWidth"], last["videoHeight"])))
        # 360p holds down to 250 kbit/s (the ladder's hysteresis), 540p would not.
        self.assertLessEqual(sending["kbps"], 256)
        if last is not None:
            self.assertLessEqual(last["videoHeight"], 360)
        page.call_js("qtHangUp", {})
        bot.next_event("call-end")
        self.assert_no_problems(page)

    def test_quartet_calls_web(self):
        page = self.web_user()
        caller = self.quartet_call(A, [JS], "--duration", "8", "--user-info", "name=Quartet A")
        call = page.wait_event("onCallListener")
        self.assertEqual(call["userId"], A)
        self.assertEqual(call["userInfo"], {"name": "Quartet A"})
        self.assertEqual(call["callType"], 1)
        self.assertEqual(call["opponentsIDs"], [JS])
        page.call_js("qtAccept", {"name": "Web"})
        self.connected(page, A)
        self.check_web_sees_and_hears(page, A, COLOUR[A])
        evidence = self.evidence(page)

        self.assertEqual(caller.read_all(), EXIT_OK, caller.stderr_text())
        accept = caller.events_named("accept")[0]
        self.assertEqual(accept["user"], str(JS))
        self.assertEqual(accept.get("userInfo"), {"name": "Web"})
        self.assert_quartet_sees_and_hears(caller, JS, JS_COLOUR)
        # Quartet hung up after --duration: the web app hears it, and its session ends.
        stop = page.wait_event("onStopCallListener")
        self.assertEqual(stop["userId"], A)
        self.assertEqual(stop["userInfo"], {"name": "Quartet A"})
        page.wait_event("onSessionCloseListener")
        if self.problems:
            self.fail("what the web app's user sees and hears:\n  %s\n%s" % (
                "\n  ".join(self.problems), evidence))

    def test_quartet_calls_web_with_a_bandwidth_limit(self):
        """Quartet's limit reaches the SDK as a QuickBlox caller's would:
        userInfo.bandwidth in `call`, which the SDK makes its session's, so
        its answer asks for no more (b=AS); Quartet sends under it too."""
        page = self.web_user()
        caller = self.quartet_call(A, [JS], "--duration", "600", "--bandwidth", "256")
        call = page.wait_event("onCallListener")
        self.assertEqual(str(call["userInfo"].get("bandwidth")), "256", call)
        page.call_js("qtAccept", {})
        self.connected(page, A)
        sending = caller.next_matching(
            lambda e: e["event"] == "sending" and 0 < e["kbps"] <= 256,
            "Quartet sending under its limit", timeout=TIMEOUT)
        self.check_web_sees_and_hears(page, A, COLOUR[A])
        peers = list(page.evaluate("qtPeers()").values())
        self.assertEqual(len(peers), 1)
        video_lines = lambda sdp: sdp[sdp.index("m=video"):]
        self.assertIn("b=AS:256", video_lines(peers[0]["remoteSdp"]))  # Quartet's offer
        self.assertIn("b=AS:256", video_lines(peers[0]["localSdp"]))  # the SDK's answer
        print("Quartet's 256 kbit/s limit: it sends %dp at %d kbit/s; the SDK's answer has b=AS:256"
              % (sending["height"], sending["kbps"]))
        page.call_js("qtHangUp", {})
        caller.next_event("call-end")
        self.assert_no_problems(page)

    def test_audio_only_web_calls_quartet(self):
        bot = self.quartet_listen(A, "--auto-answer")
        page = self.web_user()
        page.call_js("qtCall", [A], 2, {})
        self.connected(page, A)
        call = bot.next_event("call")
        time.sleep(3)
        measure = page.evaluate("qtMeasure()").get(str(A))
        if measure is None:
            self.problems.append("the web app got no remote stream from %d" % A)
        else:
            if len(measure["audioTracks"]) != 1:
                self.problems.append("the SDK's remote stream from %d has %d audio tracks" % (
                    A, len(measure["audioTracks"])))
            if not measure["audio"] or measure["audio"]["loud"] == 0:
                self.problems.append("nothing heard from %d: %s" % (A, measure["audio"]))
        evidence = self.evidence(page)
        page.call_js("qtHangUp", {})
        bot.next_event("call-end")
        self.assertEqual(call["user"], str(JS))
        stats = [e for e in bot.events_named("stats") if e["user"] == str(JS)]
        self.assertGreater(stats[-1]["audio_packets"], 0)
        self.assertEqual(stats[-1]["video_frames"], 0)
        if self.problems:
            self.fail("what the web app's user hears:\n  %s\n%s" % (
                "\n  ".join(self.problems), evidence))


@unittest.skipIf(portal.missing_tools(), portal.missing_tools() or "")
class ScreenShareTest(InteropTestCase):
    def test_web_sees_the_screen_quartet_shares(self):
        """Quartet shares a screen as the SDK's replaceTrack does: the web
        app's tile of Quartet shows the screen on the stream it had, with no
        new stream or renegotiation, then the camera again."""
        stack = portal.ScreenCastStack(colour="#0000c0")  # blue: not A's red
        stack.start()
        self.addCleanup(stack.close)
        bot = CliProcess("listen", self.quartet_args(A) + ["--auto-answer", "--video-commands"],
                         env=stack.env(), stdin=True)
        self.processes.append(bot)
        bot.next_event("roster")
        page = self.web_user()
        page.call_js("qtCall", [A], 1, {})
        self.connected(page, A)
        self.check_web_sees_and_hears(page, A, COLOUR[A])
        self.assert_no_problems(page)
        stream = page.evaluate("qtMeasure()")[str(A)]["streamId"]

        def tile_turns(colour, what):
            deadline = time.monotonic() + TIMEOUT
            shown = None
            while time.monotonic() < deadline:
                shown = page.evaluate("qtMeasure()").get(str(A))
                if shown and shown["averageRgb"] and dominant(shown["averageRgb"]) == colour:
                    return shown
                time.sleep(0.25)
            self.fail("the web app's tile of Quartet never showed %s: %s\n%s" % (
                what, shown, self.evidence(page)))

        bot.send("screen")
        self.assertNotIn("error", bot.next_event("video-source"))
        shared = tile_turns(BLUE, "the shared screen")
        self.assertEqual(shared["streamId"], stream)
        print("the web app shows Quartet's screen at %dx%d" % (
            shared["videoWidth"], shared["videoHeight"]))

        bot.send(PATTERN[A])
        self.assertEqual(bot.next_event("video-source")["source"], PATTERN[A])
        self.assertEqual(tile_turns(RED, "the camera again")["streamId"], stream)
        page.call_js("qtHangUp", {})
        bot.next_event("call-end")


class RejectHangUpTest(InteropTestCase):
    def test_web_rejects_with_user_info(self):
        page = self.web_user()
        caller = self.quartet_call(A, [JS], "--answer-timeout", "20")
        page.wait_event("onCallListener")
        page.call_js("qtReject", {"reason": "declined", "note": "in a meeting"})
        self.assertEqual(caller.read_all(), EXIT_FAILED, caller.stderr_text())
        reject = caller.events_named("reject")[0]
        self.assertEqual(reject["user"], str(JS))
        self.assertEqual(reject.get("userInfo"), {"reason": "declined", "note": "in a meeting"})
        self.assertEqual(len(caller.events_named("call-end")), 1)
        page.wait_event("onSessionCloseListener")

    def test_quartet_rejects(self):
        self.quartet_listen(A, "--reject", "--user-info", "reason=declined")
        page = self.web_user()
        page.call_js("qtCall", [A], 1, {})
        reject = page.wait_event("onRejectCallListener")
        self.assertEqual(reject["userId"], A)
        self.assertEqual(reject["userInfo"], {"reason": "declined"})
        page.wait_event("onSessionCloseListener")
        self.assertEqual(page.events("onAcceptCallListener"), [])

    def test_web_hangs_up_with_user_info(self):
        page = self.web_user()
        caller = self.quartet_call(A, [JS], "--duration", "60")
        page.wait_event("onCallListener")
        page.call_js("qtAccept", {})
        self.connected(page, A)
        caller.next_event("accept")
        # The SDK reports CONNECTED when ICE is, before DTLS ends: a hang-up
        # then may reach Quartet before its own CONNECTED, and a call that
        # never connected ends in failure (exit 1).
        caller.next_matching(lambda e: e["event"] == "peer-connection-state-changed"
                             and e["state"] == "connected", "Quartet connected")
        page.call_js("qtHangUp", {"reason": "bye", "rating": "5"})
        self.assertEqual(caller.read_all(), EXIT_OK, caller.stderr_text())
        hang_up = caller.events_named("hang-up")[0]
        self.assertEqual(hang_up["user"], str(JS))
        self.assertEqual(hang_up.get("userInfo"), {"reason": "bye", "rating": "5"})
        self.assertEqual(len(caller.events_named("call-end")), 1)
        page.wait_event("onSessionCloseListener")

    def test_quartet_hangs_up_before_answer(self):
        """Quartet gives up dialing (hang-up before any answer): the SDK hears
        hangUp from the initiator and closes the ringing session."""
        page = self.web_user()
        caller = self.quartet_call(A, [JS], "--answer-timeout", "3", "--dialing-interval", "1")
        page.wait_event("onCallListener")
        self.assertEqual(caller.read_all(), EXIT_FAILED, caller.stderr_text())
        self.assertEqual(caller.events_named("not-answer")[0]["user"], str(JS))
        # Quartet's not-answer ends the call with a hangUp to the callee.
        stop = page.wait_event("onStopCallListener", timeout=10)
        self.assertEqual(stop["userId"], A)
        page.wait_event("onSessionCloseListener")
        self.assertEqual(len(page.events("onCallListener")), 1)


class NotAnsweredTest(InteropTestCase):
    def test_quartet_does_not_answer_web(self):
        bot = self.quartet_listen(A, "--answer-timeout", "4")
        page = self.web_user(answerTimeInterval=8, dialingTimeInterval=2)
        page.call_js("qtCall", [A], 1, {})
        not_answer = page.wait_event("onUserNotAnswerListener", timeout=20)
        self.assertEqual(not_answer["userId"], A)
        page.wait_event("onSessionCloseListener")
        bot.next_event("call-end")
        # The call re-sent every 2 s rang once.
        self.assertEqual(len(bot.events_named("call")), 1)

    def test_web_does_not_answer_quartet(self):
        page = self.web_user(answerTimeInterval=6)
        caller = self.quartet_call(A, [JS], "--answer-timeout", "4", "--dialing-interval", "1")
        self.assertEqual(caller.read_all(), EXIT_FAILED, caller.stderr_text())
        self.assertEqual(caller.events_named("not-answer")[0]["user"], str(JS))
        page.wait_event("onSessionCloseListener", timeout=15)
        self.assertEqual(len(page.events("onCallListener")), 1)


class BusyTest(InteropTestCase):
    def test_web_busy(self):
        """The web app in a call with A: B's call is rejected by the SDK (autoReject)."""
        page = self.web_user()
        caller_a = self.quartet_call(A, [JS], "--duration", "60")
        page.wait_event("onCallListener")
        page.call_js("qtAccept", {})
        self.connected(page, A)
        caller_b = self.quartet_call(B, [JS], "--answer-timeout", "20")
        self.assertEqual(caller_b.read_all(), EXIT_FAILED, caller_b.stderr_text())
        reject = caller_b.events_named("reject")[0]
        self.assertEqual(reject["user"], str(JS))
        invalid = page.wait_event("onInvalidEventsListener")
        self.assertEqual(invalid["event"], "onCall")
        self.assertEqual(invalid["userId"], B)
        # A's call goes on.
        self.assertEqual(len(page.events("onCallListener")), 1)
        self.assertEqual(page.events("onSessionCloseListener"), [])
        page.call_js("qtHangUp", {})
        self.assertEqual(caller_a.read_all(), EXIT_OK, caller_a.stderr_text())

    def test_quartet_busy(self):
        """B in a call with A: the web app's call to B is rejected as busy."""
        bot_b = self.quartet_listen(B, "--auto-answer")
        caller_a = self.quartet_call(A, [B], "--duration", "60")
        caller_a.next_event("accept")
        page = self.web_user()
        page.call_js("qtCall", [B], 1, {})
        reject = page.wait_event("onRejectCallListener")
        self.assertEqual(reject["userId"], B)
        self.assertEqual(reject["userInfo"], {"reason": "busy"})
        page.wait_event("onSessionCloseListener")
        # B rang once, for A's call only.
        self.assertEqual(bot_b.next_event("call")["user"], str(A))
        code, _, err = bot_b.stop()
        self.assertEqual(code, EXIT_OK, err)
        self.assertEqual(len(bot_b.events_named("call")), 1)


@unittest.skipUnless(Coturn.available(), "coturn is not installed (apt-get install coturn)")
@unittest.skipIf(os.environ.get("QUARTET_SANITIZED"),
                 "frame rates under the sanitizers measure AddressSanitizer, not the network")
class LinkTestCase(InteropTestCase):
    """Quartet is relay-only through coturn, reached through
    tests/harness/impaired_link.py; the page reaches coturn's relay directly."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.turn = Coturn().start()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.turn.close()

    def quartet_behind_link(self, *extra):
        """(link, a listening Quartet A whose every packet crosses it)"""
        link = ImpairedLink((self.turn.host, self.turn.port))
        self.addCleanup(link.close)
        name, password = self.turn.credentials(str(A))
        bot = self.quartet_listen(A, "--auto-answer", "--relay-only",
                                  "--turn", "turn://%s:%d?transport=udp" % (link.host, link.port),
                                  "--turn-user", name, "--turn-password", password, *extra)
        return link, bot


class ReconnectTest(LinkTestCase):
    """The QuickBlox reconnect protocol against the SDK itself: the link
    rebinds mid-call (Quartet's allocation is lost). Both sides notice; the
    call comes back in the same session, without a ring, with Quartet polite
    (the smaller id: the SDK's offer wins) and impolite (its own offer
    wins)."""

    def repaired_call(self, web_user):
        link, bot = self.quartet_behind_link()
        page = self.web_user(web_user)
        page.call_js("qtCall", [A], 1, {})
        self.connected(page, A)
        self.wait_quartet_stats(bot, web_user)

        link.rebind()
        broken = time.monotonic()
        # A new connection: its first frame at Quartet, CONNECTED again at the page.
        bot.next_matching(lambda e: e["event"] == "received-video-track",
                          "video over a new connection", timeout=TIMEOUT)
        deadline = time.monotonic() + TIMEOUT
        while len([e for e in page.events("onRemoteStreamListener") if e["userId"] == A]) < 2:
            self.assertLess(time.monotonic(), deadline, "no new stream at the page: %s" % [
                (e["name"], e.get("userId"), e.get("state")) for e in page.events()])
            time.sleep(0.2)
        print("repaired %.1f s after the rebinding" % (time.monotonic() - broken))
        self.wait_quartet_stats(bot, web_user, count=len(
            [s for s in bot.events_named("stats") if s["user"] == str(web_user)
             and s["fps"] > 15]) + 3)
        self.check_web_sees_and_hears(page, A, COLOUR[A])

        # The SDK tells its app of a repair only if it saw the break itself
        # (Chrome may not have, when Quartet's repair came first).
        states = [e["state"] for e in page.events("onReconnectListener") if e["userId"] == A]
        self.assertIn(states, ([], ["reconnecting", "reconnected"]))
        self.assertEqual([e["state"] for e in page.events("onSessionConnectionStateChangedListener")
                          if e["userId"] == A][-1], "CONNECTED")
        self.assertEqual(len(page.events("onCallListener")), 0)
        self.assertEqual(len(bot.events_named("call")), 1)
        self.assertEqual([e["state"] for e in bot.events_named("reconnect")],
                         ["reconnecting", "reconnected"])
        page.call_js("qtHangUp", {})
        bot.next_event("call-end")
        self.assertEqual({e["session"] for e in bot.events if "session" in e},
                         {bot.events_named("call")[0]["session"]})
        self.assert_no_problems(page)

    def test_quartet_polite(self):
        self.repaired_call(JS)

    def test_quartet_impolite(self):
        self.repaired_call(JS_SMALL)


class CappedLinkTest(LinkTestCase):
    """Chrome's transport-wide congestion control reports drive Quartet's
    sender: with Quartet's uplink capped, the web app gets a smaller, moving
    picture instead of a frozen one."""

    def test_web_calls_quartet_on_a_capped_uplink(self):
        link, bot = self.quartet_behind_link("--video", "pattern:busy")
        link.cap_uplink(400_000)
        page = self.web_user(JS)
        page.call_js("qtCall", [A], 1, {})
        self.connected(page, A)

        fitted = bot.next_matching(
            lambda e: e["event"] == "stats" and e["user"] == str(JS)
            and 0 < e["estimate_kbps"] <= 400 and 0 < e["send_height"] <= 360,
            "Quartet fitting its video to the 400 kbit/s uplink", timeout=TIMEOUT)
        last = self.check_web_sees_and_hears(page, A, None)
        print("400 kbit/s uplink: Quartet estimates %d kbit/s from Chrome's reports and sends "
              "%dp; the web app shows %s" % (
                  fitted["estimate_kbps"], fitted["send_height"],
                  last and "%dx%d" % (last["videoWidth"], last["videoHeight"])))
        if last is not None:
            self.assertLessEqual(last["videoHeight"], 360)
        page.call_js("qtHangUp", {})
        bot.next_event("call-end")
        self.assert_no_problems(page)


class MeshTest(InteropTestCase):
    def test_quartet_initiates_mesh(self):
        """A calls the web app (the smallest id) and B: B offers to the web
        app, which answers; every offer the SDK sees comes from Quartet."""
        bot_b = self.quartet_listen(B, "--auto-answer")
        page = self.web_user(JS_SMALL)
        caller = self.quartet_call(A, [JS_SMALL, B], "--duration", "14")
        call = page.wait_event("onCallListener")
        self.assertEqual(sorted(call["opponentsIDs"]), sorted([JS_SMALL, B]))
        page.call_js("qtAccept", {})
        self.connected(page, A)
        self.connected(page, B)
        self.check_web_sees_and_hears(page, A, COLOUR[A])
        self.check_web_sees_and_hears(page, B, COLOUR[B])
        evidence = self.evidence(page)
        self.assertEqual(caller.read_all(), EXIT_OK, caller.stderr_text())
        self.assert_quartet_sees_and_hears(caller, JS_SMALL, JS_COLOUR)
        self.assert_quartet_sees_and_hears(caller, B, COLOUR[B])
        code, _, err = bot_b.stop()
        self.assertEqual(code, EXIT_OK, err)
        self.assert_quartet_sees_and_hears(bot_b, JS_SMALL, JS_COLOUR)
        self.assert_quartet_sees_and_hears(bot_b, A, COLOUR[A])
        if self.problems:
            self.fail("what the web app's user sees and hears:\n  %s\n%s" % (
                "\n  ".join(self.problems), evidence))

    def test_web_initiates_mesh(self):
        """The web app calls A and B, both Quartet, who answer it (issue 14's
        direction) and connect to each other."""
        bot_a = self.quartet_listen(A, "--auto-answer")
        bot_b = self.quartet_listen(B, "--auto-answer")
        page = self.web_user(JS)
        page.call_js("qtCall", [A, B], 1, {})
        self.connected(page, A)
        self.connected(page, B)
        for bot in (bot_a, bot_b):
            self.wait_quartet_stats(bot, JS)
        self.check_web_sees_and_hears(page, A, COLOUR[A])
        self.check_web_sees_and_hears(page, B, COLOUR[B])
        evidence = self.evidence(page)
        page.call_js("qtHangUp", {})
        for bot, other in ((bot_a, B), (bot_b, A)):
            bot.next_event("hang-up")
            code, _, err = bot.stop()
            self.assertEqual(code, EXIT_OK, err)
            self.assert_quartet_sees_and_hears(bot, JS, JS_COLOUR)
            self.assert_quartet_sees_and_hears(bot, other, COLOUR[other])
        if self.problems:
            self.fail("what the web app's user sees and hears:\n  %s\n%s" % (
                "\n  ".join(self.problems), evidence))


if __name__ == "__main__":
    unittest.main(verbosity=2)
