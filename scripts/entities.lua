-- entities: people, places and organisations (from the gazetteer and the corpus's person register),
-- numbers, durations and dates, each with its count, the forms used and its first mention.
-- Run: parley entities [options]   (parley entities --help lists them)
require("parley.cmd.entities"):main(arg)
