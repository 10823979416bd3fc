# ctsbatch build. `make run` and `make test` are the two commands a fresh Debian machine needs:
# both install missing packages first (see `deps`).

CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=

DEB_PACKAGES := libhpdf-dev libxml2-dev libcmocka-dev fonts-liberation2 poppler-utils qpdf \
                pkg-config gcc make time libsqlite3-dev sqlite3 libssl-dev \
                libharfbuzz-dev libdeflate-dev icc-profiles-free python3-reportlab \
                python3-fonttools libpdfbox2-java libactivation-java libjaxb-api-java \
                default-jre-headless libzip-dev libfreexl-dev \
                libxlsxwriter-dev
# Only the tests need these (the e2e tests open the .xlsx reports with LibreOffice): `make test`
# installs them, `make run` does not.
TEST_DEB_PACKAGES := libreoffice-calc-nogui
FONT_DIR     := /usr/share/fonts/truetype/liberation2
FONT_FILES   := LiberationSerif-Regular.ttf LiberationSerif-Bold.ttf \
                LiberationSerif-Italic.ttf LiberationSerif-BoldItalic.ttf

WARN    := -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wpedantic -Wshadow \
           -Wstrict-prototypes -Werror
XML_CFLAGS = $(shell pkg-config --cflags libxml-2.0 2>/dev/null)
XML_LIBS   = $(shell pkg-config --libs libxml-2.0 2>/dev/null)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)
CFLAGS  ?= -O2 -g
HB_LIBS     = $(shell pkg-config --libs harfbuzz-subset 2>/dev/null)
# spreadsheet readers: libzip for .xlsx/.ods containers, FreeXL for .xls; libxlsxwriter
# for the .xlsx reports
SHEET_CFLAGS = $(shell pkg-config --cflags libzip freexl 2>/dev/null)
SHEET_LIBS   = $(shell pkg-config --libs libzip freexl 2>/dev/null)
XLSX_CFLAGS = $(shell pkg-config --cflags xlsxwriter 2>/dev/null)
XLSX_LIBS   = $(shell pkg-config --libs xlsxwriter 2>/dev/null)
ALL_CFLAGS = $(WARN) -pthread $(CFLAGS) $(XML_CFLAGS) $(SHEET_CFLAGS) $(XLSX_CFLAGS) -Ipipeline -MMD -MP
LIBS     = -pthread -lhpdf $(XML_LIBS) $(SHEET_LIBS) $(HB_LIBS) $(XLSX_LIBS) -ldeflate -lsqlite3 -lcrypto -lm
SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
            -DCTS_FAULT_HOOKS

