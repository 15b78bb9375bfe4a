-- The corpus layer: parley.open on the bundled corpus and on folders written
-- here (with and without a manifest), manifest mistakes, hostile sources (BOM,
-- CRLF, NFD, invalid UTF-8, NUL, empty files), documents, regions,
-- sub-corpora and closing.  Expected values come from the files themselves,
-- read here, never from parley's own output.
local h = require "spec.helpers"
local parley = require "parley"
local text = require "parley.text"
local tokenizer = require "parley.tokenizer"
-- what the loader's message on invalid UTF-8 suggests
local REPAIR = "; --repair (repair = true in parley.open) replaces invalid UTF-8 with U+FFFD"

local dinner = assert(h.read(h.dinner))
local telegram = assert(h.read(h.telegram))
local bundled = assert(dofile(h.corpus .. "/corpus.lua"))

local BOM = "\xEF\xBB\xBF"
local FFFD = "\xEF\xBF\xBD"
local ACUTE = "\xCC\x81"  -- U+0301 COMBINING ACUTE ACCENT

local function esc(s) return (s:gsub("%p", "%%%0")) end

-- A corpus folder holding files { [name] = contents } (a table value is a folder).
local function folder(files)
  local dir = h.tmpdir()
  local function fill(d, t)
    for name, data in pairs(t) do
      if type(data) == "table" then
        os.execute("mkdir -p " .. h.shquote(d .. "/" .. name))
        fill(d .. "/" .. name, data)
      else
        h.write(d .. "/" .. name, data)
      end
    end
  end
  fill(dir, files)
  return dir
end

local open = h.open

-- parley.open must fail: returns the message.
local function refused(dir, opts)
  local c, msg = parley.open(dir, opts)
  assert.is_nil(c)
  assert.is_string(msg)
  return msg
end

