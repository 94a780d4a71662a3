/* quartet-cli-quickblox.h: quartet-cli's QuickBlox sign-in and `users` command
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "quartet-cli-output.h"
#include "quartet.h"

G_BEGIN_DECLS

typedef struct
{
  char *api;
  char *app_id;
  char *auth_key;
  char *auth_secret_file;
  char *login;
  char *cafile;
  char *chat_domain;
  char *search;
  int per_page;
} QuartetCliQuickbloxOptions;

GOptionGroup *quartet_cli_quickblox_option_group (QuartetCliQuickbloxOptions *options);
void quartet_cli_quickblox_options_clear (QuartetCliQuickbloxOptions *options);
gboolean quartet_cli_quickblox_options_given (const QuartetCliQuickbloxOptions *options);
char *quartet_cli_quickblox_chat_domain (const QuartetCliQuickbloxOptions *options);

QuartetQuickbloxAccount *
quartet_cli_quickblox_account_new (const QuartetCliQuickbloxOptions *options, GError **error);

void quartet_cli_quickblox_print_users_async (QuartetQuickbloxAccount *account,
                                              const QuartetCliQuickbloxOptions *options,
                                              QuartetCliOutput *output,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer user_data);
gboolean quartet_cli_quickblox_print_users_finish (GAsyncResult *result, GError **error);

G_END_DECLS
