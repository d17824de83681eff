"""Risk flags without the engine: features of hand-written segments, targets, the
metrics, the plain-Python tree evaluation and the shipped model (omset.risk)."""

from __future__ import annotations

import json
import math
import random

import pytest

from omset.result import Change, Segment, Token
from omset.risk import annotate, flagged, load, riskiest
from omset.risk.evaluate import precision_at_recall, top_share
from omset.risk.features import (
    SEGMENT_FEATURES,
    WORD_FEATURES,
    Lexicon,
    segment_features,
    word_features,
)
from omset.risk.model import FORMAT, ModelError, RiskModel, Trees
from omset.risk.store import segment_from_dict
from omset.risk.targets import word_edits


def _seg(source: str, pairs: list[tuple[str, str | None]], **extra: dict) -> Segment:
    """A segment whose tokens are ``(output word, source word)`` pairs, separated by
    spaces (``extra``: token index -> Token field overrides)."""
    tokens, pos = [], 0
    for i, (text, src) in enumerate(pairs):
        tokens.append(Token(text, pos, src, **extra.get(str(i), {})))
        pos += len(text) + 1
    return Segment(source, " ".join(t for t, _ in pairs), tokens)


def _col(rows: list[list[float]], name: str) -> list[float]:
    j = WORD_FEATURES.index(name)
    return [r[j] for r in rows]


NAMES = _seg("Han møtte Kari Nordmann i Vejdirektoratet i 2010 .",
             [("Han", "Han"), ("møtte", "møtte"), ("Kari", "Kari"), ("Nordmann", "Nordmann"),
              ("i", "i"), ("Vejdirektoratet", "Vejdirektoratet"), ("i", "i"), ("2010", "2010"),
              (".", ".")],
             **{"5": {"unknown": True}})


def test_word_features_see_names_numbers_unknown_words_and_sentence_start():
    rows = word_features(NAMES, Lexicon())
    assert len(rows) == len(NAMES.tokens) and all(len(r) == len(WORD_FEATURES) for r in rows)
    assert _col(rows, "capitalised") == [1, 0, 1, 1, 0, 1, 0, 0, 0]
    # the first word is capitalised because it starts the sentence, not because it is a name
    assert _col(rows, "capitalised_inner") == [0, 0, 1, 1, 0, 1, 0, 0, 0]
    assert _col(rows, "has_digit") == [0, 0, 0, 0, 0, 0, 0, 1, 0]
    assert _col(rows, "unknown") == [0, 0, 0, 0, 0, 1, 0, 0, 0]
    assert _col(rows, "is_punct") == [0] * 8 + [1]
    assert _col(rows, "prev_unknown")[6] == 1 and _col(rows, "next_unknown")[4] == 1
    assert _col(rows, "near_unknown")[2] == 1 and _col(rows, "near_unknown")[5] == 0
    assert _col(rows, "first")[0] == 1 and _col(rows, "last")[-1] == 1
    assert set(_col(rows, "segment_unknown")) == {1}


def test_word_features_see_quotes_parentheses_alternatives_layers_and_multiwords():
    seg = _seg("Han sa « vi kommer i dag » ( trolig ) .",
               [("Han", "Han"), ("sa", "sa"), ("«", "«"), ("me", "vi"), ("kjem", "kommer"),
                ("i dag", "i dag"), ("»", "»"), ("(", "("), ("truleg", "trolig"), (")", ")"),
                (".", ".")],
               **{"3": {"changes": [Change("profile", "vi", "me", "profile x")],
                        "alternatives": ["me", "vi"]},
                  "8": {"changes": [Change("rule", "sannsynleg", "truleg", "rule R1")]}})
    rows = word_features(seg, Lexicon())
    assert _col(rows, "in_quotes") == [0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0]
    assert _col(rows, "in_parens") == [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0]
    assert _col(rows, "alternatives")[3] == 2 and _col(rows, "layer_profile")[3] == 1
    assert _col(rows, "layer_rule")[8] == 1 and sum(_col(rows, "layer_rule")) == 1
    assert _col(rows, "text_words")[5] == 2 and _col(rows, "source_words")[5] == 2
    assert _col(rows, "changed") == [0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0]
    # a respelling shares its start with the source word, another word does not
    prefix = _col(rows, "shared_prefix")
    assert prefix[8] > prefix[3] == 0.0


