/*
 * test_pushmsg.c: the push body contract. Round trips through the msgpack writer and the
 * JSON form (with base64), path normalisation, and every kind of bad input, each of which
 * must come back as a problem naming the file, never a crash. Bodies sit right before a
 * PROT_NONE page so an over-read faults.
 */
#include "shared/pushmsg.h"

#include <msgpack.h>

#include "shared/err.h"
#include "tests/harness.h"

static const struct push_limits lim = {.max_file = 1000, .max_files = 10};

/* Decodes a copy of body placed right before an unreadable page. */
static int
decode_guarded(const void *body, size_t n, enum pushmsg_format fmt, const struct push_limits *l,
               struct push *p, void **base, size_t *maplen)
{
	void *g = test_guarded(body, n, base, maplen);
	return pushmsg_decode((struct slice){g, n}, fmt, l, p);
}

static int
decode_json(const char *json, struct push *p, void **base, size_t *maplen)
{
	return decode_guarded(json, strlen(json), PUSHMSG_JSON, &lim, p, base, maplen);
}

/* Finds the problem recorded for path (NULL: a request-level problem). */
static const struct push_problem *
problem_for(const struct push *p, const char *path)
{
	for (size_t i = 0; i < p->nproblems; i++) {
		const char *pp = p->problems[i].path;
		if ((!path && !pp) || (path && pp && strcmp(pp, path) == 0)) {
			return &p->problems[i];
		}
	}
	return NULL;
}

static bool
has_problem_containing(const struct push *p, const char *path, const char *text)
{
	for (size_t i = 0; i < p->nproblems; i++) {
		const char *pp = p->problems[i].path;
		bool same = (!path && !pp) || (path && pp && strcmp(pp, path) == 0);
		if (same && strstr(p->problems[i].msg, text)) {
			return true;
		}
	}
	return false;
}

static void
t_msgpack_round_trip(void)
{
	struct buf out;
	struct pushmsg_writer w;
	buf_init(&out, 0);
	static const uint8_t bin[] = {0, 1, 2, 0xff, 0, 'x'};
	CHECK_INT_EQ(pushmsg_writer_begin(&w, &out, 2, 1), 0);
	CHECK_INT_EQ(pushmsg_writer_upsert(&w, "Notes/A note.md", slice_str("# A\n[[B]]\n")), 0);
	CHECK_INT_EQ(pushmsg_writer_upsert(&w, "img/x.png", (struct slice){bin, sizeof(bin)}), 0);
	CHECK_INT_EQ(pushmsg_writer_delete(&w, "old/gone.md"), 0);
	CHECK_INT_EQ(pushmsg_writer_finish(&w), 0);

	struct push p;
	void *base;
	size_t maplen;
	int rc = decode_guarded(out.ptr, out.len, PUSHMSG_MSGPACK, &lim, &p, &base, &maplen);
	CHECK_INT_EQ(rc, 0);
	CHECK_INT_EQ(p.nupserts, 2);
	CHECK_INT_EQ(p.ndeletes, 1);
	CHECK_INT_EQ(p.nproblems, 0);
	if (p.nupserts == 2 && p.ndeletes == 1) {
		CHECK_STR_EQ(p.upserts[0].path, "Notes/A note.md");
		CHECK_MEM_STR(p.upserts[0].content.ptr, p.upserts[0].content.len, "# A\n[[B]]\n");
		CHECK_STR_EQ(p.upserts[1].path, "img/x.png");
		CHECK_INT_EQ(p.upserts[1].content.len, sizeof(bin));
		CHECK(memcmp(p.upserts[1].content.ptr, bin, sizeof(bin)) == 0);
		CHECK_STR_EQ(p.deletes[0], "old/gone.md");
	}
	pushmsg_fini(&p);
	test_guarded_free(base, maplen);
	buf_fini(&out);
}

