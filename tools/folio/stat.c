/*
 * stat.c: `folio stat` (contract in stat.h): the scans, the screen and the command line.
 * Each refresh is one scan of the stats sockets; the previous scan's replies are kept only
 * to turn counters into rates and histograms into windows (stat_delta.h). Signals are
 * taken synchronously between scans, so Ctrl-C never cuts a connection half-way through
 * nng's handshake (which nng 1.5 handles badly on the listening side, see statscan.c).
 */
#include "tools/folio/stat.h"
#include "tools/folio/cliconf.h"

#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "shared/config.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/statsock.h"
#include "tools/folio/stat_delta.h"
#include "tools/folio/stat_json.h"

#define STAT_WAIT_MS 300 /* how long a dashboard scan waits for answers */
/* A one-shot snapshot waits longer: it is read by scripts that want every process, and a
 * busy process (or a sanitizer build) can take more than a dashboard tick to answer. */
#define STAT_JSON_WAIT_MS 2000
#define STAT_WIDTH_MAX    400

/* ---- scanning ---------------------------------------------------------------------------- */

struct stat_scan {
	struct stat_entry *v;
	size_t n, cap;
};

static void
stat_collect(void *arg, const struct statscan_peer *peer, struct stats_snap *snap, int err)
{
	struct stat_scan *sc = arg;
	if (sc->n == sc->cap) {
		sc->cap = sc->cap ? sc->cap * 2 : 16;
		sc->v = xrealloc(sc->v, sc->cap * sizeof(*sc->v));
	}
	struct stat_entry *e = &sc->v[sc->n++];
	*e = (struct stat_entry){.peer = *peer, .err = snap ? 0 : (err ? err : ERR_PROTO)};
	if (snap)
		stats_snap_move(&e->snap, snap);
}

/* Orders entries by kind, then name ("frontd.2" before "frontd.10"), then pid. */
static int
stat_cmp(const void *a, const void *b)
{
	const struct stat_entry *x = a, *y = b;
	int c = strcmp(x->peer.kind, y->peer.kind);
	if (c)
		return c;
	if (!x->err && !y->err) {
		char nx[STATSOCK_NAME_MAX], ny[STATSOCK_NAME_MAX];
		snprintf(nx, sizeof(nx), "%.*s", (int)x->snap.name.len,
		         (const char *)x->snap.name.ptr);
		snprintf(ny, sizeof(ny), "%.*s", (int)y->snap.name.len,
		         (const char *)y->snap.name.ptr);
		c = strverscmp(nx, ny);
		if (c)
			return c;
	}
	return x->peer.pid < y->peer.pid ? -1 : x->peer.pid > y->peer.pid;
}

static void
stat_sort(struct stat_scan *sc)
{
	if (sc->n > 1)
		qsort(sc->v, sc->n, sizeof(*sc->v), stat_cmp);
}

static void
stat_scan_free(struct stat_scan *sc)
{
	for (size_t i = 0; i < sc->n; i++)
		stats_snap_fini(&sc->v[i].snap);
	free(sc->v);
	*sc = (struct stat_scan){0};
}

/* ---- the table --------------------------------------------------------------------------- */

struct stat_opts {
	char dir[4096];   /* DATA/run/stats */
	const char *data; /* as given, for the header */
	bool json;
	int64_t interval_ms;
	long count; /* refreshes before exiting; 0: until a signal */
	bool tty;
};

static const char *
fmt_num(char *b, size_t cap, double v)
{
	if (v < 0)
		snprintf(b, cap, "-");
	else if (v >= 1e7)
		snprintf(b, cap, "%.1fM", v / 1e6);
	else if (v >= 1e5)
		snprintf(b, cap, "%.0fk", v / 1e3);
	else if (v >= 100 || v == 0)
		snprintf(b, cap, "%.0f", v);
	else
		snprintf(b, cap, "%.1f", v);
	return b;
}

static const char *
fmt_bytes(char *b, size_t cap, double v)
{
	static const char units[] = "BKMGT";
	int u = 0;
	if (v < 0) {
		snprintf(b, cap, "-");
		return b;
	}
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(b, cap, u ? "%.1f%c" : "%.0f%c", v, units[u]);
	return b;
}