def test_the_word_table_gives_frequencies_and_a_smoothed_edit_rate():
    lex = Lexicon({"møtte": [50, 40, 0, 45], "i": [900, 900, 90, 950]}, prior=0.2)
    rows = word_features(NAMES, lex)
    assert _col(rows, "src_freq")[1] > 0 and _col(rows, "src_freq")[2] == 0
    rate = _col(rows, "out_edit_rate")
    assert rate[1] < rate[4] < rate[2] == pytest.approx(0.2)   # unseen words get the prior
    assert _col(rows, "out_seen")[:3] == [0, 1, 0]
    scaled = Lexicon(lex.counts, scale=2.0, prior=0.2).lookup("I")
    assert scaled == (1800, 1800, 180, 1900)


def test_segment_features_count_what_the_words_show():
    rows = word_features(NAMES, Lexicon())
    x = segment_features(NAMES, rows, [0.1] * 8 + [0.9])
    assert len(x) == len(SEGMENT_FEATURES)
    f = dict(zip(SEGMENT_FEATURES, x))
    assert f["words"] == 8 and f["tokens"] == 9 and f["unknown"] == 1
    assert f["names"] == 3 and f["numbers"] == 1 and f["punct"] == 1
    assert f["word_risk_max"] == 0.9 and f["word_risk_over_half"] == 1
    assert f["word_risk_sum"] == pytest.approx(1.7)


def test_features_of_an_empty_segment_are_defined():
    seg = Segment("", "", [])
    assert word_features(seg, Lexicon()) == []
    assert len(segment_features(seg, [], [])) == len(SEGMENT_FEATURES)


def test_word_edits_mark_what_the_reference_does_not_keep():
    seg = _seg("x", [("Han", None), ("seier", None), ("i dag", None), ("at", None), (".", None)])
    assert word_edits(seg, "Han sa i går at .") == [False, True, True, False, False]
    assert word_edits(seg, "han SEIER i dag at.") == [False] * 5   # case does not count
    # Apertium's compound parts are one word of the text: kept when the compound is
    compound = Segment("x", "Kommunistleiarane møtest .",
                       [Token("Kommunist", 0), Token("leiarane", 9), Token("møtest", 18),
                        Token(".", 25)])
    assert word_edits(compound, "Kommunistleiarane møttest.") == [False, False, True, False]
    assert word_edits(compound, "Leiarane møtest.") == [True, True, False, False]
    assert _col(word_features(compound, Lexicon()), "glued") == [1, 1, 0, 0]
    empty = Segment("x", "", [Token("", 0, "bort", changes=[Change("rule", "bort", "", "r")])])
    assert word_edits(empty, "noko") == [False]


def test_top_share_and_precision_at_recall():
    assert top_share([0.9, 0.1, 0.2, 0.3, 0.4], [10, 0, 0, 0, 0]) == 1.0
    assert top_share([0.1, 0.9, 0.2, 0.3, 0.4], [10, 0, 0, 0, 0]) == 0.0
    assert top_share([1, 1], [0, 0]) == 0.0
    precision, threshold = precision_at_recall([0.9, 0.8, 0.7, 0.1], [True, False, True, True],
                                               recall=0.5)
    assert (precision, threshold) == (2 / 3, 0.7)
    assert precision_at_recall([0.5], [False]) == (0.0, 1.0)


def _tiny_model() -> dict:
    """A model with one small tree per part: word risk from ``unknown``, log expected
    edits from ``words``."""
    unknown = WORD_FEATURES.index("unknown")
    return {
        "format": FORMAT,
        "word": {"features": list(WORD_FEATURES), "init": -2.0,
                 "trees": [[unknown, 0.5, 0.0, 4.0]]},
        "segment": {"features": list(SEGMENT_FEATURES), "init": 0.0,
                    "trees": [[0, 5.5, 0.0, [0, 10.5, math.log(3.0), math.log(8.0)]]]},
        "quantiles": [0.5, 2.0, 2.0, 5.0, 9.0],
        "word_flag": 0.5,
        "lexicon": {"prior": 0.1, "smoothing": 5.0, "counts": {}},
    }


def test_trees_are_walked_like_scikit_learn_does():
    t = Trees.from_json({"init": 1.0, "trees": [[0, 0.5, -1.0, [1, 2.0, 2.0, 3.0]], 0.25]})
    assert t.raw([0.5, 9.0]) == 1.0 - 1.0 + 0.25       # <= goes left
    assert t.raw([0.6, 2.0]) == 1.0 + 2.0 + 0.25
    assert t.raw([0.6, 2.1]) == 1.0 + 3.0 + 0.25


