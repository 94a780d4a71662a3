#!/usr/bin/python3
"""A stand-in for xdg-desktop-portal's ScreenCast and Camera portals, for Quartet's tests.

xdg-desktop-portal needs a backend that can capture a screen, and none runs
headless on Debian bookworm (see portal.py). This serves the same D-Bus
API on the tests' session bus (org.freedesktop.portal.Desktop,
CreateSession / SelectSources / Start / OpenPipeWireRemote with their
Request objects and Response signals, and the Session's Close and Closed),
and answers as a user who picks the one screen would: the stream is a real
PipeWire node (an X11 screen that portal.py feeds to PipeWire), and the fd
is a real connection to that PipeWire daemon. Only the dialog is not there.

    portal_standin.py --pipewire-dir DIR --node-name NAME --log FILE [--refuse]
                      [--refuse-camera]

The Camera portal (IsCameraPresent, AccessCamera, OpenPipeWireRemote)
answers as a user who allows the camera, or with --refuse-camera denies it
(response 2, as xdg-desktop-portal answers when the permission store says
no); its remote shows the PipeWire daemon's cameras.

Every call is logged to FILE, one JSON object per line. SIGUSR1 closes
every open session from the desktop's side (the Closed signal), as the
user stopping the cast from the shell does.
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys

from gi.repository import Gio, GLib

BUS_NAME = "org.freedesktop.portal.Desktop"
OBJECT_PATH = "/org/freedesktop/portal/desktop"

INTROSPECTION = """
<node>
  <interface name="org.freedesktop.portal.ScreenCast">
    <method name="CreateSession">
      <arg type="a{sv}" name="options" direction="in"/>
      <arg type="o" name="handle" direction="out"/>
    </method>
    <method name="SelectSources">
      <arg type="o" name="session_handle" direction="in"/>
      <arg type="a{sv}" name="options" direction="in"/>
      <arg type="o" name="handle" direction="out"/>
    </method>
    <method name="Start">
      <arg type="o" name="session_handle" direction="in"/>
      <arg type="s" name="parent_window" direction="in"/>
      <arg type="a{sv}" name="options" direction="in"/>
      <arg type="o" name="handle" direction="out"/>
    </method>
    <method name="OpenPipeWireRemote">
      <arg type="o" name="session_handle" direction="in"/>
      <arg type="a{sv}" name="options" direction="in"/>
      <arg type="h" name="fd" direction="out"/>
    </method>
    <property name="AvailableSourceTypes" type="u" access="read"/>
    <property name="AvailableCursorModes" type="u" access="read"/>
    <property name="version" type="u" access="read"/>
  </interface>
  <interface name="org.freedesktop.portal.Camera">
    <method name="AccessCamera">
      <arg type="a{sv}" name="options" direction="in"/>
      <arg type="o" name="handle" direction="out"/>
    </method>
    <method name="OpenPipeWireRemote">
      <arg type="a{sv}" name="options" direction="in"/>
      <arg type="h" name="fd" direction="out"/>
    </method>
    <property name="IsCameraPresent" type="b" access="read"/>
    <property name="version" type="u" access="read"/>
  </interface>
  <interface name="org.freedesktop.portal.Session">
    <method name="Close"/>
    <signal name="Closed"><arg type="a{sv}" name="details"/></signal>
    <property name="version" type="u" access="read"/>
  </interface>
  <interface name="org.freedesktop.portal.Request">
    <method name="Close"/>
    <signal name="Response">
      <arg type="u" name="response"/>
      <arg type="a{sv}" name="results"/>
    </signal>
  </interface>
