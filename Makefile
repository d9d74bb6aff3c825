# wgan — build, test, install. `make help` lists the targets.
CC      ?= cc
PREFIX  ?= /usr/local
BUILD   ?= build
OPT     ?= -O2
SAN     ?=
PKGS    := openblas libpng zlib libcjson
VERSION := 0.1.0

# OpenBLAS's OpenMP build shares our OpenMP threads; the pthread build's
# threads would spin against them. Recursive (=) so pkg-config runs after
# `make deps` installed the packages.
BLAS_DIR   = /usr/lib/$(shell $(CC) -print-multiarch)/openblas-openmp
PKG_CONFIG = PKG_CONFIG_PATH=$(BLAS_DIR)/pkgconfig pkg-config
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
# oneDNN (libdnnl-dev) ships no pkg-config file: named directly.
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS)) -ldnnl -Wl,-rpath,$(BLAS_DIR)
# -fno-math-errno: nothing reads errno after a math function, and without it
# GCC keeps sqrtf scalar (a call for negative inputs), so loops with a square
# root, Adam's step among them, do not vectorize. The same bits either way.
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -fopenmp -fPIC -fno-math-errno \
             -Iinclude -Isrc $(PKG_CFLAGS) $(OPT) $(SAN) $(CFLAGS)
LDLIBS_ALL = $(PKG_LIBS) -fopenmp -lm $(SAN) $(LDFLAGS)