def test_compiled_trees_give_the_walked_sum_to_the_last_bit():
    # the compiled expression adds the same leaves in the same order as the walk
    rng = random.Random(7)
    for target in ("nn", "nb"):
        model = load(target=target)
        for part, n in ((model.word, len(WORD_FEATURES)), (model.segment, len(SEGMENT_FEATURES))):
            for _ in range(200):
                x = [rng.choice([0.0, 1.0, rng.uniform(-3, 30)]) for _ in range(n)]
                assert part.raw(x) == part.walk(x)
    odd = Trees.from_json({"init": 0.5, "trees": [[0, float("inf"), 1.0, 2.0],
                                                 [0, float("nan"), 1.0, 2.0], 0.25]})
    assert odd.raw([3.0]) == odd.walk([3.0]) == 0.5 + 1.0 + 2.0 + 0.25


def test_annotate_with_a_hand_made_model(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps(_tiny_model()), encoding="utf-8")
    model = load(path)
    short = _seg("Hei .", [("Hei", "Hei"), (".", ".")])
    long_ = NAMES
    annotate([short, long_], model)
    assert [t.risk for t in long_.tokens][5] > 0.8 > long_.tokens[0].risk  # type: ignore[operator]
    assert flagged(long_.tokens[5], model) and not flagged(long_.tokens[0], model)
    # 1 word → 1.0 expected edits (a Poisson model: exp of the sum); 8 words → 3.0;
    # the risk is their rank among the training predictions (the quantiles)
    assert short.risk == 0.2 and long_.risk == 0.6
    assert riskiest([short, long_], 0.5) == [long_]


def test_a_model_for_other_features_or_formats_is_refused(tmp_path):
    bad = _tiny_model()
    bad["word"]["features"] = [*bad["word"]["features"][:-1], "not_a_feature"]
    with pytest.raises(ModelError, match="retrain"):
        RiskModel.from_json(bad)
    with pytest.raises(ModelError, match="format"):
        RiskModel.from_json({**_tiny_model(), "format": "other/9"})
    broken = tmp_path / "broken.json"
    broken.write_bytes(b"\xff{")
    with pytest.raises(ModelError, match="cannot read"):
        load(broken)


def test_a_model_learned_on_fewer_features_reads_its_own_columns():
    # a file from before features were added names a subset, in its own order; its
    # trees must test the same features as before, wherever they are now
    old = _tiny_model()
    old["word"] = {"features": ["is_word", "unknown"], "init": -2.0,
                   "trees": [[1, 0.5, 0.0, 4.0]]}
    old["segment"] = {"features": ["tokens", "words"], "init": 0.0,
                      "trees": [[1, 5.5, 0.0, [1, 10.5, math.log(3.0), math.log(8.0)]]]}
    a, b = _seg("Hei .", [("Hei", "Hei"), (".", ".")]), segment_from_dict(NAMES.to_dict())
    c, d = _seg("Hei .", [("Hei", "Hei"), (".", ".")]), segment_from_dict(NAMES.to_dict())
    annotate([a, b], RiskModel.from_json(_tiny_model()))
    annotate([c, d], RiskModel.from_json(old))
    assert [(s.risk, [t.risk for t in s.tokens]) for s in (a, b)] == \
        [(s.risk, [t.risk for t in s.tokens]) for s in (c, d)]
    assert b.tokens[5].risk != b.tokens[0].risk


def test_source_word_features_read_the_source_columns_of_the_table():
    # columns: source, output, output edited, reference, translated from, … edited
    seg = _seg("Dei kjem no .", [("De", "Dei"), ("kommer", "kjem"), ("no", "no"), (".", ".")])
    lex = Lexicon({"kjem": [80, 0, 0, 0, 80, 2], "no": [100, 60, 40, 5, 100, 70],
                   "kommer": [0, 80, 2, 90]}, prior=0.1)   # an older, four-column row
    rows = word_features(seg, lex)
    rate = _col(rows, "src_edit_rate")
    assert rate[0] == pytest.approx(0.1)   # `Dei` is not in the table: the prior
    assert rate[1] < rate[0] < rate[2]
    assert _col(rows, "next_src_edit_rate")[1] == rate[2]
    assert _col(rows, "prev_src_edit_rate")[2] == rate[1]
    # `kjem` never occurs in the references, `no` does; `kommer` is an output word the
    # references use more often than the engine writes it
    assert _col(rows, "src_ref_freq")[1] == 0 < _col(rows, "src_ref_freq")[2]
    assert _col(rows, "ref_out_ratio")[1] > 0 and _col(rows, "out_src_freq")[2] > 0
    f = dict(zip(SEGMENT_FEATURES, segment_features(seg, rows, [0.1] * 4)))
    assert f["expected_edits_source"] == pytest.approx(sum(rate[:3]))
    # `no` kept as it was although the references write it 5 times: not counted;
    # `Dei` was changed; nothing else was kept
    assert f["kept_source_only"] == 0