static void
t_writer_misuse(void)
{
	struct buf out;
	struct pushmsg_writer w;
	buf_init(&out, 0);
	CHECK_INT_EQ(pushmsg_writer_begin(&w, &out, 1, 1), 0);
	CHECK_INT_EQ(pushmsg_writer_upsert(&w, "a.md", slice_str("x")), 0);
	CHECK_ERR(pushmsg_writer_upsert(&w, "b.md", slice_str("y")), ERR_INVAL); /* one too many */
	CHECK_ERR(pushmsg_writer_finish(&w), ERR_INVAL); /* delete missing */
	buf_reset(&out);
	CHECK_INT_EQ(pushmsg_writer_begin(&w, &out, 2, 0), 0);
	CHECK_INT_EQ(pushmsg_writer_upsert(&w, "a.md", slice_str("x")), 0);
	CHECK_ERR(pushmsg_writer_delete(&w, "c.md"), ERR_INVAL); /* upserts not all written */
	CHECK_ERR(pushmsg_writer_finish(&w), ERR_INVAL);
	buf_fini(&out);
}

static void
t_empty_push(void)
{
	struct buf out;
	struct pushmsg_writer w;
	buf_init(&out, 0);
	CHECK_INT_EQ(pushmsg_writer_begin(&w, &out, 0, 0), 0);
	CHECK_INT_EQ(pushmsg_writer_finish(&w), 0);
	struct push p;
	void *base;
	size_t maplen;
	CHECK_INT_EQ(decode_guarded(out.ptr, out.len, PUSHMSG_MSGPACK, &lim, &p, &base, &maplen),
	             0);
	CHECK_INT_EQ(p.nupserts + p.ndeletes + p.nproblems, 0);
	pushmsg_fini(&p);
	test_guarded_free(base, maplen);
	CHECK_INT_EQ(decode_json("{}", &p, &base, &maplen), 0);
	pushmsg_fini(&p);
	test_guarded_free(base, maplen);
	buf_fini(&out);
}

static void
t_json_round_trip(void)
{
	struct push p;
	void *base;
	size_t maplen;
	const char *json =
	        "{\"upserts\": ["
	        "{\"path\": \"Café/Note.md\", \"content\": \"# Hi\\n\\u00e9 [[x]]\"},"
	        "{\"path\": \"b.bin\", \"content\": \"AAEC/w==\", \"encoding\": \"base64\"},"
	        "{\"path\": \"c.txt\", \"content\": \"aGVsbG8\", \"encoding\": \"base64\"}"
	        "], \"deletes\": [\"z.md\", \"dir/y.png\"]}";
	CHECK_INT_EQ(decode_json(json, &p, &base, &maplen), 0);
	CHECK_INT_EQ(p.nupserts, 3);
	CHECK_INT_EQ(p.ndeletes, 2);
	if (p.nupserts == 3 && p.ndeletes == 2) {
		CHECK_STR_EQ(p.upserts[0].path, "Café/Note.md");
		CHECK_MEM_STR(p.upserts[0].content.ptr, p.upserts[0].content.len,
		              "# Hi\n\xc3\xa9 [[x]]");
		static const uint8_t want[] = {0, 1, 2, 0xff};
		CHECK_INT_EQ(p.upserts[1].content.len, 4);
		CHECK(memcmp(p.upserts[1].content.ptr, want, 4) == 0);
		CHECK_MEM_STR(p.upserts[2].content.ptr, p.upserts[2].content.len, "hello");
		CHECK_STR_EQ(p.deletes[0], "z.md");
		CHECK_STR_EQ(p.deletes[1], "dir/y.png");
	}
	pushmsg_fini(&p);
	test_guarded_free(base, maplen);
}

