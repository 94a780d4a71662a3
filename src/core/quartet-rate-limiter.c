/* quartet-rate-limiter.c: token buckets keyed by sender
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each key (a bare JID) may spend @burst tokens at once and gets one back
 * every @refill_interval_us. The caller passes the time, so tests need no
 * clock. Keys whose bucket is full again carry no information and are
 * forgotten, which keeps the table as small as the set of senders that are
 * busy right now, however many senders there were.
 */
#include "quartet-rate-limiter.h"

struct _QuartetRateLimiter
{
  guint burst;
  gint64 refill_interval_us;
  GHashTable *buckets; /* key -> Bucket */
};

typedef struct
{
  double tokens;
  gint64 updated_us;
} Bucket;

/* Sweeping the whole table now and then is cheap next to a stanza. */
#define SWEEP_ABOVE_N_KEYS 64

QuartetRateLimiter *
quartet_rate_limiter_new (guint burst, gint64 refill_interval_us)
{
  QuartetRateLimiter *self;

  g_return_val_if_fail (burst > 0 && refill_interval_us > 0, NULL);

  self = g_new0 (QuartetRateLimiter, 1);
  self->burst = burst;
  self->refill_interval_us = refill_interval_us;
  self->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return self;
}

void
quartet_rate_limiter_free (QuartetRateLimiter *self)
{
  g_hash_table_unref (self->buckets);
  g_free (self);
}

static void
refill (QuartetRateLimiter *self, Bucket *bucket, gint64 now_us)
{
  /* A clock that went backwards refills nothing. */
  gint64 elapsed_us = MAX (0, now_us - bucket->updated_us);

  bucket->tokens = MIN ((double)self->burst,
                        bucket->tokens + (double)elapsed_us / (double)self->refill_interval_us);
  bucket->updated_us = now_us;
}

typedef struct
{
  QuartetRateLimiter *self;
  gint64 now_us;
} Sweep;

static gboolean
bucket_is_full_cb (gpointer key, gpointer value, gpointer user_data)
{
  Sweep *sweep = user_data;
  Bucket *bucket = value;

  refill (sweep->self, bucket, sweep->now_us);
  return bucket->tokens >= sweep->self->burst;
}

static void
forget_full_buckets (QuartetRateLimiter *self, gint64 now_us)
{
  Sweep sweep = { self, now_us };

  g_hash_table_foreach_remove (self->buckets, bucket_is_full_cb, &sweep);
}

/* Spends a token of @key; FALSE when it has none left. */
gboolean
quartet_rate_limiter_allow (QuartetRateLimiter *self, const char *key, gint64 now_us)
{
  Bucket *bucket;

  g_return_val_if_fail (self != NULL && key != NULL, FALSE);

  if (g_hash_table_size (self->buckets) > SWEEP_ABOVE_N_KEYS)
    forget_full_buckets (self, now_us);

  bucket = g_hash_table_lookup (self->buckets, key);
  if (bucket == NULL)
    {
      bucket = g_new0 (Bucket, 1);
      bucket->tokens = self->burst;
      bucket->updated_us = now_us;
      g_hash_table_insert (self->buckets, g_strdup (key), bucket);
    }

  refill (self, bucket, now_us);
  if (bucket->tokens < 1.0)
    return FALSE;

  bucket->tokens -= 1.0;
  return TRUE;
}

guint
quartet_rate_limiter_get_n_keys (QuartetRateLimiter *self)
{
  return g_hash_table_size (self->buckets);
}
