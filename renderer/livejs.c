/*
 * livejs.c: the live-reload script (contract in livejs.h), kept as one C string so the
 * renderer stays free of I/O and build steps. Plain ES5, no dependencies, under 2 KB.
 *
 * What it does in the browser:
 *   - opens an EventSource on /_folio/live?path=<this page>; the front answers "hello"
 *     with the store's generation, the page key it watches and the page's ETag, then
 *     "push" events for this page only, each with {gen, paths};
 *   - reloads when a push lists its page;
 *   - on any error closes the stream and reconnects after a jittered backoff (1 s doubling
 *     to 5 min), passing etag=<the ETag hello gave> so the front can tell at once whether
 *     the page changed while it was away;
 *   - holds no stream while the tab is hidden (browsers allow few HTTP/1.1 connections per
 *     host) and catches up through since= when it is shown again.
 */
#include "renderer/livejs.h"

static const char livejs_text[] =
        "/* folio live reload: reloads this page when a push changes it. */\n"
        "(function () {\n"
        "\"use strict\";\n"
        "if (!window.EventSource || !window.JSON || !document.addEventListener) return;\n"
        "var here = location.pathname, path = null, etag = null, delay = 1000, es = null, "
        "timer = 0;\n"
        "function parse(e) {\n"
        "\ttry { return JSON.parse(e.data); } catch (x) { return null; }\n"
        "}\n"
        "function hidden() { return document.visibilityState === \"hidden\"; }\n"
        "function stop() {\n"
        "\tif (es) { es.close(); es = null; }\n"
        "\tif (timer) { clearTimeout(timer); timer = 0; }\n"
        "}\n"
        "function start() {\n"
        "\tstop();\n"
        "\tes = new EventSource(\"/_folio/live?path=\" + encodeURIComponent(here) +\n"
        "\t\t(etag !== null ? \"&etag=\" + encodeURIComponent(etag) : \"\"));\n"
        "\tes.addEventListener(\"hello\", function (e) {\n"
        "\t\tvar d = parse(e);\n"
        "\t\tif (!d) return;\n"
        "\t\tpath = d.path;\n"
        "\t\tif (etag === null && typeof d.etag === \"string\") etag = d.etag;\n"
        "\t\tdelay = 1000;\n"
        "\t\tif (hidden()) stop();\n"
        "\t});\n"
        "\tes.addEventListener(\"push\", function (e) {\n"
        "\t\tvar d = parse(e);\n"
        "\t\tif (d && d.paths && d.paths.indexOf(path) >= 0) { stop(); location.reload(); }\n"
        "\t});\n"
        "\tes.onerror = function () {\n"
        "\t\tstop();\n"
        "\t\tif (hidden()) return;\n"
        "\t\ttimer = setTimeout(start, delay / 2 + Math.random() * delay);\n"
        "\t\tdelay = Math.min(delay * 2, 300000);\n"
        "\t};\n"
        "}\n"
        "document.addEventListener(\"visibilitychange\", function () {\n"
        "\tif (hidden()) stop(); else if (!es && !timer) start();\n"
        "});\n"
        "window.addEventListener(\"pagehide\", stop);\n"
        "window.addEventListener(\"pageshow\", function (e) {\n"
        "\tif (e.persisted && !es && !timer) start();\n"
        "});\n"
        "start();\n"
        "})();\n";

struct slice
livejs_source(void)
{
	return (struct slice){(const uint8_t *)livejs_text, sizeof(livejs_text) - 1};
}
