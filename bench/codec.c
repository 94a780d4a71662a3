/* codec.c: how many call signals per second the codec parses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The mix is what one 4-party call puts on the wire, at the sizes webrtcbin
 * and the QuickBlox SDKs produce: offers and answers with a full SDP
 * (about 2 KB), many small iceCandidates signals, hangUps, a reject and an
 * update. Each stanza is built once with quartet_signal_to_stanza(), as a
 * peer would send it, and read back from its XML text by libstrophe, as it
 * arrives; the timed loop then runs quartet_signal_from_stanza() over the
 * mix, and rates are per second of this process's CPU time. A second
 * figure adds xmpp_stanza_new_from_string() for each stanza: a fresh expat
 * parser every time, which is not what the connection does (one parser for
 * the stream), so it only shows what that libstrophe call costs.
 *
 *   bench-codec [--seconds S]
 */
#define G_LOG_DOMAIN "bench-codec"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "quartet-signal.h"

/* An offer as webrtcbin 1.22 writes it for audio + video, bundled. */
static const char offer_sdp[] =
  "v=0\r\n"
  "o=- 4611731400430051336 0 IN IP4 0.0.0.0\r\n"
  "s=-\r\n"
  "t=0 0\r\n"
  "a=ice-options:trickle\r\n"
  "a=group:BUNDLE audio0 video1\r\n"
  "m=audio 9 UDP/TLS/RTP/SAVPF 97\r\n"
  "c=IN IP4 0.0.0.0\r\n"
  "a=setup:actpass\r\n"
  "a=ice-ufrag:Vq0TwTmBkgLyHoOOp1P2X1wXcFjK9rFp\r\n"
  "a=ice-pwd:Xn4BqRm0aLq3D1zVx0dkSgUbO2Ye4QJ0\r\n"
  "a=rtcp-mux\r\n"
  "a=rtcp-rsize\r\n"
  "a=sendrecv\r\n"
  "a=rtpmap:97 OPUS/48000/2\r\n"
  "a=rtcp-fb:97 transport-cc\r\n"
  "a=fmtp:97 sprop-maxcapturerate=48000;sprop-stereo=0\r\n"
  "a=ssrc:2866379207 msid:user1234@host-e32f3a91 webrtctransceiver0\r\n"
  "a=ssrc:2866379207 cname:user1234@host-e32f3a91\r\n"
  "a=mid:audio0\r\n"
  "a=fingerprint:sha-256 6B:0E:3C:A1:8D:02:47:F4:55:9C:2B:7E:11:D0:38:AF:"
  "4C:92:5E:B3:07:61:EA:8F:20:D4:19:7B:C6:33:58:0A\r\n"
  "m=video 0 UDP/TLS/RTP/SAVPF 96 98\r\n"
  "c=IN IP4 0.0.0.0\r\n"
  "a=bundle-only\r\n"
  "a=setup:actpass\r\n"
  "a=ice-ufrag:Vq0TwTmBkgLyHoOOp1P2X1wXcFjK9rFp\r\n"
  "a=ice-pwd:Xn4BqRm0aLq3D1zVx0dkSgUbO2Ye4QJ0\r\n"
  "a=rtcp-mux\r\n"
  "a=rtcp-rsize\r\n"
  "a=sendrecv\r\n"
  "a=rtpmap:96 VP8/90000\r\n"
  "a=rtcp-fb:96 nack\r\n"
  "a=rtcp-fb:96 nack pli\r\n"
  "a=rtcp-fb:96 ccm fir\r\n"
  "a=rtcp-fb:96 transport-cc\r\n"
  "a=rtpmap:98 rtx/90000\r\n"
  "a=fmtp:98 apt=96\r\n"
  "a=ssrc-group:FID 1438901377 3760286341\r\n"
  "a=ssrc:1438901377 msid:user1234@host-e32f3a91 webrtctransceiver1\r\n"
  "a=ssrc:1438901377 cname:user1234@host-e32f3a91\r\n"
  "a=ssrc:3760286341 msid:user1234@host-e32f3a91 webrtctransceiver1\r\n"
  "a=ssrc:3760286341 cname:user1234@host-e32f3a91\r\n"
  "a=mid:video1\r\n"
  "a=fingerprint:sha-256 6B:0E:3C:A1:8D:02:47:F4:55:9C:2B:7E:11:D0:38:AF:"
  "4C:92:5E:B3:07:61:EA:8F:20:D4:19:7B:C6:33:58:0A\r\n";

