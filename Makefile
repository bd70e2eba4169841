# The two commands of the README: `make demo` and `make test`. Both install what is missing first.
SWIFT ?= swift
REGOLITH := .build/release/regolith

.PHONY: deps build demo test bench clean

deps:
	@bash tools/install-deps.sh

build: deps
	$(SWIFT) build -c release --product regolith

# The whole method on the bundled fixture world: regolith-run/report.html.
demo: build
	$(REGOLITH) run

# The Slurm integration test needs slurm-wlm and munge; REGOLITH_SKIP_SLURM=1 skips both.
test:
	@bash tools/install-deps.sh $(if $(filter 1,$(REGOLITH_SKIP_SLURM)),,--with-slurm)
	$(SWIFT) test

bench: deps
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark

clean:
	rm -rf .build Benchmarks/.build
