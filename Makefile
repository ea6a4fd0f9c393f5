# gwg: Gibbs-with-Gradients for discrete energy-based models.
#
# BLAS: the pure-Go gonum BLAS is the default everywhere. When OpenBLAS is
# installed (Debian: libopenblas-dev) the build uses it through the "openblas"
# build tag; force either with `make BLAS=go` or `make BLAS=openblas`.
BLAS ?= $(shell (test -e /usr/include/x86_64-linux-gnu/cblas.h || test -e /usr/include/cblas.h || test -e /usr/include/x86_64-linux-gnu/openblas-pthread/cblas.h) && echo openblas || echo go)
TAGS := $(if $(filter openblas,$(BLAS)),-tags openblas,)
GO ?= go
BIN := bin/gwg
DATA_DIR ?= $(or $(GWG_DATA_DIR),$(wildcard ../shared/data))

.PHONY: all build demo test test-short bench lint fuzz clean

all: lint test build

build:
	$(GO) build $(TAGS) -o $(BIN) ./cmd/gwg

# The main job on the embedded default data set (dynamic MNIST from the Go
# module cache; no download, no flags).
demo: build
	./scripts/demo.sh $(BIN)

# Everything: unit tests, exactness tests, real-data tests when a data
# directory is known, and the seed corpora of every fuzz target.
test:
	GWG_DATA_DIR=$(DATA_DIR) $(GO) test $(TAGS) -count=1 -timeout 20m ./...

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
