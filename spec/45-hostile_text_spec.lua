-- Hostile names and hostile text, all made here at run time in temporary
-- folders: document names (file names and manifest ids) that hold line ends,
-- tabs, markup, bytes that are not UTF-8 and 300 bytes, in every output
-- format; grammar results that break the contract of docs/grammars.md ("The
-- result of parse"); and sources with invalid UTF-8 of every kind, NUL bytes,
-- a 50 MB line, CR and mixed line ends, a BOM, empty and blank files, and
-- unbalanced brackets and quotes for every bundled grammar and TEI.  Each
-- case either gives the right answer, counted here from the bytes by the
-- rules the docs state (docs/lua-api.md, Corpora and Output), or a clear
-- error naming file, line and column with a non-zero exit; never a crash or
-- a document silently left out.
local h = require "spec.helpers"
local parley = require "parley"
local cjson = require "cjson"

local FORMATS = { "tty", "tsv", "csv", "json", "md", "html" }
local BOM = "\xEF\xBB\xBF"

-- A folder holding files { name = bytes } (names may hold any byte but "/" and NUL).
local function folder(files)
  local dir = h.tmpdir()
  for name, bytes in pairs(files) do h.write(dir .. "/" .. name, bytes) end
  return dir
end

-- s with every byte that does not start a valid UTF-8 sequence (Lua's strict
-- decoder: no overlong forms, surrogates or values above U+10FFFF) as U+FFFD.
local function each_bad_byte(s)
  local out, i = {}, 1
  while i <= #s do
    local ok, cp = pcall(utf8.codepoint, s, i)
    if ok then
      local ch = utf8.char(cp)
      out[#out + 1] = ch
      i = i + #ch
    else
      out[#out + 1] = "\u{FFFD}"
      i = i + 1
    end
  end
  return table.concat(out)
end

-- The line and column (1-based, in characters) of byte `at` of a source, by
-- docs/lua-api.md: a BOM at the start is no column; LF, CRLF and CR alone
-- each end a line.  The bytes before `at` must be valid UTF-8.
local function position(bytes, at)
  local i, line, col = 1, 1, 1
  if bytes:sub(1, 3) == BOM then i = 4 end
  while i < at do
    local c = bytes:byte(i)
    if c == 13 or c == 10 then
      if c == 13 and bytes:byte(i + 1) == 10 then i = i + 1 end
      line, col, i = line + 1, 1, i + 1
    else
      i = i + (c < 0x80 and 1 or c < 0xE0 and 2 or c < 0xF0 and 3 or 4)
      col = col + 1
    end
  end
  return line, col
end

-- Characters that s takes once repaired: a valid character is one, and so is
-- each maximal subpart of an invalid sequence (Unicode 15, § 3.9, U+FFFD
-- substitution of maximal subparts): its lead byte and the continuation bytes
-- that could still have completed it.
local function repaired_length(s)
  local second = { [0xE0] = { 0xA0, 0xBF }, [0xED] = { 0x80, 0x9F }, [0xF0] = { 0x90, 0xBF },
                   [0xF4] = { 0x80, 0x8F } }
  local n, i = 0, 1
  while i <= #s do
    local c = s:byte(i)
    local need = c < 0x80 and 0 or (c >= 0xC2 and c <= 0xDF) and 1 or (c >= 0xE0 and c <= 0xEF) and 2
      or (c >= 0xF0 and c <= 0xF4) and 3 or -1
    local k = 1
    if need > 0 then
      local lo, hi = table.unpack(second[c] or { 0x80, 0xBF })
      while k <= need do
        local b = s:byte(i + k)
        if not b or b < lo or b > hi then break end
        lo, hi, k = 0x80, 0xBF, k + 1
      end
    end
    n, i = n + 1, i + k
  end
  return n
end

-- ---------------------------------------------------------------- odd names

describe("document names that hold line ends, markup and bytes that are not UTF-8", function()
  local names = {
    "new\nline", "tab\there", "cr\rhere", "pipe|bar", "<script>alert(1)", "\xFF\xFE",
    "over\xC0\xAFlong", "surrogate\xED\xA0\x80", "above\xF4\x90\x80\x80", "truncated\xE2\x82",
    "esc\27[31mred", "amp&amp;", ("n"):rep(251),
  }
  local ids = {}
  for i, n in ipairs(names) do ids[i] = n end
  ids[#ids + 1] = ("i"):rep(300)      -- longer than a file name may be: an id in the manifest
  ids[#ids + 1] = "<script>alert(1)</script>"                    -- a / is no part of a file name

  -- A bare folder named by the files, and a manifest corpus with the ids.
  local function corpora()
    local files = {}
    for i, n in ipairs(names) do files[n .. ".txt"] = ("Hostile name %d quarantine.\n"):format(i) end
    local bare = folder(files)
    local m = { "return { name = 'hostile', documents = {" }
    files = { ["corpus.lua"] = "" }
    for i, id in ipairs(ids) do
      files["d" .. i .. ".txt"] = ("Hostile name %d quarantine.\n"):format(i)
      m[#m + 1] = ("  { path = 'd%d.txt', id = %q, title = %q },"):format(i, id, id .. "<b>")
    end
    m[#m + 1] = "} }"
    files["corpus.lua"] = table.concat(m, "\n")
    return { { bare, names }, { folder(files), ids } }
  end

  after_each(h.cleanup)

  -- The shown form of a name in md and html, read back: bytes that are not
  -- UTF-8 and controls as U+FFFD, a CR dropped, newline and tab kept.
  local function shown(id)
    return (each_bad_byte(id):gsub("\r", ""):gsub("\27", "\u{FFFD}"))
  end

  local function set(list)
    local out = {}
    for _, v in ipairs(list) do out[#out + 1] = v end
    table.sort(out)
    return out
  end

  it("keep every row whole and every format well-formed (kwic)", function()
    for _, c in ipairs(corpora()) do
      local dir, want = c[1], c[2]
      for _, fmt in ipairs(FORMATS) do
        local out, err, status = h.run({ "kwic", "quarantine", "--corpus", dir, "--format", fmt })
        assert.equal(0, status, err)
        local docs = {}
        if fmt == "json" then
          assert.truthy(utf8.len(out), "json must be UTF-8")
          for i, r in ipairs(cjson.decode(out)) do docs[i] = r.doc end
          local expect = {}
          for i, id in ipairs(want) do expect[i] = each_bad_byte(id) end
          assert.same(set(expect), set(docs))
        elseif fmt == "tsv" or fmt == "csv" then  -- data for programs: every byte as it was
          local rows = h[fmt](out)
          assert.equal(#want + 1, #rows)
          for i = 2, #rows do
            assert.equal(6, #rows[i], fmt .. " row " .. i)
            docs[#docs + 1] = rows[i][1]
          end
          assert.same(set(want), set(docs))
        elseif fmt == "md" or fmt == "html" then
          assert.truthy(utf8.len(out), fmt .. " must be UTF-8")
          assert.is_nil(out:find("<script", 1, true))
          assert.is_nil(out:find("[%z\1-\8\11-\31\127]"))
          local rows = h[fmt](out)
          assert.equal(#want + 1, #rows)
          for i = 2, #rows do
            assert.equal(6, #rows[i], fmt .. " row " .. i)
            docs[#docs + 1] = rows[i][1]
          end
          local expect = {}
          for i, id in ipairs(want) do expect[i] = shown(id) end
          assert.same(set(expect), set(docs))
        else
          assert.truthy(utf8.len(out), "tty must be UTF-8")
          assert.is_nil(out:find("[%z\1-\9\11-\31\127]"))     -- no tab, CR or ESC on a terminal
          local lines, matched = 0, 0
          for line in out:gmatch("[^\n]*\n") do
            lines = lines + 1
            if line:find("[quarantine]", 1, true) then matched = matched + 1 end
          end
          assert.equal(#want, matched)
          assert.equal(#want + 2, lines)                     -- a header and its rule
        end
      end
    end
  end)

  it("keep every row whole in a table made in Lua (overview)", function()
    local dir, want = corpora()[2][1], ids
    for _, fmt in ipairs(FORMATS) do
      local out, err, status = h.run({ "overview", "--corpus", dir, "--format", fmt })
      assert.equal(0, status, err)
      if fmt == "json" then
        local docs = {}
        for i, r in ipairs(cjson.decode(out)) do docs[i] = r.doc end
        local expect = {}
        for i, id in ipairs(want) do expect[i] = each_bad_byte(id) end
        assert.same(set(expect), set(docs))
      elseif fmt == "tsv" or fmt == "csv" then
        local rows = h[fmt](out)
        assert.equal(#want + 1, #rows)
        for i = 2, #rows do assert.equal(#rows[1], #rows[i]) end
      elseif fmt ~= "tty" then
        assert.truthy(utf8.len(out))
        assert.is_nil(out:find("<script", 1, true))
        local rows = h[fmt](out)
        assert.equal(#want + 1, #rows)
        for i = 2, #rows do assert.equal(#rows[1], #rows[i]) end
      else
        assert.truthy(utf8.len(out))
        assert.is_nil(out:find("[%z\1-\9\11-\31\127]"))
      end
    end
  end)

  it("are shown safely in compare's page", function()
    local report, record = "rep<script>\xFF\nx", "rec|\xC0\xAF"
    local dir = folder {
      ["corpus.lua"] = ("return { name = 'c<script>', documents = { { path = 'a.txt', id = %q, grammar = 'labelled' },"
        .. " { path = 'b.txt', id = %q, grammar = 'labelled' } } }"):format(report, record),
      ["a.txt"] = "SMITH: We agreed to lift the quarantine <b>now</b>.\nJONES: The inspection must go on.\n",
      ["b.txt"] = "SMITH: We agreed to lift the quarantine now.\nJONES: The inspection must go on.\n",
    }
    local out, err, status = h.run({ "compare", report, record, "--corpus", dir, "--format", "html" })
    assert.equal(0, status, err)
    assert.truthy(utf8.len(out))
    assert.is_nil(out:find("<script", 1, true))
    assert.is_nil(out:find("<b>", 1, true))
    assert.truthy(out:find("The report: rep&lt;script&gt;\u{FFFD}", 1, true))
    assert.truthy(out:find("The record: rec|\u{FFFD}\u{FFFD}", 1, true))
    out, err, status = h.run({ "compare", report, record, "--corpus", dir, "--format", "json" })
    assert.equal(0, status, err)
    assert.truthy(#cjson.decode(out) > 0)
  end)

  it("are cleaned in error messages", function()
    local name = "bad\n\xFF<\27[31m"
    local dir = folder { [name .. ".txt"] = "one\ntwo \xC0 three\n" }
    local _, err, status = h.run({ "kwic", "two", "--corpus", dir })
    assert.equal(1, status)
    assert.truthy(utf8.len(err), "stderr must be UTF-8")
    assert.is_nil(err:find("\27", 1, true))
    assert.truthy(err:find(dir .. "/bad\n\u{FFFD}<\u{FFFD}[31m.txt:2:5: invalid UTF-8 sequence (byte 0xC0)", 1, true), err)
  end)
end)

-- ---------------------------------------------------------------- grammar results

describe("a grammar's result that breaks the contract", function()
  after_each(h.cleanup)

  local TEXT = "Hello quarantine world.\nSecond line.\n"     -- 37 bytes

  -- A corpus of one document whose grammar is the corpus' grammars/mine.lua (not written yet).
  local function corpus_with()
    return folder {
      ["corpus.lua"] = "return { name = 'g', documents = { { path = 'a.txt', id = 'doc-a', grammar = 'mine' } } }",
      ["a.txt"] = TEXT,
    }
  end

  local function grammar_corpus(result)
    local dir = corpus_with()
    assert(os.execute("mkdir " .. h.shquote(dir .. "/grammars")))
    h.write(dir .. "/grammars/mine.lua", "return { name = 'mine', kinds = { turn = { 'speaker' } },\n"
      .. "  parse = function(text) return " .. result .. " end }\n")
    return dir
  end

  -- result code -> what the message must say after "FILE: grammar 'mine' (corpus grammars/mine.lua): "
  local cases = {
    { '"garbage"', 'parse must return { regions = { … }, meta = { … } }: it returned the string "garbage"' },
    { "42", "parse must return { regions = { … }, meta = { … } }: it returned 42" },
    { '{ regions = "x" }', 'its regions is the string "x", not a list of region tables' },
    { "{ regions = { 1, 2 } }", "cannot pass a number out of or into a sandbox (at result.regions[1]): it is 1, "
      .. "and a region is a table { kind =, start =, stop =, attrs = }" },
    { "{ regions = { n = 1 } }", 'its regions must be a list (keys 1 to n, no gaps), but holds the key "n"' },
    { "{ regions = { { kind = 'turn', start = 1, stop = 2 }, [3] = { kind = 'turn', start = 1, stop = 2 } } }",
      "its regions must be a list (keys 1 to n, no gaps), but holds the key 3" },
    { "{ regions = { { kind = 'turn', start = 0/0, stop = 5 } } }",
      "region #1 (turn) has a bad span NaN..5: start is NaN, not a finite whole number; start and stop are "
      .. "1-based byte offsets into the text, inclusive, as for string.sub" },
    { "{ regions = { { kind = 'turn', start = 1.5, stop = 5 } } }",
      "region #1 (turn) has a bad span 1.5..5: start is 1.5, not a whole number (round it: math.floor)" },
    { "{ regions = { { kind = 'turn', start = 1, stop = math.huge } } }",
      "region #1 (turn) has a bad span 1..inf: stop is inf, not a finite whole number" },
    { "{ regions = { { kind = 'turn', start = -math.huge, stop = 2 } } }",
      "start is -inf, not a finite whole number" },
    { "{ regions = { { kind = 'turn', start = '1', stop = 5 } } }", 'start is the string "1", not a number' },
    { "{ regions = { { kind = 'turn', start = 1 } } }", "stop is nothing (nil), not a number" },
    { "{ regions = { { kind = 'turn', start = -3, stop = 5 } } }", "start is -3, before the text's first byte" },
    { "{ regions = { { kind = 'turn', start = 0, stop = 3 } } }", "region #1 (turn) has a bad span 0..3" },
    { "{ regions = { { kind = 'turn', start = 1, stop = 38 } } }",
      "stop is 38, beyond the text's end (its last byte is 37)" },
    { "{ regions = { { kind = 'turn', start = 9, stop = 5 } } }",
      "stop (5) is before start (9); start and stop are 1-based byte offsets into the text, inclusive, as for "
      .. "string.sub (an empty region has stop = start - 1)" },
    { "{ regions = { { kind = '', start = 1, stop = 5 } } }",
      "region #1 is of undeclared kind '': its kind is the string \"\", and must be one the grammar declares in kinds ('turn')" },
    { "{ regions = { { start = 1, stop = 5 } } }", "its kind is nothing (nil)" },
    { "{ regions = { { kind = 7, start = 1, stop = 5 } } }", "its kind is 7" },
    { "{ regions = { { kind = 'sentence', start = 1, stop = 5 } } }", "region #1 is of undeclared kind 'sentence'" },
    { "{ regions = { { kind = ('é'):rep(150), start = 1, stop = 5 } } }",     -- cut at a character, not mid-way
      "region #1 is of undeclared kind '" .. ("é"):rep(20) .. "…': its kind is the string \"" .. ("é"):rep(20) .. "…\"" },
    { "{ regions = { { kind = 'turn', start = 1, stop = 5, attrs = 'x' } } }",
      'region #1 (turn): its attrs is the string "x", not a table of attribute values' },
    { "{ regions = { { kind = 'turn', start = 1, stop = 5, attrs = { speeker = 'x' } } } }",
      "region #1 (turn): its attrs has the attribute \"speeker\", which the grammar does not declare for kind "
      .. "'turn' (declared: 'speaker'); add it to kinds = { turn = { … } }" },
    { "{ regions = { { kind = 'turn', start = 1, stop = 5, attrs = { speaker = {} } } } }",
      "cannot pass a table out of or into a sandbox (at result.regions[1].attrs.speaker)" },
    { "{ regions = {}, meta = 5 }", "its meta is 5, not a table" },
  }

  it("is refused through the command line, naming file, grammar, field and rule", function()
    for _, case in ipairs(cases) do
      local dir = grammar_corpus(case[1])
      local out, err, status = h.run({ "kwic", "quarantine", "--corpus", dir, "--format", "tsv" })
      assert.equal(1, status, case[1])
      assert.equal("", out)
      local head = "parley: kwic: " .. dir .. "/a.txt: grammar 'mine' (corpus grammars/mine.lua): "
      assert.equal(head, err:sub(1, #head), err)
      assert.truthy(err:find(case[2], 1, true), case[1] .. "\n" .. err)
      assert.is_nil(err:find("traceback", 1, true))
      assert.is_nil(h.read(dir .. "/.parley/index"), "no index written")
    end
  end)

  it("is refused through the Lua API with the same message", function()
    for _, case in ipairs(cases) do
      local dir = grammar_corpus(case[1])
      local c, err = parley.open(dir)
      assert.is_nil(c, case[1])
      err = tostring(err)
      local head = dir .. "/a.txt: grammar 'mine' (corpus grammars/mine.lua): "
      assert.equal(head, err:sub(1, #head), err)
      assert.truthy(err:find(case[2], 1, true), case[1] .. "\n" .. err)
    end
  end)

  it("file that is no grammar is named, with what it returned and what a grammar file holds", function()
    local function with_file(src)
      local dir = corpus_with()
      assert(os.execute("mkdir " .. h.shquote(dir .. "/grammars")))
      h.write(dir .. "/grammars/mine.lua", src)
      return dir
    end
    local WANT = "; a grammar file returns (or passes to parley.grammar.register) { name = \"mine\", kinds = "
    for src, want in pairs {
      ['return "garbage"'] = "grammars/mine.lua registered no grammar 'mine': it returned a string" .. WANT,
      [""] = "grammars/mine.lua registered no grammar 'mine': it returned nothing" .. WANT,
      ['return { name = "mine" }'] = "it returned a table without a parse function (its parse is nil)" .. WANT,
      ['return { name = "other", parse = function() end }'] =
        "it returned a grammar named 'other' (name it 'mine', as its file is named, or leave the name out)",
      ['return { kinds = "x", parse = function() end }'] =
        "grammars/mine.lua: bad argument #1 to 'register' (kinds must be a table)",
      ['return { kinds = { ["bad kind!"] = {} }, parse = function() end }'] =
        "bad region kind 'bad kind!': a kind is named by letters, digits and _",
      ['return { kinds = { turn = { 1 } }, parse = function() end }'] =
        "kind 'turn' has a bad attribute name 1: attribute names are strings of letters, digits and _",
    } do
      local dir = with_file(src)
      local _, err, status = h.run({ "kwic", "quarantine", "--corpus", dir })
      assert.equal(1, status, src)
      assert.truthy(err:find("parley: kwic: " .. dir .. "/a.txt: grammar 'mine' (corpus grammars/mine.lua): ", 1, true), err)
      assert.truthy(err:find(want, 1, true), src .. "\n" .. err)
      assert.is_nil(err:find("boot.lua", 1, true), err)
      local c, lerr = parley.open(dir)
      assert.is_nil(c)
      assert.truthy(tostring(lerr):find(want, 1, true), lerr)
    end
  end)

  it("is accepted where the contract allows it: nil, empty regions, whole floats, empty spans", function()
    for code, turns in pairs {
      ["nil"] = 0, ["{}"] = 0, ["{ regions = {} }"] = 0,
      ["{ regions = { { kind = 'turn', start = 1.0, stop = 5.0, attrs = { speaker = 'X' } } } }"] = 1,
      ["{ regions = { { kind = 'turn', start = 7, stop = 37, attrs = { speaker = true } } }, meta = { n = 1 } }"] = 1,
    } do
      local c = h.open(grammar_corpus(code))
      assert.equal(turns, #c:regions("turn"), code)
      assert.equal(1, c:count("quarantine"))
      c:close()
    end
  end)
end)

-- ---------------------------------------------------------------- hostile text

describe("hostile text", function()
  after_each(h.cleanup)

  local PIECES = { "a", "b", "word ", " ", "é", "e\u{301}", "\u{4E2D}", "\u{1F600}", "\t", "\n", "\r", "\r\n", "ß" }

  -- Seeded pieces of valid text: no test depends on the run.
  local function random_text(rand, n)
    local out = {}
    for k = 1, n do out[k] = PIECES[rand(#PIECES)] end
    return table.concat(out)
  end

  local BAD = {
    { "a lone continuation byte", "\x80" }, { "a lone continuation byte", "\xBF" },
    { "an overlong two-byte form", "\xC0\xAF" }, { "an overlong two-byte form", "\xC1\xBF" },
    { "an overlong three-byte form", "\xE0\x80\xAF" }, { "an overlong four-byte form", "\xF0\x80\x80\xAF" },
    { "a surrogate U+D800", "\xED\xA0\x80" }, { "a surrogate U+DFFF", "\xED\xBF\xBF" },
    { "U+110000", "\xF4\x90\x80\x80" }, { "a five-byte form", "\xF8\x88\x80\x80\x80" },
    { "0xFE", "\xFE" }, { "0xFF", "\xFF" }, { "0xFE 0xFF", "\xFE\xFF" },
    { "a truncated three-byte sequence", "\xE2\x82" }, { "a truncated four-byte sequence", "\xF0\x9F\x98" },
    { "a lead byte alone", "\xC3" },
  }

  it("refuses invalid UTF-8 of every kind, mid-file and at the end, at its line and column", function()
    local rng = math.random
    math.randomseed(45)
    for k, bad in ipairs(BAD) do
      for _, at_end in ipairs { false, true } do
        local pre = (k % 3 == 0 and BOM or "") .. random_text(rng, rng(1, k % 4 == 0 and 20000 or 300))
        local bytes = pre .. bad[2] .. (at_end and "" or " word after\nline\r")
        local dir = folder { ["x.txt"] = bytes }
        local line, col = position(bytes, #pre + 1)
        local want = ("%s/x.txt:%d:%d: invalid UTF-8 sequence (byte"):format(dir, line, col)
        local c, err = parley.open(dir)
        assert.is_nil(c, bad[1])
        assert.equal(want, tostring(err):sub(1, #want), bad[1])
        assert.truthy(tostring(err):find(("0x%02X"):format(bad[2]:byte(1)), 1, true), err)
        assert.is_nil(h.read(dir .. "/.parley/index"))
        if k <= 3 then   -- the command line: the same message, status 1
          local out, cerr, status = h.run({ "kwic", "word", "--corpus", dir })
          assert.equal(1, status)
          assert.equal("", out)
          assert.equal("parley: kwic: " .. want, cerr:sub(1, #("parley: kwic: " .. want)))
        end
        -- --repair: U+FFFD for each maximal subpart, and the columns count them
        if not at_end then
          local r = h.open(dir, { repair = true })
          local hits = r:find("after")
          assert.equal(1, #hits, bad[1])
          local aline, acol = position(pre .. "x word after", #pre + 8)
          assert.equal(aline, hits[1].line)
          assert.equal(acol - 1 + repaired_length(bad[2]), hits[1].col, bad[1])
          r:close()
        end
      end
    end
  end)

  it("names a byte that is not UTF-8, and a NUL, in a TEI file at its line and column", function()
    local head = '<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader>'
      .. "<fileDesc><titleStmt><title>t</title></titleStmt></fileDesc></teiHeader><text><body>\n"
      .. '<div type="document" xml:id="d1"><head>1. A letter</head>\n<p>Caf\u{E9} é ok '
    for _, case in ipairs {
      { "\xFF", "invalid UTF-8 sequence (byte 0xFF; the file is read as UTF-8, as it declares or XML assumes)" },
      { "\xC0\xAF", "invalid UTF-8 sequence (byte 0xC0;" },
      { "\xED\xA0\x80", "invalid UTF-8 sequence (byte 0xED;" },
      { "\0", "binary file (NUL byte; XML allows none)" },
    } do
      local bytes = head .. case[1] .. " more</p></div></body></text></TEI>\n"
      local dir = folder { ["v.xml"] = bytes }
      local line, col = position(bytes, #head + 1)
      local c, err = parley.open(dir)
      assert.is_nil(c)
      local want = ("%s/v.xml:%d:%d: %s"):format(dir, line, col, case[2])
      assert.equal(want, tostring(err):sub(1, #want))
    end
  end)

  it("refuses a NUL byte at its line and column, also when repairing", function()
    math.randomseed(450)
    for trial = 1, 6 do
      local pre = random_text(math.random, math.random(0, 500))
      local bytes = pre .. "\0" .. "tail\n"
      local dir = folder { ["x.txt"] = bytes }
      local line, col = position(bytes, #pre + 1)
      local want = ("%s/x.txt:%d:%d: binary file (NUL byte)"):format(dir, line, col)
      for _, opts in ipairs { {}, { repair = true } } do
        local c, err = parley.open(dir, opts)
        assert.is_nil(c)
        assert.equal(want, tostring(err), "trial " .. trial)
      end
    end
    local dir = folder { ["x.txt"] = "a\0b" }
    local _, err, status = h.run({ "overview", "--corpus", dir })
    assert.equal(1, status)
    assert.truthy(err:find(dir .. "/x.txt:1:2: binary file (NUL byte)", 1, true), err)
  end)

  it("finds every word at its line and column across CR, LF, CRLF, mixed line ends and a BOM", function()
    math.randomseed(4545)
    for trial = 1, 25 do
      local parts, want = {}, {}
      if trial % 3 == 0 then parts[1] = BOM end
      local n = 0
      for _ = 1, math.random(1, 400) do
        if math.random() < 0.05 then
          n = n + 1
          local pre = table.concat(parts) .. " "
          parts[#parts + 1] = " zq" .. n .. "mark "
          want[n] = { position(pre .. "z", #pre + 1) }
        else
          parts[#parts + 1] = PIECES[math.random(#PIECES)]
        end
      end
      local dir = folder { ["x.txt"] = table.concat(parts) }
      local c = h.open(dir)
      for m = 1, n do
        local hits = c:find("zq" .. m .. "mark")
        assert.equal(1, #hits)
        assert.same(want[m], { hits[1].line, hits[1].col }, ("trial %d, word %d"):format(trial, m))
      end
      c:close()
      if trial == 1 and n > 0 then   -- and the concordance of the command line says the same
        local out, err, status = h.run({ "kwic", "zq1mark", "--corpus", dir, "--format", "tsv" })
        assert.equal(0, status, err)
        local rows = h.tsv(out)
        assert.same({ tostring(want[1][1]), tostring(want[1][2]) }, { rows[2][2], rows[2][3] })
      end
    end
    -- the line ends of one file in each convention
    for _, eol in ipairs { "\n", "\r\n", "\r" } do
      local dir = folder { ["x.txt"] = BOM .. table.concat({ "one", "two zqx", "", "zqx four" }, eol) }
      local out, err = h.run({ "kwic", "zqx", "--corpus", dir, "--format", "tsv" })
      local rows = h.tsv(out)
      assert.equal(3, #rows, err)
      assert.same({ "2", "5" }, { rows[2][2], rows[2][3] })
      assert.same({ "4", "1" }, { rows[3][2], rows[3][3] })
    end
  end)

  it("reads a 50 MB line without a newline, columns counted in characters", function()
    local piece = "alpha beta é gamma "          -- 20 bytes, 19 characters
    local reps = 50 * 1024 * 1024 // #piece + 1
    local dir = h.tmpdir()
    local f = assert(io.open(dir .. "/x.txt", "wb"))
    f:write("zqfirst ")
    local chunk = piece:rep(4096)
    for _ = 1, reps // 4096 do f:write(chunk) end
    f:write(piece:rep(reps % 4096), "zqlast")
    f:close()
    local out, err, status = h.run({ "kwic", "zqlast", "--corpus", dir, "--format", "tsv" })
    assert.equal(0, status, err)
    local rows = h.tsv(out)
    assert.equal(2, #rows)
    local last = rows[2]
    assert.equal("zqlast", last[5])
    assert.same({ "1", tostring(8 + reps * 19 + 1) }, { last[2], last[3] })
    local c = h.open(dir)
    assert.equal(1, c:count("zqfirst"))
    assert.equal(reps, c:count("gamma"))
    local hits = c:find("zqfirst")
    assert.same({ 1, 1 }, { hits[1].line, hits[1].col })
    c:close()
  end)

  it("normalises a base with 400 000 combining marks of two classes, in canonical order", function()
    -- canonical ordering puts the cedillas (class 202) before the acutes (230);
    -- the first acute then composes with the a (U+00E1), the rest stay.  The
    -- text is read in a subprocess under `timeout`, a watchdog only: ordering
    -- that is quadratic in the run (utf8proc's own) takes hours here, not 0.3 s.
    local n = 200000
    local marks = {}
    for i = 1, 2 * n do marks[i] = i % 2 == 1 and "\u{327}" or "\u{301}" end
    local dir = folder { ["x.txt"] = "a" .. table.concat(marks) .. " zqend\n", ["y.txt"] = "q" .. table.concat(marks) }
    local want = "\u{E1}" .. ("\u{327}"):rep(n) .. ("\u{301}"):rep(n - 1) .. " zqend\n"
    local code = ([[
      local c = assert(parley.open(%q))
      local h = c:find("zqend")[1]
      local d = c:where{ id = "x" }:docs()()
      print(h.line, h.col, d:text() == %q, #parley.text.normalize(%q), parley.text.fold(%q))
    ]]):format(dir, want, "a" .. table.concat(marks), "a" .. table.concat(marks, "", 1, 2000))
    local script = dir .. "/check.lua"
    h.write(script, code)
    local out, err, status = h.run({ "120", h.bin, script }, { bin = "timeout" })
    assert.equal(0, status, err)
    assert.equal(("1\t%d\ttrue\t%d\ta\n"):format(2 * n + 3, #want - 7), out)
  end)

  it("keeps empty, blank and BOM-only files as documents with no tokens", function()
    local dir = folder {
      ["empty.txt"] = "", ["blank.txt"] = " \n\t\n  \r\n\r", ["bom.txt"] = BOM, ["bomnl.txt"] = BOM .. "\n\n",
      ["words.txt"] = BOM .. "two words\n",
    }
    local c = h.open(dir)
    local ids = h.ids(c)
    table.sort(ids)
    assert.same({ "blank", "bom", "bomnl", "empty", "words" }, ids)
    local hits = c:find("two")
    assert.same({ 1, 1 }, { hits[1].line, hits[1].col })
    c:close()
    local out, err, status = h.run({ "overview", "--corpus", dir, "--format", "json" })
    assert.equal(0, status, err)
    local tokens = {}
    for _, r in ipairs(cjson.decode(out)) do tokens[r.doc] = r.tokens end
    assert.same({ blank = 0, bom = 0, bomnl = 0, empty = 0, words = 2 }, tokens)
  end)
end)

-- ---------------------------------------------------------------- brackets and quotes

describe("unbalanced brackets and quotes", function()
  after_each(h.cleanup)

  -- Each bundled grammar's kind of document, with [ without ], " and “ without
  -- their close, nested brackets, a stray ] and a bracket across a page break;
  -- and the turns (first line, speaker) counted by hand.
  local DOCS = {
    labelled = { "SMITH: one [two three\n\nJONES: four \"five six\n\nSMITH: [a [b] c] d “open\n\n"
      .. "JONES: x [spanning\n\n- 2 -\n\npage] y\n\nSMITH: end ] stray \" quote.\n",
      { { 1, "SMITH" }, { 3, "JONES" }, { 5, "SMITH" }, { 7, "JONES" }, { 13, "SMITH" } } },
    transcript = { "Record of a conversation\n\nNovember 1, 1962\n\nA. I. Mikoyan says that we [must go.\n\n"
      .. "McCloy remarks that \"quarantine is over.\n\nStevenson says that [[nested] text] here “x.\n\n"
      .. "McCloy says that [from\n\n- 2 -\n\nCuba] now.\n\nA. I. Mikoyan says that ] it is \" done.\n",
      { { 5, "A. I. Mikoyan" }, { 7, "McCloy" }, { 9, "Stevenson" }, { 11, "McCloy" }, { 17, "A. I. Mikoyan" } } },
    telegram = { "**November 2, 1962**\n\n**Telegram**\n\n1. Stevenson assured us that [the talks would go on.\n\n"
      .. "2. McCloy said that \"we will not.\n\n3. Stevenson said that [[x] y] z “open.\n\n"
      .. "4. McCloy remarked that [from\n\n- 2 -\n\nCuba] now.\n\n2.XI.62 A. MIKOYAN\n",
      { { 5, "Adlai Stevenson" }, { 7, "John McCloy" }, { 9, "Adlai Stevenson" }, { 11, "John McCloy" } },
      people = true },
    narrative = { "MEMORANDUM OF CONVERSATION\n\nPARTICIPANTS:\nThe Secretary\nAmbassador Dobrynin\n\n"
      .. "The Secretary said that [the talks had failed.\n\nAmbassador Dobrynin said that \"nothing was done.\n\n"
      .. "The Secretary replied that [[x] y] z “open.\n\nAmbassador Dobrynin said that [from\n\n- 2 -\n\n"
      .. "Cuba] now.\n",
      { { 7, "The Secretary" }, { 9, "Dobrynin" }, { 11, "The Secretary" }, { 13, "Dobrynin" } } },
  }
  DOCS.auto = DOCS.labelled

  -- The same bytes with every bracket and quote blanked (a space per byte).
  local function blanked(s)
    return (s:gsub("“", "   "):gsub("[%[%]\"]", " "))
  end

  -- The turns of document id of the corpus in dir, as outline --format json gives them.
  local function turns(dir, id)
    local out, err, status = h.run({ "outline", id, "--corpus", dir, "--format", "json" })
    assert.equal(0, status, err)
    local list = {}
    for _, r in ipairs(cjson.decode(out)) do
      if r.kind == "turn" then list[#list + 1] = { r.start_line, r.end_line, r.attrs.speaker } end
    end
    return list
  end

  for name, doc in pairs(DOCS) do
    it("leave the turns of the " .. name .. " grammar as they are without them", function()
      local function corpus(text)   -- the telegram's speakers are the bundled register's
        return folder {
          ["corpus.lua"] = ("return { name = 'b', documents = { { path = 'd.txt', id = 'd', grammar = %q } } }"):format(name),
          ["d.txt"] = text,
          ["people.lua"] = doc.people and h.read(h.corpus .. "/people.lua") or nil,
        }
      end
      local got = turns(corpus(doc[1]), "d")
      assert.same(turns(corpus(blanked(doc[1])), "d"), got)
      local starts = {}
      for i, t in ipairs(got) do starts[i] = { t[1], t[3] } end
      assert.same(doc[2], starts)
      -- no note or quote that a bracket opened runs past its paragraph's page break
      local c = h.open(corpus(doc[1]))
      for _, kind in ipairs { "supplied", "editorial_note", "quote", "scare_quote", "transliteration" } do
        local ok, list = pcall(c.regions, c, kind)      -- not every grammar has every kind
        for _, r in ipairs(ok and list or {}) do
          if r.start then
            local d = c:docs()()
            assert.is_nil(d:text():sub(r.start, r.stop):find("- 2 -", 1, true), kind)
          end
        end
      end
      c:close()
    end)
  end

  it("added to the corpora of the specs change none of their turns", function()
    -- every grammar the bundled corpus and the fixtures use, with " [", ' "', " “" or " ("
    -- at the end of every few lines: each turn starts where it did, with its speaker
    local function turns(dir)
      local c = h.open(dir)
      local out = {}
      for _, r in ipairs(c:regions("turn")) do out[#out + 1] = ("%s:%d %s"):format(r.doc, r.line, tostring(r.attrs.speaker)) end
      c:close()
      return out
    end
    for _, fixture in ipairs { h.corpus, h.root .. "/spec/fixtures/testimony", h.root .. "/spec/fixtures/labels",
                               h.root .. "/spec/fixtures/narrative" } do
      local dir = h.tmpdir()
      assert(os.execute(("cp -r %s/. %s/ && rm -rf %s/.parley"):format(h.shquote(fixture), h.shquote(dir), h.shquote(dir))))
      local before, hostile = turns(dir), 0
      local c = h.open(dir)
      local paths = {}
      for d in c:docs() do paths[#paths + 1] = d.path:sub(1, 1) == "/" and d.path or dir .. "/" .. d.path end
      c:close()
      for _, path in ipairs(paths) do
        local s = assert(h.read(path))
        assert(not s:find("\r", 1, true), path)
        local n = 0
        s = s:gsub("([^\n]*%S[^\n]*)\n", function(line)
          n = n + 1
          local add = n % 7 == 3 and " [" or n % 11 == 5 and ' "' or n % 13 == 6 and " “" or n % 17 == 8 and " (" or ""
          if add ~= "" then hostile = hostile + 1 end
          return line .. add .. "\n"
        end)
        h.write(path, s)
      end
      assert.truthy(hostile > 5, fixture)
      assert.same(before, turns(dir), fixture)
    end
  end)

  it("by the ten thousand in one telegram are all found (no limit of LPeg's stack)", function()
    local dir = folder {
      ["corpus.lua"] = "return { name = 'q', documents = { { path = 'd.md', id = 'd', grammar = 'telegram' } } }",
      ["d.md"] = ('"q" '):rep(40000) .. "[a] [b " .. ("“r” "):rep(3000) .. "zqend\n",
    }
    local c = h.open(dir)
    assert.equal(43000, #c:regions("quote"))
    assert.equal(1, #c:regions("supplied"))
    assert.equal(1, c:count("zqend"))
    c:close()
  end)

  it("in TEI speech leave its turns and their words as the markup says", function()
    local function tei(a, b)
      return '<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader>'
        .. "<fileDesc><titleStmt><title>t</title></titleStmt></fileDesc></teiHeader><text><body>\n"
        .. '<div type="document" xml:id="d1" n="1"><head>1. Transcript of a Telephone Conversation</head>\n'
        .. '<sp><speaker>Smith:</speaker><p>' .. a .. "</p></sp>\n"
        .. '<sp><speaker>Jones:</speaker><p>' .. b .. "</p></sp>\n"
        .. "</div></body></text></TEI>\n"
    end
    local dir = folder { ["v.xml"] = tei("one [two &quot;three “four", "[[nested] x] ] y \" zqend") }
    local c = h.open(dir)
    local list = {}
    for _, r in ipairs(c:regions("turn")) do list[#list + 1] = r.attrs.speaker end
    assert.same({ "Smith", "Jones" }, list)
    assert.equal(1, c:count("zqend"))
    assert.equal(1, #c:where{ speaker = "Jones" }:find("zqend"))
    c:close()
  end)
end)
