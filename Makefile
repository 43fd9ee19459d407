# scalemeet.jitsi: one entry point for the test bed, the quality gates and the demo.
# `make test` goes from a fresh Debian 12 machine to a green run; `make demo` deploys
# into local containers. Every target is safe to re-run.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV      ?= $(CURDIR)/.venv
PYTHON    ?= python3
BIN       := $(VENV)/bin
export PATH := $(BIN):$(PATH)
# The collection as Ansible expects to find it: ansible_collections/scalemeet/jitsi.
COLLECTIONS := $(CURDIR)/.cache/collections
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_FORCE_COLOR := 0
SCENARIOS ?= $(sort $(notdir $(patsubst %/molecule.yml,%,$(wildcard molecule/*/molecule.yml))))
# Scenarios that are not part of `make test` (the demo is exercised by its own target).
TEST_SCENARIOS ?= $(filter-out demo,$(SCENARIOS))
# Scenarios running side by side (each log in .cache/reports/molecule-<scenario>.log).
MOLECULE_LANES ?= 2

.PHONY: help test testbed engine images venv collection-link lint yamllint ansible-lint \
        sanity units molecule standins build collection-check demo demo-down clean clean-containers changelog-lint bench-modules \
        docs ee-context galaxy-importer-venv bench

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

test: ## Everything from a fresh machine: test bed, lint, sanity, units, docs, collection build, Molecule
	@tests/run-stages.sh testbed lint sanity units docs collection-check molecule

testbed: ## Docker engine, base images, test venv, stand-in apt repo (idempotent; images and venv side by side)
	@$(MAKE) --no-print-directory -j4 images standins collection-link galaxy-importer-venv

engine: ## Install docker.io/mmdebstrap when missing and make sure dockerd answers
	@tests/testbed/engine.sh

images: engine ## Build the bookworm/trixie systemd images unless their recipe is unchanged
	@tests/testbed/images.sh

venv: $(VENV)/.requirements-stamp ## Test virtualenv from the pinned requirements-test.txt

$(VENV)/.requirements-stamp: requirements-test.txt
	@tests/testbed/venv.sh "$(VENV)" "$(PYTHON)" requirements-test.txt
	@touch $@

standins: venv engine ## Signed local apt repo of TEST DOUBLE jicofo, jitsi-videobridge2, jitsi-meet-web packages (tests/standins)
	@python tests/standins/build_repo.py --out $(CURDIR)/.cache/standin-apt

collection-link: ## Expose this checkout as scalemeet.jitsi to Ansible
	@mkdir -p $(COLLECTIONS)/ansible_collections/scalemeet
	@ln -sfn $(CURDIR) $(COLLECTIONS)/ansible_collections/scalemeet/jitsi

lint: yamllint ansible-lint changelog-lint ## yamllint, ansible-lint (production profile), changelog fragments

yamllint: venv
	yamllint --strict .

ansible-lint: venv collection-link
	ansible-lint --profile production --offline

changelog-lint: venv
	antsibull-changelog lint

sanity: venv ## ansible-test sanity on a copy of the collection at ansible_collections/scalemeet/jitsi
	@tests/sanity/run.sh

units: venv collection-link ## pytest unit tests (plugins, role specs, test bed)
	pytest tests/unit

build: venv ## Build the collection tarball into build/
	@mkdir -p build
	ansible-galaxy collection build --force --output-path build .

TARBALL = build/scalemeet-jitsi-$$(awk '/^version:/{print $$2}' galaxy.yml).tar.gz

collection-check: build ## The tarball: installs and runs by FQCN, Galaxy's importer passes it, the AWX execution environment builds from it
	@tests/collection/install-check.sh $(TARBALL)
	@tests/collection/ee-check.sh $(TARBALL)
	@tests/collection/galaxy-importer.sh $(TARBALL)

# After venv: that is what makes sure python3 can build a virtualenv (python3-venv) on a fresh machine.
galaxy-importer-venv: venv ## galaxy-importer in its own virtualenv (it pins its own ansible-lint)
	@tests/collection/galaxy-importer.sh --prepare

ee-context: build ## Build context of the AWX execution environment (execution-environment.yml) in build/ee-context
	@tests/collection/ee-check.sh $(TARBALL)

docs: venv collection-link ## Lint every plugin and role doc, write the reference (antsibull-docs) to build/docs, check the release changelog
	@tests/docs/check.sh

molecule: testbed ## Every Molecule scenario (converge, idempotence, check mode, verify), MOLECULE_LANES at a time
	@python tests/molecule/lanes.py --lanes $(MOLECULE_LANES) $(TEST_SCENARIOS)

bench-modules: venv collection-link ## Module benchmarks: topology validation, slot registrations, secrets
	python tests/bench/bench_modules.py

bench: testbed ## Every benchmark on the cluster scenario's containers: JSON, Markdown, plots in docs/performance/
	python tests/bench/run.py

demo: testbed ## Deploy the demo into local containers and print what runs where
	@tests/demo/up.sh

demo-down: venv collection-link ## Remove everything the demo created
	@tests/demo/down.sh

clean-containers: ## Remove every container and network the test bed created
	@tests/testbed/clean.sh

clean: clean-containers ## Also remove the venv, caches and build output
	rm -rf $(VENV) .cache build tests/output
