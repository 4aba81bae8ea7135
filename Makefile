# canvass — plain Makefile. Targets: all check demo bench install uninstall
# clean asan format lint deps check-render. Quiet by default; V=1 shows
# commands.

PREFIX ?= /usr/local
DESTDIR ?=
VERSION := 0.1.0

CC ?= cc
PKGS := libxml-2.0 libxslt libexslt xlsxwriter libzip nettle
DEB_PKGS := build-essential pkg-config libxml2-dev libxslt1-dev \
            libxlsxwriter-dev libzip-dev nettle-dev libcmocka-dev \
            libxml2-utils unzip zip python3 strace time \
            clang-format clang-tidy cppcheck
RENDER_PKGS := libreoffice-writer-nogui libreoffice-calc-nogui \
               poppler-utils fonts-noto-cjk

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wstrict-prototypes -Wshadow -Wformat=2
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) $(CFLAGS) $(PKG_CFLAGS) \
             -DCANVASS_VERSION='"$(VERSION)"' -DCANVASS_DATADIR='"$(PREFIX)/share/canvass"'
LDLIBS = $(PKG_LIBS) -lpthread

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

.PHONY: all check check-unit check-golden check-build check-fault check-merge check-asan check-render demo bench \
        install uninstall clean asan deps format lint

all: canvass

canvass: $(BUILD)/canvass
	$(Q)cp $< $@

$(BUILD)/canvass: $(OBJ)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(OBJ) $(LDLIBS)

$(BUILD)/%.o: src/%.c $(wildcard src/*.h) | $(BUILD)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD):
	$(Q)mkdir -p $(BUILD)/tests

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJ) $(wildcard tests/unit/*.h tests/unit/xlsx_read.c) | $(BUILD)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -Isrc -o $@ $< $(LIB_OBJ) $(LDLIBS) $(shell pkg-config --libs cmocka)

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

# ---- tests --------------------------------------------------------------
check: deps
	$(Q)$(MAKE) --no-print-directory canvass
	$(Q)$(MAKE) --no-print-directory check-unit check-golden check-build check-fault check-merge
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

# The whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer.
check-asan:
	$(Q)$(MAKE) --no-print-directory BUILD=build-asan \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  LDFLAGS="-fsanitize=address,undefined" build-asan/canvass $(patsubst $(BUILD)/%,build-asan/%,$(UNIT_BIN))
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

bench: canvass
	$(Q)sh tests/bench.sh ./canvass $(BENCH_MB)

# ---- install ------------------------------------------------------------
install: canvass
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/canvass/input-schema
	install -m 755 canvass $(DESTDIR)$(PREFIX)/bin/canvass
	install -m 644 input-schema/*.xsd $(DESTDIR)$(PREFIX)/share/canvass/input-schema/
	cp -R output-templates $(DESTDIR)$(PREFIX)/share/canvass/
	chmod -R a+rX $(DESTDIR)$(PREFIX)/share/canvass

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/canvass
	rm -rf $(DESTDIR)$(PREFIX)/share/canvass

clean:
	rm -rf build build-asan canvass $(DEMO_OUT)

# Layout by .clang-format; make lint checks it, with the rest of the
# habits (tools/lint.sh: grep rules, include loops, cppcheck, clang-tidy).
format:
	clang-format -i src/*.c src/*.h tests/unit/*.c tests/unit/*.h

lint: deps
	$(Q)sh tools/lint.sh
