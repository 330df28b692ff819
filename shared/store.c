/*
 * store.c: the LMDB page store (contract in store.h); the only includer of lmdb.h.
 *
 * Read transactions: each handle owns one MDB_txn, created on first use and then only
 * reset and renewed (MDB_NOTLS), so steady-state reads allocate nothing. A renew happens
 * only when the writer has committed since the snapshot was taken: checking that costs a
 * read of the meta page through mdb_env_info. When the writer grows the map, renew fails
 * with MDB_MAP_RESIZED; the reader adopts the new size (mdb_env_set_mapsize(0)) and
 * retries, so fronts follow a grown map without a restart.
 *
 * Write transactions are ingestd's alone: one per push. A full map surfaces as ERR_FULL;
 * the caller aborts, grows the map and replays the push.
 */
#include "shared/store.h"

#include <errno.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "shared/defs.h"
#include "shared/err.h"
#include "shared/log.h"

#define STORE_SCHEMA 1

struct store {
	MDB_env *env;
	MDB_dbi pages;
	MDB_dbi meta;
	enum store_mode mode;
	MDB_txn *rtxn;
	bool ractive;
};

struct store_wtxn {
	struct store *s;
	MDB_txn *txn;
};

static int
err_from_mdb(int rc)
{
	switch (rc) {
	case MDB_SUCCESS:
		return 0;
	case MDB_NOTFOUND:
		return ERR_NOTFOUND;
	case MDB_MAP_FULL:
	case MDB_READERS_FULL:
	case MDB_TXN_FULL:
		return ERR_FULL;
	case MDB_CORRUPTED:
	case MDB_PAGE_NOTFOUND:
	case MDB_INVALID:
		return ERR_CORRUPT;
	case MDB_VERSION_MISMATCH:
		return ERR_VERSION;
	case MDB_BAD_VALSIZE:
		return ERR_TOOBIG;
	case MDB_MAP_RESIZED:
		return ERR_STALE;
	default:
		if (rc > 0 && rc < 4096)
			return -rc;
		return ERR_IO;
	}
}

static MDB_val
mval(struct slice s)
{
	return (MDB_val){.mv_size = s.len, .mv_data = (void *)(uintptr_t)s.ptr};
}

static char gen_name[] = "gen";
static char schema_name[] = "schema";
#define GEN_KEY    (&(MDB_val){sizeof(gen_name) - 1, gen_name})
#define SCHEMA_KEY (&(MDB_val){sizeof(schema_name) - 1, schema_name})

/* Opens (and for the writer creates) both databases and checks the schema. */
static int
store_open_dbs(struct store *s)
{
	MDB_txn *txn;
	bool writer = s->mode == STORE_WRITER;
	int rc = mdb_txn_begin(s->env, NULL, writer ? 0 : MDB_RDONLY, &txn);
	if (rc)
		return err_from_mdb(rc);
	unsigned flags = writer ? MDB_CREATE : 0;
	rc = mdb_dbi_open(txn, "pages", flags, &s->pages);
	if (!rc)
		rc = mdb_dbi_open(txn, "meta", flags, &s->meta);
	if (rc) {
		mdb_txn_abort(txn);
		return rc == MDB_NOTFOUND ? ERR_NOTFOUND : err_from_mdb(rc);
	}
	MDB_val v;
	rc = mdb_get(txn, s->meta, SCHEMA_KEY, &v);
	if (rc == MDB_NOTFOUND && writer) {
		uint8_t b[4];
		put_le32(b, STORE_SCHEMA);
		v = (MDB_val){sizeof(b), b};
		rc = mdb_put(txn, s->meta, SCHEMA_KEY, &v, 0);
	} else if (rc == 0 && (v.mv_size != 4 || get_le32(v.mv_data) != STORE_SCHEMA)) {
		mdb_txn_abort(txn);
		return ERR_VERSION;
	} else if (rc == MDB_NOTFOUND) {
		rc = 0; /* a reader racing the writer's first commit */
	}
	if (rc) {
		mdb_txn_abort(txn);
		return err_from_mdb(rc);
	}
	return err_from_mdb(mdb_txn_commit(txn));
}

int
store_open(struct store **out, const char *dir, enum store_mode mode, uint64_t map_size,
           unsigned max_readers)
{
	*out = NULL;
	struct store *s = xcalloc(1, sizeof(*s));
	s->mode = mode;
	int rc;
	if (mode == STORE_WRITER) {
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			rc = -errno;
			goto fail;
		}
	} else {
		char path[4096];
		struct stat st;
		snprintf(path, sizeof(path), "%s/data.mdb", dir);
		if (stat(path, &st) < 0) {
			rc = errno == ENOENT ? ERR_NOTFOUND : -errno;
			goto fail;
		}
	}
	rc = err_from_mdb(mdb_env_create(&s->env));
	if (rc)
		goto fail;
	mdb_env_set_maxdbs(s->env, 4);
	mdb_env_set_maxreaders(s->env, max_readers ? max_readers : 1024);
	unsigned flags = MDB_NOTLS;
	if (mode == STORE_READER)
		flags |= MDB_RDONLY;
	else
		flags |= MDB_NOMETASYNC; /* one fsync per commit, not two: see store_write_commit */
	rc = err_from_mdb(mdb_env_open(s->env, dir, flags, 0644));
	if (rc)
		goto fail;
	if (mode == STORE_WRITER) {
		MDB_envinfo info;
		mdb_env_info(s->env, &info);
		if (map_size > info.me_mapsize) {
			rc = err_from_mdb(mdb_env_set_mapsize(s->env, map_size));
			if (rc)
				goto fail;
		}
		int dead = 0;
		mdb_reader_check(s->env, &dead);
		if (dead)
			log_info("store.readers", "reclaimed=%d", dead);
	}
	rc = store_open_dbs(s);
	if (rc)
		goto fail;
	*out = s;
	return 0;
fail:
	store_close(s);
	return rc;
}

void
store_close(struct store *s)
{
	if (!s)
		return;
	if (s->rtxn)
		mdb_txn_abort(s->rtxn);
	if (s->env)
		mdb_env_close(s->env);
	free(s);
}

int
store_read_begin(struct store *s)
{
	if (s->ractive) {
		MDB_envinfo info;
		mdb_env_info(s->env, &info);
		if (likely(info.me_last_txnid == mdb_txn_id(s->rtxn)))
			return 0;
		mdb_txn_reset(s->rtxn);
		s->ractive = false;
	}
	for (int attempt = 0; attempt < 3; attempt++) {
		int rc = s->rtxn ? mdb_txn_renew(s->rtxn)
		                 : mdb_txn_begin(s->env, NULL, MDB_RDONLY, &s->rtxn);
		if (likely(rc == 0)) {
			s->ractive = true;
			return 0;
		}
		if (s->rtxn && rc != 0) {
			mdb_txn_abort(s->rtxn);
			s->rtxn = NULL;
		}
		if (rc == MDB_MAP_RESIZED) {
			/* The writer grew the map: adopt its size and try again. */
			rc = mdb_env_set_mapsize(s->env, 0);
			if (rc)
				return err_from_mdb(rc);
			continue;
		}
		if (rc == MDB_READERS_FULL) {
			int dead = 0;
			mdb_reader_check(s->env, &dead);
			if (dead > 0)
				continue;
		}
		return err_from_mdb(rc);
	}
	return ERR_STALE;
}

int
store_get(struct store *s, struct slice key, struct slice *val)
{
	if (unlikely(!s->ractive))
		return ERR_STALE;
	if (key.len == 0 || key.len > 511)
		return ERR_NOTFOUND;
	MDB_val k = mval(key), v;
	int rc = mdb_get(s->rtxn, s->pages, &k, &v);
	if (rc)
		return err_from_mdb(rc);
	*val = (struct slice){v.mv_data, v.mv_size};
	return 0;
}

uint64_t
store_read_gen(struct store *s)
{
	MDB_val v;
	if (!s->ractive || mdb_get(s->rtxn, s->meta, GEN_KEY, &v) || v.mv_size != 8)
		return 0;
	return get_le64(v.mv_data);
}

void
store_read_end(struct store *s)
{
	if (s->ractive) {
		mdb_txn_reset(s->rtxn);
		s->ractive = false;
	}
}

