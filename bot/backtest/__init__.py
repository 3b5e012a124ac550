"""Back-test of the 冲/稳/保 recommender: predict each year from the years before it and score the lists.

`score` holds the pure scoring, `baselines` the naive methods scored beside it, `run` the loop over a
database, `calibrate` the leave-one-province-out search of `Params`, `report` the Markdown.
"""
