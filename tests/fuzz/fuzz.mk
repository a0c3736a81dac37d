# `make fuzz`: build the libFuzzer harnesses with clang + ASan/UBSan and run
# each for FUZZ_SECONDS (default 60) over tests/fuzz/corpus/<name>.
FUZZ_SECONDS ?= 60
FUZZ_BUILD := build-fuzz
CLANG ?= clang
PKGS := libseccomp audit json-c libsystemd zlib
FCFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-Iinclude -Isrc -D_GNU_SOURCE -DSCMPLOG_VERSION=\"fuzz\" -DSCMPLOG_DATADIR=\"/nonexistent\" \
	$(shell pkg-config --cflags $(PKGS))
FLIBS := $(shell pkg-config --libs $(PKGS))
LIB_SRC := $(sort $(wildcard src/lib/*.c))
HARNESSES := $(patsubst tests/fuzz/fuzz-%.c,%,$(wildcard tests/fuzz/fuzz-*.c))

.PHONY: fuzz-all
fuzz-all: $(HARNESSES:%=$(FUZZ_BUILD)/fuzz-%)
	@set -e; for h in $(HARNESSES); do \
		mkdir -p tests/fuzz/corpus/$$h $(FUZZ_BUILD)/new-$$h; \
		echo "== fuzz $$h for $(FUZZ_SECONDS)s"; \
		$(FUZZ_BUILD)/fuzz-$$h -max_total_time=$(FUZZ_SECONDS) -max_len=16384 -timeout=10 \
			-print_final_stats=1 $(FUZZ_BUILD)/new-$$h tests/fuzz/corpus/$$h 2>&1 | tail -n 12; \
	done

$(FUZZ_BUILD)/fuzz-%: tests/fuzz/fuzz-%.c $(LIB_SRC)
	@mkdir -p $(FUZZ_BUILD)
	$(CLANG) $(FCFLAGS) -o $@ $< $(LIB_SRC) $(FLIBS)
