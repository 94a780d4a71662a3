/* quartet-window.c: the main window: sign-in, contacts, or the call
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The page follows the account: signed out shows the sign-in page, signed
 * in the contacts, and a current call the call view. The in-call actions
 * (win.mute, win.camera-off, win.share-screen, win.hang-up, win.fullscreen,
 * win.statistics)
 * live here so that
 * their shortcuts work wherever the focus is; they are enabled only while
 * a call is on screen.
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include "quartet-window.h"

#include "quartet-devices-menu.h"

#include <glib/gi18n.h>

#include "quartet-call-view.h"
#include "quartet-contacts-page.h"

#include <libportal-gtk4/portal-gtk4.h>
#include <unistd.h>

struct _QuartetWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay *toast_overlay;
  GtkStack *stack;
  QuartetSignInPage *sign_in_page;
  QuartetContactsPage *contacts_page;
  QuartetCallView *call_view;

  QuartetAccount *account;
  QuartetDevicesMenu *devices_menu; /* while a call is on screen */
  QuartetScreenCast *screen_cast;
  GCancellable *screen_request; /* while the portal's dialog is up */
  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (QuartetWindow, quartet_window, ADW_TYPE_APPLICATION_WINDOW)

void
quartet_window_toast (GtkWidget *widget, const char *title)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  AdwToast *toast;

  if (!QUARTET_IS_WINDOW (root))
    {
      g_message ("%s", title);
      return;
    }

  toast = adw_toast_new (title);
  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (QUARTET_WINDOW (root)->toast_overlay, toast);
}

static void
set_action_enabled (QuartetWindow *self, const char *name, gboolean enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static void
set_call_actions_enabled (QuartetWindow *self, QuartetCall *call)
{
  const char *names[] = { "mute", "camera-off", "hang-up", "statistics" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    set_action_enabled (self, names[i], call != NULL);
  /* A screen goes where the camera's video goes: not in an audio call. */
  set_action_enabled (self, "share-screen",
                      call != NULL && quartet_call_get_call_type (call) == QUARTET_CALL_TYPE_VIDEO);
}

static void
set_action_state (QuartetWindow *self, const char *name, gboolean state)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (state));
}

static void
on_call_muted_cb (QuartetCall *call, GParamSpec *pspec, QuartetWindow *self)
{
  set_action_state (self, "mute", quartet_call_get_audio_muted (call));
  set_action_state (self, "camera-off", quartet_call_get_video_muted (call));
}

/* The call started or stopped sending a screen; stopped by itself (the
 * stream ended), the portal's session goes too. */
static void
on_call_sharing_screen_cb (QuartetCall *call, GParamSpec *pspec, QuartetWindow *self)
{
  gboolean sharing = quartet_call_get_sharing_screen (call);

  set_action_state (self, "share-screen", sharing);
  if (!sharing)
    quartet_screen_cast_stop (self->screen_cast);
}

static void
stop_screen_cast (QuartetWindow *self)
{
  g_cancellable_cancel (self->screen_request);
  g_clear_object (&self->screen_request);
  quartet_screen_cast_stop (self->screen_cast);
  set_action_state (self, "share-screen", FALSE);
}

/* The pages not shown are hidden, not just unmapped: GTK 4.8 tells
 * assistive technologies (and the tests) only whether a widget is visible,
 * so a merely covered page would read as on screen. */
static void
show_page (QuartetWindow *self, const char *name)
{
  GtkWidget *shown = gtk_stack_get_child_by_name (self->stack, name);
  GtkWidget *pages[] = { GTK_WIDGET (self->sign_in_page), GTK_WIDGET (self->contacts_page),
                         GTK_WIDGET (self->call_view) };

  gtk_widget_set_visible (shown, TRUE);
  gtk_stack_set_visible_child (self->stack, shown);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    if (pages[i] != shown)
      gtk_widget_set_visible (pages[i], FALSE);
}

static void
on_devices_message_cb (QuartetDevicesMenu *menu, const char *message, QuartetWindow *self)
{
  quartet_window_toast (GTK_WIDGET (self), message);
}

