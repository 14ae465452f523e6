# The two commands of the README, and the install they share.
#   make demo   train, evaluate and run MGE on a CoNLL04 sample (a few minutes on 2 cores)
#   make test   the whole test suite
#   make benchmark   the measurement of the README's results section (long)
# Each installs the project into .venv first; that step does nothing when the install is current.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
REQUIREMENTS := requirements/runtime.txt requirements/dev.txt requirements/no-deps.txt requirements/constraints.txt requirements/torch.txt setup.py

.PHONY: install demo test benchmark clean

install: $(STAMP)

$(STAMP): $(REQUIREMENTS) scripts/install.sh
	PYTHON=$(PYTHON) VENV=$(VENV) scripts/install.sh
	touch $(STAMP)

demo: install
	scripts/demo.sh

test: install
	$(BIN)/pytest -n 2 tests

benchmark: install
	$(BIN)/python scripts/benchmark.py $(BENCHMARK_ARGS)

clean:
	rm -rf $(VENV) runs/demo
