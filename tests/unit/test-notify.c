/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scmplog/arch.h"
#include "scmplog/notify.h"
#include "scmplog/profile-io.h"
#include "scmplog/profile.h"
#include "unit-util.h"

/* What runc 1.1.5 sends (specs.ContainerProcessState), and variants. */
static const struct state_case {
	const char *json;
	int rc;
	const char *id;
	uint32_t errno_ret;
} state_cases[] = {
	{ "{\"ociVersion\":\"1.0.2-dev\",\"fds\":[\"seccompFd\"],\"pid\":4242,\"metadata\":\"errno=1\","
	  "\"state\":{\"ociVersion\":\"1.0.2-dev\",\"id\":\"web\",\"status\":\"running\",\"pid\":4243,"
	  "\"bundle\":\"/b\"}}", 0, "web", 1 },
	{ "{\"state\":{\"id\":\"a/b\"},\"metadata\":\"errno=38\"}", 0, "a/b", 38 },
	{ "{\"state\":{\"id\":\"x\"}}", 0, "x", 1 },
	{ "{\"state\":{\"id\":\"x\"},\"metadata\":\"\"}", 0, "x", 1 },
	{ "{\"state\":{\"id\":\"x\"},\"metadata\":null}", 0, "x", 1 },
	{ "{\"state\":{\"id\":\"x\"},\"metadata\":\"errno=4095\"}", 0, "x", 4095 },
	{ "{\"state\":{\"id\":\"x\"},\"metadata\":\"errno=4096\"}", -EINVAL, NULL, 0 },
	{ "{\"state\":{\"id\":\"x\"},\"metadata\":\"errno=0\"}", -EINVAL, NULL, 0 },
	{ "{\"state\":{\"id\":\"x\"},\"metadata\":\"errno=+1\"}", -EINVAL, NULL, 0 },
	{ "{\"state\":{\"id\":\"x\"},\"metadata\":\"errno=\"}", -EINVAL, NULL, 0 },
	{ "{\"state\":{\"id\":\"x\"},\"metadata\":\"team=web\"}", -EINVAL, NULL, 0 },
	{ "{\"state\":{\"id\":\"x\"},\"metadata\":7}", -EINVAL, NULL, 0 },
	{ "{\"state\":{\"id\":\"\"}}", -EINVAL, NULL, 0 },
	{ "{\"state\":{\"id\":\"a\\u0000b\"}}", -EINVAL, NULL, 0 },
	{ "{\"state\":{\"id\":7}}", -EINVAL, NULL, 0 },
	{ "{\"state\":{}}", -EINVAL, NULL, 0 },
	{ "{\"state\":[]}", -EINVAL, NULL, 0 },
	{ "[]", -EINVAL, NULL, 0 },
	{ "{\"state\":{\"id\":\"x\"}", -EINVAL, NULL, 0 },
	{ "", -EINVAL, NULL, 0 },
};

START_TEST(test_parse_state)
{
	const struct state_case *c = &state_cases[_i];
	static char untouched[] = "untouched";
	char *id = untouched;
	uint32_t e = 12345;

	ck_assert_int_eq(scl_notify_parse_state(c->json, strlen(c->json), &id, &e), c->rc);
	if (c->rc == 0) {
		ck_assert_str_eq(id, c->id);
		ck_assert_uint_eq(e, c->errno_ret);
		free(id);
	} else {
		ck_assert_str_eq(id, "untouched");
		ck_assert_uint_eq(e, 12345);
	}
}
END_TEST

