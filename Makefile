# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint typecheck pytest debs bench screenshots clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

demo: $(STAMP)
	$(VENV)/bin/okta-wizard demo

debs:
	sh scripts/install-debs.sh

# lint-imports: the layers of CONTRIBUTING.md (contracts in pyproject.toml).
# The admins' laptops: typeshed marks what Windows and macOS lack (fcntl, os.fchmod, SIGHUP...).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo
	$(VENV)/bin/mypy --platform win32
	$(VENV)/bin/mypy --platform darwin

typecheck: $(STAMP)
	$(VENV)/bin/mypy

pytest: $(STAMP) debs
	sh scripts/with-keyring.sh $(VENV)/bin/pytest $(PYTEST_ARGS)

test: lint typecheck pytest

bench: $(STAMP) debs
	sh scripts/with-keyring.sh $(PY) bench/run.py

# Under the keyring session, so the pictures show the real Secret Service, as committed.
screenshots: $(STAMP) debs
	sh scripts/with-keyring.sh $(PY) scripts/render_screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
