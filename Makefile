# folio's one build file. Non-recursive: every folder's objects are listed here.
#
#   make              release build: bin/folio, bin/ingestd, bin/frontd
#   make demo         install what is missing, build, serve ./var and publish examples/vault
#   make test         install what is missing, then every test under ASan+UBSan
#   make check        tests plus header and format checks
#   make MODE=debug   -O0 -g3 build under build/debug/ (also asan, release)
#
# User CC/CPPFLAGS/CFLAGS/LDFLAGS are appended to, never replaced.

MODE    ?= release
V       ?= 0
PREFIX  ?= /usr/local
DESTDIR ?=

B := build/$(MODE)
ifeq ($(MODE),release)
BIN := bin
else
BIN := $(B)/bin
endif

ifeq ($(V),0)
Q := @
else
Q :=
endif

PKGS     := lmdb md4c msgpack sqlite3 jansson yaml-0.1 zlib libcurl libutf8proc
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
NNG_LIBS  ?= -lnng

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition \
	-Wcast-qual -Wpointer-arith -Wwrite-strings -Wformat=2 -Wundef -Wvla -Wimplicit-fallthrough

MODE_CFLAGS_release := -O2 -g -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fno-omit-frame-pointer
MODE_CFLAGS_debug   := -O0 -g3 -Werror
MODE_CFLAGS_asan    := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -Werror
MODE_LDFLAGS_asan   := -fsanitize=address,undefined

ALL_CPPFLAGS = -I. -D_GNU_SOURCE $(PKG_CFLAGS) $(CPPFLAGS)
ALL_CFLAGS   = -std=c17 $(WARN) $(MODE_CFLAGS_$(MODE)) $(CFLAGS)
ALL_LDFLAGS  = $(MODE_LDFLAGS_$(MODE)) $(LDFLAGS)
ALL_LIBS     = $(PKG_LIBS) $(NNG_LIBS) -lpthread -lm

# --- sources: each folder is one archive; main.c files stay out of them ---------------------
SHARED_SRC   := $(wildcard shared/*.c)
RENDERER_SRC := $(wildcard renderer/*.c)
INGESTD_SRC  := $(filter-out ingestd/main.c,$(wildcard ingestd/*.c))
FRONTD_SRC   := $(filter-out frontd/main.c,$(wildcard frontd/*.c))
FOLIO_SRC    := $(filter-out tools/folio/main.c,$(wildcard tools/folio/*.c))
TOOLS_SRC    := $(wildcard tools/*.c)

obj = $(patsubst %.c,$(B)/%.o,$(1))

LIB_SHARED   := $(B)/libshared.a
LIB_RENDERER := $(B)/librenderer.a
LIB_INGESTD  := $(B)/libingestd.a
LIB_FRONTD   := $(B)/libfrontd.a
LIB_FOLIO    := $(B)/libfolio.a
LIBS_ALL     := $(LIB_INGESTD) $(LIB_FRONTD) $(LIB_RENDERER) $(LIB_SHARED)

PROGS := $(BIN)/folio $(BIN)/ingestd $(BIN)/frontd $(patsubst tools/%.c,$(BIN)/%,$(TOOLS_SRC))

UNIT_SRC   := $(wildcard tests/unit/*/test_*.c)
UNIT_BINS  := $(patsubst %.c,$(B)/%,$(UNIT_SRC))
# Each tests/fuzz/fuzz_X.c is a libFuzzer target; under gcc it links with replay.c into
# replay_X, which runs every file of tests/fuzz/corpus/X/ once (make test does).
FUZZ_SRC   := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_SRC))
REPLAY_BINS := $(patsubst %,$(B)/tests/fuzz/replay_%,$(FUZZ_NAMES))

ALL_SRC := $(SHARED_SRC) $(RENDERER_SRC) $(INGESTD_SRC) $(FRONTD_SRC) ingestd/main.c \
	frontd/main.c tools/folio/main.c $(FOLIO_SRC) $(TOOLS_SRC) $(UNIT_SRC) $(FUZZ_SRC) $(wildcard tests/fuzz/replay.c)

