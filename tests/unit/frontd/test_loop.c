/*
 * test_loop.c: frontd's timer lists (ordering, moving between lists, next deadline) and
 * the connection pool's reuse, without sockets.
 */
#include <string.h>

#include "frontd/conn.h"
#include "frontd/loop.h"
#include "tests/harness.h"

static struct conn conns[4];

static size_t
list_len(const struct loop_timers *t, enum loop_timer which)
{
	size_t n = 0;
	for (const struct conn *c = t->head[which]; c; c = c->tnext)
		n++;
	return n;
}

static void
t_timer_lists(void)
{
	struct loop_timers t;
	memset(conns, 0, sizeof(conns));
	loop_timers_init(&t, 100, 1000);
	CHECK_INT_EQ(loop_timer_next(&t, 0), -1);

	loop_timer_set(&t, &conns[0], LOOP_TIMER_HEAD, 10);
	loop_timer_set(&t, &conns[1], LOOP_TIMER_HEAD, 20);
	loop_timer_set(&t, &conns[2], LOOP_TIMER_IDLE, 30);
	CHECK_INT_EQ(list_len(&t, LOOP_TIMER_HEAD), 2);
	CHECK(t.head[LOOP_TIMER_HEAD] == &conns[0]);
	CHECK(t.tail[LOOP_TIMER_HEAD] == &conns[1]);
	CHECK_INT_EQ(loop_timer_next(&t, 50), 60); /* conns[0]: 10 + 100 */
	CHECK_INT_EQ(loop_timer_next(&t, 500), 0); /* already due */

	/* Re-arming moves to the back and re-stamps. */
	loop_timer_set(&t, &conns[0], LOOP_TIMER_HEAD, 40);
	CHECK(t.head[LOOP_TIMER_HEAD] == &conns[1]);
	CHECK(t.tail[LOOP_TIMER_HEAD] == &conns[0]);
	CHECK_INT_EQ(loop_timer_next(&t, 50), 70);

	/* Moving to another list unlinks from the first. */
	loop_timer_set(&t, &conns[1], LOOP_TIMER_IDLE, 60);
	CHECK_INT_EQ(list_len(&t, LOOP_TIMER_HEAD), 1);
	CHECK_INT_EQ(list_len(&t, LOOP_TIMER_IDLE), 2);
	CHECK_INT_EQ(conns[1].timer, LOOP_TIMER_IDLE);
	CHECK(t.head[LOOP_TIMER_IDLE] == &conns[2]);
	CHECK_INT_EQ(loop_timer_next(&t, 60), 80); /* conns[0]: 40 + 100 */

	/* The last entry re-armed in place keeps the list ordered. */
	loop_timer_set(&t, &conns[1], LOOP_TIMER_IDLE, 70);
	CHECK(t.tail[LOOP_TIMER_IDLE] == &conns[1]);
	CHECK_INT_EQ(conns[1].stamp, 70);

	loop_timer_clear(&t, &conns[0]);
	loop_timer_clear(&t, &conns[0]); /* twice is harmless */
	CHECK_INT_EQ(list_len(&t, LOOP_TIMER_HEAD), 0);
	CHECK(t.tail[LOOP_TIMER_HEAD] == NULL);
	CHECK_INT_EQ(loop_timer_next(&t, 100), 930); /* conns[2]: 30 + 1000 */
	loop_timer_clear(&t, &conns[2]);
	loop_timer_clear(&t, &conns[1]);
	CHECK_INT_EQ(loop_timer_next(&t, 100), -1);
	CHECK(t.head[LOOP_TIMER_IDLE] == NULL && t.tail[LOOP_TIMER_IDLE] == NULL);

	loop_timer_set(&t, &conns[3], LOOP_TIMER_LINGER, 0);
	CHECK_INT_EQ(loop_timer_next(&t, 0), LOOP_LINGER_MS);
}

static void
t_pool(void)
{
	struct conn_pool p;
	CHECK_INT_EQ(conn_pool_init(&p, 3), 0);
	struct conn *a = conn_pool_get(&p), *b = conn_pool_get(&p), *c = conn_pool_get(&p);
	CHECK(a && b && c && a != b && b != c);
	CHECK(conn_pool_get(&p) == NULL);
	CHECK_INT_EQ(p.open, 3);
	CHECK_INT_EQ(a->state, CONN_READ);
	CHECK_INT_EQ(a->src.kind, LOOP_CONN);
	b->rlen = 99;
	b->linger = true;
	conn_pool_put(&p, b);
	CHECK_INT_EQ(p.open, 2);
	struct conn *again = conn_pool_get(&p);
	CHECK(again == b);
	CHECK_INT_EQ(again->rlen, 0);
	CHECK(!again->linger);
	CHECK(respond_empty(&again->q));
	conn_pool_fini(&p);
	CHECK(p.mem == NULL);
}

static const struct test tests[] = {
        {"timer_lists", t_timer_lists},
        {"pool", t_pool},
};

TEST_MAIN(tests)
