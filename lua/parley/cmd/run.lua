-- `parley run --shard I/N NAME|SCRIPT [args…]`: a bundled command or a script
-- over part I of N of a corpus (lua/parley/shard.lua).  The part is passed
-- on, not set aside anywhere: to a bundled command in its context
-- (cli Command:main), which its corpus options carry to parley.open; to a
-- script as the default of its own parley.open calls (its `parley`, global
-- or required, opens the part unless asked for shard = false).
local cli = require "parley.cli"
local fs = require "parley.fs"
local shard = require "parley.shard"

local NOT_RUN = { run = true, merge = true }

-- The bundled commands (scripts/NAME.lua), sorted.
local function bundled()
  local names = {}
  local home = require("parley").home or "."
  for _, n in ipairs(fs.dir(home .. "/scripts") or {}) do
    local name = n:match("^([%w_-]+)%.lua$")
    if name and not NOT_RUN[name] then names[#names + 1] = name end
  end
  table.sort(names)
  return names
end

-- The `parley` a script sees: the toolkit, its open defaulting to the part.
local function toolkit_for(part)
  local real = require "parley"
  local view = {}
  function view.open(dir, opts)
    local o = {}
    for k, v in pairs(opts or {}) do o[k] = v end
    if o.shard == nil then o.shard = part end
    return real.open(dir, o)
  end
  return setmetatable(view, { __index = real })
end

local function run_script(path, args, part)
  local view = toolkit_for(part)
  local env = setmetatable({}, { __index = _G })
  env.parley = view
  env.require = function(name)
    if name == "parley" then return view end
    return require(name)
  end
  env.arg = { [0] = path, table.unpack(args) }
  local chunk, err = loadfile(path, "t", env)
  if not chunk then cli.fail("run: " .. err) end
  chunk(table.unpack(args))
end

local NOTES = [[
NAME is a bundled command (parley run --shard 1/2 ngrams 3); SCRIPT a Lua file (a path
with a '/' or ending in .lua), whose own parley.open calls open the part unless they ask
for shard = false. A source (a file of the corpus) belongs to part 1 + (h mod N), h the
64-bit FNV-1a hash of its path relative to the corpus folder: adding sources never moves
old ones, and all the documents of a TEI volume stay together. A part has its own index,
CORPUS/.parley/shards/I-of-N/index (or the same under the cache's folder for the corpus),
beside the whole corpus's, so a cluster node builds only its part.
The commands ngrams, keyness, collocates, timeline and speakers take --partial: they
write their counts as a partial result (JSON, docs/scale.md), and parley merge adds the
parts into exactly what one run over the whole corpus prints. Without --partial a
command prints its table of the part.]]

return cli.command {
  name = "run",
  summary = "Run a bundled command or a Lua script over one part of a corpus split into N "
    .. "(for archives too large for one machine; parley merge adds the parts' partial results).",
  options_first = true,
  args = {
    { "NAME|SCRIPT", "a bundled command (ngrams, keyness …) or a Lua script" },
    { "ARGS", "its arguments and options (--partial: counts for parley merge)", rest = true, optional = true },
  },
  options = {
    { "shard", arg = "I/N", help = "part I of N (1/2: the first of two)" },
  },
  notes = NOTES,
  examples = {
    "parley run --shard 1/2 ngrams 2 --min 3",
    "parley run --shard 2/2 keyness --partial > part-2.json",
    "parallel -j2 parley run --shard {}/2 speakers --partial '>' part-{}.json ::: 1 2",
  },
  run = function(opts, out)
    if not opts.shard then cli.fail("run: --shard I/N is needed (which part of the corpus to run over)") end
    local ok, part = pcall(shard.parse, opts.shard)
    if not ok then cli.fail("run: --shard: " .. require("parley.error").message(part)) end
    local what = opts[1]
    local args = { table.unpack(opts, 2) }
    if what:find("/", 1, true) or what:find("%.lua$") then
      if not fs.stat(what) then cli.fail(("run: %s: no such script"):format(what)) end
      return run_script(what, args, part)
    end
    local names = bundled()
    local known = false
    for _, n in ipairs(names) do known = known or n == what end
    if not known then
      cli.fail(("run: no bundled command '%s' (the commands are %s; a script is named by a path)")
        :format(what, table.concat(names, ", ")))
    end
    local cmd = require("parley.cmd." .. what)
    if not cmd.count then
      for _, a in ipairs(args) do
        if a == "--" then break end
        if a == "--partial" then
          cli.fail(("run: %s cannot write a partial result: its rows are not counts that parts add up "
            .. "(the commands that can: ngrams, keyness, collocates, timeline, speakers)"):format(what))
        end
      end
    end
    return cmd:main(args, out, { shard = part })
  end,
}
