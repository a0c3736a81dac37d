/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_CLI_NOTIFY_H
#define SCL_CLI_NOTIFY_H

/*
 * systemd's notification protocol (sd_notify(3)) on a socket opened once,
 * before the process confines itself: libsystemd's sd_notify() opens a new
 * socket for every message, which a confined scmplog may not do.
 *
 * cli_notify_open() reads NOTIFY_SOCKET (a path or '@abstract'); without it
 * cli_notify() does nothing.  Returns 0, or -errno (bad address, socket()).
 */
int cli_notify_open(void);
int cli_notify(const char *msg);
void cli_notify_close(void);
/* Whether NOTIFY_SOCKET was set (and usable) at cli_notify_open(). */
int cli_notify_enabled(void);

#endif
