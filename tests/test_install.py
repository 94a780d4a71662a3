#!/usr/bin/python3
"""`meson install --destdir` into a temp dir, then checks the installed
tree as a distribution or Flatpak would get it: the binary, the desktop
file, the AppStream metainfo, the GSettings schema, both icons, the D-Bus
service (its Exec is the installed binary) and the German and French
catalogues, which the installed binary really uses.

The ringtone is synthesised by GStreamer at run time (src/ui/quartet-ringtone.c),
so there is no sound file to find.

Usage: test_install.py MESON BUILD_DIR PREFIX BINDIR DATADIR LOCALEDIR
(the last four as meson's options give them).
"""
import configparser
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

MESON, BUILD, PREFIX, BINDIR, DATADIR, LOCALEDIR = sys.argv[1:7]
del sys.argv[1:7]
APP_ID = "io.github.quartet.Quartet"


def under(root, *parts):
    """An absolute install path (prefix-relative or not) inside DESTDIR root."""
    path = os.path.join(PREFIX, *parts)
    return os.path.join(root, path.lstrip("/"))


class InstallTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.destdir = tempfile.mkdtemp(prefix="quartet-install-test-")
        result = subprocess.run(
            [MESON, "install", "-C", BUILD, "--no-rebuild", "--destdir", cls.destdir],
            capture_output=True, text=True)
        if result.returncode != 0:
            shutil.rmtree(cls.destdir, ignore_errors=True)
            raise AssertionError("meson install failed:\n" + result.stdout + result.stderr)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.destdir, ignore_errors=True)

    def path(self, *parts):
        return under(self.destdir, *parts)

    def data(self, *parts):
        return self.path(DATADIR, *parts)

    def test_binary(self):
        binary = self.path(BINDIR, "quartet")
        self.assertTrue(os.access(binary, os.X_OK), binary)

    def test_desktop_file(self):
        desktop = self.data("applications", APP_ID + ".desktop")
        entry = configparser.RawConfigParser(interpolation=None, strict=False)
        entry.optionxform = str
        entry.read(desktop, encoding="utf-8")
        section = entry["Desktop Entry"]
        self.assertEqual(section["Exec"], "quartet")
        self.assertEqual(section["Icon"], APP_ID)
        self.assertEqual(section["DBusActivatable"], "true")
        self.assertEqual(section["X-GNOME-UsesNotifications"], "true")
        self.assertEqual(section["StartupNotify"], "true")
        self.assertIn("VideoConference", section["Categories"].split(";"))
        # Merged with the translations.
        self.assertEqual(section["Comment[de]"], "Videoanrufe mit bis zu drei anderen Personen")
        self.assertIn("Comment[fr]", section)
        if shutil.which("desktop-file-validate"):
            subprocess.run(["desktop-file-validate", desktop], check=True)

    def test_metainfo(self):
        metainfo = self.data("metainfo", APP_ID + ".metainfo.xml")
        root = ET.parse(metainfo).getroot()
        self.assertEqual(root.findtext("id"), APP_ID)
        launchable = root.find("launchable")
        self.assertEqual(launchable.get("type"), "desktop-id")
        self.assertTrue(os.path.exists(self.data("applications", launchable.text)))
        lang = "{http://www.w3.org/XML/1998/namespace}lang"
        self.assertIn("de", {e.get(lang) for e in root.iter("summary")})
        self.assertIn("fr", {e.get(lang) for e in root.iter("summary")})
        if shutil.which("appstreamcli"):
            subprocess.run(["appstreamcli", "validate", "--no-net", metainfo], check=True,
                           stdout=subprocess.DEVNULL)

    def test_schema(self):
        schemas = self.data("glib-2.0", "schemas")
        self.assertTrue(os.path.isfile(os.path.join(schemas, APP_ID + ".gschema.xml")))
        subprocess.run(["glib-compile-schemas", "--strict", "--dry-run", schemas], check=True)

    def test_icons(self):
        for kind, name, size in [("scalable", APP_ID + ".svg", 128),
                                 ("symbolic", APP_ID + "-symbolic.svg", 16)]:
            with self.subTest(kind=kind):
                icon = self.data("icons", "hicolor", kind, "apps", name)
                root = ET.parse(icon).getroot()
                self.assertEqual(root.tag, "{http://www.w3.org/2000/svg}svg")
                self.assertEqual(root.get("viewBox"), "0 0 %d %d" % (size, size))

    def test_dbus_service(self):
        service = self.data("dbus-1", "services", APP_ID + ".service")
        entry = configparser.RawConfigParser(interpolation=None)
        entry.optionxform = str
        entry.read(service, encoding="utf-8")
        section = entry["D-BUS Service"]
        self.assertEqual(section["Name"], APP_ID)
        binary, option = section["Exec"].split()
        self.assertEqual(option, "--gapplication-service")
        self.assertEqual(binary, os.path.join(PREFIX, BINDIR, "quartet"))
        self.assertTrue(os.access(os.path.join(self.destdir, binary.lstrip("/")), os.X_OK))

    def test_translations(self):
        localedir = self.path(LOCALEDIR)
        for lang in ("de", "fr"):
            self.assertTrue(os.path.isfile(
                os.path.join(localedir, lang, "LC_MESSAGES", "quartet.mo")), lang)
        # The installed binary with the installed catalogues (its LOCALEDIR
        # is the real prefix, not the DESTDIR: hence the override).
        for lang, text in [("de", "Den Server eintragen"), ("fr", "Remplir le serveur")]:
            with self.subTest(lang=lang):
                result = subprocess.run(
                    [self.path(BINDIR, "quartet"), "--help"], capture_output=True, text=True,
                    env=dict(os.environ, LANGUAGE=lang, LC_ALL="C.UTF-8",
                             QUARTET_LOCALEDIR=localedir), timeout=60)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertIn(text, result.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
