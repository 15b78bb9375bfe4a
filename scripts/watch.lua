-- watch: keep a corpus' index fresh while it is being used, and spare every open the stat of each source.
-- Run: parley watch [options]   (parley watch --help lists them)
require("parley.cmd.watch"):main(arg)
