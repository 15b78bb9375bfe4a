-- annotations: the editorial apparatus of a corpus — editorial notes, transliterations
-- with the words they gloss, words supplied by the translator, scare quotes — with
-- document and line.
-- Run: parley annotations [--corpus DIR] [--kind K]... [--format tty|tsv|csv|json|md]
require("parley.annotations").main(arg)
