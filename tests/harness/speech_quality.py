"""How much a lossy link damaged speech, against the same speech received
without loss: the measures of tests/test_audio.py's LossTest and
bench/audio.py --loss.

Debian has no PESQ, POLQA or ViSQOL (nor a Python binding of one), so the
figure is the log-spectral distance (Gray and Markel's LSD): per 20 ms
frame, the RMS over frequency, 100 Hz to 8 kHz, of the difference in dB
between the two spectra; its mean over the frames where the reference
speaks. 0 dB: the same sound; a frame that Opus's concealment guessed well
is a few dB off; a frame lost to silence is 30 dB or more. It says how far
the sound is from what it should have been, not how a listener scores it,
but a damaged syllable moves it, and a concealed one moves it less.

A gap is a run of 10 ms blocks in which the reference speaks (above
SPEECH_DB) and the received sound is GAP_DROP_DB or more below it: what a
listener hears as a drop-out.

Both recordings are WAV files of quartet-cli's `--record-audio`, of the
same looped voice file; calls start apart, so the degraded recording is
aligned to the reference piece by piece (ALIGN_SECONDS) by
cross-correlation, the reference looked up within the loop of the voice.
"""
import wave

import numpy as np

RATE = 48000
FRAME = 960  # 20 ms
BLOCK = 480  # 10 ms
SPEECH_DB = -45.0
GAP_DROP_DB = 20.0
PIECE_SECONDS = 0.5
FIND_SECONDS = 4.0
TRACK_MS = 30
LOW_HZ, HIGH_HZ = 100, 8000
RANGE_DB = 50.0  # of a frame's spectrum, under its loudest band, that counts
# Of the received voice, the first seconds: the media starts in the middle
# of a piece (whose silent start is no drop-out), jitter buffers settle.
SKIP_SECONDS = 2.0
# Bands as wide as the ear's, near enough: twenty, a third of an octave each.
_EDGES = np.geomspace(LOW_HZ, HIGH_HZ, 21)
_BAND_BINS = [(int(round(low * FRAME / RATE)), max(int(round(low * FRAME / RATE)) + 1,
                                                    int(round(high * FRAME / RATE))))
              for low, high in zip(_EDGES[:-1], _EDGES[1:])]


def read_wav(path):
    """The samples of a mono 16-bit WAV file at RATE, as floats in [-1, 1]."""
    with wave.open(path, "rb") as f:
        if f.getnchannels() != 1 or f.getsampwidth() != 2 or f.getframerate() != RATE:
            raise ValueError(f"{path}: not 48 kHz mono 16-bit")
        data = f.readframes(f.getnframes())
    return np.frombuffer(data, dtype="<i2").astype(np.float64) / 32768.0


def levels_db(samples, size):
    """The RMS level, dBFS, of each block of @size samples."""
    count = len(samples) // size
    blocks = samples[:count * size].reshape(count, size)
    return 10 * np.log10(np.mean(blocks ** 2, axis=1) + 1e-12)


def _best_lag(signal, template):
    """Where @template matches @signal best (normalised cross-correlation
    peak, by FFT), as an index into @signal, or None if it is shorter."""
    if len(signal) < len(template):
        return None
    n = len(signal) + len(template)
    size = 1 << (n - 1).bit_length()
    correlation = np.fft.irfft(np.fft.rfft(signal, size) * np.conj(np.fft.rfft(template, size)),
                               size)[:len(signal) - len(template) + 1]
    running = np.concatenate(([0.0], np.cumsum(signal ** 2)))
    energy = running[len(template):] - running[:-len(template)]
    return int(np.argmax(correlation / np.sqrt(energy + 1e-9)))


def _speaks(samples):
    return levels_db(samples, BLOCK).max() >= SPEECH_DB


def _first_sound(samples):
    """The index of the first BLOCK that speaks (the end when none does)."""
    speaking = np.flatnonzero(levels_db(samples, BLOCK) >= SPEECH_DB)
    return int(speaking[0]) * BLOCK if len(speaking) else len(samples)


