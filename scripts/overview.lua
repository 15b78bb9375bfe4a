-- overview: documents of a corpus with their date, type, size and commonest words.
-- Run: parley overview [--corpus DIR]
local overview = require "parley.overview"
print(overview.report(overview.options(arg)))
