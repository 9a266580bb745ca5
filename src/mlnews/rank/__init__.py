"""Ranking a week's candidates by the curator's taste: features built as items arrive, labels from
the curator's decisions, the rankers (taste, arxiv-sanity, popularity, plugins), the reasons shown
beside each candidate, and the backtest that measures them on past weeks."""
