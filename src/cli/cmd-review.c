/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli-input.h"
#include "cli/cli-profile.h"
#include "cli/cli.h"
#include "lib/util.h"
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

static void help(void)
{
	printf("Usage: scmplog review [OPTIONS] OLD.json NEW.json\n"
	       "       scmplog review [OPTIONS] --since-profile PROFILE.json [FILE...]\n\n"
	       "Review new syscalls one by one, in the manner of AppArmor's aa-logprof, and\n"
	       "write the profile that results.  The syscalls are those NEW allows and OLD\n"
	       "does not; or, with --since-profile, those that the SECCOMP records in FILEs\n"
	       "(input as for 'scmplog build': logged in learning or complain mode, or denied\n"
	       "by an enforcing profile) show used and PROFILE does not allow.  They come\n"
	       "grouped by systemd's syscall groups (@mount, @privileged, @network-io,\n"
	       "@file-system, ...; risky groups first), each with the architectures, the\n"
	       "programs (exe) that used it, and a warning when Docker's default profile\n"
	       "blocks it.  For each, answer:\n"
	       "  a  allow: add it to the profile\n"
	       "  d  deny: keep it out, and list it in the profile in a rule with the default\n"
	       "     action and the comment \"" REVIEW_DENY_COMMENT "\", so that its denials\n"
	       "     are expected: later reviews count them and do not ask again\n"
	       "  s  skip: leave it out for now; the next review asks again\n"
	       "  A  allow it and the rest of its group   D  deny it and the rest of its group\n"
	       "  f  finish: skip what is left and write the profile\n"
	       "  q  quit: write nothing\n"
	       "  ?  this list\n"
	       "On a terminal one key answers; otherwise answers are read from standard\n"
	       "input, one per line (the first letter counts; an empty line skips), so a\n"
	       "review can be scripted.  At the end of input the rest is skipped.  When the\n"
	       "records come from standard input, answers are read from /dev/tty.\n"
	       "Questions go to standard error.\n\n"
	       "The profile written is OLD (or PROFILE) with the allowed syscalls added\n"
	       "(on the architectures NEW allows them on) and the denied ones in the\n"
	       "review rule; OLD's default action, other rules and counts are kept.\n\n"
	       "Options:\n"
	       "      --since-profile PROFILE\n"
	       "                           review the records in FILEs against PROFILE\n"
	       CLI_PROFILE_OUT_HELP
	       "      --strict             fail on the first malformed record\n"
	       "  -q, --quiet              no summary on stderr\n"
	       "  -h, --help               this text\n\n"
	       "%s\n"
	       "Exit status: 0 the profile was written; 1 an error, or quit without writing;\n"
	       "2 usage error.\n",
	       CLI_FILTER_HELP);
}

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

static void review_free(struct review *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->items[i].arches);
		free(r->items[i].users);
	}
	free(r->items);
	free(r->add_arches);
}

static int add_u32(uint32_t **v, size_t *n, uint32_t x)
{
	uint32_t *nv;

	for (size_t i = 0; i < *n; i++)
		if ((*v)[i] == x)
			return 0;
	nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	nv[(*n)++] = x;
	*v = nv;
	return 1;
}

static struct item *item_get(struct review *r, const char *name)
{
	struct item *ni;

	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->items[i].name, name))
			return &r->items[i];
	ni = realloc(r->items, (r->n + 1) * sizeof(*ni));
	if (!ni)
		return NULL;
	r->items = ni;
	ni = &r->items[r->n++];
	*ni = (struct item){ .name = name };
	ni->group = scl_sysgroup_of(name);
	ni->rank = scl_sysgroup_rank(ni->group);
	return ni;
}