# Benchmark helpers (tools/bench/): a fixed-page reference server, a push load generator and
# a holder of live-reload streams linked like the tools, and an LD_PRELOAD allocation
# counter. make bench builds them.
BENCH_PROGS := $(B)/bench/refserver $(B)/bench/pushload $(B)/bench/livehold
BENCH_SO    := $(B)/bench/malloc_count.so
ALL_SRC += tools/bench/refserver.c tools/bench/pushload.c tools/bench/malloc_count.c \
	tools/bench/livehold.c

.PHONY: all all-libs deps demo test test-run unit integ check check-headers format format-check \
	lint clean install bench bench-tools
.DEFAULT_GOAL := all
# Test and fuzz objects are not intermediates to delete: keep them for incremental builds.
.SECONDARY:

all: $(PROGS)

# --- flags stamp: a changed command line rebuilds everything --------------------------------
FLAGS_STAMP := $(B)/.flags
FLAGS_NOW    = $(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS)
$(FLAGS_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(FLAGS_NOW)' | cmp -s - $@ || echo '$(FLAGS_NOW)' > $@
FORCE:

$(B)/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(@D)
	@$(if $(filter 0,$(V)),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(LIB_SHARED): $(call obj,$(SHARED_SRC))
$(LIB_RENDERER): $(call obj,$(RENDERER_SRC))
$(LIB_INGESTD): $(call obj,$(INGESTD_SRC))
$(LIB_FRONTD): $(call obj,$(FRONTD_SRC))
$(LIB_FOLIO): $(call obj,$(FOLIO_SRC))
$(B)/%.a:
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BIN)/ingestd: $(B)/ingestd/main.o $(LIB_INGESTD) $(LIB_RENDERER) $(LIB_SHARED)
$(BIN)/frontd: $(B)/frontd/main.o $(LIB_FRONTD) $(LIB_SHARED)
$(BIN)/folio: $(B)/tools/folio/main.o $(LIB_FOLIO) $(LIB_RENDERER) $(LIB_SHARED)
# Single-file tools use only the libraries, never a daemon's archive.
$(foreach t,$(TOOLS_SRC),$(eval $(BIN)/$(basename $(notdir $(t))): $(B)/$(t:.c=.o) $(LIB_RENDERER) $(LIB_SHARED)))

$(PROGS):
	@mkdir -p $(@D)
	@$(if $(filter 0,$(V)),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) $(ALL_LIBS)

# --- tests ----------------------------------------------------------------------------------
# A unit test links only the archives its folder depends on.
UNIT_LIBS_shared   := $(LIB_SHARED)
UNIT_LIBS_renderer := $(LIB_RENDERER) $(LIB_SHARED)
UNIT_LIBS_ingestd  := $(LIB_INGESTD) $(LIB_RENDERER) $(LIB_SHARED)
UNIT_LIBS_frontd   := $(LIB_FRONTD) $(LIB_SHARED)
UNIT_LIBS_tools    := $(LIB_FOLIO) $(LIB_SHARED)
define unit_rule
$(B)/tests/unit/$(1)/%: $(B)/tests/unit/$(1)/%.o $(UNIT_LIBS_$(1))
	@mkdir -p $$(@D)
	@$$(if $$(filter 0,$$(V)),echo "  LD      $$@")
	$$(Q)$$(CC) $$(ALL_LDFLAGS) -o $$@ $$< $(UNIT_LIBS_$(1)) $$(ALL_LIBS)
endef
$(foreach d,shared renderer ingestd frontd tools,$(eval $(call unit_rule,$(d))))

$(B)/tests/fuzz/replay_%: $(B)/tests/fuzz/fuzz_%.o $(B)/tests/fuzz/replay.o $(LIBS_ALL)
	@mkdir -p $(@D)
	@$(if $(filter 0,$(V)),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(LIBS_ALL) $(ALL_LIBS)

# libFuzzer campaigns (clang): make fuzz-http, then run build/fuzz/fuzz_http corpus-dir
fuzz-%: tests/fuzz/fuzz_%.c
	@mkdir -p build/fuzz
	$(MAKE) --no-print-directory MODE=fuzz-lib CC=clang \
		CFLAGS="-fsanitize=fuzzer-no-link,address,undefined -g -O1" all-libs
	clang -std=c17 -D_GNU_SOURCE -I. $(PKG_CFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined \
		-o build/fuzz/fuzz_$* $< build/fuzz-lib/libingestd.a build/fuzz-lib/libfrontd.a \
		build/fuzz-lib/librenderer.a build/fuzz-lib/libshared.a $(ALL_LIBS)

all-libs: $(LIBS_ALL)

# Installs missing Debian packages (needs root or sudo); a no-op when all are present.
deps:
	@sh tools/deps.sh

# The README's test command: every test, under ASan and UBSan, then the release build that
# the demo uses (so both modes compile cleanly).
test: deps
	$(Q)$(MAKE) --no-print-directory MODE=release all
	$(Q)$(MAKE) --no-print-directory MODE=asan test-run

test-run: $(PROGS) $(UNIT_BINS) $(REPLAY_BINS) $(BENCH_PROGS) $(BENCH_SO)
	@FOLIO_BIN=$(BIN) FOLIO_BUILD=$(B) FOLIO_REPLAY="$(REPLAY_BINS)" sh tests/run.sh $(UNIT_BINS)

unit: $(UNIT_BINS)
	@FOLIO_BIN=$(BIN) FOLIO_BUILD=$(B) FOLIO_SKIP_INTEG=1 sh tests/run.sh $(UNIT_BINS)

integ: $(PROGS)
	@FOLIO_BIN=$(BIN) FOLIO_BUILD=$(B) sh tests/run.sh

# Mermaid is optional: fetched when npm can, served when present (build/demo.conf).
demo: deps
	$(Q)$(MAKE) --no-print-directory MODE=release all
	-$(Q)sh tools/deps.sh --mermaid
	$(Q)mkdir -p build && : >build/demo.conf
	$(Q)[ ! -s build/vendor/mermaid.min.js ] || \
		echo "mermaid_js = $(CURDIR)/build/vendor/mermaid.min.js" >build/demo.conf
	bin/folio serve --data var --fronts 2 -c build/demo.conf --publish examples/vault

# The side-by-side benchmark (docs/BENCH.md): installs nginx, hugo and wrk when missing,
# builds the release binaries and the helpers, runs, and rewrites docs/BENCH.md.
# BENCH_QUICK=1 runs a small, fast version (the smoke test uses it).
bench: deps
	$(Q)$(MAKE) --no-print-directory MODE=release all bench-tools
	FOLIO_BIN=bin BENCH_TOOLS=build/release/bench bash tools/bench/run.sh

bench-tools: $(BENCH_PROGS) $(BENCH_SO)

$(B)/bench/%: $(B)/tools/bench/%.o $(LIB_SHARED)
	@mkdir -p $(@D)
	@$(if $(filter 0,$(V)),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB_SHARED) $(ALL_LIBS)

$(BENCH_SO): tools/bench/malloc_count.c $(FLAGS_STAMP)
	@mkdir -p $(@D)
	@$(if $(filter 0,$(V)),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CPPFLAGS) -std=c17 $(WARN) -O2 -g -fPIC -shared -o $@ $< -ldl

# Every header compiles on its own.
# X-macro tables (*_fields.h) are fragments, not headers, and are left out.
HEADERS := $(filter-out %_fields.h,$(wildcard shared/*.h renderer/*.h ingestd/*.h frontd/*.h \
	tools/folio/*.h tests/*.h tests/unit/*/*.h tests/fuzz/*.h))
check-headers:
	@for h in $(HEADERS); do \
		printf '#include "%s"\n' $$h | $(CC) $(ALL_CPPFLAGS) -std=c17 $(WARN) -Werror \
			-fsyntax-only -x c - || { echo "header $$h does not compile alone"; exit 1; }; \
	done; echo "headers: $(words $(HEADERS)) compile alone"

FORMAT_SRC = $(ALL_SRC) $(HEADERS)
format:
	clang-format -i $(FORMAT_SRC)
format-check:
	clang-format --dry-run -Werror $(FORMAT_SRC)

lint:
	cppcheck --quiet --enable=warning,performance,portability --inline-suppr \
		--suppress=missingIncludeSystem -I. $(SHARED_SRC) $(RENDERER_SRC) $(INGESTD_SRC) \
		$(FRONTD_SRC) $(FOLIO_SRC)

check: test check-headers format-check

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(PROGS) $(DESTDIR)$(PREFIX)/bin/

clean:
	rm -rf build bin

-include $(patsubst %.c,$(B)/%.d,$(ALL_SRC))
