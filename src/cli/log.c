/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

int cli_verbose;
int cli_quiet;

static int syslog_fd = -1;

int cli_log_syslog_open(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = "/dev/log" };
	int fd;

	if (syslog_fd >= 0)
		return 0;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	tzset();
	syslog_fd = fd;
	return 0;
}

/* "<PRI>Mmm dd hh:mm:ss scmplog[PID]: text", as glibc's syslog() sends it; a message that cannot go is dropped */
static void vsyslog_copy(int pri, const char *prefix, const char *fmt, va_list ap)
{
	char buf[2048], stamp[32];
	struct tm tm;
	time_t now = time(NULL);
	int n, k;

	if (!localtime_r(&now, &tm) || !strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm))
		stamp[0] = '\0';
	n = snprintf(buf, sizeof(buf), "<%d>%s scmplog[%d]: %s", LOG_DAEMON | pri, stamp, (int)getpid(),
		     prefix ? prefix : "");
	if (n < 0 || (size_t)n >= sizeof(buf))
		return;
	k = vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	if (k < 0)
		return;
	n += k;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	(void)send(syslog_fd, buf, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
}

static void vlog(int pri, const char *prefix, const char *fmt, va_list ap)
{
	if (syslog_fd >= 0) {
		va_list aq;

		va_copy(aq, ap);
		vsyslog_copy(pri, prefix, fmt, aq);
		va_end(aq);
	}
	fputs("scmplog: ", stderr);
	if (prefix)
		fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(LOG_ERR, NULL, fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(LOG_WARNING, "warning: ", fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;
	if (cli_quiet)
		return;
	va_start(ap, fmt);
	vlog(LOG_INFO, NULL, fmt, ap);
	va_end(ap);
}

void cli_put_escaped(FILE *f, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f || c == '\\') {
			fputc('\\', f);
			fputc('x', f);
			fputc(hex[c >> 4], f);
			fputc(hex[c & 15], f);
		} else {
			fputc(c, f);
		}
	}
}

int cli_finish_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout))
		return errno ? -errno : -EIO;
	return 0;
}
