-- The `kwic` command: a concordance of a query over a corpus, in tty, TSV,
-- CSV or JSON.  scripts/kwic.lua calls main; the REPL uses corpus:kwic.
local cli = require "parley.cli"
local perror = require "parley.error"

local M = {}

M.spec = {
  name = "kwic",
  usage = "parley kwic QUERY [--corpus DIR] [--width N] [--sort doc|left|right|match] "
    .. "[--where attr=value] [--limit N] [--context turn] [--format tty|tsv|csv|json] [--repair]",
  options = {
    corpus = { arg = true },
    width = { arg = true, number = true, default = 40 },
    sort = { arg = true, choices = { "doc", "left", "right", "match" }, default = "doc" },
    where = { arg = true, multi = true },
    limit = { arg = true, number = true, min = 0 },
    format = { arg = true, choices = { "tty", "tsv", "csv", "json" }, default = "tty" },
    context = { arg = true },
    repair = {},
  },
}

local function squeeze(s) return (s:gsub("%s+", " ")) end

-- What went wrong, without the position of the code that raised it: an
-- error object's own message (a bad query's holds the query, which may
-- look like a position), else the string less its "chunk:line: ".
local function why(err)
  if perror.is(err) then return perror.message(err) end
  return (tostring(err):gsub("^.-:%d+: ", ""))
end

-- context(corpus, q, opts) -> rows whose context is the whole region of kind
-- opts.context ("turn", "point", "sentence" …) around each hit, as CQP's
-- `set Context 1 u`: { doc, line, col, speaker, left, match, right, pos,
-- start, stop, region_start, region_stop }, and the key of the label
-- ("speaker" for turns, else the kind's first attribute).  A hit outside any
-- such region keeps the usual context of opts.width characters, with no
-- label.  Order and limit as for kwic.
function M.context(corpus, q, opts)
  local kind, ix = opts.context, corpus.ix
  local attrs
  for _, k in ipairs(ix:kinds()) do if k.name == kind then attrs = k.attrs end end
  if not attrs then error(("bad argument #2 to 'kwic' (no region kind '%s' in this corpus)"):format(kind), 3) end
  local key = (attrs[1] == nil or kind == "turn") and "speaker" or attrs[1]
  local hits = corpus:kwic(q, { width = opts.width, sort = opts.sort, limit = opts.limit })
  local all, index = ix:regions(kind), nil
  local out, texts = {}, {}
  for i, row in ipairs(hits:totable()) do
    local n, rs, re_, a = ix:region_at(kind, row.pos)
    local r = { doc = row.doc, line = row.line, col = row.col, match = row.match, pos = row.pos,
                start = row.start, stop = row.stop, left = squeeze(row.left), right = squeeze(row.right) }
    if n then
      if not index then                    -- the span -> its place in `all`, built once
        index = {}
        for j = 1, #all do index[table.concat({ all:span(j) }, ":")] = j end
      end
      local reg = ix:kwic(all:sub(index[rs .. ":" .. re_], index[rs .. ":" .. re_]), { width = 1 })[1]
      texts[row.docno] = texts[row.docno] or ix:text(row.docno)
      local txt = texts[row.docno]                 -- byte spans are into the document's text
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

-- The whole-region concordance as text: blocks on a terminal, tables otherwise.
function M.render_context(rows, key, fmt)
  if fmt ~= "tty" then
    return require("parley.format").render(rows, { "doc", "line", "col", key, "left", "match", "right" }, fmt)
  end
  local out = {}
  for _, r in ipairs(rows) do
    local text = r.region_start and r.left .. ">>" .. r.match .. "<<" .. r.right    -- the whole region
      or "… " .. r.left .. " >>" .. r.match .. "<< " .. r.right .. " …"              -- no region: a window
    out[#out + 1] = ("%s:%d:%d  %s\n  %s\n"):format(r.doc, r.line, r.col, r[key] or "-", text)
  end
  return table.concat(out, "\n")
end

function M.main(args, out)
  local opts = cli.parse(args, M.spec)
  if opts.help or #opts == 0 then
    -- asked for: on standard output; a missing query is a mistake: on standard error
    local to = opts.help and io.stdout or io.stderr
    to:write("usage: ", M.spec.usage, "\n",
      "Query forms: word, =Exact, prefix*, Lua%pattern, /re pattern/, \"a phrase\", a _ b, a NEAR/5 b\n")
    if not opts.help then cli.fail("kwic: no query given") end
    return
  end
  local corpus = cli.scoped(opts, "kwic")
  local q = table.concat(opts, " ")
  if opts.context then
    local ok, rows, key = pcall(M.context, corpus, q, { width = opts.width, sort = opts.sort,
      limit = opts.limit, context = opts.context })
    if not ok then cli.fail("kwic: " .. why(rows):gsub("^bad argument #2 to 'kwic' %((.*)%)$", "%1")) end
    ;(out or io.stdout):write(M.render_context(rows, key, opts.format))
    return
  end
  local ok, err = pcall(corpus.kwic, corpus, q, {
    width = opts.width, sort = opts.sort, limit = opts.limit, format = opts.format,
    file = out or io.stdout,
  })
  if not ok then cli.fail("kwic: " .. why(err)) end
end

return M
