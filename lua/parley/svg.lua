-- Charts as SVG text: a small layer of pieces — escaping, fixed-precision
-- numbers, elements, scales (linear for values, bands for categories such
-- as periods), axes, a legend — and the charts built from them: a line chart
-- and a bar chart of one or more series over the same categories.  Output is
-- deterministic (the same input gives the same bytes: attributes in a fixed
-- order, numbers with at most two decimals), every text is XML-escaped (a
-- series named <script> is shown, never run), and the colours are the
-- Okabe–Ito palette, told apart by people with any common colour vision.
-- Further charts (dispersion plots, sparklines) are meant to be built from
-- the same pieces.
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

-- document(width, height, title, body) -> the whole SVG file: its <title> (for
-- screen readers and tooltips) first, then the body (a list of markup strings).
function M.document(width, height, title, body)
  return table.concat {
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    M.el("svg", { { "xmlns", "http://www.w3.org/2000/svg" }, { "width", width }, { "height", height },
                  { "viewBox", ("0 0 %s %s"):format(M.num(width), M.num(height)) }, { "role", "img" },
                  { "font-family", "sans-serif" }, { "font-size", 12 } },
      "\n" .. M.el("title", nil, M.escape(title or "")) .. "\n"
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
-- text under the chart) }.

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
  return M.document(w, h, spec.title, body)
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
  return M.document(w, h, spec.title, body)
end

return M
