-- `parley ngrams [N]`: the frequent sequences of N words (corpus:ngrams).
-- Counted (a list of n-grams with their counts, per value with --by), then
-- finished (--min, the order, --limit), so that the counts of the parts of a
-- corpus merge (parley merge) into what one run prints.
local cli = require "parley.cli"
local output = require "parley.output"

-- The order of the rows: commonest first, ties by the words in order, as
-- index:ngrams sorts them.  Comparing the strings (byte order: parley sets
-- no locale) is comparing word by word unless a word holds a byte below
-- the space (a control character, which only --punct lets in): then the
-- space is made "\0" first, so that "a b" still sorts before "a\1b".
local function controls(rows)
  local chunk = {}
  for i = 1, #rows, 4096 do
    for k = i, math.min(i + 4095, #rows) do chunk[k - i + 1] = rows[k].ngram end
    if table.concat(chunk, " ", 1, math.min(4096, #rows - i + 1)):find("[%z\1-\31]") then return true end
  end
  return false
end

local function order(rows)
  if not controls(rows) then
    return function(x, y)
      if x.count ~= y.count then return x.count > y.count end
      return x.ngram < y.ngram
    end
  end
  local keys = {}
  for _, r in ipairs(rows) do keys[r] = r.ngram:gsub(" ", "\0") end
  return function(x, y)
    if x.count ~= y.count then return x.count > y.count end
    return keys[x] < keys[y]
  end
end

-- rows { ngram, count } in their order, at least min, at most limit;
-- sorted unless they are in order already (sorted: the list of one part, as
-- index:ngrams gives it; added lists are not).
local function ranked(rows, min, limit, sorted)
  local kept = rows
  for i, r in ipairs(rows) do
    if r.count < min then   -- copy the rest that is kept
      kept = table.move(rows, 1, i - 1, 1, {})
      for k = i + 1, #rows do if rows[k].count >= min then kept[#kept + 1] = rows[k] end end
      break
    end
  end
  if not sorted then table.sort(kept, order(kept)) end
  if limit and #kept > limit then
    if kept == rows then kept = table.move(rows, 1, limit, 1, {}) else for i = #kept, limit + 1, -1 do kept[i] = nil end end
  end
  return kept
end

-- Two lists of rows { ngram, count } added (in no particular order).
local function add_lists(a, b)
  local at = {}
  for _, r in ipairs(a) do at[r.ngram] = r end
  for _, r in ipairs(b) do
    local q = at[r.ngram]
    if q then q.count = q.count + r.count else a[#a + 1] = r; at[r.ngram] = r end
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
  -- counts: { ngrams = { { ngram =, count = } … }, sorted }, or with --by
  -- { by = { value = { … } }, sorted }.
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
    -- sorted: the lists are in the rows' order (until added to others)
    if not opts.by then return { ngrams = rows:totable(), sorted = true } end
    local by = {}
    for _, r in ipairs(rows) do
      local v = r[opts.by]
      by[v] = by[v] or {}
      table.insert(by[v], { ngram = r.ngram, count = r.count })
    end
    return { by = by, sorted = true }
  end,
  add = function(a, b)
    a.sorted = nil
    if a.ngrams then a.ngrams = add_lists(a.ngrams, b.ngrams or {}) return a end
    for v, list in pairs(b.by or {}) do a.by[v] = a.by[v] and add_lists(a.by[v], list) or list end
    return a
  end,
  finish = function(counts, opts, out)
    local cols = { "ngram", "count" }
    local rows = {}
    if not opts.by then
      rows = ranked(counts.ngrams, opts.min, opts.limit, counts.sorted)
    else
      table.insert(cols, 1, opts.by)
      local values = {}
      for v in pairs(counts.by) do values[#values + 1] = v end
      table.sort(values)
      for _, v in ipairs(values) do
        for _, r in ipairs(ranked(counts.by[v], opts.min, opts.limit, counts.sorted)) do
          rows[#rows + 1] = { [opts.by] = v, ngram = r.ngram, count = r.count }
        end
      end
    end
    output.write(rows, cols, opts.format, out)
  end,
}