static int item_add_user(struct item *it, const char *key, size_t key_n, uint32_t action, uint64_t count)
{
	struct user *u = NULL, *nu;

	for (size_t i = 0; i < it->n_users && !u; i++)
		if (it->users[i].key_n == key_n && !memcmp(it->users[i].key, key, key_n))
			u = &it->users[i];
	if (!u) {
		nu = realloc(it->users, (it->n_users + 1) * sizeof(*nu));
		if (!nu)
			return -ENOMEM;
		it->users = nu;
		u = &nu[it->n_users++];
		*u = (struct user){ .key = key, .key_n = key_n };
	}
	if (action == SCL_ACT_LOG) {
		u->logged += count;
		it->logged += count;
	} else {
		u->denied += count;
		it->denied += count;
	}
	return 0;
}

/* True if an argument-free rule of p denies the name (a review's, or one written by hand). */
static bool denied_on_purpose(const scl_profile *p, const char *name)
{
	for (size_t i = 0; i < scl_profile_rule_count(p); i++) {
		const scl_profile_rule *rule = scl_profile_rule_at(p, i);

		if (rule->action == SCL_ACT_ALLOW || rule->action == SCL_ACT_LOG || rule->n_args ||
		    rule->includes.n_arches || rule->includes.n_caps || rule->includes.min_kernel)
			continue;
		for (size_t j = 0; j < rule->n_names; j++)
			if (!strcmp(rule->names[j], name))
				return true;
	}
	return false;
}

