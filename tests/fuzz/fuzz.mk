# `make fuzz`: build the libFuzzer harnesses with clang + ASan/UBSan and run
# each for FUZZ_SECONDS (default 60) over tests/fuzz/corpus/<name>, one after
# another.  New inputs go to $(FUZZ_BUILD)/new-<name>; FUZZ_MERGE=1 merges
# the ones that reach new code back into tests/fuzz/corpus/<name> (libFuzzer
# -merge=1 on edges only: with hit counters it keeps ten times the files for
# the same edges).  A crash, leak or UB report fails the target; the input is left
# in $(FUZZ_BUILD)/crash-*, leak-*, timeout-* (see tests/fuzz/README.md).
# FUZZ_HARNESSES=record,cgroup runs only those.
FUZZ_SECONDS ?= 60
FUZZ_MERGE ?= 0
FUZZ_MAX_LEN ?= 16384
FUZZ_BUILD := build-fuzz
CLANG ?= clang
PKGS := libseccomp audit json-c libsystemd zlib
SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FCFLAGS := -std=gnu11 -g -O1 $(SAN) -Wno-gnu-variable-sized-type-not-at-end \
	-Iinclude -Isrc -D_GNU_SOURCE -DSCMPLOG_VERSION=\"fuzz\" -DSCMPLOG_DATADIR=\"/nonexistent\" \
	$(shell pkg-config --cflags $(PKGS))
FLIBS := $(shell pkg-config --libs $(PKGS))
LIB_SRC := $(sort $(wildcard src/lib/*.c))
LIB_OBJ := $(LIB_SRC:src/lib/%.c=$(FUZZ_BUILD)/lib/%.o)
HEADERS := $(wildcard include/scmplog/*.h src/lib/*.h)
ALL_HARNESSES := $(patsubst tests/fuzz/fuzz-%.c,%,$(wildcard tests/fuzz/fuzz-*.c))
comma := ,
HARNESSES := $(if $(FUZZ_HARNESSES),$(subst $(comma), ,$(FUZZ_HARNESSES)),$(ALL_HARNESSES))

.PHONY: fuzz-all fuzz-build
.SECONDARY: $(LIB_OBJ)
fuzz-build: $(HARNESSES:%=$(FUZZ_BUILD)/fuzz-%)

fuzz-all: fuzz-build
	@set -e; for h in $(HARNESSES); do \
		mkdir -p tests/fuzz/corpus/$$h $(FUZZ_BUILD)/new-$$h; \
		echo "== fuzz $$h for $(FUZZ_SECONDS)s"; \
		rc=0; $(FUZZ_BUILD)/fuzz-$$h -max_total_time=$(FUZZ_SECONDS) -max_len=$(FUZZ_MAX_LEN) -timeout=10 \
			-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/ \
			$(FUZZ_BUILD)/new-$$h tests/fuzz/corpus/$$h >$(FUZZ_BUILD)/fuzz-$$h.log 2>&1 || rc=$$?; \
		if [ $$rc -ne 0 ]; then cat $(FUZZ_BUILD)/fuzz-$$h.log | tail -n 80; \
			echo "fuzz $$h: FAILED (exit $$rc), log $(FUZZ_BUILD)/fuzz-$$h.log" >&2; exit $$rc; fi; \
		grep -E '^#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb' $(FUZZ_BUILD)/fuzz-$$h.log || true; \
		if [ "$(FUZZ_MERGE)" = 1 ]; then \
			echo "== merge $$h into tests/fuzz/corpus/$$h"; \
			$(FUZZ_BUILD)/fuzz-$$h -merge=1 -use_counters=0 -max_len=$(FUZZ_MAX_LEN) -artifact_prefix=$(FUZZ_BUILD)/ \
				tests/fuzz/corpus/$$h $(FUZZ_BUILD)/new-$$h 2>&1 | grep -E 'MERGE-OUTER: [0-9]+ new files' || true; \
		fi; \
	done

$(FUZZ_BUILD)/lib/%.o: src/lib/%.c $(HEADERS)
	@mkdir -p $(FUZZ_BUILD)/lib
	$(CLANG) $(FCFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/fuzz-%: tests/fuzz/fuzz-%.c $(LIB_OBJ) $(HEADERS)
	@mkdir -p $(FUZZ_BUILD)
	$(CLANG) $(FCFLAGS) -fsanitize=fuzzer -o $@ $< $(LIB_OBJ) $(FLIBS)