/* A duration given in microseconds. */
static const char *
fmt_us(char *b, size_t cap, double us, bool known)
{
	if (!known)
		snprintf(b, cap, "-");
	else if (us < 1000)
		snprintf(b, cap, "%.0fus", us);
	else if (us < 1e6)
		snprintf(b, cap, "%.1fms", us / 1e3);
	else
		snprintf(b, cap, "%.2fs", us / 1e6);
	return b;
}

static const char *
fmt_uptime(char *b, size_t cap, int64_t us)
{
	int64_t s = us > 0 ? us / 1000000 : 0;
	if (s < 60)
		snprintf(b, cap, "%" PRId64 "s", s);
	else if (s < 3600)
		snprintf(b, cap, "%" PRId64 "m%02" PRId64 "s", s / 60, s % 60);
	else if (s < 86400)
		snprintf(b, cap, "%" PRId64 "h%02" PRId64 "m", s / 3600, s % 3600 / 60);
	else
		snprintf(b, cap, "%" PRId64 "d%02" PRId64 "h", s / 86400, s % 86400 / 3600);
	return b;
}

static uint64_t
val(const struct stats_snap *s, const char *name, bool *found)
{
	const struct stats_metric *m = stats_find(s, name);
	if (found)
		*found = m != NULL;
	return m ? m->value : 0;
}

/* The sum of rates of counters names[], or -1 when one is unknown. */
static double
rates(const struct stats_snap *prev, const struct stats_snap *cur, const char *const *names)
{
	double sum = 0;
	for (; *names; names++) {
		double r = stat_delta_rate(prev, cur, *names);
		if (r < 0)
			return -1;
		sum += r;
	}
	return sum;
}

/* The previous scan's reply from the same run of cur's process, or NULL. */
static const struct stats_snap *
find_prev(const struct stat_scan *prev, const struct stats_snap *cur)
{
	for (size_t i = 0; i < prev->n; i++)
		if (!prev->v[i].err && stats_same_run(&prev->v[i].snap, cur))
			return &prev->v[i].snap;
	return NULL;
}

static void
line_name(struct buf *o, const struct stat_entry *e)
{
	if (e->err)
		buf_printf(o, "%-14.14s %7" PRId64 "  ", e->peer.kind, e->peer.pid);
	else
		buf_printf(o, "%-14.*s %7" PRId64 "  ", (int)MIN(e->snap.name.len, 14),
		           (const char *)e->snap.name.ptr, e->snap.pid);
}

static void
line_window(struct buf *o, const struct stat_window *w, bool have)
{
	char a[16], b[16], c[16], d[16];
	bool k = have && w->count > 0;
	buf_printf(o, " %7s %7s %7s %7s", fmt_us(a, sizeof(a), w->p50, k),
	           fmt_us(b, sizeof(b), w->p90, k), fmt_us(c, sizeof(c), w->p99, k),
	           fmt_us(d, sizeof(d), (double)w->max, k));
}

static void
section_fronts(struct buf *o, const struct stat_scan *cur, const struct stat_scan *prev)
{
	static const char *const req[] = {"req_total", NULL};
	static const char *const err[] = {"resp_4xx", "resp_5xx", NULL};
	static const char *const out[] = {"bytes_out", NULL};
	char a[16], b[16], c[16], u[16];
	struct stat_window total = {0};
	double t_req = 0, t_out = 0, t_err = 0;
	bool t_known = false; /* some front has rates (it was seen last time too) */
	uint64_t t_conns = 0, t_pend = 0, t_drop = 0;
	int n = 0;
	buf_puts(o,
	         "FRONTS             PID  UPTIME     REQ/S   OUT/S  ERR/S     P50     P90     P99"
	         "     MAX  CONNS    GEN  PEND   DROP\n");
	for (size_t i = 0; i < cur->n; i++) {
		const struct stat_entry *e = &cur->v[i];
		if (strcmp(e->peer.kind, "frontd") != 0)
			continue;
		line_name(o, e);
		if (e->err) {
			buf_printf(o, "(%s)\n",
			           e->err == ERR_AGAIN ? "not answering" : err_str(e->err));
			continue;
		}
		const struct stats_snap *s = &e->snap, *p = find_prev(prev, s);
		struct stat_window w = {0};
		bool hw = stat_delta_window(p, s, "latency_us", &w);
		double r = rates(p, s, req), by = rates(p, s, out), er = rates(p, s, err);
		bool has_views;
		uint64_t pend = val(s, "view_batches_pending", &has_views);
		uint64_t drop = val(s, "views_dropped", NULL);
		buf_printf(o, "%6s %9s %7s %6s", fmt_uptime(u, sizeof(u), s->now_us - s->start_us),
		           fmt_num(a, sizeof(a), r), fmt_bytes(b, sizeof(b), by),
		           fmt_num(c, sizeof(c), er));
		line_window(o, &w, hw);
		buf_printf(o, " %6" PRIu64 " %6" PRIu64, val(s, "conns_open", NULL),
		           val(s, "gen_seen", NULL));
		if (has_views)
			buf_printf(o, " %5" PRIu64 " %6" PRIu64 "\n", pend, drop);
		else
			buf_puts(o, "     -      -\n");
		n++;
		t_known |= r >= 0;
		t_req += r > 0 ? r : 0;
		t_out += by > 0 ? by : 0;
		t_err += er > 0 ? er : 0;
		t_conns += val(s, "conns_open", NULL);
		t_pend += pend;
		t_drop += drop;
		if (hw)
			stat_delta_add(&total, &w);
	}
	if (n == 0) {
		buf_puts(o, "(no front running)\n");
		return;
	}
	buf_printf(o, "%-14s %7d  %6s %9s %7s %6s", "total", n, "",
	           fmt_num(a, sizeof(a), t_known ? t_req : -1),
	           fmt_bytes(b, sizeof(b), t_known ? t_out : -1),
	           fmt_num(c, sizeof(c), t_known ? t_err : -1));
	line_window(o, &total, true);
	buf_printf(o, " %6" PRIu64 " %6s %5" PRIu64 " %6" PRIu64 "\n", t_conns, "", t_pend, t_drop);
}

