/* quartet-account-errors.c: what to tell the user about a sign-in or call error
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine's messages are for logs and developers; the user gets a
 * sentence that says what to check or do next, translated.
 */
#define G_LOG_DOMAIN "quartet-ui"

#include "config.h"

#include "quartet-account.h"

#include <glib/gi18n.h>

char *
quartet_account_describe_error (const GError *error)
{
  if (error->domain == QUARTET_XMPP_ERROR)
    switch (error->code)
      {
      case QUARTET_XMPP_ERROR_INVALID_ACCOUNT:
        return g_strdup (_("That is not an account address. It looks like name@example.org."));
      case QUARTET_XMPP_ERROR_UNREACHABLE:
        return g_strdup (_("The server cannot be reached. Check the server name and port, and "
                           "your network connection."));
      case QUARTET_XMPP_ERROR_CERTIFICATE:
        return g_strdup (_("The server’s certificate is not trusted. If this is your own server, "
                           "compare the fingerprint below with its certificate and trust it."));
      case QUARTET_XMPP_ERROR_TLS_UNAVAILABLE:
        return g_strdup (_("The server does not offer an encrypted connection. Sign in without "
                           "encryption only on a local test server."));
      case QUARTET_XMPP_ERROR_AUTHENTICATION:
        return g_strdup (_("Wrong address or password."));
      case QUARTET_XMPP_ERROR_STREAM:
      case QUARTET_XMPP_ERROR_CONNECTION_LOST:
        return g_strdup (_("The server closed the connection. Try again in a moment."));
      case QUARTET_XMPP_ERROR_TIMED_OUT:
        return g_strdup (_("The server did not answer in time. Try again in a moment."));
      default:
        break;
      }
  else if (error->domain == QUARTET_QUICKBLOX_ERROR)
    switch (error->code)
      {
      case QUARTET_QUICKBLOX_ERROR_INVALID_SETTINGS:
        return g_strdup (_("Check the QuickBlox settings: the API server is a host name with an "
                           "optional port, the application id is a number, and the auth key and "
                           "auth secret are both needed."));
      case QUARTET_QUICKBLOX_ERROR_UNREACHABLE:
        return g_strdup (_("The QuickBlox API server cannot be reached. Check its name and port, "
                           "and your network connection."));
      case QUARTET_QUICKBLOX_ERROR_TLS:
        return g_strdup (_("The QuickBlox API server’s certificate is not trusted. Check the API "
                           "server’s name."));
      case QUARTET_QUICKBLOX_ERROR_AUTHENTICATION:
        return g_strdup (_("Wrong login or password."));
      case QUARTET_QUICKBLOX_ERROR_APPLICATION:
        return g_strdup (_("QuickBlox refused the application’s credentials. Check the "
                           "application id, auth key and auth secret."));
      case QUARTET_QUICKBLOX_ERROR_TOKEN_EXPIRED:
      case QUARTET_QUICKBLOX_ERROR_NOT_SIGNED_IN:
        return g_strdup (_("Your QuickBlox session has ended. Sign in again."));
      case QUARTET_QUICKBLOX_ERROR_SERVER:
        return g_strdup_printf (_("QuickBlox answered with an error: %s"), error->message);
      default:
        break;
      }
  else if (error->domain == QUARTET_MEDIA_ERROR)
    switch (error->code)
      {
      case QUARTET_MEDIA_ERROR_NO_DEVICE:
        return g_strdup (_("No camera or microphone was found. Choose another one in "
                           "Preferences."));
      case QUARTET_MEDIA_ERROR_MISSING_PLUGIN:
        return g_strdup_printf (_("A part of GStreamer is missing: %s"), error->message);
      default:
        break;
      }
  else if (g_error_matches (error, QUARTET_CALL_ERROR, QUARTET_CALL_ERROR_BUSY))
    return g_strdup (_("You are already in a call. Hang up first."));

  return g_strdup (error->message);
}
