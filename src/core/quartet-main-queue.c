/* quartet-main-queue.c: calls from GStreamer threads, carried to an object's main context
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each call is an idle source of default priority on the object's context:
 * GLib dispatches ready sources of one priority in the order they were
 * attached, which keeps, for instance, a local description ahead of the ICE
 * candidates gathered for it.
 */
#define G_LOG_DOMAIN "quartet-main-queue"

#include "quartet-main-queue.h"

struct _QuartetMainQueue
{
  gatomicrefcount ref_count;
  GMainContext *context;
  GObject *object; /* read and cleared on the main context only */
};

typedef struct
{
  QuartetMainQueue *main_queue;
  QuartetMainQueueFunc func;
  gpointer data;
  GDestroyNotify destroy;
} Call;

QuartetMainQueue *
quartet_main_queue_new (GObject *object)
{
  QuartetMainQueue *self = g_new0 (QuartetMainQueue, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->context = g_main_context_ref_thread_default ();
  self->object = object;
  return self;
}

QuartetMainQueue *
quartet_main_queue_ref (QuartetMainQueue *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/* Any thread may drop the last reference: a GstPromise, for one, is freed
 * wherever webrtcbin lets go of it. */
void
quartet_main_queue_unref (QuartetMainQueue *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_main_context_unref (self->context);
  g_free (self);
}

void
quartet_main_queue_forget (QuartetMainQueue *self)
{
  self->object = NULL;
}

GMainContext *
quartet_main_queue_get_context (QuartetMainQueue *self)
{
  return self->context;
}

static void
call_free (gpointer user_data)
{
  Call *call = user_data;

  if (call->destroy != NULL)
    call->destroy (call->data);
  quartet_main_queue_unref (call->main_queue);
  g_free (call);
}

static gboolean
on_call_cb (gpointer user_data)
{
  Call *call = user_data;
  GObject *object = call->main_queue->object;

  if (object == NULL)
    return G_SOURCE_REMOVE;

  /* The function may drop the last outside reference to the object. */
  g_object_ref (object);
  call->func (object, call->data);
  g_object_unref (object);

  return G_SOURCE_REMOVE;
}

void
quartet_main_queue_call (QuartetMainQueue *self,
                         QuartetMainQueueFunc func,
                         gpointer data,
                         GDestroyNotify destroy)
{
  GSource *source = g_idle_source_new ();
  Call *call = g_new0 (Call, 1);

  call->main_queue = quartet_main_queue_ref (self);
  call->func = func;
  call->data = data;
  call->destroy = destroy;

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, on_call_cb, call, call_free);
  g_source_attach (source, self->context);
  g_source_unref (source);
}
