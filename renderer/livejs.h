/*
 * livejs.h: the live-reload script of the default theme. ingestd stores it in the page
 * store at a content-hashed URL (/_folio/live.<12 hex>.js) and the layout links it with
 * <script defer> when live_reload is on. In the browser it subscribes to the fronts'
 * event stream for its own page (/_folio/live?path=P&since=G, frontd/live.h) and reloads
 * the page when a push changes it; pages work the same without it.
 */
#ifndef RENDERER_LIVEJS_H
#define RENDERER_LIVEJS_H

#include "shared/buf.h"

/* The script's source text. Static storage: never freed. */
struct slice livejs_source(void);

#endif