LIB_SRC   := $(sort $(wildcard src/*/*.c))
CLI_SRC   := $(sort $(wildcard cli/*.c))
TEST_SRC  := $(sort $(wildcard tests/test_*.c))
BENCH_SRC := $(sort $(wildcard bench/bench_*.c))
FUZZ_SRC  := $(sort $(wildcard fuzz/fuzz_*.c))

# ---- MPI (docs/distributed.md) ----
# make MPI=1 builds the MPI-enabled library and CLI with Open MPI's mpicc
# (make deps MPI=1 or scripts/deps.sh mpi installs it) into build-mpi/, beside the plain build;
# without it src/dist/ is the job of one rank and nothing links MPI.
# make test also builds it when mpicc is there, for tests/cli_mpi.sh.
MPI ?= 0
ifeq ($(MPI),1)
export MPI
ifeq ($(filter deps,$(MAKECMDGOALS))$(shell command -v mpicc),)
$(error make MPI=1 needs mpicc: make deps MPI=1 (or scripts/deps.sh mpi) installs Open MPI from Debian)
endif
CC := mpicc
ifeq ($(origin BUILD),file)
BUILD := build-mpi
endif
LIB_SRC := $(filter-out src/dist/dist_serial.c,$(LIB_SRC))
else
LIB_SRC := $(filter-out src/dist/dist_mpi.c,$(LIB_SRC))
ifneq ($(shell command -v mpicc),)
tests-build: mpi-build
endif
endif
.PHONY: mpi-build
mpi-build:
	@$(MAKE) --no-print-directory MPI=1 BUILD=build-mpi all
# ---- end of MPI ----

LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TEST_BIN  := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
FUZZ_NAMES := $(FUZZ_SRC:fuzz/%.c=%)
REPLAY_BIN := $(FUZZ_NAMES:%=$(BUILD)/replay/%)

# make fuzz: libFuzzer wants clang; its build and scratch corpus stay in here.
FUZZ_BUILD   := build/libfuzzer
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= $(FUZZ_NAMES)

.PHONY: all deps test tests-build demo asan bench fuzz fuzz-build fuzz-corpus install clean help
all: $(BUILD)/libwgan.a $(BUILD)/libwgan.so $(BUILD)/wgan $(BUILD)/wgan.pc

help:
	@echo "make demo     install what is missing, build, train a WGAN-GP (8gaussians, Fashion-MNIST)"
	@echo "make test     install what is missing, build, run every test"
	@echo "make deps     install the Debian packages the project needs"
	@echo "make asan     run the tests under AddressSanitizer + UBSan"
	@echo "make bench    build the benchmarks into $(BUILD)/bench, time wgan beside PyTorch and POT (bench/summary.sh)"
	@echo "make fuzz     FUZZ_SECONDS=N [FUZZ_TARGETS=...]: run each libFuzzer target N seconds"
	@echo "make install  PREFIX=...: headers, libraries, CLI, wgan.pc, the docs in share/doc/wgan"

deps:
	@scripts/deps.sh

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(BUILD)/libwgan.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libwgan.so: $(LIB_OBJ)
	$(CC) -shared -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/wgan: $(CLI_OBJ) $(BUILD)/libwgan.a
	$(CC) -o $@ $(CLI_OBJ) $(BUILD)/libwgan.a $(LDLIBS_ALL)

$(BUILD)/tests/%: tests/%.c tests/check.h tests/file_bytes.h tests/brute_force.h $(BUILD)/libwgan.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests -o $@ $< $(BUILD)/libwgan.a $(LDLIBS_ALL)

$(BUILD)/bench/%: bench/%.c $(BUILD)/libwgan.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(BUILD)/libwgan.a $(LDLIBS_ALL)

# A fuzz target as a plain program: replay.c's main feeds it its corpus and
# regressions (make test runs it).
$(BUILD)/replay/%: fuzz/%.c fuzz/replay.c fuzz/common.c fuzz/fuzz.h $(BUILD)/libwgan.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Icli -DFUZZ_TARGET='"$*"' -o $@ $(filter %.c %.o,$^) $(BUILD)/libwgan.a $(LDLIBS_ALL)

# The same target linked with libFuzzer (make fuzz builds it with clang).
$(BUILD)/fuzzer/%: fuzz/%.c fuzz/common.c fuzz/fuzz.h $(BUILD)/libwgan.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Icli -fsanitize=fuzzer -o $@ $(filter %.c %.o,$^) $(BUILD)/libwgan.a $(LDLIBS_ALL)

# conv_small_k.c is written with GCC's vector builtins: the clang build takes
# it from gcc, sanitized but without coverage (no parser runs it).
$(FUZZ_BUILD)/obj/src/core/conv_small_k.o: override CC = gcc
$(FUZZ_BUILD)/obj/src/core/conv_small_k.o: override SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined

# The option parser lives in the CLI.
$(BUILD)/replay/fuzz_cli $(BUILD)/fuzzer/fuzz_cli: $(BUILD)/obj/cli/options.o

# pkg-config file for a given prefix (OpenBLAS named by path: the OpenMP build).
pc_text = printf 'prefix=%s\nlibdir=$${prefix}/lib\nincludedir=$${prefix}/include\n\nName: wgan\nDescription: Wasserstein distances and Wasserstein GANs in C\nVersion: %s\nRequires.private: libpng zlib libcjson\nLibs: -L$${libdir} -lwgan\nLibs.private: -L%s -lopenblas -ldnnl -Wl,-rpath,%s -fopenmp -lm\nCflags: -I$${includedir}\n' \
	  '$(1)' '$(VERSION)' '$(BLAS_DIR)' '$(BLAS_DIR)'

$(BUILD)/wgan.pc: Makefile
	@mkdir -p $(BUILD)
	@$(call pc_text,$(PREFIX)) > $@

tests-build: all $(TEST_BIN) $(REPLAY_BIN)

ASAN_BUILD = BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
             SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"

# The CLI scripts also run against a sanitized CLI: memory errors and leaks fail them.
test:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory tests-build
	@$(MAKE) --no-print-directory build-asan/wgan $(ASAN_BUILD)
	@BUILD=$(BUILD) SANITIZED_BIN=build-asan/wgan tests/run.sh

asan:
	@scripts/deps.sh
	@$(MAKE) --no-print-directory tests-build $(ASAN_BUILD)
	@BUILD=build-asan ASAN_OPTIONS=detect_leaks=1 tests/run.sh

bench: all $(BENCH_BIN)
	@scripts/deps.sh bench
	@bench/summary.sh

# The seed corpus, written again by fuzz/make_corpus.c.
fuzz-corpus: all
	$(CC) $(CFLAGS_ALL) -o $(BUILD)/make_corpus fuzz/make_corpus.c $(BUILD)/libwgan.a $(LDLIBS_ALL)
	$(BUILD)/make_corpus

fuzz-build: $(FUZZ_TARGETS:%=$(BUILD)/fuzzer/%)

fuzz:
	@scripts/deps.sh fuzz
	@$(MAKE) --no-print-directory fuzz-build BUILD=$(FUZZ_BUILD) CC=clang-14 OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fsanitize=fuzzer-no-link"
	@BUILD=$(FUZZ_BUILD) fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

demo:
	@scripts/deps.sh
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh

# The Python package goes where Debian's python3 looks under PREFIX
# (lib/python3.X/dist-packages; PYTHONDIR=... overrides), with the path of
# the library it loads.
install: all
	install -d $(DESTDIR)$(PREFIX)/include/wgan $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/bin
	install -m 644 include/wgan.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 include/wgan/*.h $(DESTDIR)$(PREFIX)/include/wgan/
	install -m 644 $(BUILD)/libwgan.a $(BUILD)/libwgan.so $(DESTDIR)$(PREFIX)/lib/
	$(call pc_text,$(PREFIX)) > $(DESTDIR)$(PREFIX)/lib/pkgconfig/wgan.pc
	install -m 755 $(BUILD)/wgan $(DESTDIR)$(PREFIX)/bin/
	install -d $(DESTDIR)$(PREFIX)/share/doc/wgan/docs/figures
	install -m 644 README.md $(DESTDIR)$(PREFIX)/share/doc/wgan/
	install -m 644 docs/*.md $(DESTDIR)$(PREFIX)/share/doc/wgan/docs/
	install -m 644 docs/figures/*.png $(DESTDIR)$(PREFIX)/share/doc/wgan/docs/figures/
	@if [ -x /usr/bin/python3 ]; then \
	  dir=$(DESTDIR)$${PYTHONDIR:-$(PREFIX)/lib/$$(/usr/bin/python3 -c 'import sys; print("python%d.%d" % sys.version_info[:2])')/dist-packages}/wgan; \
	  echo "install python/wgan -> $$dir"; \
	  install -d $$dir && install -m 644 python/wgan/*.py $$dir/ && echo '$(PREFIX)/lib/libwgan.so' > $$dir/libwgan.path; \
	else echo "wgan: no /usr/bin/python3, the Python package is not installed"; fi

clean:
	rm -rf build build-asan

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
