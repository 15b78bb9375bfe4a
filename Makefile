# parley — a small C core with an embedded Lua 5.4 for archival transcripts.
# `make` installs missing Debian packages (as root) and builds build/parley.

PREFIX   ?= /usr/local
BUILD    ?= build
CFLAGS   ?= -O2 -g
VERSION  := 0.1.0$(shell git rev-parse --short HEAD >/dev/null 2>&1 && echo "+g$$(git rev-parse --short HEAD)")

# Debian 12 packages needed to build and test (bench peers are checked by `make bench`).
DEBS     := gcc make pkg-config liblua5.4-dev lua5.4 lua-lpeg lua-lpeg-dev libutf8proc-dev \
            libreadline-dev lua-busted lua-cjson lua-expat wamerican libexpat1-dev libstemmer-dev parallel \
            chromium
BENCH_DEBS := ripgrep python3-nltk time hyperfine
FUZZ_DEBS  := clang libclang-rt-14-dev

# Warnings are errors here and in CI; packagers may build with `make WERROR=`.
WERROR   ?= -Werror
WARN     := -Wall -Wextra $(WERROR) -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
            -Wwrite-strings -Wpointer-arith -Wformat=2
# Recursive (=) so pkg-config runs when a recipe does, after the packages are in place.
PKG_CFLAGS = $(shell pkg-config --cflags lua5.4 libutf8proc expat)
PKG_LIBS   = $(shell pkg-config --libs lua5.4 libutf8proc expat)
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE $(WARN) $(CFLAGS) $(PKG_CFLAGS) -I$(BUILD) -MMD -MP
LIBS       = $(PKG_LIBS) -lstemmer -lreadline -lpthread -lm -ldl

