# scmplog — one flat GNU Makefile.  `make help` lists the targets.
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
# auditd reads its plugins' configuration there, whatever the prefix
AUDITPLUGINDIR ?= /etc/audit/plugins.d
DESTDIR    ?=

CC         ?= cc
PKG_CONFIG ?= pkg-config
BUILD      ?= build
WERROR     ?= 0
SANITIZE   ?=
V          ?= 0

PKGS := libseccomp audit json-c libsystemd zlib
TEST_PKGS := check

ifneq ($(filter-out clean help,$(MAKECMDGOALS)),)
NEED_PKGS := 1
endif
ifeq ($(MAKECMDGOALS),)
NEED_PKGS := 1
endif
# Check (TEST_PKGS) only for the goals that build the unit suites: `make`,
# `make install`, `make deb` build without it.
CHECK_GOALS := check check-unit check-asan $(BUILD)/tests/test-%
ifneq ($(filter $(CHECK_GOALS),$(MAKECMDGOALS)),)
NEED_PKGS_ALL := $(PKGS) $(TEST_PKGS)
else
NEED_PKGS_ALL := $(PKGS)
endif
ifeq ($(NEED_PKGS),1)
pkgs_missing = $(strip $(foreach p,$(NEED_PKGS_ALL),$(if $(shell $(PKG_CONFIG) --exists $(p) 2>/dev/null && echo y),,$(p))))
MISSING := $(pkgs_missing)
# `make check` and `make demo` set up a fresh machine themselves.
ifneq ($(MISSING),)
ifneq ($(filter check demo,$(MAKECMDGOALS)),)
$(info scmplog: missing build dependencies ($(MISSING)): running tests/install-deps.sh)
DEPS_RC := $(shell sh tests/install-deps.sh >&2; echo $$?)
MISSING := $(pkgs_missing)
endif
endif
ifneq ($(MISSING),)
$(error missing build dependencies (pkg-config): $(MISSING); on Debian/Ubuntu run: sudo sh tests/install-deps.sh)
endif
endif

WARNINGS := -Wall -Wextra -Wformat=2 -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
	-Wpointer-arith -Wcast-qual -Wwrite-strings -Wundef -Wvla -Wnull-dereference \
	-Wno-unused-parameter -Wno-missing-field-initializers
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif

OPT      ?= -O2 -g
CPPFLAGS += -Iinclude -Isrc -D_GNU_SOURCE -DSCMPLOG_VERSION=\"$(VERSION)\" \
	-DSCMPLOG_DATADIR=\"$(DATADIR)/scmplog\"
CFLAGS   += -std=gnu11 -pthread $(OPT) $(WARNINGS) -fno-strict-aliasing -MMD -MP
ifneq ($(SANITIZE),)
CFLAGS  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
endif
DEP_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
DEP_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -pthread
CHECK_CFLAGS := $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell $(PKG_CONFIG) --libs check 2>/dev/null)

ifeq ($(V),1)
Q :=
else
Q := @
endif

