/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SECCOMP records as `ausearch -i` prints them (audit-userspace
 * src/ausearch-report.c, auparse/interpret.c), the form most documents and bug
 * reports show:
 *
 *   type=SECCOMP msg=audit(08/22/2022 17:15:56.273:401) : auid=unset uid=root
 *   gid=root ses=unset pid=3443 comm=hakoniwa exe=/usr/bin/hakoniwa sig=SIGSYS
 *   arch=x86_64 syscall=execve compat=0 ip=0x7fb5638f2d1b code=log
 *
 * The time is localtime() of the record's epoch seconds, formatted with
 * strftime("%x %T") after setlocale(LC_ALL, ""): the date follows the
 * locale's D_FMT (C: 08/22/22, en_US: 08/22/2022) and the zone is TZ or
 * /etc/localtime, as here.  comm= and exe= are decoded and unquoted (they may
 * hold spaces); ids are user names, sig/arch/syscall/code names.  Names are
 * mapped back; what cannot be (a user name from another machine) is left out
 * of the record, what the profile needs (syscall, arch, action) skips it.
 */
#include <errno.h>
#include <langinfo.h>
#include <libaudit.h>
#include <locale.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "scmplog/arch.h"
#include "scmplog/limits.h"
#include "scmplog/num.h"
#include "util.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))

static char locale_dfmt[32] = "%m/%d/%y";
/* comm and exe with auparse's escapes undone (tty_escape: "\\033" for a control byte, "\\\\") */
static __thread char comm_buf[SCL_MAX_COMM + 1], exe_buf[SCL_MAX_EXE + 1];
static pthread_once_t locale_once = PTHREAD_ONCE_INIT;

/* The date format ausearch would use here: D_FMT of LC_TIME from the environment. */
static void locale_init(void)
{
	locale_t loc = newlocale(LC_TIME_MASK, "", (locale_t)0);
	const char *f;

	if (loc == (locale_t)0)
		return;
	f = nl_langinfo_l(D_FMT, loc);
	if (f && *f && strlen(f) < sizeof(locale_dfmt))
		memcpy(locale_dfmt, f, strlen(f) + 1);
	freelocale(loc);
}

static int digits(const char **pp, const char *end, size_t min, size_t max, int *out)
{
	const char *q = *pp;
	uint64_t v;
	size_t k = 0;

	while (q + k < end && k < max && q[k] >= '0' && q[k] <= '9')
		k++;
	if (k < min || scl_parse_u64(q, k, 9999, &v) < 0)
		return -1;
	*out = (int)v;
	*pp = q + k;
	return 0;
}

/* The strftime() conversions a D_FMT uses; the whole of s[0..n) must match. */
static int date_match(const char *fmt, const char **pp, const char *end, int *y, int *mo, int *d, int depth)
{
	const char *q = *pp;

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			if (q >= end || *q != *fmt)
				return -1;
			q++;
			continue;
		}
		fmt++;
		if (*fmt == 'E' || *fmt == 'O')
			fmt++; /* alternative representations: the same digits here */
		switch (*fmt) {
		case 'm':
			if (digits(&q, end, 1, 2, mo) < 0)
				return -1;
			break;
		case 'e':
			if (q < end && *q == ' ')
				q++;
			/* fall through */
		case 'd':
			if (digits(&q, end, 1, 2, d) < 0)
				return -1;
			break;
		case 'y':
			if (digits(&q, end, 2, 2, y) < 0)
				return -1;
			*y += *y < 69 ? 2000 : 1900; /* POSIX strptime's rule */
			break;
		case 'Y':
			if (digits(&q, end, 4, 4, y) < 0)
				return -1;
			break;
		case 'D':
		case 'F':
			if (depth || date_match(*fmt == 'D' ? "%m/%d/%y" : "%Y-%m-%d", &q, end, y, mo, d, 1) < 0)
				return -1;
			break;
		default:
			return -1;
		}
	}
	*pp = q;
	return 0;
}

/*
 * "DATE" in the locale's format, else the common ones (a log read on another
 * machine): en_US and C first, then ISO and the German form.  dd/mm/yyyy is
 * taken only from the locale: it reads as mm/dd as often as not.
 */
static int parse_date(const char *s, size_t n, int *y, int *mo, int *d)
{
	static const char *const fallback[] = { "%m/%d/%Y", "%m/%d/%y", "%Y-%m-%d", "%d.%m.%Y" };
	const char *end = s + n, *q;

	pthread_once(&locale_once, locale_init);
	q = s;
	if (date_match(locale_dfmt, &q, end, y, mo, d, 0) == 0 && q == end)
		goto ok;
	for (size_t i = 0; i < ELEMENTSOF(fallback); i++) {
		q = s;
		if (date_match(fallback[i], &q, end, y, mo, d, 0) == 0 && q == end)
			goto ok;
	}
	return -1;
ok:
	return *mo >= 1 && *mo <= 12 && *d >= 1 && *d <= 31 ? 0 : -1;
}

