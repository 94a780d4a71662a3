#!/usr/bin/python3
"""Memory of a quartet-cli that stays signed in: idle, and after many calls.

Starts a throwaway Prosody and `quartet-cli listen --auto-answer` as Bob,
reads his peak RSS (VmHWM) once he is signed in and idle, then has
quartet-cli Alice call him and hang up, again and again (`--repeat`). His
RSS (and Alice's) is read just after each call ended, and his heap in use
(what malloc handed out and was not given back: SIGUSR1 has quartet-cli
print it), which tells what he still holds from what glibc keeps free for
later; the growth counts from cycle --skip (the first calls load plugins,
make the DTLS certificate and fill allocator pools) to the last one.

    bench/memory.py [--cli _build/src/cli/quartet-cli] [--cycles 100] [--skip 10]
"""
import argparse
import os
import signal
import sys
import time

from benchlib import DEFAULT_CLI, Cli, Server, idle_figures, machine, memory_kib, stop_all

VIDEO = ["--video", "pattern:ball"]
IDLE_SECONDS = 5


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", default=DEFAULT_CLI)
    parser.add_argument("--cycles", type=int, default=100)
    parser.add_argument("--skip", type=int, default=10)
    parser.add_argument("--duration", type=float, default=0.3,
                        help="seconds each call stays connected")
    args = parser.parse_args()

    print(machine())
    with Server(["alice", "bob"]) as server:
        bob = Cli(args.cli, "listen", server, 1, VIDEO + ["--auto-answer"])
        processes = []
        try:
            bob.wait_for("roster")
            idle_rss, idle_peak, idle_cpu = idle_figures(bob.pid, IDLE_SECONDS)
            print(f"signed in and idle: RSS {idle_rss / 1024:.1f} MiB, "
                  f"peak {idle_peak / 1024:.1f} MiB (target <= 60); "
                  f"CPU {100 * idle_cpu:.1f}% of a core")

            # One caller places every call (--repeat), as an app would.
            alice = Cli(args.cli, "call", server, 0,
                        VIDEO + ["--duration", str(args.duration), "--repeat", str(args.cycles),
                                 server.jid(1)])
            processes = [alice]
            rss, heap, caller_rss = {}, {}, {}
            for cycle in range(1, args.cycles + 1):
                session = alice.wait_for("dialing", timeout=60)["session"]
                alice.wait_for("call-end", timeout=60, session=session)
                bob.wait_for("call-end", timeout=30, session=session)
                time.sleep(0.2)  # the peer's teardown; the next call comes 0.5 s after the end
                rss[cycle] = memory_kib(bob.pid)[0]
                os.kill(bob.pid, signal.SIGUSR1)
                heap[cycle] = bob.wait_for("memory", timeout=30)["heap_kib"]
                try:
                    caller_rss[cycle] = memory_kib(alice.pid)[0]
                except OSError:
                    pass  # after its last call the caller signs out and exits
                if cycle % 10 == 0:
                    print(f"  after call {cycle}: RSS {rss[cycle] / 1024:.1f} MiB, "
                          f"heap in use {(heap[cycle] or 0) / 1024:.1f} MiB "
                          f"(the caller: {caller_rss.get(cycle, 0) / 1024:.1f} MiB)", flush=True)
            final_rss, peak = memory_kib(bob.pid)
            failed = 0 if alice.wait(timeout=60) == 0 else 1
        finally:
            stop_all([bob] + processes)

    skip = min(args.skip, args.cycles)
    growth = (rss[args.cycles] - rss[skip]) / 1024
    print(f"{args.cycles} calls ({'all' if not failed else 'not all'} went through): "
          f"RSS after call {skip} "
          f"{rss[skip] / 1024:.1f} MiB, after call {args.cycles} {final_rss / 1024:.1f} MiB, "
          f"peak {peak / 1024:.1f} MiB")
    print(f"  growth from call {skip} to call {args.cycles}: {growth:.2f} MiB (target <= 2) "
          f"({1024 * growth / max(1, args.cycles - skip):.0f} KiB per call)")
    if heap[skip] is not None:
        heap_growth = (heap[args.cycles] - heap[skip]) / 1024
        print(f"  heap in use: {heap[skip] / 1024:.1f} MiB after call {skip}, "
              f"{heap[args.cycles] / 1024:.1f} MiB after call {args.cycles}: {heap_growth:+.2f} MiB "
              f"({1024 * heap_growth / max(1, args.cycles - skip):+.1f} KiB per call); "
              f"RSS beyond it is free memory glibc keeps")
    last = max(caller_rss)
    caller_growth = (caller_rss[last] - caller_rss[skip]) / 1024
    print(f"  the caller, placing the same calls: {caller_growth:.2f} MiB from call {skip} "
          f"to call {last}")


if __name__ == "__main__":
    sys.exit(main())
