-- collocates: the words found near a query more often than chance predicts (MI, MI3, t, z,
-- log-likelihood, Dice, logDice), counted in windows of N tokens around each hit.
-- Run: parley collocates QUERY [--corpus DIR] [--left N] [--right N] [--min N]
--                       [--measure logdice|ll|mi|mi3|t|z|dice|observed] [--format tty|tsv|csv|json|md]
require("parley.collocates").main(arg)
