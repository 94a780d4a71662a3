/* quartet-cli-memory.h: what the process holds, for the memory benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint64 rss_kib; /* resident set */
  gint64 heap_kib; /* handed out by malloc and not freed; -1 where unknown */
} QuartetCliMemory;

void quartet_cli_memory_read (QuartetCliMemory *memory);

G_END_DECLS
