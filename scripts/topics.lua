-- topics: keyword families through a conversation — who raised each first, mentions per speaker,
-- dispersion (Juilland's D, Gries' DP) and a sparkline of where it comes up; the families are a
-- default set for the bundled corpus or your own (a Lua file returning { name = { "query", ... } }).
-- Run: parley topics [options]   (parley topics --help lists them)
require("parley.cmd.topics"):main(arg)
