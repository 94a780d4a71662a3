/* quartet-cli.c: the headless Quartet client, for bots, tests and benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "quartet-cli"

#include <glib-unix.h>
#include <locale.h>
#include <string.h>

#include "quartet-cli-call.h"
#include "quartet-cli-output.h"
#include "quartet-cli-quickblox.h"
#include "quartet-cli-signal.h"
#include "quartet.h"

/* Exit codes, so that scripts can tell failures apart (see --help). */
enum
{
  EXIT_OK = 0,
  EXIT_FAILED = 1,
  EXIT_USAGE = 2,
  EXIT_UNREACHABLE = 3,
  EXIT_AUTHENTICATION = 4,
  EXIT_CERTIFICATE = 5,
  EXIT_TLS_UNAVAILABLE = 6,
};

typedef struct
{
  /* account options, shared by every command */
  char *jid;
  char *app_id;
  char *password;
  char *password_file;
  char *server;
  char *tls;
  char *cafile;
  char *trust_fingerprint;
  gboolean json;

  /* a QuickBlox account instead of --jid, and the users command */
  QuartetCliQuickbloxOptions quickblox;

  /* listen */
  int count;
  int timeout;
  int login_timeout;
  gboolean raw_signals;

  /* listen and call */
  QuartetCliCallOptions call_options;
  char **users;

  /* send-signal */
  QuartetCliSignalOptions signal_options;

  /* send-signal, listen and call */
  char **user_info;

  const char *command;
  QuartetCliOutput *output;
  QuartetQuickbloxAccount *account;
  QuartetXmppConnection *connection;
  QuartetCliCall *call;
  char **discovered_ice_servers;
  GMainLoop *loop;
  int exit_code;
  int signals_seen;
} Cli;

static const char *command_summary
  = "Commands:\n"
    "  login        Sign in, print the contacts, sign out\n"
    "  listen       Stay signed in, take calls (see --auto-answer) and print every event\n"
    "  call USER... Call one to three users (user ids or JIDs) and print every event\n"
    "  send-signal  Sign in and send one call signal to a contact\n"
    "  users        QuickBlox accounts: print the application's users (see --search),\n"
    "               one JSON object a line: {\"id\", \"login\", \"full_name\"}\n"
    "\n"
    "A QuickBlox user signs in with --quickblox-api, --quickblox-app-id,\n"
    "--quickblox-auth-key, --quickblox-auth-secret-file, --login and --password-file\n"
    "instead of --jid (see --help-quickblox); chat is then --server as usual.\n"
    "\n"
    "SIGUSR1 prints what the process holds: its resident set and heap in use.\n"
    "\n"
    "Exit codes: 0 ok, 1 failed, 2 usage, 3 server unreachable, 4 wrong password,\n"
    "5 certificate not trusted, 6 server offers no TLS.\n";

static void
cli_clear (Cli *cli)
{
  g_clear_pointer (&cli->call, quartet_cli_call_free);
  g_clear_pointer (&cli->discovered_ice_servers, g_strfreev);
  quartet_cli_call_options_clear (&cli->call_options);
  g_strfreev (cli->user_info);
  quartet_cli_quickblox_options_clear (&cli->quickblox);
  g_strfreev (cli->users);
  g_clear_object (&cli->connection);
  g_clear_object (&cli->account);
  g_clear_pointer (&cli->loop, g_main_loop_unref);
  g_clear_pointer (&cli->output, quartet_cli_output_free);
  g_free (cli->jid);
  g_free (cli->app_id);
  if (cli->password != NULL)
    memset (cli->password, 0, strlen (cli->password));
  g_free (cli->password);
  g_free (cli->password_file);
  g_free (cli->server);
  g_free (cli->tls);
  g_free (cli->cafile);
  g_free (cli->trust_fingerprint);
  quartet_cli_signal_options_clear (&cli->signal_options);
}

static int
exit_code_for_quickblox_error (const GError *error)
{
  switch (error->code)
    {
    case QUARTET_QUICKBLOX_ERROR_UNREACHABLE:
      return EXIT_UNREACHABLE;
    case QUARTET_QUICKBLOX_ERROR_AUTHENTICATION:
    case QUARTET_QUICKBLOX_ERROR_APPLICATION:
      return EXIT_AUTHENTICATION;
    case QUARTET_QUICKBLOX_ERROR_TLS:
      return EXIT_CERTIFICATE;
    case QUARTET_QUICKBLOX_ERROR_INVALID_SETTINGS:
      return EXIT_USAGE;
    default:
      return EXIT_FAILED;
    }
}

