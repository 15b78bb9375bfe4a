-- Shared helpers for the specs: paths, the parley binary under test, and a
-- subprocess runner that captures stdout, stderr and the exit status.
local M = {}

M.root = assert(io.popen("pwd")):read("l")
M.bin = os.getenv("PARLEY_TEST_BIN") or "build/parley"
if M.bin:sub(1, 1) ~= "/" then M.bin = M.root .. "/" .. M.bin end
M.corpus = M.root .. "/corpus"
M.dinner = M.corpus .. "/1962-11-01-mikoyan-mccloy-stevenson-dinner.txt"
M.telegram = M.corpus .. "/1962-11-02-mikoyan-telegram.md"

-- Quote a string for /bin/sh.
-- Run a shell command; a failure fails the test, naming the command.
function M.sh(cmd)
  assert(os.execute(cmd), cmd)
end

-- s with its punctuation escaped, to match it literally in a Lua pattern.
function M.esc(s) return (s:gsub("%p", "%%%0")) end

-- The user id the specs run as (0: root, who ignores file modes).
M.UID = tonumber(assert(io.popen("id -u")):read("l"))

function M.shquote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

-- Read a whole file (nil if it cannot be opened).
M.read = require("parley.data").read

-- Open a corpus, failing the test with parley's message if it cannot be opened.
function M.open(dir, opts)
  local c, err = parley.open(dir, opts)
  assert(c, err)
  return c
end

function M.write(path, data)
  local f = assert(io.open(path, "wb"))
  f:write(data)
  f:close()
end

