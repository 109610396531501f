# Greencap — the two commands: `make demo` and `make test`. See README.md.
SHELL := /bin/bash
SWIFT ?= swift
DEMO_SECONDS ?= 60
export DEMO_SECONDS

.PHONY: all deps build test demo bench deb check-configs clean

all: build

deps:
	@./scripts/install-deps.sh

build: deps
	$(SWIFT) build

# Builds everything (the system tests run the real executables), then runs the whole suite serially:
# several tests measure timing (watchdog pings) and must not share the two cores with the others.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) build --product greencap-nvml-sim
	$(SWIFT) test --skip-build --no-parallel

demo: build
	./.build/debug/greencap demo

bench:
	@./scripts/install-deps.sh bench
	./scripts/bench.sh

# greencap-agent and greencap-collector .deb packages (release, static Swift runtime) in .build-deb/packages.
deb: deps
	./scripts/build-deb.sh

check-configs: build
	./.build/debug/greencap-agent --check-config Config/agent.example.toml
	./.build/debug/greencap-collector --check-config Config/collector.example.toml

clean:
	rm -rf .build .demo .bench