/*
 * Local wall-clock time to epoch seconds with the rules localtime() used (TZ,
 * /etc/localtime).  A time that occurs twice (the hour a DST change repeats)
 * is ambiguous: the earlier instant is taken and *ambiguous set.  A time that
 * never occurs (the hour skipped) is an error.
 */
static int local_epoch(int y, int mo, int d, int h, int mi, int s, uint64_t *ret, bool *ambiguous)
{
	time_t found[2];
	int nfound = 0;

	for (int dst = 0; dst <= 1; dst++) {
		struct tm tm = { 0 }, chk;
		time_t t;
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d;
		tm.tm_hour = h;
		tm.tm_min = mi;
		tm.tm_sec = s;
		tm.tm_isdst = dst;
		t = mktime(&tm);
		if (t == (time_t)-1 || t < 0 || !localtime_r(&t, &chk))
			continue;
		if (chk.tm_year != y - 1900 || chk.tm_mon != mo - 1 || chk.tm_mday != d || chk.tm_hour != h ||
		    chk.tm_min != mi || chk.tm_sec != s)
			continue;
		if (nfound == 0 || found[0] != t)
			found[nfound++] = t;
	}
	if (nfound == 0)
		return -1;
	*ambiguous = nfound == 2;
	*ret = (uint64_t)(nfound == 2 ? MIN(found[0], found[1]) : found[0]);
	return 0;
}

/* "audit(DATE HH:MM:SS.MSEC:SERIAL) : " -> bytes consumed; 0: not this form; -1: this form, bad. */
static long parse_header(const char *p, size_t n, scl_record *rec)
{
	const char *end = p + n, *q = p + 6, *close, *sp, *t;
	int y = 0, mo = 0, d = 0, h, mi, s, ms;
	uint64_t serial, sec;
	bool ambiguous = false;

	close = memchr(q, ')', MIN(n - 6, 64));
	if (!close)
		return 0;
	sp = memchr(q, ' ', (size_t)(close - q));
	if (!sp)
		return 0;
	t = sp + 1;
	if (close - t < 14 || t[2] != ':' || t[5] != ':' || t[8] != '.' || t[12] != ':')
		return -1;
	if (scl_parse_u64(t + 13, (size_t)(close - t - 13), UINT64_MAX, &serial) < 0)
		return -1;
	{
		const char *c = t;
		if (digits(&c, t + 2, 2, 2, &h) < 0 || (c = t + 3, digits(&c, t + 5, 2, 2, &mi) < 0) ||
		    (c = t + 6, digits(&c, t + 8, 2, 2, &s) < 0) || (c = t + 9, digits(&c, t + 12, 3, 3, &ms) < 0))
			return -1;
	}
	if (h > 23 || mi > 59 || s > 60)
		return -1;
	if (parse_date(q, (size_t)(sp - q), &y, &mo, &d) < 0 || local_epoch(y, mo, d, h, mi, s, &sec, &ambiguous) < 0)
		return -1;
	rec->time_sec = sec;
	rec->time_msec = (uint32_t)ms;
	rec->serial = serial;
	rec->fields |= SCL_F_TIME | SCL_F_TIME_LOCAL | (ambiguous ? SCL_F_TIME_AMBIGUOUS : 0);
	q = close + 1;
	/* ausearch prints ") : "; accept "): " too */
	if (q < end && *q == ' ')
		q++;
	if (q >= end || *q != ':')
		return -1;
	q++;
	while (q < end && *q == ' ')
		q++;
	return q - p;
}

static bool eq(const char *v, size_t n, const char *lit)
{
	return n == strlen(lit) && !memcmp(v, lit, n);
}

/* "NAME(N)" as auparse prints what it cannot name: N into *out. */
static bool unknown_form(const char *v, size_t n, const char *name, bool hex, uint64_t *out)
{
	size_t l = strlen(name);

	if (n < l + 3 || memcmp(v, name, l) || v[l] != '(' || v[n - 1] != ')')
		return false;
	v += l + 1;
	n -= l + 2;
	if (hex)
		return scl_parse_0x64(v, n, UINT32_MAX, out) == 0 || scl_parse_x64(v, n, UINT32_MAX, out) == 0;
	return scl_parse_u64(v, n, UINT32_MAX, out) == 0;
}

