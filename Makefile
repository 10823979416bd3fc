# ctsbatch build. `make run` and `make test` are the two commands a fresh Debian machine needs:
# both install missing packages first (see `deps`).

CC      ?= cc
# `make install` (README "Installing, and running it as a service"): GNU names, Debian's
# defaults for a local install. The installed program is built with DATADIR and
# SYSCONFDIR/ctsbatch compiled in; DESTDIR only stages the files (a package build), it is
# never compiled in.
PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share/ctsbatch
MANDIR     ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
# systemd reads units, sysusers.d and tmpfiles.d under /usr/local/lib as the administrator's,
# under /usr/lib (= /lib on Debian's merged /usr) as a package's; /etc/systemd is left to the
# administrator's own overrides (`systemctl edit`).
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR    ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR    ?= $(PREFIX)/lib/tmpfiles.d
# The folder shared with clerks: SRVDIR/inputs (the drop folder) and SRVDIR/outputs.
SRVDIR ?= /srv/ctsbatch

DEB_PACKAGES := libhpdf-dev libxml2-dev libcmocka-dev fonts-liberation2 poppler-utils qpdf \
                pkg-config gcc make time libsqlite3-dev sqlite3 libssl-dev \
                libharfbuzz-dev libdeflate-dev icc-profiles-free python3-reportlab \
                python3-fonttools libpdfbox2-java libactivation-java libjaxb-api-java \
                default-jre-headless libzip-dev libfreexl-dev \
                libxlsxwriter-dev
# Only the tests need these (the e2e tests open the .xlsx reports with LibreOffice; the install
# check verifies the units with systemd-analyze and renders the man page with man and groff):
# `make test` installs them, `make run` does not.
TEST_DEB_PACKAGES := libreoffice-calc-nogui systemd man-db groff-base
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

.PHONY: all deps run test unit e2e pdfa bench install uninstall install-check clean format fonts \
        valgrind fuzz FORCE
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
	$(MAKE) unit e2e pdfa install-check

unit: fonts $(SAN_TESTS)
	@fail=0; for t in $(SAN_TESTS); do echo "== $$t"; ./$$t || fail=1; done; exit $$fail

e2e: build/san/ctsbatch fonts
	CTSBATCH=build/san/ctsbatch bash tests/e2e.sh
	CTSBATCH=build/san/ctsbatch bash tests/e2e_tables.sh
	CTSBATCH=build/san/ctsbatch bash tests/e2e_txn.sh
	CTSBATCH=build/san/ctsbatch bash tests/e2e_register.sh
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

# The installed program: main.c again with the installed paths compiled in (main.c, "find_home"
# and "config_path"), so ./ctsbatch in the checkout stays as it is. build/inst/paths changes
# only when the paths do, and then main.o is rebuilt.
INST_PATHS := -DCTSBATCH_DATADIR='"$(DATADIR)"' -DCTSBATCH_CONFDIR='"$(SYSCONFDIR)/ctsbatch"'
build/inst/paths: FORCE | build/inst
	@echo '$(INST_PATHS)' | cmp -s - $@ || echo '$(INST_PATHS)' >$@

build/inst/main.o: pipeline/main.c build/inst/paths | build/inst
	$(CC) $(ALL_CFLAGS) $(INST_PATHS) -c -o $@ $<

build/inst/ctsbatch: build/inst/main.o build/rel/libctsbatch.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

build/inst:
	mkdir -p $@

UNIT_SUBST := -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@CONFDIR@|$(SYSCONFDIR)/ctsbatch|g' \
              -e 's|@SRVDIR@|$(SRVDIR)|g'
UNITS := ctsbatch.service ctsbatch-run.service ctsbatch-run.timer

