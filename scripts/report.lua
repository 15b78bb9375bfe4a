-- report: the corpus as one self-contained HTML page (tables and charts); prints its path.
-- Run: parley report [options]   (parley report --help lists them)
require("parley.cmd.report"):main(arg)
