-- overview: the documents of a corpus with date, type, size and commonest content words.
-- Run: parley overview [--corpus DIR] [--top N]
require("parley.overview").main(arg)
