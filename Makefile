# The two commands of README.md. Both install whatever is missing first.
.PHONY: demo test lint setup setup-test bench bench-service quality rules risk clean

PY := .venv/bin/python
# Static checks (config in pyproject.toml): ruff on the code, then mypy on the package.
LINT := $(PY) -m ruff check omset tests bench && $(PY) -m mypy

setup:
	@bash scripts/setup.sh

setup-test:
	@bash scripts/setup.sh --test

demo: setup
	@$(PY) -m omset translate examples/artikkel.nb.txt -s nb -t nn

test: setup-test
	@$(LINT)
	@$(PY) -m pytest -q -ra

lint: setup-test
	@$(LINT)

bench: setup
	@$(PY) bench/engine.py

bench-service: setup
	@$(PY) -c "import apertium_apy" 2>/dev/null || "$$(command -v uv || echo $$HOME/.local/bin/uv)" pip install -q --python $(PY) -e ".[bench]"
	@$(PY) bench/service.py

quality: setup
	@$(PY) bench/quality.py

# Post-edit rules of the nynorsk-news style, learned from the NorBench train split in
# ../shared (docs/rules.md); engine outputs are cached in bench/out/rules/.
TRAIN := ../shared/data/parallel/norbench_npk_maalfrid.train.nb-nn.tsv
GUARD := ../shared/data/parallel/apertium_regression_tests.nb-nn.tsv
rules: setup
	@$(PY) -m omset learn $(TRAIN) -o omset/data/rules/nynorsk-news.json --style nynorsk-news \
		--cache bench/out/rules/train.nynorsk-news.nn.txt \
		--guard $(GUARD) --guard-cache bench/out/rules/regression.nynorsk-news.nn.txt

# The risk model (docs/risk.md), learned from the same split; engine outputs cached in
# bench/out/risk/.
risk: setup
	@$(PY) -m omset learn risk $(TRAIN) -o omset/data/risk-model.json --style nynorsk-news \
		--cache bench/out/risk/train.nynorsk-news.jsonl
	@$(PY) -m omset learn risk $(TRAIN) -o omset/data/risk-model-nb.json --style bokmal \
		--cache bench/out/risk/train.bokmal.jsonl

clean:
	rm -rf .venv build *.egg-info .pytest_cache
