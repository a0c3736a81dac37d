/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The pieces of the live sources that need no kernel: markers, LOGIN records, serial gaps. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scmplog/live.h"
#include "unit-util.h"

START_TEST(test_marker)
{
	scl_marker a, b;
	char body[256];

	ck_assert_int_eq(scl_marker_new(&a, "drain"), 0);
	ck_assert_int_eq(scl_marker_new(&b, "drain"), 0);
	ck_assert_uint_eq(a.n, strlen("scmplog-drain=") + 32);
	ck_assert_uint_eq(strlen(a.text), a.n);
	ck_assert_str_ne(a.text, b.text);
	ck_assert(!strncmp(a.text, "scmplog-drain=", 14));
	snprintf(body, sizeof(body), "audit(1.002:77): pid=9 uid=0 auid=4294967295 ses=4294967295 msg='%s'", a.text);
	ck_assert(scl_marker_match(&a, body, strlen(body)));
	ck_assert(!scl_marker_match(&b, body, strlen(body)));
	/* a prefix of the nonce is not the marker */
	ck_assert(!scl_marker_match(&a, body, strlen(body) - 2));
	/* kmsg framing around it */
	snprintf(body, sizeof(body), "5,1,2,-;audit: type=1107 audit(1.002:77): pid=9 msg='%s'", a.text);
	ck_assert(scl_marker_match(&a, body, strlen(body)));
	memset(&b, 0, sizeof(b));
	ck_assert(!scl_marker_match(&b, body, strlen(body)));
	ck_assert_int_eq(scl_marker_new(&b, "a-kind-name-that-is-far-too-long-for-the-marker-buffer"), -EINVAL);
}
END_TEST

static const struct login_case {
	const char *body;
	int ret;
	uint32_t old_ses, ses;
} login_cases[] = {
	{ "audit(1795707000.896:802): pid=7166 uid=0 old-auid=4294967295 auid=0 tty=(none) old-ses=4294967295 ses=2 res=1",
	  0, 4294967295u, 2 },
	{ "pid=1 uid=0 old-auid=0 auid=1000 tty=pts0 old-ses=5 ses=6 res=1", 0, 5, 6 },
	{ "5,9,9,-;audit: type=1006 audit(1.1:2): pid=1 old-ses=7 ses=8 res=1", 0, 7, 8 },
	{ "pid=1 ses=2 res=1", -EBADMSG, 0, 0 },                /* no old-ses */
	{ "pid=1 old-ses=2 res=1", -EBADMSG, 0, 0 },            /* no ses (old-ses= is not ses=) */
	{ "pid=1 old-ses=x ses=2", -EBADMSG, 0, 0 },
	{ "pid=1 old-ses=1 ses=4294967296", -EBADMSG, 0, 0 },   /* over u32 */
	{ "pid=1 old-ses=1 ses=-1", -EBADMSG, 0, 0 },
	{ "", -EBADMSG, 0, 0 },
};

START_TEST(test_login)
{
	const struct login_case *c = &login_cases[_i];
	uint32_t o = 111, s = 222;

	ck_assert_int_eq(scl_live_parse_login(c->body, strlen(c->body), &o, &s), c->ret);
	if (c->ret == 0) {
		ck_assert_uint_eq(o, c->old_ses);
		ck_assert_uint_eq(s, c->ses);
	} else {
		ck_assert_uint_eq(o, 111);
		ck_assert_uint_eq(s, 222);
	}
}
END_TEST

