-- overview: the documents of a corpus with date, type, size and commonest content words.
-- Run: parley overview [options]   (parley overview --help lists them)
require("parley.cmd.overview"):main(arg)
