-- speakers: per speaker, turns, reported turns, words, share of words, words per
-- turn and questions; per document with --by doc; who follows whom with --matrix.
-- Run: parley speakers [--corpus DIR] [--by doc] [--matrix] [--where attr=value]
--                      [--format tty|tsv|csv|json|md]
require("parley.speakers").main(arg)
