# gwg: Gibbs-with-Gradients for discrete energy-based models.
#
# BLAS: every target builds with the built-in GEMM (gonum's BLAS with an
# AVX2/FMA matrix product, as fast as OpenBLAS for these shapes), on every
# machine, so that the same command trains the same model everywhere.
# OpenBLAS is opt-in: `make BLAS=openblas` (needs libopenblas-dev and cgo).
# Checkpoints record the build that wrote them (gwg inspect shows it).
BLAS ?= go
TAGS := $(if $(filter openblas,$(BLAS)),-tags openblas,)
GO ?= go
BIN := bin/gwg
DATA_DIR ?= $(or $(GWG_DATA_DIR),$(wildcard ../shared/data))

.PHONY: all build demo test skipped-note test-short bench lint fuzz clean

all: lint test build

# -buildvcs=auto stamps the VCS revision (gwg --version) when building from
# a git checkout, even where GOFLAGS turns stamping off.
build:
	$(GO) build -buildvcs=auto $(TAGS) -o $(BIN) ./cmd/gwg

# The main job on the embedded default data set (dynamic MNIST from the Go
# module cache; no download, no flags).
demo: build
	./scripts/demo.sh $(BIN)

# Everything: unit tests, exactness tests, real-data tests when a data
# directory is known, and the seed corpora of every fuzz target.
test:
	@GWG_DATA_DIR=$(DATA_DIR) $(GO) test $(TAGS) -count=1 -timeout 20m ./...; rc=$$?; $(MAKE) -s skipped-note; exit $$rc

# One line on what `make test` skipped when no data directory is known.
skipped-note:
	@if [ -z "$(DATA_DIR)" ]; then \
	  pkgs=$$(grep -l 'datasetstest\.\(DataDir\|Open(t, "[a-ce-z]\)' $$(git ls-files '*_test.go') | xargs -n1 dirname | sort -u | tr '\n' ' '); \
	  echo "make test: SKIPPED the real-data tests of $${pkgs}because no data directory is known (GWG_DATA_DIR is unset and ../shared/data does not exist); set GWG_DATA_DIR to run them"; \
	fi

test-short:
	$(GO) test $(TAGS) -short -count=1 ./...

bench:
	$(GO) test $(TAGS) -run '^$$' -bench . -benchmem -count 5 ./... | tee bench.txt

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(TAGS) ./...

# Run each fuzz target for FUZZTIME (default 20s).
FUZZTIME ?= 20s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test $(TAGS) -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; done

clean:
	rm -rf bin bench.txt
