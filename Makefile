# The README's two commands: `make run` and `make test`.
# Extra arguments: make test ARGS='-m "not e2e" -x'   make run ARGS='--server.port 8600'
.PHONY: run test setup setup-dev clean

ARGS ?=

run:
	bash scripts/run.sh $(ARGS)

test:
	bash scripts/test.sh $(ARGS)

setup:
	bash scripts/setup.sh

setup-dev:
	bash scripts/setup.sh --dev

clean:
	rm -rf .venv
