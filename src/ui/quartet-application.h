/* quartet-application.h: the app: settings, account, incoming calls, actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define QUARTET_TYPE_APPLICATION (quartet_application_get_type ())
G_DECLARE_FINAL_TYPE (QuartetApplication,
                      quartet_application,
                      QUARTET,
                      APPLICATION,
                      AdwApplication)

QuartetApplication *quartet_application_new (void);

G_END_DECLS