/* Decodes one base64 upsert; returns the decode result and the content in out. */
static int
b64_case(const char *b64, struct buf *out)
{
	char json[512];
	snprintf(json, sizeof(json),
	         "{\"upserts\":[{\"path\":\"f.bin\",\"content\":\"%s\",\"encoding\":\"base64\"}]}",
	         b64);
	struct push p;
	void *base;
	size_t maplen;
	int rc = decode_json(json, &p, &base, &maplen);
	buf_reset(out);
	if (rc == 0 && p.nupserts == 1) {
		buf_put_slice(out, p.upserts[0].content);
	}
	if (rc != 0 && !problem_for(&p, "f.bin")) {
		rc = 1; /* a failure must name the file */
	}
	pushmsg_fini(&p);
	test_guarded_free(base, maplen);
	return rc;
}

static void
t_base64(void)
{
	struct buf b;
	buf_init(&b, 0);
	CHECK_INT_EQ(b64_case("", &b), 0);
	CHECK_INT_EQ(b.len, 0);
	CHECK_INT_EQ(b64_case("Zg==", &b), 0);
	CHECK_MEM_STR(b.ptr, b.len, "f");
	CHECK_INT_EQ(b64_case("Zm8=", &b), 0);
	CHECK_MEM_STR(b.ptr, b.len, "fo");
	CHECK_INT_EQ(b64_case("Zm9v", &b), 0);
	CHECK_MEM_STR(b.ptr, b.len, "foo");
	CHECK_INT_EQ(b64_case("Zm9vYg", &b), 0); /* padding left out */
	CHECK_MEM_STR(b.ptr, b.len, "foob");
	CHECK_INT_EQ(b64_case("Zm9v\\nYmFy", &b), 0); /* a line break inside */
	CHECK_MEM_STR(b.ptr, b.len, "foobar");
	CHECK_INT_EQ(b64_case("+/+/", &b), 0);
	CHECK_INT_EQ(b.len, 3);
	CHECK(b.len == 3 && b.ptr[0] == 0xfb && b.ptr[1] == 0xff && b.ptr[2] == 0xbf);
	CHECK_ERR(b64_case("Zm9v!", &b), ERR_PROTO);    /* not in the alphabet */
	CHECK_ERR(b64_case("Zg=", &b), ERR_PROTO);      /* wrong padding */
	CHECK_ERR(b64_case("Zg==Zg==", &b), ERR_PROTO); /* data after padding */
	CHECK_ERR(b64_case("Z", &b), ERR_PROTO);        /* one digit cannot hold a byte */
	CHECK_ERR(b64_case("Zh==", &b), ERR_PROTO);     /* stray low bits */
	buf_fini(&b);
}

static void
t_not_a_map(void)
{
	struct push p;
	void *base;
	size_t maplen;
	/* msgpack array [1, 2] */
	static const uint8_t arr[] = {0x92, 0x01, 0x02};
	CHECK_ERR(decode_guarded(arr, sizeof(arr), PUSHMSG_MSGPACK, &lim, &p, &base, &maplen),
	          ERR_PROTO);
	CHECK(has_problem_containing(&p, NULL, "not a map"));
	pushmsg_fini(&p);
	test_guarded_free(base, maplen);

	CHECK_ERR(decode_json("[1, 2]", &p, &base, &maplen), ERR_PROTO);
	CHECK(problem_for(&p, NULL) != NULL);
	pushmsg_fini(&p);
	test_guarded_free(base, maplen);

	CHECK_ERR(decode_json("{\"upserts\": [", &p, &base, &maplen), ERR_PROTO);
	CHECK(has_problem_containing(&p, NULL, "not valid JSON"));
	pushmsg_fini(&p);
	test_guarded_free(base, maplen);
}

