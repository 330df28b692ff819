/*
 * statsprom.c: Prometheus text exposition (contract in statsprom.h). Names and label
 * values come from other processes' replies, so every byte is sanitised or escaped: an
 * odd reply can make odd metrics, never a malformed exposition.
 */
#include "shared/statsprom.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "shared/defs.h"

#define STATSPROM_NAME_MAX 160

enum statsprom_type { FAM_COUNTER, FAM_GAUGE, FAM_HISTOGRAM };

struct statsprom_fam {
	char name[STATSPROM_NAME_MAX];
	enum statsprom_type type;
	struct slice help;
	bool micro; /* microseconds shown as seconds */
};

struct statsprom_fams {
	struct statsprom_fam *v;
	size_t n, cap;
};

static bool
ends_with(struct slice s, const char *suffix)
{
	size_t n = strlen(suffix);
	return s.len >= n && memcmp(s.ptr + s.len - n, suffix, n) == 0;
}

/* Appends s to out[*len], mapping anything outside [a-zA-Z0-9_] to '_'. */
static void
put_name(char *out, size_t *len, struct slice s)
{
	for (size_t i = 0; i < s.len && *len + 1 < STATSPROM_NAME_MAX; i++) {
		uint8_t ch = s.ptr[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		          (ch >= '0' && ch <= '9') || ch == '_';
		out[(*len)++] = ok ? (char)ch : '_';
	}
	out[*len] = '\0';
}

/* The family name of metric (or histogram) name of a process of kind proc. */
static void
fam_name(char *out, int proc, struct slice name, enum statsprom_type type, bool micro)
{
	size_t len = 0;
	const char *kind = stats_proc_name(proc);
	char other[24];
	if (!kind) {
		snprintf(other, sizeof(other), "proc%d", proc);
		kind = other;
	}
	put_name(out, &len, SLICE_LIT("folio_"));
	put_name(out, &len, slice_str(kind));
	put_name(out, &len, SLICE_LIT("_"));
	if (micro && ends_with(name, "_us"))
		name.len -= 3;
	put_name(out, &len, name);
	if (micro)
		put_name(out, &len, SLICE_LIT("_seconds"));
	if (type == FAM_COUNTER && !ends_with(slice_str(out), "_total"))
		put_name(out, &len, SLICE_LIT("_total"));
}

/* The index of the family called name, added (with type and help) if new. */
static size_t
fam_find(struct statsprom_fams *f, const char *name, enum statsprom_type type, struct slice help,
         bool micro)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->v[i].name, name) == 0)
			return i;
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 64;
		f->v = xrealloc(f->v, f->cap * sizeof(*f->v));
	}
	struct statsprom_fam *x = &f->v[f->n];
	snprintf(x->name, sizeof(x->name), "%s", name);
	x->type = type;
	x->help = help;
	x->micro = micro;
	return f->n++;
}

/* HELP text: backslash and newline escaped. */
static void
put_help(struct buf *out, struct slice s)
{
	for (size_t i = 0; i < s.len; i++) {
		uint8_t ch = s.ptr[i];
		if (ch == '\\')
			buf_puts(out, "\\\\");
		else if (ch == '\n')
			buf_puts(out, "\\n");
		else
			buf_putc(out, (char)ch);
	}
}

/* A label value: backslash, double quote and newline escaped. */
static void
put_label_value(struct buf *out, struct slice s)
{
	for (size_t i = 0; i < s.len; i++) {
		uint8_t ch = s.ptr[i];
		if (ch == '\\' || ch == '"') {
			buf_putc(out, '\\');
			buf_putc(out, (char)ch);
		} else if (ch == '\n') {
			buf_puts(out, "\\n");
		} else {
			buf_putc(out, (char)ch);
		}
	}
}

