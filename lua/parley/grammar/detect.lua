-- Which speaker-label convention a transcript uses, read off its text: the
-- labels that start lines again and again (`Q.`/`A.`, `MR. HALE.`, `Mr. Hale:`,
-- `THE PRESIDENT:`, `QUESTION:`), with their separator.  Pure: text in, a
-- configuration for parley.grammar.labelled (or nil) and a report out; the
-- built-in grammar `auto` (lua/parley/grammar/auto.lua) runs it on each document.
--
--   local detect = require "parley.grammar.detect"
--   local cfg, report = detect.detect(text)
--   -- cfg:    { speakers = { "Q", "A" }, separator = "." | ":" | lpeg.S".:",
--   --           continuation = true, stage = true, trailing_name = { … } } or nil
--   -- report: { labels = { { label =, separator =, lines = } … } (most lines first),
--   --           labelled = n, units = n, confidence = 0..1, level = "high" | "medium" | "low",
--   --           reasons = { "…" } }
--
-- A label is up to four capitalised words at a line's start (after any
-- indent), followed by words on its line, ended by ":" — or by "." when it is a single capital (`Q.`), in
-- capitals (`MR. HALE.`), or two words or more (`Mr. Hale.`); "Mr.", "Dr."
-- and initials ("A. I.") do not end one.  A convention is found when at least
-- opts.min_lines (default 4) lines start with labels that each start at least
-- opts.min_count (default 2) lines, and there are two such labels or more;
-- then a label that starts one line only is one too if it is in capitals
-- (`MR. HALE:`) or a name of the person register opts.register.
local lpeg = require "lpeg"
local people = require "parley.people"

local M = {}

M.defaults = { min_count = 2, min_lines = 4, max_words = 4 }

-- Abbreviations that end in "." inside a label without ending it.
M.abbreviations = { "mr", "mrs", "ms", "dr", "st", "sen", "gen", "gov", "rep", "amb", "col", "capt", "lt",
                    "prof", "rev", "hon", "messrs", "adm", "maj", "sgt" }
local ABBR = {}
for _, a in ipairs(M.abbreviations) do ABBR[a] = true end

local function capitalised(tok) return tok:find("^[\"“]?%u") ~= nil end