/* auid/uid/gid/ses: a number, "unset", "root", "unknown(N)"; false for a name (left out). */
static bool id_value(const char *v, size_t n, uint32_t *out)
{
	uint64_t x;

	if (eq(v, n, "unset")) {
		*out = UINT32_MAX;
		return true;
	}
	if (eq(v, n, "root")) {
		*out = 0;
		return true;
	}
	if (scl_parse_u64(v, n, UINT32_MAX, &x) == 0 || unknown_form(v, n, "unknown", false, &x)) {
		*out = (uint32_t)x;
		return true;
	}
	return false;
}

static const char *const signames[32] = {
	"SIG0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
	"SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
	"SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
	"SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
};

/* lib/machinetab.h: the machine names ausearch prints for arch= (EM_ARM of either byte order is "armeb") */
static const struct {
	const char *name;
	uint32_t token;
} machines[] = {
	{ "x86_64", 0xc000003eU }, { "i386", 0x40000003U }, { "i486", 0x40000003U }, { "i586", 0x40000003U },
	{ "i686", 0x40000003U }, { "aarch64", 0xc00000b7U }, { "armv8l", 0xc00000b7U }, { "armeb", 0x40000028U },
	{ "arm", 0x40000028U }, { "armv5tejl", 0x40000028U }, { "armv5tel", 0x40000028U },
	{ "armv6l", 0x40000028U }, { "armv7l", 0x40000028U }, { "ppc64le", 0xc0000015U },
	{ "ppc64", 0x80000015U }, { "ppc", 0x00000014U }, { "s390x", 0x80000016U }, { "s390", 0x00000016U },
	{ "riscv64", 0xc00000f3U }, { "riscv32", 0x400000f3U }, { "loongarch64", 0xc0000102U },
};

static bool arch_value(const char *v, size_t n, uint32_t *out)
{
	uint64_t x;

	for (size_t i = 0; i < ELEMENTSOF(machines); i++)
		if (eq(v, n, machines[i].name)) {
			*out = machines[i].token;
			return true;
		}
	if (unknown_form(v, n, "unknown-elf-type", true, &x) || (n <= 8 && scl_parse_x64(v, n, UINT32_MAX, &x) == 0)) {
		*out = (uint32_t)x;
		return true;
	}
	return false;
}

/* auparse/seccomptab.h names, the "kill" of audit before 2.8, and the underscore spellings of docs */
static const struct {
	const char *name;
	uint32_t code;
} actions[] = {
	{ "kill-process", SCL_ACT_KILL_PROCESS }, { "kill_process", SCL_ACT_KILL_PROCESS },
	{ "kill-thread", SCL_ACT_KILL_THREAD }, { "kill_thread", SCL_ACT_KILL_THREAD }, { "kill", SCL_ACT_KILL_THREAD },
	{ "trap", SCL_ACT_TRAP }, { "errno", SCL_ACT_ERRNO }, { "user-notify", SCL_ACT_USER_NOTIF },
	{ "user_notif", SCL_ACT_USER_NOTIF }, { "trace", SCL_ACT_TRACE }, { "log", SCL_ACT_LOG },
};

static int code_value(scl_record *rec, const char *v, size_t n)
{
	uint64_t x;

	for (size_t i = 0; i < ELEMENTSOF(actions); i++)
		if (eq(v, n, actions[i].name))
			return scl_record_set_code(rec, actions[i].code);
	if (unknown_form(v, n, "unknown-seccomp-code", true, &x) || scl_parse_0x64(v, n, UINT32_MAX, &x) == 0)
		return scl_record_set_code(rec, (uint32_t)x);
	return -2;
}

/* auparse's tty escapes undone into buf; -1 for a NUL, -2 when it does not fit. */
static int unescape(const char *v, size_t n, char *buf, size_t size, size_t *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c == '\\' && i + 1 < n && v[i + 1] == '\\') {
			i++;
		} else if (c == '\\' && i + 3 < n && v[i + 1] >= '0' && v[i + 1] <= '3' && v[i + 2] >= '0' &&
			   v[i + 2] <= '7' && v[i + 3] >= '0' && v[i + 3] <= '7') {
			c = (unsigned char)((v[i + 1] - '0') << 6 | (v[i + 2] - '0') << 3 | (v[i + 3] - '0'));
			i += 3;
		}
		if (c == 0)
			return -1;
		if (o + 1 >= size)
			return -2;
		buf[o++] = (char)c;
	}
	*out = o;
	return 0;
}