int
store_each(struct store *s, store_each_fn *fn, void *arg)
{
	int rc = store_read_begin(s);
	if (rc)
		return rc;
	MDB_cursor *cur;
	rc = mdb_cursor_open(s->rtxn, s->pages, &cur);
	if (rc) {
		store_read_end(s);
		return err_from_mdb(rc);
	}
	MDB_val k, v;
	int mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
	rc = 0;
	while (mrc == 0) {
		rc = fn(arg, (struct slice){k.mv_data, k.mv_size},
		        (struct slice){v.mv_data, v.mv_size});
		if (rc)
			break;
		mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	}
	if (!rc && mrc != MDB_NOTFOUND)
		rc = err_from_mdb(mrc);
	mdb_cursor_close(cur);
	store_read_end(s);
	return rc;
}

int
store_reader_check(struct store *s, int *dead)
{
	int n = 0;
	int rc = mdb_reader_check(s->env, &n);
	if (dead)
		*dead = n;
	return err_from_mdb(rc);
}

int
store_info(struct store *s, struct store_info *out)
{
	MDB_envinfo info;
	MDB_stat st;
	int rc = mdb_env_info(s->env, &info);
	if (!rc)
		rc = mdb_env_stat(s->env, &st);
	if (rc)
		return err_from_mdb(rc);
	out->map_size = info.me_mapsize;
	out->map_used = (uint64_t)(info.me_last_pgno + 1) * st.ms_psize;
	out->readers_used = info.me_numreaders;
	out->max_readers = info.me_maxreaders;
	return 0;
}

int
store_write_begin(struct store *s, struct store_wtxn **out)
{
	*out = NULL;
	if (s->mode != STORE_WRITER)
		return ERR_PERM;
	MDB_txn *txn;
	int rc = mdb_txn_begin(s->env, NULL, 0, &txn);
	if (rc == MDB_MAP_RESIZED) {
		mdb_env_set_mapsize(s->env, 0);
		rc = mdb_txn_begin(s->env, NULL, 0, &txn);
	}
	if (rc)
		return err_from_mdb(rc);
	struct store_wtxn *t = xmalloc(sizeof(*t));
	t->s = s;
	t->txn = txn;
	*out = t;
	return 0;
}

int
store_put(struct store_wtxn *t, struct slice key, struct slice val)
{
	if (key.len == 0 || key.len > 511)
		return ERR_TOOBIG;
	MDB_val k = mval(key), v = mval(val);
	return err_from_mdb(mdb_put(t->txn, t->s->pages, &k, &v, 0));
}

int
store_del(struct store_wtxn *t, struct slice key)
{
	if (key.len == 0 || key.len > 511)
		return 0;
	MDB_val k = mval(key);
	int rc = mdb_del(t->txn, t->s->pages, &k, NULL);
	return rc == MDB_NOTFOUND ? 0 : err_from_mdb(rc);
}

int
store_drop_all(struct store_wtxn *t)
{
	return err_from_mdb(mdb_drop(t->txn, t->s->pages, 0));
}

int
store_set_gen(struct store_wtxn *t, uint64_t gen)
{
	uint8_t b[8];
	put_le64(b, gen);
	MDB_val v = {sizeof(b), b};
	return err_from_mdb(mdb_put(t->txn, t->s->meta, GEN_KEY, &v, 0));
}

int
store_write_commit(struct store_wtxn *t)
{
	int rc = mdb_txn_commit(t->txn);
	free(t);
	return err_from_mdb(rc);
}

int
store_sync(struct store *s)
{
	return err_from_mdb(mdb_env_sync(s->env, 1));
}

void
store_write_abort(struct store_wtxn *t)
{
	if (!t)
		return;
	mdb_txn_abort(t->txn);
	free(t);
}

int
store_grow(struct store *s, uint64_t min_size)
{
	MDB_envinfo info;
	mdb_env_info(s->env, &info);
	uint64_t size = (uint64_t)info.me_mapsize * 2;
	if (size < min_size)
		size = min_size;
	store_read_end(s);
	int rc = mdb_env_set_mapsize(s->env, size);
	if (rc)
		return err_from_mdb(rc);
	log_info("store.grow", "map_size=%llu", (unsigned long long)size);
	return 0;
}

int
store_gen(struct store *s, uint64_t *gen)
{
	MDB_txn *txn;
	int rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn);
	if (rc)
		return err_from_mdb(rc);
	MDB_val v;
	rc = mdb_get(txn, s->meta, GEN_KEY, &v);
	*gen = (rc == 0 && v.mv_size == 8) ? get_le64(v.mv_data) : 0;
	mdb_txn_abort(txn);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : err_from_mdb(rc);
}
