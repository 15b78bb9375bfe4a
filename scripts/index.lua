-- index: build a corpus's index or bring it up to date; --shard I/N builds one part of its segments.
-- Run: parley index [options]   (parley index --help lists them)
require("parley.cmd.index"):main(arg)