static const struct pid_change_case {
	const char *body;
	int ret;
	uint32_t new_pid, old_pid;
	bool res;
} pid_change_cases[] = {
	/* the refusal a healthy daemon's registration gets, as 6.18 logs it (with audit disabled too) */
	{ "audit(1796213586.916:55302297): op=set audit_pid=29360 old=29358 auid=4294967295 ses=4294967295 res=0",
	  0, 29360, 29358, false },
	{ "op=set audit_pid=0 old=77 auid=0 ses=3 res=1", 0, 0, 77, true },
	/* older kernels: no op= */
	{ "audit_pid=5 old=0 auid=0 ses=1 res=1", 0, 5, 0, true },
	/* a raw subj= before res= may hold anything: res= is the last field */
	{ "op=set audit_pid=9 old=8 auid=0 ses=1 subj=a res=1 b res=0", 0, 9, 8, false },
	{ "op=set audit_backlog_limit=65536 old=64 auid=0 ses=1 res=1", -ENOENT, 0, 0, false },
	{ "op=set old_audit_pid=9 old=8 res=1", -ENOENT, 0, 0, false },
	{ "op=set audit_pid=x old=8 res=1", -EBADMSG, 0, 0, false },
	{ "op=set audit_pid=9 res=1", -EBADMSG, 0, 0, false },
	{ "op=set audit_pid=9 old=8", -EBADMSG, 0, 0, false },
	{ "op=set audit_pid=9 old=8 res=2", -EBADMSG, 0, 0, false },
	{ "op=set audit_pid=4294967296 old=8 res=1", -EBADMSG, 0, 0, false },
	{ "", -ENOENT, 0, 0, false },
};

START_TEST(test_pid_change)
{
	const struct pid_change_case *c = &pid_change_cases[_i];
	uint32_t n = 111, o = 222;
	bool res = true;

	ck_assert_int_eq(scl_live_parse_pid_change(c->body, strlen(c->body), &n, &o, &res), c->ret);
	if (c->ret == 0) {
		ck_assert_uint_eq(n, c->new_pid);
		ck_assert_uint_eq(o, c->old_pid);
		ck_assert(res == c->res);
	} else {
		ck_assert_uint_eq(n, 111);
		ck_assert_uint_eq(o, 222);
		ck_assert(res);
	}
}
END_TEST

static const struct serial_case {
	const char *body;
	int ret;
	uint64_t serial;
} serial_cases[] = {
	{ "audit(1795707000.896:802): pid=1", 0, 802 },
	{ "audit(114.040:1178): x", 0, 1178 },
	{ "audit(1.2:0): x", 0, 0 },  /* the kernel's counter wraps through 0 */
	{ "audit(1.2:18446744073709551615): x", 0, UINT64_MAX },
	{ "audit(1.2:): x", -EBADMSG, 0 },
	{ "audit(1.2:12x): x", -EBADMSG, 0 },
	{ "audit(1.2 12): x", -EBADMSG, 0 },
	{ "type=1 audit(1.2:3): x", -EBADMSG, 0 },
	{ "", -EBADMSG, 0 },
};

START_TEST(test_body_serial)
{
	const struct serial_case *c = &serial_cases[_i];
	uint64_t v = 4242;

	ck_assert_int_eq(scl_live_body_serial(c->body, strlen(c->body), &v), c->ret);
	ck_assert_uint_eq(v, c->ret == 0 ? c->serial : 4242);
}
END_TEST

/*
 * The serial tracker, fed as a live source feeds it: I = scl_serials_init()
 * (opening), S = start (the start marker's serial), V = a record's serial
 * seen, E = end (the drain marker's serial; the marker itself is seen too).
 * Records arrive out of serial order on both sides of both markers; only the
 * holes between the markers that stay are counted.
 */