</node>
"""

RESPONSE_OK, RESPONSE_CANCELLED, RESPONSE_OTHER = 0, 1, 2
MONITOR = 1


class Portal:
    def __init__(self, args, connection):
        self.args = args
        self.connection = connection
        self.info = Gio.DBusNodeInfo.new_for_xml(INTROSPECTION)
        self.sessions = {}  # path -> registration id
        self.log = open(args.log, "a", buffering=1)

    def record(self, **entry):
        self.log.write(json.dumps(entry) + "\n")

    def interface(self, name):
        return self.info.lookup_interface(name)

    def register(self, path, interface, handler):
        return self.connection.register_object(path, self.interface(interface), handler,
                                               self.get_property, None)

    def get_property(self, connection, sender, path, interface, name):
        if name == "IsCameraPresent":
            return GLib.Variant("b", True)
        values = {"AvailableSourceTypes": 3, "AvailableCursorModes": 3, "version": 4}
        if interface == "org.freedesktop.portal.Camera":
            values["version"] = 1
        return GLib.Variant("u", values[name])

    def open_remote(self, invocation):
        """A connection to the PipeWire daemon, passed as the portal does."""
        remote = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        remote.connect(os.path.join(self.args.pipewire_dir, "pipewire-0"))
        fds = Gio.UnixFDList.new()
        index = fds.append(remote.fileno())
        remote.close()
        invocation.return_value_with_unix_fd_list(GLib.Variant("(h)", (index,)), fds)

    def on_camera_call(self, connection, sender, path, interface, method, params, invocation):
        options = params.unpack()[0]
        if method == "AccessCamera":
            handle = self.request_path(sender, options)
            self.record(method="Camera.AccessCamera", refused=self.args.refuse_camera)
            invocation.return_value(GLib.Variant("(o)", (handle,)))
            self.respond(sender, handle,
                         RESPONSE_OTHER if self.args.refuse_camera else RESPONSE_OK, {})
        elif self.args.refuse_camera:
            self.record(method="Camera.OpenPipeWireRemote", refused=True)
            invocation.return_dbus_error("org.freedesktop.portal.Error.NotAllowed",
                                         "Camera access has not been granted")
        else:
            self.record(method="Camera.OpenPipeWireRemote")
            self.open_remote(invocation)

    def request_path(self, sender, options):
        token = options.get("handle_token", "t%d" % GLib.random_int())
        return "/org/freedesktop/portal/desktop/request/%s/%s" % (
            sender[1:].replace(".", "_"), token)

    def respond(self, sender, path, response, results):
        """Answers after the method returned, as the real portal does: the
        caller subscribes before calling and reads the handle after."""
        def emit():
            self.connection.emit_signal(sender, path, "org.freedesktop.portal.Request", "Response",
                                        GLib.Variant("(ua{sv})", (response, results)))
            return GLib.SOURCE_REMOVE
        GLib.timeout_add(20, emit)

    def screen_node(self):
        env = dict(os.environ, PIPEWIRE_RUNTIME_DIR=self.args.pipewire_dir)
        dump = json.loads(subprocess.run(["pw-dump"], env=env, capture_output=True,
                                         text=True, check=True).stdout)
        for obj in dump:
            props = obj.get("info", {}).get("props", {}) if obj.get("info") else {}
            if props.get("node.name") == self.args.node_name:
                return obj["id"]
        raise RuntimeError("no PipeWire node %s" % self.args.node_name)

    def on_call(self, connection, sender, path, interface, method, params, invocation):
        args = params.unpack()
        if interface == "org.freedesktop.portal.Session":
            self.record(method="Session.Close", session=path)
            self.close_session(path, emit=False)
            invocation.return_value(None)
            return
        if interface == "org.freedesktop.portal.Request":
            invocation.return_value(None)
            return
        if method == "CreateSession":
            options = args[0]
            handle = self.request_path(sender, options)
            session = "/org/freedesktop/portal/desktop/session/%s/%s" % (
                sender[1:].replace(".", "_"), options["session_handle_token"])
            self.sessions[session] = (sender, self.register(
                session, "org.freedesktop.portal.Session", self.on_call))
            self.record(method=method, session=session)
            invocation.return_value(GLib.Variant("(o)", (handle,)))
            self.respond(sender, handle, RESPONSE_OK,
                         {"session_handle": GLib.Variant("s", session)})
        elif method == "SelectSources":
            session, options = args
            handle = self.request_path(sender, options)
            self.record(method=method, session=session, types=options.get("types"),
                        cursor_mode=options.get("cursor_mode"), multiple=options.get("multiple"))
            invocation.return_value(GLib.Variant("(o)", (handle,)))
            self.respond(sender, handle, RESPONSE_OK, {})
        elif method == "Start":
            session, parent_window, options = args
            handle = self.request_path(sender, options)
            self.record(method=method, session=session, parent_window=parent_window,
                        refused=self.args.refuse)
            invocation.return_value(GLib.Variant("(o)", (handle,)))
            if self.args.refuse:
                self.respond(sender, handle, RESPONSE_CANCELLED, {})
                return
            stream = (self.screen_node(), {
                "source_type": GLib.Variant("u", MONITOR),
                "size": GLib.Variant("(ii)", (self.args.width, self.args.height)),
                "position": GLib.Variant("(ii)", (0, 0)),
            })
            self.respond(sender, handle, RESPONSE_OK,
                         {"streams": GLib.Variant("a(ua{sv})", [stream])})
        elif method == "OpenPipeWireRemote":
            session = args[0]
            self.record(method=method, session=session)
            self.open_remote(invocation)

    def close_session(self, path, emit):
        sender, registration = self.sessions.pop(path, (None, None))
        if registration is None:
            return
        if emit:
            self.record(method="Session.Closed", session=path)
            self.connection.emit_signal(sender, path, "org.freedesktop.portal.Session", "Closed",
                                        GLib.Variant("(a{sv})", ({},)))
        self.connection.unregister_object(registration)

    def close_all(self):
        for path in list(self.sessions):
            self.close_session(path, emit=True)
        return GLib.SOURCE_CONTINUE


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pipewire-dir", required=True)
    parser.add_argument("--node-name", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--refuse", action="store_true")
    parser.add_argument("--refuse-camera", action="store_true")
    args = parser.parse_args()

    connection = Gio.bus_get_sync(Gio.BusType.SESSION)
    portal = Portal(args, connection)
    portal.register(OBJECT_PATH, "org.freedesktop.portal.ScreenCast", portal.on_call)
    portal.register(OBJECT_PATH, "org.freedesktop.portal.Camera", portal.on_camera_call)
    loop = GLib.MainLoop()
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGUSR1, portal.close_all)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, lambda: loop.quit())

    def acquired(*_):
        print("ready", flush=True)

    Gio.bus_own_name_on_connection(connection, BUS_NAME, Gio.BusNameOwnerFlags.NONE,
                                   acquired, lambda *_: loop.quit())
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
