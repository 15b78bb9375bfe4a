-- Faults of a query: where a query went wrong and why, and the error a user
-- sees.  Inside the parser and the planner a fault is thrown as a small
-- table (throw); the public entry points catch it and raise it as an error
-- object (parley.error) at their caller's level, with the query echoed and a
-- caret under the fault:
--
--   bad query: NEAR/ needs a whole number of tokens, such as NEAR/5
--     inspection NEAR/x cross
--                     ^
--
-- The caret counts display columns (parley.text.width), so a query holding
-- accented, wide or combining characters is underlined where it is shown.
local perror = require "parley.error"
local text = require "parley.text"

local M = {}

local Fault = {}
Fault.__tostring = function(f) return ("query fault at %d: %s"):format(f.pos or 0, f.reason) end

-- throw(pos, reason [, hint]): pos is a 1-based byte offset into the query
-- (#q + 1: its end); reason a lowercase message without the "bad query: "
-- prefix; hint, what to write instead (a line under the caret).
function M.throw(pos, reason, hint)
  error(setmetatable({ pos = pos, reason = reason, hint = hint }, Fault), 0)
end

function M.is(v) return getmetatable(v) == Fault end

-- Call f(...); a fault it throws is moved by shift bytes (a pattern's own
-- offsets become the query's).  Returns what f returns.
function M.shifted(shift, f, ...)
  local r = table.pack(pcall(f, ...))
  if r[1] then return table.unpack(r, 2, r.n) end
  local e = r[2]
  if M.is(e) then M.throw(e.pos + shift, e.reason, e.hint) end
  error(e, 0)
end

-- The query as one line of display text: control characters (tabs, line
-- breaks) become spaces and invalid UTF-8 bytes U+FFFD, one column each.
local function shown(q)
  q = q:gsub("[%c]", " ")
  local out = {}
  while true do
    local ok, bad = text.valid(q)
    if ok then break end
    out[#out + 1] = q:sub(1, bad - 1) .. "\u{FFFD}"
    q = q:sub(bad + 1)
  end
  out[#out + 1] = q
  return table.concat(out)
end

-- The message of a fault: reason, then (given the query) the query and a
-- caret, then the hint if there is one.
function M.message(q, pos, reason, hint)
  local tail = hint and "\n" .. shown(hint) or ""
  if type(q) ~= "string" then return "bad query: " .. reason .. tail end
  pos = math.max(1, math.min(pos or 1, #q + 1))
  local col = text.width(shown(q:sub(1, pos - 1)))
  return ("bad query: %s\n  %s\n  %s^"):format(reason, shown(q), (" "):rep(col)) .. tail
end

-- Call f(...); a fault becomes an error object raised at level (as for
-- error(): 1 is the function calling protect, 2 its caller) with fields
-- query, pos, reason and hint (or nil).  Other errors pass through unchanged.
function M.protect(q, level, f, ...)
  local r = table.pack(pcall(f, ...))
  if r[1] then return table.unpack(r, 2, r.n) end
  local e = r[2]
  if not M.is(e) then error(e, 0) end
  perror.raise(M.message(q, e.pos, e.reason, e.hint), level + 1,
    { query = type(q) == "string" and q or nil, pos = e.pos, reason = e.reason, hint = e.hint })
end

return M