static int
exit_code_for_error (const GError *error)
{
  if (error->domain == QUARTET_QUICKBLOX_ERROR)
    return exit_code_for_quickblox_error (error);

  if (error->domain != QUARTET_XMPP_ERROR)
    return EXIT_FAILED;

  switch (error->code)
    {
    case QUARTET_XMPP_ERROR_UNREACHABLE:
      return EXIT_UNREACHABLE;
    case QUARTET_XMPP_ERROR_AUTHENTICATION:
      return EXIT_AUTHENTICATION;
    case QUARTET_XMPP_ERROR_CERTIFICATE:
      return EXIT_CERTIFICATE;
    case QUARTET_XMPP_ERROR_TLS_UNAVAILABLE:
      return EXIT_TLS_UNAVAILABLE;
    case QUARTET_XMPP_ERROR_INVALID_ACCOUNT:
      return EXIT_USAGE;
    default:
      return EXIT_FAILED;
    }
}

static void
fail (Cli *cli, const GError *error)
{
  g_printerr ("quartet-cli: %s\n", error->message);
  cli->exit_code = exit_code_for_error (error);
  g_main_loop_quit (cli->loop);
}

static void
on_disconnected_for_exit_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Cli *cli = user_data;

  quartet_xmpp_connection_disconnect_finish (QUARTET_XMPP_CONNECTION (source), result, NULL);
  g_main_loop_quit (cli->loop);
}

static void
sign_out_and_quit (Cli *cli)
{
  /* `users` never signs in to chat. */
  if (cli->connection == NULL)
    {
      g_main_loop_quit (cli->loop);
      return;
    }

  quartet_cli_output_stop_presence (cli->output);
  if (cli->call != NULL)
    quartet_cli_call_release (cli->call);
  quartet_xmpp_connection_disconnect_async (cli->connection, NULL, on_disconnected_for_exit_cb,
                                            cli);
}

