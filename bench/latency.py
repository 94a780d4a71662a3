#!/usr/bin/python3
"""Glass-to-glass latency of a 2-party call on loopback, from the pixels,
and mouth-to-ear latency of 2- and 4-party calls, from the sound.

Both quartet-cli processes send `--video pattern:clock`: every frame has the
monotonic time of its capture painted into its top rows as black and white
blocks. With `--frame-latency` each reads that time back from every frame
it decodes and prints decode time minus capture time (both processes share
the machine's monotonic clock). That is glass-to-glass without the camera
and the display: the source, encoder, RTP, SRTP, loopback, jitter buffer,
decoder and conversion to RGB for the screen. Both directions are counted;
the first seconds after connecting (keyframes, jitter buffers settling) are
left out.

Mouth to ear: every process's tone talks in its own turn (`--talk I/N`,
turns of 3 s by the wall clock), so a voice starts at a known instant (the
turn's boundary, within one 10 ms buffer); `--hear-onsets` makes the others
print when that sound starts at their speaker (the sink's render time: after
the jitter buffer, decoder, mixer and the sink's own latency). Both clocks
are the machine's monotonic one. The 2-party run is the same call as the
video's, so the two are compared in one call.

    bench/latency.py [--cli _build/src/cli/quartet-cli] [--seconds 20] [--no-audio]
"""
import argparse
import math
import sys
import time

from benchlib import DEFAULT_CLI, Cli, Server, machine, median, percentile, stop_all

VIDEO = ["--video", "pattern:clock", "--frame-latency"]
TURN_SECONDS = 3.0


def talk(index, count, tones=True):
    return ["--talk", f"{index}/{count}", "--hear-onsets"] if tones else []


def mouth_to_ear(listeners, count, since_ms):
    """Per heard onset (ms): its time at the listener's speaker minus the
    start of the turn it fell in, when that turn was another's."""
    offset = (time.time() - time.monotonic()) * 1000  # wall = monotonic + offset
    samples = []
    for index, process in listeners:
        for event in process.of("heard"):
            if event["heard_ms"] < since_ms:
                continue
            wall = event["heard_ms"] + offset
            turn = math.floor(wall / 1000 / TURN_SECONDS)
            start = turn * TURN_SECONDS * 1000
            if turn % count == index:
                continue
            samples.append(wall - start)
    return samples


def audio_call(args, parties, video):
    """A call of @parties, each talking in turn; the mouth-to-ear samples."""
    with Server(["alice", "bob", "carol", "dave"][:parties]) as server:
        media = VIDEO if video else ["--audio-only"]
        bots = [Cli(args.cli, "listen", server, i,
                    talk(i, parties, not args.no_audio) + ["--auto-answer"]
                    + (VIDEO if video else [])) for i in range(1, parties)]
        processes = list(bots)
        try:
            for bot in bots:
                bot.wait_for("roster")
            duration = args.settle + args.seconds + 1
            alice = Cli(args.cli, "call", server, 0,
                        talk(0, parties, not args.no_audio) + media
                        + ["--duration", str(duration)]
                        + [server.jid(i) for i in range(1, parties)])
            processes.append(alice)
            connected = alice.wait_for("peer-connection-state-changed")
            while connected["state"] != "connected":
                connected = alice.wait_for("peer-connection-state-changed")
            alice.wait(timeout=duration + 60)
        finally:
            stop_all(processes)
    listeners = [(0, alice)] + [(i, bot) for i, bot in zip(range(1, parties), bots)]
    samples = mouth_to_ear(listeners, parties, connected["mono_ms"] + args.settle * 1000)
    return samples, alice, bots


def print_audio(name, samples):
    if not samples:
        print(f"  {name}: no onset heard")
        return
    print(f"  {name}: {len(samples)} onsets, median {median(samples):.1f} ms, "
          f"p95 {percentile(samples, 95):.1f} ms, min {min(samples):.1f}, "
          f"max {max(samples):.1f} ms (goal <= 150)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", default=DEFAULT_CLI)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--settle", type=float, default=3,
                        help="seconds after the first frame that are not counted")

    parser.add_argument("--no-audio", action="store_true",
                        help="the video's figures alone (no tones, no 4-party call)")
    args = parser.parse_args()

    print(machine())
    audio, alice, (bob,) = audio_call(args, 2, video=True)
    first = alice.of("received-video-track")[0]
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
    if args.no_audio:
        return 0

    four, _, _ = audio_call(args, 4, video=False)
    print(f"mouth to ear (a tone's start to its render time at the far speaker), "
          f"{args.seconds:g} s calls:")
    print_audio("2-party video call", audio)
    print_audio("4-party audio call", four)
    if audio:
        print(f"  audio - video in the 2-party call: {median(audio) - median(every):+.1f} ms "
              "(medians; goal within 40)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