static void
t_bad_msgpack_bytes(void)
{
	struct push p;
	void *base;
	size_t maplen;
	/* Truncated, trailing garbage, a never-used type byte, and an array claiming 4 billion
	 * elements in a five-byte body: all refused without reserving memory for them. */
	static const uint8_t truncated[] = {0x81, 0xa7, 'u', 'p', 's'};
	static const uint8_t trailing[] = {0x80, 0x00};
	static const uint8_t unused[] = {0xc1};
	static const uint8_t huge[] = {0xdd, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t hugemap[] = {0x81, 0xa7, 'u',  'p',  's',  'e',  'r',
	                                  't',  's',  0xdf, 0x7f, 0xff, 0xff, 0xff};
	const struct {
		const uint8_t *b;
		size_t n;
	} cases[] = {
	        {truncated, sizeof(truncated)}, {trailing, sizeof(trailing)},
	        {unused, sizeof(unused)},       {huge, sizeof(huge)},
	        {hugemap, sizeof(hugemap)},     {truncated, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = decode_guarded(cases[i].b, cases[i].n, PUSHMSG_MSGPACK, &lim, &p, &base,
		                        &maplen);
		if (rc != ERR_PROTO || !problem_for(&p, NULL)) {
			CHECK_FAIL_("case %zu: rc %d, %zu problems", i, rc, p.nproblems);
		}
		pushmsg_fini(&p);
		test_guarded_free(base, maplen);
	}
}

static void
t_wrong_types(void)
{
	struct push p;
	void *base;
	size_t maplen;
	CHECK_ERR(decode_json("{\"upserts\": 3}", &p, &base, &maplen), ERR_PROTO);
	CHECK(has_problem_containing(&p, NULL, "arrays"));
	pushmsg_fini(&p);
	test_guarded_free(base, maplen);

	CHECK_ERR(decode_json("{\"upserts\": [{\"path\": 7, \"content\": \"x\"}, 5,"
	                      "{\"path\": \"ok.md\", \"content\": 12},"
	                      "{\"path\": \"fine.md\", \"content\": \"x\"}],"
	                      "\"deletes\": [false]}",
	                      &p, &base, &maplen),
	          ERR_PROTO);
	CHECK(has_problem_containing(&p, NULL, "upserts[0]: path is not a string"));
	CHECK(has_problem_containing(&p, NULL, "upserts[1]: not an object"));
	CHECK(has_problem_containing(&p, "ok.md", "content is not a string"));
	CHECK(has_problem_containing(&p, NULL, "deletes[0]: not a string"));
	CHECK_INT_EQ(p.nproblems, 4);
	CHECK_INT_EQ(p.nupserts, 1); /* the good file decoded; the push is still refused */
	pushmsg_fini(&p);
	test_guarded_free(base, maplen);

	CHECK_ERR(decode_json("{\"upserts\": [], \"extra\": 1}", &p, &base, &maplen), ERR_PROTO);
	CHECK(has_problem_containing(&p, NULL, "unknown key"));
	pushmsg_fini(&p);
	test_guarded_free(base, maplen);

	/* The same in msgpack: content that is an integer, path that is binary. */
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 1);
	msgpack_pack_str_with_body(&pk, "upserts", 7);
	msgpack_pack_array(&pk, 3);
	msgpack_pack_map(&pk, 2);
	msgpack_pack_str_with_body(&pk, "path", 4);
	msgpack_pack_str_with_body(&pk, "n.md", 4);
	msgpack_pack_str_with_body(&pk, "content", 7);
	msgpack_pack_int(&pk, 5);
	msgpack_pack_map(&pk, 2);
	msgpack_pack_str_with_body(&pk, "path", 4);
	msgpack_pack_bin_with_body(&pk, "m.md", 4);
	msgpack_pack_str_with_body(&pk, "content", 7);
	msgpack_pack_str_with_body(&pk, "x", 1);
	msgpack_pack_map(&pk, 1);
	msgpack_pack_str_with_body(&pk, "content", 7);
	msgpack_pack_str_with_body(&pk, "x", 1);
	CHECK_ERR(decode_guarded(sb.data, sb.size, PUSHMSG_MSGPACK, &lim, &p, &base, &maplen),
	          ERR_PROTO);
	CHECK(has_problem_containing(&p, "n.md", "content is not"));
	CHECK(has_problem_containing(&p, NULL, "upserts[1]: path is not a string"));
	CHECK(has_problem_containing(&p, NULL, "upserts[2]: missing path"));
	pushmsg_fini(&p);
	test_guarded_free(base, maplen);
	msgpack_sbuffer_destroy(&sb);
}

static void
t_missing_path(void)
{
	struct push p;
	void *base;
	size_t maplen;
	CHECK_ERR(decode_json("{\"upserts\": [{\"content\": \"x\"}]}", &p, &base, &maplen),
	          ERR_PROTO);
	CHECK(has_problem_containing(&p, NULL, "upserts[0]: missing path"));
	pushmsg_fini(&p);
	test_guarded_free(base, maplen);
	CHECK_ERR(decode_json("{\"upserts\": [{\"path\": \"a.md\"}]}", &p, &base, &maplen),
	          ERR_PROTO);
	CHECK(has_problem_containing(&p, "a.md", "missing content"));
	pushmsg_fini(&p);
	test_guarded_free(base, maplen);
}

static void
t_bad_paths(void)
{
	struct push p;
	void *base;
	size_t maplen;
	const char *json = "{\"upserts\": ["
	                   "{\"path\": \"a/../../etc/passwd\", \"content\": \"x\"},"
	                   "{\"path\": \"/etc/passwd\", \"content\": \"x\"},"
	                   "{\"path\": \"nul\\u0000byte.md\", \"content\": \"x\"},"
	                   "{\"path\": \"win\\\\style.md\", \"content\": \"x\"},"
	                   "{\"path\": \"\", \"content\": \"x\"},"
	                   "{\"path\": \"good.md\", \"content\": \"x\"}"
	                   "], \"deletes\": [\"../up.md\"]}";
	CHECK_ERR(decode_json(json, &p, &base, &maplen), ERR_PROTO);
	CHECK(has_problem_containing(&p, "a/../../etc/passwd", ".."));
	CHECK(has_problem_containing(&p, "/etc/passwd", "absolute"));
	CHECK(has_problem_containing(&p,
	                             "nul\xef\xbf\xbd"
	                             "byte.md",
	                             "NUL"));
	CHECK(has_problem_containing(&p, "win\\style.md", "backslash"));
	CHECK(has_problem_containing(&p, "", "empty"));
	CHECK(has_problem_containing(&p, "../up.md", ".."));
	CHECK_INT_EQ(p.nproblems, 6);
	pushmsg_fini(&p);
	test_guarded_free(base, maplen);

	/* Invalid UTF-8 in a path can only arrive in msgpack (JSON text is UTF-8). */
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 2);
	msgpack_pack_str_with_body(&pk, "upserts", 7);
	msgpack_pack_array(&pk, 1);
	msgpack_pack_map(&pk, 2);
	msgpack_pack_str_with_body(&pk, "path", 4);
	msgpack_pack_str_with_body(&pk, "bad\xc3(.md", 8);
	msgpack_pack_str_with_body(&pk, "content", 7);
	msgpack_pack_str_with_body(&pk, "x", 1);
	msgpack_pack_str_with_body(&pk, "deletes", 7);
	msgpack_pack_array(&pk, 1);
	msgpack_pack_str_with_body(&pk, "over\xc0\xaflong", 10);
	CHECK_ERR(decode_guarded(sb.data, sb.size, PUSHMSG_MSGPACK, &lim, &p, &base, &maplen),
	          ERR_PROTO);
	CHECK(has_problem_containing(&p, "bad\xef\xbf\xbd(.md", "UTF-8"));
	CHECK(has_problem_containing(&p, "over\xef\xbf\xbd\xef\xbf\xbdlong", "UTF-8"));
	CHECK_INT_EQ(p.nupserts + p.ndeletes, 0);
	pushmsg_fini(&p);
	test_guarded_free(base, maplen);
	msgpack_sbuffer_destroy(&sb);
}

