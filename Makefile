# scmplog — one flat GNU Makefile.  `make help` lists the targets.
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
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
ifeq ($(NEED_PKGS),1)
pkgs_missing = $(strip $(foreach p,$(PKGS) $(TEST_PKGS),$(if $(shell $(PKG_CONFIG) --exists $(p) 2>/dev/null && echo y),,$(p))))
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

.PHONY: deps all check check-unit check-cli check-live check-demo check-asan install uninstall clean fuzz bench help demo lint deb rpm
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

$(BIN): $(CLI_OBJ) $(LIBA)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIBA) $(DEP_LIBS)

$(BUILD)/tests/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(DEP_CFLAGS) $(CHECK_CFLAGS) $(CFLAGS) -Wno-missing-prototypes -c -o $@ $<

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(BUILD)/tests/unit-util.o $(LIBA)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/tests/unit-util.o $(LIBA) $(DEP_LIBS) $(CHECK_LIBS)

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

check-cli: $(BIN)
	@SCMPLOG=$(abspath $(BIN)) bash tests/cli/run.sh

check-live: $(BIN)
	@SCMPLOG=$(abspath $(BIN)) bash tests/live/run.sh

# The CI recipe's steps on tests/demo's vulnerable service: learn, gate,
# enforce, attack.  Root and the real kernel; skipped loudly (77) otherwise.
check-demo: $(BIN)
	@SCMPLOG=$(abspath $(BIN)) bash tests/demo/run.sh; rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 77 ]

check-asan:
	@echo "== unit + cli suites under ASan/UBSan ($(BUILD)-asan)"
	$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD)-asan SANITIZE=address,undefined OPT="-O1 -g" check-unit check-cli

demo: deps
	@$(MAKE) --no-print-directory $(BIN)
	@SCMPLOG=$(abspath $(BIN)) bash tests/demo.sh

fuzz:
	$(Q)$(MAKE) --no-print-directory -f tests/fuzz/fuzz.mk fuzz-all

bench: $(BIN)
	@SCMPLOG=$(abspath $(BIN)) bash tests/bench/run.sh

# cppcheck does not model __attribute__((cleanup)): its memleak reports are
# about _cleanup_free_ variables.  Leaks are checked by ASan and valgrind.
lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability --inline-suppr \
		--suppress=missingIncludeSystem --suppress=memleak -Iinclude -Isrc src

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR)/scmplog/profiles \
		$(DESTDIR)$(DATADIR)/scmplog/ci $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(SYSTEMDUNITDIR)
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

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/scmplog
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(wildcard packaging/man/*.1)))
	rm -rf $(DESTDIR)$(DATADIR)/scmplog
	rm -f $(DESTDIR)$(BASHCOMPDIR)/scmplog $(DESTDIR)$(SYSTEMDUNITDIR)/scmplog-collect.service

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
	@echo "variables: PREFIX DESTDIR BASHCOMPDIR SYSTEMDUNITDIR WERROR=1 SANITIZE=address,undefined V=1"

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(UNIT_BIN:=.d)