static gboolean
on_quit_signal_cb (gpointer user_data)
{
  sign_out_and_quit (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
on_memory_signal_cb (gpointer user_data)
{
  Cli *cli = user_data;
  QuartetCliMemory memory;

  quartet_cli_memory_read (&memory);
  quartet_cli_output_memory (cli->output, &memory);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_listen_timeout_cb (gpointer user_data)
{
  Cli *cli = user_data;

  g_printerr ("quartet-cli: timed out after %d s\n", cli->timeout);
  cli->exit_code = EXIT_FAILED;
  sign_out_and_quit (cli);
  return G_SOURCE_REMOVE;
}

static void
on_signal_received_cb (QuartetXmppConnection *connection,
                       const char *from,
                       QuartetSignal *signal,
                       Cli *cli)
{
  if (cli->raw_signals || cli->count > 0)
    quartet_cli_output_signal (cli->output, from, signal);

  if (cli->count > 0 && ++cli->signals_seen >= cli->count)
    sign_out_and_quit (cli);
}

static void
on_invalid_signal_cb (QuartetXmppConnection *connection,
                      const char *from,
                      const GError *error,
                      Cli *cli)
{
  quartet_cli_output_invalid_signal (cli->output, from, error);
}

static void
on_disconnected_cb (QuartetXmppConnection *connection, const GError *error, Cli *cli)
{
  quartet_cli_output_disconnected (cli->output, error);

  /* A fatal error ends the connection for good; so does the bot. */
  if (quartet_xmpp_connection_get_state (connection) == QUARTET_XMPP_STATE_DISCONNECTED)
    fail (cli, error);
}

static void
on_reconnected_cb (QuartetXmppConnection *connection, Cli *cli)
{
  quartet_cli_output_reconnected (cli->output, connection);
}

static void
send_signal_and_quit (Cli *cli)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (QuartetSignal) signal = quartet_cli_signal_build (
      &cli->signal_options, quartet_xmpp_connection_get_user_id (cli->connection),
      cli->call_options.user_info, &error);

  if (signal == NULL
      || !quartet_xmpp_connection_send_signal (cli->connection, cli->signal_options.to, signal,
                                               &error))
    {
      g_printerr ("quartet-cli: %s\n", error->message);
      cli->exit_code = exit_code_for_error (error);
      sign_out_and_quit (cli);
      return;
    }

  quartet_cli_output_sent (cli->output, cli->signal_options.to, signal);
  sign_out_and_quit (cli);
}

static void
on_call_done_cb (int exit_code, gpointer user_data)
{
  Cli *cli = user_data;

  cli->exit_code = exit_code;
  sign_out_and_quit (cli);
}

/* listen and call: the call engine on the signed-in connection. */
static void
start_calls (Cli *cli)
{
  g_autoptr (GError) error = NULL;
  gboolean started;

  cli->call = quartet_cli_call_new (&cli->call_options,
                                    (const char *const *)cli->discovered_ice_servers,
                                    cli->connection, cli->output, on_call_done_cb, cli);
  if (g_str_equal (cli->command, "call"))
    started = quartet_cli_call_place (cli->call, (const char *const *)cli->users, &error);
  else
    started = quartet_cli_call_listen (cli->call, &error);

  if (!started)
    {
      g_printerr ("quartet-cli: %s\n", error->message);
      cli->exit_code = EXIT_FAILED;
      sign_out_and_quit (cli);
      return;
    }

  if (cli->timeout > 0)
    g_timeout_add_seconds (cli->timeout, on_listen_timeout_cb, cli);
}

static void
on_ice_servers_discovered_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Cli *cli = user_data;
  g_autoptr (GError) error = NULL;

  cli->discovered_ice_servers = quartet_xmpp_connection_discover_ice_servers_finish (
      QUARTET_XMPP_CONNECTION (source), result, &error);
  if (cli->discovered_ice_servers == NULL)
    g_info ("The server names no STUN or TURN service: %s", error->message);
  else
    g_info ("The server named %u STUN/TURN services",
            g_strv_length (cli->discovered_ice_servers));
  start_calls (cli);
}

/* Without --stun or --turn, use what the XMPP server offers (XEP-0215),
 * as a QuickBlox SDK app would. */
static void
discover_ice_servers (Cli *cli)
{
  if (cli->call_options.stun != NULL || cli->call_options.turn != NULL)
    {
      start_calls (cli);
      return;
    }

  quartet_xmpp_connection_discover_ice_servers_async (cli->connection,
                                                      on_ice_servers_discovered_cb, cli);
}

static void
on_connected_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Cli *cli = user_data;
  g_autoptr (GError) error = NULL;

  if (!quartet_xmpp_connection_connect_finish (cli->connection, result, &error))
    {
      fail (cli, error);
      return;
    }

  quartet_cli_output_connected (cli->output, cli->connection);
  quartet_cli_output_roster (cli->output, quartet_xmpp_connection_get_roster (cli->connection));

  if (g_str_equal (cli->command, "login"))
    sign_out_and_quit (cli);
  else if (g_str_equal (cli->command, "send-signal"))
    send_signal_and_quit (cli);
  else
    discover_ice_servers (cli);
}

static gboolean
parse_server (const char *server, char **host, guint16 *port, GError **error)
{
  const char *colon = strrchr (server, ':');
  guint64 value = 0;

  /* "host", "host:port"; an IPv6 literal is "[::1]:port". */
  if (colon == NULL || (strchr (server, ']') != NULL && colon < strchr (server, ']')))
    {
      *host = g_strdup (server);
      *port = 0;
    }
  else
    {
      if (!g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &value, NULL))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--server expects HOST[:PORT], not “%s”", server);
          return FALSE;
        }
      *host = g_strndup (server, colon - server);
      *port = value;
    }

  if (**host == '[')
    {
      char *unbracketed = g_strndup (*host + 1, strlen (*host) - 2);

      g_free (*host);
      *host = unbracketed;
    }

  return TRUE;
}

static gboolean
read_password (Cli *cli, GError **error)
{
  g_autofree char *contents = NULL;

  if (cli->password != NULL)
    return TRUE;

  if (cli->password_file == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   "--password or --password-file is required");
      return FALSE;
    }

  if (!g_file_get_contents (cli->password_file, &contents, NULL, error))
    return FALSE;

  /* Files written by editors and `echo` end with a newline that is not part
   * of the password. */
  g_strchomp (contents);
  cli->password = g_steal_pointer (&contents);
  return TRUE;
}

