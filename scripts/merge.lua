-- merge: add the partial results of the parts of a corpus (parley run --shard I/N … --partial)
-- and print what one run of the command over the whole corpus prints.
-- Run: parley merge [--format FMT] FILE...   (parley merge --help says more)
require("parley.cmd.merge"):main(arg)
