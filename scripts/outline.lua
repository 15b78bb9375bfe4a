-- outline: every region of one document (turns, narration, notes, …) in order, with
-- kind, attributes, first and last line and an excerpt, read from the index.
-- Run: parley outline DOC [options]   (DOC: a document id, a path, or a unique prefix of either)
require("parley.cmd.outline"):main(arg)
