"""Voices for the audio tests and benchmarks, and how to read what they
measure.

Two speakers are synthesised with espeak-ng (Debian package espeak-ng) into
WAV files, once per process: quartet-cli plays them with `--audio
file:PATH`, in turns by the wall clock (`--talk I[,J]/N`, turns of
TURN_SECONDS). The CLI's stats say, once a second, the RMS level of what
each peer's audio decoded to over that second (`audio_rms_db`); the turn
that second fell in says whose voice it was.
"""
import math
import os
import shutil
import statistics
import subprocess
import tempfile
import time

TURN_SECONDS = 3.0
# A second of stats is whole inside a turn once the voice has crossed the
# call (transit, jitter buffer, the room's delay): from this far into it.
SETTLE_SECONDS = 0.6

TEXTS = {
    "bob": ("en", "150", "The quick brown fox jumps over the lazy dog. Pack my box with five "
            "dozen liquor jugs. How vexingly quick daft zebras jump."),
    "alice": ("en+f3", "140", "She sells sea shells by the sea shore. A journey of a thousand "
              "miles begins with a single step. All that glitters is not gold."),
}

_dir = None


def missing():
    """Why the voices cannot be made here, or None."""
    if shutil.which("espeak-ng") is None:
        return "espeak-ng is not installed (tools/install-deps)"
    return None


def voice_file(name):
    """The WAV file of @name ("alice", "bob"), made on first use."""
    global _dir
    if _dir is None:
        _dir = tempfile.mkdtemp(prefix="quartet-voices-")
    path = os.path.join(_dir, name + ".wav")
    if not os.path.exists(path):
        voice, speed, text = TEXTS[name]
        subprocess.run(["espeak-ng", "-v", voice, "-s", speed, "-w", path, text], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return path


# The echo experiment (tests/test_audio.py, bench/audio.py): Bob talks in
# turns 0 to 2 of 4, Alice in 2 and 3, in a room whose echo of Bob comes
# back into her microphone ROOM_DELAY_MS later. At Bob, Alice's audio in
# turns 0 and 1 is her echo of him alone (6 s, as one talks in a call); in
# turn 2, both talk; in turn 3, her voice alone.
ECHO_TURNS = 4
ECHO_ALONE, DOUBLE_TALK, VOICE_ALONE = (0, 1), 2, 3
ROOM_DELAY_MS = 80
# The echo canceller adapts: the figures count from its second round.
CONVERGED_SECONDS = 2 * ECHO_TURNS * TURN_SECONDS


def echo_args(who, echo_cancellation=True):
    """quartet-cli's audio options for @who ("alice", "bob") in the echo
    experiment; Alice's echo canceller on or off (the rest of her voice
    processing is on either way, as the app's switch has it)."""
    if who == "bob":
        return ["--audio", "file:" + voice_file("bob"), "--talk", "0,1,2/%d" % ECHO_TURNS,
                "--no-voice-processing"]
    return (["--audio", "file:" + voice_file("alice"), "--talk", "2,3/%d" % ECHO_TURNS,
             "--room", str(ROOM_DELAY_MS)]
            + ([] if echo_cancellation else ["--no-echo-cancellation"]))


def loss_args(who, recording=None):
    """quartet-cli's audio options in the loss experiment: Alice talks all
    the time (her voice looped); Bob, silent, records what he hears."""
    quiet = ["--video", "none", "--no-voice-processing"]  # no test pattern to encode
    if who == "bob":
        return quiet + ["--muted", "--record-audio", recording]
    return quiet + ["--audio", "file:" + voice_file("alice")]


def median_db(levels):
    """The typical second: a second in which an adapting canceller leaks
    (as it picks the echo up again after the other talked alone) is
    counted as one second, not by its power."""
    return statistics.median(levels) if levels else None


def echo_seconds(alice_at_bob):
    """Alice's audio at Bob while only he talked: the echo, second by second."""
    return [level for turn in ECHO_ALONE for level in alice_at_bob.get(turn, [])]


def echo_figures(alice_at_bob, bob_at_alice):
    """The experiment's figures (dB) from levels_by_turn() of each side:
    echo, double talk and voice levels of Alice at Bob, Bob's at Alice,
    each the median of its seconds."""
    return {
        "echo": median_db(echo_seconds(alice_at_bob)),
        "alice_double": median_db(alice_at_bob.get(DOUBLE_TALK, [])),
        "alice_alone": median_db(alice_at_bob.get(VOICE_ALONE, [])),
        "bob_double": median_db(bob_at_alice.get(DOUBLE_TALK, [])),
        "bob_alone": median_db([level for turn in ECHO_ALONE
                                for level in bob_at_alice.get(turn, [])]),
    }


def wall_minus_monotonic_ms():
    """What to add to a CLI event's mono_ms (CLOCK_MONOTONIC) for wall time."""
    return (time.time() - time.monotonic()) * 1000


def turn_of(stats, offset_ms, turn_count):
    """The turn (0 .. @turn_count - 1) the second of @stats fell in wholly,
    past its settling; None when it straddles two."""
    end = (stats["mono_ms"] + offset_ms) / 1000.0
    start = end - 1.0
    turn = math.floor(start / TURN_SECONDS)
    if end > (turn + 1) * TURN_SECONDS or start < turn * TURN_SECONDS + SETTLE_SECONDS:
        return None
    return turn % turn_count


def mean_db(levels):
    """The level of the whole of several seconds: their powers averaged."""
    if not levels:
        return None
    power = sum(10 ** (level / 10) for level in levels) / len(levels)
    return 10 * math.log10(power) if power > 0 else -100.0


def levels_by_turn(events, user, offset_ms, turn_count, after_ms=0):
    """{turn: [audio_rms_db of each whole second]} of @user's audio, from
    @after_ms into the call on."""
    found = {}
    for stats in events:
        if stats.get("event") != "stats" or stats.get("user") != user:
            continue
        if stats.get("t_ms", 0) < after_ms:
            continue
        if stats.get("audio_packets", 0) == 0:
            continue
        turn = turn_of(stats, offset_ms, turn_count)
        if turn is not None:
            found.setdefault(turn, []).append(stats["audio_rms_db"])
    return found