-- Lines of s (without their ends), as an editor counts them.
local function split_lines(s)
  local out = {}
  for line in (s .. "\n"):gmatch("(.-)\n") do out[#out + 1] = line end
  if s:sub(-1) == "\n" then out[#out] = nil end
  return out
end

-- Line and column (in characters) of byte offset at in s.
local function line_col(s, at)
  local before = s:sub(1, at - 1)
  local line = select(2, before:gsub("\n", "")) + 1
  local from = (before:match(".*\n()") or 1)
  return line, utf8.len(s, from, at - 1) + 1
end

local ids = h.ids

-- Counts as tables and summaries show them: groups of three digits from 10 000 on.
local function grouped(n)
  if n < 10000 then return tostring(n) end
  return (tostring(n):reverse():gsub("(%d%d%d)", "%1 "):reverse():gsub("^ ", ""))
end

describe("parley.open", function()
  after_each(h.cleanup)

  describe("the bundled corpus", function()
    it("is the default and is described by its manifest", function()
      local c = open()
      local ntok = #tokenizer.tokens(dinner) + #tokenizer.tokens(telegram)
      assert.equal(("<corpus %s: 2 documents, %s tokens>"):format(bundled.name, grouped(ntok)),
        tostring(c))
      assert.equal(bundled.name, c.name)
      assert.equal(bundled.title, c.title)
      local st = c:stats()
      assert.equal(2, st.documents)
      assert.equal(ntok, st.tokens)
      assert.equal(ntok, st.size)
      assert.equal(h.corpus .. "/.parley/index", st.path)
      assert.same({ bundled.documents[1].id, bundled.documents[2].id }, ids(c))
      -- the same corpus, named explicitly (a trailing slash is fine)
      local named = open(h.corpus .. "/")
      assert.equal(tostring(c), tostring(named))
      assert.equal(c.index_path, named.index_path)
    end)

    it("gives every document the fields of its manifest entry", function()
      local c = open()
      for i, entry in ipairs(bundled.documents) do
        local d = c:doc(entry.id)
        assert.equal(i, d.number)
        assert.equal(entry.id, d.id)
        assert.equal(h.corpus .. "/" .. entry.path, d.path)
        for k, v in pairs(entry) do
          assert.same(v, d.meta[k], "meta." .. k)
        end
        assert.equal(entry.id, c:doc(i).id)
      end
      assert.same({ "G. Zhukov", "Yu. Vinogradov" }, c:doc("dinner-1962-11-01").meta.note_takers)
      assert.equal("CC CPSU", c:doc("telegram-1962-11-02").meta.recipient)
    end)

    it("makes the string fields attributes of the document regions", function()
      local c = open()
      local regions = c:regions("document")
      assert.equal(2, #regions)
      for i, entry in ipairs(bundled.documents) do
        local attrs = regions[i].attrs
        for k, v in pairs(entry) do
          if k ~= "path" and type(v) == "string" then assert.equal(v, attrs[k], k) end
        end
        assert.is_nil(attrs.note_takers)  -- a list is not an attribute
        assert.is_nil(attrs.path)
      end
      -- a field only the telegram has is empty for the record
      assert.equal("A. I. Mikoyan", regions[2].attrs.author)
      assert.equal("", regions[1].attrs.author)
    end)
  end)

  describe("a folder without a manifest", function()
    it("is a corpus of its .txt and .md files, with metadata from their names", function()
      local dir = folder({
        ["1962-11-01-memo.txt"] = "Memo on the Red Cross.\n",
        ["1962-10-27_black-saturday.md"] = "# Black Saturday\n\nRed Cross ships.\n",
        ["notes.txt"] = "notes\n",
        ["readme.rst"] = "not a document\n",
        ["data.csv"] = "a,b\n",
        ["sub"] = { ["inner.txt"] = "not read either\n" },
      })
      local c = open(dir)
      assert.same({ "1962-10-27_black-saturday", "1962-11-01-memo", "notes" }, ids(c))
      local want = {
        ["1962-10-27_black-saturday"] = { title = "black saturday", date = "1962-10-27",
                                          path = "1962-10-27_black-saturday.md" },
        ["1962-11-01-memo"] = { title = "memo", date = "1962-11-01", path = "1962-11-01-memo.txt" },
        ["notes"] = { title = "notes", path = "notes.txt" },
      }
      for d in c:docs() do
        local w = want[d.id]
        assert.equal(w.title, d.meta.title)
        assert.equal(w.date, d.meta.date)
        assert.equal(w.path, d.meta.path)
        assert.equal(dir .. "/" .. w.path, d.path)
      end
      assert.equal(dir:match("[^/]+$"), c.name)
      assert.equal(2, c:count("red cross"))
      assert.equal(0, c:count("document"))
      assert.equal(1, c:where{ date = "1962-11-01" }:count("red cross"))
    end)

    it("may be empty", function()
      local c = open(folder({ ["readme.rst"] = "nothing to index\n" }))
      assert.equal(0, c:stats().documents)
      assert.equal(0, c:stats().tokens)
      assert.equal(0, c:count("nothing"))
      assert.equal(0, #c:find("nothing"))
      assert.same({}, ids(c))
      assert.equal(0, #c:freq())
    end)
  end)

  describe("a manifest with a mistake", function()
    local cases = {
      { "return 42", "the manifest must return a table, not a number (42)" },
      { "return { documents = 'a.txt' }", "'documents' must be a list of documents { path = …, … }, not a string" },
      { "return { documents = { 'a.txt' } }", "documents[1]: must be a table { path = …, … }, not a string" },
      { "return { documents = { { id = 'a' } } }", "documents[1]: 'path' must be the path of a file in the corpus folder, not nothing" },
      { "return { documents = { { path = 'a.txt', id = 7 } } }", "documents[1] (a.txt): 'id' must be a string, not a number (7)" },
      { "return { documents = { { path = 'a.txt', id = 'x' }, { path = 'b.txt', id = 'y' },\n"
        .. "  { path = 'b.txt', id = 'x' } } }", "documents[3] (b.txt): duplicate id 'x' (also documents[1])" },
      -- ids guessed from the paths clash too
      { "return { documents = { { path = 'a.txt' }, { path = 'a.md' } } }",
        "documents[2] (a.md): duplicate id 'a' (also documents[1])" },
      { "return { name = {}, documents = {} }", "'name' must be a string, not a table" },
    }
    for _, bad_date in ipairs({ "'Nov 1, 1962'", "'1962-13-01'", "'1962-11-31'", "'1962-02-29'",
                                "'1962-11-1'", "'62-11-01'", "1962", "'1962-11-01 noon'" }) do
      cases[#cases + 1] = { ("return { documents = { { path = 'a.txt', date = %s } } }"):format(bad_date),
                            "documents[1] (a.txt): 'date' must be an ISO 8601 date such as 1962-11-01" }
    end

    for _, case in ipairs(cases) do
      it("is refused, naming corpus.lua: " .. case[2], function()
        local dir = folder({ ["a.txt"] = "a\n", ["b.txt"] = "b\n", ["a.md"] = "a\n", ["corpus.lua"] = case[1] })
        assert.equal(dir .. "/corpus.lua: " .. case[2], refused(dir))
        -- nothing was built
        assert.is_nil(h.read(dir .. "/.parley/index"))
      end)
    end

    it("accepts ISO 8601 dates of every precision, leap days included", function()
      for _, date in ipairs({ "1962", "1962-11", "1962-11-01", "1964-02-29", "2000-02-29",
                              "1962-11-01T21:30" }) do
        local dir = folder({ ["a.txt"] = "a\n",
          ["corpus.lua"] = ("return { documents = { { path = 'a.txt', date = %q } } }"):format(date) })
        assert.equal(date, open(dir):doc(1).meta.date)
      end
    end)

    it("is refused with the line of a syntax error", function()
      local dir = folder({ ["a.txt"] = "a\n",
        ["corpus.lua"] = "return {\n  documents = {\n    { path = 'a.txt' \n    { path = 'b.txt' },\n  },\n}\n" })
      assert.matches("^" .. esc(dir) .. "/corpus%.lua:4: '}' expected %(to close '{' at line 3%) near '{'$",
        refused(dir))
    end)

    it("is refused with the line of a runtime error, and runs with the safe standard functions only", function()
      local dir = folder({ ["a.txt"] = "a\n", ["corpus.lua"] = "local n = nil\nreturn { documents = n .. 'x' }\n" })
      assert.matches("^" .. esc(dir) .. "/corpus%.lua:2: attempt to concatenate a nil value", refused(dir))
      h.write(dir .. "/corpus.lua", "return { documents = { { path = io.read('l') } } }")
      assert.matches("^" .. esc(dir) .. "/corpus%.lua:1: attempt to index a nil value %(global 'io'%)",
        refused(dir))
      -- string, table, math, ipairs … are there (spec/30-errors_spec.lua lists them)
      h.write(dir .. "/corpus.lua", "local d = {} for _, p in ipairs { 'A.TXT' } do d[#d + 1] = { path = string.lower(p) } end "
        .. "return { documents = d }")
      assert.same({ "a" }, h.ids(open(dir)))
    end)

    it("that names a missing source is refused with the source's path", function()
      local dir = folder({ ["a.txt"] = "a\n",
        ["corpus.lua"] = "return { documents = { { path = 'a.txt' }, { path = 'gone.txt' } } }" })
      assert.equal(dir .. "/gone.txt: No such file or directory", refused(dir))
      h.write(dir .. "/corpus.lua", "return { documents = { { path = 'sub' } } }")
      os.execute("mkdir " .. h.shquote(dir .. "/sub"))
      assert.equal(dir .. "/sub: not a regular file", refused(dir))
    end)

    it("or no folder at all is refused", function()
      local dir = folder({ ["a.txt"] = "a\n" })
      assert.equal(dir .. "/nope: no such corpus folder", refused(dir .. "/nope"))
      assert.equal(dir .. "/a.txt: not a folder", refused(dir .. "/a.txt"))
    end)
  end)

  describe("sources", function()
    it("lose a byte order mark, which is not a column", function()
      local dir = folder({ ["bom.txt"] = BOM .. "Red Cross ships\nand the Red Cross\n" })
      local c = open(dir)
      local d = c:doc("bom")
      assert.equal("Red Cross ships\nand the Red Cross\n", d:text())
      assert.equal("Red", d:tokens()[1].text)
      assert.equal(1, d:tokens()[1].start)
      local hits = c:find("red cross")
      assert.equal(2, #hits)
      assert.same({ 1, 1, 1, 9 }, { hits[1].line, hits[1].col, hits[1].start, hits[1].stop })
      assert.same({ 2, 9 }, { hits[2].line, hits[2].col })
    end)

    it("with CRLF or CR line ends keep their line numbers", function()
      local dir = folder({ ["crlf.txt"] = dinner:gsub("\n", "\r\n"), ["cr.txt"] = dinner:gsub("\n", "\r") })
      local c = open(dir)
      assert.equal(dinner, c:doc("crlf"):text())
      assert.equal(dinner, c:doc("cr"):text())
      -- where "red cross" is in the LF original, found here by hand
      local lower, want = dinner:lower(), {}
      for at in lower:gmatch("%f[%w]()red%s+cross%f[%W]") do
        local line, col = line_col(dinner, at)
        want[#want + 1] = line .. ":" .. col
      end
      assert.equal(11, #want)  -- all eleven of the corpus are in the record (grep)
      for _, id in ipairs({ "cr", "crlf" }) do
        local got = {}
        for _, hit in ipairs(c:where{ id = id }:find("red cross"):totable()) do
          got[#got + 1] = hit.line .. ":" .. hit.col
        end
        assert.same(want, got)
      end
    end)

    it("in NFD are composed, and found by folded and exact queries", function()
      local nfd = "The base at Guanta" .. ACUTE .. "namo.\nCafe" .. ACUTE .. " and GUANTA" .. ACUTE .. "NAMO again\n"
      local c = open(folder({ ["nfd.txt"] = nfd }))
      local d = c:doc("nfd")
      assert.equal(text.normalize(nfd, "NFC"), d:text())
      assert.equal("The base at Guantánamo.\nCafé and GUANTÁNAMO again\n", d:text())
      assert.equal(2, c:count("guantanamo"))
      assert.equal(2, c:count("Guantánamo"))
      assert.equal(1, c:count("=Guantánamo"))
      assert.equal(1, c:count("=Guanta" .. ACUTE .. "namo"))  -- a decomposed query too
      assert.equal(1, c:count("cafe"))
      local hits = c:find("guantanamo")
      assert.same({ 1, 13 }, { hits[1].line, hits[1].col })
      assert.equal(2, hits[2].line)
      assert.equal("GUANTÁNAMO", hits[2].match)
    end)

    it("with invalid UTF-8 are refused with file, line and column", function()
      -- line 3 is "thré" (4 characters, 5 bytes) and then the bad byte: column 5
      local dir = folder({ ["good.txt"] = "fine\n", ["x.txt"] = "line one\nline two\nthré\xC0e\n" })
      assert.equal(dir .. "/x.txt:3:5: invalid UTF-8 sequence (byte 0xC0)" .. REPAIR, refused(dir))
      -- the same with CRLF line ends and a BOM, which count neither as lines nor as columns
      h.write(dir .. "/x.txt", BOM .. "line one\r\nline two\r\nthré\xC0e\r\n")
      assert.equal(dir .. "/x.txt:3:5: invalid UTF-8 sequence (byte 0xC0)" .. REPAIR, refused(dir))
      -- a surrogate half after two dashes of three bytes each: line 1, column 3
      h.write(dir .. "/x.txt", "——\xED\xA0\x80")
      assert.matches("^" .. esc(dir) .. "/x%.txt:1:3: invalid UTF%-8 sequence", refused(dir))
    end)

    it("with invalid UTF-8 are repaired when asked, warning once per file", function()
      local dir = folder({
        ["a.txt"] = "Red Cross \xC0 here\n\xFF\xFE\nline two\n",  -- three bad sequences
        ["b.txt"] = "ok\nbad \xE2\x80 end\n",                       -- one (truncated)
        ["c.txt"] = "clean Red Cross\n",
      })
      local code = ("local c = assert(parley.open(%q, { repair = true }))\n"):format(dir)
        .. "print(c:count('red cross'), c:count('here'), c:count('end'))\n"
        .. "io.write(c:doc('a'):text(), c:doc('b'):text())"
      local want = "2\t1\t1\nRed Cross " .. FFFD .. " here\n" .. FFFD .. FFFD .. "\nline two\n"
        .. "ok\nbad " .. FFFD .. " end\n"
      local out, err, status = h.run({ "-e", code })
      assert.equal(0, status)
      assert.equal(want, out)
      assert.equal("parley: warning: " .. dir .. "/a.txt: replaced 3 invalid UTF-8 sequences with U+FFFD\n"
        .. "parley: warning: " .. dir .. "/b.txt: replaced 1 invalid UTF-8 sequence with U+FFFD\n", err)
      -- the repaired index is reused, without a second warning
      out, err, status = h.run({ "-e", code })
      assert.equal(0, status)
      assert.equal(want, out)
      assert.equal("", err)
      -- but a strict open does not accept what was repaired
      assert.equal(dir .. "/a.txt:1:11: invalid UTF-8 sequence (byte 0xC0)" .. REPAIR, refused(dir))
    end)

    it("holding a NUL byte are refused as binary, even when repairing", function()
      local dir = folder({ ["b.txt"] = "ab\ncd\0ef\n" })
      assert.equal(dir .. "/b.txt:2:3: binary file (NUL byte)", refused(dir))
      assert.equal(dir .. "/b.txt:2:3: binary file (NUL byte)", refused(dir, { repair = true }))
    end)

    it("may be empty", function()
      local dir = folder({ ["a.txt"] = "Red Cross\n", ["b-empty.txt"] = "", ["c.txt"] = "red cross cross\n",
                           ["d-blank.txt"] = "\n\n  \n" })
      local c = open(dir)
      assert.same({ "a", "b-empty", "c", "d-blank" }, ids(c))
      assert.equal(3, c:count("cross"))
      local e = c:doc("b-empty")
      assert.equal("", e:text())
      assert.same({}, e:tokens())
      assert.same({}, c:doc("d-blank"):tokens())
      assert.same({ "a", "b-empty", "c", "d-blank" }, (function()
        local out = {}
        for _, r in ipairs(c:regions("document")) do out[#out + 1] = r.attrs.id end
        return out
      end)())
      assert.same({ "b-empty" }, ids(c:where{ id = "b-empty" }))
      assert.same({ "c" }, ids(c:where{ id = "c" }))
      assert.equal(0, c:where{ id = "b-empty" }:count("cross"))
      -- a corpus of empty documents only
      local empty = open(folder({ ["x.txt"] = "", ["y.md"] = "" }))
      assert.same({ "x", "y" }, ids(empty))
      assert.equal(0, empty:stats().tokens)
      assert.equal(0, empty:count("x"))
      assert.equal(0, #empty:freq())
      assert.equal(0, #empty:ngrams(2))
    end)
  end)
end)

describe("documents", function()
  local c = open()
  local sources = { dinner, telegram }

  it("are iterated in manifest order by a stateless iterator", function()
    local f, s, ctl = c:docs()
    assert.is_nil(ctl)
    local first = f(s, ctl)
    local second = f(s, first)
    assert.equal("dinner-1962-11-01", first.id)
    assert.equal("telegram-1962-11-02", second.id)
    assert.is_nil(f(s, second))
    assert.equal("telegram-1962-11-02", f(s, first).id)  -- the same step again
  end)

  it("are found by id or number", function()
    assert.equal(2, c:doc("telegram-1962-11-02").number)
    assert.equal("dinner-1962-11-01", c:doc(1).id)
    assert.is_nil(c:doc("nope"))
    assert.is_nil(c:doc(0))
    assert.is_nil(c:doc(3))
    assert.matches("^<document dinner%-1962%-11%-01: %d+ tokens>$", tostring(c:doc(1)))
  end)

  it("give their text, lines and line starts", function()
    for d in c:docs() do
      local src = sources[d.number]
      assert.is_true(d:text() == src, d.id)  -- the seed files are NFC with LF ends
      local lines = d:lines()
      assert.same(split_lines(src), lines)
      local starts = d:line_starts()
      assert.is_true(#starts >= #lines)
      for i, line in ipairs(lines) do
        assert.equal(line, src:sub(starts[i], starts[i] + #line - 1))
        assert.is_true(starts[i] == 1 or src:sub(starts[i] - 1, starts[i] - 1) == "\n")
      end
    end
    assert.equal(479, #c:doc(1):lines())  -- wc -l
    assert.equal(38, #c:doc(2):lines())
  end)

  it("give their tokens as the tokenizer splits their text, numbered across the corpus", function()
    local pos = 0
    for d in c:docs() do
      local mine = tokenizer.tokens(sources[d.number])
      local theirs = d:tokens()
      assert.equal(#mine, #theirs)
      for i, t in ipairs(theirs) do
        local m = mine[i]
        if t.text ~= m.text or t.start ~= m.start or t.stop ~= m.stop or t.pos ~= pos or t.doc ~= d.number then
          error(("token %d of %s: %s %d..%d pos %d"):format(i, d.id, t.text, t.start, t.stop, t.pos))
        end
        pos = pos + 1
      end
    end
    assert.equal(c:stats().tokens, pos)
    assert.equal("*", c:doc(2):tokens()[1].text)
  end)
end)

describe("regions", function()
  local c = open()
  local sources = { dinner, telegram }

  -- positions of the tokens the tokenizer flags with field, across the corpus
  local function flagged(field)
    local out, base = {}, 0
    for _, src in ipairs(sources) do
      local toks = tokenizer.tokens(src)
      for i, t in ipairs(toks) do
        if t[field] then out[#out + 1] = base + i - 1 end
      end
      base = base + #toks
    end
    return out, base
  end

  for _, kind in ipairs({ "sentence", "paragraph" }) do
    it("of kind " .. kind .. " start where the tokenizer starts one and tile the documents", function()
      local starts, total = flagged(kind)
      local regions = c:regions(kind)
      assert.equal(#starts, #regions)
      assert.is_true(#regions > (kind == "sentence" and 300 or 100))
      local ndinner = #tokenizer.tokens(dinner)
      for i, r in ipairs(regions) do
        assert.equal(kind, r.kind)
        assert.equal(starts[i], r.pos)
        local stop = (starts[i + 1] or total) - 1
        if starts[i] < ndinner and stop >= ndinner then stop = ndinner - 1 end  -- not across documents
        assert.equal(stop, r.stop_pos)
        assert.equal(r.pos < ndinner and "dinner-1962-11-01" or "telegram-1962-11-02", r.doc)
      end
    end)
  end

  it("of kind document span each document, with its attributes and first line", function()
    local regions = c:regions("document")
    local ndinner, ntel = #tokenizer.tokens(dinner), #tokenizer.tokens(telegram)
    assert.same({ 0, ndinner - 1 }, { regions[1].pos, regions[1].stop_pos })
    assert.same({ ndinner, ndinner + ntel - 1 }, { regions[2].pos, regions[2].stop_pos })
    assert.equal("transcript", regions[1].attrs.type)
    assert.equal("telegram", regions[2].attrs.type)
    -- the telegram opens with blank lines: its first token is on line 5
    assert.equal(1, regions[1].line)
    assert.equal(select(2, telegram:match("^(%s*)"):gsub("\n", "")) + 1, regions[2].line)
    assert.equal(5, regions[2].line)
  end)

  it("of an unknown kind raise", function()
    assert.error_matches(function() c:regions("chapter") end, "no region kind 'chapter'")
  end)
end)

describe("sub-corpora", function()
  local c = open()

  -- occurrences of a lower-case word in s, by hand
  local function words_in(s, w)
    return select(2, s:lower():gsub("%f[%w]" .. w .. "%f[%W]", ""))
  end

  it("restrict every query to the documents whose attributes match", function()
    local tel = c:where{ type = "telegram" }
    local rec = c:where{ type = "transcript" }
    assert.equal(words_in(telegram, "quarantine"), tel:count("quarantine"))
    assert.equal(words_in(dinner, "quarantine"), rec:count("quarantine"))
    assert.equal(5, tel:count("quarantine"))
    assert.equal(#tel:find("quarantine"), tel:count("quarantine"))
    assert.equal(5, #tel:kwic("quarantine"))
    for _, hit in ipairs(tel:find("quarantine"):totable()) do assert.equal("telegram-1962-11-02", hit.doc) end
    assert.same({ "telegram-1962-11-02" }, ids(tel))
    assert.same({ "dinner-1962-11-01" }, ids(rec))
    assert.equal(#tokenizer.tokens(telegram), tel:stats().size)
    assert.equal(#tokenizer.tokens(telegram) + #tokenizer.tokens(dinner), tel:stats().tokens)
    assert.matches("^<corpus cmc%-1962 where type=telegram: [%d ]+ tokens>$", tostring(tel))
    assert.equal(1, #tel:regions("document"))
    assert.equal(words_in(telegram, "the"), tel:freq{ limit = 1 }[1].count)
  end)

  it("accept a list of values, ids, and nest", function()
    local both = c:where{ type = { "telegram", "transcript" } }
    assert.equal(c:count("the"), both:count("the"))
    assert.same(ids(c), ids(both))
    local one = both:where{ id = "telegram-1962-11-02" }
    assert.same({ "telegram-1962-11-02" }, ids(one))
    assert.equal(words_in(telegram, "stevenson"), one:count("stevenson"))
    assert.matches("where type=telegram|transcript id=telegram%-1962%-11%-02:", tostring(one))
    assert.same({}, ids(one:where{ type = "transcript" }))
  end)

  it("may be empty", function()
    local none = c:where{ type = "telegram" }:where{ type = "transcript" }
    assert.equal(0, none:count("the"))
    assert.equal(0, #none:find("the"))
    assert.same({}, ids(none))
    assert.equal(0, none:stats().size)
    assert.equal(0, #none:freq())
  end)

  it("raise for a value no region has, naming the values there are", function()
    assert.error_matches(function() c:where{ type = "memo" } end,
      "no documents where type=memo; types are: telegram, transcript")
    assert.error_matches(function() c:where{ speaker = "McCoy" } end,
      "no turns where speaker=McCoy; speakers are: A%. I%. Mikoyan, Adlai Stevenson, John McCloy")
    -- a list may name values some region lacks, as long as one is there
    assert.equal(c:where{ type = "telegram" }:size(), c:where{ type = { "telegram", "memo" } }:size())
  end)

  it("take a speaker under any name the person register gives them", function()
    local full = c:where{ speaker = "John McCloy" }
    assert.is_true(full:size() > 0)
    for _, name in ipairs({ "McCloy", "J. McCloy", "john j. mccloy" }) do
      assert.equal(full:size(), c:where{ speaker = name }:size())
      assert.equal(full:count("cuba"), c:where{ speaker = name }:count("cuba"))
    end
    assert.equal(c:where{ speaker = { "Adlai Stevenson", "John McCloy" } }:size(),
                 c:where{ speaker = { "Stevenson", "McCloy" } }:size())
  end)

  it("raise for an attribute no region kind has, or a filter that is not a table", function()
    assert.error_matches(function() c:where{ archive = "AVPRF" } end, "no region kind has attribute 'archive'")
    assert.error_matches(function() c:where("type=telegram") end, "bad argument #1 to 'where' %(a filter table expected, got string%)")
  end)
end)

describe("a closed corpus", function()
  after_each(h.cleanup)

  it("is closed at the end of a <close> block, and raises when used", function()
    local kept, doc, hits
    do
      local c <close> = open()
      kept, doc, hits = c, c:doc(2), c:find("cuba")
      assert.is_true(c:count("cuba") > 0)
    end
    for what, f in pairs({
      count = function() return kept:count("cuba") end,
      find = function() return kept:find("missile*") end,
      kwic = function() return kept:kwic("cuba", { format = "tsv" }) end,
      freq = function() return kept:freq():totable() end,
      docs = function() return kept:docs() end,
      doc = function() return kept:doc(1) end,
      text = function() return doc:text() end,
      hit = function() return hits[1] end,
      stats = function() return kept:stats() end,
    }) do
      local ok, err = pcall(f)
      assert.is_false(ok, what)
      assert.matches("attempt to use a closed corpus", tostring(err), nil, nil, what)
    end
    assert.matches("closed", tostring(kept))
    kept:close()  -- closing twice is fine
  end)

  it("closes its sub-corpora with it, and a fresh open works again", function()
    local c = open()
    local tel = c:where{ type = "telegram" }
    c:close()
    assert.error_matches(function() tel:count("cuba") end, "attempt to use a closed corpus")
    assert.is_true(open():count("cuba") > 0)
  end)

  it("closes a sub-corpus without closing its parent", function()
    local c = open()
    local kept
    do
      local t <close> = c:where{ type = "telegram" }
      kept = t
      assert.is_true(t:count("quarantine") > 0)
    end
    assert.is_true(c:count("quarantine") > 0)               -- the parent is open
    assert.is_true(c:where{ type = "telegram" }:count("quarantine") > 0)
    local ok, err = pcall(kept.count, kept, "cuba")          -- the sub-corpus itself is closed
    assert.is_false(ok)
    assert.matches("attempt to use a closed corpus", tostring(err))
    assert.matches("closed", tostring(kept))
    kept:close()
  end)
end)

describe("lines and columns", function()
  after_each(h.cleanup)

  it("count in the original file where normalisation changed the text", function()
    -- line 2 of the source: "The cafe + U+0301 at guantanamo": g is column 14 of the file
    -- (T h e _ c a f e ◌́ _ a t _ g), column 13 of the NFC text
    local dir = h.tmpdir()
    h.write(dir .. "/a.txt", "First line.\nThe cafe\xCC\x81 at guantanamo, again guantanamo\r\nLast: guantanamo.\n")
    local c = open(dir)
    local hits = c:find("guantanamo"):locate()
    assert.same({ { 2, 14 }, { 2, 32 }, { 3, 7 } }, { { hits[1].line, hits[1].col }, { hits[2].line, hits[2].col },
      { hits[3].line, hits[3].col } })
    local rows = c:kwic("guantanamo"):totable()
    assert.same({ 2, 14 }, { rows[1].line, rows[1].col })
    local found = c:scan(lpeg.P"guantanamo")
    assert.same({ 2, 14 }, { found[1].line, found[1].col })
    assert.same({ 2, 14 }, { c:at{ hits[1].pos }[1].line, c:at{ hits[1].pos }[1].col })
    -- a word before the change keeps its column; the text itself is NFC
    assert.equal(5, c:find("cafe")[1].col)
    assert.truthy(c:doc(1):text():find("café", 1, true))
  end)
end)
