-- ngrams: the frequent sequences of N words (default 2) with at least --min occurrences,
-- optionally one list per speaker (--by speaker: counted within each speaker's turns).
-- Run: parley ngrams [N] [--corpus DIR] [--min N] [--by speaker] [--limit N] [--format tty|tsv|csv|json|md]
require("parley.ngrams").main(arg)