START_TEST(test_format)
{
	scl_notify_denial d = {
		.sec = 1796539643, .msec = 46, .serial = 7, .pid = 21825,
		.auid = 4294967295U, .uid = 0, .gid = 0, .ses = 4294967295U,
		.arch = SCL_ARCH_X86_64, .nr = 83, .ip = 0x47b567, .action = SCL_ACT_ERRNO,
	};
	char buf[512];
	int n;

	strcpy(d.comm, "mkdir");
	strcpy(d.exe, "/bin/busybox");
	n = scl_notify_format(&d, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_str_eq(buf, "type=SECCOMP msg=audit(1796539643.046:7): auid=4294967295 uid=0 gid=0 "
			      "ses=4294967295 pid=21825 comm=\"mkdir\" exe=\"/bin/busybox\" sig=0 "
			      "arch=c000003e syscall=83 compat=0 ip=0x47b567 code=0x50000\n");
	ck_assert_uint_eq((size_t)n, strlen(buf));
	/* as the kernel: a space, a quote or a byte over 0x7e makes the string hex */
	strcpy(d.comm, "x y");
	strcpy(d.exe, "/a\"b");
	d.arch = 0x40000003;
	d.compat = 1;
	d.nr = 39;
	n = scl_notify_format(&d, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_ptr_nonnull(strstr(buf, " comm=782079 exe=2F612262 sig=0 arch=40000003 syscall=39 compat=1 "));
	ck_assert_int_eq(scl_notify_format(&d, buf, 40), -ENOBUFS);
	ck_assert_int_eq(scl_notify_format(&d, buf, (size_t)n), -ENOBUFS);
	ck_assert_int_eq(scl_notify_format(&d, buf, (size_t)n + 1), n);
}
END_TEST

static bool rule_has(const scl_profile_rule *r, const char *name)
{
	for (size_t i = 0; i < r->n_names; i++)
		if (!strcmp(r->names[i], name))
			return true;
	return false;
}

START_TEST(test_profile)
{
	scl_profile *p = NULL, *q = NULL;
	const char *enosys[] = { "clone3" };
	scl_profile_rule r = { .names = enosys, .n_names = 1, .action = SCL_ACT_ERRNO,
			       .has_errno_ret = true, .errno_ret = ENOSYS };
	const scl_profile_rule *nr;
	char *text = NULL;
	size_t len = 0, n = 0;
	FILE *f;

	ck_assert_int_eq(scl_profile_new(&p), 0);
	ck_assert_int_eq(scl_profile_set_default_action(p, SCL_ACT_ERRNO, 13), 0);
	ck_assert_int_ge(scl_profile_add_arch(p, SCL_ARCH_X86_64), 0);
	ck_assert_int_ge(scl_profile_allow(p, "read", 3), 0);
	ck_assert_int_ge(scl_profile_allow(p, "exit_group", 1), 0);
	ck_assert_int_eq(scl_profile_add_rule(p, &r), 0);
	ck_assert_int_eq(scl_notify_profile(p, "/run/l.sock", &q, &n), 0);

	ck_assert_uint_eq(scl_profile_default_action(q), SCL_ACT_ERRNO);
	ck_assert_uint_eq(scl_profile_default_errno(q), 13);
	ck_assert(scl_profile_allows(q, "read") && scl_profile_allows(q, "exit_group"));
	ck_assert_uint_eq(scl_profile_rule_count(q), 2);
	nr = scl_profile_rule_at(q, 1);
	ck_assert_uint_eq(nr->action, SCL_ACT_USER_NOTIF);
	ck_assert_uint_eq(nr->n_names, n);
	ck_assert(rule_has(nr, "mkdir") && rule_has(nr, "mkdirat") && rule_has(nr, "socket"));
	/* allowed, in another rule, or write (runc refuses NOTIFY for it): not notified */
	ck_assert(!rule_has(nr, "read") && !rule_has(nr, "clone3") && !rule_has(nr, "write"));
	/* the x86 and x32 names too (sub-architectures): waitpid is x86 only */
	ck_assert(rule_has(nr, "waitpid"));
	ck_assert_str_eq(scl_profile_listener_path(q), "/run/l.sock");
	ck_assert_str_eq(scl_profile_listener_metadata(q), "errno=13");

	f = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(scl_profile_write_oci(q, f), 0);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_ptr_nonnull(strstr(text, "  ],\n  \"listenerPath\": \"/run/l.sock\",\n"
					   "  \"listenerMetadata\": \"errno=13\",\n  \"syscalls\": [\n"));
	ck_assert_ptr_nonnull(strstr(text, "\"action\": \"SCMP_ACT_NOTIFY\""));
	ck_assert_ptr_null(strstr(text, "flags"));
	free(text);
	scl_profile_free(q);
	q = NULL;

	/* the flag alone */
	ck_assert_int_eq(scl_profile_set_report(p, true, NULL, NULL), 0);
	text = NULL;
	f = open_memstream(&text, &len);
	ck_assert_int_eq(scl_profile_write_oci(p, f), 0);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_ptr_nonnull(strstr(text, "  \"flags\": [\n    \"SECCOMP_FILTER_FLAG_LOG\"\n  ],\n  \"syscalls\""));
	ck_assert_ptr_null(strstr(text, "listener"));
	free(text);

	/* only ERRNO denials can be answered by a listener */
	ck_assert_int_eq(scl_profile_set_default_action(p, SCL_ACT_KILL_PROCESS, 0), 0);
	ck_assert_int_eq(scl_notify_profile(p, "/run/l.sock", &q, &n), -EOPNOTSUPP);
	ck_assert_ptr_null(q);
	scl_profile_free(p);
}
END_TEST

/*
 * The whole exchange as runc does it, unprivileged: a child loads a filter
 * that notifies mkdir, connects to the listener's socket and sends the
 * state with the notification fd; the listener accepts, answers mkdir with
 * EACCES and describes it.
 */
START_TEST(test_exchange)
{
	char dir[] = "/tmp/scl-notify-XXXXXX", path[128], buf[4096], *id = NULL;
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	scl_notify_denial d;
	uint32_t e = 0;
	int lfd, nfd = -1, status, r = 0;
	size_t n = 0;
	pid_t pid;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/l.sock", dir);
	strcpy(a.sun_path, path);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	ck_assert_int_ge(lfd, 0);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(lfd, 4), 0);
	ck_assert_int_eq(scl_notify_accept(lfd, 100, buf, sizeof(buf), &n, &nfd), -EAGAIN);

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		static char state[] = "{\"state\":{\"id\":\"ctr 1\"},\"metadata\":\"errno=13\"}";
		union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(int))]; } ctl;
		struct iovec iov = { .iov_base = state, .iov_len = sizeof(state) - 1 };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b,
				      .msg_controllen = sizeof(ctl.b) };
		scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
		struct cmsghdr *h;
		int fd, c;

		if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(mkdir), 0) < 0 ||
		    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_load(ctx) < 0)
			_exit(100);
		fd = seccomp_notify_fd(ctx);
		c = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0 || c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) < 0)
			_exit(101);
		h = CMSG_FIRSTHDR(&msg);
		if (!h)
			_exit(105);
		h->cmsg_level = SOL_SOCKET;
		h->cmsg_type = SCM_RIGHTS;
		h->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(h), &fd, sizeof(int));
		if (sendmsg(c, &msg, 0) < 0)
			_exit(102);
		close(fd);
		/* waits for the listener's answer */
		if (mkdir("/tmp/scl-notify-never", 0700) == 0)
			_exit(103);
		_exit(errno == EACCES ? 0 : 104);
	}
	for (int i = 0; i < 500; i++) {
		r = scl_notify_accept(lfd, 5000, buf, sizeof(buf), &n, &nfd);
		if (r != -EAGAIN)
			break;
		usleep(10000);
	}
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(scl_notify_parse_state(buf, n, &id, &e), 0);
	ck_assert_str_eq(id, "ctr 1");
	ck_assert_uint_eq(e, 13);
	r = 0;
	while (r == 0)
		r = scl_notify_handle(nfd, e, &d);
	ck_assert_int_eq(r, 1);
	ck_assert_int_eq(d.pid, pid);
	ck_assert_int_eq(d.nr, SCMP_SYS(mkdir));
	ck_assert_uint_eq(d.arch, scl_arch_native());
	ck_assert_uint_eq(d.uid, getuid());
	ck_assert_uint_eq(d.action, SCL_ACT_ERRNO);
	ck_assert_int_ne(d.exe[0], '?');
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	free(id);
	close(nfd);
	close(lfd);
	unlink(path);
	rmdir(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("notify");
	TCase *tc = tcase_create("notify");

	tcase_add_loop_test(tc, test_parse_state, 0, (int)(sizeof(state_cases) / sizeof(state_cases[0])));
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_profile);
	tcase_add_test(tc, test_exchange);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return unit_run_suite(s);
}
