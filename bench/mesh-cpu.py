#!/usr/bin/python3
"""CPU of each client in a 4-party call: video encoded once vs once per peer.

Starts a throwaway Prosody, three auto-answering quartet-cli bots and a
caller (the ball pattern, made at 1280x720@30 and sent at the ladder's
height: 720p on loopback, or QUARTET_VIDEO_MAX_HEIGHT; with --encode-per-peer
each encoder takes the source's 720p; all four on this machine), lets the call run, and
reads every client's CPU time from /proc over the same window of connected
call, and what each decodes from its `stats` lines. Both variants run in
this one process, alternating, so that the ratio compares like with like on
a shared machine; in the baseline every client runs `--encode-per-peer`.

    bench/mesh-cpu.py [--cli _build/src/cli/quartet-cli] [--seconds 20] [--rounds 2]
"""
import argparse
import os
import sys
import time

from benchlib import DEFAULT_CLI, Cli, Server, cpu_seconds, machine, stop_all

NAMES = ["alice", "bob", "carol", "dave"]


def decoded_fps(client, session, start_ms, end_ms):
    """Lowest decoded fps over [start_ms, end_ms] among @client's three streams."""
    by_user = {}
    for event in client.of("stats", session):
        by_user.setdefault(event["user"], []).append(event)
    rates = []
    for events in by_user.values():
        inside = [e for e in events if start_ms <= e["mono_ms"] <= end_ms]
        if len(inside) < 2:
            return 0.0
        first, last = inside[0], inside[-1]
        rates.append((last["video_frames"] - first["video_frames"])
                     / ((last["mono_ms"] - first["mono_ms"]) / 1000))
    return min(rates) if len(rates) == 3 else 0.0


def measure(cli, server, seconds, per_peer):
    """{name: (CPU seconds over the window, lowest decoded fps)}"""
    extra = ["--video", "pattern:ball"] + (["--encode-per-peer"] if per_peer else [])
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
        end_ms = time.clock_gettime(time.CLOCK_MONOTONIC) * 1000
        time.sleep(1.2)  # the stats line that closes the window
        return {NAMES[i]: (cpu[i], decoded_fps(c, session, start_ms - 1000, end_ms + 1100))
                for i, c in enumerate(clients)}
    finally:
        stop_all(clients)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", default=DEFAULT_CLI)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    print(machine())
    with Server(NAMES) as server:
        results = {False: [], True: []}
        for _ in range(args.rounds):
            for per_peer in (True, False):
                results[per_peer].append(measure(args.cli, server, args.seconds, per_peer))

    def per_minute(result):
        return {name: cpu * 60 / args.seconds for name, (cpu, _) in result.items()}

    # The round with the least total CPU: the one least disturbed by the machine.
    best = {v: min(results[v], key=lambda r: sum(per_minute(r).values())) for v in results}
    height = os.environ.get("QUARTET_VIDEO_MAX_HEIGHT", "720")
    print(f"CPU seconds per client per minute of a 4-party VP8 call, encoding once at up to "
          f"{height}p, per peer at 720p "
          f"(best of {args.rounds}, {args.seconds:g} s windows):")
    print(f"  {'client':8} {'per peer':>9} {'once':>9} {'ratio':>6}  lowest decoded fps "
          f"(per peer / once)")
    for name in NAMES:
        baseline = per_minute(best[True])[name]
        once = per_minute(best[False])[name]
        print(f"  {name:8} {baseline:9.1f} {once:9.1f} {once / baseline:6.2f}  "
              f"{best[True][name][1]:5.1f} / {best[False][name][1]:5.1f}")
    baseline = sum(per_minute(best[True]).values()) / len(NAMES)
    once = sum(per_minute(best[False]).values()) / len(NAMES)
    lowest = min(fps for _, fps in best[False].values())
    print(f"  {'mean':8} {baseline:9.1f} {once:9.1f} {once / baseline:6.2f}")
    print(f"  ratio once / per peer: {once / baseline:.2f} (target <= 0.5); lowest decoded fps "
          f"encoding once: {lowest:.1f} (target >= 29)")


if __name__ == "__main__":
    sys.exit(main())
