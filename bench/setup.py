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

Two baselines, measured in the same run:

  floor     bench-setup-floor: the same engine, caps and encoder settings in
            one process, SDP and ICE handed over directly, media started at
            the start of each round as call() and accept() start it.
  browser   the QuickBlox JS SDK 2.23 in headless Chromium (the interop
            suite's web app, tests/interop): pages signed in to the same
            Prosody, the others answering at once in the page; from qtCall()
            (getUserMedia, the session, the call) to the first frame the
            caller's <video> presents (requestVideoFrameCallback), and to
            the moment every page shows every other. Skipped, with a note,
            where Chromium or the SDK is not installed (./tools/install-interop).

The first call of a process or page (and the floor's first round) loads
plugins and makes DTLS certificates; it is shown, and not counted.

    bench/setup.py [--cli _build/src/cli/quartet-cli] [--calls 10] [--skip-4] [--no-browser]
"""
import argparse
import json
import os
import subprocess
import sys

from benchlib import BUILD, DEFAULT_CLI, Cli, Server, machine, median, stop_all
import browserlib

FLOOR = os.path.join(BUILD, "bench", "bench-setup-floor")
VIDEO = ["--video", "pattern:ball"]  # what bench-setup-floor sends too


def floor(program, parties, rounds):
    out = subprocess.run([program, "--json", "--rounds", str(rounds), "--parties", str(parties)],
                         capture_output=True, text=True, check=True,
                         env=dict(os.environ, QUARTET_AUDIO_SINK="fake")).stdout
    return json.loads(out.strip().splitlines()[-1])


def phase(caller, name, session, state=None):
    """t_ms of the caller's first @name event of @session (of @state)."""
    for event in caller.of(name, session):
        if state is None or event.get("state") == state:
            return event["t_ms"]
    return float("nan")


def measure_call(caller, bots, callees):
    """The caller's next call: (ms to its last first frame, ms to the last
    pair, ms to the first accept, ms to the first connected peer)."""
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
    return (last_track["t_ms"], last_mono - start_mono, phase(caller, "accept", session),
            phase(caller, "peer-connection-state-changed", session, "connected"))


def run_calls(cli, server, bots, callees, calls):
    """One signed-in caller places calls + 1 calls, one after the other, as an
    app would; its first call (plugins, DTLS certificates) is not counted:
    ([ms to the caller's last first frame], [ms to the last pair], the
    first call's, [(ms to accept, ms to connected)])."""
    caller = Cli(cli, "call", server, 0, VIDEO + ["--duration", "30", "--repeat", str(calls + 1)]
                 + [server.jid(i) for i in callees])
    try:
        results = []
        for i in range(calls + 1):
            results.append(measure_call(caller, bots, callees))
            print(f"  {len(callees) + 1}-party call {i}: accept {results[-1][2]:.0f} ms, "
                  f"connected {results[-1][3]:.0f} ms, the caller's last first frame "
                  f"{results[-1][0]:.0f} ms, the last pair {results[-1][1]:.0f} ms"
                  + (" (warm-up, not counted)" if i == 0 else ""), file=sys.stderr, flush=True)
        if caller.wait(timeout=60) != 0:
            raise RuntimeError("a call did not go through")
    finally:
        caller.stop()
    first, results = results[0], results[1:]
    return ([r[0] for r in results], [r[1] for r in results], first,
            [(r[2], r[3]) for r in results])


def run_browser_calls(server, parties, calls):
    """The same in Chromium: ([ms to the caller's last first frame], [ms to
    the last pair], the first call's), or None where it is not installed."""
    with browserlib.Browsers(server, parties) as web:
        results = []
        for i in range(calls + 1):
            results.append(web.call())
            print(f"  browser {parties}-party call {i}: the caller's last first frame "
                  f"{results[-1][0]:.0f} ms, the last pair {results[-1][1]:.0f} ms"
                  + (" (warm-up, not counted)" if i == 0 else ""), file=sys.stderr, flush=True)
        version = web.version
    first, results = results[0], results[1:]
    return [r[0] for r in results], [r[1] for r in results], first, version


def report(name, values, baseline_ms, baseline, target):
    m = median(values)
    print(f"  {name}: median {m:.0f} ms (min {min(values):.0f}, max {max(values):.0f}); "
          f"{baseline} {baseline_ms:.0f} ms; ratio {m / baseline_ms:.2f} (target <= {target})")


def ms_list(values):
    return ", ".join(f"{v:.0f}" for v in values)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", default=DEFAULT_CLI)
    parser.add_argument("--floor", default=FLOOR)
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--skip-4", action="store_true", help="only the 2-party call")
    parser.add_argument("--no-browser", action="store_true", help="without the browser baseline")
    args = parser.parse_args()

    print(machine())
    browser_missing = "--no-browser" if args.no_browser else browserlib.missing()
    floor2 = floor(args.floor, 2, args.calls)
    floor4 = None if args.skip_4 else floor(args.floor, 4, args.calls)
    party_counts = [2] if args.skip_4 else [2, 4]
    quartet, web = {}, {}

    with Server(["alice", "bob", "carol", "dave"] + browserlib.USERS) as server:
        # The bots hang up: in a mesh the others stay in the call when the
        # caller leaves, and would be busy for its next one. The caller's
        # call ends when the last has gone.
        bots = [Cli(args.cli, "listen", server, i, VIDEO + ["--auto-answer", "--duration", "2.5"])
                for i in (1, 2, 3)]
        try:
            for bot in bots:
                bot.wait_for("roster")
            for parties in party_counts:
                quartet[parties] = run_calls(args.cli, server, bots, list(range(1, parties)),
                                             args.calls)
        finally:
            stop_all(bots)
        if not browser_missing:
            for parties in party_counts:
                web[parties] = run_browser_calls(server, parties, args.calls)

    two, _, first2, phases = quartet[2]
    print(f"call() to the caller's first decoded remote frame, {args.calls} calls each:")
    print(f"  floor, 2 parties in one process: median {floor2['caller_median_ms']:.0f} ms "
          f"(rounds {ms_list(floor2['caller_ms'])})")
    print(f"  quartet-cli calls: {ms_list(two)} (first call {first2[0]:.0f})")
    print(f"    of which: accept median {median([p[0] for p in phases]):.0f} ms, connected "
          f"median {median([p[1] for p in phases]):.0f} ms")
    report("setup (2-party)", two, floor2["caller_median_ms"], "floor", 1.15)
    if web:
        web_two, _, web_first2, version = web[2]
        print(f"  browser: {version}")
        print(f"  browser calls: {ms_list(web_two)} (first call {web_first2[0]:.0f})")
        report("setup (2-party) vs the browser", two, median(web_two), "browser", 0.8)
        print(f"  first call of a process vs a page's: {first2[0]:.0f} ms vs "
              f"{web_first2[0]:.0f} ms, ratio {first2[0] / web_first2[0]:.2f}")
    else:
        print(f"  no browser baseline: {browser_missing}")
    if not args.skip_4:
        four_caller, four_last, first4, _ = quartet[4]
        print("4-party call, until the last of the six pairs decodes video both ways:")
        print(f"  floor, 4 parties in one process: caller median "
              f"{floor4['caller_median_ms']:.0f} ms, last pair median "
              f"{floor4['last_pair_median_ms']:.0f} ms")
        print(f"  quartet-cli calls (last pair): {ms_list(four_last)} (first call {first4[1]:.0f})")
        report("setup4 (last pair) vs the 2-party floor", four_last,
               floor2["caller_median_ms"], "floor", 1.5)
        report("setup4 (last pair) vs the 4-party floor", four_last,
               floor4["last_pair_median_ms"], "floor", "-")
        report("setup4 (caller's third track) vs the 2-party floor", four_caller,
               floor2["caller_median_ms"], "floor", "-")
        if web:
            web_caller, web_last, web_first4, _ = web[4]
            print(f"  browser calls (last pair): {ms_list(web_last)} (first call {web_first4[1]:.0f})")
            report("setup4 (last pair) vs the browser", four_last, median(web_last), "browser", 0.8)
            report("setup4 (caller's third track) vs the browser", four_caller, median(web_caller),
                   "browser", 0.8)


if __name__ == "__main__":
    sys.exit(main())
