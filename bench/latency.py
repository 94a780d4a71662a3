#!/usr/bin/python3
"""Glass-to-glass latency of a 2-party call on loopback, from the pixels.

Both quartet-cli processes send `--video pattern:clock`: every frame has the
monotonic time of its capture painted into its top rows as black and white
blocks. With `--frame-latency` each reads that time back from every frame
it decodes and prints decode time minus capture time (both processes share
the machine's monotonic clock). That is glass-to-glass without the camera
and the display: the source, encoder, RTP, SRTP, loopback, jitter buffer,
decoder and conversion to RGB for the screen. Both directions are counted;
the first seconds after connecting (keyframes, jitter buffers settling) are
left out.

    bench/latency.py [--cli _build/src/cli/quartet-cli] [--seconds 20]
"""
import argparse
import sys

from benchlib import DEFAULT_CLI, Cli, Server, machine, median, percentile, stop_all

VIDEO = ["--video", "pattern:clock", "--frame-latency"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", default=DEFAULT_CLI)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--settle", type=float, default=3,
                        help="seconds after the first frame that are not counted")
    args = parser.parse_args()

    print(machine())
    with Server(["alice", "bob"]) as server:
        bob = Cli(args.cli, "listen", server, 1, VIDEO + ["--auto-answer"])
        processes = [bob]
        try:
            bob.wait_for("roster")
            alice = Cli(args.cli, "call", server, 0,
                        VIDEO + ["--duration", str(args.settle + args.seconds + 1), server.jid(1)])
            processes.append(alice)
            first = alice.wait_for("received-video-track")
            alice.wait(timeout=args.settle + args.seconds + 60)
        finally:
            stop_all(processes)

    counted_from = first["mono_ms"] + args.settle * 1000
    samples = {}
    for name, process in (("bob -> alice", alice), ("alice -> bob", bob)):
        samples[name] = [e["latency_ms"] for e in process.of("frame-latency")
                         if e["mono_ms"] >= counted_from]
    every = [v for values in samples.values() for v in values]
    if not every:
        raise RuntimeError("no stamped frames were read back")

    print(f"capture -> decoded RGB frame, {args.seconds:g} s of a 2-party call on loopback:")
    for name, values in samples.items():
        if values:
            print(f"  {name}: {len(values)} frames, median {median(values):.1f} ms, "
                  f"p95 {percentile(values, 95):.1f} ms, max {max(values):.1f} ms")
    print(f"  both: median {median(every):.1f} ms (target <= 80), "
          f"p95 {percentile(every, 95):.1f} ms (target <= 120), "
          f"p99 {percentile(every, 99):.1f} ms, min {min(every):.1f} ms")
    # About 30 frames a second each way are sent; fewer read means frames
    # were lost or a stamp did not survive the encoder.
    print(f"  frames read back: {len(every) / args.seconds / 2:.1f} per second each way")


if __name__ == "__main__":
    sys.exit(main())
