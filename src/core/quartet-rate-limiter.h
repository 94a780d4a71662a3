/* quartet-rate-limiter.h: token buckets keyed by sender
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _QuartetRateLimiter QuartetRateLimiter;

QuartetRateLimiter *quartet_rate_limiter_new (guint burst, gint64 refill_interval_us);
void quartet_rate_limiter_free (QuartetRateLimiter *self);
gboolean quartet_rate_limiter_allow (QuartetRateLimiter *self, const char *key, gint64 now_us);
guint quartet_rate_limiter_get_n_keys (QuartetRateLimiter *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuartetRateLimiter, quartet_rate_limiter_free)

G_END_DECLS
