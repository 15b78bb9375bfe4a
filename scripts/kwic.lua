-- kwic: a concordance (keyword in context) of a query, with document, line and column.
-- Run: parley kwic QUERY [options]   (parley kwic --help lists them)
require("parley.cmd.kwic"):main(arg)