/* A label name from a peer: kept only if valid and not one of the labels added here. */
static bool
label_ok(struct slice s)
{
	if (s.len == 0 || s.len > 64 || (s.ptr[0] >= '0' && s.ptr[0] <= '9') ||
	    (s.len >= 2 && s.ptr[0] == '_' && s.ptr[1] == '_'))
		return false;
	for (size_t i = 0; i < s.len; i++) {
		uint8_t ch = s.ptr[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_'))
			return false;
	}
	return !slice_eq_str(s, "process") && !slice_eq_str(s, "kind") && !slice_eq_str(s, "pid") &&
	       !slice_eq_str(s, "le");
}

/* {process="..",kind="..",pid="..", extra labels of m (may be NULL)[, le=".."] */
static void
put_labels(struct buf *out, const struct stats_snap *s, const struct stats_metric *m, bool close)
{
	const char *kind = stats_proc_name(s->proc);
	buf_puts(out, "{process=\"");
	put_label_value(out, s->name);
	buf_printf(out, "\",kind=\"%s\",pid=\"%" PRId64 "\"", kind ? kind : "unknown", s->pid);
	for (unsigned i = 0; m && i < m->nlabels; i++) {
		if (!label_ok(m->label[i]))
			continue;
		buf_putc(out, ',');
		buf_put_slice(out, m->label[i]);
		buf_puts(out, "=\"");
		put_label_value(out, m->label_value[i]);
		buf_putc(out, '"');
	}
	if (close)
		buf_putc(out, '}');
}

/* v, or v microseconds written as exact decimal seconds. */
static void
put_value(struct buf *out, uint64_t v, bool micro)
{
	if (micro)
		buf_printf(out, "%" PRIu64 ".%06" PRIu64, v / 1000000, v % 1000000);
	else
		buf_printf(out, "%" PRIu64, v);
}

static void
put_hist(struct buf *out, const struct statsprom_fam *f, const struct stats_snap *s,
         const struct stats_histo *h)
{
	uint64_t cum = 0;
	for (unsigned b = 0; b < h->nb; b++) {
		cum += h->count[b];
		buf_puts(out, f->name);
		buf_puts(out, "_bucket");
		put_labels(out, s, NULL, false);
		buf_puts(out, ",le=\"");
		if (b + 1 == h->nb)
			buf_puts(out, "+Inf");
		else
			put_value(out, h->bound[b], f->micro);
		buf_printf(out, "\"} %" PRIu64 "\n", cum);
	}
	buf_puts(out, f->name);
	buf_puts(out, "_sum");
	put_labels(out, s, NULL, true);
	buf_putc(out, ' ');
	put_value(out, h->sum, f->micro);
	buf_putc(out, '\n');
	buf_puts(out, f->name);
	buf_puts(out, "_count");
	put_labels(out, s, NULL, true);
	buf_printf(out, " %" PRIu64 "\n", h->total);
}

void
statsprom_write(struct buf *out, const struct stats_snap *snaps, size_t n)
{
	struct statsprom_fams fams = {0};
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += snaps[i].nm + snaps[i].nh;
	/* Family of each metric, then each histogram, of each snapshot, in order. */
	size_t *fam_of = xcalloc(total ? total : 1, sizeof(*fam_of));
	size_t k = 0;
	char name[STATSPROM_NAME_MAX];
	for (size_t i = 0; i < n; i++) {
		const struct stats_snap *s = &snaps[i];
		for (size_t j = 0; j < s->nm; j++, k++) {
			const struct stats_metric *m = &s->m[j];
			enum statsprom_type t = m->kind == STATS_GAUGE ? FAM_GAUGE : FAM_COUNTER;
			bool micro = ends_with(m->name, "_us");
			fam_name(name, s->proc, m->name, t, micro);
			fam_of[k] = fam_find(&fams, name, t, m->doc, micro);
		}
		for (size_t j = 0; j < s->nh; j++, k++) {
			const struct stats_histo *h = &s->h[j];
			bool micro = slice_eq_str(h->unit, "us");
			fam_name(name, s->proc, h->name, FAM_HISTOGRAM, micro);
			fam_of[k] = fam_find(&fams, name, FAM_HISTOGRAM, h->doc, micro);
		}
	}

	static const char *const type_names[] = {"counter", "gauge", "histogram"};
	buf_puts(out, "# HELP folio_process_start_time_seconds Start time of the process since "
	              "the unix epoch in seconds.\n"
	              "# TYPE folio_process_start_time_seconds gauge\n");
	for (size_t i = 0; i < n; i++) {
		buf_puts(out, "folio_process_start_time_seconds");
		put_labels(out, &snaps[i], NULL, true);
		buf_putc(out, ' ');
		put_value(out, (uint64_t)(snaps[i].start_us > 0 ? snaps[i].start_us : 0), true);
		buf_putc(out, '\n');
	}
	for (size_t f = 0; f < fams.n; f++) {
		const struct statsprom_fam *fam = &fams.v[f];
		buf_printf(out, "# HELP %s ", fam->name);
		put_help(out, fam->help);
		buf_printf(out, "\n# TYPE %s %s\n", fam->name, type_names[fam->type]);
		k = 0;
		for (size_t i = 0; i < n; i++) {
			const struct stats_snap *s = &snaps[i];
			for (size_t j = 0; j < s->nm; j++, k++) {
				const struct stats_metric *m = &s->m[j];
				bool gauge = m->kind == STATS_GAUGE;
				/* Another build may disagree on the type: keep the first one's. */
				if (fam_of[k] != f || gauge != (fam->type == FAM_GAUGE))
					continue;
				buf_puts(out, fam->name);
				put_labels(out, s, m, true);
				buf_putc(out, ' ');
				put_value(out, m->value, fam->micro);
				buf_putc(out, '\n');
			}
			for (size_t j = 0; j < s->nh; j++, k++)
				if (fam_of[k] == f && fam->type == FAM_HISTOGRAM)
					put_hist(out, fam, s, &s->h[j]);
		}
	}
	free(fam_of);
	free(fams.v);
}