SRCS     := $(filter-out pipeline/main.c,$(wildcard pipeline/*.c))
TESTSRCS := $(wildcard tests/test_*.c)

REL_OBJS := $(SRCS:pipeline/%.c=build/rel/%.o)
SAN_OBJS := $(SRCS:pipeline/%.c=build/san/%.o)
SAN_TESTS := $(TESTSRCS:tests/%.c=build/san/%)

.PHONY: all deps run test unit e2e pdfa bench install clean format fonts valgrind fuzz
.DEFAULT_GOAL := all

all: ctsbatch fonts

ctsbatch: build/rel/main.o build/rel/libctsbatch.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

build/rel/libctsbatch.a: $(REL_OBJS)
	ar rcs $@ $^

build/rel/%.o: pipeline/%.c | build/rel
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

build/san/%.o: pipeline/%.c | build/san
	$(CC) $(ALL_CFLAGS) $(SAN) -c -o $@ $<

build/san/libctsbatch.a: $(SAN_OBJS)
	ar rcs $@ $^

build/san/ctsbatch: build/san/main.o build/san/libctsbatch.a
	$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $^ $(LIBS)

build/san/test_%: tests/test_%.c tests/testutil.c tests/testutil.h build/san/libctsbatch.a | build/san
	$(CC) $(ALL_CFLAGS) $(SAN) -Itests -o $@ $< tests/testutil.c build/san/libctsbatch.a $(LIBS) \
	  $(CMOCKA_LIBS)

build/rel build/san:
	mkdir -p $@

# The documents use Liberation Serif (metric-compatible with Times New Roman, Nghị định 30/2020).
# fonts/ links to Debian's copies; a site may point its configuration at another family.
fonts: $(FONT_FILES:%=fonts/%)
fonts/%.ttf:
	@mkdir -p fonts
	@test -f $(FONT_DIR)/$*.ttf || { echo "missing $(FONT_DIR)/$*.ttf: run 'make deps'"; exit 1; }
	ln -sf $(FONT_DIR)/$*.ttf $@

# Installs the Debian packages that are missing (root), or prints the command (not root).
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' \
	    || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "ctsbatch needs these Debian packages; run:"; \
	  echo "  sudo apt-get update && sudo apt-get install -y$$missing"; exit 1; \
	fi; \
	echo "installing:$$missing"; \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing \
	  || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; }

# Turns the sample rosters into documents. The samples stay in inputs/samples/; each run works
# on copies dropped into inputs/, as a clerk would, so running twice gives the same result.
# The samples were written for 20 November 2026 (expiry dates, ages of requests): dated so,
# the demonstration gives the same verdicts whatever day it is run.
RUN_AS_OF := 2026-11-20
run: deps
	$(MAKE) all
	cp -p inputs/samples/* inputs/
	@# exit 1 means some sample rows were rejected, which the samples do on purpose
	./ctsbatch run --in inputs --out outputs --as-of $(RUN_AS_OF); rc=$$?; [ $$rc -le 1 ] \
	  && echo "documents in outputs/; read outputs/report.csv for the rejected rows"

test:
	$(MAKE) deps DEB_PACKAGES="$(DEB_PACKAGES) $(TEST_DEB_PACKAGES)"
	$(MAKE) unit e2e pdfa

unit: fonts $(SAN_TESTS)
	@fail=0; for t in $(SAN_TESTS); do echo "== $$t"; ./$$t || fail=1; done; exit $$fail

e2e: build/san/ctsbatch fonts
	CTSBATCH=build/san/ctsbatch bash tests/e2e.sh
	CTSBATCH=build/san/ctsbatch bash tests/e2e_txn.sh
	CTSBATCH=build/san/ctsbatch bash tests/e2e_watch.sh

# PDF/A checks of every PDF a run of the samples and of a roster of every procedure writes (all
# twelve forms, the letters, the reports), as PDF/A-2b and as PDF/A-1b (PDFBox Preflight), then
# the negative control showing that the checks fail on a broken width or XMP value.
PDFA_AS_OF := 2026-11-20
PDFA_INPUTS := inputs/samples/* tests/data/e2e_all_procedures.csv
pdfa: ctsbatch fonts
	rm -rf build/pdfa && mkdir -p build/pdfa/a2/in build/pdfa/a1/in
	cp -p $(PDFA_INPUTS) build/pdfa/a2/in/
	cp -p $(PDFA_INPUTS) build/pdfa/a1/in/
	sed 's|chuan="PDF/A-2b"|chuan="PDF/A-1b"|' config/ctsbatch.xml >build/pdfa/a1/ctsbatch.xml
	grep -q 'chuan="PDF/A-1b"' build/pdfa/a1/ctsbatch.xml
	./ctsbatch run --in build/pdfa/a2/in --out build/pdfa/a2/out --as-of $(PDFA_AS_OF) --settle 0 \
	  >/dev/null; [ $$? -le 1 ]
	./ctsbatch run --in build/pdfa/a1/in --out build/pdfa/a1/out --as-of $(PDFA_AS_OF) --settle 0 \
	  --config build/pdfa/a1/ctsbatch.xml >/dev/null; [ $$? -le 1 ]
	@forms=$$(find build/pdfa/a2/out -name 'Mau*.pdf' | sed 's|.*/Mau\([0-9]*\)-.*|\1|' | sort -u | tr '\n' ' '); \
	  echo "pdfa: forms made: $$forms"; [ "$$forms" = "01 02 03 04 07 08 09 10 11 12 14 15 " ]
	bash tests/pdfa.sh --part 2 $$(find build/pdfa/a2 -name '*.pdf' | sort)
	bash tests/pdfa.sh --part 1 $$(find build/pdfa/a1 -name '*.pdf' | sort)
	bash tests/pdfa_negative.sh --part 2 $$(find build/pdfa/a2/out -name 'Mau01-*.pdf' | sort | head -n 1)
	bash tests/pdfa_negative.sh --part 1 $$(find build/pdfa/a1/out -name 'Mau01-*.pdf' | sort | head -n 1)

# Fuzzing (clang libFuzzer + ASan/UBSan): one target per reader, FUZZ_SECONDS each. Crashes
# land in build/fuzz/; every one fixed is added to tests/data/ as a case.
FUZZ_SECONDS ?= 600
FUZZ_FLAGS := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -g -O1
FUZZ_SRCS := $(filter-out pipeline/main.c,$(wildcard pipeline/*.c))

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_SRCS) | build/fuzz
	clang $(WARN) $(XML_CFLAGS) $(SHEET_CFLAGS) -Ipipeline $(FUZZ_FLAGS) -o $@ $< $(FUZZ_SRCS) $(LIBS)

build/fuzz:
	mkdir -p $@

fuzz:
	$(MAKE) deps DEB_PACKAGES="clang libclang-rt-14-dev"
	$(MAKE) build/fuzz/fuzz_csv build/fuzz/fuzz_xml build/fuzz/fuzz_xlsx build/fuzz/fuzz_ods \
	  build/fuzz/fuzz_xls
	@for t in csv xml xlsx ods xls; do \
	  mkdir -p build/fuzz/corpus_$$t && cp -n tests/fuzz/corpus_$$t/* build/fuzz/corpus_$$t/; \
	  echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
	  ./build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 \
	    -rss_limit_mb=2048 -artifact_prefix=build/fuzz/$$t- -print_final_stats=1 \
	    build/fuzz/corpus_$$t 2>&1 | grep -E 'stat::number_of_executed_units|stat::peak_rss|ERROR|SUMMARY|Done' \
	    || exit 1; \
	done

valgrind: ctsbatch
	CTSBATCH="valgrind --error-exitcode=9 --leak-check=full -q ./ctsbatch" bash tests/e2e.sh

bench: deps
	$(MAKE) ctsbatch fonts
	bash tests/bench.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/ctsbatch/templates \
	  $(DESTDIR)$(PREFIX)/share/ctsbatch/fonts $(DESTDIR)$(PREFIX)/share/ctsbatch/config
	install -m 755 ctsbatch $(DESTDIR)$(PREFIX)/bin/ctsbatch
	install -m 644 templates/* $(DESTDIR)$(PREFIX)/share/ctsbatch/templates/
	install -m 644 config/* $(DESTDIR)$(PREFIX)/share/ctsbatch/config/
	cp -L fonts/*.ttf $(DESTDIR)$(PREFIX)/share/ctsbatch/fonts/

format:
	clang-format -i pipeline/*.c pipeline/*.h tests/*.c

clean:
	rm -rf build ctsbatch fonts/*.ttf

-include $(wildcard build/rel/*.d build/san/*.d)
