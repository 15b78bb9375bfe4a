-- collocates: the words found near a query more often than chance predicts (MI, MI3, t, z,
-- log-likelihood, Dice, logDice), counted in windows of tokens around each hit.
-- Run: parley collocates QUERY [options]   (parley collocates --help lists them)
require("parley.cmd.collocates"):main(arg)
