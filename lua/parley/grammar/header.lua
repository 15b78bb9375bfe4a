-- Header fields of memoranda, shared by the labelled and narrative grammars:
-- `Subject: value` on one line, and the block form, where the field's name
-- stands on a line of its own and its values follow, one a line, until a
-- blank line or the next field name:
--
--   SUBJECT                          PARTICIPANTS:
--   Berlin and Germany               United States:
--                                    The Secretary
--                                    Soviet Union:
--                                    Foreign Minister Gromyko
--
-- and the participants of such a block: names, roles and the side of the
-- sub-heading they stand under.
local M = {}

-- Sub-headings of a participants block and the side each stands for; any
-- other "Heading:" line is a side as written.
M.sides = {
  ["united states"] = "US", ["u.s."] = "US", ["us"] = "US", ["u. s."] = "US", ["usa"] = "US",
  ["americans"] = "US", ["american side"] = "US", ["u.s. side"] = "US", ["american"] = "US",
  ["soviet union"] = "USSR", ["ussr"] = "USSR", ["u.s.s.r."] = "USSR", ["soviets"] = "USSR",
  ["soviet side"] = "USSR", ["soviet"] = "USSR", ["u.s.s.r"] = "USSR",
  ["united kingdom"] = "UK", ["uk"] = "UK", ["u.k."] = "UK", ["british"] = "UK", ["great britain"] = "UK",
  ["france"] = "France", ["french"] = "France", ["germany"] = "Germany", ["germans"] = "Germany",
  ["federal republic of germany"] = "Germany", ["cuba"] = "Cuba", ["cubans"] = "Cuba",
  ["united nations"] = "UN", ["un"] = "UN",
}

local function squeeze(s) return (s:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")) end

local function count(s, c) return select(2, s:gsub(c, "")) end

-- tidy(s) -> s squeezed, without the brackets and quotation marks that stand
-- unbalanced at its ends, as OCR and PDF text leave them ("MARY DOYLE [",
-- "\"The Secretary", "Mr. Kuznetsov”"): no name, role or field ends so.
-- Balanced ones stay: "Arnold Lissance (Interpreter)", "“Red” Smith".
function M.tidy(s)
  local prev
  s = squeeze(s)
  repeat
    prev = s
    local head, tail = s:sub(1, 1), s:sub(-1)
    local curly_head, curly_tail = s:sub(1, 3), s:sub(-3)
    if tail == "[" or tail == "(" then s = s:sub(1, -2)                    -- an opening at the end
    elseif head == "]" or head == ")" then s = s:sub(2)                    -- a closing at the start
    elseif curly_tail == "“" then s = s:sub(1, -4)
    elseif curly_head == "”" then s = s:sub(4)
    elseif tail == "]" and count(s, "%]") > count(s, "%[") then s = s:sub(1, -2)
    elseif head == "[" and count(s, "%[") > count(s, "%]") then s = s:sub(2)
    elseif tail == ")" and count(s, "%)") > count(s, "%(") then s = s:sub(1, -2)
    elseif head == "(" and count(s, "%(") > count(s, "%)") then s = s:sub(2)
    elseif curly_tail == "”" and count(s, "”") > count(s, "“") then s = s:sub(1, -4)
    elseif curly_head == "“" and count(s, "“") > count(s, "”") then s = s:sub(4)
    elseif (tail == '"' or head == '"') and count(s, '"') % 2 == 1 then
      s = tail == '"' and s:sub(1, -2) or s:sub(2)
    end
    s = squeeze(s)
  until s == prev
  return s
end

-- The key of a field name: "Date and Time" -> "date_and_time".
function M.key(name) return (squeeze(name):lower():gsub("%s+", "_")) end

-- field(line, wanted, blocks) -> key, value, alone: the field a line opens
-- (wanted: set of lower-case field names), its value on the line, and
-- whether the name stands alone (the values follow).  With blocks, a name
-- alone needs no colon ("SUBJECT").  nil if the line opens no field.
function M.field(line, wanted, blocks)
  line = M.tidy(line)
  local name, value = line:match("^([%a][%a ]-)%s*:%s*(.*)$")
  if name and wanted[squeeze(name):lower()] then
    value = squeeze(value)
    return M.key(name), value, value == ""
  end
  local alone = blocks and line:match("^([%a][%a ]-)%s*$")
  if alone and wanted[squeeze(alone):lower()] then return M.key(alone), "", true end
end

-- side_of(line, sides) -> the side a sub-heading stands for, or nil when the
-- line is no sub-heading ("United States:", "USSR", "Americans").
function M.side_of(line, sides)
  sides = sides or M.sides
  local s = M.tidy(line)
  local bare = s:match("^(.-)%s*:$")
  if bare and not bare:find(",") then return sides[bare:lower()] or bare end
  return sides[s:lower()]
end

-- participants(lines, sides) -> list of { written, name, role, side }: the
-- entries of a block (a list of its lines, or paragraphs), each under the
-- last sub-heading.  "Vasiliy V. Kuznetsov, First Deputy Foreign Minister",
-- "Arnold Lissance (Interpreter)", "The Secretary".
function M.participants(lines, sides)
  local out, side = {}, nil
  for _, raw in ipairs(lines) do
    local line = M.tidy(raw)
    local sd = M.side_of(line, sides)
    if sd then
      side = sd
    elseif line ~= "" then
      local name, role = line:match("^(.-)%s*,%s*(.+)$")
      if not name then name, role = line:match("^(.-)%s*(%b())%s*$") end
      if role then role = role:gsub("^%((.*)%)$", "%1") end
      name = name or line
      local entry = { written = line, name = name, role = role, side = side }
      if role and not side and (sides or M.sides)[role:lower()] then entry.side, entry.role = (sides or M.sides)[role:lower()], nil end
      out[#out + 1] = entry
    end
  end
  return out
end

return M
