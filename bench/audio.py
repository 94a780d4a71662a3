#!/usr/bin/python3
"""What a call sounds like, measured: echo cancellation in a simulated room,
and speech over a lossy link (--loss).

Echo (the default): Alice and Bob talk in turns with synthesised voices
(espeak-ng); Alice's "microphone" also hears her speaker through a room (`--room`: 80 ms, 6 dB
down, a short reverberation). Bob's figures, once a second, say how loud
Alice's audio is: while only he talks (his voice coming back, the echo),
while both talk, and while she talks alone. The same call with Alice's
echo canceller off (the rest of her voice processing on, as the app's
switch has it) is the baseline, run at the same time on two other accounts.

Loss (--loss): Alice talks (a looped espeak-ng voice) to Bob over a relay
(coturn) that Bob reaches through tests/harness/impaired_link.py, dropping
0, 0, 5 and 15 % of the datagrams each way, then none but delaying each
by up to 60 ms (jitter), five calls one after the other. Bob records what he would play (`--record-audio`); each lossy
recording is compared with the first lossless one
(tests/harness/speech_quality.py: log-spectral distance over the speech,
the longest drop-out), the second lossless one says how far two clean
receptions of the same voice differ (the measure's floor).

    bench/audio.py [--cli _build/src/cli/quartet-cli] [--seconds 90] [--room 80]
    bench/audio.py --loss [--seconds 60]
"""
import argparse
import os
import sys
import tempfile
import threading

from benchlib import DEFAULT_CLI, HERE, Cli, Server, machine, stop_all

sys.path.insert(0, os.path.join(HERE, "..", "tests", "harness"))
from coturn import Coturn  # noqa: E402
from impaired_link import ImpairedLink  # noqa: E402
import speech_quality  # noqa: E402
import voices  # noqa: E402

# (loss, jitter in seconds) of each call's link
LINKS = ((0.0, 0), (0.0, 0), (0.05, 0), (0.15, 0), (0.0, 0.06))


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


def loss_call(args, server, turn, pair, recording, results):
    caller, callee = 2 * pair, 2 * pair + 1
    loss, jitter = LINKS[pair]
    name, password = turn.credentials(server.jid(callee))
    with ImpairedLink((turn.host, turn.port), loss=loss, jitter=jitter, seed=pair + 1) as link:
        bob = Cli(args.cli, "listen", server, callee,
                  voices.loss_args("bob", recording)
                  + ["--auto-answer", "--relay-only",
                     "--turn", f"turn://{link.host}:{link.port}?transport=udp",
                     "--turn-user", name, "--turn-password", password])
        processes = [bob]
        try:
            bob.wait_for("roster")
            alice = Cli(args.cli, "call", server, caller,
                        voices.loss_args("alice")
                        + ["--audio-only", "--relay-only", "--duration", str(args.seconds),
                           server.jid(callee)])
            processes.append(alice)
            alice.wait(timeout=args.seconds + 60)
            bob.wait_for("call-end", timeout=30)
        finally:
            stop_all(processes)
        results[pair] = link.dropped / max(1, link.dropped + link.forwarded)


def loss_main(args):
    print(machine())
    recordings = tempfile.TemporaryDirectory(prefix="quartet-loss-")
    paths = [os.path.join(recordings.name, f"bob{pair}.wav") for pair in range(len(LINKS))]
    dropped = {}
    with Coturn() as turn, Server([f"user{i}" for i in range(2 * len(LINKS))],
                                  turn=turn.server_options()) as server:
        # One after the other: four at once took the machine (2 CPUs) from
        # under the voices, their senders skipped samples, and clean calls
        # looked damaged.
        for pair in range(len(LINKS)):
            loss_call(args, server, turn, pair, paths[pair], dropped)

    print(f"{args.seconds:g} s calls, Alice's voice at Bob against the first lossless call "
          "(log-spectral distance over the speech, 100 Hz-8 kHz):")
    print(f"  {'loss':>5} {'jitter':>7} {'dropped':>8} {'LSD dB':>7} {'frames >6 dB':>13} {'longest gap':>12}"
          f" {'in gaps':>8} {'speech s':>9}")
    for pair in range(1, len(LINKS)):
        figures = speech_quality.compare(paths[0], paths[pair])
        loss, jitter = LINKS[pair]
        print(f"  {loss:5.0%} {jitter * 1000:4.0f} ms {dropped[pair]:8.1%} {figures['lsd_db']:7.2f} "
              f"{figures['damaged']:13.1%} {figures['longest_gap_ms']:9d} ms"
              f" {figures['dropped_out']:8.2%} {figures['speech_seconds']:9.1f}")
    if args.keep:
        print(f"  the recordings: {args.keep}")
        for path in paths:
            os.replace(path, os.path.join(args.keep, os.path.basename(path)))
    recordings.cleanup()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", default=DEFAULT_CLI)
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--room", type=int, default=voices.ROOM_DELAY_MS,
                        help="the room's delay, ms")
    parser.add_argument("--loss", action="store_true",
                        help="speech over a lossy link instead of the echo")
    parser.add_argument("--keep", metavar="DIR", help="--loss: keep the recordings in DIR")
    args = parser.parse_args()
    if voices.missing():
        sys.exit(voices.missing())
    if args.loss:
        return loss_main(args)
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
