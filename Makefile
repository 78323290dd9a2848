# Two entry points: `make run` and `make test`. Each sets up what it needs first.
VENV := .venv
BIN := $(VENV)/bin
export RASA_TELEMETRY_ENABLED := false

.PHONY: run test setup model

run: model
	$(BIN)/redheart run

test: model
	$(BIN)/python -m pytest

setup: $(VENV)/.installed

# Reinstall when the package definition changes. -qq: pip's errors show, its warnings
# (about indexes and find-links of the machine's pip configuration) do not.
$(VENV)/.installed: pyproject.toml
	bash scripts/make-venv $(VENV)
	$(BIN)/pip install -qq -e '.[test]'
	touch $@

# `redheart train` trains only when its inputs changed since the last training.
model: setup
	$(BIN)/redheart train
