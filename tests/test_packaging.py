#!/usr/bin/python3
"""Checks of the packaging files that need no build: the Flatpak manifest,
POTFILES and the translations.

- flatpak/io.github.quartet.Quartet.json is JSON, builds on the GNOME
  runtime, runs `quartet`, has the finish-args the app needs, and every
  module fetches from a pinned source (an archive with its sha256, or a git
  commit), so that a build is reproducible;
- po/POTFILES.in lists every file with translatable strings, and only
  files that exist;
- each language in po/LINGUAS has a complete po file: no untranslated or
  fuzzy message, and msgfmt --check (format strings, plural forms, header)
  passes.

Usage: test_packaging.py SOURCE_DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys
import unittest

SOURCE = os.path.abspath(sys.argv.pop(1) if len(sys.argv) > 1 else
                         os.path.join(os.path.dirname(__file__), ".."))
APP_ID = "io.github.quartet.Quartet"
TRANSLATABLE = re.compile(r'\b(?:N?C?_|g_dn?gettext|ngettext|g_dpgettext2?)\s*\(|translatable="yes"')


def modules(manifest):
    """Every module, nested ones too (a module may also be a file name)."""
    for module in manifest.get("modules", []):
        yield module
        if isinstance(module, dict):
            yield from modules(module)


class ManifestTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(os.path.join(SOURCE, "flatpak", APP_ID + ".json"), encoding="utf-8") as f:
            cls.manifest = json.load(f)

    def test_app(self):
        m = self.manifest
        self.assertEqual(m["id"], APP_ID)
        self.assertEqual(m["runtime"], "org.gnome.Platform")
        self.assertEqual(m["sdk"], "org.gnome.Sdk")
        self.assertRegex(m["runtime-version"], r"^\d+$")
        self.assertEqual(m["command"], "quartet")

    def test_finish_args(self):
        args = set(self.manifest["finish-args"])
        for needed in ["--share=ipc", "--socket=wayland", "--socket=fallback-x11",
                       "--share=network", "--socket=pulseaudio",
                       "--talk-name=org.freedesktop.secrets"]:
            self.assertIn(needed, args)
        # The camera comes through the Camera portal, the screen through
        # the ScreenCast portal: no device of the host's.
        self.assertFalse([a for a in args if a.startswith("--device")], args)
        # X11 only as the fallback: with --socket=x11 too, Wayland sessions
        # would get an X11 socket as well.
        self.assertNotIn("--socket=x11", args)

    def test_every_source_is_pinned(self):
        named = [m for m in modules(self.manifest) if isinstance(m, dict)]
        self.assertTrue(named)
        self.assertEqual([m for m in modules(self.manifest) if not isinstance(m, dict)], [],
                         "modules in other files are not checked here: keep them inline")
        names = [m["name"] for m in named]
        self.assertIn("libstrophe", names)
        self.assertEqual(names[-1], "quartet", "the app is built last, on its modules")
        for module in named:
            sources = module.get("sources", [])
            self.assertTrue(sources, "module %s has no sources" % module["name"])
            for source in sources:
                kind = source.get("type")
                with self.subTest(module=module["name"], source=source):
                    if kind in ("archive", "file") and "url" in source:
                        self.assertTrue(source["url"].startswith("https://"), source["url"])
                        self.assertRegex(source.get("sha256", ""), r"^[0-9a-f]{64}$")
                    elif kind == "git":
                        self.assertTrue(source["url"].startswith("https://"), source["url"])
                        self.assertRegex(source.get("commit", ""), r"^[0-9a-f]{40}$")
                        self.assertNotIn("branch", source, "a branch moves: pin a commit")
                    elif kind in ("dir", "patch", "file", "shell"):
                        # Local: part of this repository.
                        self.assertNotIn("url", source)
                        if module["name"] != "quartet":
                            self.assertNotEqual(kind, "dir", "only the app is built from the tree")
                    else:
                        self.fail("unknown source type %r" % kind)

    def test_app_module(self):
        app = [m for m in modules(self.manifest) if isinstance(m, dict)][-1]
        self.assertEqual(app["buildsystem"], "meson")
        self.assertIn("-Dtests=false", app.get("config-opts", []))
        self.assertEqual(app["sources"], [{"type": "dir", "path": ".."}])


class TranslationTest(unittest.TestCase):
    def potfiles(self):
        with open(os.path.join(SOURCE, "po", "POTFILES.in"), encoding="utf-8") as f:
            return [line.strip() for line in f if line.strip() and not line.startswith("#")]

    def test_potfiles_exist(self):
        for path in self.potfiles():
            self.assertTrue(os.path.isfile(os.path.join(SOURCE, path)), path)

    def test_potfiles_complete(self):
        listed = set(self.potfiles())
        wanted = set()
        for top in ("src", "data"):
            for root, _dirs, files in os.walk(os.path.join(SOURCE, top)):
                for name in files:
                    path = os.path.relpath(os.path.join(root, name), SOURCE)
                    if name.endswith((".desktop.in", ".metainfo.xml.in", ".gschema.xml")):
                        wanted.add(path)
                    elif name.endswith((".c", ".ui")):
                        with open(os.path.join(SOURCE, path), encoding="utf-8") as f:
                            if TRANSLATABLE.search(f.read()):
                                wanted.add(path)
        self.assertEqual(sorted(wanted - listed), [], "not in po/POTFILES.in")

    @unittest.skipIf(shutil.which("msgfmt") is None, "no msgfmt (Debian package gettext)")
    def test_translations_complete(self):
        with open(os.path.join(SOURCE, "po", "LINGUAS"), encoding="utf-8") as f:
            languages = [w for line in f if not line.startswith("#") for w in line.split()]
        self.assertIn("de", languages)
        self.assertIn("fr", languages)
        for lang in languages:
            with self.subTest(lang=lang):
                result = subprocess.run(
                    ["msgfmt", "--check", "--statistics", "-o", os.devnull,
                     os.path.join(SOURCE, "po", lang + ".po")],
                    capture_output=True, text=True, env=dict(os.environ, LC_ALL="C"))
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertRegex(result.stderr, r"^\d+ translated messages\.$",
                                 "untranslated or fuzzy messages in %s.po" % lang)


if __name__ == "__main__":
    unittest.main(verbosity=2)