static int note_expected(struct review *r, const char *name, uint64_t count, const char ***seen,
			 size_t *n_seen)
{
	const char **ns;

	r->expected += count;
	for (size_t i = 0; i < *n_seen; i++)
		if (!strcmp((*seen)[i], name))
			return 0;
	ns = realloc(*seen, (*n_seen + 1) * sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	ns[(*n_seen)++] = name;
	*seen = ns;
	r->n_expected++;
	return 0;
}

/* OLD/NEW: what NEW allows that OLD does not, per architecture. */
static int collect_profiles(struct review *r, const scl_profile *old, const scl_profile *new_)
{
	_cleanup_free_ scl_profile_change *ch = NULL;
	_cleanup_free_ const char **seen = NULL;
	size_t n, n_seen = 0;
	int k;

	k = scl_profile_diff(old, new_, &ch, &n);
	if (k < 0)
		return k;
	for (size_t i = 0; i < n; i++) {
		scl_profile_syscall sc;
		struct item *it;

		if (!ch[i].added)
			continue;
		if (denied_on_purpose(old, ch[i].name)) {
			if (note_expected(r, ch[i].name, 0, &seen, &n_seen) < 0)
				return -ENOMEM;
			continue;
		}
		it = item_get(r, ch[i].name);
		if (!it || add_u32(&it->arches, &it->n_arches, ch[i].arch) < 0)
			return -ENOMEM;
		/* unrestricted in NEW and unknown to OLD: allow it the same way */
		if (scl_profile_get(new_, it->name, &sc) == 0) {
			it->logged = sc.records;
			it->unrestricted = sc.n_arches == 0 && scl_profile_get(old, it->name, &sc) == -ENOENT;
		}
	}
	for (size_t i = 0; i < scl_profile_arch_count(new_); i++)
		if (add_u32(&r->add_arches, &r->n_add_arches, scl_profile_arch_at(new_, i)) < 0)
			return -ENOMEM;
	return 0;
}

/* The 64-bit arch a compat=1 record's 32-bit arch belongs to (as build does). */
static uint32_t native_of(uint32_t arch, uint32_t compat)
{
	if (!compat)
		return arch;
	for (size_t i = 0; scl_arch_at(i); i++) {
		const scl_arch_info *a = scl_arch_at(i);

		if (!(a->token & 0x80000000U))
			continue;
		for (size_t j = 0; j < ELEMENTSOF(a->subarches) && a->subarches[j]; j++)
			if (a->subarches[j] == arch)
				return a->token;
	}
	return arch;
}

/* --since-profile: what the records show used or denied that PROFILE does not allow. */
static int collect_records(struct review *r, const scl_profile *base, scl_learn *learn, scl_mapper *m,
			   uint64_t *ret_unknown)
{
	_cleanup_free_ scl_learn_entry *e = NULL;
	_cleanup_free_ const char **seen = NULL;
	size_t n_seen = 0;
	long n;

	n = scl_learn_entries(learn, &e);
	if (n < 0)
		return (int)n;
	for (long i = 0; i < n; i++) {
		const char *name, *key;
		size_t key_n;
		uint32_t eff;
		struct item *it;
		int k;

		if (e[i].key.action == SCL_ACT_ALLOW)
			continue;
		k = scl_mapper_name(m, e[i].key.arch, e[i].key.nr, &name, &eff);
		if (k == -ENOMEM)
			return k;
		if (k < 0) {
			*ret_unknown += e[i].count;
			continue;
		}
		if (scl_profile_allows_on_arch(base, name, eff))
			continue;
		if (denied_on_purpose(base, name)) {
			if (note_expected(r, name, e[i].count, &seen, &n_seen) < 0)
				return -ENOMEM;
			continue;
		}
		it = item_get(r, name);
		if (!it)
			return -ENOMEM;
		it->unrestricted = true;
		key = scl_learn_group(learn, e[i].key.group, &key_n);
		if (add_u32(&it->arches, &it->n_arches, eff) < 0 ||
		    item_add_user(it, key ? key : "", key ? key_n : 0, e[i].key.action, e[i].count) < 0 ||
		    add_u32(&r->add_arches, &r->n_add_arches, native_of(e[i].key.arch, e[i].key.compat)) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int cmp_item(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_user(const void *a, const void *b)
{
	const struct user *x = a, *y = b;
	uint64_t nx = x->logged + x->denied, ny = y->logged + y->denied;

	if (nx != ny)
		return nx > ny ? -1 : 1;
	if (x->key_n != y->key_n)
		return x->key_n < y->key_n ? -1 : 1;
	return memcmp(x->key, y->key, x->key_n);
}

static const char *arch_name(uint32_t token)
{
	const scl_arch_info *a = scl_arch_by_token(token);

	return a ? a->name : "any architecture";
}

/* ------------------------------------------------------------ answers */

struct ui {
	int fd;             /* the terminal, or -1: lines from stdin */
	bool own_fd;
	struct termios saved;
};

static volatile sig_atomic_t raw_fd = -1;
static struct termios raw_saved;

static void restore_and_die(int sig)
{
	if (raw_fd >= 0)
		tcsetattr(raw_fd, TCSANOW, &raw_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

static int ui_open(struct ui *u, bool records_on_stdin)
{
	*u = (struct ui){ .fd = -1 };
	if (records_on_stdin) {
		u->fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
		if (u->fd < 0) {
			log_error("the records come from standard input, so the answers must come from a terminal: cannot open '/dev/tty': %m");
			return -1;
		}
		u->own_fd = true;
	} else if (isatty(STDIN_FILENO)) {
		u->fd = STDIN_FILENO;
	}
	if (u->fd >= 0 && tcgetattr(u->fd, &u->saved) < 0) {
		log_error("cannot read the terminal settings: %m");
		return -1;
	}
	return 0;
}

static void ui_close(struct ui *u)
{
	if (u->own_fd && u->fd >= 0)
		close(u->fd);
	u->fd = -1;
}

/*
 * One key from the terminal, without echo or line editing.  ISIG is off so
 * that ^C arrives as a key (quit) and the terminal is always restored here;
 * SIGTERM and SIGHUP restore it before they end the process.
 */
static int read_key(struct ui *u)
{
	struct termios raw = u->saved;
	struct sigaction sa = { .sa_handler = restore_and_die }, old_term, old_hup;
	unsigned char c = 0;
	ssize_t k;
	int e;

	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	raw_saved = u->saved;
	raw_fd = u->fd;
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	if (tcsetattr(u->fd, TCSAFLUSH, &raw) < 0) {
		e = errno;
		raw_fd = -1;
		sigaction(SIGTERM, &old_term, NULL);
		sigaction(SIGHUP, &old_hup, NULL);
		return e == EPERM ? -EIO : -e; /* -1 means "no more answers" */
	}
	do
		k = read(u->fd, &c, 1);
	while (k < 0 && errno == EINTR);
	e = errno;
	tcsetattr(u->fd, TCSAFLUSH, &u->saved);
	raw_fd = -1;
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	if (k < 0)
		return e == EPERM ? -EIO : -e;
	if (k == 0)
		return 'q';
	if (c == 3 || c == 4) /* ^C, ^D */
		return 'q';
	if (c == '\r' || c == '\n')
		return 's';
	return c;
}

/* The first letter of the next line of stdin; 's' for an empty line; -1 at the end, -EIO. */
static int read_line(void)
{
	char buf[REVIEW_MAX_ANSWER];
	size_t len;
	int c;

	if (!fgets(buf, sizeof(buf), stdin))
		return ferror(stdin) ? -EIO : -1;
	len = strlen(buf);
	if (len && buf[len - 1] != '\n')
		while ((c = getchar()) != EOF && c != '\n')
			;
	for (size_t i = 0; i < len; i++)
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r' && buf[i] != '\n')
			return (unsigned char)buf[i];
	return 's';
}

static void put_choices(const struct item *it)
{
	const char *g = it->group ? it->group->name : "(no group)";

	fprintf(stderr, "  (a)llow  (d)eny  (s)kip  |  (A)llow / (D)eny the rest of %s  |  (f)inish  (q)uit  (?)  > ", g);
}

static void put_help(void)
{
	fputs("\n  a  allow: add the syscall to the profile\n"
	      "  d  deny: keep it out, listed in the rule \"" REVIEW_DENY_COMMENT "\" so its denials are expected\n"
	      "  s  skip: leave it out for now; the next review asks again\n"
	      "  A  allow it and the rest of its group\n"
	      "  D  deny it and the rest of its group\n"
	      "  f  finish: skip what is left and write the profile\n"
	      "  q  quit: write nothing\n",
	      stderr);
}

static void put_user(const struct user *u)
{
	size_t en = strnlen(u->key, u->key_n);

	fputs("      used by ", stderr);
	if (en)
		cli_put_escaped(stderr, u->key, en);
	else
		fputs("(unknown exe)", stderr);
	if (u->key_n > en + 1) {
		fputs(" (comm \"", stderr);
		cli_put_escaped(stderr, u->key + en + 1, u->key_n - en - 1);
		fputs("\")", stderr);
	}
	if (u->logged)
		fprintf(stderr, ": %llu logged", (unsigned long long)u->logged);
	if (u->denied)
		fprintf(stderr, "%s %llu denied", u->logged ? "," : ":", (unsigned long long)u->denied);
	fputc('\n', stderr);
}

static void put_item(const struct item *it, size_t i, size_t n)
{
	const scl_docker_blocked *d = scl_docker_blocked_lookup(it->name);
	const scl_sysgroup *all[8];
	size_t n_all;

	fprintf(stderr, "[%zu/%zu] %s on ", i + 1, n, it->name);
	for (size_t k = 0; k < it->n_arches; k++)
		fprintf(stderr, "%s%s", k ? ", " : "", arch_name(it->arches[k]));
	if (it->logged || it->denied) {
		fputs(" (", stderr);
		if (it->logged)
			fprintf(stderr, "%llu record%s", (unsigned long long)it->logged, it->logged == 1 ? "" : "s");
		if (it->denied)
			fprintf(stderr, "%s%llu denial%s", it->logged ? ", " : "", (unsigned long long)it->denied,
				it->denied == 1 ? "" : "s");
		fputc(')', stderr);
	}
	fputc('\n', stderr);
	if (d && !d->conditional)
		fprintf(stderr, "      RISK: Docker's default profile blocks it: %s\n", d->reason);
	else if (d)
		fprintf(stderr, "      note: Docker's default profile: %s\n", d->reason);
	n_all = scl_sysgroup_all_of(it->name, all, ELEMENTSOF(all));
	if (n_all > 1) {
		bool first = true;

		for (size_t k = 0; k < n_all && k < ELEMENTSOF(all); k++) {
			/* the composite @system-service says nothing more */
			if (all[k] == it->group || !strcmp(all[k]->name, "@system-service"))
				continue;
			fprintf(stderr, "%s%s", first ? "      also in " : ", ", all[k]->name);
			first = false;
		}
		if (!first)
			fputc('\n', stderr);
	}
	for (size_t k = 0; k < it->n_users && k < REVIEW_MAX_USERS_SHOWN; k++)
		put_user(&it->users[k]);
	if (it->n_users > REVIEW_MAX_USERS_SHOWN)
		fprintf(stderr, "      and %zu more programs\n", it->n_users - REVIEW_MAX_USERS_SHOWN);
}

static void decide_rest_of_group(struct review *r, size_t i, enum decision d)
{
	for (size_t k = i; k < r->n && r->items[k].rank == r->items[i].rank; k++)
		if (r->items[k].d == UNDECIDED)
			r->items[k].d = d;
}

/* Returns 0 when every item is decided (or finished), 1 for quit, -errno. */
static int ask(struct review *r, struct ui *u)
{
	for (size_t i = 0; i < r->n; i++) {
		struct item *it = &r->items[i];
		int key;

		if (i == 0 || it->rank != r->items[i - 1].rank) {
			if (it->group)
				fprintf(stderr, "\n== %s: %s\n", it->group->name, it->group->description);
			else
				fputs("\n== in no systemd group\n", stderr);
		}
		if (it->d != UNDECIDED)
			continue;
		put_item(it, i, r->n);
		for (;;) {
			put_choices(it);
			fflush(stderr);
			key = u->fd >= 0 ? read_key(u) : read_line();
			if (key < -1)
				return key;
			if (key == -1) {
				size_t left = 0;

				fputc('\n', stderr);
				for (size_t k = i; k < r->n; k++)
					left += r->items[k].d == UNDECIDED;
				log_warn("end of the answers: %zu undecided syscall%s skipped", left,
					 left == 1 ? "" : "s");
				for (size_t k = i; k < r->n; k++)
					if (r->items[k].d == UNDECIDED)
						r->items[k].d = SKIP;
				return 0;
			}
			if (key >= 0x20 && key < 0x7f)
				fprintf(stderr, "%c\n", key);
			else
				fputc('\n', stderr);
			switch (key) {
			case 'a':
				it->d = ALLOW;
				break;
			case 'd':
				it->d = DENY;
				break;
			case 's':
				it->d = SKIP;
				break;
			case 'A':
				decide_rest_of_group(r, i, ALLOW);
				break;
			case 'D':
				decide_rest_of_group(r, i, DENY);
				break;
			case 'f':
				for (size_t k = i; k < r->n; k++)
					if (r->items[k].d == UNDECIDED)
						r->items[k].d = SKIP;
				return 0;
			case 'q':
				return 1;
			case '?':
			case 'h':
				put_help();
				continue;
			default:
				fputs("  answer a, d, s, A, D, f or q (? explains)\n", stderr);
				continue;
			}
			break;
		}
	}
	return 0;
}

/* ------------------------------------------------------------ the result */

static int copy_syscalls(scl_profile *dst, const scl_profile *src)
{
	_cleanup_free_ scl_profile_syscall *v = NULL;
	size_t n;
	int k;

	k = scl_profile_syscalls(src, &v, &n);
	if (k < 0)
		return k;
	for (size_t i = 0; i < n; i++) {
		if (v[i].n_arches == 0)
			k = scl_profile_allow(dst, v[i].name, v[i].records);
		for (size_t j = 0; j < v[i].n_arches && k >= 0; j++)
			k = scl_profile_allow_on_arch(dst, v[i].name, v[i].arches[j], j ? 0 : v[i].records);
		if (k >= 0)
			k = scl_profile_add_stats(dst, v[i].name, 0, v[i].runs);
		if (k < 0)
			return k;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int build_result(const struct review *r, scl_profile **ret)
{
	_cleanup_(scl_profile_freep) scl_profile *p = NULL;
	_cleanup_free_ const char **denied = NULL;
	const scl_profile *base = r->base;
	size_t n_denied = 0, cap;
	uint32_t act = scl_profile_default_action(base);
	int k;

	k = scl_profile_new(&p);
	if (k < 0)
		return k;
	k = scl_profile_set_default_action(p, act, scl_profile_default_errno(base));
	for (size_t i = 0; i < scl_profile_arch_count(base) && k >= 0; i++)
		k = scl_profile_add_arch(p, scl_profile_arch_at(base, i));
	for (size_t i = 0; i < r->n_add_arches && k >= 0; i++) {
		if (!scl_profile_arch_count(base))
			break; /* a profile for every architecture stays one */
		k = scl_profile_add_arch(p, r->add_arches[i]);
		if (k == -EAFNOSUPPORT)
			k = 0;
	}
	if (k >= 0)
		k = copy_syscalls(p, base);
	if (k < 0)
		return k;

	cap = r->n;
	for (size_t i = 0; i < scl_profile_rule_count(base); i++) {
		const scl_profile_rule *rule = scl_profile_rule_at(base, i);

		if (rule->comment && !strcmp(rule->comment, REVIEW_DENY_COMMENT))
			cap += rule->n_names;
	}
	denied = calloc(cap ? cap : 1, sizeof(*denied));
	if (!denied)
		return -ENOMEM;
	for (size_t i = 0; i < scl_profile_rule_count(base); i++) {
		const scl_profile_rule *rule = scl_profile_rule_at(base, i);

		if (rule->comment && !strcmp(rule->comment, REVIEW_DENY_COMMENT)) {
			for (size_t j = 0; j < rule->n_names; j++)
				denied[n_denied++] = rule->names[j];
			continue;
		}
		k = scl_profile_add_rule(p, rule);
		if (k < 0)
			return k;
	}

	for (size_t i = 0; i < r->n; i++) {
		const struct item *it = &r->items[i];

		if (it->d == DENY) {
			denied[n_denied++] = it->name;
			continue;
		}
		if (it->d != ALLOW)
			continue;
		if (it->unrestricted) {
			k = scl_profile_allow(p, it->name, it->logged);
		} else {
			k = 0;
			for (size_t j = 0; j < it->n_arches && k >= 0; j++)
				k = it->arches[j] ? scl_profile_allow_on_arch(p, it->name, it->arches[j], j ? 0 : it->logged)
						  : scl_profile_allow(p, it->name, it->logged);
		}
		if (k >= 0)
			k = scl_profile_add_stats(p, it->name, 0, 1);
		if (k < 0)
			return k;
	}

	if (n_denied) {
		scl_profile_rule rule = { .comment = REVIEW_DENY_COMMENT };
		size_t m = 0;

		qsort(denied, n_denied, sizeof(*denied), cmp_str);
		for (size_t i = 0; i < n_denied; i++)
			if (i == 0 || strcmp(denied[i], denied[m - 1]))
				denied[m++] = denied[i];
		/* the default action, unless it lets the syscall through */
		if (act == SCL_ACT_ALLOW || act == SCL_ACT_LOG) {
			rule.action = SCL_ACT_ERRNO;
			rule.has_errno_ret = true;
			rule.errno_ret = 1;
		} else {
			rule.action = act;
			rule.has_errno_ret = act == SCL_ACT_ERRNO;
			rule.errno_ret = act == SCL_ACT_ERRNO ? scl_profile_default_errno(base) : 0;
		}
		rule.names = denied;
		rule.n_names = m;
		k = scl_profile_add_rule(p, &rule);
		if (k < 0)
			return k;
	}
	*ret = TAKE_PTR(p);
	return 0;
}

/* ------------------------------------------------------------ the command */

/*
 * One byte order in the result, as merge does without --arch: an archMap
 * gives this machine's entry; profiles that together list both byte orders
 * keep this machine's.  b and its path may be NULL.  -ENOMEM (logged).
 */
static int narrow_inputs(scl_profile *a, const char *a_path, scl_profile *b, const char *b_path)
{
	scl_profile *v[2] = { a, b };
	const char *paths[2] = { a_path, b_path };
	uint32_t native = scl_arch_native();
	bool le = false, be = false;
	char what[4200];

	for (size_t i = 0; i < 2 && v[i]; i++) {
		snprintf(what, sizeof(what), "'%s'", !strcmp(paths[i], "-") ? "stdin" : paths[i]);
		if (scl_profile_has_arch_map(v[i]) && cli_profile_narrow(v[i], native, what, false) < 0)
			return -ENOMEM;
		for (size_t k = 0; k < scl_profile_arch_count(v[i]); k++)
			*(scl_arch_little_endian(scl_profile_arch_at(v[i], k)) ? &le : &be) = true;
	}
	for (size_t i = 0; i < 2 && v[i] && le && be; i++) {
		snprintf(what, sizeof(what), "'%s'", !strcmp(paths[i], "-") ? "stdin" : paths[i]);
		if (cli_profile_narrow(v[i], native, what, false) < 0)
			return -ENOMEM;
	}
	return 0;
}

int cmd_review(int argc, char **argv)
{
	enum { OPT_SINCE_PROFILE = OPT_FILTER_LAST + 1, OPT_STRICT };
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "since-profile", required_argument, NULL, OPT_SINCE_PROFILE },
		{ "strict", no_argument, NULL, OPT_STRICT },
		CLI_PROFILE_OUT_LONGOPTS,
		CLI_FILTER_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct cli_input in = { .group_by = GROUP_EXPLAIN };
	struct cli_profile_out out;
	struct review rv = { 0 };
	struct ui ui = { .fd = -1 };
	_cleanup_(scl_profile_freep) scl_profile *base = NULL;
	_cleanup_(scl_profile_freep) scl_profile *new_ = NULL;
	_cleanup_(scl_profile_freep) scl_profile *result = NULL;
	scl_mapper *m = NULL;
	const char *since = NULL;
	bool records_on_stdin = false, filtered = false;
	uint64_t unknown = 0;
	size_t counts[4] = { 0 };
	int c, r, rc = EXIT_RUNTIME;

	cli_profile_out_init(&out);
	optind = 0;
	while ((c = getopt_long(argc, argv, "hqo:f:", opts, NULL)) != -1) {
		r = cli_filter_option(&in.filter, c, optarg);
		if (r < 0) {
			rc = EXIT_USAGE;
			goto out;
		}
		if (r > 0) {
			filtered = true;
			continue;
		}
		r = cli_profile_out_option(&out, c, optarg);
		if (r < 0) {
			rc = EXIT_USAGE;
			goto out;
		}
		if (r > 0)
			continue;
		switch (c) {
		case 'h':
			help();
			rc = cli_finish_stdout() < 0 ? EXIT_RUNTIME : EXIT_OK;
			goto out;
		case 'q':
			cli_quiet = 1;
			break;
		case OPT_SINCE_PROFILE:
			since = optarg;
			break;
		case OPT_STRICT:
			in.strict = true;
			break;
		default:
			fprintf(stderr, "Try 'scmplog review --help'.\n");
			rc = EXIT_USAGE;
			goto out;
		}
	}
	if (!since && argc - optind != 2) {
		log_error("review needs OLD and NEW profiles, or --since-profile PROFILE and logs; see 'scmplog review --help'");
		rc = EXIT_USAGE;
		goto out;
	}
	if (!since && (filtered || in.strict)) {
		log_error("record selection and --strict apply to --since-profile only");
		rc = EXIT_USAGE;
		goto out;
	}
	if (since) {
		records_on_stdin = argc == optind;
		for (int i = optind; i < argc; i++)
			if (!strcmp(argv[i], "-"))
				records_on_stdin = true;
		/* -o over OLD or --since-profile is the update in place; over a log it is a mistake */
		for (int i = optind; i < argc; i++)
			if (cli_refuse_same_file(out.output, "-o", argv[i], "the input file") < 0) {
				rc = EXIT_USAGE;
				goto out;
			}
		if (records_on_stdin && argc == optind &&
		    cli_refuse_same_file(out.output, "-o", "-", "the input file") < 0) {
			rc = EXIT_USAGE;
			goto out;
		}
	}

	if (cli_profile_read(since ? since : argv[optind], &base) < 0)
		goto out;
	rv.base = base;
	if (!since) {
		if (cli_profile_read(argv[optind + 1], &new_) < 0)
			goto out;
		/* the result is one machine's: of an archMap this one's entry, one byte order (merge's rule) */
		if (narrow_inputs(base, argv[optind], new_, argv[optind + 1]) < 0)
			goto out;
		r = collect_profiles(&rv, base, new_);
	} else {
		if (narrow_inputs(base, since, NULL, NULL) < 0)
			goto out;
		if (scl_mapper_new(&m) < 0)
			goto oom;
		rc = cli_input_read(&in, argv + optind, argc - optind);
		if (rc)
			goto out;
		rc = EXIT_RUNTIME;
		r = collect_records(&rv, base, in.learn, m, &unknown);
	}
	if (r < 0)
		goto fail_r;
	/* qsort's base must not be NULL, even for no elements */
	if (rv.n > 1)
		qsort(rv.items, rv.n, sizeof(*rv.items), cmp_item);
	for (size_t i = 0; i < rv.n; i++)
		if (rv.items[i].n_users > 1)
			qsort(rv.items[i].users, rv.items[i].n_users, sizeof(*rv.items[i].users), cmp_user);
	if (unknown)
		log_warn("%llu record%s of syscalls libseccomp cannot name left out of the review",
			 (unsigned long long)unknown, unknown == 1 ? "" : "s");
	if (rv.n_expected)
		log_info("%zu syscall%s denied on purpose by the profile's rules (%llu record%s): expected, not asked",
			 rv.n_expected, rv.n_expected == 1 ? "" : "s", (unsigned long long)rv.expected,
			 rv.expected == 1 ? "" : "s");

	if (rv.n == 0) {
		log_info("nothing to review: no syscall is new%s", since ? " in these records" : " in NEW");
	} else {
		size_t groups = 0;

		for (size_t i = 0; i < rv.n; i++)
			groups += i == 0 || rv.items[i].rank != rv.items[i - 1].rank;
		if (ui_open(&ui, records_on_stdin) < 0)
			goto out;
		fprintf(stderr, "scmplog review: %zu new syscall%s in %zu group%s.  ? explains the answers.\n",
			rv.n, rv.n == 1 ? "" : "s", groups, groups == 1 ? "" : "s");
		r = ask(&rv, &ui);
		ui_close(&ui);
		if (r < 0)
			goto fail_r;
		if (r > 0) {
			log_error("review quit: nothing written");
			goto out;
		}
	}
	for (size_t i = 0; i < rv.n; i++)
		counts[rv.items[i].d]++;
	r = build_result(&rv, &result);
	if (r < 0)
		goto fail_r;
	if (cli_profile_write(&out, result) < 0)
		goto out;
	if (rv.n)
		log_info("review: %zu allowed, %zu denied, %zu skipped", counts[ALLOW], counts[DENY], counts[SKIP]);
	if (since)
		rc = cli_input_report(&in);
	else
		rc = EXIT_OK;
	goto out;
fail_r:
	if (r == -ENOMEM)
		goto oom;
	log_error("cannot review: %s", strerror(-r));
	goto out;
oom:
	log_error("out of memory");
	rc = EXIT_RUNTIME;
out:
	ui_close(&ui);
	review_free(&rv);
	scl_mapper_free(m);
	cli_input_free(&in);
	cli_profile_out_free(&out);
	return rc;
}