def test_word_pair_features_compare_how_often_references_and_engine_write_a_pair():
    # pair table: "a b" -> [engine output count, reference count]
    seg = _seg("i fjor haust .", [("i", "i"), ("fjor", "fjor"), ("høst", "haust"), (".", ".")])
    lex = Lexicon({}, prior=0.1, pairs={"i fjor": [40, 42], "fjor høst": [30, 1]})
    rows = word_features(seg, lex)
    ratio = _col(rows, "prev_pair_ratio")
    # `fjor høst`: the engine writes it 30 times, the references once
    assert ratio[2] == pytest.approx(math.log(2 / 31)) and ratio[2] < -1
    assert abs(ratio[1]) < 0.1                       # `i fjor`: written as often by both
    assert ratio[0] == 0 and _col(rows, "next_pair_ratio")[1] == ratio[2]
    assert _col(rows, "next_pair_out")[2] == 0.0     # `høst .` is not in the table
    assert _col(rows, "prev_pair_ref")[2] == pytest.approx(math.log(2))
    scaled = Lexicon({}, scale=2.0, pairs=lex.pairs).pair("Fjor", "HØST")
    assert scaled == pytest.approx((math.log(3 / 61), math.log(61), math.log(3)))
    f = dict(zip(SEGMENT_FEATURES, segment_features(seg, rows, [0.1] * 4)))
    assert f["pairs_rarely_written"] == 1 and f["pair_ratio_negative"] == pytest.approx(
        ratio[2] + min(0.0, ratio[1]))
    # a table without pairs (older model files) gives no pair signal
    assert set(_col(word_features(seg, Lexicon()), "prev_pair_ratio")) == {0.0}


def test_the_shipped_model_loads_scores_in_range_and_is_deterministic():
    model = load()
    assert model.word.trees and model.segment.trees and len(model.quantiles) >= 100
    assert 0.0 < model.word_flag < 1.0
    runs = []
    for _ in range(2):
        segs = [segment_from_dict(NAMES.to_dict()),
                _seg("Vi kommer hjem .", [("Vi", "Vi"), ("kjem", "kommer"), ("heim", "hjem"),
                                          (".", ".")])]
        annotate(segs)
        runs.append([(s.risk, [t.risk for t in s.tokens]) for s in segs])
    assert runs[0] == runs[1]
    for risk, words in runs[0]:
        assert risk is not None and 0.0 <= risk <= 1.0
        assert all(r is not None and 0.0 <= r <= 1.0 for r in words)
    # a sentence with names, an unknown word and a number is riskier than a short plain one
    assert runs[0][0][0] > runs[0][1][0]


def test_segments_survive_a_round_trip_through_the_store_format():
    seg = _seg("Han sa", [("Han", "Han"), ("sa", None)],
               **{"1": {"changes": [Change("rule", "sa", "sa", "r")], "alternatives": ["sa"]}})
    seg.risk = 0.5
    back = segment_from_dict(json.loads(json.dumps(seg.to_dict())))
    assert back.tokens == seg.tokens and back.text == seg.text and back.risk is None


def test_scoring_time_grows_linearly_with_segment_length():
    import time

    def cpu_seconds(n: int) -> float:
        words = [("Kari", "Kari"), ("sa", "sa"), ("«", "«"), ("nei", "nei"), ("»", "»"),
                 ("i", "i"), ("2010", "2010"), (",", ",")] * (n // 8)
        seg = _seg(" ".join(w for w, _ in words), words, **{"3": {"unknown": True}})
        # this thread's CPU: annotate runs in the caller's thread, and other tests'
        # pipeline readers in the same process must not count
        start = time.thread_time()
        annotate([seg])
        assert seg.risk is not None and all(t.risk is not None for t in seg.tokens)
        return time.thread_time() - start

    cpu_seconds(200)  # load the shipped model
    small, large = cpu_seconds(1000), cpu_seconds(8000)
    assert large < 20 * max(small, 1e-3)   # linear: about 8×; quadratic: about 64×


def test_the_style_says_which_direction_outputs_are_learned_and_cached_in():
    from omset.risk.store import direction_of

    assert direction_of("nynorsk-news") == ("nb", "nn")
    assert direction_of("bokmal") == ("nn", "nb") == direction_of("bokmal-radikal")