-- The label at the start of a line: label (as written), separator; or nil.
function M.label_of(line, opts)
  opts = opts or M.defaults
  local tokens = {}
  for tok in line:gmatch("%S+") do
    tokens[#tokens + 1] = tok
    if #tokens > (opts.max_words or M.defaults.max_words) + 1 then break end
  end
  if #tokens < 2 then return nil end            -- a label is followed by what is said
  local dot                                   -- a single capital's "." ("Q."), if nothing longer
  for k = 1, math.min(#tokens, opts.max_words or M.defaults.max_words) do
    local tok = tokens[k]
    if not capitalised(tok) then break end
    local body, sep = tok:match("^(.-)([:%.])$")
    if sep == ":" and body ~= "" and not body:find("[,;?!:]") and tokens[k + 1] then
      return table.concat(tokens, " ", 1, k - 1) .. (k > 1 and " " or "") .. body, ":"
    end
    if sep == "." and body ~= "" and not body:find("[,;?!:]") then
      local single = body:find("^%u$")
      local caps = body:find("^[%u'’%-]+$") and #body >= 2
      local titled = k >= 2 and body:find("^%u[%l'’%-]+$") and #body >= 3
      if single or ABBR[body:lower()] or body:find("^%u%.[%u%.]*$") then  -- "Q." ends a label; "A. I.", "A.I." and "Mr." may go on
        if single and k == 1 then
          if not (tokens[2] and tokens[2]:find("^%u%.$")) then return body, "." end
          dot = body
        end
      elseif (caps or titled) and tokens[k + 1] then
        return table.concat(tokens, " ", 1, k - 1) .. (k > 1 and " " or "") .. body, "."
      else
        break
      end
    elseif tok:find("[%.,;?!]$") then
      break
    end
  end
  if dot then return dot, "." end
  return nil
end

local function lines(text)
  local out = {}
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do out[#out + 1] = line end
  return out
end

local function pct(x) return ("%d%%"):format(math.floor(x * 100 + 0.5)) end

-- detect(text, opts) -> cfg | nil, report (see the top of the file).  opts: min_count,
-- min_lines, max_words, register.
function M.detect(text, opts)
  opts = opts or {}
  local min_count = opts.min_count or M.defaults.min_count
  local min_lines = opts.min_lines or M.defaults.min_lines
  local by_key, order = {}, {}
  local units, blank_before = 0, true
  local ls = lines(text)
  local found = {}                               -- line number -> key
  for n, line in ipairs(ls) do
    local content = line:match("^%s*(.-)%s*$")
    if content == "" then
      blank_before = true
    else
      local label, sep = M.label_of(content, opts)
      if label then
        local key = people.key(label)
        local e = by_key[key]
        if not e then
          e = { label = label, lines = 0, seps = {}, trailing = 0 }
          by_key[key] = e
          order[#order + 1] = key
        end
        e.lines = e.lines + 1
        e.seps[sep] = (e.seps[sep] or 0) + 1
        if content:find("%(%u[%w%.'’%- ]*%)$") then e.trailing = e.trailing + 1 end
        found[n] = key
      end
      if label or blank_before then units = units + 1 end
      blank_before = false
    end
  end
  local kept, labelled, seps = {}, 0, {}
  for _, key in ipairs(order) do
    local e = by_key[key]
    if e.lines >= min_count then
      kept[#kept + 1] = e
      labelled = labelled + e.lines
      for s in pairs(e.seps) do seps[s] = true end
    end
  end
  -- once there is a convention, a label seen once is one of its labels too if it is in
  -- capitals ("MR. HALE:") or a name of opts.register (a parley.people register)
  if #kept >= 2 and labelled >= min_lines then
    for _, key in ipairs(order) do
      local e = by_key[key]
      local sep = next(e.seps)
      if e.lines < min_count and seps[sep] and (e.label:find("^[%u%.'’%- ]+$") and e.label:find("%u%u")
          or opts.register and opts.register:find(e.label)) then
        kept[#kept + 1] = e
        labelled = labelled + e.lines
      end
    end
  end
  table.sort(kept, function(a, b) return a.lines > b.lines or a.lines == b.lines and a.label < b.label end)
  local report = { labels = {}, labelled = labelled, units = units, reasons = {} }
  for i, e in ipairs(kept) do
    local sl = {}
    for s in pairs(e.seps) do sl[#sl + 1] = s end
    table.sort(sl)
    report.labels[i] = { label = e.label, separator = table.concat(sl), lines = e.lines }
  end
  report.confidence = units > 0 and labelled / units or 0
  report.level = report.confidence >= 0.6 and "high" or report.confidence >= 0.3 and "medium" or "low"
  if #kept < 2 or labelled < min_lines then
    report.confidence, report.level = 0, "none"
    report.reasons[1] = #kept == 0
      and ("no label starts %d lines or more (a label: up to %d capitalised words at a line's start, "
        .. "then \":\", or \".\" after Q, A or a name in capitals)"):format(min_count, opts.max_words or M.defaults.max_words)
      or ("only %d line%s start%s with a recurring label (%s); a convention needs two labels or more "
        .. "and %d lines"):format(labelled, labelled == 1 and "" or "s", labelled == 1 and "s" or "",
          kept[1] and ('"' .. kept[1].label .. '"') or "", min_lines)
    return nil, report
  end
  local speakers, trailing = {}, {}
  for i, e in ipairs(kept) do
    speakers[i] = e.label
    if e.trailing >= 2 or e.trailing * 4 >= e.lines and e.trailing > 0 then trailing[#trailing + 1] = e.label end
  end
  local sep = seps[":"] and seps["."] and lpeg.S".:" or seps[":"] and ":" or "."
  local shown = {}
  for i, l in ipairs(report.labels) do shown[i] = ('"%s%s" %d'):format(l.label, l.separator:sub(1, 1), l.lines) end
  report.separator = seps[":"] and seps["."] and ".:" or seps[":"] and ":" or "."
  report.reasons[1] = ("%d of %d turns or paragraphs (%s) start with a recurring label: %s")
    :format(labelled, units, pct(report.confidence), table.concat(shown, ", "))
  return { speakers = speakers, separator = sep, continuation = true, stage = true,
           trailing_name = #trailing > 0 and trailing or nil }, report
end

return M