/* --jid 42@chat.example --app-id 97 signs in as 42-97@chat.example, the
 * JID a QuickBlox application gives user 42: the user id others call is
 * then 42, as in the QuickBlox SDKs. */
static gboolean
apply_app_id (Cli *cli, GError **error)
{
  const char *at = strchr (cli->jid, '@');
  g_autofree char *local = at != NULL ? g_strndup (cli->jid, at - cli->jid) : NULL;
  guint64 number;
  char *jid;

  if (!g_ascii_string_to_unsigned (cli->app_id, 10, 1, G_MAXINT64, &number, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--app-id must be a QuickBlox application id (a number), not “%s”",
                   cli->app_id);
      return FALSE;
    }
  if (local == NULL || !g_ascii_string_to_unsigned (local, 10, 1, G_MAXINT64, &number, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "With --app-id, --jid is USER-ID@CHAT-DOMAIN (a QuickBlox user id), not “%s”",
                   cli->jid);
      return FALSE;
    }

  jid = g_strdup_printf ("%s-%s%s", local, cli->app_id, at);
  g_free (cli->jid);
  cli->jid = jid;
  return TRUE;
}

/* --server HOST[:PORT][,HOST[:PORT]...]: one server, or a cluster's nodes to
 * try in turn. */
static gboolean
set_servers (Cli *cli, GError **error)
{
  g_auto (GStrv) servers = g_strsplit (cli->server, ",", -1);

  for (guint i = 0; servers[i] != NULL; i++)
    {
      g_autofree char *host = NULL;
      guint16 port = 0;

      if (!parse_server (g_strstrip (servers[i]), &host, &port, error))
        return FALSE;
      quartet_xmpp_connection_add_server (cli->connection, host, port);
    }

  return TRUE;
}

static gboolean
create_connection (Cli *cli, GError **error)
{

  if (cli->jid == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "--jid is required");
      return FALSE;
    }

  if (!read_password (cli, error))
    return FALSE;

  if (cli->app_id != NULL && !apply_app_id (cli, error))
    return FALSE;

  cli->connection = quartet_xmpp_connection_new (cli->jid, cli->password);
  if (cli->server != NULL && !set_servers (cli, error))
    return FALSE;
  quartet_xmpp_connection_set_cafile (cli->connection, cli->cafile);
  quartet_xmpp_connection_set_trusted_fingerprint (cli->connection, cli->trust_fingerprint);
  if (cli->login_timeout > 0)
    g_object_set (cli->connection, "login-timeout", (guint)cli->login_timeout, NULL);

  if (cli->tls == NULL || g_str_equal (cli->tls, "required"))
    quartet_xmpp_connection_set_tls_mode (cli->connection, QUARTET_XMPP_TLS_REQUIRED);
  else if (g_str_equal (cli->tls, "off"))
    quartet_xmpp_connection_set_tls_mode (cli->connection, QUARTET_XMPP_TLS_OFF);
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--tls is required or off, not “%s”", cli->tls);
      return FALSE;
    }

  return TRUE;
}

/* Signs in to chat, with --jid or as the QuickBlox user. */
static void
start_connection (Cli *cli)
{
  g_signal_connect (cli->connection, "signal-received", G_CALLBACK (on_signal_received_cb), cli);
  g_signal_connect (cli->connection, "invalid-signal", G_CALLBACK (on_invalid_signal_cb), cli);
  g_signal_connect (cli->connection, "disconnected", G_CALLBACK (on_disconnected_cb), cli);
  g_signal_connect (cli->connection, "reconnected", G_CALLBACK (on_reconnected_cb), cli);

  quartet_xmpp_connection_connect_async (cli->connection, NULL, on_connected_cb, cli);
}

/* The renewed session token is the chat password from now on: a
 * reconnect signs in with it. */
static void
on_token_cb (QuartetQuickbloxAccount *account, GParamSpec *pspec, Cli *cli)
{
  const char *token = quartet_quickblox_account_get_token (account);

  if (cli->connection != NULL && token != NULL)
    quartet_xmpp_connection_set_password (cli->connection, token);
}

static void
on_users_printed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Cli *cli = user_data;
  g_autoptr (GError) error = NULL;

  if (!quartet_cli_quickblox_print_users_finish (result, &error))
    {
      fail (cli, error);
      return;
    }
  g_main_loop_quit (cli->loop);
}

