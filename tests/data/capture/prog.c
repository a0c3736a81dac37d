/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A few syscalls; built static for x86_64, i386 (-m32) and, where possible, x32. */
#include <sys/utsname.h>
#include <unistd.h>

int main(void)
{
	struct utsname u;
	static const char msg[] = "prog: hello\n";

	uname(&u);
	(void)getpid();
	(void)!write(1, msg, sizeof(msg) - 1);
	return 0;
}
