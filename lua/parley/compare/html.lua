-- The side-by-side view of a comparison (parley.compare) as one
-- self-contained HTML page: the report's claims on the left, labelled and
-- coloured, each with its best support; the record on the right, sentence by
-- sentence, the sentences a claim uses marked with the claims' numbers; a
-- strip along the record (SVG) showing which turns the report uses; and the
-- coverage per speaker as a table from the one output layer.  Nothing is
-- fetched, nothing needs JavaScript, and it prints.
local output = require "parley.output"
local svg = require "parley.svg"
local text = require "parley.text"

local M = {}

local esc = svg.escape

-- Colours of the labels (colour-blind-safe: the palette of parley.svg), and their order in the legend.
M.LABELS = { "verbatim quote", "close paraphrase", "summary", "attribution shift", "strength shift", "not found" }
local COLOUR = {
  ["verbatim quote"] = "#009E73", ["close paraphrase"] = "#56B4E9", ["summary"] = "#0072B2",
  ["attribution shift"] = "#D55E00", ["strength shift"] = "#E69F00", ["not found"] = "#999999",
}

-- The view's own rules, which a page that holds it (this one, or a report's section) adds to its own.
M.VIEW_CSS = [[
.cols{display:grid;grid-template-columns:1fr 1fr;gap:1.5em}
.claim{border-left:6px solid #999;padding:.3em .6em;margin:.6em 0;background:#fafafa}
.badge{display:inline-block;font:bold .8em sans-serif;color:#fff;padding:0 .4em;border-radius:.3em}
.meta{font:.85em sans-serif;color:#555}
.support{font-size:.9em;margin:.2em 0 0 1em}
mark{background:#fff2a8}
.align del{color:#a00}.align ins{color:#060;text-decoration:none;font-weight:bold}
.turn{margin:.4em 0}.speaker{font:bold .85em sans-serif}
.used{background:#e8f1fb}.refs{font:.75em sans-serif;color:#0072B2;vertical-align:super}
@media print{.cols{display:block}.claim{break-inside:avoid}}
]]

local CSS = [[
body{font-family:Georgia,serif;margin:1.5em;color:#222;line-height:1.4}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.2em}
table.parley{border-collapse:collapse;font:.9em sans-serif}table.parley td,table.parley th{border:1px solid #ccc;padding:.2em .5em}
]] .. M.VIEW_CSS

-- The passage's words that the claim shares, marked (the words given, matched whole, case folded).
local function marked(s, words)
  local want = {}
  for _, w in ipairs(words or {}) do want[text.fold(w)] = true end
  local out, at = {}, 1
  for b, w, e in s:gmatch("()([%w\128-\255][%w\128-\255%-']*)()") do
    out[#out + 1] = esc(s:sub(at, b - 1))
    out[#out + 1] = want[text.fold(w)] and "<mark>" .. esc(w) .. "</mark>" or esc(w)
    at = e
  end
  out[#out + 1] = esc(s:sub(at))
  return table.concat(out)
end

-- A quotation's alignment (compare.align's text form) as HTML: [-missing-] struck, {+different+} in bold.
local function alignment(a)
  local out = {}
  for tok in a:gmatch("%S+") do
    local miss, plus = tok:match("^%[%-(.*)%-%]$"), tok:match("^{%+(.*)%+}$")
    out[#out + 1] = miss and "<del>" .. esc(miss) .. "</del>" or plus and "<ins>" .. esc(plus) .. "</ins>" or esc(tok)
  end
  return table.concat(out, " ")
end

local function claim_html(c)
  local colour = COLOUR[c.label] or "#999"
  local parts = {
    ('<div class="claim" id="c%d" style="border-color:%s">'):format(c.n, colour),
    ('<span class="badge" style="background:%s">%s</span> '):format(colour, esc(c.label)),
    ('<span class="meta">claim %d, line %d%s%s%s</span>'):format(c.n, c.line or 0,
      c.point and (", point " .. esc(tostring(c.point))) or "",
      c.attributed_to ~= "" and (" — the report gives it to " .. esc(c.attributed_to)) or "",
      #c.flags > 0 and (" — " .. esc(table.concat(c.flags, ", "))) or ""),
    "<div>" .. esc(c.text) .. "</div>",
  }
  if c.quote then
    parts[#parts + 1] = ('<div class="support align">quotation, %d of %d words as in the record: %s</div>')
      :format(c.quote.agree, c.quote.total, alignment(c.quote.alignment))
  end
  if c.said_by then parts[#parts + 1] = '<div class="support">said in the record by ' .. esc(c.said_by) .. "</div>" end
  for _, s in ipairs(c.support) do
    parts[#parts + 1] = ('<div class="support"><a href="#p%d">line %d</a>, %s (%s): %s</div>'):format(
      s.pos, s.line, esc(s.speaker ~= "" and s.speaker or "narration"), svg.num(s.score), marked(s.excerpt, s.matched))
  end
  parts[#parts + 1] = "</div>"
  return table.concat(parts, "\n")
end

-- The record, turn by turn: each passage a sentence, those a claim uses marked with its numbers.
local function record_html(info)
  local out, last_turn, open = {}, {}, false
  for _, p in ipairs(info.passages) do
    if p.turn ~= last_turn or not open then
      if open then out[#out + 1] = "</div>" end
      out[#out + 1] = ('<div class="turn"><span class="speaker">%s</span> <span class="meta">line %d</span><br>')
        :format(esc(p.speaker ~= "" and p.speaker or "narration"), p.line)
      open, last_turn = true, p.turn
    end
    local refs = {}
    for _, n in ipairs(p.claims) do refs[#refs + 1] = ('<a href="#c%d">%d</a>'):format(n, n) end
    out[#out + 1] = ('<span id="p%d"%s>%s</span>%s '):format(p.pos, #refs > 0 and ' class="used"' or "", esc(p.text),
      #refs > 0 and ('<span class="refs">' .. table.concat(refs, ",") .. "</span>") or "")
  end
  if open then out[#out + 1] = "</div>" end
  return table.concat(out, "\n")
end

-- The strip along the record: a bar per turn, as wide as its words, in its
-- speaker's colour, full where the report uses it and pale where it does not.
function M.strip(info, width)
  width = width or 900
  local total = 0
  for _, t in ipairs(info.turns) do total = total + math.max(t.words, 1) end
  local speakers, colour_of = {}, {}
  for _, s in ipairs(info.speakers) do speakers[#speakers + 1] = s.name; colour_of[s.name] = svg.color(#speakers) end
  local body, x, h = {}, 10, 28
  local scale = (width - 20) / math.max(total, 1)
  for _, t in ipairs(info.turns) do
    local w = math.max(t.words, 1) * scale
    body[#body + 1] = svg.el("rect", { { "x", x }, { "y", 10 }, { "width", w }, { "height", h },
      { "fill", colour_of[t.speaker] or "#999999" }, { "fill-opacity", t.covered and 1 or 0.2 } },
      svg.el("title", nil, svg.escape(("line %d, %s: %s"):format(t.line, t.speaker ~= "" and t.speaker or "narration",
        t.covered and "used by claim " .. table.concat(t.claims, ", ") or "not in the report"))))
    x = x + w
  end
  body[#body + 1] = svg.legend(speakers, 10, h + 30, "bar")
  local used, all = 0, #info.turns
  for _, t in ipairs(info.turns) do if t.covered then used = used + 1 end end
  local per = {}
  for _, s in ipairs(info.speakers) do
    per[#per + 1] = ("%s %d of %d turns"):format(s.name, s.covered_turns or 0, s.turns or 0)
  end
  return svg.document(width, h + 30 + 18 * #speakers + 10,
    ("The record's %d turns in order, as wide as their words: %d used by the report (full colour), %d not (pale)")
      :format(all, used, all - used), body,
    ("Strip of the record's %d turns, each as wide as its words and in its speaker's colour: %d used by the "
      .. "report, %d not. Used per speaker: %s."):format(all, used, all - used, table.concat(per, "; ")))
end

-- body(claims, info, opts) -> the view without its page: the summary, the
-- legend, the strip, the two columns, the coverage and what the report never
-- mentions.  opts: report, record (ids), min_score, heading (the element of
-- its headings: "h2" on a page of its own, "h3" in a report's section).
function M.body(claims, info, opts)
  local h = opts.heading or "h2"
  local function heading(text) return ("<%s>%s</%s>"):format(h, text, h) end
  local supported, by_label = 0, {}
  for _, c in ipairs(claims) do
    if c.supported then supported = supported + 1 end
    by_label[c.label] = (by_label[c.label] or 0) + 1
  end
  local legend = {}
  for _, l in ipairs(M.LABELS) do
    legend[#legend + 1] = ('<span class="badge" style="background:%s">%s</span> %d'):format(COLOUR[l], esc(l), by_label[l] or 0)
  end
  local left = {}
  for _, c in ipairs(claims) do left[#left + 1] = claim_html(c) end
  local strip = M.strip(info):gsub("^<%?xml[^>]*%?>\n", "")
  local used = 0
  for _, t in ipairs(info.turns) do if t.covered then used = used + 1 end end
  local coverage = output.render(info.speakers, {
    { name = "name", title = "speaker" }, { name = "turns", align = "right" },
    { name = "covered_turns", title = "turns used", align = "right" }, { name = "words", align = "right" },
    { name = "covered_words", title = "words used", align = "right" }, { name = "share", align = "right" } }, "html")
  return table.concat({
    ("<p>%d claims of the report, %d supported by the record (combined score at least %s; see docs/statistics.md). %d of the record's %d turns are used.</p>")
      :format(#claims, supported, svg.num(opts.min_score), used, #info.turns),
    "<p>" .. table.concat(legend, " &nbsp; ") .. "</p>",
    heading("Where the report draws on the record"),
    '<figure role="group" aria-label="' .. esc(("%d of %d turns used"):format(used, #info.turns)) .. '">' .. strip .. "</figure>",
    '<div class="cols"><section>' .. heading("The report: " .. esc(opts.report)),
    table.concat(left, "\n"),
    "</section><section>" .. heading("The record: " .. esc(opts.record)),
    record_html(info),
    "</section></div>",
    heading("Coverage by speaker"),
    coverage,
    heading("What the report never mentions"),
    ("<p>%d of the record's %d turns are used by no claim (pale in the strip above). These words of the record stand in three sentences or more, and in no claim:</p>")
      :format(#info.omitted, #info.turns),
    output.render(info.unmentioned or {}, { "word", { name = "mentions", title = "sentences", align = "right" },
      { name = "lines", title = "first lines", display = function(v) return table.concat(v, ", ") end } }, "html"),
  }, "\n")
end

-- page(claims, info, opts) -> the HTML page.  opts: report, record (ids), min_score.
function M.page(claims, info, opts)
  local title = ("%s against %s"):format(opts.report, opts.record)
  return table.concat({
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8"><title>' .. esc(title) .. "</title>",
    "<style>" .. CSS .. "</style></head><body>",
    "<h1>" .. esc(title) .. "</h1>",
    M.body(claims, info, opts),
    "</body></html>",
    "",
  }, "\n")
end

return M