/* The devices are watched (GstDeviceMonitor) only while a call is shown. */
static void
set_devices_menu_shown (QuartetWindow *self, gboolean shown)
{
  if (shown == (self->devices_menu != NULL))
    return;

  if (shown)
    {
      self->devices_menu = quartet_devices_menu_new (self->account);
      g_signal_connect (self->devices_menu, "message", G_CALLBACK (on_devices_message_cb), self);
      gtk_widget_insert_action_group (GTK_WIDGET (self), "devices",
                                      quartet_devices_menu_get_actions (self->devices_menu));
      quartet_call_view_set_devices_menu (self->call_view,
                                          quartet_devices_menu_get_model (self->devices_menu));
    }
  else
    {
      quartet_call_view_set_devices_menu (self->call_view, NULL);
      gtk_widget_insert_action_group (GTK_WIDGET (self), "devices", NULL);
      g_signal_handlers_disconnect_by_data (self->devices_menu, self);
      g_clear_object (&self->devices_menu);
    }
}

static void
update_page (QuartetWindow *self)
{
  QuartetCall *call = quartet_account_get_call (self->account);
  QuartetCall *shown = quartet_call_view_get_call (self->call_view);

  if (shown != NULL && shown != call)
    g_signal_handlers_disconnect_by_data (shown, self);

  if (call != NULL)
    {
      if (shown != call)
        {
          g_signal_connect_object (call, "notify::audio-muted", G_CALLBACK (on_call_muted_cb),
                                   self, 0);
          g_signal_connect_object (call, "notify::video-muted", G_CALLBACK (on_call_muted_cb),
                                   self, 0);
          g_signal_connect_object (call, "notify::sharing-screen",
                                   G_CALLBACK (on_call_sharing_screen_cb), self, 0);
        }
      quartet_call_view_set_call (self->call_view, call);
      on_call_muted_cb (call, NULL, self);
      show_page (self, "call");
    }
  else
    {
      quartet_call_view_set_call (self->call_view, NULL);
      stop_screen_cast (self);
      if (gtk_window_is_fullscreen (GTK_WINDOW (self)))
        gtk_window_unfullscreen (GTK_WINDOW (self));
      show_page (self, quartet_account_get_signed_in (self->account) ? "contacts" : "sign-in");
    }

  set_call_actions_enabled (self, call);
  set_devices_menu_shown (self, call != NULL);
}

static void
on_camera_access_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (QuartetWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (XdpPortal) portal = quartet_camera_access_request_finish (result, &error);

  if (!quartet_account_get_signed_in (self->account))
    return;
  if (portal != NULL)
    quartet_account_grant_camera (self->account, portal);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = g_strdup_printf (_ ("%s: calls go without it"), error->message);

      quartet_account_refuse_camera (self->account);
      quartet_window_toast (GTK_WIDGET (self), message);
    }
}

/* In a sandbox the camera is the Camera portal's to give: asked at sign-in,
 * over this window (the desktop asks the user once and remembers). */
static void
ask_for_the_camera (QuartetWindow *self)
{
  if (!quartet_camera_access_needed () || !quartet_account_wants_camera (self->account))
    return;

  quartet_camera_access_request (xdp_parent_new_gtk (GTK_WINDOW (self)), NULL, on_camera_access_cb,
                                 g_object_ref (self));
}

static void
on_signed_in_cb (QuartetAccount *account, GParamSpec *pspec, QuartetWindow *self)
{
  quartet_contacts_page_reload (self->contacts_page);
  update_page (self);
  if (quartet_account_get_signed_in (account))
    ask_for_the_camera (self);
}

static void
on_call_changed_cb (QuartetAccount *account, GParamSpec *pspec, QuartetWindow *self)
{
  update_page (self);
}

static void
on_connection_lost_cb (QuartetAccount *account, const GError *error, QuartetWindow *self)
{
  g_autofree char *message = quartet_account_describe_error (error);

  quartet_window_toast (GTK_WIDGET (self), message);
}

static void
on_missed_call_cb (QuartetAccount *account, const char *name, QuartetWindow *self)
{
  g_autofree char *message = g_strdup_printf (_("Missed call from %s: you were busy"), name);

  quartet_window_toast (GTK_WIDGET (self), message);
}

static void
change_mute_state (GSimpleAction *action, GVariant *state, gpointer user_data)
{
  QuartetWindow *self = user_data;
  QuartetCall *call = quartet_account_get_call (self->account);

  g_simple_action_set_state (action, state);
  if (call != NULL)
    quartet_call_set_audio_muted (call, g_variant_get_boolean (state));
}