#define W ((uint64_t)SCL_SERIAL_WINDOW)
#define SER_MAX_OPS 12
static const struct tracker_case {
	const char *what;
	struct {
		char op;
		uint64_t v;
	} ops[SER_MAX_OPS];
	uint64_t gaps, open;
} tracker_cases[] = {
	{ "in order", { { 'I', 0 }, { 'V', 90 }, { 'S', 100 }, { 'V', 101 }, { 'V', 102 }, { 'E', 103 } }, 0, 0 },
	{ "one record of an event per serial is enough",
	  { { 'S', 5 }, { 'V', 6 }, { 'V', 6 }, { 'V', 7 }, { 'E', 8 } }, 0, 0 },
	/* the false alarm of issue 11: start+1 and start+2 queued before the start marker */
	{ "above the start, before it", { { 'I', 0 }, { 'V', 101 }, { 'V', 102 }, { 'S', 100 }, { 'V', 103 }, { 'E', 104 } }, 0, 0 },
	{ "above the start, before it, in any order",
	  { { 'I', 0 }, { 'V', 103 }, { 'V', 98 }, { 'V', 101 }, { 'S', 100 }, { 'V', 102 }, { 'E', 104 } }, 0, 0 },
	{ "below the start, after it: not counted",
	  { { 'I', 0 }, { 'S', 100 }, { 'V', 99 }, { 'V', 97 }, { 'V', 101 }, { 'E', 102 } }, 0, 0 },
	/* a record started before the drain marker, queued after it */
	{ "below the end, after it", { { 'S', 100 }, { 'V', 101 }, { 'V', 103 }, { 'E', 104 }, { 'V', 102 } }, 0, 0 },
	{ "below the end, not yet", { { 'S', 100 }, { 'V', 101 }, { 'V', 103 }, { 'E', 104 } }, 1, 1 },
	{ "above the end, before it: not counted",
	  { { 'S', 100 }, { 'V', 101 }, { 'V', 106 }, { 'V', 102 }, { 'E', 103 }, { 'V', 108 } }, 0, 0 },
	{ "true holes on both sides", { { 'I', 0 }, { 'V', 101 }, { 'S', 100 }, { 'V', 103 }, { 'V', 107 }, { 'E', 105 } }, 2, 2 },
	{ "no start marker seen: nothing counts", { { 'I', 0 }, { 'V', 5 }, { 'V', 9 } }, 0, 0 },
	{ "started without init", { { 'S', 100 }, { 'V', 99 }, { 'V', 102 }, { 'E', 103 } }, 1, 1 },
	{ "the 32-bit serial wraps through 0",
	  { { 'I', 0 }, { 'V', 0xfffffffeu }, { 'S', 0xfffffffdu }, { 'V', 0xffffffffu }, { 'V', 0 }, { 'V', 2 }, { 'E', 3 } }, 1, 1 },
	{ "a wrap before the start", { { 'I', 0 }, { 'V', 1 }, { 'S', 0xffffffffu }, { 'V', 0 }, { 'V', 2 }, { 'E', 4 } }, 1, 1 },
	{ "not a kernel serial", { { 'S', 100 }, { 'V', 101 }, { 'V', 1ULL << 40 }, { 'E', 102 } }, 0, 0 },
	/* a hole falls out of the window: final; the serials in the window above it are open */
	{ "a hole becomes final", { { 'S', 100 }, { 'V', 101 }, { 'V', 103 }, { 'V', 103 + W }, { 'V', 102 } }, W, W - 1 },
	{ "final holes stop at the end",
	  { { 'S', 100 }, { 'V', 101 }, { 'V', 104 }, { 'E', 104 }, { 'V', 104 + 3 * W }, { 'V', 102 } }, 2, 0 },
	{ "a jump over more than a whole window", { { 'S', 0 }, { 'V', 1 }, { 'V', 10 + 3 * W + 1 } }, 3 * W + 9, W - 1 },
	{ "a start marker more than half a window behind what came before it",
	  { { 'I', 0 }, { 'V', 1000 + W }, { 'S', 1000 } }, W - 1, W / 2 },
};