static void
section_ingestd(struct buf *o, const struct stat_scan *cur, const struct stat_scan *prev)
{
	static const char *const ok[] = {"pushes_accepted", NULL};
	static const char *const bad[] = {"pushes_rejected", NULL};
	static const char *const views[] = {"views_stored", NULL};
	char a[16], b[16], c[16], d[16], u[16], v[16];
	buf_puts(o,
	         "INGESTD            PID  UPTIME   PUSHES/S  REJ/S     P50     P90     P99     MAX"
	         "    GEN  MAP USED / SIZE    VIEWS/S\n");
	int n = 0;
	for (size_t i = 0; i < cur->n; i++) {
		const struct stat_entry *e = &cur->v[i];
		if (strcmp(e->peer.kind, "ingestd") != 0)
			continue;
		n++;
		line_name(o, e);
		if (e->err) {
			buf_printf(o, "(%s)\n",
			           e->err == ERR_AGAIN ? "not answering (busy?)" : err_str(e->err));
			continue;
		}
		const struct stats_snap *s = &e->snap, *p = find_prev(prev, s);
		struct stat_window w = {0};
		bool hw = stat_delta_window(p, s, "push_latency_us", &w);
		buf_printf(o, "%6s %10s %6s", fmt_uptime(u, sizeof(u), s->now_us - s->start_us),
		           fmt_num(a, sizeof(a), rates(p, s, ok)),
		           fmt_num(b, sizeof(b), rates(p, s, bad)));
		line_window(o, &w, hw);
		buf_printf(o, " %6" PRIu64 "  %7s / %-7s %8s\n", val(s, "generation", NULL),
		           fmt_bytes(c, sizeof(c), (double)val(s, "map_used", NULL)),
		           fmt_bytes(d, sizeof(d), (double)val(s, "map_size", NULL)),
		           stats_find(s, "views_stored") ? fmt_num(v, sizeof(v), rates(p, s, views))
		                                         : "-");
	}
	if (n == 0)
		buf_puts(o, "(ingestd is not running: fronts keep serving the last pages)\n");
}

static void
section_serve(struct buf *o, const struct stat_scan *cur)
{
	char u[16];
	bool header = false;
	for (size_t i = 0; i < cur->n; i++) {
		const struct stat_entry *e = &cur->v[i];
		if (strcmp(e->peer.kind, "serve") != 0)
			continue;
		if (!header)
			buf_puts(o, "SUPERVISOR         PID  UPTIME  CHILDREN  RUNNING  RESTARTS  "
			            "DOWN\n");
		header = true;
		line_name(o, e);
		if (e->err) {
			buf_printf(o, "(%s)\n",
			           e->err == ERR_AGAIN ? "not answering" : err_str(e->err));
			continue;
		}
		const struct stats_snap *s = &e->snap;
		buf_printf(o, "%6s  %8" PRIu64 "  %7" PRIu64 "  %8" PRIu64 " ",
		           fmt_uptime(u, sizeof(u), s->now_us - s->start_us),
		           val(s, "children", NULL), val(s, "children_running", NULL),
		           val(s, "children_restarted", NULL));
		int down = 0;
		for (size_t m = 0; m < s->nm; m++) {
			const struct stats_metric *x = &s->m[m];
			if (slice_eq_str(x->name, "child_up") && x->value == 0 && x->nlabels) {
				buf_printf(o, " %.*s", (int)x->label_value[0].len,
				           (const char *)x->label_value[0].ptr);
				down++;
			}
		}
		buf_puts(o, down ? "\n" : " -\n");
	}
}

