/*
 * themejs.h: the default theme's script and icon. ingestd stores the script at a
 * content-hashed URL (/_folio/theme.<12 hex>.js) and the layout links it with
 * <script defer> from every page. In the browser it
 *   - switches light/dark from the header's toggle and remembers the choice
 *     (localStorage "folio-theme"; the layout's inline script applies it before paint);
 *   - loads the nav tree fragment named by the sidebar's data-nav into the sidebar (kept
 *     in sessionStorage, revalidated on every page through the HTTP cache), marks the
 *     current page aria-current="page" and opens the folders around it; a failed load
 *     leaves the sidebar's "All notes" link;
 *   - renders .math elements with KaTeX and pre.mermaid blocks with Mermaid when the page
 *     linked those libraries (they are deferred scripts that run before it).
 * Pages read the same without it.
 */
#ifndef RENDERER_THEMEJS_H
#define RENDERER_THEMEJS_H

#include "shared/buf.h"

/* The script's source text. Static storage: never freed. */
struct slice themejs_source(void);

/* folio's own favicon (SVG), used when the vault has none. Static storage: never freed. */
struct slice themejs_icon(void);

#endif