def align(reference, degraded):
    """Pairs of equal-length pieces (reference, degraded): the degraded
    recording cut in PIECE_SECONDS pieces, each matched to the reference.

    The first piece that speaks is looked for in the whole reference
    (with FIND_SECONDS of context: the voice loops, a short piece could
    match a like syllable elsewhere); each next one within
    TRACK_MS of where the last one was, because the two receptions drift
    apart by a few milliseconds now and then (the jitter buffers follow
    the sender's clock each in its own way): matched once for the whole
    call, their sound would no longer line up. Pieces without speech are
    left out: silence matches anywhere. So are those of the first
    SKIP_SECONDS after the received voice is first heard."""
    size, track = int(PIECE_SECONDS * RATE), TRACK_MS * RATE // 1000
    pairs, offset = [], None  # offset: reference index - degraded index
    for start in range(_first_sound(degraded) + int(SKIP_SECONDS * RATE),
                       len(degraded) - size + 1, size):
        piece = degraded[start:start + size]
        if not _speaks(piece):
            continue
        at = None
        if offset is not None:
            low = max(0, start + offset - track)
            found = _best_lag(reference[low:start + offset + size + track], piece)
            at = None if found is None else low + found
        if at is None:
            context = degraded[start:start + int(FIND_SECONDS * RATE)]
            at = _best_lag(reference, context)
            if at is None:
                continue
        offset = at - start
        if at + size <= len(reference):
            pairs.append((reference[at:at + size], piece))
        else:
            offset = None  # the reference ended: find the next piece afresh
    return pairs


def _band_levels_db(samples, floors=None):
    """Each frame's level in each of BANDS bands, dB; no lower than the
    frame's @floors (coder noise far under the voice counts as the floor,
    in both recordings alike)."""
    count = len(samples) // FRAME
    frames = samples[:count * FRAME].reshape(count, FRAME) * np.hanning(FRAME)
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2 / FRAME
    bands = np.stack([power[:, low:high].sum(axis=1) for low, high in _BAND_BINS], axis=1)
    levels = 10 * np.log10(bands + 1e-30)
    return levels if floors is None else np.maximum(levels, floors[:, None])


def frame_distances(reference, degraded):
    """The log-spectral distance, dB, of each 20 ms frame in which the
    reference speaks."""
    distances = []
    for ref, deg in align(reference, degraded):
        speaking = levels_db(ref, FRAME) > SPEECH_DB
        floors = _band_levels_db(ref).max(axis=1) - RANGE_DB
        diff = _band_levels_db(ref, floors) - _band_levels_db(deg, floors)
        distances.extend(np.sqrt(np.mean(diff ** 2, axis=1))[speaking])
    return np.array(distances)


def drop_outs(reference, degraded):
    """The longest run, in ms, of 10 ms blocks lost to near silence while
    the reference speaks, and the share of the reference's speaking
    blocks so lost."""
    longest = lost_blocks = speaking_blocks = 0
    for ref, deg in align(reference, degraded):
        ref_db, deg_db = levels_db(ref, BLOCK), levels_db(deg, BLOCK)
        speaking = ref_db > SPEECH_DB
        run = 0
        for lost in speaking & (deg_db < ref_db - GAP_DROP_DB):
            run = run + 1 if lost else 0
            longest = max(longest, run)
            lost_blocks += lost
        speaking_blocks += int(speaking.sum())
    return longest * BLOCK * 1000 // RATE, lost_blocks / max(1, speaking_blocks)


def compare(reference_path, degraded_path):
    """The figures of @degraded_path against @reference_path: mean LSD, the
    share of speech frames more than 6 dB off, the longest gap and the
    share of the speech in gaps, and how many seconds of speech were
    compared."""
    reference, degraded = read_wav(reference_path), read_wav(degraded_path)
    distances = frame_distances(reference, degraded)
    longest_gap_ms, dropped_out = drop_outs(reference, degraded)
    return {
        "lsd_db": float(np.mean(distances)) if len(distances) else None,
        "damaged": float(np.mean(distances > 6.0)) if len(distances) else None,
        "longest_gap_ms": longest_gap_ms,
        "dropped_out": dropped_out,
        "speech_seconds": len(distances) * FRAME / RATE,
    }
