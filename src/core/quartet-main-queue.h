/* quartet-main-queue.h: calls from GStreamer threads, carried to an object's main context
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Stands for an object that lives on one main context (the thread-default
 * one when the queue was made). Any thread may queue a call for it; calls
 * run on that context in the order they were queued, each with the object
 * held, and not at all once the object was forgotten. The queue holds no
 * reference to the object: a streaming thread never ends up owning, and so
 * disposing, it. */
typedef struct _QuartetMainQueue QuartetMainQueue;

typedef void (*QuartetMainQueueFunc) (GObject *object, gpointer data);

QuartetMainQueue *quartet_main_queue_new (GObject *object);
QuartetMainQueue *quartet_main_queue_ref (QuartetMainQueue *self);
void quartet_main_queue_unref (QuartetMainQueue *self);

/* On the main context: drop the calls still queued, and all later ones. */
void quartet_main_queue_forget (QuartetMainQueue *self);
GMainContext *quartet_main_queue_get_context (QuartetMainQueue *self);

/* From any thread. @destroy frees @data, whether the call ran or not. */
void quartet_main_queue_call (QuartetMainQueue *self,
                              QuartetMainQueueFunc func,
                              gpointer data,
                              GDestroyNotify destroy);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QuartetMainQueue, quartet_main_queue_unref)

G_END_DECLS
