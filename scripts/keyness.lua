-- keyness: the words one side uses more than the other (log-likelihood, chi-squared, log ratio,
-- %DIFF), by default the Soviet side's turns against the US side's, speaker labels left out.
-- Run: parley keyness [options]   (parley keyness --help lists them)
require("parley.cmd.keyness"):main(arg)