/*
 * Syscall names are libaudit's (ausearch printed them with
 * audit_syscall_to_name()): pread, not libseccomp's pread64; i386's socket
 * is its direct syscall 359.  libseccomp's names are the fallback.
 */
static int syscall_number(uint32_t arch, const char *name, uint32_t *nr)
{
	int machine = audit_elf_to_machine(arch), r;

	if (machine >= 0 && (r = audit_name_to_syscall(name, machine)) >= 0) {
		*nr = (uint32_t)r;
		return 0;
	}
	return scl_arch_syscall_number(arch, name, nr);
}

enum { A_NONE, A_AUID, A_UID, A_GID, A_SES, A_PID, A_COMM, A_EXE, A_SIG, A_ARCH, A_SYSCALL, A_COMPAT, A_IP,
       A_CODE, A_SUBJ };

static int key_id(const char *k, size_t n)
{
	static const char *const names[] = { "", "auid", "uid", "gid", "ses", "pid", "comm", "exe", "sig",
					     "arch", "syscall", "compat", "ip", "code", "subj" };
	for (size_t i = 1; i < ELEMENTSOF(names); i++)
		if (eq(k, n, names[i]))
			return (int)i;
	return A_NONE;
}

#define BAD(reason)                                                    \
	do {                                                           \
		*why = (reason);                                       \
		scl_record_set_skip_key(ks, (size_t)(ve - ks));        \
		return -1;                                             \
	} while (0)

