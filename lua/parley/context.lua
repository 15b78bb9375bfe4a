-- Concordances with whole regions as context, as CQP's `set Context 1 u`:
-- each hit shown inside its turn (or point, sentence …), labelled with the
-- region's speaker.  corpus:kwic(q, { context = "turn" }) and
-- `parley kwic --context turn` use it.  The rows are made in C, in one walk
-- (ix:kwic with context = KIND), and stream to the writer.
local E = require "parley.error"

local M = {}

-- label(ix, kind) -> the attribute that labels a region of kind (speaker
-- when it has one, else its first attribute; nil for a kind without
-- attributes), or raises when the corpus has no such kind.
function M.label(ix, kind)
  local attrs
  for _, k in ipairs(ix:kinds()) do if k.name == kind then attrs = k.attrs end end
  if not attrs then
    local names = {}
    for _, k in ipairs(ix:kinds()) do names[#names + 1] = k.name end
    E.raise(("no region kind '%s' in this corpus (kinds: %s)%s"):format(kind, table.concat(names, ", "),
      require("parley.corpus").grammar_hint(kind)), E.level())
  end
  for _, a in ipairs(attrs) do
    if a == "speaker" then return a end
  end
  return attrs[1]
end

-- The shown columns of context rows, with the label's column after col (if any).
function M.context_columns(attr)
  local cols = { "doc", { name = "line", plain = true }, { name = "col", plain = true } }
  if attr then cols[#cols + 1] = attr end
  cols[#cols + 1], cols[#cols + 2], cols[#cols + 3] = "left", "match", "right"
  return cols
end

-- context(corpus, hits, opts) -> rows (opts.format "rows" or none), or
-- the text or true as output.write gives: the concordance of a hit list
-- whose context is the whole region of kind opts.context around each hit:
-- { doc, line, col, [label], left, match, right, docno, pos, stop_pos, len,
-- start, stop, region_start, region_stop }.  A hit outside any such region
-- keeps opts.width characters each side and no label.  Order and limit as
-- for kwic; tty shows a record per hit.
function M.context(corpus, hits, opts)
  local ix = corpus.ix
  local attr = M.label(ix, opts.context)
  local o = { context = opts.context, label = attr, width = opts.width, sort = opts.sort, limit = opts.limit }
  if not opts.format or opts.format == "rows" then
    o.format = "rows"
    return ix:kwic(hits, o)
  end
  local output = require "parley.output"
  local w = output.writer(M.context_columns(attr), opts.format, opts.file, { layout = "records" })
  o.writer = w
  ix:kwic(hits, o)
  return w:close()
end

return M