LIB_SRC  := $(sort $(wildcard src/lib/*.c))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test-*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
LIBA     := $(BUILD)/libscmplog.a
BIN      := $(BUILD)/scmplog

.PHONY: check-load self-profile check-self-profile deps all check check-unit check-cli check-live check-demo check-asan check-valgrind install uninstall clean fuzz bench help demo lint deb rpm
all: $(BIN) $(LIBA)

deps:
	-@sh tests/install-deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(DEP_CFLAGS) $(CFLAGS) -c -o $@ $<

$(LIBA): $(LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

# scmplog's own seccomp allowlist (src/cli/self-confine.c), built in from
# profiles/scmplog-self.json: the JSON text as a byte array.
SELF_PROFILE := profiles/scmplog-self.json
SELF_OBJ     := $(BUILD)/gen/self-profile.o
$(BUILD)/gen/self-profile.c: $(SELF_PROFILE)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q){ echo '/* generated from $(SELF_PROFILE) by the Makefile; do not edit */'; \
	  echo 'extern const char scl_self_profile_json[];'; \
	  echo 'extern const unsigned long scl_self_profile_json_len;'; \
	  echo 'const char scl_self_profile_json[] = {'; \
	  od -An -v -tx1 $< | sed -e 's/  */ /g' -e 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g' -e '/^ *$$/d'; \
	  echo '0x00 };'; \
	  echo 'const unsigned long scl_self_profile_json_len = sizeof(scl_self_profile_json) - 1;'; \
	} >$@.tmp && mv $@.tmp $@

$(SELF_OBJ): $(BUILD)/gen/self-profile.c
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BIN): $(CLI_OBJ) $(SELF_OBJ) $(LIBA)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(SELF_OBJ) $(LIBA) $(DEP_LIBS)

# Tests only: loads OCI profiles with libseccomp as runc and Docker do; every
# profile the CLI tests write goes through it (tests/cli/lib.sh).
LOAD_BIN := $(BUILD)/tests/load-profile
$(LOAD_BIN): tests/cli/load-profile.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CPPFLAGS) $(DEP_CFLAGS) $(CFLAGS) -o $@ $< $(LDFLAGS) $(DEP_LIBS)

$(BUILD)/tests/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(DEP_CFLAGS) $(CHECK_CFLAGS) $(CFLAGS) -Wno-missing-prototypes -c -o $@ $<

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(BUILD)/tests/unit-util.o $(LIBA)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/tests/unit-util.o $(LIBA) $(DEP_LIBS) $(CHECK_LIBS)

# The option parser is the CLI's: its suite links the parser and the log it writes to.
$(BUILD)/tests/test-options: $(BUILD)/tests/test-options.o $(BUILD)/tests/unit-util.o \
		$(BUILD)/src/cli/cli-options.o $(BUILD)/src/cli/log.o $(LIBA)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBA) $(DEP_LIBS) $(CHECK_LIBS)

$(BUILD)/tests/unit-util.o: tests/unit/unit-util.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(DEP_CFLAGS) $(CHECK_CFLAGS) $(CFLAGS) -Wno-missing-prototypes -c -o $@ $<

# `make check`: unit suites, CLI golden tests, live kernel tests (root), the demo
# (root), then the unit and CLI suites again under ASan/UBSan in a separate
# build directory.
check: deps
	@$(MAKE) --no-print-directory check-unit check-cli check-live check-demo check-asan
	@echo "make check: all suites passed"

check-unit: $(UNIT_BIN) $(BIN)
	@set -e; for t in $(UNIT_BIN); do \
		echo "== $$t"; SCL_TEST_DATA=tests/data CK_DEFAULT_TIMEOUT=60 $$t; done

check-cli: $(BIN) $(LOAD_BIN)
	@SCMPLOG=$(abspath $(BIN)) LOAD_PROFILE=$(abspath $(LOAD_BIN)) bash tests/cli/run.sh

check-live: $(BIN) $(LOAD_BIN)
	@SCMPLOG=$(abspath $(BIN)) LOAD_PROFILE=$(abspath $(LOAD_BIN)) bash tests/live/run.sh

# The CI recipe's steps on tests/demo's vulnerable service: learn, gate,
# enforce, attack.  Root and the real kernel; skipped loudly (77) otherwise.
check-demo: $(BIN)
	@SCMPLOG=$(abspath $(BIN)) bash tests/demo/run.sh; rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 77 ]

check-asan:
	@echo "== unit + cli suites under ASan/UBSan ($(BUILD)-asan)"
	$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD)-asan SANITIZE=address,undefined OPT="-O1 -g" check-unit check-cli