START_TEST(test_tracker)
{
	const struct tracker_case *c = &tracker_cases[_i];
	scl_serials s = { 0 };

	for (size_t i = 0; i < SER_MAX_OPS && c->ops[i].op; i++) {
		uint64_t v = c->ops[i].v;

		switch (c->ops[i].op) {
		case 'I':
			ck_assert_int_eq(scl_serials_init(&s), 0);
			break;
		case 'S':
			ck_assert_int_eq(scl_serials_start(&s, v), 0);
			break;
		case 'V':
			scl_serials_seen(&s, v);
			break;
		case 'E':
			scl_serials_seen(&s, v);
			scl_serials_end(&s, v);
			break;
		}
	}
	ck_assert_msg(scl_serials_gaps(&s) == c->gaps, "%s: %llu gaps, want %llu", c->what,
		      (unsigned long long)scl_serials_gaps(&s), (unsigned long long)c->gaps);
	ck_assert_msg(scl_serials_open(&s) == c->open, "%s: %llu open, want %llu", c->what,
		      (unsigned long long)scl_serials_open(&s), (unsigned long long)c->open);
	scl_serials_done(&s);
	ck_assert(!s.started && !s.bits);
}
END_TEST

/* Nothing happens before a start or after done; a second start starts afresh. */
START_TEST(test_tracker_life)
{
	scl_serials s = { 0 };

	scl_serials_seen(&s, 5);
	scl_serials_end(&s, 6);
	ck_assert_uint_eq(scl_serials_gaps(&s), 0);
	ck_assert_uint_eq(scl_serials_open(&s), 0);
	ck_assert_int_eq(scl_serials_start(&s, 10), 0);
	scl_serials_seen(&s, 13);
	ck_assert_uint_eq(scl_serials_gaps(&s), 2);
	ck_assert_int_eq(scl_serials_start(&s, 20), 0);
	ck_assert_uint_eq(scl_serials_gaps(&s), 0);
	scl_serials_seen(&s, 13);
	scl_serials_seen(&s, 22);
	ck_assert_uint_eq(scl_serials_gaps(&s), 1);
	scl_serials_done(&s);
	scl_serials_done(&s);
	scl_serials_seen(&s, 30);
	ck_assert_uint_eq(scl_serials_gaps(&s), 0);
}
END_TEST

START_TEST(test_stats_lost)
{
	scl_live_stats st = { 0 };

	ck_assert_uint_eq(scl_live_stats_lost(&st), 0);
	st.overflows = 2;
	ck_assert_uint_eq(scl_live_stats_lost(&st), 2);
	st.serials_tracked = true;
	st.serial_gaps = 50;
	ck_assert_uint_eq(scl_live_stats_lost(&st), 50);   /* the gaps say how many the overflows dropped */
	st.kernel_lost = 3;
	st.suppressed = 7;
	ck_assert_uint_eq(scl_live_stats_lost(&st), 60);
	st.kernel_lost = UINT64_MAX;
	ck_assert_uint_eq(scl_live_stats_lost(&st), UINT64_MAX);
}
END_TEST

/*
 * An overflow that a drain marker sent after it has settled: what it dropped
 * is in the serial gaps (none: the kernel's retry sent it again); one that
 * came after the marker was made, or any without serials, still counts.
 */
START_TEST(test_stats_overflow_settled)
{
	scl_live_stats st = { .serials_tracked = true, .overflows = 1 };

	ck_assert_uint_eq(scl_live_stats_lost(&st), 1);   /* not settled yet: at least one */
	st.overflows_settled = 1;
	ck_assert_uint_eq(scl_live_stats_overflows_open(&st), 0);
	ck_assert_uint_eq(scl_live_stats_lost(&st), 0);   /* settled, no gap: nothing lost */
	st.serial_gaps = 4;
	ck_assert_uint_eq(scl_live_stats_lost(&st), 4);   /* settled: the gaps are the loss */
	st.serial_gaps = 0;
	st.overflows = 3;                                  /* two more after the marker was made */
	ck_assert_uint_eq(scl_live_stats_overflows_open(&st), 2);
	ck_assert_uint_eq(scl_live_stats_lost(&st), 2);
	ck_assert_uint_eq(scl_live_stats_lost_new_tasks(&st), 2);
	st.serials_tracked = false;                        /* kmsg since: serials say nothing */
	ck_assert_uint_eq(scl_live_stats_overflows_open(&st), 3);
	ck_assert_uint_eq(scl_live_stats_lost(&st), 3);
}
END_TEST

