-- Concordances with whole regions as context, as CQP's `set Context 1 u`:
-- each hit shown inside its turn (or point, sentence …), labelled with the
-- region's speaker.  corpus:kwic(q, { context = "turn" }) and
-- `parley kwic --context turn` use it.  Located in batches: the hits in one
-- pass, the regions around them in one call, the regions' spans in another.
local E = require "parley.error"
local hits_lib = require "parley.hits"

local M = {}

local function squeeze(s) return (s:gsub("%s+", " ")) end

-- The columns of context rows, labelled by key (a region attribute).
function M.context_columns(key)
  return { "doc", { name = "line", plain = true }, { name = "col", plain = true }, key,
           "left", "match", "right" }
end

-- context(corpus, q, opts) -> rows whose context is the whole region of kind
-- opts.context around each hit: { doc, line, col, [key], left, match, right,
-- pos, start, stop, region_start, region_stop }, and the key of the label
-- ("speaker" for turns, else the kind's first attribute).  A hit outside
-- any such region keeps the usual context of opts.width characters, with
-- no label.  Order and limit as for kwic.
function M.context(corpus, q, opts)
  local kind, ix = opts.context, corpus.ix
  local attrs
  for _, k in ipairs(ix:kinds()) do if k.name == kind then attrs = k.attrs end end
  if not attrs then
    local names = {}
    for _, k in ipairs(ix:kinds()) do names[#names + 1] = k.name end
    E.raise(("no region kind '%s' in this corpus (kinds: %s)%s"):format(kind, table.concat(names, ", "),
      require("parley.corpus").grammar_hint(kind)), 3)
  end
  local key = (attrs[1] == nil or kind == "turn") and "speaker" or attrs[1]
  local rows = corpus:kwic(q, { width = opts.width, sort = opts.sort, limit = opts.limit }):totable()
  if #rows == 0 then return rows, key end
  local starts = {}
  for i, r in ipairs(rows) do starts[2 * i - 1], starts[2 * i] = r.pos, r.pos + math.max(r.len, 1) end
  local around = ix:enclosing(kind, hits_lib.from(ix, starts))
  -- the distinct regions, in record order (which is the order of their starts), located at once
  local numbers, spans, seen = {}, {}, {}
  for _, n in ipairs(around) do
    if n and not seen[n] then seen[n] = true; numbers[#numbers + 1] = n end
  end
  table.sort(numbers)
  for _, n in ipairs(numbers) do
    local s, e = ix:region(kind, n)
    spans[#spans + 1], spans[#spans + 2] = s, e
  end
  local located = ix:locate(hits_lib.from(ix, spans))
  local region = {}
  for i, n in ipairs(numbers) do region[n] = located[i] end
  local texts, out = {}, {}
  for i, row in ipairs(rows) do
    local r = { doc = row.doc, line = row.line, col = row.col, match = row.match, pos = row.pos,
                start = row.start, stop = row.stop, left = squeeze(row.left), right = squeeze(row.right) }
    local n = around[i]
    local reg = n and region[n]
    if reg then
      texts[row.docno] = texts[row.docno] or ix:text(row.docno)
      local txt = texts[row.docno]                 -- byte spans are into the document's text
      local _, _, a = ix:region(kind, n)
      r[key] = a[key] ~= "" and a[key] or nil
      r.left = squeeze(txt:sub(reg.start, row.start - 1)):gsub("^ ", "")
      r.match = squeeze(txt:sub(row.start, row.stop))
      r.right = squeeze(txt:sub(row.stop + 1, reg.stop)):gsub(" $", "")
      r.region_start, r.region_stop = reg.start, reg.stop
    end
    out[i] = r
  end
  return out, key
end

return M
