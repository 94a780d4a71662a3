/* quartet-marshal.h: calls from GStreamer threads, carried to an object's main context
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Stands for an object that lives on one main context (the thread-default
 * one when the marshal was made). Any thread may queue a call for it; calls
 * run on that context in the order they were queued, each with the object
 * held, and not at all once the object was forgotten. The marshal holds no
 * reference to the object: a streaming thread never ends up owning, and so
 * disposing, it. */
typedef struct _QuartetMarshal QuartetMarshal;

typedef void (*QuartetMarshalFunc) (GObject *object, gpointer data);

QuartetMarshal *quartet_marshal_new (GObject *object);
QuartetMarshal *quartet_marshal_ref (QuartetMarshal *self);
void quartet_marshal_unref (QuartetMarshal *self);

/* On the main context: drop the calls still queued, and all later ones. */
void quartet_marshal_forget (QuartetMarshal *self);
GMainContext *quartet_marshal_get_context (QuartetMarshal *self);

/* From any thread. @destroy frees @data, whether the call ran or not. */
void quartet_marshal_call (QuartetMarshal *self,
                           QuartetMarshalFunc func,
                           gpointer data,
                           GDestroyNotify destroy);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuartetMarshal, quartet_marshal_unref)

G_END_DECLS
