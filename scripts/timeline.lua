-- timeline: mentions of a query (or of keyword families) per year, month, week or day of the
-- documents' dates, with documents, words and the rate per million words; a table or an SVG chart.
-- Run: parley timeline QUERY [options]   (parley timeline --help lists them)
require("parley.cmd.timeline"):main(arg)
