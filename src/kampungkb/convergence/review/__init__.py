"""The annual review: indicators, maturity rule sets and scoring, evaluations, model villages
and villages needing support, and the district target."""
