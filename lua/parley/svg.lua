-- Charts as SVG text: a small layer of pieces — escaping, fixed-precision
-- numbers, elements, scales (linear for values, bands for categories such
-- as periods), axes, a legend — and the charts built from them: a line chart
-- and a bar chart of one or more series over the same categories.  Output is
-- deterministic (the same input gives the same bytes: attributes in a fixed
-- order, numbers with at most two decimals), every text is XML-escaped (a
-- series named <script> is shown, never run), and the colours are the
-- Okabe–Ito palette, told apart by people with any common colour vision.
-- Built from the same pieces: a dispersion (barcode) plot, a sparkline, a
-- heat-map matrix, a document strip and a horizontal bar chart.  Every
-- chart is a whole SVG document with a <title> and a <desc> (its text
-- alternative).
local pcall = require("parley.error").pcall   -- an interruption is raised again, never caught here

local M = {}

-- Okabe, M. & Ito, K. (2008). Color Universal Design: the eight colours, in the order used.
M.palette = { "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000" }

-- ------------------------------------------------------------ text and numbers

-- A code point XML 1.0 allows in text (controls other than tab, LF and CR, the
-- surrogates and U+FFFE/U+FFFF are not allowed, not even as references).
local function xml_char(cp)
  return cp == 9 or cp == 10 or cp == 13 or (cp >= 0x20 and cp <= 0xD7FF)
    or (cp >= 0xE000 and cp <= 0xFFFD) or cp >= 0x10000
end

local ENTITY = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;" }