# Fonts are installed as links to Debian's files (fonts-liberation2), as Debian's font policy
# asks of packages: one copy on the system, updated with its package. The configuration goes to
# SYSCONFDIR/ctsbatch/ctsbatch.xml only where none was edited (dist/install-config.sh).
install: build/inst/ctsbatch
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/templates $(DESTDIR)$(DATADIR)/fonts \
	  $(DESTDIR)$(DATADIR)/config $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(SYSTEMDUNITDIR) \
	  $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR)
	install -m 755 build/inst/ctsbatch $(DESTDIR)$(BINDIR)/ctsbatch
	install -m 644 templates/* $(DESTDIR)$(DATADIR)/templates/
	sh dist/install-config.sh config/ctsbatch.xml $(DESTDIR)$(DATADIR)/config/ctsbatch.xml \
	  $(DESTDIR)$(SYSCONFDIR)/ctsbatch
	install -m 644 config/* $(DESTDIR)$(DATADIR)/config/
	@for f in $(FONT_FILES); do \
	  echo "ln -sfn $(FONT_DIR)/$$f $(DESTDIR)$(DATADIR)/fonts/$$f"; \
	  ln -sfn $(FONT_DIR)/$$f $(DESTDIR)$(DATADIR)/fonts/$$f; \
	  test -f $(FONT_DIR)/$$f || echo "install: warning: $(FONT_DIR)/$$f is missing:" \
	    "install fonts-liberation2"; \
	done
	gzip -9n <docs/ctsbatch.1 >$(DESTDIR)$(MANDIR)/man1/ctsbatch.1.gz
	chmod 644 $(DESTDIR)$(MANDIR)/man1/ctsbatch.1.gz
	@for u in $(UNITS); do \
	  src=dist/systemd/$$u; [ -f $$src.in ] && src=$$src.in; \
	  echo "sed $$src >$(DESTDIR)$(SYSTEMDUNITDIR)/$$u"; \
	  sed $(UNIT_SUBST) $$src >$(DESTDIR)$(SYSTEMDUNITDIR)/$$u || exit 1; \
	  chmod 644 $(DESTDIR)$(SYSTEMDUNITDIR)/$$u; \
	done
	install -m 644 dist/sysusers/ctsbatch.conf $(DESTDIR)$(SYSUSERSDIR)/ctsbatch.conf
	sed $(UNIT_SUBST) dist/tmpfiles/ctsbatch.conf.in >$(DESTDIR)$(TMPFILESDIR)/ctsbatch.conf
	chmod 644 $(DESTDIR)$(TMPFILESDIR)/ctsbatch.conf
	@if grep -n '@[A-Z]*@' $(UNITS:%=$(DESTDIR)$(SYSTEMDUNITDIR)/%) \
	  $(DESTDIR)$(TMPFILESDIR)/ctsbatch.conf; then echo "install: a placeholder is left"; exit 1; fi
	@[ -n "$(DESTDIR)" ] || { echo "install: done. As a service (README \"Installing, and" \
	  "running it as a service\"), as root:"; \
	  echo "  systemd-sysusers ctsbatch.conf && systemd-tmpfiles --create ctsbatch.conf"; \
	  echo "  systemctl daemon-reload && systemctl enable --now ctsbatch.service"; }

# Removes what `install` put in place, except the site's own: SYSCONFDIR/ctsbatch (its
# configuration), /var/lib/ctsbatch (the ledger) and SRVDIR (the rosters and documents).
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/ctsbatch $(DESTDIR)$(MANDIR)/man1/ctsbatch.1.gz \
	  $(UNITS:%=$(DESTDIR)$(SYSTEMDUNITDIR)/%) $(DESTDIR)$(SYSUSERSDIR)/ctsbatch.conf \
	  $(DESTDIR)$(TMPFILESDIR)/ctsbatch.conf
	rm -rf $(DESTDIR)$(DATADIR)
	@echo "uninstall: kept $(DESTDIR)$(SYSCONFDIR)/ctsbatch, /var/lib/ctsbatch and $(SRVDIR)"

# make install into a temporary DESTDIR and a temporary PREFIX, and what must hold of them
# (tests/install.sh).
install-check:
	bash tests/install.sh

format:
	clang-format -i pipeline/*.c pipeline/*.h tests/*.c

clean:
	rm -rf build ctsbatch fonts/*.ttf

-include $(wildcard build/rel/*.d build/san/*.d build/inst/*.d)
