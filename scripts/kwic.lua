-- kwic: a concordance (keyword in context) of a query, with document, line and column.
-- Run: parley kwic QUERY [--corpus DIR] [--width N] [--sort left|right] [--where attr=value]
--                        [--limit N] [--format tty|tsv|csv|json]
require("parley.kwic").main(arg)