/* Other kinds (a newer build's processes): named, nothing more. */
static void
section_other(struct buf *o, const struct stat_scan *cur)
{
	for (size_t i = 0; i < cur->n; i++) {
		const struct stat_entry *e = &cur->v[i];
		const char *k = e->peer.kind;
		if (strcmp(k, "frontd") && strcmp(k, "ingestd") && strcmp(k, "serve")) {
			line_name(o, e);
			buf_printf(o, "(%s process)\n", k);
		}
	}
}

/* Writes one screen: the header, then a section per kind of process. */
static void
stat_frame(struct buf *o, const struct stat_opts *opt, const struct stat_scan *cur,
           const struct stat_scan *prev, int scanned)
{
	time_t now = time(NULL);
	struct tm tm;
	char when[32];
	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	buf_printf(o, "folio stat   %s   %s   %zu process%s   every %.1fs%s\n\n", opt->data, when,
	           cur->n, cur->n == 1 ? "" : "es", (double)opt->interval_ms / 1000,
	           opt->tty ? ", Ctrl-C quits" : "");
	if (scanned == ERR_NOTFOUND) {
		buf_printf(o, "no folio process has run in %s yet (no %s)\n", opt->data, opt->dir);
		return;
	}
	section_fronts(o, cur, prev);
	buf_putc(o, '\n');
	section_ingestd(o, cur, prev);
	buf_putc(o, '\n');
	section_serve(o, cur);
	section_other(o, cur);
}

/* Writes o to stdout; on a terminal, over the previous screen and cut to its width. */
static void
stat_show(struct buf *o, bool tty)
{
	if (!tty) {
		fwrite(o->ptr, 1, o->len, stdout);
		fputc('\n', stdout);
		fflush(stdout);
		return;
	}
	struct winsize ws;
	size_t width = ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col ? ws.ws_col : 200;
	width = MIN(width, STAT_WIDTH_MAX);
	fputs("\033[H", stdout);
	const char *p = (const char *)o->ptr, *end = p + o->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		fwrite(p, 1, MIN(len, width), stdout);
		fputs("\033[K\n", stdout);
		p += len + (nl ? 1 : 0);
	}
	fputs("\033[J", stdout);
	fflush(stdout);
}

/* Waits ms for a stop signal; returns it, or 0. */
static int
stat_sleep(const sigset_t *set, int64_t ms)
{
	if (ms <= 0)
		return 0;
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
	int sig = sigtimedwait(set, NULL, &ts);
	return sig > 0 ? sig : 0;
}

static int
stat_run(const struct stat_opts *opt)
{
	struct stat_scan cur = {0}, prev = {0};
	struct buf o;
	buf_init(&o, 0);
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	/* Signals wait for the end of a scan: no connection is cut during a handshake. */
	sigprocmask(SIG_BLOCK, &set, &old);
	if (opt->tty)
		fputs("\033[?25l\033[H\033[2J", stdout); /* hide the cursor, clear */
	int rc = 0;
	for (long i = 0; opt->count == 0 || i < opt->count; i++) {
		int64_t t0 = stats_mono_us();
		int scanned = statscan_run(opt->dir, 0, STAT_WAIT_MS, stat_collect, &cur);
		stat_sort(&cur);
		buf_reset(&o);
		stat_frame(&o, opt, &cur, &prev, scanned);
		stat_show(&o, opt->tty);
		stat_scan_free(&prev);
		prev = cur;
		cur = (struct stat_scan){0};
		if (opt->count && i + 1 == opt->count)
			break;
		int64_t left = opt->interval_ms - (stats_mono_us() - t0) / 1000;
		if (stat_sleep(&set, left))
			break;
	}
	if (opt->tty)
		fputs("\033[?25h", stdout);
	fflush(stdout);
	stat_scan_free(&prev);
	buf_fini(&o);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}

