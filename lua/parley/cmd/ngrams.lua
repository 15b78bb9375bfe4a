-- `parley ngrams [N]`: the frequent sequences of N words (corpus:ngrams).
-- Counted (a list of n-grams with their counts, per value with --by), then
-- finished (--min, the order, --limit), so that the counts of the parts of a
-- corpus merge (parley merge) into what one run prints.
local cli = require "parley.cli"
local output = require "parley.output"

-- The order of the rows: commonest first, ties by the words in order (as
-- index:ngrams sorts them: "\0" for the space puts "a b" before "a-b" and
-- "ab c", as comparing word by word does).
local function key(ngram) return (ngram:gsub(" ", "\0")) end
local function before(x, y)
  if x[2] ~= y[2] then return x[2] > y[2] end
  return key(x[1]) < key(y[1])
end

-- A list of { ngram, count } in the rows' order, at least min, at most
-- limit: sorted only when it is not in order already (a count of one part
-- is, as index:ngrams gives it; added counts are not).
local function ranked(list, min, limit)
  local kept = {}
  for _, p in ipairs(list) do if p[2] >= min then kept[#kept + 1] = p end end
  local sorted = true
  for i = 2, #kept do
    if not before(kept[i - 1], kept[i]) then sorted = false; break end
  end
  if not sorted then
    local keys = {}
    for _, p in ipairs(kept) do keys[p] = key(p[1]) end
    table.sort(kept, function(x, y)
      if x[2] ~= y[2] then return x[2] > y[2] end
      return keys[x] < keys[y]
    end)
  end
  if limit and #kept > limit then for i = #kept, limit + 1, -1 do kept[i] = nil end end
  return kept
end

local function pairs_of(rows)
  local list = {}
  for i, r in ipairs(rows) do list[i] = { r.ngram, r.count } end
  return list
end

-- Two lists of { ngram, count } added (in no particular order).
local function add_lists(a, b)
  local at = {}
  for _, p in ipairs(a) do at[p[1]] = p end
  for _, p in ipairs(b) do
    local q = at[p[1]]
    if q then q[2] = q[2] + p[2] else a[#a + 1] = p; at[p[1]] = p end
  end
  return a
end

return cli.command {
  name = "ngrams",
  summary = "The frequent sequences of N words (default 2) with at least --min occurrences; "
    .. "with --by ATTR one list per value (--by speaker: within each speaker's turns, labels left out).",
  args = { { "N", "the length of the sequences, 1 to 8", optional = true } },
  options = {
    cli.opt.corpus,
    { "min", arg = "N", number = true, default = 2, help = "least number of occurrences" },
    { "by", arg = "ATTR", help = "one list per value of this region attribute (speaker, side, type …)" },
    { "punct", help = "let sequences run across punctuation and include it" },
    cli.opt.where,
    { "limit", arg = "N", number = true, min = 0, help = "at most N rows (per list with --by)" },
    cli.opt.format, cli.opt.repair, cli.opt.trust, cli.opt.skip_bad,
  },
  notes = "An n-gram never spans a document boundary or (unless --punct) punctuation; in turns (--by speaker, --where speaker=…) the speakers' labels are left out.",
  examples = { "parley ngrams 3 --min 3", "parley ngrams --by speaker --limit 5 --format csv" },
  -- counts: { ngrams = { { ngram, count } … } }, or with --by { by = { value = { … } } }.
  -- A partial keeps every n-gram (one seen once in each of two parts is seen
  -- twice in all); a single run leaves out at once what finish would drop
  -- (under --min, past --limit in the rows' order), the same rows.
  count = function(opts)
    local n = opts[1] and math.tointeger(tonumber(opts[1])) or (opts[1] == nil and 2)
    if not n or n < 1 or n > 8 then
      cli.fail(("ngrams: N must be a whole number from 1 to 8, got '%s'"):format(opts[1]))
    end
    local part = opts.shard and opts.shard.n > 1
    local corpus = cli.scoped(opts, "ngrams", part)
    if not corpus then return opts.by and { by = {} } or { ngrams = {} } end  -- none of --where here
    local o = { by = opts.by, punct = opts.punct }
    if not opts.partial then o.min, o.limit = opts.min, opts.limit end
    local ok, rows = require("parley.error").pcall(corpus.ngrams, corpus, n, o)
    -- a part may have no regions with the --by attribute (another part may)
    if not ok and part and opts.by then return { by = {} } end
    if not ok then error(rows, 0) end
    if not opts.by then return { ngrams = pairs_of(rows:totable()) } end
    local by = {}
    for _, r in ipairs(rows) do
      local v = r[opts.by]
      by[v] = by[v] or {}
      table.insert(by[v], { r.ngram, r.count })
    end
    return { by = by }
  end,
  add = function(a, b)
    if a.ngrams then a.ngrams = add_lists(a.ngrams, b.ngrams or {}) return a end
    for v, list in pairs(b.by or {}) do a.by[v] = a.by[v] and add_lists(a.by[v], list) or list end
    return a
  end,
  finish = function(counts, opts, out)
    local cols = { "ngram", "count" }
    local rows = {}
    if not opts.by then
      for i, p in ipairs(ranked(counts.ngrams, opts.min, opts.limit)) do rows[i] = { ngram = p[1], count = p[2] } end
    else
      table.insert(cols, 1, opts.by)
      local values = {}
      for v in pairs(counts.by) do values[#values + 1] = v end
      table.sort(values)
      for _, v in ipairs(values) do
        for _, p in ipairs(ranked(counts.by[v], opts.min, opts.limit)) do
          rows[#rows + 1] = { [opts.by] = v, ngram = p[1], count = p[2] }
        end
      end
    end
    output.write(rows, cols, opts.format, out)
  end,
}
