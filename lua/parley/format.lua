-- Tables of results in the formats every bundled script offers:
--   tty   aligned columns (numbers right-aligned), for a terminal
--   tsv   tab-separated, with a header line
--   csv   RFC 4180
--   json  a list of objects (lua-cjson)
--   md    a Markdown table
-- A table is a list of rows (tables keyed by column name) and a list of
-- columns: names, or { name =, title =, align = "left"|"right", format = fn }.
local cjson = require "cjson"
local text = require "parley.text"

local M = {}

M.formats = { "tty", "tsv", "csv", "json", "md" }

local function columns_of(cols)
  local out = {}
  for i, c in ipairs(cols) do
    if type(c) == "string" then c = { name = c } end
    out[i] = { name = c.name, title = c.title or c.name, align = c.align, format = c.format }
  end
  return out
end

-- A cell as text: numbers with up to 4 decimals (integers plain), nil empty.
local function cell(c, v)
  if c.format then return tostring(c.format(v)) end
  if v == nil then return "" end
  if math.type(v) == "float" then
    if v ~= v then return "nan" end
    if v == math.floor(v) and math.abs(v) < 1e15 then return ("%.1f"):format(v) end
    return (("%.4f"):format(v):gsub("0+$", ""):gsub("%.$", ".0"))
  end
  if type(v) == "table" then return table.concat(v, ", ") end
  return tostring(v)
end
M.cell = cell

local function is_numeric(rows, name)
  local any = false
  for _, r in ipairs(rows) do
    local v = r[name]
    if v ~= nil then
      if type(v) ~= "number" then return false end
      any = true
    end
  end
  return any
end

local function tty(rows, cols)
  local widths, cells, aligns = {}, {}, {}
  for i, c in ipairs(cols) do
    widths[i] = text.width(c.title)
    aligns[i] = c.align or (is_numeric(rows, c.name) and "right" or "left")
  end
  for r, row in ipairs(rows) do
    cells[r] = {}
    for i, c in ipairs(cols) do
      local s = cell(c, row[c.name]):gsub("[\t\n]", " ")
      cells[r][i] = s
      local w = text.width(s)
      if w > widths[i] then widths[i] = w end
    end
  end
  local function line(values)
    local parts = {}
    for i, s in ipairs(values) do
      local pad = (" "):rep(widths[i] - text.width(s))
      parts[i] = aligns[i] == "right" and pad .. s or (i < #values and s .. pad or s)
    end
    return table.concat(parts, "  ")
  end
  local out, titles, rule = {}, {}, {}
  for i, c in ipairs(cols) do titles[i] = c.title; rule[i] = ("─"):rep(widths[i]) end
  out[1] = line(titles)
  out[2] = table.concat(rule, "  ")
  for r = 1, #rows do out[#out + 1] = line(cells[r]) end
  return table.concat(out, "\n") .. "\n"
end

local function csv_field(s)
  if s:find('[,"\n\r]') then return '"' .. s:gsub('"', '""') .. '"' end
  return s
end

local function delimited(rows, cols, sep, quote)
  local out, head = {}, {}
  for i, c in ipairs(cols) do head[i] = quote(c.name) end
  out[1] = table.concat(head, sep)
  for _, row in ipairs(rows) do
    local f = {}
    for i, c in ipairs(cols) do f[i] = quote(cell(c, row[c.name])) end
    out[#out + 1] = table.concat(f, sep)
  end
  return table.concat(out, "\n") .. "\n"
end

local function tsv_field(s) return (s:gsub("[\t\n\r]", " ")) end

local function md(rows, cols)
  local function esc(s) return (s:gsub("|", "\\|"):gsub("\n", " ")) end
  local head, rule = {}, {}
  for i, c in ipairs(cols) do
    head[i] = esc(c.title)
    rule[i] = (c.align or (is_numeric(rows, c.name) and "right" or "left")) == "right" and "---:" or "---"
  end
  local out = { "| " .. table.concat(head, " | ") .. " |", "| " .. table.concat(rule, " | ") .. " |" }
  for _, row in ipairs(rows) do
    local f = {}
    for i, c in ipairs(cols) do f[i] = esc(cell(c, row[c.name])) end
    out[#out + 1] = "| " .. table.concat(f, " | ") .. " |"
  end
  return table.concat(out, "\n") .. "\n"
end

local function json(rows, cols)
  local list = {}
  for r, row in ipairs(rows) do
    local o = {}
    for _, c in ipairs(cols) do
      local v = row[c.name]
      if type(v) == "number" and (v ~= v or v == math.huge or v == -math.huge) then v = nil end
      o[c.name] = v
    end
    list[r] = o
  end
  if #list == 0 then return "[]\n" end
  return cjson.encode(list) .. "\n"
end

-- render(rows, columns, fmt) -> text.  Raises for an unknown format.
function M.render(rows, cols, fmt)
  cols = columns_of(cols)
  fmt = fmt or "tty"
  if fmt == "tty" then return tty(rows, cols)
  elseif fmt == "tsv" then return delimited(rows, cols, "\t", tsv_field)
  elseif fmt == "csv" then return delimited(rows, cols, ",", csv_field)
  elseif fmt == "json" then return json(rows, cols)
  elseif fmt == "md" then return md(rows, cols)
  end
  error(("unknown format '%s' (tty, tsv, csv, json or md)"):format(tostring(fmt)), 2)
end

-- write(rows, columns, fmt, file): render and write (default io.stdout).
function M.write(rows, cols, fmt, file)
  (file or io.stdout):write(M.render(rows, cols, fmt))
end

-- tally{ name = n, … } -> "name n, name n" commonest first (ties alphabetical), for cells.
function M.tally(t)
  local list = {}
  for k, n in pairs(t or {}) do list[#list + 1] = { tostring(k), n } end
  table.sort(list, function(a, b) if a[2] ~= b[2] then return a[2] > b[2] end return a[1] < b[1] end)
  for i, p in ipairs(list) do list[i] = ("%s %d"):format(p[1], p[2]) end
  return table.concat(list, ", ")
end

-- A text sparkline of a list of numbers (▁▂▃▄▅▆▇█), for distributions on a terminal.
function M.sparkline(values)
  local bars = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" }
  local max = 0
  for _, v in ipairs(values) do if v > max then max = v end end
  local out = {}
  for i, v in ipairs(values) do
    out[i] = max == 0 and " " or (v == 0 and "·" or bars[math.max(1, math.ceil(v / max * 8))])
  end
  return table.concat(out)
end

return M