static void
on_quickblox_signed_in_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Cli *cli = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *chat_domain = NULL;

  if (!quartet_quickblox_account_sign_in_finish (cli->account, result, &error))
    {
      fail (cli, error);
      return;
    }

  if (g_str_equal (cli->command, "users"))
    {
      quartet_cli_quickblox_print_users_async (cli->account, &cli->quickblox, cli->output, NULL,
                                               on_users_printed_cb, cli);
      return;
    }

  /* QuickBlox chat: {userId}-{appId}@{chat}, the session token as password. */
  chat_domain = quartet_cli_quickblox_chat_domain (&cli->quickblox);
  cli->jid = quartet_quickblox_account_get_chat_jid (cli->account, chat_domain);
  cli->password = g_strdup (quartet_quickblox_account_get_token (cli->account));
  if (!create_connection (cli, &error))
    {
      fail (cli, error);
      return;
    }
  g_signal_connect (cli->account, "notify::token", G_CALLBACK (on_token_cb), cli);
  start_connection (cli);
}

/* The QuickBlox sign-in reads the user's password like --jid's, then
 * forgets it: the account keeps what it needs to renew its session. */
static gboolean
create_quickblox_account (Cli *cli, GError **error)
{
  if (cli->jid != NULL || cli->app_id != NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   "--jid/--app-id and --quickblox-api are two ways to sign in: use one");
      return FALSE;
    }

  cli->account = quartet_cli_quickblox_account_new (&cli->quickblox, error);
  return cli->account != NULL && read_password (cli, error);
}

static void
sign_in_to_quickblox (Cli *cli)
{
  g_autofree char *password = g_steal_pointer (&cli->password);

  quartet_quickblox_account_sign_in_async (cli->account, cli->quickblox.login, password, NULL,
                                           on_quickblox_signed_in_cb, cli);
  memset (password, 0, strlen (password));
}

static gboolean
check_command_options (Cli *cli, GError **error)
{
  if (g_str_equal (cli->command, "users") && !quartet_cli_quickblox_options_given (&cli->quickblox))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   "users lists a QuickBlox application's users: sign in with --quickblox-api "
                   "(see --help-quickblox)");
      return FALSE;
    }

  if (g_str_equal (cli->command, "send-signal") && (cli->signal_options.to == NULL || cli->signal_options.type == NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   "send-signal needs --to and --type");
      return FALSE;
    }

  return TRUE;
}

static GOptionContext *
create_option_context (Cli *cli)
{
  const GOptionEntry account_entries[] = {
    { "jid", 'j', 0, G_OPTION_ARG_STRING, &cli->jid, "Account address (name@server)", "JID" },
    { "app-id", 0, 0, G_OPTION_ARG_STRING, &cli->app_id,
      "QuickBlox application id: --jid USER-ID@CHAT-DOMAIN signs in as USER-ID-APP-ID@CHAT-DOMAIN",
      "N" },
    { "password", 'p', 0, G_OPTION_ARG_STRING, &cli->password,
      "Password (visible to other local users: prefer --password-file)", "PASSWORD" },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &cli->password_file,
      "Read the password from FILE", "FILE" },
    { "server", 's', 0, G_OPTION_ARG_STRING, &cli->server,
      "Connect to HOST[:PORT] instead of looking up the domain; a list is tried in turn "
      "(the nodes of a cluster)",
      "HOST[:PORT][,…]" },
    { "tls", 0, 0, G_OPTION_ARG_STRING, &cli->tls,
      "required (default) or off (plain text, local servers only)", "MODE" },
    { "cafile", 0, 0, G_OPTION_ARG_FILENAME, &cli->cafile,
      "Also trust the certificate authorities in FILE (PEM)", "FILE" },
    { "trust-fingerprint", 0, 0, G_OPTION_ARG_STRING, &cli->trust_fingerprint,
      "Trust the server certificate with this SHA-256 fingerprint", "HEX" },
    { "login-timeout", 0, 0, G_OPTION_ARG_INT, &cli->login_timeout,
      "Give up a sign-in attempt after SECONDS (default 20)", "SECONDS" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json, "Print one JSON object per event", NULL },
    { NULL }
  };
  const GOptionEntry command_entries[] = {
    { "count", 'n', 0, G_OPTION_ARG_INT, &cli->count,
      "listen: print call signals, exit after N of them", "N" },
    { "raw-signals", 0, 0, G_OPTION_ARG_NONE, &cli->raw_signals,
      "listen: also print every call signal as it arrives", NULL },
    { "timeout", 't', 0, G_OPTION_ARG_INT, &cli->timeout,
      "listen: give up after SECONDS (exit code 1)", "SECONDS" },
    { "user-info", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cli->user_info,
      "A userInfo field (repeat for each): of send-signal's signal, of call's call and hang-up, "
      "of listen's accept, reject and hang-up",
      "KEY=VALUE" },
    { NULL }
  };
  GOptionContext *context = g_option_context_new ("COMMAND");
  GOptionGroup *commands = g_option_group_new ("command", "Command options:",
                                               "Show the options of the commands", cli, NULL);

  g_option_context_set_summary (context, "Headless Quartet client: signs in to an XMPP account "
                                         "and speaks the QuickBlox call signaling protocol.");
  g_option_context_set_description (context, command_summary);
  g_option_context_add_main_entries (context, account_entries, NULL);
  g_option_group_add_entries (commands, command_entries);
  g_option_context_add_group (context, commands);
  g_option_context_add_group (context, quartet_cli_call_option_group (&cli->call_options));
  g_option_context_add_group (context, quartet_cli_signal_option_group (&cli->signal_options));
  g_option_context_add_group (context, quartet_cli_quickblox_option_group (&cli->quickblox));

  return context;
}

