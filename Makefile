# One command to run the assistant, one to test it. Everything is built on
# demand: environments when requirements change, the index when the catalog
# or model changes, the Rasa model when its training data changes.

PY310 := $(shell bot/find-python 3.10)
PY311 := $(shell bot/find-python 3.11)
VENV := .venv
RASA_VENV := .venv-rasa
PY := $(VENV)/bin/python
WIDGET := bot/web/widget
WIDGET_VENDOR := bot/web/static/vendor
CHROMIUM := /usr/bin/chromium
HAPROXY := /usr/sbin/haproxy
TOOLS_VENV := .venv-tools
RASA ?= 2
ACTIONS ?= 2
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: setup index model run run-scaled test bench load profile validate clean

setup: $(VENV)/.installed $(RASA_VENV)/.installed $(WIDGET_VENDOR)/.installed $(CHROMIUM)

# The website widget (rasa-webchat 1.0.1 + React) and playwright-core for the
# browser test, pinned in package-lock.json; served by bot/web from static/vendor/.
$(WIDGET_VENDOR)/.installed: $(WIDGET)/package-lock.json
	cd $(WIDGET) && npm ci --no-audit --no-fund
	mkdir -p $(WIDGET_VENDOR)
	@# Same file, without its Google Fonts @import: nothing is fetched from a third party.
	sed 's|@import url(https://fonts.googleapis.com/css?family=Inter:400,500,700&display=swap);||g' \
	    $(WIDGET)/node_modules/rasa-webchat/lib/index.js > $(WIDGET_VENDOR)/rasa-webchat.js
	cp $(WIDGET)/node_modules/react/umd/react.production.min.js $(WIDGET_VENDOR)/react.production.min.js
	@touch $@

# Debian's Chromium for the widget's browser test (no browser downloads).
$(CHROMIUM):
	apt-get install -y chromium || (apt-get update && apt-get install -y chromium)

# Debian's HAProxy for the scale-out profile and the load and fault tests.
$(HAPROXY):
	apt-get install -y haproxy || (apt-get update && apt-get install -y haproxy)

# py-spy for `make profile` (its own small environment).
$(TOOLS_VENV)/.installed: requirements/profile.txt
	rm -rf $(TOOLS_VENV) && $(PY311) -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/pip install --quiet -r requirements/profile.txt
	@touch $@

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

run-scaled: index model $(HAPROXY)
	$(PY) -m bot run --scaled --rasa $(RASA) --actions $(ACTIONS)

test: index model $(HAPROXY)
	$(PY) -m pytest

bench: index model
	$(PY) -m bot bench
	$(PY) -m bot bench-catalog

# Load test (loopback only, bounded): CUSTOMERS, DURATION (seconds), LOAD_ARGS.
CUSTOMERS ?= 200
DURATION ?= 300
load: index model $(HAPROXY)
	$(PY) -m bot load --customers $(CUSTOMERS) --duration $(DURATION) $(LOAD_ARGS)

profile: index model $(TOOLS_VENV)/.installed
	$(PY) -m bot profile --py-spy

clean:
	rm -rf var models results .pytest_cache $(TOOLS_VENV)
