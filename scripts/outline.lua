-- outline: every region of one document (turns, narration, notes, …) in order, with
-- kind, attributes, first and last line and an excerpt, read from the index.
-- Run: parley outline DOC [--corpus DIR] [--all] [--format tty|tsv|csv|json|md]
--      (DOC: a document id, a path, or a unique prefix of either)
require("parley.outline").main(arg)
