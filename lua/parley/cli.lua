-- The bundled commands' command line, declared once: a command is a table
-- (lua/parley/cmd/NAME.lua) naming its arguments and options, and the
-- parser, the usage line and `--help` all come from it.  scripts/NAME.lua
-- runs it: `require("parley.cmd.NAME"):main(arg)`.
--
--   cli.command {
--     name = "kwic", summary = "one line: what it computes",
--     args = { { "QUERY", "what it is", rest = true, optional = false } },
--     options = { cli.opt.corpus, { "width", arg = "N", number = true, default = 40,
--                 help = "…" }, cli.opt.format, … },
--     notes = "more help text: input file formats, counting rules",
--     examples = { "parley kwic quarantine", … },
--     run = function(opts, out) … end,
--   }
--
-- A command whose results can be merged across the parts of a corpus
-- (lua/parley/partial.lua) gives, instead of run, two stages that a run is
-- made of: count = function(opts) -> counts (whole numbers in tables, which
-- parts' counts add up to the whole's: partial.add, or its own add(a, b)),
-- and finish = function(counts, opts, out), which turns counts into rows and
-- writes them.  A run is count, then finish; with --partial (an option such a
-- command gets) it writes the counts instead (`parley merge` finishes them).
--
-- An option is { NAME, arg = METAVAR (absent: a flag), help =, default =,
-- number = true (a whole number, at least min, default 1), fraction = true (a
-- number from 0 to 1), choices = {…},
-- multi = true (may repeat: a list) }.  options_first = true: the options
-- come before the first argument, and everything from it on is arguments.  Mistakes and the errors a command
-- raises with parley.error print as `parley: NAME: message` without a
-- traceback, exit status 1.
local E = require "parley.error"
local output = require "parley.output"
local writer = require "parley.writer"

local M = {}

local Command = {}
Command.__index = Command

-- ------------------------------------------------------------ common options

-- The options every command that opens a corpus shares (cli.opt.corpus …).
M.opt = {}
M.opt.corpus = { "corpus", arg = "DIR", help = "the corpus folder (default: the bundled corpus)" }
M.opt.where = { "where", arg = "ATTR=VALUE", multi = true,
  help = "only the regions whose attribute has this value (type=telegram, speaker=McCloy); "
    .. "repeat for more conditions, or the same attribute for either value; from=DATE and to=DATE "
    .. "(1962, 1962-11 or 1962-11-01) keep the documents dated in that range, undated ones left out" }
M.opt.format = { "format", arg = "FMT", choices = output.formats, default = "tty",
  help = "tty (aligned, for reading), tsv, csv (RFC 4180), json, md (Markdown) or html (a table)" }
-- --format for a command that also draws its rows as a chart (svg).
M.opt.chart_format = { "format", arg = "FMT", default = "tty",
  help = "tty (aligned, for reading), tsv, csv (RFC 4180), json, md (Markdown), html (a table) or svg (a chart)" }
M.opt.chart_format.choices = {}
for _, f in ipairs(output.formats) do table.insert(M.opt.chart_format.choices, f) end
for _, f in ipairs(output.chart_formats) do table.insert(M.opt.chart_format.choices, f) end
M.opt.limit = { "limit", arg = "N", number = true, min = 0, help = "at most N rows" }
M.opt.repair = { "repair",
  help = "replace invalid UTF-8 in the sources with U+FFFD (a warning per file) instead of refusing them" }
M.opt.skip_bad = { "skip-bad",
  help = "index the other files when one is malformed (each skipped file is named, with why) instead of stopping" }
M.opt.partial = { "partial",
  help = "write the counts as a partial result (JSON, docs/scale.md) for parley merge, instead of the table" }
M.opt.trust = { "trust-grammars",
  help = "run the corpus's own grammars with full Lua (only for corpora you trust; see docs/grammars.md)" }

-- ------------------------------------------------------------ errors

-- fail(msg): a user's mistake; printed as `parley: msg`, exit status 1.
function M.fail(msg)
  E.raise(msg, 0)
end

-- note(msg): a line for the reader on standard error (the command goes on),
-- shown as terminals are shown text: msg may quote a corpus or a query.
function M.note(msg)
  io.stderr:write(writer.clean(msg), "\n")
end

-- ------------------------------------------------------------ declaring

local function key(name) return (name:gsub("-", "_")) end

