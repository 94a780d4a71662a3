/* quartet-audio-meter.h: how loud a stream of audio is, as a level meter shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

#include "quartet-voice-activity.h"

G_BEGIN_DECLS

/* The RMS level of 20 ms blocks of S16 audio in dB relative to full scale
 * (a full-scale square wave is 0, a full-scale sine -3), held as a VU meter
 * holds it: it rises at once and falls by 40 dB a second, so a reader a few
 * times a second sees every syllable. A streaming thread measures, any
 * thread reads. */
typedef struct _QuartetAudioMeter QuartetAudioMeter;

QuartetAudioMeter *_quartet_audio_meter_new (void);
void _quartet_audio_meter_free (QuartetAudioMeter *self);

/* Measures what flows through @pad, S16LE interleaved at any rate and any
 * number of channels: whatever is linked to it carries on as it did. */
void _quartet_audio_meter_watch_pad (QuartetAudioMeter *self, GstPad *pad);
/* From any thread: the level now, QUARTET_AUDIO_LEVEL_SILENT once nothing
 * came for a while. */
double _quartet_audio_meter_get_level (QuartetAudioMeter *self);
/* The RMS level of what came over the last second, in dBFS: the figure
 * to compare two passages by (echo against voice, a lossy link against a
 * clean one), where the held level only says "how loud now". */
double _quartet_audio_meter_get_mean_level (QuartetAudioMeter *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuartetAudioMeter, _quartet_audio_meter_free)

G_END_DECLS
