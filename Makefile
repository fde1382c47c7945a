# vsd-tutorial: `make demo` and `make test` set everything up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# torch is pinned to the CPU build kept on this project's machines; GPU users: install your CUDA torch into
# $(VENV) first (any torch >= 2.1 satisfies the package), then run make.
TORCH ?= torch==2.13.0
DEPS := settings.ini setup.py pyproject.toml

.PHONY: install install-dev demo test sync-check nbtest pytest readme benchmarks train-prior train-normal-prior train-fixed-camera-prior train-judge clean
.PHONY: docs docs-sphinx docs-quarto classroom

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(DEPS) | $(BIN)/python
	$(BIN)/pip install -q "$(TORCH)" || $(BIN)/pip install -q torch
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: $(DEPS) $(VENV)/.installed
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## the main job on the embedded toy default: 4 VSD particles of a toy prompt with the SEES_SIZE preset (34b_fidelity), then their textured meshes (about 4 minutes on a 2-core CPU)
demo: install
	rm -rf outputs/demo
	$(BIN)/vsd-tutorial generate "a red cube" --sees-size --method vsd --particles 4 --seed 0 --stages nerf,geometry,texture --out outputs/demo
	@echo "demo results: outputs/demo/grid.png (particles x turntable views), outputs/demo/turntable.gif, outputs/demo/metrics.json"
	@echo "meshes: outputs/demo/particle_*/mesh.glb and mesh.obj, outputs/demo/mesh_grid.png, outputs/demo/mesh_turntable.gif"

## every test: notebooks/library in sync, all notebooks (fast settings), pytest
test: install-dev sync-check nbtest pytest

# notebooks are the source: fail when nbdev_export or nbdev_clean would change a tracked file
sync-check: install-dev
	@before="$$(git status --porcelain -- nbs vsd_tutorial; git diff -- nbs vsd_tutorial | md5sum)"; \
	PATH="$(abspath $(BIN)):$$PATH" nbdev_export && PATH="$(abspath $(BIN)):$$PATH" nbdev_clean && $(BIN)/python tools/slim_widget_state.py nbs/*.ipynb; \
	after="$$(git status --porcelain -- nbs vsd_tutorial; git diff -- nbs vsd_tutorial | md5sum)"; \
	if [ "$$before" != "$$after" ]; then \
	  echo "error: the library or the notebooks were out of sync; nbdev_export/nbdev_clean/tools/slim_widget_state.py changed:"; \
	  git status --short -- nbs vsd_tutorial; exit 1; fi; echo "notebooks and library in sync"
	@$(BIN)/python tools/colab_badges.py --check

# two notebooks at a time, one thread each (this machine has 2 cores)
NB_WORKERS ?= 2
nbtest: install-dev
	OMP_NUM_THREADS=1 PATH="$(abspath $(BIN)):$$PATH" $(BIN)/nbdev_test --n_workers $(NB_WORKERS) --timing

pytest: install-dev
	$(BIN)/python -m pytest -q tests

## static docs site in _docs/ from the notebooks' saved outputs (nothing executed): nbdev_docs where Quarto is installed, else Sphinx + myst-nb, offline
docs: install-dev
	@if command -v quarto >/dev/null 2>&1; then $(MAKE) --no-print-directory docs-quarto; else $(MAKE) --no-print-directory docs-sphinx; fi
docs-sphinx: install-dev
	$(BIN)/python tools/build_docs.py
docs-quarto: install-dev
	PATH="$(abspath $(BIN)):$$PATH" nbdev_docs

## the classroom dashboard in Voilà, offline: make classroom [PORT=8866] [IP=127.0.0.1 (0.0.0.0: the whole classroom network)]
PORT ?= 8866
IP ?= 127.0.0.1
CLASSROOM_NB ?= nbs/classroom.ipynb
classroom: install-dev
	@test -f $(CLASSROOM_NB) || { echo "error: no $(CLASSROOM_NB): the classroom dashboard notebook does not exist yet"; exit 1; }
	@echo "classroom: open http://$(if $(filter 0.0.0.0,$(IP)),localhost,$(IP)):$(PORT)/ in a browser (Ctrl-C stops it)"
	JUPYTER_PATH="$(abspath tools/jupyter)$${JUPYTER_PATH:+:$$JUPYTER_PATH}" $(BIN)/voila $(CLASSROOM_NB) --no-browser \
	  --port=$(PORT) --Voila.ip=$(IP) --template=classroom

## README.md is generated from nbs/index.ipynb
readme: install-dev
	$(BIN)/jupyter nbconvert --to markdown --TemplateExporter.exclude_output=True --stdout nbs/index.ipynb 2>/dev/null > README.md

benchmarks: install
	$(BIN)/python benchmarks/prior_quality.py
	$(BIN)/python benchmarks/stage1.py
	$(BIN)/python benchmarks/diversity.py
	$(BIN)/python benchmarks/mesh_stages.py

## reproduce the shipped weights (about an hour and a few minutes on a 2-core CPU)
train-prior: install
	$(BIN)/python -m vsd_tutorial.toy.train --out vsd_tutorial/weights/toy_prior --steps 5500 --n-images 30000
train-normal-prior: install
	$(BIN)/python -m vsd_tutorial.toy.train --out vsd_tutorial/weights/toy_normal_prior --kind normal --init vsd_tutorial/weights/toy_prior --steps 1500 --lr 5e-4 --warmup 100 --n-images 20000
train-fixed-camera-prior: install
	$(BIN)/python -m vsd_tutorial.toy.train --out vsd_tutorial/weights/toy_prior_fixed_camera --cameras fixed --init vsd_tutorial/weights/toy_prior --steps 600 --lr 5e-4 --warmup 50 --n-images 20000
train-judge: install
	$(BIN)/python -m vsd_tutorial.toy.judge --out vsd_tutorial/weights/toy_judge

clean:
	rm -rf $(VENV) outputs _proc _docs
