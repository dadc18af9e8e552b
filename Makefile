# Facteur — one command to set up and launch, one to set up and test (see README.md).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: setup setup-test run test lint typecheck bench bench-timings soak clean package install-desktop uninstall-desktop translations icons demo screenshots

# The Qt binding is installed whole each time: its packages split and merge between versions (WebEngine left
# Addons in 6.12), and pieces of two versions in one venv do not load.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip uninstall -q -y PySide6-WebEngine PySide6-Addons PySide6-Essentials shiboken6 2>/dev/null || true
	$(PY) -m pip install -q -e '.[test,package]'
	# lupdate from 6.12 for the translation catalogues (see packaging/update_translations.py)
	$(PY) -m pip install -q --no-deps --upgrade --target $(VENV)/lupdate-qt PySide6-Essentials==6.12.0 shiboken6==6.12.0
	touch $@

setup:
	scripts/install-system-deps.sh run
	$(MAKE) $(VENV)/.installed

setup-test:
	scripts/install-system-deps.sh test
	$(MAKE) $(VENV)/.installed

run: setup
	$(PY) -m gui

test: setup-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	scripts/with-test-session.sh $(PY) -m pytest -q -rs $(PYTEST_ARGS)

lint:
	$(VENV)/bin/ruff check .

typecheck:
	$(VENV)/bin/mypy

bench:
	scripts/install-system-deps.sh bench
	$(MAKE) $(VENV)/.installed
	$(PY) bench/store_bench.py
	$(PY) -m bench.scale_bench
	$(PY) -m bench.scale_bench --sync
	$(PY) -m bench.sync_bench
	$(PY) -m bench.quit_bench
	$(MAKE) bench-timings

# The timing targets that tests must not assert (they would fail on a loaded machine): a table, and a failure
# for each target missed.
bench-timings: setup-test
	scripts/with-test-session.sh $(PY) -m pytest -q -p no:cacheprovider bench/timings

# Facteur for a long session on the local servers (IDLE pushes, syncs, opens, sends): alive, memory, references.
# make soak SOAK_SECONDS=600; SOAK_ARGS=--record writes the report into bench/RESULTS.md.
SOAK_SECONDS ?= 3600
SOAK_ARGS ?=
soak: setup-test
	scripts/with-test-session.sh $(PY) -m bench.soak --duration $(SOAK_SECONDS) $(SOAK_ARGS)

package: setup
	$(PY) -m pip install -q -e '.[package]'
	$(PY) packaging/build.py

install-desktop: setup
	packaging/install.sh

uninstall-desktop:
	packaging/install.sh --uninstall

translations: $(VENV)/.installed
	$(PY) packaging/update_translations.py

icons: $(VENV)/.installed
	$(PY) packaging/render_icons.py

demo: setup-test
	scripts/with-test-session.sh $(PY) scripts/demo.py

screenshots: setup-test
	xvfb-run -a -s "-screen 0 1280x800x24" scripts/with-test-session.sh $(PY) scripts/demo.py --screenshots docs/screenshots

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache
