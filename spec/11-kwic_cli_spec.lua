-- `parley kwic`, run as a subprocess: formats, options, a corpus of one's
-- own, and mistakes reported in one line without a traceback.  Expected
-- numbers come from grep over the corpus files.
local h = require "spec.helpers"
local cjson = require "cjson"
-- what the loader's message on invalid UTF-8 suggests
local REPAIR = "; --repair (repair = true in parley.open) replaces invalid UTF-8 with U+FFFD"

-- Whole-word, case-insensitive matches of an extended regular expression in
-- the given files with their lines joined (phrases may cross line ends).
local function grep(ere, files)
  local quoted = {}
  for i, f in ipairs(files or { h.dinner, h.telegram }) do quoted[i] = h.shquote(f) end
  local p = assert(io.popen(("cat %s | tr '\\n' ' ' | LC_ALL=C grep -o -i -w -E %s | wc -l"):format(
    table.concat(quoted, " "), h.shquote(ere))))
  local n = assert(tonumber(p:read("a")))
  p:close()
  return n
end

local function lines(s, eol)
  local out = {}
  for line in s:gmatch("(.-)" .. (eol or "\n")) do out[#out + 1] = line end
  return out
end

local function fields(line, sep)
  local out = {}
  for f in (line .. sep):gmatch("(.-)" .. sep) do out[#out + 1] = f end
  return out
end

-- Run `parley kwic ARGS...`; the run must succeed with nothing on stderr.
local function kwic(...)
  local out, err, code = h.run({ "kwic", ... })
  assert.equal("", err)
  assert.equal(0, code)
  return out
end

-- Run `parley kwic ARGS...`, which must fail: returns the message.
local function mistake(...)
  local out, err, code = h.run({ "kwic", ... })
  assert.equal(1, code)
  assert.is_nil(err:find("traceback", 1, true), err)
  assert.equal(1, #lines(err), err)
  return err, out
end

describe("parley kwic", function()
  after_each(h.cleanup)

  it("lists every occurrence as JSON, with document, line and context", function()
    local raw = kwic("red cross", "--format", "json")
    -- one object a line, keys in column order
    assert.matches('^%[\n{"doc":"[^"]*","line":%d+,"col":%d+,"left":"[^"]*","match":"[^"]*","right":"[^"]*"},\n', raw)
    local rows = cjson.decode(raw)
    assert.equal(grep("red[[:space:]]+cross"), #rows)
    assert.equal(11, #rows)
    local src = { ["dinner-1962-11-01"] = h.read(h.dinner), ["telegram-1962-11-02"] = h.read(h.telegram) }
    local prev = { "", 0, 0 }
    for _, r in ipairs(rows) do
      assert.is_string(src[r.doc])
      assert.equal("red cross", r.match:lower())
      -- in corpus order: documents in manifest order, then line and column
      local later = r.doc > prev[1] or r.doc == prev[1] and (r.line > prev[2] or r.line == prev[2] and r.col > prev[3])
      assert.is_true(later)
      prev = { r.doc, r.line, r.col }
      -- the line it names holds the match's first word at the column it names
      local line = lines(src[r.doc])[r.line]
      local at = utf8.offset(line, r.col)
      assert.equal("red", line:sub(at, at + 2):lower())
      assert.is_true(#r.left > 0 and #r.right > 0)
      assert.is_true(utf8.len(r.left) <= 40 and utf8.len(r.right) <= 40)
    end
    assert.same({ "dinner-1962-11-01", 18, 45 }, { rows[1].doc, rows[1].line, rows[1].col })
  end)

  it("writes TSV and CSV with a header", function()
    local tsv = lines(kwic("quarantine", "--format", "tsv"))
    assert.equal("doc\tline\tcol\tleft\tmatch\tright", tsv[1])
    assert.equal(grep("quarantine") + 1, #tsv)
    for i = 2, #tsv do
      local f = fields(tsv[i], "\t")
      assert.equal(6, #f)
      assert.equal("quarantine", f[5]:lower())
      assert.matches("^%d+$", f[2])
      assert.matches("^%d+$", f[3])
    end
    local csv = lines(kwic("red cross", "--format=csv"), "\r\n")  -- RFC 4180 line ends
    assert.equal("doc,line,col,left,match,right", csv[1])
    assert.equal(12, #csv)
    -- a context holding a comma is quoted
    assert.equal('dinner-1962-11-01,18,45,"Cuba, by the forces of the International",Red Cross,'
      .. ". Stevenson says that the United States", csv[2])
  end)

  it("prints a concordance for the terminal by default, every match in one column", function()
    local out = lines(kwic("guantanamo"))
    assert.matches("^doc +line +col +left +match +right$", out[1])
    assert.matches("^[─ ]+$", out[2])
    assert.equal(grep("guant(a|á)namo"), #out - 2)
    local column
    for i = 3, #out do
      local before = out[i]:match("^(.-)%[[Gg][Uu][Aa][Nn][Tt].-%]  ")
      assert.truthy(before, out[i])
      assert.matches("^[%w-]+ +%d+ +%d+ ", before)
      column = column or parley.text.width(before)
      assert.equal(column, parley.text.width(before))  -- 40 columns of left context, padded
    end
  end)

  it("takes --width, --sort, --limit and --where", function()
    local rows = cjson.decode(kwic("quarantine", "--format", "json", "--width", "8"))
    for _, r in ipairs(rows) do
      assert.is_true(utf8.len(r.left) <= 8 and utf8.len(r.right) <= 8)
    end
    assert.equal("of the “", rows[1].left)  -- 8 characters
    local function key(r) return ("%s:%05d:%05d"):format(r.doc, r.line, r.col) end
    -- sorted by the word left of the match: "the" before all others here
    local sorted = cjson.decode(kwic("red cross", "--sort", "left", "--format", "json"))
    assert.equal(11, #sorted)
    local byleft = {}
    for i, r in ipairs(sorted) do byleft[i] = r.left:match("(%S+)$"):lower() end
    for i = 2, #byleft do assert.is_true(byleft[i - 1] <= byleft[i], table.concat(byleft, " ")) end
    local moved = false  -- and that is not the corpus order
    for i = 2, #sorted do moved = moved or key(sorted[i]) < key(sorted[i - 1]) end
    assert.is_true(moved)
    local all = cjson.decode(kwic("the", "--format", "json"))
    local some = cjson.decode(kwic("the", "--format", "json", "--limit", "3"))
    assert.equal(3, #some)
    for i = 1, 3 do assert.equal(key(all[i]), key(some[i])) end
    assert.equal(grep("the"), #all)
    local tel = cjson.decode(kwic("quarantine", "--where", "type=telegram", "--format", "json"))
    assert.equal(grep("quarantine", { h.telegram }), #tel)
    for _, r in ipairs(tel) do assert.equal("telegram-1962-11-02", r.doc) end
    local both = cjson.decode(kwic("quarantine", "--where", "type=telegram", "--where", "type=transcript",
      "--format", "json"))
    assert.equal(grep("quarantine"), #both)
  end)

  it("says on a terminal that a query found nothing, and prints an empty table into a pipe", function()
    -- a terminal: script(1) (util-linux) runs the command on a pseudo-terminal
    local p = assert(io.popen("script -qec " .. h.shquote(h.shquote(h.bin) .. " kwic nosuchword") .. " /dev/null"))
    local tty = p:read("a")
    p:close()
    assert.equal("no matches for 'nosuchword'\r\n", tty)
    local out = lines(kwic("nosuchword"))
    assert.equal(2, #out)                     -- the header and its rule: an empty table
    assert.equal("doc,line,col,left,match,right\r\n", kwic("nosuchword", "--format", "csv"))
  end)

  it("reads the corpus named by --corpus", function()
    local dir = h.tmpdir()
    h.write(dir .. "/1962-11-05-memo.txt", "The Red Cross ships.\nNo red\ncross here: Red Cross.\n")
    h.write(dir .. "/notes.md", "nothing\n")
    local rows = cjson.decode(kwic("red cross", "--corpus", dir, "--format", "json"))
    assert.equal(grep("red[[:space:]]+cross", { dir .. "/1962-11-05-memo.txt" }), #rows)
    assert.same({ "1962-11-05-memo", 1, 5 }, { rows[1].doc, rows[1].line, rows[1].col })
    assert.same({ 2, 4 }, { rows[2].line, rows[2].col })
    assert.same({ 3, 13 }, { rows[3].line, rows[3].col })
    -- a repaired corpus
    h.write(dir .. "/bad.txt", "Red \xFFCross\n")
    local err = mistake("red", "--corpus", dir)
    assert.equal("parley: kwic: " .. dir .. "/bad.txt:1:5: invalid UTF-8 sequence (byte 0xFF)" .. REPAIR .. "\n", err)
    local out, err2, code = h.run({ "kwic", "red", "--corpus", dir, "--repair", "--format", "tsv" })
    assert.equal(0, code)
    assert.equal("parley: warning: " .. dir .. "/bad.txt: replaced 1 invalid UTF-8 sequence with U+FFFD\n", err2)
    assert.equal(4 + 1, #lines(out))
  end)

  it("reports an unknown option, naming it", function()
    local err = mistake("red cross", "--wdith", "10")
    assert.matches("^parley: kwic: unknown option '%-%-wdith'", err)
    err = mistake("-x", "red")
    assert.matches("^parley: kwic: unknown option '%-x'", err)
  end)

  it("reports a missing query, pointing to the help", function()
    local err = mistake()
    assert.equal("parley: kwic: missing QUERY (parley kwic --help lists the options)\n", err)
    local out, code
    out, err, code = h.run({ "kwic", "--help" })
    assert.equal(0, code)
    assert.equal("", err)
    assert.matches("^usage: parley kwic QUERY", out)
  end)

  it("reports bad option values", function()
    local err = mistake("cuba", "--format", "xml")
    assert.matches("^parley: kwic: option '%-%-format' must be one of tty, tsv, csv, json, md, html, got 'xml'", err)
    err = mistake("cuba", "--sort", "up")
    assert.matches("^parley: kwic: option '%-%-sort' must be one of doc, left, right, match, got 'up'", err)
    err = mistake("cuba", "--width", "0")
    assert.matches("^parley: kwic: option '%-%-width' needs a whole number of at least 1, got '0'", err)
    err = mistake("cuba", "--limit", "many")
    assert.matches("^parley: kwic: option '%-%-limit' needs a whole number of at least 0, got 'many'", err)
    err = mistake("cuba", "--width")
    assert.matches("^parley: kwic: option '%-%-width' needs a value", err)
    err = mistake("cuba", "--where", "telegram")
    assert.equal("parley: kwic: --where needs attr=value, got 'telegram'\n", err)
    err = mistake("cuba", "--where", "archive=AVPRF")
    assert.matches("^parley: kwic: no region kind has attribute 'archive' %(attributes: [^)]*speaker[^)]*%)\n$", err)
    local _, qerr, code = h.run({ "kwic", '"red cross' })  -- a query's fault: three lines, with a caret
    assert.equal(1, code)
    assert.equal('parley: kwic: bad query: this " has no closing "\n  "red cross\n  ^\n', qerr)
  end)

  it("reports a corpus folder that does not exist", function()
    local dir = h.tmpdir() .. "/nowhere"
    local err, out = mistake("cuba", "--corpus", dir)
    assert.equal("parley: kwic: " .. dir .. ": no such corpus folder\n", err)
    assert.equal("", out)
  end)
end)