SRCS := $(wildcard core/*.c)
OBJS := $(SRCS:core/%.c=$(BUILD)/%.o)
# The toolkit's Lua modules, precompiled by build/parley itself (so by the Lua it
# embeds; core/bytecode.c loads them in place of the source while the hash they
# carry is the source's): the source's hash (16 hex digits and a newline), then
# string.dump of the chunk loaded under the source's full path, so that tracebacks
# name the source.  Always under build/lc.
LUA_SRCS := $(shell find lua -name '*.lua' | LC_ALL=C sort)
LUA_BC   := $(LUA_SRCS:lua/%.lua=build/lc/%.luac)
LUAC     = $(BUILD)/parley -E -e 'local s = assert(io.open(arg[1], "rb")):read("a") \
             local f = assert(load(s, "@" .. arg[3], "t")) local o = assert(io.open(arg[2], "wb")) \
             assert(o:write(require("parley.index").hash(s), "\n", string.dump(f))) assert(o:close())' /dev/null

.PHONY: all deps test check-asan fuzz fuzz-replay fuzz-build fuzz-bins bench clean install uninstall FORCE

all: $(BUILD)/parley $(LUA_BC)

build/lc/%.luac: lua/%.lua $(BUILD)/parley
	@mkdir -p $(dir $@)
	@$(LUAC) $< $@.tmp $(CURDIR)/$< && mv $@.tmp $@

# The Debian packages to build and test (installed with apt-get as root).
deps:
	@sh .ci/deps.sh $(DEBS)

$(BUILD)/.deps: Makefile
	@mkdir -p $(BUILD)
	@sh .ci/deps.sh $(DEBS)
	@touch $@

# The version (with the git commit) is rewritten only when it changes, so main.c
# is recompiled after a commit and nothing else is.
$(BUILD)/version.h: FORCE | $(BUILD)/.deps
	@echo '#define PARLEY_VERSION "$(VERSION)"' > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@
	@rm -f $@.tmp

$(BUILD)/main.o: $(BUILD)/version.h

$(BUILD)/%.o: core/%.c | $(BUILD)/.deps
	@echo "CC $<"
	@$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/parley: $(OBJS)
	@echo "LD $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) $(OBJS) $(LIBS) -o $@

test: $(BUILD)/parley
	@$(BUILD)/parley spec/run.lua

# Same suite under AddressSanitizer and UndefinedBehaviorSanitizer, in its own build tree.
check-asan:
	@$(MAKE) --no-print-directory BUILD=build/asan \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined" build/asan/parley
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  PARLEY_TEST_BIN=build/asan/parley build/asan/parley spec/run.lua

# Fuzzing with clang's libFuzzer under ASan and UBSan, in build/fuzz (README, "Fuzzing"):
# `make fuzz` runs every target FUZZ_TIME seconds; `make fuzz-replay` runs each over its
# seeds and regressions in spec/fuzz/ only (CI).  Harnesses are in fuzz/; C targets have a
# file of their own, Lua targets are fuzz/lua.c driving fuzz/NAME.lua.
FUZZ_C      := text token index
FUZZ_LUA    := manifest people query grammar tei
FUZZ_TIME   ?= 60
FUZZ_FLAGS  := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
FUZZ_OBJS    = $(filter-out $(BUILD)/main.o,$(OBJS)) $(BUILD)/cli-main.o $(BUILD)/harness-host.o

fuzz: fuzz-build $(BUILD)/parley
	@$(BUILD)/parley fuzz/seeds.lua build/fuzz/seeds
	@FUZZ_TIME=$(FUZZ_TIME) sh fuzz/run.sh fuzz $(FUZZ_C) $(FUZZ_LUA)

fuzz-replay: fuzz-build $(BUILD)/parley
	@$(BUILD)/parley fuzz/seeds.lua build/fuzz/seeds
	@sh fuzz/run.sh replay $(FUZZ_C) $(FUZZ_LUA)

fuzz-build:
	@sh .ci/deps.sh $(DEBS) $(FUZZ_DEBS)
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang \
	  CFLAGS="$(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -Wno-format-nonliteral" fuzz-bins

fuzz-bins: $(FUZZ_C:%=$(BUILD)/fuzz-%) $(FUZZ_LUA:%=$(BUILD)/fuzz-%)

# main.c comes along with its main renamed (libFuzzer has the main), so the
# core links as it does in build/parley.
$(BUILD)/cli-main.o: core/main.c $(BUILD)/version.h
	@echo "CC $< (fuzz)"
	@$(CC) $(ALL_CFLAGS) -Dmain=parley_cli_main -Wno-missing-prototypes -c $< -o $@

$(BUILD)/harness-%.o: fuzz/%.c | $(BUILD)/.deps
	@echo "CC $<"
	@$(CC) $(ALL_CFLAGS) -Icore -DFUZZ_HOME='"$(CURDIR)"' -c $< -o $@

$(BUILD)/harness-lua-%.o: fuzz/lua.c | $(BUILD)/.deps
	@echo "CC $< ($*)"
	@$(CC) $(ALL_CFLAGS) -Icore -DFUZZ_HOME='"$(CURDIR)"' -DFUZZ_TARGET='"$*"' -c $< -o $@

$(FUZZ_C:%=$(BUILD)/fuzz-%): $(BUILD)/fuzz-%: $(BUILD)/harness-%.o $(FUZZ_OBJS)
	@echo "LD $@"
	@$(CC) $(CFLAGS) -fsanitize=fuzzer $^ $(LIBS) -o $@

$(FUZZ_LUA:%=$(BUILD)/fuzz-%): $(BUILD)/fuzz-%: $(BUILD)/harness-lua-%.o $(FUZZ_OBJS)
	@echo "LD $@"
	@$(CC) $(CFLAGS) -fsanitize=fuzzer $^ $(LIBS) -o $@

bench: $(BUILD)/parley
	@sh .ci/deps.sh $(BENCH_DEBS)
	@$(BUILD)/parley bench/run.lua
	@$(BUILD)/parley bench/archive.lua
	@$(BUILD)/parley bench/compare.lua
	@$(BUILD)/parley bench/interrupt.lua
	@$(BUILD)/parley bench/update.lua

install: $(BUILD)/parley
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/parley
	install -m 755 $(BUILD)/parley $(DESTDIR)$(PREFIX)/bin/parley
	tar --exclude=.parley -cf - lua scripts corpus docs | tar -xf - -C $(DESTDIR)$(PREFIX)/share/parley
	@for f in $(LUA_SRCS); do \
	  out=$(DESTDIR)$(PREFIX)/share/parley/build/lc/$${f#lua/}c; mkdir -p $$(dirname $$out); \
	  $(LUAC) $$f $$out $(PREFIX)/share/parley/$$f || exit 1; done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/parley
	rm -rf $(DESTDIR)$(PREFIX)/share/parley

clean:
	rm -rf $(BUILD)

-include $(OBJS:.o=.d) $(wildcard $(BUILD)/harness-*.d $(BUILD)/cli-main.d)
$(BUILD)/%.d: ;
