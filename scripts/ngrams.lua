-- ngrams: the frequent sequences of N words (default 2) with at least --min occurrences,
-- optionally one list per speaker (--by speaker: counted within each speaker's turns).
-- Run: parley ngrams [N] [options]   (parley ngrams --help lists them)
require("parley.cmd.ngrams"):main(arg)
