-- run: a bundled command or a Lua script over one part of a corpus (--shard I/N),
-- for archives split across machines; with --partial, a command's counts for parley merge.
-- Run: parley run --shard I/N NAME|SCRIPT [args]   (parley run --help says more)
require("parley.cmd.run"):main(arg)
