-- compare: a report (a telegram, a cable) held against the record of the same meeting: each claim
-- with its best support in the record, a label (verbatim, paraphrase, summary, shifts, not found).
-- Run: parley compare [REPORT RECORD] [options]   (parley compare --help lists them)
require("parley.cmd.compare"):main(arg)
