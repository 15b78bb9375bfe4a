-- dispersion: how evenly a query's hits (or each keyword family's mentions) spread over the speakers or
-- documents — counts, relative frequencies, Juilland's D, Gries' DP; a table or an SVG dispersion plot.
-- Run: parley dispersion QUERY [options]   (parley dispersion --help lists them)
require("parley.cmd.dispersion"):main(arg)
