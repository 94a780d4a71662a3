#!/usr/bin/python3
"""Call setup time through Prosody, against the in-process floor of the same run.

Starts a throwaway Prosody and three auto-answering quartet-cli bots, then
has a quartet-cli caller place calls, one after the other (`--repeat`):

  setup   2-party: from the moment the caller calls call() to its first
          decoded remote frame (its `received-video-track` event, whose t_ms
          counts from call()).
  setup4  4-party: to the moment the last of the six pairs decodes video
          both ways (every process's `received-video-track`, on the
          monotonic clock they share), and to the caller's third track.

The floor is bench-setup-floor, run in the same script: the same engine,
caps and encoder settings in one process, SDP and ICE handed over directly,
media started at the start of each round as call() and accept() start it.
The first call (and the floor's first round) loads plugins and makes the
processes' DTLS certificates, and is not counted.

    bench/setup.py [--cli _build/src/cli/quartet-cli] [--calls 10] [--skip-4]
"""
import argparse
import json
import os
import subprocess
import sys

from benchlib import BUILD, DEFAULT_CLI, Cli, Server, machine, median, stop_all

FLOOR = os.path.join(BUILD, "bench", "bench-setup-floor")
VIDEO = ["--video", "pattern:ball"]  # what bench-setup-floor sends too


def floor(program, parties, rounds):
    out = subprocess.run([program, "--json", "--rounds", str(rounds), "--parties", str(parties)],
                         capture_output=True, text=True, check=True,
                         env=dict(os.environ, QUARTET_AUDIO_SINK="fake")).stdout
    return json.loads(out.strip().splitlines()[-1])


def measure_call(caller, bots, callees):
    """The caller's next call: (ms to its last first frame, ms to the last pair)."""
    dialing = caller.wait_for("dialing")
    session = dialing["session"]
    start_mono = dialing["mono_ms"] - dialing["t_ms"]  # when call() was called
    last_track = caller.wait_for("received-video-track", count=len(callees), session=session)
    # Every callee decodes everyone else too.
    last_mono = last_track["mono_ms"]
    for i in callees:
        event = bots[i - 1].wait_for("received-video-track", count=len(callees), session=session)
        last_mono = max(last_mono, event["mono_ms"])
    caller.wait_for("call-end", session=session)
    for i in callees:
        bots[i - 1].wait_for("call-end", session=session)
    return last_track["t_ms"], last_mono - start_mono


def run_calls(cli, server, bots, callees, calls):
    """One signed-in caller places calls + 1 calls, one after the other, as an
    app would; its first call (plugins, DTLS certificates) is not counted."""
    caller = Cli(cli, "call", server, 0, VIDEO + ["--duration", "30", "--repeat", str(calls + 1)]
                 + [server.jid(i) for i in callees])
    try:
        results = []
        for i in range(calls + 1):
            results.append(measure_call(caller, bots, callees))
            print(f"  {len(callees) + 1}-party call {i}: {results[-1][0]:.0f} ms to the caller's "
                  f"last first frame, {results[-1][1]:.0f} ms to the last pair"
                  + (" (warm-up, not counted)" if i == 0 else ""), file=sys.stderr, flush=True)
        results = results[1:]
        if caller.wait(timeout=60) != 0:
            raise RuntimeError("a call did not go through")
    finally:
        caller.stop()
    return [r[0] for r in results], [r[1] for r in results]


def report(name, values, floor_ms, target):
    m = median(values)
    print(f"  {name}: median {m:.0f} ms (min {min(values):.0f}, max {max(values):.0f}); "
          f"floor {floor_ms:.0f} ms; ratio {m / floor_ms:.2f} (target <= {target})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", default=DEFAULT_CLI)
    parser.add_argument("--floor", default=FLOOR)
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--skip-4", action="store_true", help="only the 2-party call")
    args = parser.parse_args()

    print(machine())
    floor2 = floor(args.floor, 2, args.calls)
    floor4 = None if args.skip_4 else floor(args.floor, 4, args.calls)

    with Server(["alice", "bob", "carol", "dave"]) as server:
        # The bots hang up: in a mesh the others stay in the call when the
        # caller leaves, and would be busy for its next one. The caller's
        # call ends when the last has gone.
        bots = [Cli(args.cli, "listen", server, i, VIDEO + ["--auto-answer", "--duration", "2.5"])
                for i in (1, 2, 3)]
        try:
            for bot in bots:
                bot.wait_for("roster")
            two, _ = run_calls(args.cli, server, bots, [1], args.calls)
            if not args.skip_4:
                four_caller, four_last = run_calls(args.cli, server, bots, [1, 2, 3], args.calls)
        finally:
            stop_all(bots)

    print(f"call() to the caller's first decoded remote frame, {args.calls} calls each:")
    print(f"  floor, 2 parties in one process: median {floor2['caller_median_ms']:.0f} ms "
          f"(rounds {', '.join(f'{v:.0f}' for v in floor2['caller_ms'])})")
    print(f"  quartet-cli calls: {', '.join(f'{v:.0f}' for v in two)}")
    report("setup (2-party)", two, floor2["caller_median_ms"], 1.15)
    if not args.skip_4:
        print("4-party call, until the last of the six pairs decodes video both ways:")
        print(f"  floor, 4 parties in one process: caller median "
              f"{floor4['caller_median_ms']:.0f} ms, last pair median "
              f"{floor4['last_pair_median_ms']:.0f} ms")
        print(f"  quartet-cli calls (last pair): {', '.join(f'{v:.0f}' for v in four_last)}")
        report("setup4 (last pair) vs the 2-party floor", four_last,
               floor2["caller_median_ms"], 1.5)
        report("setup4 (last pair) vs the 4-party floor", four_last,
               floor4["last_pair_median_ms"], "-")
        report("setup4 (caller's third track) vs the 2-party floor", four_caller,
               floor2["caller_median_ms"], "-")


if __name__ == "__main__":
    sys.exit(main())
