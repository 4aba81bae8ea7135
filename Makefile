# canvass — plain Makefile. Targets: all check demo bench install uninstall
# clean asan format lint deps check-render fuzz coverage. Quiet by default;
# V=1 shows commands.

PREFIX ?= /usr/local
DESTDIR ?=
VERSION := 0.1.0

CC ?= cc
PKGS := libxml-2.0 libxslt libexslt xlsxwriter libzip nettle libxxhash
DEB_PKGS := build-essential pkg-config libxml2-dev libxslt1-dev \
            libxlsxwriter-dev libzip-dev nettle-dev libxxhash-dev libcmocka-dev \
            libxml2-utils unzip zip python3 strace time \
            libunistring-dev clang-format clang-tidy cppcheck \
            gettext groff-base man-db libc-l10n
RENDER_PKGS := libreoffice-writer-nogui libreoffice-calc-nogui \
               poppler-utils fonts-noto-cjk fonts-arphic-ukai fonts-arphic-uming \
               fonts-wqy-zenhei fonts-liberation2 fontconfig
# make fuzz: clang with libFuzzer and the sanitizer runtimes, llvm-symbolizer
FUZZ_PKGS := clang libclang-rt-14-dev llvm
# make coverage: gcov comes with gcc
COVERAGE_PKGS := lcov
# make bench's instruction counts
BENCH_PKGS := valgrind

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wstrict-prototypes -Wshadow -Wformat=2
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) $(CFLAGS) $(PKG_CFLAGS) \
             -DCANVASS_VERSION='"$(VERSION)"' -DCANVASS_DATADIR='"$(PREFIX)/share/canvass"' \
             -DCANVASS_LOCALEDIR='"$(PREFIX)/share/locale"'
# libunistring (NFKC/NFC of addresses and team names) has no .pc file
LDLIBS = $(PKG_LIBS) -lunistring -lpthread

ifeq ($(V),1)
Q :=
else
Q := @
endif

