-- The parley toolkit table: `require "parley"` (also the global `parley` in
-- scripts, -e and the REPL).  C libraries and Lua modules are gathered here.
local site = package.loaded["parley.site"] or {}

local M = {
  version = site.version or "0.1.0",
  home = site.home,
  text = require "parley.text",
  reader = require "parley.reader",
}

-- Pretty-print values (nested tables, cycles, long lists) as the REPL does.
function M.show(...)
  return require("parley.show").print(...)
end

-- Open a corpus folder (default: the bundled corpus), building or refreshing
-- its index as needed: see docs/lua-api.md.
function M.open(dir, opts)
  return require("parley.corpus").open(dir, opts)
end

return M
