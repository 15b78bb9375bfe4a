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

-- A list of n-grams and their counts comes in one of three forms: rows {
-- ngram =, count = } in the rows' order (a single run's, as index:ngrams
-- gives them); columns { ngram = { … }, count = { … } } in that order (a
-- partial result's: JSON arrays, which write and read faster than an object
-- of a million keys); or { tally = { ngram = count } } (the sum of several
-- parts', in no order).

-- The rows to show of a list: at least min, at most limit, in their order.
local function ranked(list, min, limit)
  local kept = {}
  if list.tally then
    for ngram, count in pairs(list.tally) do
      if count >= min then kept[#kept + 1] = { ngram = ngram, count = count } end
    end
    table.sort(kept, order(kept))
  elseif list.ngram then
    local words, counts = list.ngram, list.count
    for i = 1, #words do
      if counts[i] < min then break end   -- in order: the rest is below min too
      kept[i] = { ngram = words[i], count = counts[i] }
    end
  else
    kept = list
    for i, r in ipairs(list) do
      if r.count < min then kept = table.move(list, 1, i - 1, 1, {}); break end
    end
  end
  if limit and #kept > limit then
    if kept == list then kept = table.move(list, 1, limit, 1, {}) else for i = #kept, limit + 1, -1 do kept[i] = nil end end
  end
  return kept
end

-- The columns of rows (a partial result's form of a list).
local function columns(rows)
  local words, counts = {}, {}
  for i, r in ipairs(rows) do words[i], counts[i] = r.ngram, r.count end
  return { ngram = words, count = counts }
end

-- A list of the partial or summed form as a table { ngram = count }.
local function tally_of(list)
  if list.tally then return list.tally end
  local t, words, counts = {}, list.ngram or {}, list.count or {}
  for i = 1, #words do t[words[i]] = counts[i] end
  return t
end

-- Two lists of the partial or summed forms added, as a tally.
local function add_lists(a, b)
  local t = tally_of(a)
  if b.tally then
    for ngram, count in pairs(b.tally) do t[ngram] = (t[ngram] or 0) + count end
  else
    local words, counts = b.ngram or {}, b.count or {}
    for i = 1, #words do t[words[i]] = (t[words[i]] or 0) + counts[i] end
  end
  return { tally = t }
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
  -- counts: { ngrams = LIST }, or with --by { by = { value = LIST } } (the
  -- forms of a LIST are above).  A partial keeps every n-gram (one seen once
  -- in each of two parts is seen twice in all); a single run leaves out at
  -- once what finish would drop (under --min, past --limit in the rows'
  -- order), the same rows.
  count = function(opts)
    local n = opts[1] and math.tointeger(tonumber(opts[1])) or (opts[1] == nil and 2)
    if not n or n < 1 or n > 8 then
      cli.fail(("ngrams: N must be a whole number from 1 to 8, got '%s'"):format(opts[1]))
    end
    local part = opts.shard and opts.shard.n > 1
    local corpus = cli.scoped(opts, "ngrams", part)
    if not corpus then return opts.by and { by = {} } or { ngrams = {} } end  -- none of --where here (a partial's)
    local o = { by = opts.by, punct = opts.punct }
    if not opts.partial then o.min, o.limit = opts.min, opts.limit end
    local ok, rows = require("parley.error").pcall(corpus.ngrams, corpus, n, o)
    -- a part may have no regions with the --by attribute (another part may)
    if not ok and part and opts.by then return { by = {} } end
    if not ok then error(rows, 0) end
    -- a single run's lists are index:ngrams's rows; a partial result's their columns
    if not opts.by then
      local list = rows:totable()
      return { ngrams = opts.partial and columns(list) or list }
    end
    local by = {}
    for _, r in ipairs(rows) do
      local v = r[opts.by]
      by[v] = by[v] or {}
      table.insert(by[v], { ngram = r.ngram, count = r.count })
    end
    if opts.partial then
      for v, list in pairs(by) do by[v] = columns(list) end
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
      rows = ranked(counts.ngrams, opts.min, opts.limit)
    else
      table.insert(cols, 1, opts.by)
      local values = {}
      for v in pairs(counts.by) do values[#values + 1] = v end
      table.sort(values)
      for _, v in ipairs(values) do
        for _, r in ipairs(ranked(counts.by[v], opts.min, opts.limit)) do
          rows[#rows + 1] = { [opts.by] = v, ngram = r.ngram, count = r.count }
        end
      end
    end
    output.write(rows, cols, opts.format, out)
  end,
}
