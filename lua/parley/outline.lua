-- An outline of a document: every region a grammar found in it, in order,
-- with its kind, attributes, first and last line and a short excerpt.
-- Regions come from the index (nothing is re-parsed).  `parley outline`
-- (lua/parley/cmd/outline.lua) prints it; M.resolve and M.rows serve the
-- REPL and the specs.
local text = require "parley.text"

local M = {}

-- Kinds shown only with --all: the built-in ones, and speaker labels (their turn starts with them).
M.builtin = { document = true, paragraph = true, sentence = true, label = true }
M.excerpt_chars = 60

-- resolve(corpus, name) -> doc | nil, message: a document id, a path (as
-- given, relative to the corpus folder, or its file name), or a unique prefix
-- of an id or a file name.
function M.resolve(corpus, name)
  local cwd = os.getenv("PWD") or "."
  local absolute = name:sub(1, 1) == "/" and name or cwd .. "/" .. name
  local docs, exact, prefixed = {}, {}, {}
  for doc in corpus:docs() do
    docs[#docs + 1] = doc
    local rel = doc.path:sub(#corpus.dir + 2)
    local base = doc.path:match("[^/]*$")
    local forms = { doc.id, doc.path, rel, base }
    for _, f in ipairs(forms) do
      if f == name or f == absolute:gsub("/%./", "/") then exact[#exact + 1] = doc; break end
    end
    for _, f in ipairs { doc.id, rel, base } do
      if f:sub(1, #name) == name then prefixed[#prefixed + 1] = doc; break end
    end
  end
  if #exact >= 1 then return exact[1] end
  if #prefixed == 1 then return prefixed[1] end
  local ids = {}
  for _, d in ipairs(#prefixed > 1 and prefixed or docs) do ids[#ids + 1] = d.id end
  if #prefixed > 1 then
    return nil, ("'%s' is ambiguous: it could be %s"):format(name, table.concat(ids, ", "))
  end
  return nil, ("no document '%s' (documents: %s)"):format(name, table.concat(ids, ", "))
end


local function excerpt(s)
  s = s:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")
  if text.len(s) > M.excerpt_chars then s = text.sub(s, 1, M.excerpt_chars - 1) .. "…" end
  return s
end

-- rows(corpus, doc, all) -> the regions of doc in order: { kind, start_line,
-- end_line, attrs (non-empty ones), excerpt }.  all: paragraphs, sentences and labels too.
function M.rows(corpus, doc, all)
  local sub = corpus:where{ id = doc.id }
  local txt = doc:text()
  local rows = {}
  for _, k in ipairs(corpus.ix:kinds()) do
    if not M.builtin[k.name] or all and k.name ~= "document" then
      for _, r in ipairs(sub:regions(k.name)) do
        local attrs = {}
        for name, v in pairs(r.attrs) do
          if v ~= "" then attrs[name] = v end
        end
        rows[#rows + 1] = {
          kind = k.name, attrs = attrs, pos = r.pos, stop_pos = r.stop_pos,
          start_line = r.line, stop = r.stop,
          excerpt = r.start and excerpt(txt:sub(r.start, r.stop)) or "",
        }
      end
    end
  end
  table.sort(rows, function(a, b)
    if a.pos ~= b.pos then return a.pos < b.pos end
    if a.stop_pos ~= b.stop_pos then return a.stop_pos > b.stop_pos end
    return a.kind < b.kind
  end)
  -- the line of each region's last byte, in the original file, found at once
  local ends = {}
  for i, r in ipairs(rows) do ends[i] = r.stop or 1 end
  local lines = corpus.ix:positions(doc.number, ends)
  for i, r in ipairs(rows) do
    r.end_line = r.stop and lines[i] or r.start_line
    r.stop = nil
  end
  return rows
end

local function show_attrs(attrs)
  local keys, out = {}, {}
  for k in pairs(attrs) do keys[#keys + 1] = k end
  table.sort(keys)
  for i, k in ipairs(keys) do out[i] = k .. "=" .. attrs[k] end
  return table.concat(out, " ")
end

-- The line above the table: the document, and the grammar that parsed it.
function M.caption(corpus, doc)
  local g, reader = doc.meta.grammar_used, doc.meta.reader
  local how = type(g) == "table" and ("grammar %s (%s, %s)"):format(tostring(g.name), tostring(g.source),
      tostring(g.file))
    or "no grammar (paragraphs and sentences only)"
  if type(reader) == "string" and reader ~= "text" then
    -- a reader's document: the reader found its structure; a grammar, if any, by its genre or the manifest
    local _, _, attrs = corpus.ix:region("document", doc.number)
    local genre = attrs.genre and attrs.genre ~= "" and (", genre " .. attrs.genre) or ""
    how = ("read by the %s reader%s; %s"):format(reader, genre, how)
  end
  local rel = doc.path:sub(1, #corpus.dir + 1) == corpus.dir .. "/" and doc.path:sub(#corpus.dir + 2) or doc.path
  return ("%s (%s): %s"):format(doc.id, rel, how)
end

-- What the grammar reported about the labels of doc, for a reader to check:
-- the convention the auto grammar found (meta.detected) and every label read
-- fuzzily (meta.fuzzy_labels).  -> a list of { caption =, rows =, columns = }
-- tables and a list of lines of text (a convention not found, and how to configure one).
function M.label_report(doc)
  local meta = doc.meta
  local tables, lines = {}, {}
  local d = type(meta.detected) == "table" and meta.detected
  if d and type(d.labels) == "table" and d.level ~= "none" then
    local rows = {}
    for i, l in ipairs(d.labels) do
      rows[i] = { label = tostring(l.label), separator = tostring(l.separator), lines = math.tointeger(l.lines) or l.lines }
    end
    tables[#tables + 1] = {
      caption = ("labels the auto grammar found: confidence %d%% (%s)"):format(
        math.floor((tonumber(d.confidence) or 0) * 100 + 0.5), tostring(d.level)),
      rows = rows,
      columns = { { name = "label" }, { name = "separator" }, { name = "lines", plain = true } },
    }
  elseif d then
    lines[#lines + 1] = ("no speaker labels found: %s; %s"):format(
      tostring(type(d.reasons) == "table" and d.reasons[1] or "none recurs"), tostring(d.hint))
  end
  if type(meta.fuzzy_labels) == "table" and #meta.fuzzy_labels > 0 then
    local rows = {}
    for i, f in ipairs(meta.fuzzy_labels) do
      rows[i] = { line = math.tointeger(f.line) or f.line, text = tostring(f.text) .. tostring(f.separator or ""), label = tostring(f.label),
                  speaker = tostring(f.speaker), distance = math.tointeger(f.distance) or f.distance }
    end
    tables[#tables + 1] = {
      caption = ("labels read fuzzily (check them): %d"):format(#rows),
      rows = rows,
      columns = { { name = "line", plain = true }, { name = "text", title = "as written" },
                  { name = "label", title = "taken for" }, { name = "speaker" },
                  { name = "distance", plain = true } },
    }
  end
  return tables, lines
end

M.columns = {
  { name = "kind" },
  { name = "start_line", title = "from", plain = true },
  { name = "end_line", title = "to", plain = true },
  { name = "attrs", display = show_attrs, text = show_attrs },
  { name = "excerpt", max_width = 70 },
}

return M
