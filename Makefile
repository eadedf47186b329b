# stoa — the two commands a new user needs are `make run` and `make test`.
PRESET ?= release
BUILD_DIR := build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps configure build run test sanitize bench format check-format tidy clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build --preset $(PRESET) -j $(JOBS)

run: build
	./$(BUILD_DIR)/stoa serve --dev

test: build
	ctest --preset $(PRESET) -j $(JOBS)

# The unit tests (label unit) built with the debug preset: ASan + UBSan, in build-debug/.
sanitize: deps
	@cmake --preset debug >/dev/null
	@cmake --build --preset debug -j $(JOBS) --target unit_tests
	ctest --preset debug -L unit -j $(JOBS)

bench: build
	scripts/bench.sh

format:
	@git ls-files '*.h' '*.cc' | xargs clang-format -i

check-format: deps
	@git ls-files '*.h' '*.cc' | xargs clang-format --dry-run --Werror

tidy: configure
	@scripts/tidy.sh

clean:
	rm -rf $(BUILD_DIR)
