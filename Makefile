# Two commands do everything on a new machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run serve test lint venv bench clean

# The virtualenv is rebuilt only when a requirements file changes.
$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed

run: venv
	$(FLASK) init-db
	$(FLASK) load-demo --if-empty
	$(FLASK) index-check --fix
	$(FLASK) ensure-admin
	@echo "Trang công khai: http://$(HOST):$(PORT)/   Quản trị: http://$(HOST):$(PORT)/admin/"
	$(FLASK) run --host $(HOST) --port $(PORT)

# Production: gunicorn on $(CMS_BIND) (default 127.0.0.1:8000), settings in gunicorn.conf.py.
serve: venv
	$(FLASK) init-db
	$(FLASK) index-check --fix
	$(BIN)/gunicorn -c gunicorn.conf.py

lint: venv
	$(BIN)/ruff check .

test: lint
	$(BIN)/python -m pytest -q

bench: venv
	$(BIN)/python bench/pages.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
