-- entities: people, places and organisations (from the gazetteer and the corpus's person register),
-- numbers, durations and dates, each with its count, the forms used and its first mention.
-- Run: parley entities [--corpus DIR] [--type person|place|organisation|date|duration|number]
--                      [--gazetteer FILE] [--min N] [--format tty|tsv|csv|json|md]
require("parley.entities").main(arg)
