-- Shared helpers for the specs: paths, the parley binary under test, and a
-- subprocess runner that captures stdout, stderr and the exit status.
local M = {}

M.root = assert(io.popen("pwd")):read("l")
M.bin = os.getenv("PARLEY_TEST_BIN") or "build/parley"
if M.bin:sub(1, 1) ~= "/" then M.bin = M.root .. "/" .. M.bin end
M.corpus = M.root .. "/corpus"
M.dinner = M.corpus .. "/1962-11-01-mikoyan-mccloy-stevenson-dinner.txt"
M.telegram = M.corpus .. "/1962-11-02-mikoyan-telegram.md"

-- Quote a string for /bin/sh.
function M.shquote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

-- Read a whole file (nil if it cannot be opened).
M.read = require("parley.data").read

-- Open a corpus, failing the test with parley's message if it cannot be opened.
function M.open(dir, opts)
  local c, err = parley.open(dir, opts)
  assert(c, err)
  return c
end

function M.write(path, data)
  local f = assert(io.open(path, "wb"))
  f:write(data)
  f:close()
end

-- A fresh temporary directory, removed by M.cleanup().
local tmpdirs = {}
function M.tmpdir()
  local d = assert(io.popen("mktemp -d /tmp/parley-spec.XXXXXX")):read("l")
  tmpdirs[#tmpdirs + 1] = d
  return d
end

function M.cleanup()
  for i = #tmpdirs, 1, -1 do
    os.execute("rm -rf " .. M.shquote(tmpdirs[i]))
    tmpdirs[i] = nil
  end
end

-- Run build/parley with the given argument list (and optional stdin text
-- and environment assignments); returns stdout, stderr, exit code.
function M.run(args, opts)
  opts = opts or {}
  local d = M.tmpdir()
  local parts = {}
  for k, v in pairs(opts.env or {}) do parts[#parts + 1] = k .. "=" .. M.shquote(v) end
  parts[#parts + 1] = M.shquote(opts.bin or M.bin)
  for _, a in ipairs(args) do parts[#parts + 1] = M.shquote(a) end
  local cmd = table.concat(parts, " ")
  if opts.stdin then
    M.write(d .. "/in", opts.stdin)
    cmd = cmd .. " <" .. d .. "/in"
  else
    cmd = cmd .. " </dev/null"
  end
  if opts.cwd then cmd = "cd " .. M.shquote(opts.cwd) .. " && " .. cmd end
  cmd = cmd .. " >" .. d .. "/out 2>" .. d .. "/err"
  local _, _, code = os.execute(cmd)
  return M.read(d .. "/out"), M.read(d .. "/err"), code
end

-- Collect garbage after every test, to shake out __gc bugs (as luv's suite does).
local reg = debug.getregistry()
if not reg["parley.spec.gc"] then
  reg["parley.spec.gc"] = true
  local busted = require "busted"
  busted.subscribe({ "test", "end" }, function()
    collectgarbage()
    collectgarbage()
    return nil, true
  end)
end

return M
