-- Tables of results, written by the one output layer (core/writer.c:
-- parley.writer) in every format parley offers: tty (aligned, for a
-- terminal), tsv, csv (RFC 4180), json, md (Markdown) and html (a table).
-- A table is a list of rows (tables keyed by column name) and a list of
-- columns: names, or { name =, title =, align = "left"|"right", width =,
-- min_width =, max_width =, plain =, display = fn(v, row), text = fn(v, row),
-- tty = false } (display: how tty, md and html show a value; text: how tsv
-- and csv write a table value; json always gets the value itself; tty =
-- false: left out on a terminal, for a fact the caption gives, the same in
-- every row, which the other formats carry in a column).
local E = require "parley.error"
local writer = require "parley.writer"

local M = {}

M.formats = writer.formats

-- The chart formats, which a command that draws its rows offers besides the
-- table formats: svg (lua/parley/svg.lua).
M.chart_formats = { "svg" }

local function is_chart(fmt)
  for _, f in ipairs(M.chart_formats) do if f == fmt then return true end end
  return false
end
M.is_chart = is_chart

-- The human form of a number, as tables show it ("7892", "12 345", "0.0417").
M.number = writer.number

-- ------------------------------------------------------------ capture

-- A command's tables taken as they are, instead of written: the sink that
-- capture() returns, given to a command as its output file, is filled by
-- write, writer and put with { rows =, columns =, caption =, layout =,
-- chart = fn(rows, fmt) | nil } per table and the text put.  This is how a
-- report (lua/parley/report.lua) shows what the commands show, through the
-- same writer, without a table writer of its own.
local Sink = {}
Sink.__index = Sink

function M.capture() return setmetatable({ tables = {}, texts = {} }, Sink) end

local function is_sink(f) return getmetatable(f) == Sink end
M.is_capture = is_sink

local function captured(sink, rows, cols, opts)
  opts = opts or {}
  local t = { rows = rows, columns = cols, caption = opts.caption, layout = opts.layout, chart = opts.chart }
  sink.tables[#sink.tables + 1] = t
  return t
end

-- A writer for rows that come in batches: w:write(rows) … w:close() (the
-- text when file is nil).  opts: caption (a line above a tty or md table,
-- an html caption), layout ("records": tty shows a line per column).
function M.writer(cols, fmt, file, opts)
  if is_sink(file) then
    local t = captured(file, {}, cols, opts)
    return { write = function(_, rows) for _, r in ipairs(rows) do t.rows[#t.rows + 1] = r end end,
             close = function() end }
  end
  opts = opts or {}
  fmt = fmt or "tty"
  if fmt == "tty" then
    local shown = {}
    for _, c in ipairs(cols) do
      if type(c) ~= "table" or c.tty ~= false then shown[#shown + 1] = c end
    end
    cols = shown
  end
  return writer.new{ format = fmt, columns = cols, file = file, caption = opts.caption,
                     layout = opts.layout }
end

-- write(rows, columns, fmt, file, opts): write a table (default: tty to
-- io.stdout).  The one way out for a command's rows: in a chart format (svg)
-- the same rows go to opts.chart(rows, fmt), which returns the chart's text,
-- instead of the table writer.
function M.write(rows, cols, fmt, file, opts)
  if is_sink(file) then captured(file, rows, cols, opts) return end
  if is_chart(fmt) then
    if not (opts and opts.chart) then E.raise(("no %s chart of this table"):format(fmt), 0) end
    return M.put(file or io.stdout, opts.chart(rows, fmt))
  end
  local w = M.writer(cols, fmt, file or io.stdout, opts)
  w:write(rows)
  return w:close()
end

-- render(rows, columns, fmt, opts) -> the table as text.
function M.render(rows, cols, fmt, opts)
  local w = M.writer(cols, fmt, nil, opts)
  w:write(rows)
  return w:close()
end

-- put(file, text): write text to a Lua file handle and flush it, or raise an
-- error object saying why and where (as the writer does for tables).
function M.put(file, text)
  if is_sink(file) then file.texts[#file.texts + 1] = text return end
  local ok, err = file:write(text)
  if ok then ok, err = file:flush() end
  if not ok then
    local where = file == io.stdout and "standard output" or file == io.stderr and "standard error"
      or "the output file"
    E.raise(("cannot write to %s: %s"):format(where, tostring(err)), 0)
  end
end

-- ranked{ name = n, … } -> { { name =, count = }, … }, commonest first (ties
-- by name): a tally as a list, so that every format, json too, keeps its order.
function M.ranked(t)
  local list = {}
  for k, n in pairs(t or {}) do list[#list + 1] = { name = tostring(k), count = n } end
  table.sort(list, function(a, b)
    if a.count ~= b.count then return a.count > b.count end
    return a.name < b.name
  end)
  return list
end

-- A ranked tally as text, in its order: "name n, name n" (sep " ", numbers as
-- tables show them) or "name=n, name=n" (sep "=", numbers as they are).
local function tally(list, sep)
  local parts = {}
  for i, p in ipairs(list or {}) do
    parts[i] = p.name .. sep .. (sep == " " and M.number(p.count) or tostring(p.count))
  end
  return table.concat(parts, ", ")
end

-- tally(list) -> "name n, name n": a display function for a ranked tally.
function M.tally(list) return tally(list, " ") end

-- tally_text(list) -> "name=n, name=n": its text function, for tsv and csv.
function M.tally_text(list) return tally(list, "=") end

-- A text sparkline of a list of numbers (▁▂▃▄▅▆▇█, · for zero): a display function.
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

-- A list of numbers as text for tsv and csv: "1 0 2 3".
function M.spaced(values)
  local out = {}
  for i, v in ipairs(values or {}) do out[i] = tostring(v) end
  return table.concat(out, " ")
end

-- "1 document", "2 documents".
function M.count(n, noun, plural)
  return M.number(n) .. " " .. (n == 1 and noun or plural or noun .. "s")
end

return M
