-- annotations: the editorial apparatus of a corpus — editorial notes, transliterations
-- with the words they gloss, words supplied by the translator, scare quotes — with
-- document and line.
-- Run: parley annotations [options]   (parley annotations --help lists them)
require("parley.cmd.annotations"):main(arg)