static void
change_camera_off_state (GSimpleAction *action, GVariant *state, gpointer user_data)
{
  QuartetWindow *self = user_data;
  QuartetCall *call = quartet_account_get_call (self->account);

  g_simple_action_set_state (action, state);
  if (call != NULL)
    quartet_call_set_video_muted (call, g_variant_get_boolean (state));
}

static void
on_screen_cast_started_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (QuartetWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  QuartetCall *call;
  guint32 node;
  int fd;

  if (!quartet_screen_cast_start_finish (QUARTET_SCREEN_CAST (object), result, &fd, &node, &error))
    {
      /* Closing the dialog is the user's answer, not a failure. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message
              = g_strdup_printf (_ ("Could not share the screen: %s"), error->message);
          quartet_window_toast (GTK_WIDGET (self), message);
        }
      g_clear_object (&self->screen_request);
      return;
    }

  g_clear_object (&self->screen_request);
  call = quartet_account_get_call (self->account);
  if (call == NULL)
    {
      close (fd);
      quartet_screen_cast_stop (self->screen_cast);
      return;
    }
  if (!quartet_call_share_screen (call, fd, node, &error))
    {
      g_autofree char *message
          = g_strdup_printf (_ ("Could not share the screen: %s"), error->message);
      quartet_window_toast (GTK_WIDGET (self), message);
      quartet_screen_cast_stop (self->screen_cast);
    }
}

/* On: the portal asks which screen or window; the state follows the call
 * once it sends it. Off: the camera again. */
static void
change_share_screen_state (GSimpleAction *action, GVariant *state, gpointer user_data)
{
  QuartetWindow *self = user_data;
  QuartetCall *call = quartet_account_get_call (self->account);

  if (call == NULL)
    return;

  if (!g_variant_get_boolean (state))
    {
      quartet_call_stop_sharing_screen (call);
      stop_screen_cast (self);
      return;
    }

  if (self->screen_request != NULL || quartet_call_get_sharing_screen (call))
    return;
  self->screen_request = g_cancellable_new ();
  quartet_screen_cast_start (self->screen_cast, xdp_parent_new_gtk (GTK_WINDOW (self)),
                             self->screen_request, on_screen_cast_started_cb, g_object_ref (self));
}

static void
on_screen_cast_ended_cb (QuartetScreenCast *screen_cast, QuartetWindow *self)
{
  QuartetCall *call = quartet_account_get_call (self->account);

  if (call != NULL)
    quartet_call_stop_sharing_screen (call);
}

static void
change_fullscreen_state (GSimpleAction *action, GVariant *state, gpointer user_data)
{
  QuartetWindow *self = user_data;

  if (g_variant_get_boolean (state))
    gtk_window_fullscreen (GTK_WINDOW (self));
  else
    gtk_window_unfullscreen (GTK_WINDOW (self));
}

/* The connection's figures on every tile, for this window's calls. */
static void
change_statistics_state (GSimpleAction *action, GVariant *state, gpointer user_data)
{
  QuartetWindow *self = user_data;

  g_simple_action_set_state (action, state);
  quartet_call_view_set_show_statistics (self->call_view, g_variant_get_boolean (state));
}

static void
on_fullscreened_cb (QuartetWindow *self)
{
  set_action_state (self, "fullscreen", gtk_window_is_fullscreen (GTK_WINDOW (self)));
}

/* GSimpleAction's default activate toggles a boolean state. */
static void
activate_toggle (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_autoptr (GVariant) state = g_action_get_state (G_ACTION (action));

  g_action_change_state (G_ACTION (action), g_variant_new_boolean (!g_variant_get_boolean (state)));
}

static void
activate_hang_up (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  QuartetWindow *self = user_data;
  QuartetCall *call = quartet_account_get_call (self->account);
  g_autoptr (GError) error = NULL;

  if (call != NULL && !quartet_call_hang_up (call, &error))
    g_message ("Could not hang up: %s", error->message);
}

void
quartet_window_show_recent (QuartetWindow *self)
{
  g_return_if_fail (QUARTET_IS_WINDOW (self));
  quartet_contacts_page_show_recent (self->contacts_page);
}

QuartetSignInPage *
quartet_window_get_sign_in_page (QuartetWindow *self)
{
  g_return_val_if_fail (QUARTET_IS_WINDOW (self), NULL);
  return self->sign_in_page;
}

/* Closed while signed in, the window only hides: calls still ring (the
 * dialog, a notification), missed ones are listed, and the launcher brings
 * it back. Ctrl+Q, or Quit, ends it all. A call on screen ends first. */
static gboolean
quartet_window_close_request (GtkWindow *window)
{
  QuartetWindow *self = QUARTET_WINDOW (window);
  QuartetCall *call = quartet_account_get_call (self->account);

  if (!quartet_account_get_signed_in (self->account)
      || !g_settings_get_boolean (self->settings, "run-in-background"))
    return GTK_WINDOW_CLASS (quartet_window_parent_class)->close_request (window);

  if (call != NULL)
    quartet_call_hang_up (call, NULL);
  g_info ("The window is closed; Quartet keeps running to take calls");
  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
  return TRUE;
}

static void
quartet_window_dispose (GObject *object)
{
  QuartetWindow *self = QUARTET_WINDOW (object);

  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (self->account, self);
  if (self->devices_menu != NULL)
    g_signal_handlers_disconnect_by_data (self->devices_menu, self);
  g_clear_object (&self->devices_menu);
  g_cancellable_cancel (self->screen_request);
  g_clear_object (&self->screen_request);
  if (self->screen_cast != NULL)
    g_signal_handlers_disconnect_by_data (self->screen_cast, self);
  g_clear_object (&self->screen_cast);
  gtk_widget_dispose_template (GTK_WIDGET (self), QUARTET_TYPE_WINDOW);
  g_clear_object (&self->account);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (quartet_window_parent_class)->dispose (object);
}

static void
quartet_window_class_init (QuartetWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = quartet_window_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = quartet_window_close_request;

  /* The template names them: make sure they are registered. */
  g_type_ensure (QUARTET_TYPE_SIGN_IN_PAGE);
  g_type_ensure (QUARTET_TYPE_CONTACTS_PAGE);
  g_type_ensure (QUARTET_TYPE_CALL_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quartet/Quartet/quartet-window.ui");
  gtk_widget_class_bind_template_child (widget_class, QuartetWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, QuartetWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, QuartetWindow, sign_in_page);
  gtk_widget_class_bind_template_child (widget_class, QuartetWindow, contacts_page);
  gtk_widget_class_bind_template_child (widget_class, QuartetWindow, call_view);
}

static void
quartet_window_init (QuartetWindow *self)
{
  const GActionEntry entries[] = {
    { "mute", activate_toggle, NULL, "false", change_mute_state },
    { "camera-off", activate_toggle, NULL, "false", change_camera_off_state },
    { "fullscreen", activate_toggle, NULL, "false", change_fullscreen_state },
    { "statistics", activate_toggle, NULL, "false", change_statistics_state },
    { "share-screen", activate_toggle, NULL, "false", change_share_screen_state },
    { "hang-up", activate_hang_up },
  };

  gtk_widget_init_template (GTK_WIDGET (self));
  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
  g_signal_connect (self, "notify::fullscreened", G_CALLBACK (on_fullscreened_cb), NULL);
  self->screen_cast = quartet_screen_cast_new ();
  g_signal_connect (self->screen_cast, "ended", G_CALLBACK (on_screen_cast_ended_cb), self);
}

QuartetWindow *
quartet_window_new (AdwApplication *application, QuartetAccount *account, GSettings *settings)
{
  QuartetWindow *self = g_object_new (QUARTET_TYPE_WINDOW, "application", application, NULL);

  self->account = g_object_ref (account);
  self->settings = g_object_ref (settings);
  quartet_sign_in_page_setup (self->sign_in_page, account, settings);
  quartet_contacts_page_set_account (self->contacts_page, account);

  g_signal_connect (account, "notify::signed-in", G_CALLBACK (on_signed_in_cb), self);
  g_signal_connect (account, "notify::call", G_CALLBACK (on_call_changed_cb), self);
  g_signal_connect (account, "connection-lost", G_CALLBACK (on_connection_lost_cb), self);
  g_signal_connect (account, "missed-call", G_CALLBACK (on_missed_call_cb), self);
  update_page (self);
  if (quartet_account_get_signed_in (account))
    ask_for_the_camera (self);
  return self;
}