/* A lost daemon slot: its gap is in the serial gaps; open or unmeasurable, it counts itself. */
START_TEST(test_stats_lost_slot)
{
	scl_live_stats st = { 0 };

	st.serials_tracked = true;
	st.slot_lost = 1;
	ck_assert_uint_eq(scl_live_stats_lost(&st), 0);     /* nothing went by: nothing lost */
	st.slot_gap = 40;
	st.serial_gaps = 25;                                /* 15 of the 40 came late on the old socket */
	ck_assert_uint_eq(scl_live_stats_lost(&st), 25);
	st.slot_gap_open = 1;                               /* switched again, nothing since */
	ck_assert_uint_eq(scl_live_stats_lost(&st), 26);
	st.serials_tracked = false;                         /* e.g. went on from kmsg: the span counts */
	ck_assert_uint_eq(scl_live_stats_lost(&st), 25 + 40 + 1);
	ck_assert_uint_eq(scl_live_stats_lost_new_tasks(&st), 25 + 40 + 1);
}
END_TEST

/*
 * The kernel's lost counter counts as ours unless every condition that makes
 * it provably someone else's holds: known, serials tracked, no unseen loss.
 */
static const struct lost_case {
	bool lost_known, serials_tracked, no_unseen_loss;
	uint64_t kernel_lost, serial_gaps;
	bool not_ours;
	uint64_t lost_new;
} lost_cases[] = {
	{ true, true, true, 65, 0, true, 0 },     /* a stalled daemon's loss, not ours */
	{ true, true, true, 65, 4, true, 4 },     /* our own loss shows as gaps: those count */
	{ true, true, true, 0, 0, false, 0 },     /* nothing lost at all */
	{ false, true, true, 65, 0, false, 65 },  /* the counter could not be read twice */
	{ true, false, true, 65, 0, false, 65 },  /* not every record type seen: gaps say nothing */
	{ true, true, false, 65, 0, false, 65 },  /* a task may have lost one before its serial */
};

START_TEST(test_lost_not_ours)
{
	const struct lost_case *t = &lost_cases[_i];
	scl_live_stats st = { 0 };

	st.lost_known = t->lost_known;
	st.serials_tracked = t->serials_tracked;
	st.no_unseen_loss = t->no_unseen_loss;
	st.kernel_lost = t->kernel_lost;
	st.serial_gaps = t->serial_gaps;
	ck_assert_msg(scl_live_kernel_lost_not_ours(&st) == t->not_ours, "case %d", _i);
	ck_assert_uint_eq(scl_live_stats_lost_new_tasks(&st), t->lost_new);
	/* the conservative count always has the kernel's */
	ck_assert_uint_eq(scl_live_stats_lost(&st), t->kernel_lost + t->serial_gaps);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("live");
	TCase *tc = tcase_create("live");

	tcase_add_test(tc, test_marker);
	tcase_add_loop_test(tc, test_login, 0, sizeof(login_cases) / sizeof(login_cases[0]));
	tcase_add_loop_test(tc, test_pid_change, 0, sizeof(pid_change_cases) / sizeof(pid_change_cases[0]));
	tcase_add_loop_test(tc, test_body_serial, 0, sizeof(serial_cases) / sizeof(serial_cases[0]));
	tcase_add_loop_test(tc, test_tracker, 0, sizeof(tracker_cases) / sizeof(tracker_cases[0]));
	tcase_add_test(tc, test_tracker_life);
	tcase_add_test(tc, test_stats_lost);
	tcase_add_test(tc, test_stats_overflow_settled);
	tcase_add_test(tc, test_stats_lost_slot);
	tcase_add_loop_test(tc, test_lost_not_ours, 0, sizeof(lost_cases) / sizeof(lost_cases[0]));
	suite_add_tcase(s, tc);
	return unit_run_suite(s);
}
