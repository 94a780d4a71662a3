"""The QuickBlox JS SDK in headless Chromium as a benchmark's baseline: the
web app of the interop suite (tests/interop, tests/harness/browser.py),
signed in to the benchmark's Prosody as QuickBlox users of app 97.

    with Browsers(server, parties=2) as web:
        times = web.call()     # one call, caller page to callee pages

    with Browsers(server, parties=4, video={"width": 1280, "height": 720},
                  video_file="ball720.y4m") as web:   # the fake camera sends the file
        session = web.start_call()      # until every page shows every other
        cpu = web.cpu_seconds()         # of each page's Chromium, all its processes
        web.decoded()                   # frames each page decoded from each peer
        web.hang_up(session)
"""
import os
import sys
import tempfile
import time

from benchlib import CLOCK_TICKS, HERE

sys.path.insert(0, os.path.join(HERE, "..", "tests", "harness"))
import browser  # noqa: E402

APP_ID = 97
CLOSED = 5  # QB.webrtc.SessionState.CLOSED
USERS = [f"{1001 + i}-{APP_ID}" for i in range(4)]  # Prosody account names (id-app)


def missing():
    return browser.missing()


class MeshIncomplete(RuntimeError):
    """Not every page showed every other in time. The SDK's callees call
    each other; when two do at once (page logs: five peers created where
    three are), their pair can stay unconnected."""


class Browsers:
    """@parties pages (one Chromium each), signed in as the first @parties
    of USERS; every page but the first answers every call at once."""

    def __init__(self, server, parties, video=None, video_file=None):
        self.server = server
        self.parties = parties
        self.video = video
        self.video_file = video_file
        self.ids = [int(user.split("-")[0]) for user in USERS[:parties]]

    def __enter__(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="quartet-bench-browser-")
        self._site = browser.PageServer()
        self.pages = []
        prosody = self.server.prosody
        passwords = {a["username"]: a["password"] for a in prosody.accounts}
        try:
            for i, user in enumerate(USERS[:self.parties]):
                page = browser.Page(self._site.url, os.path.join(self._tmp.name, f"page{i}.log"),
                                    self.video_file)
                self.pages.append(page)
                page.call_js("qtInit", {
                    "appId": APP_ID, "authKey": "bench-key", "authSecret": "bench-secret",
                    "api": "127.0.0.1", "chat": prosody.domain,
                    "websocket": f"ws://{prosody.host}:{prosody.http_port}/xmpp-websocket",
                    "userId": self.ids[i], "password": passwords[user]})
                if i:
                    page.call_js("qtAutoAnswer", True)
                if self.video:
                    page.call_js("qtVideo", self.video)
            self.version = page.evaluate("navigator.userAgent")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        for page in self.pages:
            page.close()
        self._site.close()
        self._tmp.cleanup()

    def start_call(self, timeout=30):
        """The first page calls the others; returns (the session, what each
        page's qtFirstFrames said) once every page shows every other."""
        session = self.pages[0].call_js("qtCall", self.ids[1:], 1)
        deadline = time.monotonic() + timeout
        while True:
            seen = [page.call_js("qtFirstFrames") for page in self.pages]
            if all(len([t for t in s["frames"].values() if t is not None]) == self.parties - 1
                   for s in seen):
                return session, seen
            if time.monotonic() > deadline:
                raise MeshIncomplete(f"not every page shows the others within {timeout} s: {seen}")
            time.sleep(0.1)

    def call(self, timeout=30):
        """One call: (ms from qtCall to the caller's last first frame, ms
        to the moment every page shows every other)."""
        session, seen = self.start_call(timeout)
        start = seen[0]["callStartedAt"]
        caller_ms = max(seen[0]["frames"].values()) - start
        last_ms = max(max(s["frames"].values()) for s in seen) - start
        self.hang_up(session, timeout)
        return caller_ms, last_ms

    def cpu_seconds(self):
        """[CPU seconds of each page's browser so far]: the driver and every
        Chromium process under it (browser, renderer, GPU, network...)."""
        return [_tree_cpu_seconds(page.process.pid) for page in self.pages]

    def decoded(self):
        """[{peer: (frames decoded, width, height)}] of each page's video."""
        result = []
        for page in self.pages:
            frames = {}
            for key, peer in page.evaluate("qtPeers()").items():
                for stream in peer["inbound"]:
                    if stream.get("kind") == "video":
                        frames[peer["userId"]] = (stream.get("framesDecoded") or 0,
                                                  stream.get("frameWidth") or 0,
                                                  stream.get("frameHeight") or 0)
            result.append(frames)
        return result

    def hang_up(self, session, timeout=30):
        # Everyone leaves: in a mesh the others would stay in the call. The
        # last page's session has closed when the others left.
        for page in self.pages:
            if page.call_js("qtSessionState", session) != CLOSED:
                page.call_js("qtHangUp", {}, session)
        for page in self.pages:
            page.wait_event("onSessionCloseListener", lambda e: e["sessionID"] == session,
                            timeout=timeout)
            page.call_js("qtFirstFrames", True)


def _tree_cpu_seconds(root):
    """utime + stime of @root and its descendants (those alive now)."""
    parents, times = {}, {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(name)] = int(fields[1])
        times[int(name)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    total = 0.0
    for pid in times:
        ancestor = pid
        while ancestor not in (root, 0, 1) and ancestor in parents:
            ancestor = parents[ancestor]
        if ancestor == root:
            total += times[pid]
    return total
