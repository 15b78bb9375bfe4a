-- Grammar "auto": for documents nobody has configured a grammar for (a bare
-- folder of transcripts).  It finds the document's label convention with
-- parley.grammar.detect and parses it with parley.grammar.labelled configured
-- so; it records what it found in the document's metadata, which `parley
-- outline` shows:
--   meta.detected = { labels = { { label =, separator =, lines = } … },
--                     separator =, confidence = 0..1, level = "high" | "medium"
--                     | "low" | "none", reasons = { "…" }, hint = "…" (when none) }
-- A document in which it finds no convention gets no regions (paragraphs and
-- sentences only), and the hint says how to configure one.
local grammar = require "parley.grammar"
local labelled = require "parley.grammar.labelled"
local detect = require "parley.grammar.detect"

local M = {}

-- hint(path): how to configure a document's labels, the manifest line first.
function M.hint(path)
  return ("to give it turns, write the folder a manifest, corpus.lua: return { documents = { { path = %q, "
    .. "grammar = \"labelled\" } } } takes any name of the person register (people.lua) before \":\" as a "
    .. "label; for other labels name a grammar of your own, grammars/NAME.lua, that returns "
    .. "labelled.new{ speakers = { \"Q\", \"A\" }, separator = \".\" } (docs/grammars.md)"):format(path or "x.txt")
end

local parsers = {}             -- one labelled parser per convention found

local function key(cfg)
  local sep = type(cfg.separator) == "string" and cfg.separator or ".:"
  return sep .. "\0" .. table.concat(cfg.speakers, "\0") .. "\0\0" .. table.concat(cfg.trailing_name or {}, "\0")
end

function M.parse(text, ctx)
  local cfg, report = detect.detect(text, { register = ctx and ctx.people })
  local detected = { labels = report.labels, separator = report.separator, confidence = report.confidence,
                     level = report.level, reasons = report.reasons }
  if not cfg then
    detected.hint = M.hint(ctx and ctx.doc and ctx.doc.path)
    return { regions = {}, meta = { detected = detected } }
  end
  local k = key(cfg)
  local parse = parsers[k]
  if not parse then
    parse = labelled.build(cfg)
    parsers[k] = parse
  end
  local res = parse(text, ctx)
  res.meta = res.meta or {}
  res.meta.detected = detected
  return res
end

M.grammar = grammar.register{
  name = "auto",
  description = "finds a transcript's speaker labels (Q./A., NAME:, NAME.) and parses it as labelled does",
  kinds = labelled.kinds,
  parse = M.parse,
}

return M
