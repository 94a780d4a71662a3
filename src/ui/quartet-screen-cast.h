/* quartet-screen-cast.h: a screen or a window asked of the ScreenCast portal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define QUARTET_TYPE_SCREEN_CAST (quartet_screen_cast_get_type ())
G_DECLARE_FINAL_TYPE (QuartetScreenCast, quartet_screen_cast, QUARTET, SCREEN_CAST, GObject)

QuartetScreenCast *quartet_screen_cast_new (void);

/* Opens the portal's dialog over @parent. The answer: the PipeWire remote
 * to read the stream from (transfer full) and its node; G_IO_ERROR_CANCELLED
 * when the user closed the dialog. One cast at a time: a new one ends the
 * last. */
void quartet_screen_cast_start (QuartetScreenCast *self,
                                GtkWindow *parent,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
gboolean quartet_screen_cast_start_finish (
    QuartetScreenCast *self, GAsyncResult *result, int *pipewire_fd, guint32 *node, GError **error);
/* Ends the portal's session (the desktop's "sharing" indicator goes). */
void quartet_screen_cast_stop (QuartetScreenCast *self);

/* Signal "ended": the desktop ended the cast (the user stopped it from
 * the shell's indicator). */

G_END_DECLS
