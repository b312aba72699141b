# OrderFlow. `make run` serves the API; `make test` runs every test. Both set up what they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help run bench loadtest test test-containers lint fmt build migrate seed stop-postgres postgres-image \
	base-images image compose-check

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

run: ## Build, create and migrate the database (a private cluster if none answers), serve on 127.0.0.1:8000
	@scripts/run.sh

test: ## Every test, against the local Postgres (or a private cluster, or testcontainers), plus the OpenAPI check
	@scripts/test.sh

test-containers: ## The integration suites with Postgres started by testcontainers (needs Docker)
	@scripts/test-containers.sh

postgres-image: ## Build the offline Postgres image testcontainers uses (no registry needed)
	@scripts/offline-postgres-image.sh

base-images: ## Build the offline stand-ins for the Dockerfile's and compose.yaml's base images (no registry needed)
	@scripts/offline-base-images.sh

image: ## Build the orderflow:latest container image (Dockerfile) on the offline base images
	@scripts/build-image.sh

compose-check: ## Build the image, bring compose.yaml up, place orders through the balancer with a replica stopped, tear down
	@scripts/compose-check.sh

loadtest: ## The release build under HTTP load (wrk): req/s, p50, p99, errors per scenario and the ratio to the tree
	@scripts/loadtest.sh

bench: ## Benchmarks against a real database (generated catalogue of 100k products); figures in docs/performance.md
	@scripts/bench.sh

lint: ## cargo fmt --check and clippy with warnings as errors
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

fmt: ## Format the code
	cargo fmt --all

build: ## Build the orderflow binary (release)
	cargo build --release --bin orderflow

seed: ## Load the demo data (catalogue, customers, a super admin) into DATABASE_URL; safe to repeat
	@scripts/seed.sh

migrate: ## Apply pending migrations to DATABASE_URL
	@source scripts/_orderflow.sh && orderflow migrate

stop-postgres: ## Stop the private Postgres cluster of target/pgdata, if it runs
	@pgbin=$$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1); \
	if [ -s target/pgdata/PG_VERSION ]; then \
	  if [ "$$(id -u)" -eq 0 ]; then runuser -u postgres -- $$pgbin/pg_ctl -D target/pgdata stop; \
	  else $$pgbin/pg_ctl -D target/pgdata stop; fi; \
	else echo "no private cluster in target/pgdata"; fi
