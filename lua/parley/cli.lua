-- Command-line options for the bundled scripts: one parser, so every script
-- takes --corpus, --format and friends the same way and reports mistakes the
-- same way (`parley kwic: unknown option '--wdith' (try --help)`).
local M = {}

local Quiet = { __tostring = function(e) return e.msg end }

-- Raise a user's mistake: the command line prints `parley: msg` without a traceback.
function M.fail(msg)
  error(setmetatable({ quiet = true, msg = msg }, Quiet), 0)
end

-- parse(args, spec) -> options table (positional arguments in order, in
-- opts[1..n]).  spec = { name =, usage =, options = { name = { arg = true,
-- number = true, choices = {...}, multi = true, default = v } } }.
-- Raises "NAME: message" on a mistake; --help raises nothing but sets opts.help.
function M.parse(args, spec)
  local opts, i = {}, 1
  local function fail(msg)
    M.fail(("%s: %s (usage: %s)"):format(spec.name, msg, spec.usage))
  end
  for name, o in pairs(spec.options or {}) do
    if o.multi then opts[name] = {} elseif o.default ~= nil then opts[name] = o.default end
  end
  while args[i] do
    local a = args[i]
    local name, inline = a:match("^%-%-([%w-]+)=(.*)$")
    name = name or a:match("^%-%-([%w-]+)$")
    if a == "--" then
      for k = i + 1, #args do opts[#opts + 1] = args[k] end
      break
    elseif name then
      local key = name:gsub("-", "_")
      local o = (spec.options or {})[key]
      if key == "help" then opts.help = true
      elseif not o then fail(("unknown option '--%s'"):format(name))
      elseif o.arg then
        local v = inline
        if v == nil then
          i = i + 1
          v = args[i]
          if v == nil then fail(("option '--%s' needs a value"):format(name)) end
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
        if o.multi then table.insert(opts[key], v) else opts[key] = v end
      else
        if inline ~= nil then fail(("option '--%s' takes no value"):format(name)) end
        opts[key] = true
      end
    elseif a:sub(1, 1) == "-" and #a > 1 then
      fail(("unknown option '%s'"):format(a))
    else
      opts[#opts + 1] = a
    end
    i = i + 1
  end
  return opts
end

-- `--where attr=value` options as a filter table (repeated attributes give a list).
function M.where(list, name)
  local filter = {}
  for _, w in ipairs(list or {}) do
    local k, v = w:match("^([%w_]+)=(.*)$")
    if not k then M.fail(("%s: --where needs attr=value, got '%s'"):format(name, w)) end
    if filter[k] == nil then filter[k] = v
    elseif type(filter[k]) == "table" then table.insert(filter[k], v)
    else filter[k] = { filter[k], v } end
  end
  return next(filter) and filter or nil
end

-- start(args, spec, npos) -> options, or nil when --help printed the usage.
-- More than npos (default 0) positional arguments is a mistake.
function M.start(args, spec, npos)
  local opts = M.parse(args, spec)
  if opts.help then
    io.write("usage: ", spec.usage, "\n")
    return nil
  end
  npos = npos or 0
  if #opts > npos then
    M.fail(("%s: unexpected argument '%s' (usage: %s)"):format(spec.name, opts[npos + 1], spec.usage))
  end
  return opts
end

-- The corpus of --corpus (default: the bundled one), narrowed by any --where.
function M.scoped(opts, name)
  local corpus = M.open_corpus(opts, name)
  local filter = M.where(opts.where, name)
  if filter then
    local ok, sub = pcall(corpus.where, corpus, filter)
    if not ok then M.fail(name .. ": " .. tostring(sub):gsub("^.-:%d+: ", "")) end
    corpus = sub
  end
  return corpus
end

-- Open the corpus named by opts.corpus (default: the bundled one), raising a
-- clear error if it cannot be opened.
function M.open_corpus(opts, name)
  local corpus, err = require("parley").open(opts.corpus, { repair = opts.repair })
  if not corpus then M.fail(("%s: %s"):format(name, err)) end
  return corpus
end

return M
