#!/usr/bin/python3
"""The app is D-Bus activatable, as its desktop file says (DBusActivatable=true).

A private session bus whose only service is data/io.github.quartet.Quartet.service
as built (its Exec pointed at the built binary, the --gapplication-service
argument kept): org.freedesktop.Application.Activate on the app's name must
start the app through the bus, and its app.quit action, sent the same way,
must end it. Needs a display: tests/meson.build runs this under
tests/with-xvfb.py.

Usage: test_dbus_activation.py SERVICE_FILE APP_BINARY
"""
import configparser
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

SERVICE_FILE, APP = sys.argv[1:3]
del sys.argv[1:3]
APP_ID = "io.github.quartet.Quartet"
OBJECT_PATH = "/" + APP_ID.replace(".", "/")


class DBusActivationTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="quartet-dbus-test-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        entry = configparser.RawConfigParser(interpolation=None)
        entry.optionxform = str
        entry.read(SERVICE_FILE, encoding="utf-8")
        service = entry["D-BUS Service"]
        self.assertEqual(service["Name"], APP_ID)
        binary, *args = service["Exec"].split()
        self.assertEqual(os.path.basename(binary), "quartet")
        self.assertEqual(args, ["--gapplication-service"])

        services = os.path.join(self.tmp, "services")
        os.mkdir(services)
        with open(os.path.join(services, APP_ID + ".service"), "w") as f:
            f.write("[D-BUS Service]\nName=%s\nExec=%s %s\n" % (APP_ID, APP, " ".join(args)))
        config = os.path.join(self.tmp, "bus.conf")
        with open(config, "w") as f:
            f.write("""<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=%s</listen>
  <servicedir>%s</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
""" % (self.tmp, services))
        # The activated app inherits the bus's environment.
        self.env = dict(os.environ, GSK_RENDERER="cairo", GDK_DEBUG="gl-disable", GTK_A11Y="none",
                        QUARTET_AUDIO_SINK="fake", GSETTINGS_BACKEND="memory")
        self.bus = subprocess.Popen(["dbus-daemon", "--config-file=" + config, "--nofork",
                                     "--print-address=1"], stdout=subprocess.PIPE,
                                    env=self.env, start_new_session=True)
        self.addCleanup(self.stop_bus)
        self.env["DBUS_SESSION_BUS_ADDRESS"] = self.bus.stdout.readline().decode().strip()

    def stop_bus(self):
        self.bus.terminate()
        self.bus.wait(10)

    def gdbus(self, *args, dest=APP_ID, path=OBJECT_PATH):
        return subprocess.run(["gdbus", "call", "--session", "--dest", dest, "--object-path",
                               path, "--method"] + list(args), env=self.env,
                              capture_output=True, text=True, timeout=60)

    def app_pid(self):
        result = self.gdbus("org.freedesktop.DBus.GetConnectionUnixProcessID", APP_ID,
                            dest="org.freedesktop.DBus", path="/org/freedesktop/DBus")
        if result.returncode != 0:
            return None
        return int(result.stdout.strip("()\n,").split()[-1])

    def test_activate_then_quit(self):
        self.assertIsNone(self.app_pid(), "nothing owns the name before activation")
        result = self.gdbus("org.freedesktop.Application.Activate", "{}")
        self.assertEqual(result.returncode, 0, result.stderr)
        pid = self.app_pid()
        self.assertIsNotNone(pid, "the bus started no app")
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            self.assertEqual(f.read().split(b"\0")[:2],
                             [APP.encode(), b"--gapplication-service"])

        result = self.gdbus("org.freedesktop.Application.ActivateAction", "quit", "[]", "{}")
        self.assertEqual(result.returncode, 0, result.stderr)
        deadline = time.monotonic() + 30
        while self.app_pid() is not None and time.monotonic() < deadline:
            time.sleep(0.2)
        self.assertIsNone(self.app_pid(), "the app did not quit")


if __name__ == "__main__":
    unittest.main(verbosity=2)
