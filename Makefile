# The two commands: `make run` starts the application, `make test` runs every test.
# Both install what they need first (system packages when run as root, Python packages into
# .venv, front-end packages into node_modules).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Test processes side by side (pytest-xdist): one per CPU by default; TEST_WORKERS=0 runs in one.
TEST_WORKERS ?= auto
XDIST := $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist worksteal)

.PHONY: run test test-fast install system-deps-run system-deps-test lint format clean

run: system-deps-run install
	scripts/run.sh

test: system-deps-test install lint
	scripts/test.sh $(XDIST) $(PYTEST_ARGS)

# Style and the direction of dependencies between apps (docs/architecture.md); part of `make test`.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# Rewrite the code in the project's style (what `make lint` checks).
format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The quick part of the suite, while working: no test marked slow, browser, integration or pdf.
test-fast: install
	scripts/test.sh $(XDIST) -m "not slow and not browser and not integration and not pdf" $(PYTEST_ARGS)

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

system-deps-run:
	@scripts/system-deps.sh run

system-deps-test:
	@scripts/system-deps.sh test

clean:
	rm -rf $(VENV) node_modules staticfiles test-artifacts