static void
t_duplicates(void)
{
	struct push p;
	void *base;
	size_t maplen;
	const char *json = "{\"upserts\": ["
	                   "{\"path\": \"a/b.md\", \"content\": \"1\"},"
	                   "{\"path\": \"a/./b.md\", \"content\": \"2\"},"
	                   "{\"path\": \"c.md\", \"content\": \"3\"},"
	                   "{\"path\": \"C.md\", \"content\": \"4\"},"
	                   "{\"path\": \"./c.md\", \"content\": \"5\"}"
	                   "], \"deletes\": [\"c.md\"]}";
	CHECK_ERR(decode_json(json, &p, &base, &maplen), ERR_PROTO);
	CHECK(has_problem_containing(&p, "a/b.md", "duplicate"));
	CHECK(has_problem_containing(&p, "c.md", "duplicate"));
	CHECK(!problem_for(&p, "C.md")); /* paths are case-sensitive: a different file */
	CHECK_INT_EQ(p.nproblems, 2);    /* c.md three times is one problem */
	pushmsg_fini(&p);
	test_guarded_free(base, maplen);
}

static void
t_too_many_files(void)
{
	struct buf out;
	struct pushmsg_writer w;
	buf_init(&out, 0);
	pushmsg_writer_begin(&w, &out, 8, 3);
	for (int i = 0; i < 8; i++) {
		char path[32];
		snprintf(path, sizeof(path), "n%d.md", i);
		pushmsg_writer_upsert(&w, path, slice_str("x"));
	}
	for (int i = 0; i < 3; i++) {
		char path[32];
		snprintf(path, sizeof(path), "d%d.md", i);
		pushmsg_writer_delete(&w, path);
	}
	CHECK_INT_EQ(pushmsg_writer_finish(&w), 0);
	struct push p;
	void *base;
	size_t maplen;
	CHECK_ERR(decode_guarded(out.ptr, out.len, PUSHMSG_MSGPACK, &lim, &p, &base, &maplen),
	          ERR_TOOBIG);
	CHECK(has_problem_containing(&p, NULL, "11 files; the limit is 10"));
	pushmsg_fini(&p);
	test_guarded_free(base, maplen);
	/* Without limits the same body is fine. */
	CHECK_INT_EQ(decode_guarded(out.ptr, out.len, PUSHMSG_MSGPACK, NULL, &p, &base, &maplen),
	             0);
	CHECK_INT_EQ(p.nupserts, 8);
	pushmsg_fini(&p);
	test_guarded_free(base, maplen);
	buf_fini(&out);
}

static void
t_too_large_file(void)
{
	struct buf out, big;
	struct pushmsg_writer w;
	buf_init(&out, 0);
	buf_init(&big, 0);
	for (int i = 0; i < 1001; i++) {
		buf_putc(&big, 'x');
	}
	pushmsg_writer_begin(&w, &out, 2, 0);
	pushmsg_writer_upsert(&w, "big.txt", buf_slice(&big));
	big.len = 1000; /* exactly at the limit is fine */
	pushmsg_writer_upsert(&w, "edge.txt", buf_slice(&big));
	CHECK_INT_EQ(pushmsg_writer_finish(&w), 0);
	struct push p;
	void *base;
	size_t maplen;
	CHECK_ERR(decode_guarded(out.ptr, out.len, PUSHMSG_MSGPACK, &lim, &p, &base, &maplen),
	          ERR_PROTO);
	CHECK(has_problem_containing(&p, "big.txt", "1001 bytes; the limit is 1000"));
	CHECK(!problem_for(&p, "edge.txt"));
	CHECK_INT_EQ(p.nproblems, 1);
	pushmsg_fini(&p);
	test_guarded_free(base, maplen);
	buf_fini(&out);
	buf_fini(&big);
}

static void
t_note_must_be_utf8(void)
{
	struct buf out;
	struct pushmsg_writer w;
	buf_init(&out, 0);
	pushmsg_writer_begin(&w, &out, 2, 0);
	pushmsg_writer_upsert(&w, "Latin1.md", slice_str("caf\xe9"));
	pushmsg_writer_upsert(&w, "photo.JPG", slice_str("caf\xe9")); /* assets are bytes */
	pushmsg_writer_finish(&w);
	struct push p;
	void *base;
	size_t maplen;
	CHECK_ERR(decode_guarded(out.ptr, out.len, PUSHMSG_MSGPACK, &lim, &p, &base, &maplen),
	          ERR_PROTO);
	CHECK(has_problem_containing(&p, "Latin1.md", "UTF-8"));
	CHECK_INT_EQ(p.nproblems, 1);
	pushmsg_fini(&p);
	test_guarded_free(base, maplen);
	buf_fini(&out);
}

