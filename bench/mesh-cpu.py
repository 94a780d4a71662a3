#!/usr/bin/python3
"""CPU of one client in a 4-party call: video encoded once vs once per peer.

Starts a throwaway Prosody, three auto-answering quartet-cli bots and a
caller, lets the call run, and reads the caller's CPU time from /proc over
the same window of connected call. Both variants run in this one process,
alternating, so that the ratio compares like with like on a shared machine.

    bench/mesh-cpu.py [--cli _build/src/cli/quartet-cli] [--seconds 10] [--rounds 2]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "harness"))
from prosody import Prosody  # noqa: E402

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def account_args(server, account, password_file):
    return ["--jid", account["jid"], "--password-file", password_file,
            "--server", f"{server.host}:{server.c2s_port}", "--cafile", server.cafile,
            "--no-voice-processing", "--json"]


def wait_for(process, event, count=1, timeout=30):
    seen, deadline = 0, time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"quartet-cli exited before {event}")
        if json.loads(line)["event"] == event:
            seen += 1
            if seen == count:
                return
    raise RuntimeError(f"no {event} within {timeout} s")


def measure(cli, server, passwords, seconds, per_peer):
    env = dict(os.environ, QUARTET_AUDIO_SINK="fake")
    bots = [subprocess.Popen([cli, "listen", "--auto-answer", "--video", "pattern:ball"]
                             + account_args(server, server.accounts[i], passwords[i]),
                             stdout=subprocess.PIPE, text=True, env=env) for i in (1, 2, 3)]
    for bot in bots:
        wait_for(bot, "roster")

    caller = subprocess.Popen(
        [cli, "call", "--duration", str(seconds + 30), "--video", "pattern:ball"]
        + (["--encode-per-peer"] if per_peer else [])
        + account_args(server, server.accounts[0], passwords[0])
        + [server.accounts[i]["jid"] for i in (1, 2, 3)],
        stdout=subprocess.PIPE, text=True, env=env)
    try:
        wait_for(caller, "received-video-track", count=3)
        time.sleep(2)  # past the start-up: keyframes, jitter buffers
        start = cpu_seconds(caller.pid)
        time.sleep(seconds)
        return cpu_seconds(caller.pid) - start
    finally:
        for process in [caller] + bots:
            process.terminate()
        for process in [caller] + bots:
            process.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", default=os.path.join(HERE, "..", "_build", "src", "cli",
                                                      "quartet-cli"))
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    with Prosody(users=["alice", "bob", "carol", "dave"], roster=True) as server, \
            tempfile.TemporaryDirectory() as tmp:
        passwords = []
        for i, account in enumerate(server.accounts):
            passwords.append(os.path.join(tmp, f"password{i}"))
            with open(passwords[-1], "w") as f:
                f.write(account["password"])

        results = {False: [], True: []}
        for _ in range(args.rounds):
            for per_peer in (True, False):
                results[per_peer].append(measure(args.cli, server, passwords, args.seconds,
                                                 per_peer))

    once = min(results[False])
    per_peer = min(results[True])
    print(f"caller CPU over {args.seconds:g} s of a 4-party call (best of {args.rounds}):")
    print(f"  encode per peer (baseline): {per_peer:.2f} s  ({100 * per_peer / args.seconds:.0f}% of a core)")
    print(f"  encode once:                {once:.2f} s  ({100 * once / args.seconds:.0f}% of a core)")
    print(f"  ratio once / per peer:      {once / per_peer:.2f}")


if __name__ == "__main__":
    main()
