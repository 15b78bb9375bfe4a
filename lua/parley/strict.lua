-- Strict environments: reading or assigning an undeclared global is an error.
-- Bundled scripts run in one, so a typo'd local cannot silently become a global.
local M = {}

local function strict_error(what, name)
  error(("%s undeclared global '%s'"):format(what, tostring(name)), 3)
end

-- A fresh environment that reads through to _G but refuses new globals.
function M.env(base)
  base = base or _G
  return setmetatable({}, {
    __index = function(_, k)
      local v = base[k]
      if v == nil then strict_error("read of", k) end
      return v
    end,
    __newindex = function(_, k) strict_error("assignment to", k) end,
  })
end

return M