static const char *const candidates[] = {
  "candidate:1 1 UDP 2015363327 192.168.1.20 40823 typ host",
  "candidate:2 1 TCP 1015021823 192.168.1.20 9 typ host tcptype active",
  "candidate:3 1 TCP 1010827519 192.168.1.20 47503 typ host tcptype passive",
  "candidate:4 1 UDP 1686052863 203.0.113.7 40823 typ srflx raddr 192.168.1.20 rport 40823",
  "candidate:5 1 UDP 2015363583 fd00::6a1c:2ff:fe3b:91a0 51244 typ host",
  "candidate:6 1 UDP 41885439 198.51.100.4 60112 typ relay raddr 203.0.113.7 rport 40823",
};

static QuartetSignal *
new_signal (QuartetSignalType type)
{
  QuartetSignal *signal = quartet_signal_new (type, "0b6e9f8e-7a41-4c1e-9d0a-2f8f6f1c5e11");

  signal->caller_id = g_strdup ("alice@example.org");
  signal->call_type = QUARTET_CALL_TYPE_VIDEO;
  quartet_signal_add_opponent (signal, "bob@example.org");
  quartet_signal_add_opponent (signal, "carol@example.org");
  quartet_signal_add_opponent (signal, "dave@example.org");
  return signal;
}

static GVariant *
user_info (void)
{
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);

  g_variant_builder_add (&builder, "{sv}", "name", g_variant_new_string ("Alice Example"));
  g_variant_builder_add (&builder, "{sv}", "avatar",
                         g_variant_new_string ("https://example.org/avatars/alice.png"));
  return g_variant_builder_end (&builder);
}

/* The signals of one 4-party call as one participant receives them. */
static GPtrArray *
make_mix (void)
{
  GPtrArray *mix = g_ptr_array_new_with_free_func ((GDestroyNotify)quartet_signal_free);
  QuartetSignal *signal;

  /* Two offers (the initiator's and a mesh peer's), one answer. */
  for (guint i = 0; i < 2; i++)
    {
      signal = new_signal (QUARTET_SIGNAL_TYPE_CALL);
      signal->sdp = g_strdup (offer_sdp);
      signal->user_info = g_variant_ref_sink (user_info ());
      g_ptr_array_add (mix, signal);
    }
  signal = new_signal (QUARTET_SIGNAL_TYPE_ACCEPT);
  signal->sdp = g_strdup (offer_sdp);
  g_ptr_array_add (mix, signal);

  /* Trickle ICE: one candidate a signal, as webrtcbin emits them, from
   * three peers; and two batched ones as some SDKs send. */
  for (guint peer = 0; peer < 3; peer++)
    for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
      {
        signal = quartet_signal_new (QUARTET_SIGNAL_TYPE_ICE_CANDIDATES,
                                     "0b6e9f8e-7a41-4c1e-9d0a-2f8f6f1c5e11");
        quartet_signal_add_candidate (signal, "audio0", 0, candidates[i]);
        g_ptr_array_add (mix, signal);
      }
  for (guint i = 0; i < 2; i++)
    {
      signal = quartet_signal_new (QUARTET_SIGNAL_TYPE_ICE_CANDIDATES,
                                   "0b6e9f8e-7a41-4c1e-9d0a-2f8f6f1c5e11");
      for (guint j = 0; j < G_N_ELEMENTS (candidates); j++)
        quartet_signal_add_candidate (signal, "audio0", 0, candidates[j]);
      g_ptr_array_add (mix, signal);
    }

  signal = new_signal (QUARTET_SIGNAL_TYPE_UPDATE);
  signal->user_info = g_variant_ref_sink (user_info ());
  g_ptr_array_add (mix, signal);
  g_ptr_array_add (mix, new_signal (QUARTET_SIGNAL_TYPE_REJECT));
  for (guint i = 0; i < 3; i++)
    g_ptr_array_add (mix, new_signal (QUARTET_SIGNAL_TYPE_HANG_UP));

  return mix;
}

