/*
 * genvault: writes a deterministic Obsidian-style vault for tests and benchmarks.
 *
 *   genvault --out DIR [--notes N] [--shape realistic|small] [--seed S] [--marker TEXT]
 *
 * realistic: nested folders, frontmatter, headings, lists, tables, code, callouts,
 *            wikilinks (plain, aliased, to headings, some missing), image embeds and a few
 *            SVG images; note sizes spread around a median of about 8 KB.
 * small:     about 500 bytes a note: frontmatter, a heading, a wikilink, a list and a
 *            code block (the shape of a common publishing-server benchmark).
 * The same arguments always produce the same bytes. --marker puts TEXT into every note
 * (tests use it to tell one push's version of a page from another's).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "shared/buf.h"

static const char *const words[] = {
        "vault",   "note",    "link",   "graph",   "index",  "render",  "push",    "front",
        "page",    "cache",   "garden", "river",   "stone",  "light",   "paper",   "signal",
        "engine",  "library", "harbor", "meadow",  "copper", "lantern", "orbit",   "thread",
        "canvas",  "echo",    "summit", "ember",   "atlas",  "prism",   "willow",  "quartz",
        "delta",   "pilot",   "ledger", "compass", "mosaic", "beacon",  "circuit", "horizon",
        "journal", "kernel",  "marble", "nectar",  "oasis",  "pixel",   "quiver",  "rhythm",
        "sketch",  "tundra"};
static const char *const folders[] = {"Projects", "Areas",    "Resources", "Archive",
                                      "Journal",  "Research", "Reading",   "Meetings"};
static const char *const subfolders[] = {"Alpha", "Beta", "Gamma", "Notes",
                                         "Ideas", "2024", "2025",  "Drafts"};
static const char *const langs[] = {"c", "python", "bash", "json", "go", "rust"};
static const char *const callouts[] = {"note", "tip", "warning", "info", "example", "quote"};

struct gen {
	uint64_t state;
	const char *out;
	const char *marker;
	unsigned notes;
	bool small;
	struct buf b;
};

static uint64_t
rnd(struct gen *g)
{
	/* splitmix64: tiny, fast and fully determined by the seed */
	uint64_t z = (g->state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned
pick(struct gen *g, unsigned n)
{
	return (unsigned)(rnd(g) % n);
}

static const char *
word(struct gen *g)
{
	return words[pick(g, sizeof(words) / sizeof(words[0]))];
}

/* The vault path of note i (without .md): deterministic from i alone. */
static void
note_path(unsigned i, bool small, char *out, size_t n)
{
	const char *w1 = words[(i * 7u) % 50], *w2 = words[(i * 13u + 5) % 50];
	if (small) {
		snprintf(out, n, "notes/%s %s %u", w1, w2, i);
		return;
	}
	const char *f = folders[i % 8];
	const char *s = subfolders[(i / 8) % 8];
	if (i % 5 == 0)
		snprintf(out, n, "%s/%s %s %u", f, w1, w2, i);
	else
		snprintf(out, n, "%s/%s/%s %s %u", f, s, w1, w2, i);
}

static void
note_title(unsigned i, bool small, char *out, size_t n)
{
	char path[256];
	note_path(i, small, path, sizeof(path));
	const char *slash = strrchr(path, '/');
	snprintf(out, n, "%s", slash ? slash + 1 : path);
}

static void
sentence(struct gen *g, unsigned nwords)
{
	for (unsigned w = 0; w < nwords; w++) {
		const char *x = word(g);
		if (w == 0) {
			buf_putc(&g->b, (char)(x[0] - 32));
			buf_puts(&g->b, x + 1);
		} else {
			buf_putc(&g->b, ' ');
			unsigned r = pick(g, 40);
			if (r == 0)
				buf_printf(&g->b, "**%s**", x);
			else if (r == 1)
				buf_printf(&g->b, "*%s*", x);
			else if (r == 2)
				buf_printf(&g->b, "`%s`", x);
			else
				buf_puts(&g->b, x);
		}
	}
	buf_puts(&g->b, ". ");
}

static void
wikilink(struct gen *g, unsigned self)
{
	unsigned t = pick(g, g->notes);
	char title[256];
	note_title(t == self ? (t + 1) % g->notes : t, g->small, title, sizeof(title));
	switch (pick(g, 6)) {
	case 0:
		buf_printf(&g->b, "[[%s|%s %s]]", title, word(g), word(g));
		break;
	case 1:
		buf_printf(&g->b, "[[%s#Overview]]", title);
		break;
	case 2:
		buf_printf(&g->b, "[[Missing %s %u]]", word(g), pick(g, 1000));
		break;
	default:
		buf_printf(&g->b, "[[%s]]", title);
	}
}

static void
paragraph(struct gen *g, unsigned self)
{
	unsigned n = 2 + pick(g, 4);
	for (unsigned s = 0; s < n; s++) {
		sentence(g, 6 + pick(g, 12));
		if (pick(g, 3) == 0) {
			wikilink(g, self);
			buf_puts(&g->b, " ");
		}
	}
	buf_puts(&g->b, "\n\n");
}

static void
frontmatter(struct gen *g, unsigned i)
{
	char title[256];
	note_title(i, g->small, title, sizeof(title));
	buf_printf(&g->b, "---\ntitle: \"%s\"\ntags: [%s, %s/%s]\n", title, word(g), word(g),
	           word(g));
	if (!g->small) {
		buf_printf(&g->b,
		           "aliases: [\"%s %u\"]\ndescription: \"A note about %s and %s.\"\n",
		           word(g), i, word(g), word(g));
		buf_printf(&g->b, "date: 2025-%02u-%02u\n", 1 + pick(g, 12), 1 + pick(g, 28));
	}
	buf_puts(&g->b, "---\n\n");
}

static void
small_note(struct gen *g, unsigned i)
{
	frontmatter(g, i);
	buf_printf(&g->b, "# Note %u\n\n", i);
	sentence(g, 12);
	sentence(g, 10);
	sentence(g, 14);
	buf_puts(&g->b, "See ");
	wikilink(g, i);
	buf_puts(&g->b, ".\n\n");
	for (int k = 0; k < 3; k++)
		buf_printf(&g->b, "- %s %s %s\n", word(g), word(g), word(g));
	buf_printf(&g->b, "\n```%s\nlet %s = %s(%u);\nprint(%s);\n```\n", langs[pick(g, 6)],
	           word(g), word(g), pick(g, 100), word(g));
}

static void
realistic_note(struct gen *g, unsigned i)
{
	frontmatter(g, i);
	/* Sizes spread around a median of about 8 KB: 6 to 38 sections of ~400 bytes. */
	unsigned sections = 6 + pick(g, 17) + pick(g, 17);
	buf_puts(&g->b, "## Overview\n\n");
	paragraph(g, i);
	for (unsigned s = 0; s < sections; s++) {
		buf_printf(&g->b, "## %s %s %u\n\n", word(g), word(g), s);
		switch (pick(g, 7)) {
		case 0:
			for (unsigned k = 0, n = 3 + pick(g, 5); k < n; k++) {
				buf_puts(&g->b, pick(g, 4) ? "- " : "- [ ] ");
				sentence(g, 4 + pick(g, 6));
				buf_puts(&g->b, "\n");
			}
			buf_puts(&g->b, "\n");
			break;
		case 1:
			buf_puts(&g->b, "| Name | Value | Notes |\n|---|---:|---|\n");
			for (unsigned k = 0, n = 3 + pick(g, 6); k < n; k++)
				buf_printf(&g->b, "| %s | %u | %s %s |\n", word(g), pick(g, 10000),
				           word(g), word(g));
			buf_puts(&g->b, "\n");
			break;
		case 2:
			buf_printf(&g->b, "```%s\n", langs[pick(g, 6)]);
			for (unsigned k = 0, n = 4 + pick(g, 10); k < n; k++)
				buf_printf(&g->b, "%s(%s, %u);\n", word(g), word(g), pick(g, 512));
			buf_puts(&g->b, "```\n\n");
			break;
		case 3:
			buf_printf(&g->b, "> [!%s] %s %s\n> ", callouts[pick(g, 6)], word(g),
			           word(g));
			sentence(g, 10 + pick(g, 10));
			buf_puts(&g->b, "\n\n");
			break;
		case 4:
			buf_printf(&g->b, "![[img/figure-%u.svg]]\n\n", pick(g, 20));
			paragraph(g, i);
			break;
		default:
			paragraph(g, i);
			paragraph(g, i);
		}
	}
	if (g->marker)
		buf_printf(&g->b, "Version marker: %s\n", g->marker);
}

static int
mkdirs(const char *path)
{
	char tmp[1024];
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

static int
write_file(const char *path, const void *p, size_t n)
{
	if (mkdirs(path) < 0)
		return -1;
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t w = fwrite(p, 1, n, f);
	return fclose(f) == 0 && w == n ? 0 : -1;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: genvault --out DIR [--notes N] [--shape realistic|small] [--seed S] "
	           "[--marker TEXT]\n"
	           "Writes a deterministic markdown vault for folio's tests and benchmarks.\n");
}

int
main(int argc, char **argv)
{
	struct gen g = {.state = 1, .notes = 1000};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--out") && v) {
			g.out = v;
		} else if (!strcmp(a, "--notes") && v) {
			g.notes = (unsigned)strtoul(v, NULL, 10);
		} else if (!strcmp(a, "--seed") && v) {
			g.state = strtoull(v, NULL, 10);
		} else if (!strcmp(a, "--marker") && v) {
			g.marker = v;
		} else if (!strcmp(a, "--shape") && v) {
			if (strcmp(v, "small") && strcmp(v, "realistic")) {
				fprintf(stderr, "genvault: --shape is realistic or small\n");
				return 2;
			}
			g.small = !strcmp(v, "small");
		} else {
			usage(stderr);
			return 2;
		}
		i++;
	}
	if (!g.out || g.notes == 0) {
		usage(stderr);
		return 2;
	}
	buf_init(&g.b, 0);
	char path[2048], rel[256];
	uint64_t bytes = 0;
	for (unsigned i = 0; i < g.notes; i++) {
		buf_reset(&g.b);
		if (g.small)
			small_note(&g, i);
		else
			realistic_note(&g, i);
		if (g.small && g.marker)
			buf_printf(&g.b, "\nVersion marker: %s\n", g.marker);
		note_path(i, g.small, rel, sizeof(rel));
		snprintf(path, sizeof(path), "%s/%s.md", g.out, rel);
		if (g.b.err || write_file(path, g.b.ptr, g.b.len) < 0) {
			fprintf(stderr, "genvault: %s: %s\n", path, strerror(errno));
			return 1;
		}
		bytes += g.b.len;
	}
	if (!g.small) {
		for (unsigned k = 0; k < 20; k++) {
			buf_reset(&g.b);
			buf_printf(&g.b,
			           "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"320\" "
			           "height=\"120\">"
			           "<rect width=\"320\" height=\"120\" fill=\"hsl(%u,60%%,55%%)\"/>"
			           "<text x=\"20\" y=\"70\" font-size=\"32\" fill=\"#fff\">figure "
			           "%u</text>"
			           "</svg>\n",
			           k * 18, k);
			snprintf(path, sizeof(path), "%s/img/figure-%u.svg", g.out, k);
			if (write_file(path, g.b.ptr, g.b.len) < 0) {
				fprintf(stderr, "genvault: %s: %s\n", path, strerror(errno));
				return 1;
			}
		}
		buf_reset(&g.b);
		buf_puts(&g.b, "# Home\n\nA generated vault. Start at ");
		wikilink(&g, g.notes);
		buf_puts(&g.b, ".\n");
		snprintf(path, sizeof(path), "%s/index.md", g.out);
		if (write_file(path, g.b.ptr, g.b.len) < 0)
			return 1;
	}
	fprintf(stderr, "genvault: %u notes, %llu bytes of markdown in %s\n", g.notes,
	        (unsigned long long)bytes, g.out);
	buf_fini(&g.b);
	return 0;
}
