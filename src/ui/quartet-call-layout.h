/* quartet-call-layout.h: where each tile of the call grid goes, and what it says
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "quartet-participant.h"

G_BEGIN_DECLS

#define QUARTET_CALL_MAX_TILES 4

typedef struct
{
  guint column;
  guint row;
  guint column_span;
  guint row_span;
} QuartetTilePosition;

/* The grid for @n_tiles (1 to 4): 1x1, 1x2 (side by side) or 2x2. */
void quartet_call_layout_grid_size (guint n_tiles, guint *n_columns, guint *n_rows);
/* Where tile @index of @n_tiles goes; with three, the last one spans the
 * bottom row so that no quarter of the window stays empty. */
QuartetTilePosition quartet_call_layout_position (guint n_tiles, guint index);
/* Where tile @index goes while tile @spotlight is shown large: across the
 * top, the others in a strip below it. */
QuartetTilePosition
quartet_call_layout_spotlight_position (guint n_tiles, guint spotlight, guint index);

/* The overlay text for @state, or NULL when the video speaks for itself. */
const char *quartet_call_layout_state_label (QuartetParticipantState state);
/* Whether the overlay shows a spinner (the state will change by itself). */
gboolean quartet_call_layout_state_is_busy (QuartetParticipantState state);

/* "0:07", "12:34", "1:02:03". */
char *quartet_call_layout_format_duration (guint seconds);

G_END_DECLS
