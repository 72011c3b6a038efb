# Two commands for a newcomer: `make run` and `make test`. Everything goes into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export OMP_WAIT_POLICY ?= PASSIVE

.PHONY: run demo test setup test-setup package package-test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

# torch first, pinned: this CPU build is what the project is tested with (an unpinned torch
# pulls a multi-GB CUDA build); then the project itself. Where PyPI's Linux torch would be the
# CUDA build (a CI runner), pass TORCH_INDEX=--index-url=https://download.pytorch.org/whl/cpu
TORCH_INDEX ?=
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install "torch==2.13.0" $(TORCH_INDEX)
	$(BIN)/pip install -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.installed
	$(BIN)/pip install -e ".[test]"
	sh packaging/linux/install-test-deps.sh
	touch $@

setup: $(VENV)/.installed

test-setup: $(VENV)/.test-installed

run: setup
	$(BIN)/python -m playground

demo: setup
	$(BIN)/python -m playground demo

test: test-setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

# Installers (packaging/README.md): the bundle, .tar.gz and .deb in dist/; then install the
# .deb and run the installed app's self-test.
$(VENV)/.package-installed: $(VENV)/.installed
	$(BIN)/pip install -e ".[package]"
	touch $@

package: $(VENV)/.package-installed
	$(BIN)/python packaging/build.py linux

package-test: package
	sh packaging/linux/test-deb.sh

bench: setup
	$(BIN)/python benchmarks/train_bench.py
	$(BIN)/python benchmarks/sample_bench.py
	$(BIN)/python benchmarks/trace_bench.py

clean:
	rm -rf $(VENV) build dist *.egg-info
