-- topics: keyword families through a conversation — who raised each first, mentions per speaker,
-- dispersion (Juilland's D, Gries' DP) and a sparkline of where it comes up; the families are a default
-- set for the bundled corpus or your own (a Lua file returning { name = { "query", ... } }).
-- Run: parley topics [--corpus DIR] [--families FILE] [--where attr=value] [--parts N] [--format tty|tsv|csv|json|md]
require("parley.topics").main(arg)