-- A fresh temporary directory, removed by M.cleanup().
local tmpdirs = {}
function M.tmpdir()
  local d = assert(io.popen("mktemp -d /tmp/parley-spec.XXXXXX")):read("l")
  tmpdirs[#tmpdirs + 1] = d
  return d
end

-- dated_corpus(name, docs) -> a new corpus folder of one-line documents, each
-- { id, date (or nil), type, text, date_to (or nil) }, listed in its manifest.
function M.dated_corpus(name, docs)
  local dir = M.tmpdir()
  local m = { ("return { name = %q, documents = {"):format(name) }
  for _, d in ipairs(docs) do
    M.write(dir .. "/" .. d[1] .. ".txt", d[4] .. "\n")
    m[#m + 1] = ("  { id = %q, path = %q, type = %q%s%s },"):format(d[1], d[1] .. ".txt", d[3],
      d[2] and (", date = %q"):format(d[2]) or "", d[5] and (", date_to = %q"):format(d[5]) or "")
  end
  m[#m + 1] = "} }\n"
  M.write(dir .. "/corpus.lua", table.concat(m, "\n"))
  return dir
end

function M.cleanup()
  for i = #tmpdirs, 1, -1 do
    os.execute("rm -rf " .. M.shquote(tmpdirs[i]))
    tmpdirs[i] = nil
  end
end

-- Run build/parley with the given argument list (and optional stdin text
-- and environment assignments); returns stdout, stderr, exit code.
function M.run(args, opts)
  opts = opts or {}
  local d = M.tmpdir()
  local parts = {}
  for k, v in pairs(opts.env or {}) do parts[#parts + 1] = k .. "=" .. M.shquote(v) end
  parts[#parts + 1] = M.shquote(opts.bin or M.bin)
  for _, a in ipairs(args) do parts[#parts + 1] = M.shquote(a) end
  local cmd = table.concat(parts, " ")
  if opts.stdin then
    M.write(d .. "/in", opts.stdin)
    cmd = cmd .. " <" .. d .. "/in"
  else
    cmd = cmd .. " </dev/null"
  end
  if opts.cwd then cmd = "cd " .. M.shquote(opts.cwd) .. " && " .. cmd end
  cmd = cmd .. " >" .. d .. "/out 2>" .. d .. "/err"
  local _, _, code = os.execute(cmd)
  return M.read(d .. "/out"), M.read(d .. "/err"), code
end

-- The ids of the documents a corpus iterates over.
function M.ids(c)
  local out = {}
  for d in c:docs() do out[#out + 1] = d.id end
  return out
end

-- The regions of one kind in a grammar's result.
function M.of_kind(res, kind)
  local out = {}
  for _, r in ipairs(res.regions) do if r.kind == kind then out[#out + 1] = r end end
  return out
end

-- ---------------------------------------------------------------- readers of parley's formats
-- Written here from the formats' definitions (RFC 4180; the tsv, md and html
-- rules of docs/lua-api.md § Output), not from parley's writer, so that the
-- specs can parse what parley prints.

-- An RFC 4180 reader: a list of records, each a list of fields.  Raises on text that is not CSV.
function M.csv(text)
  local rows, row, field, i, n = {}, {}, {}, 1, #text
  local quoted = false
  while i <= n do
    local c = text:sub(i, i)
    if quoted then
      if c == '"' then
        if text:sub(i + 1, i + 1) == '"' then field[#field + 1] = '"'; i = i + 1
        else quoted = false end
      else
        field[#field + 1] = c
      end
    elseif c == '"' then
      assert(#field == 0, "csv: a quote inside an unquoted field at byte " .. i)
      quoted = true
    elseif c == "," then
      row[#row + 1] = table.concat(field); field = {}
    elseif c == "\r" and text:sub(i + 1, i + 1) == "\n" then
      row[#row + 1] = table.concat(field); field = {}
      rows[#rows + 1] = row; row = {}
      i = i + 1
    else
      assert(c ~= "\n" and c ~= "\r", "csv: a bare line end at byte " .. i)
      field[#field + 1] = c
    end
    i = i + 1
  end
  assert(not quoted, "csv: an unterminated quoted field")
  assert(#field == 0 and #row == 0, "csv: the last record has no CRLF")
  return rows
end

-- A tsv reader: records of fields, \t \n \r \\ unescaped.
function M.tsv(text)
  local rows = {}
  assert(text == "" or text:sub(-1) == "\n", "tsv: no final newline")
  for line in text:gmatch("(.-)\n") do
    local row = {}
    for f in (line .. "\t"):gmatch("(.-)\t") do
      row[#row + 1] = f:gsub("\\(.)", { t = "\t", n = "\n", r = "\r", ["\\"] = "\\" })
    end
    rows[#rows + 1] = row
  end
  return rows
end

-- A Markdown table reader: the header, then the rows, cells trimmed and
-- unescaped (\| \* \_ \` \[ \] \\, &lt; &gt; &amp;, <br> as a newline); the alignment row is dropped.
function M.md(text)
  local rows = {}
  for line in text:gmatch("[^\n]+") do
    if line:find("^| ") then
      local cells, cur, i = {}, {}, 3
      while i <= #line do
        local c = line:sub(i, i)
        if c == "\\" then cur[#cur + 1] = line:sub(i + 1, i + 1); i = i + 2
        elseif c == "|" then cells[#cells + 1] = table.concat(cur); cur = {}; i = i + 1
        else cur[#cur + 1] = c; i = i + 1 end
      end
      for k, v in ipairs(cells) do
        cells[k] = v:gsub("^ +", ""):gsub(" +$", ""):gsub("<br>", "\n"):gsub("&lt;", "<"):gsub("&gt;", ">")
          :gsub("&amp;", "&")
      end
      if not (#rows == 1 and cells[1]:find("^%-+:?$")) then rows[#rows + 1] = cells end
    end
  end
  return rows
end

-- An html table reader: the header cells, then the rows' cells (text
-- unescaped) and, for numbers, their data-value.
function M.html(text)
  local function unescape(s)
    return (s:gsub("<br>", "\n"):gsub("&lt;", "<"):gsub("&gt;", ">"):gsub("&quot;", '"')
      :gsub("&#39;", "'"):gsub("&amp;", "&"))
  end
  local rows = {}
  local head = assert(text:match("<thead><tr>(.-)</tr></thead>"), "html: no thead")
  local cells = {}
  for c in head:gmatch("<th[^>]*>(.-)</th>") do cells[#cells + 1] = unescape(c) end
  rows[1] = cells
  local body = assert(text:match("<tbody>\n(.-)</tbody>"), "html: no tbody")
  for tr in body:gmatch("<tr>(.-)</tr>") do
    local row = {}
    for attrs, c in tr:gmatch("<td([^>]*)>(.-)</td>") do
      row[#row + 1] = attrs:match('data%-value="([^"]*)"') or unescape(c)
    end
    rows[#rows + 1] = row
  end
  return rows
end

-- Collect garbage after every test, to shake out __gc bugs (as luv's suite does).
local reg = debug.getregistry()
if not reg["parley.spec.gc"] then
  reg["parley.spec.gc"] = true
  local busted = require "busted"
  busted.subscribe({ "test", "end" }, function()
    collectgarbage()
    collectgarbage()
    return nil, true
  end)
end

-- How to run parley as a user that chmod a-w stops: ourselves, or (as root,
-- whom permissions do not stop) the unprivileged uid 65534 through setpriv.
-- Returns { bin, pre (arguments before parley's own), uid } or nil, why.
function M.unprivileged()
  if M.UID ~= 0 then return { pre = {}, uid = M.UID } end
  local pre = { "--reuid=65534", "--regid=65534", "--clear-groups", M.bin }
  local _, _, code = M.run({ pre[1], pre[2], pre[3], pre[4], "-e", "" }, { bin = "setpriv", cwd = "/" })
  if code ~= 0 then
    return nil, "running as root and cannot drop to uid 65534 with setpriv: chmod a-w does not stop root from writing"
  end
  return { bin = "setpriv", pre = pre, uid = 65534 }
end

-- h.run as the user unprivileged() gave (from "/" unless opts.cwd says).
function M.run_as(who, args, opts)
  local all = {}
  for _, a in ipairs(who.pre) do all[#all + 1] = a end
  for _, a in ipairs(args) do all[#all + 1] = a end
  opts = opts or {}
  opts.bin = who.bin
  opts.cwd = opts.cwd or "/"
  return M.run(all, opts)
end

-- A corpus folder of the bundled documents, a TEI excerpt and n generated
-- texts (words from a shared vocabulary and from one of their own).
-- A corpus of two documents: a transcript `talk` read by the labelled grammar
-- ("Name: text" turns) and a `note` without turns, with these texts.  -> dir
function M.talk_and_note(name, talk, note)
  local dir = M.tmpdir()
  M.write(dir .. "/corpus.lua", ([[
return { name = %q, documents = {
  { id = "talk", path = "talk.txt", grammar = "labelled", type = "transcript" },
  { id = "note", path = "note.txt", type = "note" },
} }
]]):format(name))
  M.write(dir .. "/talk.txt", talk)
  M.write(dir .. "/note.txt", note)
  return dir
end

function M.mixed_corpus(n)
  local dir = M.tmpdir()
  local function copy(from, to) M.write(dir .. "/" .. to, assert(M.read(from))) end
  copy(M.dinner, "dinner.txt")
  copy(M.telegram, "telegram.md")
  copy(M.corpus .. "/people.lua", "people.lua")
  copy(M.root .. "/spec/fixtures/tei/frus1961-63v04-excerpt.xml", "frus.xml")
  local docs = {
    '{ id = "dinner", path = "dinner.txt", grammar = "transcript" },',
    '{ id = "telegram", path = "telegram.md", grammar = "telegram" },',
    '{ path = "frus.xml" },',
  }
  local seed = 7
  for d = 1, n do
    local words = {}
    for i = 1, 3000 do
      seed = (seed * 1103515245 + 12345) % 2147483648
      local r = seed % 1000
      words[i] = r < 700 and ("common%d"):format(r % 300) or ("own%d_%d"):format(d, r)
      if i % 15 == 0 then words[i] = words[i] .. "." end
    end
    M.write(("%s/t%02d.txt"):format(dir, d), table.concat(words, " ") .. "\n")
    docs[#docs + 1] = ('{ id = "t%02d", path = "t%02d.txt" },'):format(d, d)
  end
  M.write(dir .. "/corpus.lua", 'return { name = "mixed", people = "people.lua", documents = {\n'
    .. table.concat(docs, "\n") .. "\n} }\n")
  return dir
end

return M
