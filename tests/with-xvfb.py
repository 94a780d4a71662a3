#!/usr/bin/python3
"""Runs a command on a private Xvfb display of its own, and stops it after.

`with-xvfb.py COMMAND ARGS...` exits with the command's status. Xvfb picks
a free display and tells it through -displayfd, so parallel tests and
other sessions on the machine never race for a display number (as
`xvfb-run -a` can). Without Xvfb it prints a TAP plan that skips
everything, for the tests that speak TAP.
"""
import os
import shutil
import signal
import subprocess
import sys

xvfb_path = shutil.which("Xvfb")
if xvfb_path is None:
    print("1..0 # SKIP Xvfb is not installed (Debian package xvfb)")
    sys.exit(0)

xvfb = subprocess.Popen([xvfb_path, "-displayfd", "1", "-screen", "0", "1024x768x24",
                         "-nolisten", "tcp", "-noreset"],
                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                        start_new_session=True)
try:
    display = xvfb.stdout.readline().strip().decode()
    if not display:
        sys.exit("Xvfb did not start")
    env = dict(os.environ, DISPLAY=":" + display, GDK_BACKEND="x11")
    env.pop("WAYLAND_DISPLAY", None)
    sys.exit(subprocess.call(sys.argv[1:], env=env))
finally:
    os.killpg(xvfb.pid, signal.SIGTERM)
    try:
        xvfb.wait(5)
    except subprocess.TimeoutExpired:
        os.killpg(xvfb.pid, signal.SIGKILL)
        xvfb.wait()
