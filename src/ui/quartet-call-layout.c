/* quartet-call-layout.c: where each tile of the call grid goes, and what it says
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Kept apart from the widgets so that tests/test-call-layout.c can check the
 * rules without a display.
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include "quartet-call-layout.h"

#include <glib/gi18n.h>

void
quartet_call_layout_grid_size (guint n_tiles, guint *n_columns, guint *n_rows)
{
  g_return_if_fail (n_columns != NULL && n_rows != NULL);

  n_tiles = CLAMP (n_tiles, 1, QUARTET_CALL_MAX_TILES);
  *n_columns = n_tiles == 1 ? 1 : 2;
  *n_rows = n_tiles <= 2 ? 1 : 2;
}

/* The spotlight's rows over the strip's one: the others stay big enough to
 * see who is there and whether they move. */
#define SPOTLIGHT_ROWS 3

QuartetTilePosition
quartet_call_layout_position (guint n_tiles, guint index)
{
  QuartetTilePosition position = { 0, 0, 1, 1 };
  guint n_columns, n_rows;

  g_return_val_if_fail (index < n_tiles, position);

  quartet_call_layout_grid_size (n_tiles, &n_columns, &n_rows);
  position.column = index % n_columns;
  position.row = index / n_columns;
  if (n_tiles == 3 && index == 2)
    position.column_span = 2;

  return position;
}

QuartetTilePosition
quartet_call_layout_spotlight_position (guint n_tiles, guint spotlight, guint index)
{
  QuartetTilePosition position = { 0, 0, 1, 1 };

  g_return_val_if_fail (index < n_tiles && spotlight < n_tiles, position);

  if (n_tiles == 1)
    return position;

  if (index == spotlight)
    {
      position.column_span = n_tiles - 1;
      position.row_span = SPOTLIGHT_ROWS;
      return position;
    }

  /* The others, in their order, one column each. */
  position.column = index < spotlight ? index : index - 1;
  position.row = SPOTLIGHT_ROWS;
  return position;
}

const char *
quartet_call_layout_state_label (QuartetParticipantState state)
{
  switch (state)
    {
    case QUARTET_PARTICIPANT_STATE_CALLING:
      return _("Calling…");
    case QUARTET_PARTICIPANT_STATE_CONNECTING:
      return _("Connecting…");
    case QUARTET_PARTICIPANT_STATE_RECONNECTING:
      return _("Reconnecting…");
    case QUARTET_PARTICIPANT_STATE_FAILED:
      return _("Failed");
    case QUARTET_PARTICIPANT_STATE_CONNECTED:
    default:
      return NULL;
    }
}

gboolean
quartet_call_layout_state_is_busy (QuartetParticipantState state)
{
  return state == QUARTET_PARTICIPANT_STATE_CALLING
         || state == QUARTET_PARTICIPANT_STATE_CONNECTING
         || state == QUARTET_PARTICIPANT_STATE_RECONNECTING;
}

char *
quartet_call_layout_format_duration (guint seconds)
{
  guint hours = seconds / 3600, minutes = (seconds / 60) % 60;

  if (hours > 0)
    return g_strdup_printf ("%u:%02u:%02u", hours, minutes, seconds % 60);
  return g_strdup_printf ("%u:%02u", minutes, seconds % 60);
}
