/*
 * source_stmt.h: the statement handling that ingestd's SQL files share (source.c, and
 * sitedb.c and viewdb.c on the same connection). Each keeps an array of statements
 * prepared once and reset after use; SQLite codes become ERR_* (logged once) in source.c.
 * Only those three files include this header.
 */
#ifndef INGESTD_SOURCE_STMT_H
#define INGESTD_SOURCE_STMT_H

#include <stddef.h>

struct source;
struct sqlite3_stmt;

/*
 * Prepares sql[0..n) on s's connection into st[0..n), to be kept (persistent). Returns 0
 * or the ERR_* of the first that fails; the ones prepared stay in st, for
 * source_stmts_finalize. The statements belong to the caller and must be finalized before
 * s is closed.
 */
int source_stmts_prepare(struct source *s, const char *const *sql, struct sqlite3_stmt **st,
                         size_t n);
/* Finalizes st[0..n); NULL entries are skipped. */
void source_stmts_finalize(struct sqlite3_stmt **st, size_t n);

/* Resets st and clears its bindings, ready to bind again; returns st. */
struct sqlite3_stmt *source_stmt_fresh(struct sqlite3_stmt *st);
/* Binds v at parameter i (NULL: SQL NULL), without a copy: v must outlive the step. */
void source_bind_text(struct sqlite3_stmt *st, int i, const char *v);
/* Column i of the current row as text, or NULL; valid until the next step or reset. */
const char *source_col_text(struct sqlite3_stmt *st, int i);

/*
 * Steps st, a statement that returns no rows, then resets it. Returns 0 or an ERR_*,
 * logged with what (the statement's SQL or a name).
 */
int source_stmt_exec(struct source *s, struct sqlite3_stmt *st, const char *what);
/*
 * Steps st for one row: 0 with the row there (the caller reads it, then resets st), or
 * ERR_NOTFOUND or another ERR_* (logged with what), st reset.
 */
int source_stmt_row(struct source *s, struct sqlite3_stmt *st, const char *what);

#endif