/* Each signal's XML text, as it comes off the wire. */
static GPtrArray *
to_texts (xmpp_ctx_t *ctx, GPtrArray *mix, gsize *total_bytes)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);

  *total_bytes = 0;
  for (guint i = 0; i < mix->len; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (xmpp_stanza_t) stanza
          = quartet_signal_to_stanza (g_ptr_array_index (mix, i), ctx, "bob@example.org/quartet",
                                      NULL, &error);
      char *buf = NULL;
      size_t len = 0;

      if (stanza == NULL || xmpp_stanza_to_text (stanza, &buf, &len) != XMPP_EOK)
        g_error ("Cannot build the signal mix: %s", error ? error->message : "no XML");
      g_ptr_array_add (texts, g_strndup (buf, len));
      *total_bytes += len;
      xmpp_free (ctx, buf);
    }

  return texts;
}

static void
stanza_release (gpointer stanza)
{
  xmpp_stanza_release (stanza);
}

static GPtrArray *
to_stanzas (xmpp_ctx_t *ctx, GPtrArray *texts)
{
  GPtrArray *stanzas = g_ptr_array_new_with_free_func (stanza_release);

  for (guint i = 0; i < texts->len; i++)
    {
      xmpp_stanza_t *stanza = xmpp_stanza_new_from_string (ctx, g_ptr_array_index (texts, i));

      if (stanza == NULL)
        g_error ("libstrophe cannot read a stanza of the mix");
      g_ptr_array_add (stanzas, stanza);
    }

  return stanzas;
}

/* CPU time of this process: on a shared machine the wall clock also
 * counts the time others had the CPU. */
static double
cpu_seconds (void)
{
  struct timespec now;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &now);
  return now.tv_sec + now.tv_nsec / 1e9;
}

/* Parses the whole mix over and over for about @seconds; signals per CPU second. */
static double
run (xmpp_ctx_t *ctx, GPtrArray *texts, GPtrArray *stanzas, double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64)(seconds * G_USEC_PER_SEC);
  double start = cpu_seconds ();
  guint64 parsed = 0;

  while (g_get_monotonic_time () < end)
    for (guint i = 0; i < (texts != NULL ? texts->len : stanzas->len); i++)
      {
        g_autoptr (GError) error = NULL;
        g_autoptr (xmpp_stanza_t) owned = NULL;
        g_autoptr (QuartetSignal) signal = NULL;
        xmpp_stanza_t *stanza;

        if (texts != NULL)
          stanza = owned = xmpp_stanza_new_from_string (ctx, g_ptr_array_index (texts, i));
        else
          stanza = g_ptr_array_index (stanzas, i);

        signal = quartet_signal_from_stanza (stanza, &error);
        /* Every stanza of the mix is valid: a failure is a codec bug. */
        if (signal == NULL)
          g_error ("The codec refused a valid signal: %s", error->message);
        parsed++;
      }

  return parsed / (cpu_seconds () - start);
}

int
main (int argc, char **argv)
{
  double seconds = 3;
  const GOptionEntry entries[] = {
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds, "Seconds per measurement (default 3)",
      "S" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("- call signals parsed per second");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) mix = NULL;
  g_autoptr (GPtrArray) texts = NULL;
  g_autoptr (GPtrArray) stanzas = NULL;
  xmpp_ctx_t *ctx;
  gsize bytes;
  double codec_rate, with_xml_rate;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-codec: %s\n", error->message);
      return 2;
    }

  xmpp_initialize ();
  ctx = xmpp_ctx_new (NULL, NULL);
  mix = make_mix ();
  texts = to_texts (ctx, mix, &bytes);
  stanzas = to_stanzas (ctx, texts);

  /* Warm the caches and the allocator before timing. */
  run (ctx, NULL, stanzas, seconds / 10);
  codec_rate = run (ctx, NULL, stanzas, seconds);
  with_xml_rate = run (ctx, texts, NULL, seconds);

  g_print ("signal mix: %u stanzas, %" G_GSIZE_FORMAT " bytes of XML (mean %" G_GSIZE_FORMAT
           " bytes)\n",
           texts->len, bytes, bytes / texts->len);
  g_print ("  quartet_signal_from_stanza:                    %.0f signals/s (%.2f us each)\n",
           codec_rate, 1e6 / codec_rate);
  g_print ("  with xmpp_stanza_new_from_string (new parser): %.0f signals/s (%.2f us each)\n",
           with_xml_rate, 1e6 / with_xml_rate);
  g_print ("  target >= 200000 signals/s (codec):            %s\n",
           codec_rate >= 200000 ? "met" : "missed");

  g_clear_pointer (&stanzas, g_ptr_array_unref);
  xmpp_ctx_free (ctx);
  xmpp_shutdown ();
  return 0;
}