BUILD ?= build
SRC := $(wildcard src/*.c)
LIB_SRC := $(filter-out src/main.c,$(SRC))
OBJ := $(patsubst src/%.c,$(BUILD)/%.o,$(SRC))
LIB_OBJ := $(patsubst src/%.c,$(BUILD)/%.o,$(LIB_SRC))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
LINGUAS := $(shell cat po/LINGUAS 2>/dev/null)
MO := $(foreach l,$(LINGUAS),$(BUILD)/locale/$(l)/LC_MESSAGES/canvass.mo)

.PHONY: all check check-unit check-golden check-build check-fault check-merge check-asan check-render demo bench \
        install uninstall clean asan deps deps-render deps-fuzz deps-coverage deps-bench format lint \
        fuzz fuzz-build coverage check-oom pot check-i18n

all: canvass

canvass: $(BUILD)/canvass $(MO)
	$(Q)cp $< $@

# ---- messages (GNU gettext) ----------------------------------------------
# po/canvass.pot is extracted from src/*.c (make pot, which also merges it
# into every po/LL.po); each po/LL.po is compiled into the catalogue that
# ./canvass finds in $(BUILD)/locale and make install puts under
# $(PREFIX)/share/locale.
XGETTEXT_OPTS := --from-code=UTF-8 --language=C -k_ -kN_ -kP_:1,2 -kNP_:1,2 \
                 -kC_:1c,2 -kngettext:1,2 --add-comments=TRANSLATORS: \
                 --sort-by-file --package-name=canvass \
                 --package-version=$(VERSION) --msgid-bugs-address= \
                 --add-location=file

$(BUILD)/locale/%/LC_MESSAGES/canvass.mo: po/%.po | $(BUILD)
	@echo "  MSGFMT  $<"
	$(Q)mkdir -p $(dir $@)
	$(Q)msgfmt --check -o $@ $<

pot:
	xgettext $(XGETTEXT_OPTS) -o po/canvass.pot $(sort $(wildcard src/*.c src/*.h))
	for l in $(LINGUAS); do msgmerge -q --update --backup=none --add-location=file po/$$l.po po/canvass.pot; done

$(BUILD)/canvass: $(OBJ)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(OBJ) $(LDLIBS)

$(BUILD)/%.o: src/%.c $(wildcard src/*.h) | $(BUILD)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD):
	$(Q)mkdir -p $(BUILD)/tests

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJ) $(wildcard tests/unit/*.h tests/unit/xlsx_read.c) $(MO) | $(BUILD)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -DCANVASS_TEST_LOCALEDIR='"../$(BUILD)/locale"' -Isrc -o $@ $< $(LIB_OBJ) $(LDLIBS) $(shell pkg-config --libs cmocka)

# ---- dependencies -------------------------------------------------------
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all installed"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "deps: installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else echo "deps: run as root:  apt-get install -y$$missing"; exit 1; fi

deps-render:
	@missing=""; for p in $(RENDER_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps-render: all installed"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "deps-render: installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else echo "deps-render: run as root:  apt-get install -y$$missing"; exit 1; fi

# deps-fuzz, deps-coverage, deps-bench: the same for the lists of make
# fuzz, coverage and bench
deps-fuzz: DEPS_LIST = $(FUZZ_PKGS)
deps-coverage: DEPS_LIST = $(COVERAGE_PKGS)
deps-bench: DEPS_LIST = $(BENCH_PKGS)
deps-fuzz deps-coverage deps-bench:
	@missing=""; for p in $(DEPS_LIST); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "$@: all installed"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "$@: installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else echo "$@: run as root:  apt-get install -y$$missing"; exit 1; fi

# ---- tests --------------------------------------------------------------
check: deps
	$(Q)$(MAKE) --no-print-directory canvass
	$(Q)$(MAKE) --no-print-directory check-unit check-golden check-build check-fault check-oom check-merge check-i18n
	$(Q)$(MAKE) --no-print-directory check-asan

check-unit: canvass $(UNIT_BIN)
	$(Q)pass=0; fail=0; for t in $(UNIT_BIN); do \
	  if (cd tests && ../$$t); then pass=$$((pass+1)); else fail=$$((fail+1)); echo "FAIL: $$t"; fi; \
	done; echo "unit: $$pass passed, $$fail failed"; [ $$fail = 0 ]

check-golden: canvass
	$(Q)sh tests/run-golden.sh ./canvass

check-build: canvass
	$(Q)sh tests/build/run.sh ./canvass

# The output folder under faults: kill -9, clobbered inputs, permissions.
check-fault: canvass
	$(Q)sh tests/fault/run.sh ./canvass

check-merge: canvass
	$(Q)sh tests/merge/run.sh ./canvass

# catalogues complete and current, manual in step with --help, install
check-i18n: canvass
	$(Q)sh tests/i18n/run.sh ./canvass

# The whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer,
# built by clang: its -fsanitize=undefined also checks pointer arithmetic
# (an offset from NULL, an index out of an array in a struct), which GCC
# 12's does not, and make fuzz only meets on fuzz inputs.
check-asan: deps-fuzz
	$(Q)$(MAKE) --no-print-directory BUILD=build-asan CC=clang \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  LDFLAGS="-fsanitize=address,undefined" build-asan/canvass \
	  $(patsubst $(BUILD)/%,build-asan/%,$(MO)) $(patsubst $(BUILD)/%,build-asan/%,$(UNIT_BIN))
	$(Q)pass=0; fail=0; for t in $(patsubst $(BUILD)/%,build-asan/%,$(UNIT_BIN)); do \
	  if (cd tests && ASAN_OPTIONS=detect_leaks=1 ../$$t); then pass=$$((pass+1)); else fail=$$((fail+1)); echo "FAIL: $$t"; fi; \
	done; echo "unit (asan): $$pass passed, $$fail failed"; [ $$fail = 0 ]
	$(Q)ASAN_OPTIONS=detect_leaks=1 sh tests/run-golden.sh build-asan/canvass
	$(Q)ASAN_OPTIONS=detect_leaks=1 sh tests/build/run.sh build-asan/canvass
	$(Q)ASAN_OPTIONS=detect_leaks=1 FAULT_KILLS=15 sh tests/fault/run.sh build-asan/canvass
	$(Q)ASAN_OPTIONS=detect_leaks=1 sh tests/merge/run.sh build-asan/canvass

asan: check-asan

check-render: deps deps-render canvass
	$(Q)sh tests/render/run.sh ./canvass

# ---- out-of-memory faults ------------------------------------------------
# One allocation of canvass's own code fails per run (an LD_PRELOAD shim,
# so the plain build only: ASan's runtime must come first). make check runs
# the check, build and merge scenarios (about 120 runs each, 10 to 15 s
# each); OOM_STEP=1 tries every allocation.
OOM_SCENARIOS ?= check build merge

$(BUILD)/tests/failmalloc.so: tests/fault/failmalloc.c | $(BUILD)
	@echo "  CC      $<"
	$(Q)$(CC) -O1 -g $(WARN) -shared -fPIC -o $@ $< -ldl

check-oom: canvass $(BUILD)/tests/failmalloc.so
	$(Q)sh tests/fault/oom.sh ./canvass $(BUILD)/tests/failmalloc.so $(OOM_SCENARIOS)

# ---- fuzzing (libFuzzer) -------------------------------------------------
# One word per target: tests/fuzz/fuzz_T.c, its seeds tests/fuzz/seeds-T.sh,
# its dictionary from input-schema/T.xsd.
FUZZ_TARGETS := register return
FUZZ_SECONDS ?= 60
FUZZ_BUILD := build-fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_util.h $(LIB_OBJ) | $(BUILD)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -Isrc -DFUZZ_SCHEMA_DIR='"$(CURDIR)/input-schema"' \
	  -fsanitize=fuzzer -o $@ $< $(LIB_OBJ) $(LDLIBS)

fuzz-build: deps deps-fuzz
	$(Q)$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang \
	  CFLAGS="-O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN)" LDFLAGS="$(FUZZ_SAN)" \
	  $(patsubst %,$(FUZZ_BUILD)/fuzz_%,$(FUZZ_TARGETS))

fuzz: fuzz-build
	$(Q)sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# ---- coverage (gcov + lcov) ----------------------------------------------
# Line and branch coverage of src/ by the unit, golden and build tiers, from
# a --coverage build of its own; the HTML report is in build-coverage/html/.
# The strace case is left out: a --coverage binary writes its .gcda files.
# Atomic counters: the batch's threads share them.
COV_BUILD := build-coverage
COV_RC := --rc lcov_branch_coverage=1
COV_GOLDEN = $(filter-out nothing-escapes-strace,$(notdir $(wildcard tests/golden/*)))

coverage: deps deps-coverage
	$(Q)rm -rf $(COV_BUILD)
	$(Q)$(MAKE) --no-print-directory BUILD=$(COV_BUILD) \
	  CFLAGS="-O0 -g --coverage -fprofile-update=atomic" LDFLAGS="--coverage" \
	  $(COV_BUILD)/canvass $(patsubst $(BUILD)/%,$(COV_BUILD)/%,$(UNIT_BIN))
	$(Q)pass=0; fail=0; for t in $(patsubst $(BUILD)/%,$(COV_BUILD)/%,$(UNIT_BIN)); do \
	  if (cd tests && ../$$t >/dev/null 2>&1); then pass=$$((pass+1)); else fail=$$((fail+1)); echo "FAIL: $$t"; fi; \
	done; echo "unit (coverage): $$pass passed, $$fail failed"; [ $$fail = 0 ]
	$(Q)sh tests/run-golden.sh $(COV_BUILD)/canvass $(COV_GOLDEN)
	$(Q)sh tests/build/run.sh $(COV_BUILD)/canvass >$(COV_BUILD)/build.log; rc=$$?; \
	  grep -v '^ok - ' $(COV_BUILD)/build.log; exit $$rc
	$(Q)lcov -q $(COV_RC) --capture --directory $(COV_BUILD) \
	  --output-file $(COV_BUILD)/all.info 2>$(COV_BUILD)/lcov.log || { cat $(COV_BUILD)/lcov.log; exit 1; }
	$(Q)lcov -q $(COV_RC) --extract $(COV_BUILD)/all.info '$(CURDIR)/src/*' \
	  --output-file $(COV_BUILD)/src.info
	$(Q)genhtml -q $(COV_RC) --output-directory $(COV_BUILD)/html $(COV_BUILD)/src.info >/dev/null
	$(Q)lcov $(COV_RC) --list $(COV_BUILD)/src.info | sed 1d
	$(Q)lcov $(COV_RC) --summary $(COV_BUILD)/src.info 2>&1 | sed 1d

# ---- demo, bench ---------------------------------------------------------
DEMO_OUT ?= demo-out
demo: deps
	$(Q)$(MAKE) --no-print-directory canvass
	@echo "== canvass check examples/*.xml   (the zz- examples show the diagnostics)"
	-./canvass check examples/*.xml
	@echo
	@echo "== canvass build -o $(DEMO_OUT) <the valid examples>"
	rm -rf $(DEMO_OUT)
	./canvass build -o $(DEMO_OUT) $(filter-out examples/zz-%,$(wildcard examples/*.xml))
	@echo
	@echo "== the outputs are in $(DEMO_OUT)/; the reference community's summary:"
	@cat $(DEMO_OUT)/summary-620402003005.md

# BENCH: sizes in households and/or "batch" and "instr" (instruction
# counts, valgrind), or "merge" alone (default 10k 100k 1M batch instr);
# BENCH_RUNS: runs of each command (default 3, medians reported)
bench: deps deps-bench canvass
	$(Q)sh tests/bench.sh ./canvass $(BENCH)

# ---- install ------------------------------------------------------------
install: canvass
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/canvass/input-schema
	install -m 755 canvass $(DESTDIR)$(PREFIX)/bin/canvass
	install -m 644 input-schema/*.xsd $(DESTDIR)$(PREFIX)/share/canvass/input-schema/
	cp -R output-templates $(DESTDIR)$(PREFIX)/share/canvass/
	chmod -R a+rX $(DESTDIR)$(PREFIX)/share/canvass
	for l in $(LINGUAS); do \
	  install -d $(DESTDIR)$(PREFIX)/share/locale/$$l/LC_MESSAGES && \
	  install -m 644 $(BUILD)/locale/$$l/LC_MESSAGES/canvass.mo \
	    $(DESTDIR)$(PREFIX)/share/locale/$$l/LC_MESSAGES/canvass.mo || exit 1; \
	done
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/zh_CN/man1
	install -m 644 man/canvass.1 $(DESTDIR)$(PREFIX)/share/man/man1/canvass.1
	install -m 644 man/zh_CN/canvass.1 $(DESTDIR)$(PREFIX)/share/man/zh_CN/man1/canvass.1
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 644 completion/canvass.bash \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions/canvass

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/canvass
	rm -rf $(DESTDIR)$(PREFIX)/share/canvass
	for l in $(LINGUAS); do rm -f $(DESTDIR)$(PREFIX)/share/locale/$$l/LC_MESSAGES/canvass.mo; done
	rm -f $(DESTDIR)$(PREFIX)/share/man/man1/canvass.1 \
	  $(DESTDIR)$(PREFIX)/share/man/zh_CN/man1/canvass.1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions/canvass

clean:
	rm -rf build build-asan $(FUZZ_BUILD) build-coverage canvass $(DEMO_OUT)

# Layout by .clang-format; make lint checks it, with the rest of the
# habits (tools/lint.sh: grep rules, include loops, cppcheck, clang-tidy).
format:
	clang-format -i src/*.c src/*.h tests/unit/*.c tests/unit/*.h

lint: deps
	$(Q)sh tools/lint.sh