# `make check-valgrind`: the main commands on the fixtures under valgrind (no
# root): an invalid read or write, a use of uninitialised memory, or a
# definite or indirect leak fails, as does an unexpected exit status.  The
# ERROR SUMMARY is checked too, so `diff` can exit 1 for "differ".  Logs and
# outputs in $(BUILD)/valgrind/.
VALGRIND ?= valgrind
VG_OPTS  := --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--show-leak-kinds=definite,indirect --num-callers=30
check-valgrind: $(BIN)
	@command -v $(VALGRIND) >/dev/null || { echo "scmplog: $(VALGRIND) not found (apt-get install valgrind)" >&2; exit 1; }
	@echo "== main commands under valgrind ($(BUILD)/valgrind)"
	@B=$(abspath $(BIN)); D=tests/data; P=tests/data/profiles; W=$(BUILD)/valgrind; \
	rm -rf $$W; mkdir -p $$W/exe $$W/comm $$W/host; fails=0; n=0; \
	vg() { want=$$1; name=$$2; in=$$3; shift 3; n=$$((n + 1)); \
		$(VALGRIND) $(VG_OPTS) --log-file=$$W/$$name.vg "$$B" "$$@" <$$in >$$W/$$name.out 2>$$W/$$name.err; rc=$$?; \
		if [ $$rc -ne $$want ] || ! grep -q 'ERROR SUMMARY: 0 errors' $$W/$$name.vg; then \
			echo "FAIL $$name (exit $$rc, want $$want): scmplog $$*"; cat $$W/$$name.err $$W/$$name.vg; fails=$$((fails + 1)); \
		else echo "  ok    $$name"; fi; }; \
	gzip -c $$D/audit-raw.log >$$W/audit-raw.log.gz; \
	i=0; while [ $$i -lt 1200 ]; do cat $$D/audit-raw.log; i=$$((i + 1)); done >$$W/big.log; \
	printf 'a\nd\ns\nA\nD\n' >$$W/answers; \
	vg 0 build-raw /dev/null build $$D/audit-raw.log; \
	vg 0 build-enriched /dev/null build -f k8s --name web $$D/audit-enriched.log; \
	vg 0 build-dmesg /dev/null build -f systemd $$D/dmesg.log; \
	vg 0 build-kmsg-syslog /dev/null build $$D/kmsg.log $$D/syslog-rfc3339.log $$D/dmesg-raw.log; \
	vg 0 build-journal-text /dev/null build $$D/journal-export.txt $$D/journal-json.txt $$D/journal-short.txt; \
	vg 0 build-journal-file /dev/null build $$D/journal/seccomp.journal; \
	vg 0 build-gzip-stdin $$W/audit-raw.log.gz build; \
	vg 0 build-parallel /dev/null build -j 2 $$W/big.log; \
	vg 0 build-merge-stats /dev/null build --merge $$P/a.json --stats $$W/stats.json -o $$W/out.json $$D/audit-node.log; \
	vg 0 build-malformed /dev/null build --include-denied --allow-empty $$D/malformed.log $$D/foreign-arches.log; \
	vg 1 build-strict /dev/null build --strict $$D/malformed.log; \
	vg 0 build-select /dev/null build --comm gen --since 1795707000 --arch x86_64 $$D/audit-raw.log; \
	vg 1 build-missing /dev/null build $$W/no-such-file.log; \
	vg 2 build-usage /dev/null build --no-such-option; \
	vg 0 split-exe /dev/null build --split-by exe --out-dir $$W/exe $$D/audit-raw.log; \
	vg 0 split-comm /dev/null build --split-by comm --out-dir $$W/comm -f k8s $$D/dmesg.log; \
	vg 0 split-host /dev/null build --split-by host --out-dir $$W/host $$D/audit-node.log; \
	vg 0 explain /dev/null explain $$D/dmesg.log $$D/audit-raw.log; \
	vg 0 explain-all /dev/null explain --all $$D/journal/seccomp.journal; \
	vg 0 merge /dev/null merge $$P/a.json $$P/b.json $$P/rules.json; \
	vg 0 merge-k8s /dev/null merge -f k8s --name x $$P/merge-ab.json; \
	vg 1 merge-bad /dev/null merge $$P/a.json $$P/bad-syntax.json; \
	vg 0 diff-same /dev/null diff $$P/a.json $$P/a-reordered.json; \
	vg 1 diff-text /dev/null diff $$P/a.json $$P/b.json; \
	vg 1 diff-json /dev/null diff --format json $$P/rules.json $$P/b.json; \
	vg 0 log-profile /dev/null log-profile -a x86_64 -a aarch64; \
	vg 0 log-profile-known /dev/null log-profile --allow-known $$P/a.json -f systemd; \
	vg 0 resolve /dev/null resolve 59 read; \
	vg 0 resolve-aarch64 /dev/null resolve -a c00000b7 63 openat; \
	vg 0 resolve-all /dev/null resolve --all -a x32; \
	vg 0 resolve-arches /dev/null resolve --arches; \
	vg 1 resolve-unknown /dev/null resolve 99999 no_such_call; \
	vg 0 review $$W/answers review -o $$W/review.json $$P/a.json $$P/b.json; \
	vg 0 review-records $$W/answers review --since-profile $$P/a.json -o $$W/review2.json $$D/audit-raw.log; \
	if [ "$$(id -u)" = 0 ]; then \
		n=$$((n + 1)); \
		$(VALGRIND) $(VG_OPTS) --log-file=$$W/collect-live.vg "$$B" collect -v --no-self-confine --source multicast \
			--out-dir $$W/live --interval 1 >$$W/collect-live.out 2>$$W/collect-live.err & vp=$$!; \
		for i in $$(seq 100); do grep -q collecting $$W/collect-live.err 2>/dev/null && break; sleep 0.2; done; \
		"$$B" collect --help >/dev/null; "$$B" exec -q -p profiles/log-everything.json -- ls / >/dev/null; sleep 2; \
		kill -INT $$vp; wait $$vp; rc=$$?; \
		if [ $$rc -ne 0 ] || ! grep -q 'ERROR SUMMARY: 0 errors' $$W/collect-live.vg; then \
			echo "FAIL collect-live (exit $$rc, want 0): scmplog collect --source multicast (its reader thread)"; \
			cat $$W/collect-live.err $$W/collect-live.vg; fails=$$((fails + 1)); \
		else echo "  ok    collect-live"; fi; \
	else echo "  skip  collect-live: not root (the audit multicast group)"; fi; \
	echo "check-valgrind: $$n runs, $$fails failed"; [ $$fails -eq 0 ]

