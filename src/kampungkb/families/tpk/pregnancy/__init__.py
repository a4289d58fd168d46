"""Pregnancy monitoring of the TPK's ibu hamil targets (ANC contacts K1-K6, LiLA, Hb, iron
tablets, kelas ibu hamil, risk flags) and, after delivery, the KB pasca persalinan decision and
the nifas visits (KF1-KF4). ``rules`` holds the pure rules, ``selectors`` what the scorecard and
analytics read (signatures in its docstring)."""
