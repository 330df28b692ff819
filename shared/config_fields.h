/*
 * config_fields.h: every folio setting, once. Expanded by config.[ch] into the struct,
 * the parser, validation, --dump-config and the sample config's documentation.
 *
 * X(key, type, default, min, max, doc)
 *   type: STR (string), INT (integer in [min, max]), SIZE (bytes; k/M/G suffixes),
 *         BOOL (true/false/yes/no/on/off/1/0), MS (milliseconds, integer in [min, max])
 */
/* clang-format off */
CONFIG_FIELD(data_dir,          STR,  "var",              0, 0,
	"Directory holding folio.db (SQLite), pages/ (LMDB), api.key and run/ (sockets)")
CONFIG_FIELD(listen,            STR,  "127.0.0.1:8080",   0, 0,
	"frontd: address:port readers connect to; every front binds it with SO_REUSEPORT")
CONFIG_FIELD(api_listen,        STR,  "127.0.0.1:8081",   0, 0,
	"ingestd: address:port of the push API; keep it on localhost or behind TLS")
CONFIG_FIELD(api_key,           STR,  "",                 0, 0,
	"ingestd: bearer key for the push API; empty means read or create DATA/api.key")
CONFIG_FIELD(site_title,        STR,  "folio",            0, 0,
	"Site name shown in every page's header and title")
CONFIG_FIELD(home_note,         STR,  "",                 0, 0,
	"Vault path of the home page note; empty means index.md, then Home.md, then README.md")
CONFIG_FIELD(base_url,          STR,  "",                 0, 0,
	"Public URL of the site (https://notes.example.org), for canonical links; may be empty")
CONFIG_FIELD(strict_line_breaks, BOOL, "false",           0, 1,
	"Render single newlines as spaces (CommonMark) instead of line breaks (Obsidian default)")
CONFIG_FIELD(page_cache_control, STR, "public, no-cache", 0, 0,
	"Cache-Control of note pages; no-cache makes browsers revalidate so pushes show at once")
CONFIG_FIELD(asset_cache_control, STR, "public, max-age=300", 0, 0,
	"Cache-Control of vault assets (images, PDFs, ...)")
CONFIG_FIELD(gzip_level,        INT,  "6",                1, 9,
	"zlib level used once per page at push time")
CONFIG_FIELD(map_size,          SIZE, "1G",               1048576, 1099511627776,
	"LMDB map size in bytes; ingestd grows it when a push fills it")
CONFIG_FIELD(max_readers,       INT,  "1024",             16, 65536,
	"LMDB reader slots shared by all fronts and tools")
CONFIG_FIELD(max_body,          SIZE, "512M",             1024, 17179869184,
	"ingestd: largest push request body")
CONFIG_FIELD(max_file,          SIZE, "64M",              1, 4294967295,
	"ingestd: largest single file in a push")
CONFIG_FIELD(max_files,         INT,  "200000",           1, 100000000,
	"ingestd: most files (upserts plus deletes) in one push")
CONFIG_FIELD(max_conns,         INT,  "4096",             8, 1000000,
	"frontd: connections held at once; more are accepted and closed")
CONFIG_FIELD(idle_timeout_ms,   MS,   "60000",            100, 86400000,
	"frontd: close a keep-alive connection idle this long")
CONFIG_FIELD(header_timeout_ms, MS,   "10000",            100, 3600000,
	"frontd: close a connection whose request head is incomplete after this long")
CONFIG_FIELD(log_level,         STR,  "info",             0, 0,
	"err, warn, info or debug")
CONFIG_FIELD(access_log,        STR,  "",                 0, 0,
	"frontd: append one key=value line per answered request to this file (relative: under data_dir); empty means off")
CONFIG_FIELD(views_flush_ms,    MS,   "1000",             10, 3600000,
	"frontd: send the page views counted so far to ingestd this often")
CONFIG_FIELD(views_batch_max,   INT,  "1024",             1, 65536,
	"frontd: distinct pages in one view batch; a full batch is sent at once")
CONFIG_FIELD(views_max_pending, INT,  "64",               1, 4096,
	"frontd: unacknowledged view batches kept while ingestd is away; then views of new pages are dropped")
CONFIG_FIELD(views_resend_ms,   MS,   "2000",             100, 600000,
	"frontd: resend a view batch ingestd has not acknowledged after this long")
CONFIG_FIELD(live_reload,       BOOL, "true",             0, 1,
	"Live reload: pages load a small script and reload when a push changes them; fronts serve /_folio/live")
CONFIG_FIELD(live_max,          INT,  "4096",             1, 1000000,
	"frontd: live-reload streams held at once, apart from max_conns; more are answered 503")
CONFIG_FIELD(metrics_auth,      BOOL, "false",            0, 1,
	"ingestd: require the API key on GET /metrics (Prometheus: authorization in the scrape config)")
CONFIG_FIELD(katex_dir,         STR,  "/usr/share/javascript/katex", 0, 0,
	"ingestd: KaTeX to serve under /_folio/vendor/ for pages with math (Debian's libjs-katex); empty or missing means math stays TeX")
CONFIG_FIELD(mermaid_js,        STR,  "",                 0, 0,
	"ingestd: mermaid.min.js to serve under /_folio/vendor/ for pages with mermaid diagrams; empty means diagrams stay source")
/* clang-format on */
