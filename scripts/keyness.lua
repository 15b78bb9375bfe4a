-- keyness: the words one side uses more than the other (log-likelihood, chi-squared, log ratio, %DIFF),
-- by default the Soviet side's turns against the US side's, speaker labels left out; --a/--b choose
-- other sub-corpora (one alone is compared with the rest of the corpus).
-- Run: parley keyness [--corpus DIR] [--a attr=value] [--b attr=value] [--min N] [--labels]
--                     [--stat ll|chi2|log_ratio|pct_diff] [--direction a|b|both] [--format tty|tsv|csv|json|md]
require("parley.keyness").main(arg)
