# One command to run the assistant, one to test it. Everything is built on
# demand: environments when requirements change, the index when the catalog
# or model changes, the Rasa model when its training data changes.

PY310 := $(shell bot/find-python 3.10)
PY311 := $(shell bot/find-python 3.11)
VENV := .venv
RASA_VENV := .venv-rasa
PY := $(VENV)/bin/python
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: setup index model run test bench validate clean

setup: $(VENV)/.installed $(RASA_VENV)/.installed

$(VENV)/.installed: requirements/app.txt
	@test -n "$(PY311)" || (echo "python3.11 is required" && exit 1)
	rm -rf $(VENV) && $(PY311) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet -r requirements/app.txt
	@touch $@

$(RASA_VENV)/.installed: requirements/rasa.txt
	@test -n "$(PY310)" || (echo "python3.10 is required for Rasa 3.6" && exit 1)
	rm -rf $(RASA_VENV) && $(PY310) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/pip install --quiet -r requirements/rasa.txt
	@touch $@

index: setup
	$(PY) -m bot index

model: setup
	$(PY) -m bot train

run: index model
	$(PY) -m bot run

test: index model
	$(PY) -m pytest

bench: index model
	$(PY) -m bot bench

clean:
	rm -rf var models results .pytest_cache
