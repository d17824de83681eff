# The two commands of README.md. Both install whatever is missing first.
.PHONY: demo test setup setup-test bench bench-service quality clean

PY := .venv/bin/python

setup:
	@bash scripts/setup.sh

setup-test:
	@bash scripts/setup.sh --test

demo: setup
	@$(PY) -m omset translate examples/artikkel.nb.txt -s nb -t nn

test: setup-test
	@$(PY) -m pytest -q -ra

bench: setup
	@$(PY) bench/engine.py

bench-service: setup
	@$(PY) -c "import apertium_apy" 2>/dev/null || "$$(command -v uv || echo $$HOME/.local/bin/uv)" pip install -q --python $(PY) -e ".[bench]"
	@$(PY) bench/service.py

quality: setup
	@$(PY) bench/quality.py

clean:
	rm -rf .venv build *.egg-info .pytest_cache