# `make self-profile` (root): learn scmplog's own allowlist again from the
# test suite (tests/self/learn.sh) into profiles/scmplog-self.json, then
# rebuild with it.  `make check-self-profile` (CI) learns the same way and
# fails, with `scmplog diff`, when the suite needed a syscall the shipped
# profile lacks (learn mode logs only those: the result is the shipped one
# plus what is new).
self-profile: $(BIN) $(LOAD_BIN)
	@SCMPLOG=$(abspath $(BIN)) bash tests/self/learn.sh $(BUILD)/self-profile.json
	@$(BIN) diff $(SELF_PROFILE) $(BUILD)/self-profile.json || true
	@cp $(BUILD)/self-profile.json $(SELF_PROFILE).tmp && mv $(SELF_PROFILE).tmp $(SELF_PROFILE)
	@$(MAKE) --no-print-directory $(BIN)
	@echo "self-profile: $(SELF_PROFILE) updated; review and commit it"

check-self-profile: $(BIN) $(LOAD_BIN)
	@SCMPLOG=$(abspath $(BIN)) LEARN_STRICT=1 bash tests/self/learn.sh $(BUILD)/self-profile-check.json
	@if $(BIN) diff $(SELF_PROFILE) $(BUILD)/self-profile-check.json; then \
		echo "check-self-profile: $(SELF_PROFILE) covers the suite"; \
	else echo "check-self-profile: the suite needs syscalls $(SELF_PROFILE) lacks (above): run 'sudo make self-profile'" >&2; exit 1; fi

# `make check-load` (root): the 60 s load test alone, tests/bench/bench-load.sh --test
# (`make check` runs it as the live test tests/live/test-collect-load.sh).
check-load: $(BIN)
	@SCMPLOG=$(abspath $(BIN)) bash tests/bench/bench-load.sh --test

demo: deps
	@$(MAKE) --no-print-directory $(BIN)
	@SCMPLOG=$(abspath $(BIN)) bash tests/demo.sh

