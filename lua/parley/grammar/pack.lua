-- Packing a grammar's result for the index builder, inside the grammar's
-- sandbox (lua/parley/grammar/boot.lua, entry `index`), so that a worker
-- thread of the build (core/build.c) takes it as one string without a host
-- Lua state.  The result is checked as the host would check it, and put in
-- a defined order: regions by start, longer first, then by kind, then as
-- the grammar listed them; metadata as JSON with its keys sorted.  So the
-- index is the same whichever worker (whichever Lua state, whose string
-- hashing and so `pairs` order are its own) parsed a document.
--
-- The packed string (little-endian): s4 the metadata as JSON; u32 n, then n
-- regions: u32 kind (its number in the build's list of kinds after the three
-- built-in ones, from 0), u32 start byte (0-based), u32 end byte (exclusive),
-- then one s4 string per attribute of the kind, in the build's order.
local M = {}

local type, pairs, ipairs, tostring, error = type, pairs, ipairs, tostring, error
local math_type, concat, sort, pack, format, unpack = math.type, table.concat, table.sort, string.pack, string.format, table.unpack

local MAX_DEPTH = 16

-- The message a value that cannot leave a sandbox gets (as core/sandbox.c's copy says it).
local function refuse(what, path)
  error(("cannot pass %s out of or into a sandbox (at %s)"):format(what, path), 0)
end

local function quote(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    if c == '"' then return '\\"' elseif c == "\\" then return "\\\\"
    elseif c == "\n" then return "\\n" elseif c == "\t" then return "\\t" elseif c == "\r" then return "\\r" end
    return format("\\u%04x", c:byte())
  end) .. '"'
end

-- JSON of plain data v (strings, numbers, booleans, tables without
-- metatables), keys sorted; out is a list of pieces, budget a table { left = bytes }.
local function encode(v, out, path, depth, budget)
  local t = type(v)
  if t == "string" then
    out[#out + 1] = quote(v)
    budget.left = budget.left - #v
  elseif t == "number" then
    if math_type(v) == "integer" then out[#out + 1] = tostring(v)
    elseif v ~= v or v == math.huge or v == -math.huge then out[#out + 1] = "null"
    else out[#out + 1] = format("%.17g", v) end
  elseif t == "boolean" then
    out[#out + 1] = tostring(v)
  elseif t == "nil" then
    out[#out + 1] = "null"
  elseif t == "table" then
    if getmetatable(v) ~= nil then refuse("a table with a metatable", path) end
    if depth >= MAX_DEPTH then error(("tables nested more than %d deep cannot pass (at %s)"):format(MAX_DEPTH, path), 0) end
    budget.left = budget.left - 16
    local n, keys, count = #v, {}, 0
    for k in pairs(v) do
      count = count + 1
      local kt = type(k)
      if kt ~= "string" and not (kt == "number" and math_type(k) == "integer") then
        refuse("a " .. kt .. " key", path)
      end
      keys[#keys + 1] = k
    end
    if count == n then                     -- a list (an empty table too)
      out[#out + 1] = "["
      for i = 1, n do
        if i > 1 then out[#out + 1] = "," end
        encode(v[i], out, path .. "[" .. i .. "]", depth + 1, budget)
      end
      out[#out + 1] = "]"
    else
      for i, k in ipairs(keys) do keys[i] = tostring(k) end
      sort(keys)
      for i = 2, #keys do   -- 1 and "1" would be one JSON member twice
        if keys[i] == keys[i - 1] then
          error(("the keys %s and \"%s\" name the same member (at %s)"):format(keys[i], keys[i], path), 0)
        end
      end
      out[#out + 1] = "{"
      for i, k in ipairs(keys) do
        if i > 1 then out[#out + 1] = "," end
        out[#out + 1] = quote(k)
        out[#out + 1] = ":"
        local value = v[k]
        if value == nil then value = v[math.tointeger(tonumber(k))] end
        encode(value, out, path .. "." .. k, depth + 1, budget)
      end
      out[#out + 1] = "}"
    end
  else
    refuse("a " .. t, path)
  end
  budget.left = budget.left - 1
  if budget.left < 0 then error("value too large to pass", 0) end
end

-- json(v, path, limit) -> JSON text of v, or raises when v is not plain data
-- or would take more than about limit bytes (a table counts 16).
function M.json(v, path, limit)
  local out = {}
  encode(v, out, path or "value", 0, { left = limit or 64 * 1024 * 1024 })
  return concat(out)
end

-- s as a string, cut after 40 bytes (at a character's start) with an ellipsis.
local function cut(s)
  s = tostring(s)
  if #s <= 40 then return s end
  local n = 40
  while n > 1 and s:byte(n + 1) and s:byte(n + 1) >= 0x80 and s:byte(n + 1) < 0xC0 do n = n - 1 end
  return s:sub(1, n) .. "…"
end

-- A value as a message shows it: a string quoted and cut, a number as Lua
-- writes it (NaN, inf, 1.5), nil as "nothing (nil)", other values by their type.
local function shown(v)
  local t = type(v)
  if t == "string" then
    return ("the string %s"):format(quote(cut(v)))
  elseif t == "number" then
    if v ~= v then return "NaN" end
    return tostring(v)
  elseif t == "nil" then
    return "nothing (nil)"
  end
  return "a " .. t
end

local CONTRACT = "parse must return { regions = { … }, meta = { … } }"
local SPAN = "start and stop are 1-based byte offsets into the text, inclusive, as for string.sub"

-- The names of the declared kinds, for a message: "'label', 'turn'".
local function kind_names(kinds)
  local names = {}
  for k in pairs(kinds) do names[#names + 1] = "'" .. k .. "'" end
  sort(names)
  return #names > 0 and concat(names, ", ") or "none"
end

-- A bound of region i's span as an integer (range checked by the caller), or raises
-- saying which field is wrong, what it holds and what it must be.
local function bound(r, i, field)
  local function num(x) return x ~= x and "NaN" or tostring(x) end
  local v, head = r[field], ("region #%d (%s) has a bad span %s..%s: "):format(i, tostring(r.kind),
    num(r.start), num(r.stop))
  local n = type(v) == "number" and math.tointeger(v)
  if not n then
    local why = type(v) ~= "number" and "a number" or (v ~= v or v == math.huge or v == -math.huge)
      and "a finite whole number" or "a whole number (round it: math.floor)"
    error(("%s%s is %s, not %s; %s"):format(head, field, shown(v), why, SPAN), 0)
  end
  return n, head
end

-- pack(res, text, kinds) -> the packed string, or raises a message.  res is
-- what the grammar's parse returned; kinds: the build's region kinds by name,
-- { name = { attrs = { … }, number = (0-based kind number) } }.  Every rule of
-- the result's shape (docs/grammars.md, "The result of parse") is checked
-- here, and a message names the field, what it holds and what it must be.
function M.pack(res, text, kinds)
  if res == nil then res = {} end
  if type(res) ~= "table" then
    error(("%s: it returned %s"):format(CONTRACT, shown(res)), 0)
  end
  if res.regions ~= nil and type(res.regions) ~= "table" then
    error(("%s: its regions is %s, not a list of region tables"):format(CONTRACT, shown(res.regions)), 0)
  end
  if res.meta ~= nil and type(res.meta) ~= "table" then
    error(("%s: its meta is %s, not a table"):format(CONTRACT, shown(res.meta)), 0)
  end
  local regions, list = res.regions or {}, {}
  local n = #regions
  for k in pairs(regions) do
    if math_type(k) ~= "integer" or k < 1 or k > n then
      error(("%s: its regions must be a list (keys 1 to n, no gaps), but holds the key %s")
        :format(CONTRACT, type(k) == "string" and quote(k) or tostring(k)), 0)
    end
  end
  for i = 1, n do
    local r = regions[i]
    if r == nil then
      error(("%s: its regions must be a list (keys 1 to n, no gaps), but regions[%d] is nil"):format(CONTRACT, i), 0)
    end
    if type(r) ~= "table" then
      error(("cannot pass a %s out of or into a sandbox (at result.regions[%d]): it is %s, and a region is a "
        .. "table { kind =, start =, stop =, attrs = }"):format(type(r), i, shown(r)), 0)
    end
    local k = type(r.kind) == "string" and kinds[r.kind]
    if not k then
      error(("region #%d is of undeclared kind '%s': its kind is %s, and must be one the grammar declares "
        .. "in kinds (%s)"):format(i, cut(r.kind), shown(r.kind), kind_names(kinds)), 0)
    end
    local start, head = bound(r, i, "start")
    local stop = bound(r, i, "stop")
    if start < 1 then
      error(("%sstart is %d, before the text's first byte; %s (the first byte is 1)"):format(head, start, SPAN), 0)
    elseif stop > #text then
      error(("%sstop is %d, beyond the text's end (its last byte is %d); %s"):format(head, stop, #text, SPAN), 0)
    elseif stop < start - 1 then
      error(("%sstop (%d) is before start (%d); %s (an empty region has stop = start - 1)"):format(head, stop, start, SPAN), 0)
    end
    local attrs = r.attrs
    if attrs ~= nil and type(attrs) ~= "table" then
      error(("region #%d (%s): its attrs is %s, not a table of attribute values { name = \"value\" }")
        :format(i, r.kind, shown(attrs)), 0)
    end
    local values = {}
    for a, name in ipairs(k.attrs) do
      local v = attrs and attrs[name]
      local vt = type(v)
      if v ~= nil and vt ~= "string" and vt ~= "number" and vt ~= "boolean" then
        refuse("a " .. vt, ("result.regions[%d].attrs.%s"):format(i, name))
      end
      values[a] = v ~= nil and tostring(v) or ""
    end
    for name in pairs(attrs or {}) do
      local declared = false
      for _, d in ipairs(k.attrs) do declared = declared or d == name end
      if not declared then
        error(("region #%d (%s): its attrs has %s, which the grammar does not declare for kind '%s' (declared: %s); "
          .. "add it to kinds = { %s = { … } }"):format(i, r.kind,
          type(name) == "string" and "the attribute " .. quote(cut(name)) or "a key " .. tostring(name), r.kind,
          #k.attrs > 0 and "'" .. concat(k.attrs, "', '") .. "'" or "none", r.kind), 0)
      end
    end
    list[#list + 1] = { k = k.number, s = start - 1, e = stop, values = values, i = i }
  end
  sort(list, function(a, b)
    if a.s ~= b.s then return a.s < b.s end
    if a.e ~= b.e then return a.e > b.e end
    if a.k ~= b.k then return a.k < b.k end
    return a.i < b.i
  end)
  local out = { pack("<s4", M.json(res.meta or {}, "result.meta", 16 * 1024 * 1024 + 64 * #text)), pack("<I4", #list) }
  -- one string.pack per region: the kind's format, its three numbers and its attributes
  local formats = {}
  for _, r in ipairs(list) do
    local n = #r.values
    local f = formats[n]
    if not f then f = "<I4I4I4" .. ("s4"):rep(n); formats[n] = f end
    out[#out + 1] = pack(f, r.k, r.s, r.e, unpack(r.values, 1, n))
  end
  return concat(out)
end

return M
