/* quartet-upstream-criticals.h: criticals of our dependencies that are not fatal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Test support: see quartet-upstream-criticals.c.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void quartet_tolerate_upstream_criticals (void);

G_END_DECLS