/* One snapshot as JSON. Exits 1 (after printing) when no process answered. */
static int
stat_json_once(const struct stat_opts *opt)
{
	struct stat_scan sc = {0};
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, &old);
	int scanned = statscan_run(opt->dir, 0, STAT_JSON_WAIT_MS, stat_collect, &sc);
	sigprocmask(SIG_SETMASK, &old, NULL);
	stat_sort(&sc);
	struct buf o;
	buf_init(&o, 0);
	stat_json(&o, opt->data, sc.v, sc.n, stats_wall_us());
	fwrite(o.ptr, 1, o.len, stdout);
	fflush(stdout);
	size_t answered = 0;
	for (size_t i = 0; i < sc.n; i++)
		answered += sc.v[i].err == 0;
	if (scanned == ERR_NOTFOUND)
		fprintf(stderr, "folio stat: no folio process has run in %s yet\n", opt->data);
	else if (!answered)
		fprintf(stderr, "folio stat: no process answered in %s\n", opt->dir);
	buf_fini(&o);
	stat_scan_free(&sc);
	return answered ? 0 : 1;
}

/* ---- command line ------------------------------------------------------------------------ */

void
stat_usage(FILE *out)
{
	fprintf(out,
	        "usage: folio stat [--data DIR] [-c folio.conf] [--json] [--interval S] [--count "
	        "N]\n"
	        "\n"
	        "Shows every folio process of a data folder live: one row per process with its\n"
	        "rates, latency percentiles (over the last interval) and state, and totals over\n"
	        "the fronts. Processes that stop disappear, new ones appear; a restarted process\n"
	        "starts its rates over. It reads the stats sockets in DATA/run/stats, so it needs\n"
	        "to run as the user the daemons run as.\n"
	        "\n"
	        "options:\n"
	        "  --data DIR       data folder (default: data_dir of the config, ./var)\n"
	        "  -c, --config F   read data_dir from folio.conf\n"
	        "  --json           print one snapshot of every process as JSON and exit\n"
	        "  --interval S     seconds between refreshes (default 1; 0.1 to 3600)\n"
	        "  --count N        stop after N refreshes (default: until Ctrl-C)\n"
	        "  -h, --help       show this help\n");
}

int
stat_main(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"data", required_argument, NULL, 'd'},
	        {"config", required_argument, NULL, 'c'},
	        {"json", no_argument, NULL, 'j'},
	        {"interval", required_argument, NULL, 'i'},
	        {"count", required_argument, NULL, 'n'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	struct stat_opts opt = {.interval_ms = 1000};
	const char *data = NULL, *conf = NULL;
	char *end;
	int c, rc = 2;
	double secs;
	struct config cfg;

	config_init(&cfg);
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			data = optarg;
			break;
		case 'c':
			conf = optarg;
			break;
		case 'j':
			opt.json = true;
			break;
		case 'i':
			secs = strtod(optarg, &end);
			if (end == optarg || *end || !(secs >= 0.1 && secs <= 3600)) {
				fprintf(stderr,
				        "folio stat: --interval wants 0.1 to 3600 seconds\n");
				goto done;
			}
			opt.interval_ms = (int64_t)(secs * 1000 + 0.5);
			break;
		case 'n':
			opt.count = strtol(optarg, &end, 10);
			if (end == optarg || *end || opt.count < 1) {
				fprintf(stderr, "folio stat: --count wants a positive number\n");
				goto done;
			}
			break;
		case 'h':
			stat_usage(stdout);
			rc = 0;
			goto done;
		default:
			fprintf(stderr, "see: folio help stat\n");
			goto done;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "folio stat: unexpected argument %s\nsee: folio help stat\n",
		        argv[optind]);
		goto done;
	}
	if (cliconf_load(&cfg, "stat", conf, data) != 0)
		goto done;
	if (config_path(&cfg, STATSOCK_DIR, opt.dir, sizeof(opt.dir)) != 0) {
		fprintf(stderr, "folio stat: data folder path too long\n");
		goto done;
	}
	opt.data = cfg.data_dir;
	opt.tty = isatty(STDOUT_FILENO);
	rc = opt.json ? stat_json_once(&opt) : stat_run(&opt);
done:
	config_fini(&cfg);
	return rc;
}
