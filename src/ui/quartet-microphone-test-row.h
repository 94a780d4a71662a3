/* quartet-microphone-test-row.h: "Test Microphone" in Preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define QUARTET_TYPE_MICROPHONE_TEST_ROW (quartet_microphone_test_row_get_type ())
G_DECLARE_FINAL_TYPE (QuartetMicrophoneTestRow,
                      quartet_microphone_test_row,
                      QUARTET,
                      MICROPHONE_TEST_ROW,
                      AdwActionRow)

/* Tests the "microphone" and "speaker" of @settings, as they are when the
 * test starts. */
void quartet_microphone_test_row_set_settings (QuartetMicrophoneTestRow *self, GSettings *settings);

G_END_DECLS
