#!/usr/bin/python3
"""Echo cancellation in a simulated room, measured as Bob hears it.

Alice and Bob talk in turns with synthesised voices (espeak-ng); Alice's
"microphone" also hears her speaker through a room (`--room`: 80 ms, 6 dB
down, a short reverberation). Bob's figures, once a second, say how loud
Alice's audio is: while only he talks (his voice coming back, the echo),
while both talk, and while she talks alone. The same call with Alice's
echo canceller off (the rest of her voice processing on, as the app's
switch has it) is the baseline, run at the same time on two other accounts.

    bench/audio.py [--cli _build/src/cli/quartet-cli] [--seconds 90] [--room 80]
"""
import argparse
import os
import sys
import threading

from benchlib import DEFAULT_CLI, Cli, Server, machine, stop_all

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "harness"))
import voices  # noqa: E402


def echo_call(args, server, caller, callee, cancelling, results):
    bob = Cli(args.cli, "listen", server, callee, voices.echo_args("bob") + ["--auto-answer"])
    processes = [bob]
    try:
        bob.wait_for("roster")
        alice = Cli(args.cli, "call", server, caller,
                    voices.echo_args("alice", cancelling)
                    + ["--audio-only", "--duration", str(args.seconds), server.jid(callee)],
                    voice_processing=True)
        processes.append(alice)
        alice.wait(timeout=args.seconds + 60)
    finally:
        stop_all(processes)
    offset = voices.wall_minus_monotonic_ms()
    after = voices.CONVERGED_SECONDS * 1000
    at_bob = voices.levels_by_turn(bob.events, server.jid(caller), offset, voices.ECHO_TURNS, after)
    at_alice = voices.levels_by_turn(alice.events, server.jid(callee), offset, voices.ECHO_TURNS,
                                     after)
    results[cancelling] = voices.echo_figures(at_bob, at_alice)
    results[cancelling, "echo seconds"] = voices.echo_seconds(at_bob)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", default=DEFAULT_CLI)
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--room", type=int, default=voices.ROOM_DELAY_MS,
                        help="the room's delay, ms")
    args = parser.parse_args()
    if voices.missing():
        sys.exit(voices.missing())
    voices.ROOM_DELAY_MS = args.room

    print(machine())
    results = {}
    with Server(["alice", "bob", "carol", "dave"]) as server:
        calls = [threading.Thread(target=echo_call, args=(args, server, 0, 1, True, results)),
                 threading.Thread(target=echo_call, args=(args, server, 2, 3, False, results))]
        for call in calls:
            call.start()
        for call in calls:
            call.join()

    on, off = results[True], results[False]
    print(f"room {args.room} ms, {args.seconds:g} s calls, figures from "
          f"{voices.CONVERGED_SECONDS:g} s on (dBFS RMS at the far end, the median second):")
    print(f"  {'':32} {'canceller on':>13} {'off':>8}")
    for key, label in (("echo", "echo (Bob alone, back to Bob)"),
                       ("alice_alone", "Alice alone, at Bob"),
                       ("alice_double", "Alice in double talk, at Bob"),
                       ("bob_alone", "Bob alone, at Alice"),
                       ("bob_double", "Bob in double talk, at Alice")):
        print(f"  {label:32} {on[key]:13.1f} {off[key]:8.1f}")
    for cancelling, name in ((True, "on"), (False, "off")):
        print(f"  the echo's seconds, canceller {name}: "
              + " ".join(f"{level:.1f}" for level in results[cancelling, "echo seconds"]))
    print(f"  echo return loss enhancement: {off['echo'] - on['echo']:.1f} dB (goal >= 20)")
    print(f"  Alice's voice, canceller on - off: {on['alice_alone'] - off['alice_alone']:+.1f} dB"
          " (goal within 3)")
    print(f"  double talk, Alice at Bob against alone: "
          f"{on['alice_double'] - on['alice_alone']:+.1f} dB; Bob at Alice: "
          f"{on['bob_double'] - on['bob_alone']:+.1f} dB")


if __name__ == "__main__":
    main()
