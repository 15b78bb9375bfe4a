-- speakers: per speaker, turns, reported turns, words, share of words, words per
-- turn and questions; per document with --by doc; who follows whom with --matrix.
-- Run: parley speakers [options]   (parley speakers --help lists them)
require("parley.cmd.speakers"):main(arg)
