#!/usr/bin/python3
"""Signaling load: N call sessions at once between M accounts, through one
Prosody (the baseline) and through a 2-node ejabberd cluster, in one run.

bench-signaling-load (signaling-load.c) signs the accounts in and runs the
sessions; this script starts the servers, gives it the accounts (in the
cluster, alternately on each node, so that every session crosses nodes),
and prints what it counted beside the CPU the servers spent.

    bench/signaling-load.py [--sessions 1000] [--accounts 200] [--rate 500]
                            [--rounds 2] [--servers prosody,cluster]

It asserts nothing: bench/RESULTS.md keeps the figures. A run that loses or
duplicates a signal says so, and its exit status is 1.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

from benchlib import BUILD, cpu_seconds, machine, memory_kib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "harness"))
from ejabberd import EjabberdCluster  # noqa: E402
from prosody import Prosody  # noqa: E402

LOADGEN = os.path.join(BUILD, "bench", "bench-signaling-load")


def server_processes(server):
    """The pids whose CPU counts as the server's."""
    nodes = server.nodes if isinstance(server, EjabberdCluster) else [server]
    return [node._proc.pid for node in nodes]


def run(kind, args):
    server = (EjabberdCluster(accounts=args.accounts) if kind == "cluster"
              else Prosody(accounts=args.accounts))
    nodes = server.nodes if kind == "cluster" else [server]
    with tempfile.NamedTemporaryFile("w", prefix="quartet-load-", suffix=".txt") as accounts:
        try:
            server.start()
            for i, account in enumerate(server.accounts):
                node = nodes[i % len(nodes)]
                accounts.write("%s %s %s:%d\n" % (account["jid"], account["password"], node.host,
                                                  node.c2s_port))
            accounts.flush()
            pids = server_processes(server)
            cpu_before = sum(cpu_seconds(pid) for pid in pids)
            proc = subprocess.run(
                [LOADGEN, "--json", "--accounts", accounts.name, "--cafile", server.cafile,
                 "--sessions", str(args.sessions), "--rate", str(args.rate),
                 "--candidates", str(args.candidates)],
                capture_output=True, text=True, timeout=600)
            result = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.stdout else {
                "error": proc.stderr.strip()}
            result["server_cpu_s"] = sum(cpu_seconds(pid) for pid in pids) - cpu_before
            result["server_rss_mib"] = sum(memory_kib(pid)[0] for pid in pids) / 1024
            result["exit"] = proc.returncode
            return result
        finally:
            server.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sessions", type=int, default=1000)
    ap.add_argument("--accounts", type=int, default=200)
    ap.add_argument("--rate", type=int, default=500, help="calls placed per second")
    ap.add_argument("--candidates", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--servers", default="prosody,cluster")
    args = ap.parse_args()

    print(machine())
    print(f"{args.sessions} sessions at once between {args.accounts} accounts, calls placed at "
          f"{args.rate}/s, {args.candidates} iceCandidates signals from each side\n")
    print(f"{'server':<10} {'up':>5} {'sent':>6} {'lost':>5} {'dup':>4} {'p50 ms':>7} "
          f"{'p99 ms':>7} {'max ms':>7} {'srv CPU s':>9} {'srv MiB':>8}")
    failed = False
    for round_ in range(args.rounds):
        for kind in args.servers.split(","):
            r = run(kind, args)
            if "error" in r:
                print(f"{kind:<10} failed: {r['error']}")
                failed = True
                continue
            c2a = r["call_to_accept_ms"]
            print(f"{kind:<10} {r['sessions_up_at_once']:>5} {r['signals_sent']:>6} "
                  f"{r['lost']:>5} {r['duplicated']:>4} {c2a['p50']:>7.1f} {c2a['p99']:>7.1f} "
                  f"{c2a['max']:>7.1f} {r['server_cpu_s']:>9.2f} {r['server_rss_mib']:>8.0f}")
            failed |= r["exit"] != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
