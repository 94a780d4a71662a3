"""Finding and pressing the app's controls through AT-SPI (pyatspi), by
accessible name and role, the way a screen reader sees the app.

GTK 4.8 sends no reliable "children-changed" events for every change, so
lookups walk the tree afresh each time and poll until a deadline.
"""
import ctypes
import ctypes.util
import time

import pyatspi

TIMEOUT = 30


class NotFound(AssertionError):
    pass


def find_app(pid, name="quartet", timeout=TIMEOUT):
    """The accessible application of process pid (not an earlier one that
    the registry still lists)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        desktop = pyatspi.Registry.getDesktop(0)
        for i in range(desktop.childCount):
            try:
                app = desktop.getChildAtIndex(i)
                if app is not None and app.name == name and app.get_process_id() == pid:
                    return app
            except Exception:  # an app that went away while we looked
                continue
        time.sleep(0.2)
    raise NotFound("no accessible application named %r" % name)


def is_visible(node):
    try:
        return node.getState().contains(pyatspi.STATE_VISIBLE)
    except Exception:
        return False


def walk(root, max_depth=40, visible_only=True):
    """Every accessible under root (breadth first), skipping broken ones.

    GTK 4.8 sets "showing" only on windows, so what is on screen is what is
    visible with all its ancestors visible: a hidden subtree is skipped."""
    queue = [(root, 0)]
    while queue:
        node, depth = queue.pop(0)
        if visible_only and depth > 0 and not is_visible(node):
            continue
        yield node
        if depth >= max_depth:
            continue
        try:
            count = node.childCount
        except Exception:
            continue
        for i in range(count):
            try:
                child = node.getChildAtIndex(i)
            except Exception:
                continue
            if child is not None:
                queue.append((child, depth + 1))


def role_name(node):
    try:
        return node.getRoleName()
    except Exception:
        return ""


def is_showing(node):
    try:
        return node.getState().contains(pyatspi.STATE_SHOWING)
    except Exception:
        return False


def clean_name(name):
    """GTK 4.8 names a button with a mnemonic label "_Answer Answer" (its
    label property, then the label it is labelled by): read it as "Answer"."""
    name = name or ""
    parts = name.split(" ")
    half = len(parts) // 2
    if len(parts) % 2 == 0 and parts[:half] and \
            " ".join(parts[:half]).replace("_", "") == " ".join(parts[half:]):
        return " ".join(parts[half:])
    return name


def find_all(root, name=None, role=None, predicate=None, showing=True, limit=None):
    """Matching accessibles, breadth first; stops after limit of them (each
    node visited is several D-Bus round trips to a possibly busy app)."""
    found = []
    for node in walk(root, visible_only=showing):
        try:
            node_name = clean_name(node.name)
        except Exception:
            continue
        if name is not None and node_name != name:
            continue
        if role is not None and role_name(node) != role:
            continue
        if predicate is not None and not predicate(node):
            continue
        found.append(node)
        if limit is not None and len(found) >= limit:
            break
    return found


def wait_for(root, name=None, role=None, predicate=None, timeout=TIMEOUT, count=1,
             showing=True):
    """Polls until at least `count` matching accessibles exist; returns them."""
    deadline = time.monotonic() + timeout
    found = []
    while time.monotonic() < deadline:
        found = find_all(root, name, role, predicate, showing, limit=count)
        if len(found) >= count:
            return found
        time.sleep(0.25)
    raise NotFound("found %d of %d accessible(s) named %r with role %r" % (
        len(found), count, name, role))


def dump(root, limit=200):
    """The visible tree as "role 'name'" lines, for failure messages."""
    lines = []
    for node in walk(root):
        try:
            if node.name or role_name(node) not in ("panel", "filler"):
                lines.append("%s %r" % (role_name(node), node.name))
        except Exception:
            continue
        if len(lines) >= limit:
            break
    return "\n".join(lines)


def wait_gone(root, name=None, role=None, predicate=None, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not find_all(root, name, role, predicate):
            return
        time.sleep(0.25)
    raise AssertionError("accessible %r (%r) still there after %d s" % (name, role, timeout))


def press(node, display_name=None):
    """Runs the first action ("click") of a button; widgets without one in
    GTK 4.8 (check buttons) are clicked with the pointer, through XTest."""
    try:
        action = node.queryAction()
        if action.nActions > 0:
            action.doAction(0)
            return
    except NotImplementedError:
        pass
    if display_name is None:
        raise AssertionError("%r has no action" % node.name)
    x, y, w, h = extents(node)
    click(display_name, x + w // 2, y + h // 2)


def _x11():
    x11 = ctypes.CDLL(ctypes.util.find_library("X11"))
    xtst = ctypes.CDLL(ctypes.util.find_library("Xtst"))
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XStringToKeysym.restype = ctypes.c_ulong
    x11.XStringToKeysym.argtypes = [ctypes.c_char_p]
    x11.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    x11.XFlush.argtypes = [ctypes.c_void_p]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    xtst.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int,
                                       ctypes.c_ulong]
    xtst.XTestFakeMotionEvent.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int,
                                          ctypes.c_int, ctypes.c_ulong]
    xtst.XTestFakeButtonEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int,
                                          ctypes.c_ulong]
    return x11, xtst


def click(display_name, x, y, times=1):
    """A left click (or @times of them, a double-click within any
    double-click time) at (x, y) on the screen."""
    x11, xtst = _x11()
    display = x11.XOpenDisplay(display_name.encode())
    if not display:
        raise AssertionError("cannot open display %s" % display_name)
    try:
        xtst.XTestFakeMotionEvent(display, -1, x, y, 0)
        x11.XFlush(display)
        time.sleep(0.1)
        for _ in range(times):
            xtst.XTestFakeButtonEvent(display, 1, 1, 0)
            xtst.XTestFakeButtonEvent(display, 1, 0, 30)
        x11.XFlush(display)
    finally:
        x11.XCloseDisplay(display)


def extents(node):
    """(x, y, width, height) on the screen. GTK 4.8 on X11 knows only
    window coordinates; without a window manager the window is at (0, 0),
    so they are the screen's."""
    box = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    return box.x, box.y, box.width, box.height


def is_pressed(node):
    """Whether a toggle button is down (GTK 4.8 says so with "pressed" or
    "checked", by version)."""
    states = node.getState()
    return states.contains(pyatspi.STATE_PRESSED) or states.contains(pyatspi.STATE_CHECKED)


def description(node):
    try:
        return node.description
    except Exception:
        return ""


def press_keys(display_name, keysym_names):
    """Sends a key combination such as ("Control_L", "h") through XTest, as
    a keyboard would, to the window that has the focus."""
    x11, xtst = _x11()
    display = x11.XOpenDisplay(display_name.encode())
    if not display:
        raise AssertionError("cannot open display %s" % display_name)
    try:
        codes = [x11.XKeysymToKeycode(display, x11.XStringToKeysym(k.encode()))
                 for k in keysym_names]
        for code in codes:
            xtst.XTestFakeKeyEvent(display, code, 1, 0)
        for code in reversed(codes):
            xtst.XTestFakeKeyEvent(display, code, 0, 0)
        x11.XFlush(display)
    finally:
        x11.XCloseDisplay(display)
