/* quartet-cli-memory.c: what the process holds, for the memory benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The resident set alone cannot tell a leak from memory that the allocator
 * keeps for later: after a call ends, glibc holds on to pieces of its
 * arenas that are free but share a page with something still in use. The
 * heap in use can: it grows only with what the program still holds.
 */
#define G_LOG_DOMAIN "quartet-cli"

#include "quartet-cli-memory.h"

#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

static guint64
read_rss_kib (void)
{
  g_autofree char *statm = NULL;
  g_auto (GStrv) fields = NULL;

  if (!g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL))
    return 0;
  fields = g_strsplit (statm, " ", 3);
  if (g_strv_length (fields) < 2)
    return 0;
  return g_ascii_strtoull (fields[1], NULL, 10) * (guint64)sysconf (_SC_PAGESIZE) / 1024;
}

/* What is allocated in every arena, and in chunks of their own (mmap). */
static gint64
read_heap_kib (void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
  struct mallinfo2 info = mallinfo2 ();

  return (gint64)((info.uordblks + info.hblkhd) / 1024);
#else
  return -1;
#endif
}

void
quartet_cli_memory_read (QuartetCliMemory *memory)
{
  memory->rss_kib = read_rss_kib ();
  memory->heap_kib = read_heap_kib ();
}
