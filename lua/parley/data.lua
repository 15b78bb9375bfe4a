-- Lua data files (manifests, person registers, gazetteers, keyword families):
-- run in an empty environment, so they can build tables but reach nothing else.
local M = {}

-- eval(src, name) -> the value the chunk returns | nil, message (naming the file).
function M.eval(src, name)
  local f, err = load(src, "@" .. name, "t", {})
  if not f then return nil, err end
  local ok, v = pcall(f)
  if not ok then return nil, tostring(v) end
  return v
end

-- read(path) -> the file's bytes | nil, message.
function M.read(path)
  local f, err = io.open(path, "rb")
  if not f then return nil, err end
  local s = f:read("a")
  f:close()
  return s
end

-- load(path) -> the value the file returns | nil, message.
function M.load(path)
  local src, err = M.read(path)
  if not src then return nil, "cannot open " .. err end
  return M.eval(src, path)
end

-- line_of(starts, pos) -> the line holding byte pos, given the byte offsets
-- where lines start (doc:line_starts()), by binary search.
function M.line_of(starts, pos)
  local lo, hi = 1, #starts
  while lo < hi do
    local mid = (lo + hi + 1) // 2
    if starts[mid] <= pos then lo = mid else hi = mid - 1 end
  end
  return lo
end

return M
