from omset.learn.names import capitalised_mid_sentence, learn


def test_capitalised_words_in_mid_sentence_only():
    text = "Han jobber i Posten. Det sa Ola til NRK. – Vi kommer, sier Kari."
    assert capitalised_mid_sentence(text) == ["Posten", "Ola", "Kari"]


def test_learn_keeps_words_the_references_keep():
    pairs = [("Hun jobber i Posten nå.", "Ho jobbar i Posten no."),
             ("Han ringte Posten i går.", "Han ringde Posten i går."),
             ("Vi så Kvinnen i går.", "Vi såg Kvinna i går."),
             ("De møtte Kvinnen der.", "Dei møtte Kvinna der.")]
    outputs = ["Ho jobbar i Posta no.", "Han ringde Posta i går.",
               "Vi såg Kvinna i går.", "Dei møtte Kvinna der."]
    assert learn(pairs, outputs, min_count=2) == {"Posten": (2, 0)}


def test_drop_common_leaves_out_words_also_written_in_lower_case():
    pairs = [("Eg møtte Anna i går.", "Jeg møtte Anna i går."),
             ("Vi ringde Anna no.", "Vi ringte Anna nå."),
             ("Det gjeld mellom anna skatt.", "Det gjelder blant annet skatt.")]
    outputs = ["Jeg møtte Annen i går.", "Vi ringte Annen nå.", "Det gjelder blant annet skatt."]
    assert learn(pairs, outputs, min_count=2) == {"Anna": (2, 0)}
    assert learn(pairs, outputs, min_count=2, drop_common=True) == {}
