#!/usr/bin/python3
"""CPU of each client in a 4-party call: Quartet against four browsers.

Starts a throwaway Prosody, three auto-answering quartet-cli bots and a
caller, lets the call run, and reads every client's CPU time from /proc
over the same window of connected call, and what each decodes from its
`stats` lines.

The baseline, in the same run and alternating with it: four pages of the
QuickBlox JS SDK in headless Chromium (bench/browserlib.py) in the same
mesh; the CPU of each page's whole Chromium (every process), the frames
each decodes from getStats().

Both send the same pictures: two seconds of the ball pattern at --height
(16:9, but 640x480 for 480) and 30 fps, made once into a .y4m file that Quartet sends looped
(`--video file:`) and Chromium's fake camera too
(--use-file-for-fake-video-capture); neither paints while it is measured,
as a camera's frames come from its driver. With --pattern, Quartet paints
the ball every frame instead (made at 1280x720, sent at the ladder's
height) and Chromium its own fake camera's picture, as before 2026-12-06
(session 19).
With --per-peer, also Quartet with `--encode-per-peer` (one encoder per
peer, as a browser has). All on this machine's cores.

    bench/mesh-cpu.py [--cli _build/src/cli/quartet-cli] [--seconds 20] [--rounds 2]
                      [--height 720] [--per-peer] [--no-browser] [--pattern]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

from benchlib import (DEFAULT_CLI, Cli, Server, cpu_seconds, machine, memory_kib, stop_all,
                      thread_count)
import browserlib

NAMES = ["alice", "bob", "carol", "dave"]


def decoded_fps(client, session, start_ms, end_ms):
    """[(decoded fps over [start_ms, end_ms], pixels a frame at its end) of
    each of @client's three streams] (empty unless all three had stats
    lines there)."""
    by_user = {}
    for event in client.of("stats", session):
        by_user.setdefault(event["user"], []).append(event)
    rates = []
    for events in by_user.values():
        inside = [e for e in events if start_ms <= e["mono_ms"] <= end_ms]
        if len(inside) < 2:
            return []
        first, last = inside[0], inside[-1]
        rates.append(((last["video_frames"] - first["video_frames"])
                      / ((last["mono_ms"] - first["mono_ms"]) / 1000),
                      last["width"] * last["height"]))
    return rates if len(rates) == 3 else []


def video_width(height):
    """16:9 and even (I420), but 480 lines are a camera's 640x480: from an
    854x480 file Chromium's callees often did not connect to each other
    (two of three tries; none at 640x480 or 1280x720)."""
    return 640 if height == 480 else (height * 16 // 9 + 1) & ~1


def make_video_file(directory, height, seconds=2):
    """The ball pattern at @height (video_width() wide) and 30 fps as a .y4m file."""
    path = os.path.join(directory, f"ball{height}.y4m")
    width = video_width(height)
    subprocess.run(["gst-launch-1.0", "-q", "videotestsrc", "pattern=ball",
                    f"num-buffers={30 * seconds}", "!",
                    f"video/x-raw,format=I420,width={width},height={height},framerate=30/1",
                    "!", "y4menc", "!", "filesink", f"location={path}"], check=True)
    return path


def measure(cli, server, seconds, per_peer, video):
    """{name: {cpu: CPU seconds over the window, fps: [(decoded fps, pixels
    a frame) of each stream], rss: MiB and threads at its end}}"""
    extra = ["--video", video] + (["--encode-per-peer"] if per_peer else [])
    bots = [Cli(cli, "listen", server, i, extra + ["--auto-answer"]) for i in (1, 2, 3)]
    clients = list(bots)
    try:
        for bot in bots:
            bot.wait_for("roster")
        caller = Cli(cli, "call", server, 0, extra + ["--duration", str(seconds + 30)]
                     + [server.jid(i) for i in (1, 2, 3)])
        clients.insert(0, caller)
        session = caller.wait_for("dialing")["session"]
        caller.wait_for("received-video-track", count=3)
        for bot in bots:
            bot.wait_for("received-video-track", count=3, session=session)
        time.sleep(3)  # past the start-up: keyframes, jitter buffers
        start = [cpu_seconds(c.pid) for c in clients]
        start_ms = time.clock_gettime(time.CLOCK_MONOTONIC) * 1000
        time.sleep(seconds)
        cpu = [cpu_seconds(c.pid) - s for c, s in zip(clients, start)]
        rss = [memory_kib(c.pid)[0] / 1024 for c in clients]
        threads = [thread_count(c.pid) for c in clients]
        end_ms = time.clock_gettime(time.CLOCK_MONOTONIC) * 1000
        time.sleep(1.2)  # the stats line that closes the window
        return {NAMES[i]: {"cpu": cpu[i], "rss": rss[i], "threads": threads[i],
                           "fps": decoded_fps(c, session, start_ms - 1000, end_ms + 1100)}
                for i, c in enumerate(clients)}
    finally:
        stop_all(clients)


def measure_browsers(server, seconds, height, video_file, attempts=3):
    """{page: {cpu: CPU seconds over the window, fps: [(decoded fps, pixels
    a frame at the end) of each stream], height: the lowest decoded height}}"""
    for attempt in range(1, attempts + 1):
        try:
            return measure_browsers_once(server, seconds, height, video_file)
        except browserlib.MeshIncomplete as e:
            if attempt == attempts:
                raise
            print(f"  the browsers' mesh, attempt {attempt}: {str(e)[:70]}...; again",
                  file=sys.stderr)


def measure_browsers_once(server, seconds, height, video_file):
    video = {"width": video_width(height), "height": height, "frameRate": 30}
    with browserlib.Browsers(server, 4, video=video, video_file=video_file) as web:
        session, _ = web.start_call()
        time.sleep(3)
        start, frames_start, t0 = web.cpu_seconds(), web.decoded(), time.monotonic()
        time.sleep(seconds)
        end, frames_end, t1 = web.cpu_seconds(), web.decoded(), time.monotonic()
        web.hang_up(session)
    result = {}
    for i, name in enumerate(NAMES):
        fps = [((frames_end[i][peer][0] - frames_start[i].get(peer, (0,))[0]) / (t1 - t0),
                frames_end[i][peer][1] * frames_end[i][peer][2])
               for peer in frames_end[i]]
        heights = [frames_end[i][peer][2] for peer in frames_end[i]]
        result[name] = {"cpu": end[i] - start[i], "fps": fps if len(fps) == 3 else [],
                        "height": min(heights) if heights else 0}
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", default=DEFAULT_CLI)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--height", type=int, default=720,
                        help="the picture's height (Quartet's QUARTET_VIDEO_MAX_HEIGHT)")
    parser.add_argument("--per-peer", action="store_true",
                        help="also Quartet encoding once per peer")
    parser.add_argument("--no-browser", action="store_true", help="without the browser baseline")
    parser.add_argument("--pattern", action="store_true",
                        help="each side paints its own test picture instead of sending a file")
    args = parser.parse_args()
    scratch = tempfile.TemporaryDirectory(prefix="quartet-bench-mesh-")
    video_file = None if args.pattern else make_video_file(scratch.name, args.height)
    video = "pattern:ball" if args.pattern else "file:" + video_file

    print(machine())
    os.environ["QUARTET_VIDEO_MAX_HEIGHT"] = str(args.height)
    browser_missing = "--no-browser" if args.no_browser else browserlib.missing()
    variants = ["once"] + (["per peer"] if args.per_peer else []) \
        + ([] if browser_missing else ["browser"])
    results = {v: [] for v in variants}
    with Server(NAMES + browserlib.USERS) as server:
        for _ in range(args.rounds):
            for variant in variants:
                if variant == "browser":
                    results[variant].append(measure_browsers(server, args.seconds, args.height,
                                                            video_file))
                else:
                    results[variant].append(measure(args.cli, server, args.seconds,
                                                    variant == "per peer", video))

    def per_minute(result):
        return {name: r["cpu"] * 60 / args.seconds for name, r in result.items()}

    def lowest_fps(result, name=None):
        return min(min([fps for fps, _ in r["fps"]] or [0.0])
                   for n, r in result.items() if name in (None, n))

    def cpu_per(result, pixels):
        """CPU ms of all clients per frame (or per megapixel) any of them
        decoded: the figures for a side that cannot keep up, and decodes
        fewer and smaller frames."""
        done = sum(fps * (size / 1e6 if pixels else 1) for r in result.values()
                   for fps, size in r["fps"]) * args.seconds
        return 1000 * sum(r["cpu"] for r in result.values()) / done if done else float("nan")

    # The round with the least total CPU: the one least disturbed by the machine.
    best = {v: min(results[v], key=lambda r: sum(per_minute(r).values())) for v in results}
    print(f"CPU seconds per client per minute of a 4-party VP8 call at up to {args.height}p "
          f"(best of {args.rounds}, {args.seconds:g} s windows), sending "
          f"{'test patterns painted each frame' if args.pattern else 'the same .y4m file'}; "
          "lowest decoded fps:")
    print("  " + f"{'client':8}" + "".join(f" {v:>9} {'fps':>5}" for v in variants))
    for name in NAMES:
        print("  " + f"{name:8}" + "".join(
            f" {per_minute(best[v])[name]:9.1f} {lowest_fps(best[v], name):5.1f}"
            for v in variants))
    mean = {v: sum(per_minute(best[v]).values()) / len(NAMES) for v in variants}
    lowest = {v: lowest_fps(best[v]) for v in variants}
    per_frame = {v: cpu_per(best[v], False) for v in variants}
    per_mpixel = {v: cpu_per(best[v], True) for v in variants}
    print("  " + f"{'mean':8}" + "".join(f" {mean[v]:9.1f} {lowest[v]:5.1f}" for v in variants))
    print("  CPU ms per decoded frame: "
          + ", ".join(f"{v} {per_frame[v]:.2f}" for v in variants)
          + "; per decoded megapixel: " + ", ".join(f"{v} {per_mpixel[v]:.2f}" for v in variants))
    for variant in ("once", "per peer"):
        if variant in best:
            print(f"  Quartet ({variant}) at the window's end: RSS "
                  + ", ".join(f"{r['rss']:.1f}" for r in best[variant].values())
                  + " MiB" + ("" if args.pattern else " (with the file's pages)") + "; threads "
                  + ", ".join(str(r["threads"]) for r in best[variant].values()))
    if "browser" in variants:
        heights = sorted({r["height"] for r in best["browser"].values()})
        print(f"  the browsers decoded pictures {', '.join(map(str, heights))} lines high "
              f"(they scale down under load)")
        print(f"  ratio Quartet / browser: {mean['once'] / mean['browser']:.2f} (target <= 0.4); "
              f"per decoded frame {per_frame['once'] / per_frame['browser']:.2f}, per megapixel "
              f"{per_mpixel['once'] / per_mpixel['browser']:.2f}; "
              f"lowest decoded fps: Quartet {lowest['once']:.1f}, browser "
              f"{lowest['browser']:.1f} (target >= 29)")
    else:
        print(f"  no browser baseline: {browser_missing}")
    if "per peer" in variants:
        print(f"  ratio once / per peer: {mean['once'] / mean['per peer']:.2f}")
    scratch.cleanup()

if __name__ == "__main__":
    sys.exit(main())
