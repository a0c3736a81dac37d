/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_CLI_REVIEW_H
#define SCL_CLI_REVIEW_H

/*
 * scmplog review: the model (review-model.c: what is new, who used it, the
 * resulting profile), the questions (review-ui.c: the terminal or lines on
 * stdin) and the command (cmd-review.c: options, inputs, output).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <termios.h>

#include "scmplog/arch.h"
#include "scmplog/learn.h"
#include "scmplog/profile.h"
#include "scmplog/syscall-groups.h"

/*
 * The comment of the rule that lists the syscalls denied in a review.  A
 * later review finds its names (and those of any other argument-free rule
 * that denies) and counts their records as expected instead of asking again.
 */
#define REVIEW_DENY_COMMENT "scmplog review: denied"
/* Programs shown per syscall; the rest are counted. */
#define REVIEW_MAX_USERS_SHOWN 5
/* An answer line longer than this is cut (only its first letter counts). */
#define REVIEW_MAX_ANSWER 256

enum decision { UNDECIDED, ALLOW, DENY, SKIP };

/* A program that used a syscall: "exe\0comm" as cli-input groups for explain. */
struct user {
	const char *key;
	size_t key_n;
	uint64_t logged, denied;
};

struct item {
	const char *name;
	const scl_sysgroup *group;
	size_t rank;
	uint32_t *arches;     /* where it is new, in first-seen order; 0 is "any" */
	size_t n_arches;
	bool unrestricted;    /* allow it on every architecture */
	uint64_t logged, denied;
	struct user *users;
	size_t n_users;
	enum decision d;
};

struct review {
	struct item *items;
	size_t n;
	const scl_profile *base;
	uint32_t *add_arches; /* architectures the result gains (records' native ones) */
	size_t n_add_arches;
	uint64_t expected;    /* records of syscalls denied on purpose */
	size_t n_expected;    /* distinct such syscalls */
};

/* Where answers come from (review-ui.c). */
struct review_ui {
	int fd;             /* the terminal, or -1: lines from stdin */
	bool own_fd;
	struct termios saved;
};

void review_free(struct review *r);
/* OLD/NEW: what NEW allows that OLD does not, per architecture. */
int review_collect_profiles(struct review *r, const scl_profile *old, const scl_profile *new_);
/* --since-profile: what the records show used or denied that PROFILE does not allow. */
int review_collect_records(struct review *r, const scl_profile *base, scl_learn *learn, scl_mapper *m,
			   uint64_t *ret_unknown);
/* qsort() orders: items by group rank, then name; users by records (most first), then key. */
int review_cmp_item(const void *a, const void *b);
int review_cmp_user(const void *a, const void *b);
const char *review_arch_name(uint32_t token);
/* The base profile with the answers applied. */
int review_build_result(const struct review *r, scl_profile **ret);

int review_ui_open(struct review_ui *u, bool records_on_stdin);
void review_ui_close(struct review_ui *u);
/* Returns 0 when every item is decided (or finished), 1 for quit, -errno. */
int review_ask(struct review *r, struct review_ui *u);

#endif