-- escape(s) -> s as XML text or attribute value: & < > " ' as references,
-- bytes that are not UTF-8 and characters XML does not allow as U+FFFD.
function M.escape(s)
  s = tostring(s)
  local out, i, n = {}, 1, #s
  while i <= n do
    local cp, len
    local ok, c = pcall(utf8.codepoint, s, i)
    if ok then
      cp = c
      len = #utf8.char(c)
    end
    if not cp or not xml_char(cp) then
      out[#out + 1] = "\u{FFFD}"
      i = i + (cp and len or 1)
    else
      local ch = s:sub(i, i + len - 1)
      out[#out + 1] = ENTITY[ch] or ch
      i = i + len
    end
  end
  return table.concat(out)
end

-- num(x) -> x with at most two decimals, trailing zeros dropped ("12", "3.5", "0.25"; never "-0").
function M.num(x)
  local s = ("%.2f"):format(x):gsub("%.?0+$", "")
  if s == "-0" or s == "" then s = "0" end
  return s
end

-- ------------------------------------------------------------ elements

-- el(name, attrs, content) -> "<name a="v" …>content</name>" (or "<name …/>"
-- without content).  attrs is a list of { name, value } pairs, written in
-- that order; numbers go through num, strings through escape.  content is
-- markup already (use escape for text).
function M.el(name, attrs, content)
  local parts = { "<", name }
  for _, a in ipairs(attrs or {}) do
    local v = a[2]
    if v ~= nil then
      parts[#parts + 1] = (' %s="%s"'):format(a[1], type(v) == "number" and M.num(v) or M.escape(v))
    end
  end
  if content == nil then parts[#parts + 1] = "/>" return table.concat(parts) end
  parts[#parts + 1] = ">"
  parts[#parts + 1] = content
  parts[#parts + 1] = "</" .. name .. ">"
  return table.concat(parts)
end

-- text(x, y, s, attrs) -> a <text> element holding s (escaped), with more attributes.
function M.text(x, y, s, attrs)
  local a = { { "x", x }, { "y", y } }
  for _, p in ipairs(attrs or {}) do a[#a + 1] = p end
  return M.el("text", a, M.escape(s))
end

-- document(width, height, title, body, desc) -> the whole SVG file: its
-- <title> (for screen readers and tooltips) first, then its <desc> (a text
-- alternative: what the chart shows, in words), then the body (a list of
-- markup strings).  With role="img", a screen reader takes the <title> as
-- the chart's name and the <desc> as its description (no ids, so that
-- several charts can stand in one HTML page).
function M.document(width, height, title, body, desc)
  return table.concat {
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    M.el("svg", { { "xmlns", "http://www.w3.org/2000/svg" }, { "width", width }, { "height", height },
                  { "viewBox", ("0 0 %s %s"):format(M.num(width), M.num(height)) }, { "role", "img" },
                  { "font-family", "sans-serif" }, { "font-size", 12 } },
      "\n" .. M.el("title", nil, M.escape(title or "")) .. "\n"
      .. (desc and M.el("desc", nil, M.escape(desc)) .. "\n" or "")
      .. M.el("rect", { { "width", width }, { "height", height }, { "fill", "#FFFFFF" } }) .. "\n"
      .. table.concat(body, "\n") .. "\n"),
    "\n",
  }
end

-- ------------------------------------------------------------ scales

-- nice_max(v) -> the smallest of 1, 2, 2.5, 5 × 10^k that is at least v (1 for v ≤ 0).
function M.nice_max(v)
  if not v or v <= 0 then return 1 end
  local p = 10 ^ math.floor(math.log(v, 10))
  for _, m in ipairs { 1, 2, 2.5, 5, 10 } do
    if m * p >= v - 1e-9 * p then return m * p end
  end
  return 10 * p
end

-- linear(d0, d1, r0, r1) -> a scale: scale:map(v) maps the domain d0…d1 onto
-- r0…r1 (a y axis runs downwards: r0 the bottom); scale:ticks(n) gives about
-- n + 1 evenly spaced round values from d0 to d1 (for a domain from 0 to a
-- nice_max, the ends are ticks).
function M.linear(d0, d1, r0, r1)
  local s = { d0 = d0, d1 = d1, r0 = r0, r1 = r1 }
  function s:map(v)
    if self.d1 == self.d0 then return self.r0 end
    return self.r0 + (v - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)
  end
  function s:ticks(n)
    local step = M.nice_max((self.d1 - self.d0) / (n or 5))
    local out, v = {}, math.ceil(self.d0 / step) * step
    while v <= self.d1 + step * 1e-9 do
      out[#out + 1] = v
      v = v + step
    end
    return out
  end
  return s
end

-- band(n, r0, r1, padding) -> a scale of n equal bands over r0…r1: band:x(i)
-- is the left edge of band i (1-based), band.width its width (padding: the
-- share of it left empty, default 0.2), band:center(i) its middle.
function M.band(n, r0, r1, padding)
  local step = n > 0 and (r1 - r0) / n or 0
  local b = { n = n, step = step, width = step * (1 - (padding or 0.2)) }
  function b:x(i) return r0 + (i - 1) * step + (step - self.width) / 2 end
  function b:center(i) return r0 + (i - 0.5) * step end
  return b
end

-- ------------------------------------------------------------ axes and legend

local AXIS = "#333333"
local GRID = "#DDDDDD"

-- The label of a y tick: whole numbers as they are, others with at most two decimals.
local function tick_label(v)
  if math.abs(v - math.floor(v + 0.5)) < 1e-9 then return ("%d"):format(math.floor(v + 0.5)) end
  return M.num(v)
end

-- y_axis(scale, ticks, x0, x1, label) -> markup: grid lines across x0…x1,
-- tick labels left of x0, the axis line and its label (rotated).
function M.y_axis(scale, ticks, x0, x1, label)
  local out = {}
  for _, v in ipairs(ticks) do
    local y = scale:map(v)
    out[#out + 1] = M.el("line", { { "x1", x0 }, { "y1", y }, { "x2", x1 }, { "y2", y }, { "stroke", GRID } })
    out[#out + 1] = M.text(x0 - 6, y + 4, tick_label(v), { { "text-anchor", "end" }, { "fill", AXIS } })
  end
  out[#out + 1] = M.el("line", { { "x1", x0 }, { "y1", scale.r0 }, { "x2", x0 }, { "y2", scale.r1 }, { "stroke", AXIS } })
  if label then
    local mid = (scale.r0 + scale.r1) / 2
    out[#out + 1] = M.text(14, mid, label, { { "text-anchor", "middle" }, { "fill", AXIS },
                                              { "transform", ("rotate(-90 14 %s)"):format(M.num(mid)) } })
  end
  return table.concat(out, "\n")
end

-- x_axis(band, labels, y, x0, x1, label, height) -> markup: the axis line at
-- y, a tick and label under every k-th band (as many as fit: about 80 pixels
-- a label), and the axis label below.
function M.x_axis(band, labels, y, x0, x1, label, height)
  local out = { M.el("line", { { "x1", x0 }, { "y1", y }, { "x2", x1 }, { "y2", y }, { "stroke", AXIS } }) }
  local fit = math.max(1, math.floor((x1 - x0) / 80))
  local every = math.max(1, math.ceil(#labels / fit))
  for i, l in ipairs(labels) do
    if (i - 1) % every == 0 then
      local x = band:center(i)
      out[#out + 1] = M.el("line", { { "x1", x }, { "y1", y }, { "x2", x }, { "y2", y + 5 }, { "stroke", AXIS } })
      out[#out + 1] = M.text(x, y + 18, l, { { "text-anchor", "middle" }, { "fill", AXIS } })
    end
  end
  if label then
    out[#out + 1] = M.text((x0 + x1) / 2, height - 10, label, { { "text-anchor", "middle" }, { "fill", AXIS } })
  end
  return table.concat(out, "\n")
end

-- color(i) -> the palette's i-th colour (again from the start after eight).
function M.color(i) return M.palette[(i - 1) % #M.palette + 1] end

-- How series i is drawn besides its colour, so that series past the eighth
-- are told apart too: a dash pattern for its line and an opacity for its bar
-- (none for the first eight, then "6 3" and 0.6, then "2 2" and 0.35, …).
local DASHES, OPACITY = { false, "6 3", "2 2", "8 2 2 2" }, { false, 0.6, 0.35, 0.8 }
function M.dash(i)
  local cycle = (i - 1) // #M.palette % #DASHES + 1
  return DASHES[cycle] or nil
end
function M.opacity(i)
  local cycle = (i - 1) // #M.palette % #OPACITY + 1
  return OPACITY[cycle] or nil
end

-- The attributes that draw series i as a line or as a bar.
local function line_style(i)
  return { { "fill", "none" }, { "stroke", M.color(i) }, { "stroke-width", 2 }, { "stroke-dasharray", M.dash(i) } }
end
local function bar_style(i)
  return { { "fill", M.color(i) }, { "fill-opacity", M.opacity(i) } }
end

-- legend(names, x, y, kind) -> markup: a swatch (a stretch of line for kind
-- "line", a square for "bar") and a name per series, one a line.
function M.legend(names, x, y, kind)
  local out = {}
  for i, name in ipairs(names) do
    local yy = y + (i - 1) * 18
    if kind == "line" then
      local a = { { "x1", x }, { "y1", yy - 4 }, { "x2", x + 14 }, { "y2", yy - 4 } }
      for _, p in ipairs(line_style(i)) do a[#a + 1] = p end
      out[#out + 1] = M.el("line", a)
    else
      local a = { { "x", x }, { "y", yy - 10 }, { "width", 12 }, { "height", 12 } }
      for _, p in ipairs(bar_style(i)) do a[#a + 1] = p end
      out[#out + 1] = M.el("rect", a)
    end
    out[#out + 1] = M.text(x + 20, yy, name, { { "fill", AXIS } })
  end
  return table.concat(out, "\n")
end

-- ------------------------------------------------------------ charts

-- The frame every chart shares: sizes, the plot area (room for a legend on
-- the right when there are several series), the scales and axes.
local function frame(spec, kind)
  local w, h = spec.width or 720, spec.height or 400
  local series = spec.series or {}
  local legend_w = #series > 1 and 200 or 0
  if legend_w > 0 then h = math.max(h, 44 + 10 + 18 * #series + 56) end  -- room for every name
  local area = { left = 64, right = w - 20 - legend_w, top = 44, bottom = h - 56 - (spec.note and 18 or 0) }
  local max = 0
  for _, s in ipairs(series) do
    for i = 1, #spec.categories do
      local v = s.values[i]
      if v and v == v and v ~= math.huge and v > max then max = v end
    end
  end
  local y = M.linear(0, M.nice_max(max), area.bottom, area.top)
  local x = M.band(#spec.categories, area.left, area.right, spec.padding)
  local body = {
    M.text(w / 2, 24, spec.title or "", { { "text-anchor", "middle" }, { "font-size", 16 } }),
    M.y_axis(y, y:ticks(5), area.left, area.right, spec.y_label),
    M.x_axis(x, spec.categories, area.bottom, area.left, area.right, spec.x_label, h - (spec.note and 18 or 0)),
  }
  if legend_w > 0 then
    local names = {}
    for i, s in ipairs(series) do names[i] = s.name end
    body[#body + 1] = M.legend(names, area.right + 20, area.top + 10, kind)
  end
  if spec.note then body[#body + 1] = M.text(10, h - 10, spec.note, { { "fill", AXIS }, { "font-size", 11 } }) end
  return w, h, series, x, y, body
end

-- The spec of a chart: { title, x_label, y_label, categories = { "1962-11-01",
-- … }, series = { { name =, values = { n, … } }, … } (a value per category;
-- nil or not finite: missing), width (720), height (400), note (a line of
-- text under the chart), desc (the text alternative; default: one made from
-- the series, see series_desc) }.

-- A finite number (not nil, NaN or ±inf).
local function finite(v) return type(v) == "number" and v == v and v ~= math.huge and v ~= -math.huge end

-- series_desc(spec, kind) -> a text alternative for a chart of series over
-- categories: what it draws, over which categories, and each series's
-- largest value with where it falls.
function M.series_desc(spec, kind)
  local cats, series = spec.categories or {}, spec.series or {}
  local out = { ("%s of %d series over %d categories"):format(kind, #series, #cats) }
  if #cats > 0 then out[1] = out[1] .. (" (%s to %s)"):format(cats[1], cats[#cats]) end
  for i, s in ipairs(series) do
    if i > 12 then out[#out + 1] = ("%d more series"):format(#series - 12) break end
    local best, at = nil, nil
    for c = 1, #cats do
      local v = s.values[c]
      if finite(v) and (not best or v > best) then best, at = v, c end
    end
    out[#out + 1] = best and ("%s: highest %s at %s"):format(s.name or "", M.num(best), cats[at])
      or ("%s: no values"):format(s.name or "")
  end
  return table.concat(out, "; ") .. "."
end

-- line_chart(spec) -> SVG text: a line per series (broken where a value is
-- missing), with a dot at each value when there are at most 60 categories.
function M.line_chart(spec)
  local w, h, series, x, y, body = frame(spec, "line")
  local dots = #spec.categories <= 60
  for si, s in ipairs(series) do
    local color, runs, run = M.color(si), {}, nil
    local parts = {}
    for i = 1, #spec.categories do
      local v = s.values[i]
      if v and v == v and v ~= math.huge then
        local px, py = x:center(i), y:map(v)
        run = run or {}
        run[#run + 1] = M.num(px) .. "," .. M.num(py)
        if dots then parts[#parts + 1] = M.el("circle", { { "cx", px }, { "cy", py }, { "r", 3 }, { "fill", color } }) end
      else
        if run then runs[#runs + 1] = run end
        run = nil
      end
    end
    if run then runs[#runs + 1] = run end
    local lines = {}
    for _, r in ipairs(runs) do
      local a = { { "points", table.concat(r, " ") } }
      for _, p in ipairs(line_style(si)) do a[#a + 1] = p end
      lines[#lines + 1] = M.el("polyline", a)
    end
    body[#body + 1] = M.el("g", { { "class", "series" } },
      M.el("title", nil, M.escape(s.name or "")) .. table.concat(lines) .. table.concat(parts))
  end
  return M.document(w, h, spec.title, body, spec.desc or M.series_desc(spec, "Line chart"))
end

-- bar_chart(spec) -> SVG text: a group of bars per category, a bar per series.
function M.bar_chart(spec)
  local w, h, series, x, y, body = frame(spec, "bar")
  local n = math.max(1, #series)
  for si, s in ipairs(series) do
    local bw = x.width / n
    local bars = {}
    for i = 1, #spec.categories do
      local v = s.values[i]
      if v and v == v and v ~= math.huge and v > 0 then
        local top = y:map(v)
        local a = { { "x", x:x(i) + (si - 1) * bw }, { "y", top }, { "width", bw }, { "height", y.r0 - top } }
        for _, p in ipairs(bar_style(si)) do a[#a + 1] = p end
        bars[#bars + 1] = M.el("rect", a)
      end
    end
    body[#body + 1] = M.el("g", { { "class", "series" } }, M.el("title", nil, M.escape(s.name or "")) .. table.concat(bars))
  end
  return M.document(w, h, spec.title, body, spec.desc or M.series_desc(spec, "Bar chart"))
end


-- ------------------------------------------------------------ shared by the charts below

-- text_width(s, size) -> an estimate of the width of s in pixels at font
-- size `size` (0.6 em a character: no font is measured, so the same text
-- always gets the same room).
function M.text_width(s, size)
  local n = utf8.len(tostring(s)) or #tostring(s)
  return n * (size or 12) * 0.6
end

-- clip(s, n) -> s, or its first n − 1 characters (less spaces at their end) and "…" when it is longer
-- (a label that does not fit; the element's <title> keeps the whole name).
function M.clip(s, n)
  s = tostring(s)
  local len = utf8.len(s)
  if not len or len <= n then return s end
  return (s:sub(1, utf8.offset(s, n) - 1):gsub("%s+$", "")) .. "…"
end

-- The room for a column of labels: wide enough for the longest (clipped to
-- `chars` characters), between lo and hi pixels.
local function label_room(names, chars, lo, hi)
  local w = lo
  for _, n in ipairs(names) do w = math.max(w, M.text_width(M.clip(n, chars)) + 12) end
  return math.min(hi, math.ceil(w))
end

-- listing(first, items, say, most) -> a text alternative: first, then
-- say(item) for each of the first `most` items (the rest counted), joined
-- by "; ", ending with a full stop.
local function listing(first, items, say, most)
  local parts = { first }
  for i, item in ipairs(items) do
    if i > most then parts[#parts + 1] = ("%d more"):format(#items - most) break end
    parts[#parts + 1] = say(item, i)
  end
  return table.concat(parts, "; ") .. "."
end

-- "1 mention", "3 mentions".
local function plural(n, noun) return ("%d %s%s"):format(n, noun, n == 1 and "" or "s") end

-- pct_axis(x0, x1, y, label, height) -> markup: a horizontal axis from 0 % to 100 % at y.
local function pct_axis(x0, x1, y, label, height)
  local out = { M.el("line", { { "x1", x0 }, { "y1", y }, { "x2", x1 }, { "y2", y }, { "stroke", AXIS } }) }
  for i = 0, 4 do
    local x = x0 + (x1 - x0) * i / 4
    out[#out + 1] = M.el("line", { { "x1", x }, { "y1", y }, { "x2", x }, { "y2", y + 5 }, { "stroke", AXIS } })
    out[#out + 1] = M.text(x, y + 18, ("%d%%"):format(i * 25), { { "text-anchor", "middle" }, { "fill", AXIS } })
  end
  if label then out[#out + 1] = M.text((x0 + x1) / 2, height, label, { { "text-anchor", "middle" }, { "fill", AXIS } }) end
  return table.concat(out, "\n")
end

-- ------------------------------------------------------------ dispersion (barcode) plot

-- barcode(spec) -> SVG text: a dispersion (barcode, concordance) plot.
-- spec: { title, x_label (default "position in the text"), rows = { { name
-- =, marks = { p, … } (positions from 0 to 1 along the text: the start to
-- the end), count = (default #marks: the mentions said, when marks were
-- thinned), note = (a short text after the count), group = (rows of one
-- group follow each other under its heading) }, … }, width (720), note (a
-- line under the chart), desc, color (the ticks', default the palette's
-- first) }.  A row per entry: its name at the left, a thin vertical tick at
-- each mark (marks that fall on the same half pixel drawn once), its count
-- (and note) at the right; each row a <g> whose <title> says "NAME: N
-- mentions".  Marks outside 0…1 are drawn at the nearer end; those that are
-- not numbers are left out.
function M.barcode(spec)
  local w, rows = spec.width or 720, spec.rows or {}
  local names, notes = {}, false
  for i, r in ipairs(rows) do names[i] = r.name or ""; notes = notes or r.note ~= nil end
  local left = label_room(names, 32, 80, 240)
  local right = 60
  if notes then
    local nw = 0
    for _, r in ipairs(rows) do if r.note then nw = math.max(nw, M.text_width(M.clip(r.note, 28), 11)) end end
    right = math.min(260, math.ceil(60 + nw))
  end
  local x0, x1 = left, w - right
  local row_h, tick_h = 22, 14
  local y = 44
  local body = { M.text(w / 2, 24, spec.title or "", { { "text-anchor", "middle" }, { "font-size", 16 } }) }
  local color = spec.color or M.palette[1]
  local group, total, shown = nil, 0, 0
  for _, r in ipairs(rows) do
    if r.group ~= nil and r.group ~= group then
      group = r.group
      body[#body + 1] = M.text(10, y + 15, group, { { "font-weight", "bold" }, { "fill", AXIS } })
      y = y + row_h
    end
    -- a tick per mention, those on the same half pixel drawn once: one path,
    -- so that a row of thousands of mentions stays a few kilobytes
    local marks, seen, ticks = r.marks or {}, {}, {}
    for _, p in ipairs(marks) do
      if finite(p) then
        local x = M.num(math.floor((x0 + math.max(0, math.min(1, p)) * (x1 - x0)) * 2 + 0.5) / 2)
        if not seen[x] then
          seen[x] = true
          ticks[#ticks + 1] = ("M%s %sv%s"):format(x, M.num(y + 4), M.num(tick_h))
        end
      end
    end
    local n = r.count or #marks
    total = total + n
    shown = shown + 1
    local label = ("%s: %s"):format(r.name or "", plural(n, "mention")) .. (r.note and "; " .. r.note or "")
    local count_text = M.el("text", { { "x", x1 + 8 }, { "y", y + 15 }, { "fill", AXIS } },
      M.escape(tostring(n)) .. (r.note and M.el("tspan", { { "dx", 8 }, { "font-size", 11 } }, M.escape(M.clip(r.note, 28))) or ""))
    body[#body + 1] = M.el("g", { { "class", "row" } }, table.concat {
      M.el("title", nil, M.escape(label)),
      M.text(x0 - 8, y + 15, M.clip(r.name or "", 32), { { "text-anchor", "end" }, { "fill", AXIS } }),
      M.el("rect", { { "x", x0 }, { "y", y + 4 }, { "width", x1 - x0 }, { "height", tick_h }, { "fill", "#F2F2F2" } }),
      #ticks > 0 and M.el("path", { { "class", "ticks" }, { "d", table.concat(ticks) }, { "stroke", color }, { "stroke-width", 1 } }) or "",
      count_text,
    })
    y = y + row_h
  end
  if #rows == 0 then
    body[#body + 1] = M.text(w / 2, y + 15, "nothing to show", { { "text-anchor", "middle" }, { "fill", AXIS } })
    y = y + row_h
  end
  local h = y + 8 + 44 + (spec.note and 18 or 0)
  body[#body + 1] = pct_axis(x0, x1, y + 8, spec.x_label or "position in the text", y + 8 + 38)
  if spec.note then body[#body + 1] = M.text(10, h - 10, spec.note, { { "fill", AXIS }, { "font-size", 11 } }) end
  local desc = spec.desc or listing(("Dispersion plot: %s, a tick at each mention along the text, %s in all"):format(
      plural(shown, "row"), plural(total, "mention")), rows, function(r)
    return ("%s%s %d"):format(r.group and r.group .. " — " or "", r.name or "", r.count or #(r.marks or {}))
  end, 20)
  return M.document(w, h, spec.title, body, desc)
end

-- ------------------------------------------------------------ sparkline

-- sparkline(spec) -> SVG text: a small line of values, no axes, for a table
-- cell or a line of text.  spec: { values = { n, … } (not numbers: 0),
-- width (120), height (24), title, desc, color }.  The lowest value is at
-- the bottom only when it is below 0 (else 0 is), the highest at the top; a
-- dot marks the last value.
function M.sparkline(spec)
  local w, h = spec.width or 120, spec.height or 24
  local values = {}
  for i, v in ipairs(spec.values or {}) do values[i] = finite(v) and v or 0 end
  local lo, hi = 0, 0
  for _, v in ipairs(values) do lo, hi = math.min(lo, v), math.max(hi, v) end
  local pad = 2
  local y = M.linear(lo, hi > lo and hi or lo + 1, h - pad, pad)
  local n, pts = #values, {}
  local function px(i) return n > 1 and pad + (i - 1) * (w - 2 * pad) / (n - 1) or w / 2 end
  for i, v in ipairs(values) do pts[i] = M.num(px(i)) .. "," .. M.num(y:map(v)) end
  local color = spec.color or M.palette[1]
  local body = {}
  if n > 1 then
    body[#body + 1] = M.el("polyline", { { "points", table.concat(pts, " ") }, { "fill", "none" },
                                         { "stroke", color }, { "stroke-width", 1.5 } })
  end
  if n > 0 then
    body[#body + 1] = M.el("circle", { { "cx", px(n) }, { "cy", y:map(values[n]) }, { "r", 2 }, { "fill", color } })
  end
  local desc = spec.desc
  if not desc then
    local shown = {}
    for i = 1, math.min(n, 40) do shown[i] = M.num(values[i]) end
    desc = ("Sparkline of %d values%s%s."):format(n, n > 0 and ": " .. table.concat(shown, ", ") or "",
      n > 40 and ", …" or "")
  end
  return M.document(w, h, spec.title, body, desc)
end

-- ------------------------------------------------------------ heat-map matrix

-- A sequential scale, light to dark, that readers with any common colour
-- vision see as one order (ColorBrewer's single-hue Blues, 9 classes;
-- Brewer, C. A. (2003), colorbrewer.org).
M.sequential = { "#F7FBFF", "#DEEBF7", "#C6DBEF", "#9ECAE1", "#6BAED6", "#4292C6", "#2171B5", "#08519C", "#08306B" }

-- shade(v, max) -> the class colour of v on 0…max and the colour of text
-- written on it (dark on the five light classes, white on the four dark).
function M.shade(v, max)
  local k = #M.sequential
  local i = (max and max > 0 and finite(v)) and math.floor(math.max(0, math.min(1, v / max)) * (k - 1) + 0.5) + 1 or 1
  return M.sequential[i], i <= 5 and "#000000" or "#FFFFFF"
end

-- matrix(spec) -> SVG text: a heat-map table.  spec: { title, rows = {
-- names }, cols = { names }, values = { { n, … }, … } (values[r][c]; nil:
-- an empty cell), x_label (over the column names), y_label (beside the row
-- names), desc, note }.  Each cell is shaded by its value on one sequential
-- scale (svg.sequential, from 0 to the largest value), with the number
-- written in it (dark text on light cells, light on dark), and a <title>
-- "ROW → COL: N"; row names at the left, column names above (slanted), and a
-- key of the scale below.
function M.matrix(spec)
  local rows, cols, values = spec.rows or {}, spec.cols or {}, spec.values or {}
  local max = 0
  for r = 1, #rows do
    for c = 1, #cols do
      local v = values[r] and values[r][c]
      if finite(v) and v > max then max = v end
    end
  end
  local widest = M.text_width(M.num(max)) + 12
  local cw, ch = math.max(36, math.ceil(widest)), 24
  local left = label_room(rows, 28, 60, 220) + (spec.y_label and 24 or 0)
  local head = 0
  for _, c in ipairs(cols) do head = math.max(head, M.text_width(M.clip(c, 24))) end
  head = math.ceil(head * 0.71) + 16          -- names slanted at 45°
  local top = 44 + (spec.x_label and 20 or 0) + head
  local w = math.ceil(math.max(left + cw * #cols + head * 0.71 + 20, 320, M.text_width(spec.title or "", 16) + 40))
  local body = { M.text(w / 2, 24, spec.title or "", { { "text-anchor", "middle" }, { "font-size", 16 } }) }
  if spec.x_label then
    body[#body + 1] = M.text(left + cw * #cols / 2, 44 + 12, spec.x_label, { { "text-anchor", "middle" }, { "fill", AXIS } })
  end
  for c, name in ipairs(cols) do
    local x, y = left + (c - 0.5) * cw, top - 6
    body[#body + 1] = M.el("text", { { "x", x }, { "y", y }, { "fill", AXIS },
      { "transform", ("rotate(-45 %s %s)"):format(M.num(x), M.num(y)) } },
      M.el("title", nil, M.escape(name)) .. M.escape(M.clip(name, 24)))
  end
  for r, name in ipairs(rows) do
    local y = top + (r - 1) * ch
    body[#body + 1] = M.el("text", { { "x", left - 8 }, { "y", y + 16 }, { "text-anchor", "end" }, { "fill", AXIS } },
      M.el("title", nil, M.escape(name)) .. M.escape(M.clip(name, 28)))
    for c, cname in ipairs(cols) do
      local v = values[r] and values[r][c]
      local x = left + (c - 1) * cw
      local fill, ink = M.shade(v, max)
      local cell = { M.el("title", nil, M.escape(("%s → %s: %s"):format(name, cname, finite(v) and M.num(v) or "none"))),
                     M.el("rect", { { "x", x }, { "y", y }, { "width", cw }, { "height", ch },
                                    { "fill", finite(v) and fill or "#FFFFFF" }, { "stroke", "#FFFFFF" } }) }
      if finite(v) then cell[#cell + 1] = M.text(x + cw / 2, y + 16, M.num(v), { { "text-anchor", "middle" }, { "fill", ink } }) end
      body[#body + 1] = M.el("g", { { "class", "cell" } }, table.concat(cell))
    end
  end
  if spec.y_label then
    local mid = top + ch * #rows / 2
    body[#body + 1] = M.text(14, mid, spec.y_label, { { "text-anchor", "middle" }, { "fill", AXIS },
                                                      { "transform", ("rotate(-90 14 %s)"):format(M.num(mid)) } })
  end
  -- the key: the classes from 0 to the largest value
  local ky = top + ch * #rows + 16
  local kw = 16
  for i, colour in ipairs(M.sequential) do
    body[#body + 1] = M.el("rect", { { "x", left + (i - 1) * kw }, { "y", ky }, { "width", kw }, { "height", 10 }, { "fill", colour } })
  end
  body[#body + 1] = M.text(left - 4, ky + 9, "0", { { "text-anchor", "end" }, { "fill", AXIS }, { "font-size", 11 } })
  body[#body + 1] = M.text(left + #M.sequential * kw + 4, ky + 9, M.num(max), { { "fill", AXIS }, { "font-size", 11 } })
  local h = ky + 10 + 20 + (spec.note and 18 or 0)
  if spec.note then body[#body + 1] = M.text(10, h - 10, spec.note, { { "fill", AXIS }, { "font-size", 11 } }) end
  local desc = spec.desc
  if not desc then
    local best, at = nil, nil
    for r = 1, #rows do
      for c = 1, #cols do
        local v = values[r] and values[r][c]
        if finite(v) and (not best or v > best) then best, at = v, { rows[r], cols[c] } end
      end
    end
    desc = ("Matrix of %d rows by %d columns, shaded by value from 0 to %s%s."):format(#rows, #cols, M.num(max),
      best and ("; largest: %s → %s, %s"):format(at[1], at[2], M.num(best)) or "")
  end
  return M.document(w, h, spec.title, body, desc)
end

-- ------------------------------------------------------------ document strip

-- strip(spec) -> SVG text: a document's structure as a horizontal strip.
-- spec: { title, length = N (the document's tokens), spans = { { from =,
-- to =, name = }, … } (token offsets from 0, `to` exclusive: the turns,
-- coloured by name, the colours given in order of first appearance, or by
-- colors = { [name] = n } (the n-th colour: strips that share a legend); text in
-- no span stays grey), marks = { { at =, label = }, … } (small triangles
-- above the strip, each with a <title>: editorial notes), x_label (default
-- "tokens"), width (720), note, desc }.  A legend of the names below, in
-- order of first appearance; each name's spans are a <g> whose <title> says
-- "NAME: N turns, T tokens".
function M.strip(spec)
  local w, length = spec.width or 720, math.max(spec.length or 0, 0)
  local x0, x1 = 20, w - 20
  local sx = M.linear(0, length > 0 and length or 1, x0, x1)
  local top, sh = 44 + ((spec.marks and #spec.marks > 0) and 14 or 0), 28
  local body = { M.text(w / 2, 24, spec.title or "", { { "text-anchor", "middle" }, { "font-size", 16 } }),
                 M.el("rect", { { "x", x0 }, { "y", top }, { "width", x1 - x0 }, { "height", sh }, { "fill", "#E8E8E8" } }) }
  local names, index, rects, turns, tokens = {}, {}, {}, {}, {}
  for _, sp in ipairs(spec.spans or {}) do
    local name = sp.name or ""
    if not index[name] then
      names[#names + 1] = name
      index[name] = #names
      rects[#names], turns[#names], tokens[#names] = {}, 0, 0
    end
    local i = index[name]
    local a = math.max(0, math.min(length, sp.from or 0))
    local b = math.max(a, math.min(length, sp.to or a))
    turns[i], tokens[i] = turns[i] + 1, tokens[i] + (b - a)
    local xa, xb = sx:map(a), sx:map(b)
    rects[i][#rects[i] + 1] = ('<rect x="%s" y="%s" width="%s" height="%s"/>'):format(M.num(xa), M.num(top),
      M.num(math.max(xb - xa, 0.5)), M.num(sh))
  end
  -- a name's colour: its place in spec.colors (shared by the strips of several documents), else its own order
  local function hue(i) return spec.colors and spec.colors[names[i]] or i end
  for i, name in ipairs(names) do
    body[#body + 1] = M.el("g", { { "class", "speaker" }, { "fill", M.color(hue(i)) }, { "fill-opacity", M.opacity(hue(i)) } },
      M.el("title", nil, M.escape(("%s: %s, %s"):format(name, plural(turns[i], "turn"), plural(tokens[i], "token"))))
      .. table.concat(rects[i]))
  end
  for _, m in ipairs(spec.marks or {}) do
    local x = sx:map(math.max(0, math.min(length, m.at or 0)))
    body[#body + 1] = M.el("path", { { "class", "mark" },
      { "d", ("M%s %sL%s %sL%s %sZ"):format(M.num(x - 4), M.num(top - 10), M.num(x + 4), M.num(top - 10), M.num(x), M.num(top - 2)) },
      { "fill", AXIS } }, M.el("title", nil, M.escape(m.label or "")))
  end
  -- the axis: token offsets
  local ay = top + sh
  local axis = { M.el("line", { { "x1", x0 }, { "y1", ay }, { "x2", x1 }, { "y2", ay }, { "stroke", AXIS } }) }
  local ticks = M.linear(0, length > 0 and length or 1, x0, x1):ticks(5)
  for _, t in ipairs(ticks) do
    if t <= length then
      local x = sx:map(t)
      axis[#axis + 1] = M.el("line", { { "x1", x }, { "y1", ay }, { "x2", x }, { "y2", ay + 5 }, { "stroke", AXIS } })
      axis[#axis + 1] = M.text(x, ay + 18, tick_label(t), { { "text-anchor", "middle" }, { "fill", AXIS }, { "font-size", 11 } })
    end
  end
  axis[#axis + 1] = M.text((x0 + x1) / 2, ay + 34, spec.x_label or "tokens", { { "text-anchor", "middle" }, { "fill", AXIS } })
  body[#body + 1] = table.concat(axis, "\n")
  -- the legend, across the width, wrapped
  local lx, ly = x0, ay + 56
  for i, name in ipairs(names) do
    local label = M.clip(name, 32)
    local room = 20 + M.text_width(label) + 16
    if lx > x0 and lx + room > x1 then lx, ly = x0, ly + 18 end
    body[#body + 1] = M.el("rect", { { "x", lx }, { "y", ly - 10 }, { "width", 12 }, { "height", 12 },
                                     { "fill", M.color(hue(i)) }, { "fill-opacity", M.opacity(hue(i)) } })
    body[#body + 1] = M.text(lx + 18, ly, label, { { "fill", AXIS } })
    lx = lx + room
  end
  local h = ly + 14 + (spec.note and 18 or 0)
  if spec.note then body[#body + 1] = M.text(10, h - 6, spec.note, { { "fill", AXIS }, { "font-size", 11 } }) end
  local desc = spec.desc or listing(("Strip of %s: %s by %s, %s marked"):format(plural(length, "token"),
      plural(#(spec.spans or {}), "turn"), plural(#names, "speaker"), plural(#(spec.marks or {}), "note")), names,
    function(name, i) return ("%s %s, %s"):format(name, plural(turns[i], "turn"), plural(tokens[i], "token")) end, 20)
  return M.document(w, h, spec.title, body, desc)
end

-- ------------------------------------------------------------ horizontal bars

-- hbar_chart(spec) -> SVG text: bar_chart's spec drawn sideways, for long
-- category names (speakers): a row of bars per category, a bar per series,
-- the values along the top axis.  More: value_labels = true writes each
-- value at the end of its bar (with unit after it, such as "%").
function M.hbar_chart(spec)
  local w = spec.width or 720
  local cats, series = spec.categories or {}, spec.series or {}
  local left = label_room(cats, 32, 80, 260) + (spec.y_label and 20 or 0)
  local legend_w = #series > 1 and 180 or 0
  local ns = math.max(1, #series)
  local bar_h = 14
  local step = ns * bar_h + 10
  local top = 44 + 26
  local bottom = top + step * #cats
  local h = math.max(bottom + 40 + (spec.note and 18 or 0), top + 18 * #series + 20)
  local x0, x1 = left, w - 20 - legend_w - (spec.value_labels and 50 or 0)
  local max = 0
  for _, s in ipairs(series) do
    for i = 1, #cats do
      local v = s.values[i]
      if finite(v) and v > max then max = v end
    end
  end
  local x = M.linear(0, M.nice_max(max), x0, x1)
  local body = { M.text(w / 2, 24, spec.title or "", { { "text-anchor", "middle" }, { "font-size", 16 } }) }
  local axis = {}
  for _, t in ipairs(x:ticks(5)) do
    local px = x:map(t)
    axis[#axis + 1] = M.el("line", { { "x1", px }, { "y1", top }, { "x2", px }, { "y2", bottom }, { "stroke", GRID } })
    axis[#axis + 1] = M.text(px, top - 6, tick_label(t), { { "text-anchor", "middle" }, { "fill", AXIS } })
  end
  axis[#axis + 1] = M.el("line", { { "x1", x0 }, { "y1", top }, { "x2", x0 }, { "y2", bottom }, { "stroke", AXIS } })
  if spec.x_label then
    axis[#axis + 1] = M.text((x0 + x1) / 2, bottom + 24, spec.x_label, { { "text-anchor", "middle" }, { "fill", AXIS } })
  end
  if spec.y_label then
    local mid = (top + bottom) / 2
    axis[#axis + 1] = M.text(14, mid, spec.y_label, { { "text-anchor", "middle" }, { "fill", AXIS },
                                                      { "transform", ("rotate(-90 14 %s)"):format(M.num(mid)) } })
  end
  body[#body + 1] = table.concat(axis, "\n")
  for i, c in ipairs(cats) do
    local y = top + (i - 1) * step + 5
    body[#body + 1] = M.el("text", { { "x", x0 - 8 }, { "y", y + ns * bar_h / 2 + 4 }, { "text-anchor", "end" }, { "fill", AXIS } },
      M.el("title", nil, M.escape(c)) .. M.escape(M.clip(c, 32)))
  end
  for si, s in ipairs(series) do
    local bars = {}
    for i = 1, #cats do
      local v = s.values[i]
      if finite(v) then
        local y = top + (i - 1) * step + 5 + (si - 1) * bar_h
        if v > 0 then
          local a = { { "x", x0 }, { "y", y }, { "width", x:map(v) - x0 }, { "height", bar_h - 2 } }
          for _, p in ipairs(bar_style(si)) do a[#a + 1] = p end
          bars[#bars + 1] = M.el("rect", a)
        end
        if spec.value_labels then
          bars[#bars + 1] = M.text(x:map(math.max(v, 0)) + 4, y + bar_h - 3, M.num(v) .. (spec.unit or ""),
            { { "fill", AXIS }, { "font-size", 11 } })
        end
      end
    end
    body[#body + 1] = M.el("g", { { "class", "series" } }, M.el("title", nil, M.escape(s.name or "")) .. table.concat(bars))
  end
  if legend_w > 0 then
    local names = {}
    for i, s in ipairs(series) do names[i] = s.name end
    body[#body + 1] = M.legend(names, w - legend_w, top + 10, "bar")
  end
  if spec.note then body[#body + 1] = M.text(10, h - 10, spec.note, { { "fill", AXIS }, { "font-size", 11 } }) end
  return M.document(w, h, spec.title, body, spec.desc or M.series_desc(spec, "Horizontal bar chart"))
end

-- fragment(svg) -> the <svg> element alone, without the XML declaration, to
-- stand inside an HTML page.
function M.fragment(text)
  return (text:gsub("^<%?xml[^>]*%?>\n", ""))
end

return M
