-- Replay fuzz inputs through the normal build, so `make test` (spec/43-fuzz_spec.lua)
-- covers every regression the fuzzers found: `build/parley fuzz/replay.lua TARGET FILE…`
-- runs each file (NAME.b64: base64, decoded first) through the target's Lua half
-- (fuzz/TARGET.lua; for text and token, through parley.loader and parley.tokenizer
-- as the C harness does) and prints "TARGET: N inputs".  An index input is the
-- file as the index harness writes it (already resealed).  A crash ends the
-- process; a failed check, or one of Lua's own errors raised in the toolkit
-- (as FUZZ_STRICT=1 finds them), raises.
local loader = require "parley.loader"
local tokenizer = require "parley.tokenizer"
local data = require "parley.data"

local target = assert(arg[1], "usage: parley fuzz/replay.lua TARGET FILE...")
local scratch = assert(io.popen("mktemp -d /tmp/parley-replay.XXXXXX")):read("l")

-- One of Lua's own errors raised in the toolkit's code, where bad input
-- should have met a message (as FUZZ_STRICT=1 in the harness, fuzz/host.c).
local function internal(e)
  return type(e) == "string" and e:sub(1, #parley.home + 5) == parley.home .. "/lua/"
end
local function check(ok, e, ...)
  if not ok and internal(e) then error("fuzz check failed: an internal error: " .. e, 0) end
  return ok, e, ...
end

package.loaded.fuzz = {
  fail = function(msg) error("fuzz check failed: " .. tostring(msg), 0) end,
  try = function(f, ...) return check(pcall(f, ...)) end,
  home = parley.home,
  scratch = scratch,
}

local function unbase64(s)
  local abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
  s = s:gsub("[^%w%+/]", "")
  local out, bits, n = {}, 0, 0
  for c in s:gmatch(".") do
    bits, n = bits * 64 + abc:find(c, 1, true) - 1, n + 6
    if n >= 8 then
      n = n - 8
      out[#out + 1] = string.char(bits // (1 << n))
      bits = bits % (1 << n)
    end
  end
  return table.concat(out)
end

-- The C harnesses' checks, through the Lua API.
local function loaded(s)
  local text = loader.normalize("fuzz.txt", s, { repair = true })
  if text and not parley.text.valid(text) then error("fuzz check failed: repaired text is not UTF-8", 0) end
  return text
end
local halves = {
  text = function(s) loaded(s); return dofile(parley.home .. "/fuzz/text.lua")(s) end,
  token = function(s)
    local text = loaded(s)
    if not text then return end
    local last = 0
    for _, t in ipairs(tokenizer.tokens(text)) do
      if t.start <= last or t.stop < t.start or t.stop > #text then error("fuzz check failed: token span", 0) end
      last = t.stop
    end
  end,
  index = function(s)
    local path = scratch .. "/index"
    local f = assert(io.open(path, "wb"))
    f:write(s)
    f:close()
    return dofile(parley.home .. "/fuzz/index.lua")(path)
  end,
}
local run = halves[target] or dofile(parley.home .. "/fuzz/" .. target .. ".lua")

local n = 0
for i = 2, #arg do
  local s = assert(data.read(arg[i]))
  if arg[i]:match("%.b64$") then s = unbase64(s) end
  local ok, err = pcall(run, s)
  if not ok and (internal(err) or tostring(err):find("^fuzz check failed")) then
    os.execute("rm -rf '" .. scratch .. "'")
    error(arg[i] .. ": " .. tostring(err), 0)
  end
  n = n + 1
end
os.execute("rm -rf '" .. scratch .. "'")
print(("%s: %d inputs"):format(target, n))