static gboolean
is_known_command (const char *command)
{
  return g_strcmp0 (command, "login") == 0 || g_strcmp0 (command, "listen") == 0
         || g_strcmp0 (command, "send-signal") == 0 || g_strcmp0 (command, "call") == 0
         || g_strcmp0 (command, "users") == 0;
}

/* `call` takes 1 to 3 users; the other commands no arguments. */
static gboolean
check_arguments (Cli *cli, int argc, char *argv[])
{
  if (!g_str_equal (cli->command, "call"))
    return argc == 2;

  if (argc < 3 || argc > 5)
    return FALSE;

  cli->users = g_strdupv (argv + 2);
  return TRUE;
}

int
main (int argc, char *argv[])
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  Cli cli = { 0 };
  int exit_code;

  quartet_media_tune_allocator ();
  setlocale (LC_ALL, "");
  /* stdout is for events (one JSON object a line with --json); every log
   * message, G_MESSAGES_DEBUG ones included, goes to stderr. */
  g_log_writer_default_set_use_stderr (TRUE);
  /* Before anything logs: debug output of libnice and webrtcbin would
   * otherwise show TURN passwords. */
  quartet_log_init ();
  context = create_option_context (&cli);

  if (!g_option_context_parse (context, &argc, &argv, &error)
      || !quartet_cli_parse_user_info (cli.user_info, &cli.call_options.user_info, &error))
    {
      g_printerr ("quartet-cli: %s\n", error->message);
      cli_clear (&cli);
      return EXIT_USAGE;
    }

  cli.command = argc > 1 ? argv[1] : NULL;
  if (!is_known_command (cli.command) || !check_arguments (&cli, argc, argv))
    {
      g_printerr ("quartet-cli: expected one command: login, listen, call USER... (one to "
                  "three users), send-signal or users (see --help)\n");
      cli_clear (&cli);
      return EXIT_USAGE;
    }

  if (!check_command_options (&cli, &error)
      || !(quartet_cli_quickblox_options_given (&cli.quickblox)
               ? create_quickblox_account (&cli, &error)
               : create_connection (&cli, &error)))
    {
      g_printerr ("quartet-cli: %s\n", error->message);
      cli_clear (&cli);
      return EXIT_USAGE;
    }

  cli.loop = g_main_loop_new (NULL, FALSE);
  cli.output = quartet_cli_output_new (cli.json);

  g_unix_signal_add (SIGINT, on_quit_signal_cb, &cli);
  g_unix_signal_add (SIGTERM, on_quit_signal_cb, &cli);
  g_unix_signal_add (SIGUSR1, on_memory_signal_cb, &cli);

  if (cli.account != NULL)
    sign_in_to_quickblox (&cli);
  else
    start_connection (&cli);
  g_main_loop_run (cli.loop);

  exit_code = cli.exit_code;
  cli_clear (&cli);
  return exit_code;
}