static const char *
norm(const char *in, struct buf *b, int *rc)
{
	const char *why;
	buf_reset(b);
	*rc = pushmsg_normalize_path(slice_str(in), b, &why);
	return *rc == 0 ? buf_cstr(b) : why;
}

static void
t_normalize_path(void)
{
	struct buf b;
	int rc;
	buf_init(&b, 0);
	CHECK_STR_EQ(norm("a//b/./c.md", &b, &rc), "a/b/c.md");
	CHECK_INT_EQ(rc, 0);
	CHECK_STR_EQ(norm("./x.md", &b, &rc), "x.md");
	CHECK_STR_EQ(norm("dir/", &b, &rc), "dir");
	CHECK_STR_EQ(norm("Ünïcödé/ノート.md", &b, &rc), "Ünïcödé/ノート.md");
	CHECK_INT_EQ(rc, 0);
	CHECK_STR_EQ(norm("..hidden/x..md", &b, &rc), "..hidden/x..md"); /* not a .. segment */
	CHECK_INT_EQ(rc, 0);
	norm("", &b, &rc);
	CHECK_ERR(rc, ERR_INVAL);
	norm("./.", &b, &rc);
	CHECK_ERR(rc, ERR_INVAL);
	norm("a/..", &b, &rc);
	CHECK_ERR(rc, ERR_INVAL);
	norm("tab\there.md", &b, &rc);
	CHECK_ERR(rc, ERR_INVAL);
	norm("\xed\xa0\x80.md", &b, &rc); /* a UTF-16 surrogate */
	CHECK_ERR(rc, ERR_INVAL);
	norm("\xf4\x90\x80\x80.md", &b, &rc); /* past U+10FFFF */
	CHECK_ERR(rc, ERR_INVAL);
	char longp[1100];
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	norm(longp, &b, &rc);
	CHECK_ERR(rc, ERR_INVAL);
	longp[1024] = '\0';
	norm(longp, &b, &rc);
	CHECK_INT_EQ(rc, 0);
	/* Appends: a prefix already in the buffer stays. */
	buf_reset(&b);
	buf_puts(&b, "pre:");
	const char *why;
	CHECK_INT_EQ(pushmsg_normalize_path(slice_str("x//y"), &b, &why), 0);
	CHECK_STR_EQ(buf_cstr(&b), "pre:x/y");
	buf_fini(&b);
}

static const struct test tests[] = {
        {"msgpack_round_trip", t_msgpack_round_trip},
        {"writer_misuse", t_writer_misuse},
        {"empty_push", t_empty_push},
        {"json_round_trip", t_json_round_trip},
        {"base64", t_base64},
        {"not_a_map", t_not_a_map},
        {"bad_msgpack_bytes", t_bad_msgpack_bytes},
        {"wrong_types", t_wrong_types},
        {"missing_path", t_missing_path},
        {"bad_paths", t_bad_paths},
        {"duplicates", t_duplicates},
        {"too_many_files", t_too_many_files},
        {"too_large_file", t_too_large_file},
        {"note_must_be_utf8", t_note_must_be_utf8},
        {"normalize_path", t_normalize_path},
};

TEST_MAIN(tests)
