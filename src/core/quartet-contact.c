/* quartet-contact.c: one roster entry with its presence
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "quartet-contact"

#include "quartet-contact.h"
#include "quartet-jid.h"

struct _QuartetContact
{
  GObject parent_instance;

  char *jid;
  char *user_id;
  char *name;
  char *login;
  char *subscription;
  gboolean available;
};

G_DEFINE_FINAL_TYPE (QuartetContact, quartet_contact, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_JID,
  PROP_USER_ID,
  PROP_NAME,
  PROP_LOGIN,
  PROP_DISPLAY_NAME,
  PROP_SUBSCRIPTION,
  PROP_AVAILABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* g_set_str() arrives in GLib 2.76; we build against 2.74 (Debian bookworm). */
static gboolean
replace_string (char **field, const char *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static void
quartet_contact_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  QuartetContact *self = QUARTET_CONTACT (object);

  switch (prop_id)
    {
    case PROP_JID:
      g_value_set_string (value, self->jid);
      break;
    case PROP_USER_ID:
      g_value_set_string (value, self->user_id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_LOGIN:
      g_value_set_string (value, self->login);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, quartet_contact_get_display_name (self));
      break;
    case PROP_SUBSCRIPTION:
      g_value_set_string (value, self->subscription);
      break;
    case PROP_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quartet_contact_set_property (GObject *object,
                              guint prop_id,
                              const GValue *value,
                              GParamSpec *pspec)
{
  QuartetContact *self = QUARTET_CONTACT (object);

  switch (prop_id)
    {
    case PROP_JID:
      self->jid = quartet_jid_get_bare (g_value_get_string (value));
      self->user_id = quartet_jid_get_user_id (self->jid);
      break;
    case PROP_NAME:
      quartet_contact_set_name (self, g_value_get_string (value));
      break;
    case PROP_LOGIN:
      quartet_contact_set_login (self, g_value_get_string (value));
      break;
    case PROP_SUBSCRIPTION:
      quartet_contact_set_subscription (self, g_value_get_string (value));
      break;
    case PROP_AVAILABLE:
      quartet_contact_set_available (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
quartet_contact_finalize (GObject *object)
{
  QuartetContact *self = QUARTET_CONTACT (object);

  g_clear_pointer (&self->jid, g_free);
  g_clear_pointer (&self->user_id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->login, g_free);
  g_clear_pointer (&self->subscription, g_free);

  G_OBJECT_CLASS (quartet_contact_parent_class)->finalize (object);
}

static void
quartet_contact_class_init (QuartetContactClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = quartet_contact_get_property;
  object_class->set_property = quartet_contact_set_property;
  object_class->finalize = quartet_contact_finalize;

  properties[PROP_JID] = g_param_spec_string ("jid", NULL, NULL, NULL,
                                              G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY
                                                | G_PARAM_STATIC_STRINGS);
  properties[PROP_USER_ID]
    = g_param_spec_string ("user-id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME]
    = g_param_spec_string ("name", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* A QuickBlox directory entry's login; NULL for roster entries. */
  properties[PROP_LOGIN]
    = g_param_spec_string ("login", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL,
                                                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUBSCRIPTION]
    = g_param_spec_string ("subscription", NULL, NULL, "none",
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AVAILABLE]
    = g_param_spec_boolean ("available", NULL, NULL, FALSE,
                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
quartet_contact_init (QuartetContact *self)
{
  self->subscription = g_strdup ("none");
}

QuartetContact *
quartet_contact_new (const char *jid, const char *name)
{
  g_return_val_if_fail (jid != NULL, NULL);

  return g_object_new (QUARTET_TYPE_CONTACT, "jid", jid, "name", name, NULL);
}

const char *
quartet_contact_get_jid (QuartetContact *self)
{
  g_return_val_if_fail (QUARTET_IS_CONTACT (self), NULL);

  return self->jid;
}

const char *
quartet_contact_get_user_id (QuartetContact *self)
{
  g_return_val_if_fail (QUARTET_IS_CONTACT (self), NULL);

  return self->user_id;
}

const char *
quartet_contact_get_name (QuartetContact *self)
{
  g_return_val_if_fail (QUARTET_IS_CONTACT (self), NULL);

  return self->name;
}

void
quartet_contact_set_name (QuartetContact *self, const char *name)
{
  g_return_if_fail (QUARTET_IS_CONTACT (self));

  if (name != NULL && *name == '\0')
    name = NULL;

  if (replace_string (&self->name, name))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
    }
}

const char *
quartet_contact_get_login (QuartetContact *self)
{
  g_return_val_if_fail (QUARTET_IS_CONTACT (self), NULL);

  return self->login;
}

void
quartet_contact_set_login (QuartetContact *self, const char *login)
{
  g_return_if_fail (QUARTET_IS_CONTACT (self));

  if (login != NULL && *login == '\0')
    login = NULL;

  if (replace_string (&self->login, login))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOGIN]);
      if (self->name == NULL)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
    }
}

/* The roster name (or a QuickBlox full name) when there is one, else the
 * QuickBlox login, else the JID. */
const char *
quartet_contact_get_display_name (QuartetContact *self)
{
  g_return_val_if_fail (QUARTET_IS_CONTACT (self), NULL);

  if (self->name != NULL)
    return self->name;
  return self->login ? self->login : self->jid;
}

const char *
quartet_contact_get_subscription (QuartetContact *self)
{
  g_return_val_if_fail (QUARTET_IS_CONTACT (self), NULL);

  return self->subscription;
}

void
quartet_contact_set_subscription (QuartetContact *self, const char *subscription)
{
  g_return_if_fail (QUARTET_IS_CONTACT (self));

  if (replace_string (&self->subscription, subscription ? subscription : "none"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBSCRIPTION]);
}

gboolean
quartet_contact_get_available (QuartetContact *self)
{
  g_return_val_if_fail (QUARTET_IS_CONTACT (self), FALSE);

  return self->available;
}

void
quartet_contact_set_available (QuartetContact *self, gboolean available)
{
  g_return_if_fail (QUARTET_IS_CONTACT (self));

  available = !!available;
  if (self->available == available)
    return;

  self->available = available;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
}
