/* quartet-account-private.h: QuartetAccount's fields, for the files that make it up
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "quartet-account.h"

G_BEGIN_DECLS

struct _QuartetAccount
{
  GObject parent_instance;

  GSettings *settings;
  char *video_override;
  char *audio_override;
  gboolean using_device; /* quartet_account_use_device() stores what it applied */

  QuartetXmppConnection *connection;
  QuartetQuickbloxSession *quickblox; /* for a QuickBlox account, else NULL */
  QuartetMedia *media;
  gboolean camera_refused; /* by the Camera portal, for this sign-in */
  QuartetCallClient *client;
  gboolean signed_in;
  char **discovered_ice_servers; /* the XMPP server's (XEP-0215), NULL until it answers */
  char *ice_servers_summary;     /* the servers in use and whence, without secrets */

  QuartetCallSession *ringing;  /* the incoming call waiting for an answer */
  char *ringing_name;
  GDateTime *ringing_since;
  gboolean ringing_handled;     /* answered or declined: not a missed call */
  gboolean ringing_declined;
  QuartetCall *call;            /* the call on screen */
  GHashTable *busy_session_ids; /* calls rejected as busy, told to the user once */
  QuartetCallHistory *history;  /* the signed-in account's, empty when signed out */
};

/* quartet-account-calls.c */
void _quartet_account_watch_calls (QuartetAccount *self);
void _quartet_account_set_call (QuartetAccount *self, QuartetCall *call);
void _quartet_account_stop_ringing (QuartetAccount *self, gboolean missed);
void _quartet_account_load_history (QuartetAccount *self);

/* quartet-account-settings.c */
void _quartet_account_watch_settings (QuartetAccount *self);
void _quartet_account_apply_network_settings (QuartetAccount *self);
void _quartet_account_apply_call_settings (QuartetAccount *self);
void _quartet_account_apply_speaker (QuartetAccount *self);
void _quartet_account_discover_ice_servers (QuartetAccount *self);
void _quartet_account_set_ice_servers_summary (QuartetAccount *self, const char *summary);

G_END_DECLS
