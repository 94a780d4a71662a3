/* quartet-quickblox-directory.h: the users of a QuickBlox application, a page at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "quartet-quickblox-account.h"

G_BEGIN_DECLS

/* QuickBlox serves at most 100 users a page. */
#define QUARTET_QUICKBLOX_MAX_PER_PAGE 100

#define QUARTET_TYPE_QUICKBLOX_DIRECTORY (quartet_quickblox_directory_get_type ())
G_DECLARE_FINAL_TYPE (
    QuartetQuickbloxDirectory, quartet_quickblox_directory, QUARTET, QUICKBLOX_DIRECTORY, GObject)

QuartetQuickbloxDirectory *quartet_quickblox_directory_new (QuartetQuickbloxAccount *account,
                                                            const char *chat_domain);

const char *quartet_quickblox_directory_get_search (QuartetQuickbloxDirectory *self);
void quartet_quickblox_directory_set_search (QuartetQuickbloxDirectory *self, const char *search);
guint quartet_quickblox_directory_get_per_page (QuartetQuickbloxDirectory *self);
void quartet_quickblox_directory_set_per_page (QuartetQuickbloxDirectory *self, guint per_page);
guint quartet_quickblox_directory_get_page (QuartetQuickbloxDirectory *self);
guint quartet_quickblox_directory_get_total_entries (QuartetQuickbloxDirectory *self);
guint quartet_quickblox_directory_get_n_pages (QuartetQuickbloxDirectory *self);

void quartet_quickblox_directory_load_page_async (QuartetQuickbloxDirectory *self,
                                                  guint page,
                                                  GCancellable *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer user_data);
gboolean quartet_quickblox_directory_load_page_finish (QuartetQuickbloxDirectory *self,
                                                       GAsyncResult *result,
                                                       GError **error);

G_END_DECLS
