"""Headless Chromium (the system's, through playwright-core and
tests/interop/driver.js) on a small QuickBlox JS SDK web app of ours
(tests/interop/index.html, app.js, the SDK bundle ./tools/install-interop
fetched): what tests/test_interop.py calls Quartet with, and what
bench/setup.py times as the browser's baseline.

    server = PageServer()
    page = Page(server.url, "/tmp/chromium.log")
    page.call_js("qtInit", {...})       # sign in (app.js says what it takes)
    page.call_js("qtCall", [4242], 1)   # evaluate() runs any JS expression

missing() says what is not installed (None when everything is).
"""
import ctypes
import http.server
import json
import os
import queue
import shutil
import signal
import subprocess
import threading
import time

from suite_logs import keep_log

HERE = os.path.dirname(os.path.abspath(__file__))
INTEROP = os.path.join(HERE, "..", "interop")
SDK = os.path.join(INTEROP, "vendor", "quickblox.min.js")
PLAYWRIGHT = os.path.join(INTEROP, "node_modules", "playwright-core", "package.json")
CHROMIUM = os.environ.get("QUARTET_CHROMIUM") or shutil.which("chromium")
NODE = shutil.which("node")
TIMEOUT = 30


def missing():
    """What the browser needs and is not there, or None."""
    for what, present in (("chromium", CHROMIUM), ("node", NODE),
                          ("playwright-core (./tools/install-interop)", os.path.exists(PLAYWRIGHT)),
                          ("the QuickBlox JS SDK (./tools/install-interop)", os.path.exists(SDK))):
        if not present:
            return what
    return None


def _die_with_parent():
    # preexec_fn: the kernel SIGKILLs the driver (and so its Chromium) when
    # the process that started it dies.
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


class PageServer:
    """The web app on loopback: index.html and app.js from tests/interop, the
    SDK bundle from tests/interop/vendor; nothing else."""
    FILES = {"/": ("index.html", "text/html"), "/index.html": ("index.html", "text/html"),
             "/app.js": ("app.js", "text/javascript"),
             "/quickblox.min.js": (os.path.join("vendor", "quickblox.min.js"), "text/javascript")}

    def __init__(self):
        files = self.FILES

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                entry = files.get(self.path.split("?")[0])
                if entry is None:
                    self.send_error(404)
                    return
                with open(os.path.join(INTEROP, entry[0]), "rb") as f:
                    data = f.read()
                self.send_response(200)
                self.send_header("Content-Type", entry[1] + "; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(data)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d/" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Page:
    """One headless Chromium page of the web app, driven through
    tests/interop/driver.js: evaluate() runs a JS expression there."""

    def __init__(self, url, log_path, video_file=None):
        """@video_file: a .y4m file the fake camera sends, looped (else
        Chromium paints its own test picture)."""
        self.log_path = log_path
        env = dict(os.environ)
        if video_file:
            env["QT_FAKE_VIDEO_FILE"] = video_file
        self.process = subprocess.Popen(
            [NODE, os.path.join(INTEROP, "driver.js"), url, CHROMIUM, log_path],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            cwd=INTEROP, preexec_fn=_die_with_parent, env=env)
        self._answers = queue.Queue()
        self._stderr = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=lambda: self._stderr.extend(self.process.stderr),
                         daemon=True).start()
        self._next_id = 0
        ready = self._get(TIMEOUT)
        if not ready.get("ready"):
            raise AssertionError("driver did not start: %s %s" % (ready, self.stderr()))

    def _read(self):
        for line in self.process.stdout:
            try:
                self._answers.put(json.loads(line))
            except ValueError:
                self._answers.put({"error": "driver printed %r" % line})
        self._answers.put(None)

    def _get(self, timeout):
        try:
            answer = self._answers.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("no answer from the browser within %d s" % timeout)
        if answer is None:
            raise AssertionError("the browser driver exited (%s): %s" % (
                self.process.wait(), self.stderr()))
        return answer

    def stderr(self):
        return "".join(self._stderr)[-3000:]

    def evaluate(self, expr, timeout=TIMEOUT):
        self._next_id += 1
        self.process.stdin.write(json.dumps({"id": self._next_id, "expr": expr}) + "\n")
        self.process.stdin.flush()
        while True:
            answer = self._get(timeout)
            if answer.get("id") == self._next_id:
                break
        if "error" in answer:
            raise AssertionError("in the page: %s: %s" % (expr[:200], answer["error"]))
        return answer["result"]

    def call_js(self, function, *args, timeout=TIMEOUT):
        return self.evaluate("%s(%s)" % (function, ", ".join(json.dumps(a) for a in args)),
                             timeout)

    def events(self, name=None):
        events = self.evaluate("qtEvents()")
        return [e for e in events if name is None or e["name"] == name]

    def wait_event(self, name, predicate=lambda e: True, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [e for e in self.events(name) if predicate(e)]
            if found:
                return found[0]
            time.sleep(0.2)
        raise AssertionError("no %s within %d s; the page's events: %s" % (
            name, timeout, [(e["name"], e.get("userId"), e.get("state")) for e in self.events()]))

    def close(self):
        if self.process.poll() is None:
            try:
                self.process.stdin.close()
            except OSError:
                pass
            try:
                self.process.wait(TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        try:
            with open(self.log_path, errors="replace") as f:
                keep_log("interop-chromium", f.read())
        except OSError:
            pass
