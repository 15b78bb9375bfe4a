-- Every example in docs/lua-api.md runs, so the reference cannot drift from
-- the code; and every reference entry has an example.  The entries are read
-- by parley.help, the same parser the REPL's :help uses.
local help = require "parley.help"

describe("docs/lua-api.md", function()
  local entries = help.entries()

  for _, e in ipairs(entries) do
    it("has a runnable example for " .. e.name, function()
      local code = e.body:match("```lua\n(.-)```")
      assert.is_not_nil(code, "no example for " .. e.name)
      local f = assert(load(code, "=docs:" .. e.name, "t", setmetatable({}, { __index = _G })))
      f()
    end)
  end

  it("gives :help a line for every entry", function()
    assert.is_true(#entries >= 12)
    local text = help.text()
    for _, e in ipairs(entries) do
      assert.is_truthy(text:find(e.name, 1, true), e.name)
    end
  end)
end)