-- command(def) -> the command: def with :main, :parse, :usage and :help.
function M.command(def)
  if def.count then
    assert(type(def.finish) == "function" and not def.run, "a counting command has count and finish, and no run")
    def.run = function(opts, out)
      local counts = def.count(opts)
      if opts.partial then
        return output.put(out, require("parley.partial").encode(def.name, opts, opts.shard or { i = 1, n = 1 }, counts))
      end
      return def.finish(counts, opts, out)
    end
    def.options = def.options or {}
    table.insert(def.options, M.opt.partial)
  end
  assert(type(def.name) == "string" and type(def.run) == "function", "a command needs a name and a run function")
  def.args = def.args or {}
  def.options = def.options or {}
  def.by_name, def.by_short = {}, {}
  for _, o in ipairs(def.options) do
    assert(type(o[1]) == "string", "an option needs a name")
    def.by_name[o[1]] = o
    if o.short then def.by_short[o.short] = o end   -- -o FILE for --output FILE
  end
  return setmetatable(def, Command)
end

-- The usage line: `parley NAME ARGS [--opt X] …`.
function Command:usage()
  local parts, args, options = { "parley", self.name }, {}, {}
  for _, a in ipairs(self.args) do
    local s = a[1] .. (a.rest and "..." or "")
    args[#args + 1] = a.optional and "[" .. s .. "]" or s
  end
  for _, o in ipairs(self.options) do
    local s = "--" .. o[1]
    if o.arg then s = s .. " " .. (o.choices and #o.choices <= 8 and table.concat(o.choices, "|") or o.arg) end
    options[#options + 1] = "[" .. s .. "]" .. (o.multi and "..." or "")
  end
  for _, list in ipairs(self.options_first and { options, args } or { args, options }) do
    for _, s in ipairs(list) do parts[#parts + 1] = s end
  end
  return table.concat(parts, " ")
end

local function wrap(text, width, indent)
  local lines, line = {}, ""
  for word in text:gmatch("%S+") do
    if #line > 0 and #line + 1 + #word > width then
      lines[#lines + 1] = line
      line = word
    else
      line = #line > 0 and line .. " " .. word or word
    end
  end
  if #line > 0 then lines[#lines + 1] = line end
  return table.concat(lines, "\n" .. indent)
end

local function default_text(o)
  if o.default == nil or o.default == false then return nil end
  return tostring(o.default)
end

-- The full help: usage, summary, arguments, options (argument, default,
-- meaning), notes and examples.
function Command:help()
  local out = { "usage: " .. self:usage(), "", wrap(self.summary or "", 78, "") }
  if #self.args > 0 then
    out[#out + 1] = ""
    out[#out + 1] = "arguments:"
    for _, a in ipairs(self.args) do
      out[#out + 1] = ("  %-22s %s"):format(a[1], wrap(a[2] or "", 54, (" "):rep(25)))
    end
  end
  out[#out + 1] = ""
  out[#out + 1] = "options:"
  local opts = {}
  for _, o in ipairs(self.options) do opts[#opts + 1] = o end
  opts[#opts + 1] = { "help", short = "h", help = "show this help" }
  for _, o in ipairs(opts) do
    local left = (o.short and "-" .. o.short .. ", " or "") .. "--" .. o[1] .. (o.arg and " " .. o.arg or "")
    local text = o.help or ""
    if o.choices and not text:find(o.choices[1], 1, true) then text = text .. " (" .. table.concat(o.choices, ", ") .. ")" end
    local d = default_text(o)
    if d then text = text .. " [default: " .. d .. "]" end
    if #left > 22 then
      out[#out + 1] = "  " .. left
      out[#out + 1] = (" "):rep(25) .. wrap(text, 54, (" "):rep(25))
    else
      out[#out + 1] = ("  %-22s %s"):format(left, wrap(text, 54, (" "):rep(25)))
    end
  end
  if self.notes then
    out[#out + 1] = ""
    out[#out + 1] = (self.notes:gsub("^\n+", ""):gsub("\n+$", ""))
  end
  if self.examples and #self.examples > 0 then
    out[#out + 1] = ""
    out[#out + 1] = "examples:"
    for _, e in ipairs(self.examples) do out[#out + 1] = "  " .. e end
  end
  return table.concat(out, "\n") .. "\n"
end

-- ------------------------------------------------------------ parsing

-- parse(args) -> options (positional arguments in opts[1..n]); raises an
-- error naming the command for a mistake; --help or -h sets opts.help.
function Command:parse(args)
  local opts, i = {}, 1
  local function fail(msg)
    M.fail(("%s: %s (parley %s --help lists the options)"):format(self.name, msg, self.name))
  end
  for _, o in ipairs(self.options) do
    if o.multi then opts[key(o[1])] = {} elseif o.default ~= nil then opts[key(o[1])] = o.default end
  end
  while args[i] ~= nil do
    local a = args[i]
    if self.options_first and #opts > 0 then  -- the rest are another command's (parley run)
      for k = i, #args do opts[#opts + 1] = args[k] end
      break
    end
    local name, inline = a:match("^%-%-([%w-]+)=(.*)$")
    name = name or a:match("^%-%-([%w-]+)$")
    local short = a:match("^%-(%a)$")
    if short and self.by_short[short] then name = self.by_short[short][1] end
    if a == "--" then
      for k = i + 1, #args do opts[#opts + 1] = args[k] end
      break
    elseif name then
      local o = self.by_name[name]
      if name == "help" then opts.help = true
      elseif not o then fail(("unknown option '--%s'"):format(name))
      elseif o.arg then
        local v = inline
        if v == nil then
          i = i + 1
          v = args[i]
          if v == nil then fail(("option '--%s' needs a value (%s)"):format(name, o.arg)) end
        end
        if o.fraction then   -- a share: a number from 0 to 1
          local n = tonumber(v)
          if not n or n ~= n or n < 0 or n > 1 then
            fail(("option '--%s' needs a number from 0 to 1, got '%s'"):format(name, v))
          end
          v = n
        end
        if o.number then
          local n = tonumber(v)
          if not n or n ~= math.floor(n) or n < (o.min or 1) then
            fail(("option '--%s' needs a whole number of at least %d, got '%s'"):format(name, o.min or 1, v))
          end
          v = math.tointeger(n)
        end
        if o.choices then
          local ok = false
          for _, c in ipairs(o.choices) do ok = ok or c == v end
          if not ok then
            fail(("option '--%s' must be one of %s, got '%s'"):format(name, table.concat(o.choices, ", "), v))
          end
        end
        if o.multi then table.insert(opts[key(name)], v) else opts[key(name)] = v end
      else
        if inline ~= nil then fail(("option '--%s' takes no value"):format(name)) end
        opts[key(name)] = true
      end
    elseif a == "-h" then
      opts.help = true
    elseif a:sub(1, 1) == "-" and #a > 1 then
      fail(("unknown option '%s'"):format(a))
    else
      opts[#opts + 1] = a
    end
    i = i + 1
  end
  if opts.help then return opts end
  local need, most = 0, 0
  for _, a in ipairs(self.args) do
    if not a.optional then need = need + 1 end
    most = a.rest and math.huge or most + 1
  end
  if #opts < need then fail(("missing %s"):format(self.args[#opts + 1][1])) end
  if #opts > most then fail(("unexpected argument '%s'"):format(opts[most + 1])) end
  return opts
end

-- ------------------------------------------------------------ running

-- main(args, out, context): parse, print the help if asked, run.  context:
-- what the run of another command (parley run) passes on to this one, set in
-- its options: shard ({ i =, n = }: every corpus it opens is that part).
-- One error path: an error object (parley.error) prints as `parley: NAME:
-- message` without a traceback; anything else is a bug and keeps its traceback.
function Command:main(args, out, context)
  local ok, err = xpcall(function()
    local opts = self:parse(args or {})
    if opts.help then output.put(out or io.stdout, self:help()) return end
    if context and context.shard then opts.shard = context.shard end
    self.run(opts, out or io.stdout)
  end, function(e)
    if E.is(e) or E.fatal(e) then return e end   -- an interruption goes up as it is
    return E.new(("internal error: %s"):format(debug.traceback(tostring(e), 2)))
  end)
  if ok then return end
  if E.fatal(err) then error(err, 0) end
  local msg = E.message(err)
  if msg:sub(1, #self.name + 2) ~= self.name .. ": " then msg = self.name .. ": " .. msg end
  E.raise(msg, 0)
end

-- ------------------------------------------------------------ corpus options

-- `--where attr=value` options (or another option's, such as keyness's --a)
-- as a filter table (an attribute given twice: a list).
function M.where(list, name, option)
  local filter = {}
  for _, w in ipairs(list or {}) do
    local k, v = w:match("^([%w_]+)=(.*)$")
    if not k then M.fail(("%s: --%s needs attr=value, got '%s'"):format(name, option or "where", w)) end
    if filter[k] == nil then filter[k] = v
    elseif type(filter[k]) == "table" then table.insert(filter[k], v)
    else filter[k] = { filter[k], v } end
  end
  return next(filter) and filter or nil
end

-- The QUERY argument of a command that takes a query or --families FILE (read by query_or_families).
M.arg_query_or_families = { "QUERY", "the query, as for kwic (not with --families); several words make one query",
                            rest = true, optional = true }

-- query_or_families(opts, name) -> query, families: a command's QUERY (its
-- arguments joined by spaces) or the keyword families of --families FILE
-- (lua/parley/topics.lua: load), one of the two, else the user's mistake.
function M.query_or_families(opts, name)
  local q = #opts > 0 and table.concat(opts, " ") or nil
  if opts.family_list and not q then return nil, opts.family_list end   -- a caller's table (parley report)
  if opts.families then
    if q then M.fail(("%s: give a QUERY or --families FILE, not both"):format(name)) end
    local families, err = require("parley.topics").load(opts.families)
    if not families then M.fail(name .. ": " .. err) end
    return nil, families
  end
  if not q then M.fail(("%s: missing QUERY (or --families FILE) (parley %s --help lists the options)"):format(name, name)) end
  return q
end

-- Open the corpus named by opts.corpus (default: the bundled one); with
-- opts.shard (set by parley run), only that part of it.
function M.open_corpus(opts)
  if opts.opened then   -- a corpus opened already, by a caller that runs several commands over it (parley report)
    opts.corpus_name = opts.opened.name
    return opts.opened
  end
  local corpus, err = require("parley").open(opts.corpus, { repair = opts.repair, skip_bad = opts.skip_bad,
                                                           trust_grammars = opts.trust_grammars,
                                                           shard = opts.shard })
  if not corpus then M.fail(err) end
  opts.corpus_name = corpus.name   -- what a partial result says it counted (lua/parley/partial.lua)
  return corpus
end

-- What a where clause that selects nothing says: "no documents where
-- type=nosuch; types are: telegram, transcript", listing the values of the
-- attributes whose asked-for values the corpus does not have.
function M.selects_nothing(corpus, filter, sub)
  local what, wanted = {}, {}
  for k, v in pairs(filter) do
    what[#what + 1] = k .. "=" .. (type(v) == "table" and table.concat(v, "|") or tostring(v))
    if k ~= "from" and k ~= "to" then wanted[#wanted + 1] = k end
  end
  table.sort(what)
  table.sort(wanted)
  local kind = sub.kind or "document"
  if #sub.extent > 0 then
    return ("the %ss where %s hold no words"):format(kind, table.concat(what, " "))
  end
  local out = { ("no %ss where %s"):format(kind, table.concat(what, " ")) }
  local missing = false
  for _, k in ipairs(wanted) do
    if k ~= "kind" then
      local values = corpus:values(k)
      local have = {}
      for _, v in ipairs(values) do have[tostring(v)] = true end
      local asked, absent = filter[k], false
      for _, v in ipairs(type(asked) == "table" and asked or { asked }) do absent = absent or not have[tostring(v)] end
      if absent then
        missing = true
        out[#out + 1] = require("parley.corpus").values_list(k, values)
      end
    end
  end
  if filter.from or filter.to then  -- the dates there are
    local first, last, undated = require("parley.timeline").date_span(corpus)
    missing = true
    out[#out + 1] = (first and ("documents are dated from %s to %s"):format(first, last) or "no document is dated")
      .. (undated > 0 and (", %s undated"):format(output.number(undated)) or "")
    if #wanted > 0 then out[#out + 1] = "or the other conditions hold outside that range" end
  end
  if not missing then out[#out + 1] = "each condition holds somewhere, but not together" end
  return table.concat(out, "; ")
end

-- The corpus of --corpus, narrowed by any --where; a clause that selects
-- nothing is the user's mistake, said as such (not "no matches" later on).
-- part: the corpus is one part of several (parley run --shard), which may
-- hold none of what the clauses select (another part may): then nil, the
-- part's corpus and the empty sub-corpus (nil if the part lacks the attribute).
function M.scoped(opts, name, part)
  local corpus = M.open_corpus(opts)
  local filter = M.where(opts.where, name)
  if filter then
    local ok, sub = E.pcall(corpus.where, corpus, filter)
    if part and (not ok or sub:size() == 0) then return nil, corpus, ok and sub or nil end
    if not ok then error(sub, 0) end
    if sub:size() == 0 then M.fail(name .. ": " .. M.selects_nothing(corpus, filter, sub)) end
    corpus = sub
  end
  return corpus
end

return M
