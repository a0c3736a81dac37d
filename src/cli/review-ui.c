/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * scmplog review's questions (review.h): one key at a time on the terminal
 * (raw mode, put back on exit and on a fatal signal), or one line at a time
 * from stdin when it is not a terminal.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/review.h"
#include "lib/util.h"
#include "scmplog/arch.h"
#include "scmplog/syscall-groups.h"

static volatile sig_atomic_t raw_fd = -1;
static struct termios raw_saved;

static void restore_and_die(int sig)
{
	if (raw_fd >= 0)
		tcsetattr(raw_fd, TCSANOW, &raw_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

int review_ui_open(struct review_ui *u, bool records_on_stdin)
{
	*u = (struct review_ui){ .fd = -1 };
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

void review_ui_close(struct review_ui *u)
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
static int read_key(struct review_ui *u)
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
		fprintf(stderr, "%s%s", k ? ", " : "", review_arch_name(it->arches[k]));
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

int review_ask(struct review *r, struct review_ui *u)
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