fuzz:
	$(Q)$(MAKE) --no-print-directory -f tests/fuzz/fuzz.mk fuzz-all

bench: $(BIN)
	@SCMPLOG=$(abspath $(BIN)) bash tests/bench/run.sh

# cppcheck does not model __attribute__((cleanup)): its memleak reports are
# about _cleanup_free_ variables.  Leaks are checked by ASan and valgrind.
# Then clang-tidy (.clang-tidy: the checks, and why some are off) on every
# source with the build's flags, LINT_JOBS at a time; any finding fails.
# Diagnostics go to stdout; stderr only has clang-tidy's "N warnings
# generated" (system headers).
LINT_JOBS  ?= 2
CLANG_TIDY ?= clang-tidy
lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability --inline-suppr \
		--suppress=missingIncludeSystem --suppress=memleak -Iinclude -Isrc src
	@command -v $(CLANG_TIDY) >/dev/null || { echo "scmplog: $(CLANG_TIDY) not found (apt-get install clang-tidy)" >&2; exit 1; }
	@echo "  TIDY    src ($(words $(LIB_SRC) $(CLI_SRC)) files)"
	$(Q)printf '%s\n' $(LIB_SRC) $(CLI_SRC) | xargs -P $(LINT_JOBS) -I{} \
		$(CLANG_TIDY) --quiet {} -- -std=gnu11 $(CPPFLAGS) $(DEP_CFLAGS) 2>/dev/null

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR)/scmplog/profiles \
		$(DESTDIR)$(DATADIR)/scmplog/ci $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(SYSTEMDUNITDIR)
	install -d -m 0750 $(DESTDIR)$(AUDITPLUGINDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/scmplog
	for m in packaging/man/*.1; do \
		sed 's/@VERSION@/$(VERSION)/g' $$m >$(DESTDIR)$(MANDIR)/man1/$${m##*/} && \
		chmod 0644 $(DESTDIR)$(MANDIR)/man1/$${m##*/} || exit 1; done
	install -m 0644 profiles/*.json profiles/README.md $(DESTDIR)$(DATADIR)/scmplog/profiles/
	install -m 0755 packaging/ci/seccomp-ci.sh $(DESTDIR)$(DATADIR)/scmplog/ci/
	install -m 0644 packaging/bash-completion/scmplog $(DESTDIR)$(BASHCOMPDIR)/scmplog
	sed 's|@BINDIR@|$(BINDIR)|g' packaging/systemd/scmplog-collect.service \
		>$(DESTDIR)$(SYSTEMDUNITDIR)/scmplog-collect.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/scmplog-collect.service
	sed 's|@BINDIR@|$(BINDIR)|g' packaging/audit/scmplog.conf >$(DESTDIR)$(AUDITPLUGINDIR)/scmplog.conf
	chmod 0640 $(DESTDIR)$(AUDITPLUGINDIR)/scmplog.conf

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/scmplog
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(wildcard packaging/man/*.1)))
	rm -rf $(DESTDIR)$(DATADIR)/scmplog
	rm -f $(DESTDIR)$(BASHCOMPDIR)/scmplog $(DESTDIR)$(SYSTEMDUNITDIR)/scmplog-collect.service
	rm -f $(DESTDIR)$(AUDITPLUGINDIR)/scmplog.conf

# Packages, built from `make install DESTDIR=`: packaging/tools/build-*.sh.
deb:
	bash packaging/tools/build-deb.sh $(BUILD)/deb

rpm:
	bash packaging/tools/build-rpm.sh $(BUILD)/rpm

clean:
	rm -rf $(BUILD) $(BUILD)-asan build-fuzz

help:
	@echo "targets: all check install uninstall clean fuzz bench demo lint deb rpm help"
	@echo "  check runs check-unit check-cli check-live check-demo check-asan"
	@echo "  self-profile learns profiles/scmplog-self.json (root); check-self-profile checks it (CI)"
	@echo "variables: PREFIX DESTDIR BASHCOMPDIR SYSTEMDUNITDIR WERROR=1 SANITIZE=address,undefined V=1"

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(UNIT_BIN:=.d)