int scl_ausearch_body(const char *p, size_t n, scl_record *rec, scl_skip_reason *why)
{
	const char *end = p + n, *q, *sys = NULL, *sys_key = NULL;
	size_t sys_n = 0;
	long off;

	*why = SCL_SKIP_NONE;
	if (n < 8 || !STARTSWITH(p, n, "audit("))
		return -1;
	off = parse_header(p, n, rec);
	if (off == 0)
		return -1;
	if (off < 0) {
		const char *c = memchr(p, ')', MIN(n, 72));
		*why = SCL_SKIP_BAD_HEADER;
		scl_record_set_skip_key(p, c ? (size_t)(c - p + 1) : MIN(n, 40));
		return -1;
	}
	q = p + off;
	while (q < end) {
		const char *ks = q, *eqs, *v, *ve;
		int id;
		uint64_t x;

		eqs = memchr(q, '=', (size_t)(end - q));
		ve = memchr(q, ' ', (size_t)(end - q));
		if (!ve)
			ve = end;
		if (!eqs || eqs > ve || eqs == q)
			BAD(SCL_SKIP_BAD_FIELD);
		id = key_id(q, (size_t)(eqs - q));
		v = eqs + 1;
		if (id == A_COMM || id == A_EXE || id == A_SUBJ) {
			/* printed decoded, may hold spaces: up to the key that follows it */
			const char *next = id == A_COMM ? " exe=" : id == A_EXE ? " sig=" : " pid=";
			const char *e = memmem(v, (size_t)(end - v), next, 5);
			ve = e ? e : ve;
		} else if (v < end && (*v == '"' || *v == '\'')) {
			const char *e = memchr(v + 1, *v, (size_t)(end - v - 1));
			if (!e)
				BAD(SCL_SKIP_TRUNCATED);
			ve = e + 1;
		}
		{
			const char *vv = v;
			size_t vn = (size_t)(ve - v);
			if (vn >= 2 && (*vv == '"' || *vv == '\'') && vv[vn - 1] == *vv) {
				vv++;
				vn -= 2;
			}
			switch (id) {
			case A_AUID:
				if (id_value(vv, vn, &rec->auid))
					rec->fields |= SCL_F_AUID;
				break;
			case A_UID:
				if (id_value(vv, vn, &rec->uid))
					rec->fields |= SCL_F_UID;
				break;
			case A_GID:
				if (id_value(vv, vn, &rec->gid))
					rec->fields |= SCL_F_GID;
				break;
			case A_SES:
				if (id_value(vv, vn, &rec->ses))
					rec->fields |= SCL_F_SES;
				break;
			case A_PID:
				if (scl_parse_u64(vv, vn, UINT32_MAX, &x) < 0)
					BAD(SCL_SKIP_BAD_NUMBER);
				rec->pid = (uint32_t)x;
				rec->fields |= SCL_F_PID;
				break;
			case A_COMM:
			case A_EXE: {
				bool comm = id == A_COMM;
				if (memchr(vv, '\\', vn)) {
					char *buf = comm ? comm_buf : exe_buf;
					size_t dn;
					int u = unescape(vv, vn, buf, comm ? sizeof(comm_buf) : sizeof(exe_buf), &dn);
					if (u == -2)
						BAD(comm ? SCL_SKIP_COMM_TOO_LONG : SCL_SKIP_EXE_TOO_LONG);
					if (u < 0)
						BAD(SCL_SKIP_BAD_STRING);
					vv = buf;
					vn = dn;
				}
				if (vn > (comm ? SCL_MAX_COMM : SCL_MAX_EXE))
					BAD(comm ? SCL_SKIP_COMM_TOO_LONG : SCL_SKIP_EXE_TOO_LONG);
				if (comm) {
					rec->comm.p = vv;
					rec->comm.n = vn;
					rec->comm_hex = false;
					rec->fields |= SCL_F_COMM;
				} else {
					rec->exe.p = vv;
					rec->exe.n = vn;
					rec->exe_hex = false;
					rec->fields |= SCL_F_EXE;
				}
				break;
			}
			case A_SUBJ:
				rec->subj.p = vv;
				rec->subj.n = vn;
				rec->fields |= SCL_F_SUBJ;
				break;
			case A_SIG:
				if (scl_parse_u64(vv, vn, UINT32_MAX, &x) == 0 || unknown_form(vv, vn, "unknown-signal", false, &x)) {
					rec->sig = (uint32_t)x;
					rec->fields |= SCL_F_SIG;
				} else {
					for (uint32_t i = 0; i < ELEMENTSOF(signames); i++)
						if (eq(vv, vn, signames[i])) {
							rec->sig = i;
							rec->fields |= SCL_F_SIG;
						}
				}
				break;
			case A_ARCH:
				if (!arch_value(vv, vn, &rec->arch))
					BAD(SCL_SKIP_BAD_NAME);
				rec->fields |= SCL_F_ARCH;
				break;
			case A_SYSCALL:
				sys = vv;
				sys_n = vn;
				sys_key = ks;
				break;
			case A_COMPAT:
				if (scl_parse_u64(vv, vn, 1, &x) < 0)
					BAD(SCL_SKIP_BAD_NUMBER);
				rec->compat = (uint32_t)x;
				rec->fields |= SCL_F_COMPAT;
				break;
			case A_IP:
				if (scl_parse_0x64(vv, vn, UINT64_MAX, &x) < 0)
					BAD(SCL_SKIP_BAD_NUMBER);
				rec->ip = x;
				rec->fields |= SCL_F_IP;
				break;
			case A_CODE: {
				int r = code_value(rec, vv, vn);
				if (r == -2)
					BAD(SCL_SKIP_BAD_NAME);
				if (r < 0)
					BAD(SCL_SKIP_BAD_CODE);
				break;
			}
			default:
				break;
			}
		}
		q = ve;
		while (q < end && *q == ' ')
			q++;
	}
	if (!(rec->fields & SCL_F_CODE)) {
		*why = SCL_SKIP_TRUNCATED;
		scl_record_set_skip_key("code=", 5);
		return -1;
	}
	if (!sys) {
		*why = SCL_SKIP_BAD_SYSCALL;
		scl_record_set_skip_key("syscall=", 8);
		return -1;
	}
	if (scl_record_finish_arch(rec, why) < 0)
		return -1;
	{
		const char *ks = sys_key, *ve = sys + sys_n;
		char name[SCL_MAX_SYSCALL_NAME + 1];
		uint64_t x;
		size_t nn = sys_n;
		const char *paren;

		/* "unknown-syscall(N)": N is the number as logged, -1 included */
		if (sys_n > 17 && !memcmp(sys, "unknown-syscall(", 16) && sys[sys_n - 1] == ')') {
			sys += 16;
			sys_n -= 17;
		}
		if (scl_parse_u64(sys, sys_n, UINT32_MAX, &x) == 0) {
			rec->syscall = (uint32_t)x;
		} else if (sys_n > 1 && sys[0] == '-' && scl_parse_u64(sys + 1, sys_n - 1, 0x80000000ULL, &x) == 0) {
			rec->syscall = (uint32_t)(0 - x);
		} else {
			uint32_t nr;
			/* "socketcall(socket)", "ipc(semop)": the syscall is before the parenthesis */
			paren = memchr(sys, '(', sys_n);
			if (paren)
				nn = (size_t)(paren - sys);
			if (nn == 0 || nn > SCL_MAX_SYSCALL_NAME)
				BAD(SCL_SKIP_BAD_NAME);
			memcpy(name, sys, nn);
			name[nn] = '\0';
			if (syscall_number(rec->arch, name, &nr) < 0)
				BAD(SCL_SKIP_BAD_NAME);
			rec->syscall = nr;
		}
		rec->fields |= SCL_F_SYSCALL;
	}
	return 0;
}
