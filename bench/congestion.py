#!/usr/bin/python3
"""Video over a capped uplink: what a call does when the network is slower
than what it sends.

Both sides are relay-only through a real coturn; Bob reaches it through
tests/harness/impaired_link.py, whose uplink (Bob -> coturn, so Bob's video
to Alice) gets a rate cap: a bottleneck with a drop-tail queue, as a home
router's. Both send the busy test pattern (a moving zone plate that takes
all the rate it gets at every size, as a lively camera picture does). Per
phase, from the stats Alice prints each second for Bob: mean frame rate,
seconds under 5 fps (a frozen picture), the picture height, and the share
of Bob's datagrams the bottleneck dropped. The first phase, uncapped, is
the same run's baseline; --fixed runs the engine as it was before it
adapted (VP8 at a fixed 1 Mbit/s, 720p), the comparison for the same
schedule.

    bench/congestion.py [--cli _build/src/cli/quartet-cli] [--schedule 0:10,400:30] [--fixed]

The schedule is kbit/s:seconds phases (0: no cap). Issue 16's goals: at
400 kbit/s >= 20 fps mean after 10 s, no second under 5 fps, < 5% dropped;
2000 -> 300 -> 2000 followed down within 5 s and up within 20 s.
"""
import argparse
import os
import statistics
import sys
import time

from benchlib import DEFAULT_CLI, HERE, Cli, Server, machine, stop_all

sys.path.insert(0, os.path.join(HERE, "..", "tests", "harness"))
from coturn import Coturn  # noqa: E402
from impaired_link import ImpairedLink  # noqa: E402

VIDEO = ["--video", "pattern:busy", "--relay-only"]


def parse_schedule(text):
    phases = []
    for part in text.split(","):
        rate, seconds = part.split(":")
        phases.append((int(rate) * 1000 or None, float(seconds)))
    return phases


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", default=DEFAULT_CLI)
    parser.add_argument("--schedule", default="0:10,400:30,2000:10,300:15,2000:20")
    parser.add_argument("--fixed", action="store_true",
                        help="no adaptation: VP8 at 1 Mbit/s whatever the link")
    args = parser.parse_args()
    if args.fixed:
        os.environ["QUARTET_VIDEO_FIXED_BITRATE"] = "1000000"
    phases = parse_schedule(args.schedule)
    total = sum(seconds for _, seconds in phases)

    print(machine())
    with Coturn() as turn, ImpairedLink((turn.host, turn.port)) as link, \
            Server(["alice", "bob"], turn=turn.server_options()) as server:
        name, password = turn.credentials("bob")
        bob = Cli(args.cli, "listen", server, 1, VIDEO + [
            "--auto-answer", "--turn", f"turn://{link.host}:{link.port}?transport=udp",
            "--turn-user", name, "--turn-password", password])
        processes = [bob]
        try:
            bob.wait_for("roster")
            alice = Cli(args.cli, "call", server, 0,
                        VIDEO + ["--duration", str(total + 30), server.jid(1)])
            processes.append(alice)
            alice.wait_for("received-video-track", timeout=60)
            time.sleep(3)  # past the first keyframes
            results = []
            for rate, seconds in phases:
                link.cap_uplink(rate)
                start, sent, dropped = time.monotonic(), link.uplink_datagrams, link.queue_drops
                offered_bytes = link.uplink_offered_bytes
                drops_per_second = []
                for _ in range(int(seconds)):
                    before = link.queue_drops
                    time.sleep(1)
                    drops_per_second.append(link.queue_drops - before)
                offered_kbps = (link.uplink_offered_bytes - offered_bytes) * 8 / seconds / 1000
                seconds_of_stats = [e for e in alice.of("stats")
                                    if e["user"] == server.jid(1) and start * 1000 <= e["mono_ms"]]
                fps = [e["fps"] for e in seconds_of_stats]
                heights = [e.get("height", 0) for e in seconds_of_stats]
                targets = [f'{e["height"]}p:{e["kbps"]}' for e in bob.of("sending")
                           if start * 1000 <= e["mono_ms"]]
                drops = link.queue_drops - dropped
                offered = link.uplink_datagrams - sent + drops
                results.append((rate, seconds, fps, heights, targets, drops_per_second,
                                drops / max(offered, 1), offered_kbps))
            repairs = alice.of("reconnect") + bob.of("reconnect")
        finally:
            stop_all(processes)

    print(f"repairs (reconnect events, both sides): {len(repairs)}")
    print("Bob's video at Alice, per phase of Bob's uplink cap:")
    for rate, seconds, fps, heights, targets, drops_per_second, dropped, offered_kbps in results:
        cap = f"{rate // 1000} kbit/s" if rate else "no cap"
        later = fps[10:] if len(fps) > 12 else fps
        print(f"  {cap:>12} for {seconds:g} s: mean {statistics.mean(fps or [0]):.1f} fps "
              f"(after 10 s: {statistics.mean(later or [0]):.1f}), "
              f"{sum(1 for f in fps if f < 5)} s under 5 fps, "
              f"Bob sent {offered_kbps:.0f} kbit/s, {100 * dropped:.1f}% of it "
              "dropped at the bottleneck")
        print(f"  {'':>12}   fps per second: {' '.join(f'{f:.0f}' for f in fps)}")
        print(f"  {'':>12}   height per second: {' '.join(str(h) for h in heights)}")
        print(f"  {'':>12}   Bob's encoder (height:kbit/s): {' '.join(targets)}")
        print(f"  {'':>12}   datagrams dropped per second: {' '.join(map(str, drops_per_second))}")


if __name__ == "__main__":
    main()
