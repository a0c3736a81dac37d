/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli/cli-notify.h"

static int notify_fd = -1;
static struct sockaddr_un notify_addr;
static socklen_t notify_len;

int cli_notify_open(void)
{
	const char *e = getenv("NOTIFY_SOCKET");
	size_t n;

	if (notify_fd >= 0)
		return 0;
	if (!e || !*e)
		return 0;
	n = strlen(e);
	if ((e[0] != '/' && e[0] != '@') || n >= sizeof(notify_addr.sun_path))
		return -EINVAL;
	memset(&notify_addr, 0, sizeof(notify_addr));
	notify_addr.sun_family = AF_UNIX;
	memcpy(notify_addr.sun_path, e, n);
	if (e[0] == '@')
		notify_addr.sun_path[0] = '\0';
	notify_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (e[0] == '/'));
	notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (notify_fd < 0)
		return -errno;
	return 0;
}

int cli_notify_enabled(void)
{
	return notify_fd >= 0;
}

int cli_notify(const char *msg)
{
	ssize_t n;

	if (notify_fd < 0)
		return 0;
	do
		n = sendto(notify_fd, msg, strlen(msg), MSG_NOSIGNAL, (const struct sockaddr *)&notify_addr, notify_len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : 0;
}

void cli_notify_close(void)
{
	if (notify_fd >= 0)
		close(notify_fd);
	notify_fd = -1;
}
