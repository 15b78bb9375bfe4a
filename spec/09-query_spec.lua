-- The query language and the reports over it (find, count, kwic, freq,
-- ngrams) on the seed documents.  Every expected number is computed here
-- without the index: by grep over the corpus files, or by tokenising the
-- files' text with parley.tokenizer and counting in Lua.
local h = require "spec.helpers"
local parley = require "parley"
local cjson = require "cjson"
local lpeg = require "lpeg"
local text = require "parley.text"
local tokenizer = require "parley.tokenizer"

local dinner = assert(h.read(h.dinner))
local telegram = assert(h.read(h.telegram))
local sources = { dinner, telegram }
local ids = { "dinner-1962-11-01", "telegram-1962-11-02" }
local types = { "transcript", "telegram" }

-- Whole-word matches of an extended regular expression over both files with
-- their lines joined (so phrases may cross line ends), case-insensitive
-- unless exact: what `grep -o -i -w -E` finds.
local function grep(ere, exact)
  local cmd = ("cat %s %s | tr '\\n' ' ' | LC_ALL=C grep -o %s -w -E %s | wc -l"):format(
    h.shquote(h.dinner), h.shquote(h.telegram), exact and "" or "-i", h.shquote(ere))
  local p = assert(io.popen(cmd))
  local n = assert(tonumber(p:read("a")))
  p:close()
  return n
end

-- The tokens of each document, as the tokenizer splits the files, with
-- their folded forms and corpus positions.
local docs, ntokens = {}, 0
for i, src in ipairs(sources) do
  local toks = tokenizer.tokens(src)
  for _, t in ipairs(toks) do t.folded = text.fold(t.text) end
  docs[i] = { id = ids[i], type = types[i], text = src, tokens = toks, first = ntokens }
  ntokens = ntokens + #toks
end

-- The document and token of corpus position pos.
local function token_at(pos)
  for _, d in ipairs(docs) do
    if pos >= d.first and pos < d.first + #d.tokens then return d, d.tokens[pos - d.first + 1] end
  end
end

local function counted(t, punct)
  return punct or t.kind == "word" or t.kind == "number"
end

-- Frequency list { [form] = count } of the tokens of the given documents.
local function frequencies(list, opts)
  local f = {}
  for _, d in ipairs(list) do
    for _, t in ipairs(d.tokens) do
      if counted(t, opts.punct) then
        local k = opts.fold == false and t.text or t.folded
        f[k] = (f[k] or 0) + 1
      end
    end
  end
  return f
end

-- n-gram counts { ["a b"] = count }: never across documents or uncounted tokens.
local function ngram_counts(n, punct)
  local f = {}
  for _, d in ipairs(docs) do
    local win = {}
    for _, t in ipairs(d.tokens) do
      if counted(t, punct) then
        win[#win + 1] = t.folded
        if #win > n then table.remove(win, 1) end
        if #win == n then
          local k = table.concat(win, " ")
          f[k] = (f[k] or 0) + 1
        end
      else
        win = {}
      end
    end
  end
  return f
end

-- Tokens folded to a with a token folded to b at most k positions away, in one document.
local function near(a, b, k)
  local n = 0
  for _, d in ipairs(docs) do
    for i, t in ipairs(d.tokens) do
      if t.folded == a then
        for j = math.max(1, i - k), math.min(#d.tokens, i + k) do
          if j ~= i and d.tokens[j].folded == b then n = n + 1; break end
        end
      end
    end
  end
  return n
end

-- rows { word, count } (or { ngram, count }) as a map, checking the order.
local function as_map(rows, key)
  local m, prev = {}, math.huge
  for i = 1, #rows do
    local r = rows[i]
    assert(r.count <= prev, "not commonest first at row " .. i)
    prev = r.count
    assert(m[r[key]] == nil, "twice: " .. tostring(r[key]))
    m[r[key]] = r.count
  end
  return m
end

local function filter(map, min)
  local out = {}
  for k, v in pairs(map) do if v >= min then out[k] = v end end
  return out
end

-- Byte-wise string order (the index sorts folded forms by their bytes).
local function before(a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = a:byte(i), b:byte(i)
    if x ~= y then return x < y end
  end
  return #a < #b
end

-- White space runs as one space, as KWIC shows text.
local function squeeze(s) return (s:gsub("[ \n\t\r]+", " ")) end

-- The w characters of context left or right of a byte span, computed by hand.
local function left_context(src, start, w)
  local s = squeeze(src:sub(1, start - 1)):gsub(" $", "")
  local n = utf8.len(s)
  if n > w then s = s:sub(utf8.offset(s, n - w + 1)) end
  return (s:gsub("^ ", ""))
end
local function right_context(src, stop, w)
  local s = squeeze(src:sub(stop + 1)):gsub("^ ", "")
  if utf8.len(s) > w then s = s:sub(1, utf8.offset(s, w + 1) - 1) end
  return (s:gsub(" $", ""))
end

-- Line and column (characters) of byte offset at in s.
local function line_col(s, at)
  local before_ = s:sub(1, at - 1)
  local line = select(2, before_:gsub("\n", "")) + 1
  local from = before_:match(".*\n()") or 1
  return line, utf8.len(s, from, at - 1) + 1
end

-- A minimal CSV reader (RFC 4180 quoting): list of records, each a list of fields.
local read_csv = h.csv  -- RFC 4180, written from the RFC (spec/helpers.lua)

describe("queries", function()
  local c = assert(parley.open())
  after_each(h.cleanup)

  it("count a word folded, as grep -i -w does", function()
    for _, w in ipairs({ "quarantine", "inspection", "blockade", "stevenson", "mccloy", "mikoyan",
                         "khrushchev", "missiles", "the", "of", "un", "usa", "ussr" }) do
      local n = grep(w)
      assert.is_true(n > 0, w)
      assert.equal(n, c:count(w), w)
      assert.equal(n, #c:find(w), w)
      assert.equal(n, c:count(w:upper()), w)
    end
    assert.equal(13, c:count("quarantine"))  -- grep -o -i -w quarantine corpus/*.{txt,md} | wc -l
    assert.equal(0, c:count("bases"))
  end)

  it("keep a possessive or a hyphenated compound as one word", function()
    -- grep finds "Cuba" inside "Cuba’s" and "Soviet" inside "Soviet-American"; the tokenizer does not
    assert.equal(grep("cuba") - grep("cuba('|’)s"), c:count("cuba"))
    assert.equal(grep("kennedy") - grep("kennedy('|’)s"), c:count("kennedy"))
    assert.equal(grep("castro") - grep("castro('|’)s"), c:count("castro"))
    assert.equal(grep("soviet") - grep("soviet-[a-z]+"), c:count("soviet"))
    -- and find it as one token; typographic and straight apostrophes fold alike
    assert.equal(grep("castro('|’)s"), c:count("Castro's"))
    assert.equal(grep("castro('|’)s"), c:count("Castro’s"))
    assert.same({ 5, 5 }, { c:count("Castro's"), c:count("Castro’s") })
    assert.equal(4, c:count("=Castro’s"))
    assert.equal(grep("soviet-american"), c:count("Soviet-American"))
    assert.equal(2, c:count("soviet-american"))
    assert.equal(grep("u\\.s\\."), c:count("U.S."))
    -- initials, abbreviations and dates are single tokens typed in any case
    assert.equal(grep("u\\.s\\."), c:count("u.s."))
    assert.equal(grep("a\\.[[:space:]]+i\\.[[:space:]]+mikoyan"), c:count("a. i. mikoyan"))
    assert.equal(grep("2\\.xi\\.62"), c:count("2.xi.62"))
    assert.equal(grep("mr\\."), c:count("mr."))
    assert.equal(1, c:count("2.xi.62"))
    for _, q in ipairs({ "Castro’s", "Soviet-American", "U.S." }) do
      for _, hit in ipairs(c:find(q):totable()) do
        assert.equal(hit.pos, hit.stop_pos, q)
        assert.equal(parley.text.fold(q), parley.text.fold(hit.match))
      end
    end
  end)

  it("match the exact form after =, folded forms otherwise", function()
    assert.equal(grep("guant(a|á)namo"), c:count("guantanamo"))
    assert.equal(5, c:count("guantanamo"))
    assert.equal(grep("Guantánamo", true), c:count("=Guantánamo"))
    assert.equal(4, c:count("=Guantánamo"))
    assert.equal(grep("Guantanamo", true), c:count("=Guantanamo"))
    assert.equal(0, c:count("=guantánamo"))
    assert.equal(grep("Quarantine", true), c:count("=Quarantine"))
    assert.equal(grep("quarantine", true), c:count("=quarantine"))
    assert.equal(c:count("guantanamo"), c:count("GUANTÁNAMO"))
    for _, hit in ipairs(c:find("=Guantánamo"):totable()) do assert.equal("Guantánamo", hit.match) end
  end)

  it("match prefixes, Lua patterns, re patterns and LPeg patterns over folded forms", function()
    assert.equal(grep("missile[a-z]*"), c:count("missile*"))
    assert.equal(33, c:count("missile*"))
    assert.equal(c:count("missile") + c:count("missiles"), c:count("missile*"))
    local n = grep("inspect[a-z]*")
    assert.equal(53, n)
    local lists = {
      c:find("inspect*"), c:find("inspect%a*"), c:find("/inspect[a-z]*/"), c:find("/'inspect' [a-z]*/"),
      c:find(lpeg.P"inspect" * lpeg.R"az"^0),
    }
    for _, hits in ipairs(lists) do
      assert.equal(n, #hits)
      for i = 1, #hits do
        assert.equal(lists[1][i].pos, hits[i].pos)
        assert.matches("^inspect", text.fold(hits[i].match))
      end
    end
    -- patterns are anchored to whole forms
    assert.equal(grep("[a-z]*inspect[a-z]*"), c:count("%a*inspect%a*"))
    assert.equal(c:count("inspection"), c:count("inspection%a?") - c:count("inspections"))
    local digits = 0  -- tokens that are all digits ("145,000" and "2.XI.62" are not)
    for _, d in ipairs(docs) do
      for _, t in ipairs(d.tokens) do if t.folded:find("^%d+$") then digits = digits + 1 end end
    end
    assert.is_true(digits > 10)
    assert.equal(digits, c:count(lpeg.R"09"^1))
    assert.equal(digits, c:count("%d+"))
  end)

  it("match phrases, quoted or not, across line ends", function()
    local n = grep("red[[:space:]]+cross")
    assert.equal(11, n)
    assert.equal(n, c:count("red cross"))
    assert.equal(n, c:count('"red cross"'))
    assert.equal(n, c:count("“Red Cross”"))
    assert.equal(n, #c:find("Red Cross"))
    n = grep("n\\.[[:space:]]+s\\.[[:space:]]+khrushchev")
    assert.equal(13, n)
    assert.equal(n, c:count("N. S. Khrushchev"))
    assert.equal(n, c:count('"n. s. khrushchev"'))
    for _, hit in ipairs(c:find("N. S. Khrushchev"):totable()) do
      assert.equal(hit.pos + 2, hit.stop_pos)
    end
    -- a phrase broken over two lines is reported on the line of its first word
    local broken = 0
    for _, hit in ipairs(c:find("red cross"):totable()) do
      local src = sources[hit.docno]
      assert.equal((line_col(src, hit.start)), hit.line)
      if src:sub(hit.start, hit.stop):find("\n") then broken = broken + 1 end
    end
    assert.is_true(broken >= 1)
    assert.equal(grep("red[[:space:]]+cross[[:space:]]+inspection"), c:count("red cross inspection"))
  end)

  it("let _ stand for any one token of a phrase", function()
    assert.equal(grep("international[[:space:]]+[a-z]+[[:space:]]+cross"), c:count("international _ cross"))
    assert.equal(2, c:count("international _ cross"))
    assert.equal(0, c:count("red _ cross"))
    assert.equal(grep("of[[:space:]]+the[[:space:]]+red[[:space:]]+cross"), c:count("of _ red cross"))
    -- a leading _ needs a token before the word in the same document
    assert.equal(c:count("cross"), c:count("_ cross"))
  end)

  it("find words near each other with NEAR/k, in one document", function()
    for _, q in ipairs({ { "inspection", "cross", 3 }, { "inspection", "cross", 5 }, { "red", "cross", 1 },
                         { "cross", "red", 1 }, { "mikoyan", "stevenson", 10 }, { "the", "the", 1 },
                         { "quarantine", "cuba", 8 } }) do
      local want = near(q[1], q[2], q[3])
      local query = ("%s NEAR/%d %s"):format(q[1], q[3], q[2])
      assert.equal(want, c:count(query), query)
      assert.equal(want, #c:find(query), query)
    end
    assert.equal(11, c:count("red NEAR/1 cross"))
    assert.is_true(c:count("inspection NEAR/3 cross") >= 1)
    assert.is_true(c:count("inspection NEAR/3 cross") < c:count("inspection NEAR/5 cross"))
    -- the first word of the telegram is not near the last of the record
    local last, first = docs[1].tokens[#docs[1].tokens].folded, docs[2].tokens[1].folded
    assert.equal(near(last, first, 1), c:count(("%s NEAR/1 %s"):format(last, first)))
  end)

  it("give hits with document, line, column in characters, and byte span", function()
    local after_non_ascii = 0
    for _, q in ipairs({ "red cross", "quarantine", "guantanamo", "N. S. Khrushchev", "missile*", "Castro’s",
                         "2.XI.62", "mccloy" }) do
      local hits = c:find(q)
      assert.is_true(#hits > 0, q)
      for i = 1, #hits do
        local hit = hits[i]
        local d = docs[hit.docno]
        assert.equal(d.id, hit.doc)
        assert.equal(c:doc(hit.docno).path, hit.path)
        local line, col = line_col(d.text, hit.start)
        assert.same({ line, col }, { hit.line, hit.col }, q)
        local span = d.text:sub(hit.start, hit.stop)
        assert.equal(squeeze(span), hit.match)
        if not span:find("\n") then assert.equal(span, hit.match) end
        -- the token span agrees with the byte span
        local td, first = token_at(hit.pos)
        local _, last = token_at(hit.stop_pos)
        assert.equal(d, td)
        assert.same({ hit.start, hit.stop }, { first.start, last.stop })
        assert.equal(left_context(d.text, hit.start, 40), hit.left)
        assert.equal(right_context(d.text, hit.stop, 40), hit.right)
        local bytes_before = hit.start - (d.text:sub(1, hit.start - 1):match(".*\n()") or 1)
        if col <= bytes_before then after_non_ascii = after_non_ascii + 1 end
      end
    end
    -- e.g. `the “quarantine”` on line 21 of the record: column 73, byte 75
    local q = c:find("quarantine")[1]
    assert.same({ 21, 73 }, { q.line, q.col })
    assert.is_true(after_non_ascii >= 5)
  end)

  it("give the same count as the number of hits", function()
    for _, q in ipairs({ "cuba", "missile*", "inspect%a*", "/inspect[a-z]*/", "red cross", "=Guantánamo",
                         "international _ cross", "inspection NEAR/5 cross", "U.S.", "Castro’s", "zzzz",
                         "zz*", "N. S. Khrushchev", "." }) do
      assert.equal(#c:find(q), c:count(q), q)
    end
    assert.equal(grep("zz[a-z]*"), c:count("zz*"))
  end)

  it("give the hits recorded before the query grammar, for every old form", function()
    local index = require "parley.index"
    local answers = dofile("spec/09-query_answers.lua")
    -- changed on purpose: an empty phrase is a mistake now, not nothing
    local changed = { ['red "" cross'] = "an empty phrase matches nothing" }
    assert.is_true(#answers > 250)
    local kept = 0
    for _, a in ipairs(answers) do
      local q, n, sum = a[1], a[2], a[3]
      local name = a.lpeg or q
      if changed[q] then
        local ok, err = pcall(c.find, c, q)
        assert.is_false(ok, q)
        assert.matches(changed[q], err.reason, 1, true)
        goto next
      end
      kept = kept + 1
      local hits, spans = c:find(q)._hits, {}  -- the spans themselves, not a table per hit
      for i = 1, #hits do spans[i] = table.concat({ hits:span(i) }, ":") end
      assert.equal(n, #hits, name)
      assert.equal(n, c:count(q), name)
      assert.equal(sum, index.hash(table.concat(spans, ",")), name)
      ::next::
    end
    assert.equal(#answers - 1, kept)
  end)

  it("that are malformed raise an error object with the query, a caret under the fault, and the caller", function()
    -- every malformed form, and the command line: spec/28-query_grammar_spec.lua
    local cases = {
      { '"red cross', 1, 'this " has no closing "' },
      { "“red cross", 1, "this “ has no closing ”" },
      { "red /inspect", 5, "this / has no closing / (an re pattern is written /pattern/)" },
      { "insp[ect", 5, "this [ has no closing ] in the Lua pattern", "to find the text insp[ect itself, write =insp[ect" },
      { "inspect%", 8, "a Lua pattern cannot end with a single %", "to find the text inspect% itself, write =inspect%" },
      { "", 1, 'an empty query matches nothing: give a word, a "phrase" or a pattern' },
    }
    for _, case in ipairs(cases) do
      local q, pos, reason, hint = case[1], case[2], case[3], case[4]
      for _, method in ipairs({ "find", "count", "kwic" }) do
        local ok, err = pcall(c[method], c, q)
        assert.is_false(ok, q)
        assert.is_true(require("parley.error").is(err), q)
        assert.same({ q, pos, reason, hint }, { err.query, err.pos, err.reason, err.hint })
        assert.equal(("bad query: %s\n  %s\n  %s^"):format(reason, q, (" "):rep(pos - 1))
          .. (hint and "\n" .. hint or ""), err.msg)
      end
    end
    assert.error_matches(function() c:find(42) end, "query must be a string or an LPeg pattern")
    assert.error_matches(function() c:find({}) end, "query must be a string or an LPeg pattern")
    -- the caller is blamed
    for _, method in ipairs({ "find", "count", "kwic" }) do
      local ok, err = pcall(function() c[method](c, '"red') end)
      assert.is_false(ok)
      assert.matches("^spec/09%-query_spec%.lua:%d+$", err.where)
      assert.matches("^spec/09%-query_spec%.lua:%d+: bad query: this \" has no closing \"\n", tostring(err))
    end
  end)
end)

describe("kwic", function()
  local c = assert(parley.open())

  -- The folded tokens at positions p, p + step, p + 2 step inside the document of p0.
  local function key(p0, p, step)
    local d = token_at(p0)
    local k = {}
    for j = 0, 2 do
      local q = p + j * step
      if q < d.first or q >= d.first + #d.tokens then break end
      k[#k + 1] = d.tokens[q - d.first + 1].folded
    end
    return k
  end

  local function key_before(a, b)
    for j = 1, 3 do
      local x, y = a[j] or "", b[j] or ""
      if x ~= y then return before(x, y) end
    end
    return false
  end

  it("lists the hits in corpus order by default", function()
    local rows = c:kwic("red cross")
    local hits = c:find("red cross")
    assert.equal(11, #rows)
    for i = 1, #rows do
      assert.equal(hits[i].pos, rows[i].pos)
      assert.same({ hits[i].doc, hits[i].line, hits[i].col, hits[i].left, hits[i].match, hits[i].right },
        { rows[i].doc, rows[i].line, rows[i].col, rows[i].left, rows[i].match, rows[i].right })
    end
    assert.same(rows:totable(), c:kwic("red cross", { sort = "doc" }):totable())
  end)

  for _, how in ipairs({ "left", "right" }) do
    it("sorts by the words " .. how .. " of the match", function()
      for _, q in ipairs({ "red cross", "quarantine", "the", "missile*" }) do
        local rows = c:kwic(q, { sort = how })
        assert.equal(c:count(q), #rows)
        local prev
        local seen = {}
        for i = 1, #rows do
          local r = rows[i]
          local k = how == "left" and key(r.pos, r.pos - 1, -1) or key(r.pos, r.pos + r.len, 1)
          if prev then
            assert.is_false(key_before(k, prev.k), ("%s: row %d before row %d"):format(q, i, i - 1))
            if not key_before(prev.k, k) then assert.is_true(prev.pos < r.pos) end  -- ties in corpus order
          end
          prev = { k = k, pos = r.pos }
          seen[r.pos] = true
        end
        for _, hit in ipairs(c:find(q):totable()) do assert.is_true(seen[hit.pos]) end
      end
      -- and it is not the corpus order
      local rows = c:kwic("red cross", { sort = how })
      local moved = false
      for i = 2, #rows do moved = moved or rows[i].pos < rows[i - 1].pos end
      assert.is_true(moved)
    end)
  end

  it("sorts by the match itself", function()
    local rows = c:kwic("missile*", { sort = "match" })
    for i = 2, #rows do
      assert.is_false(before(text.fold(rows[i].match), text.fold(rows[i - 1].match)))
    end
  end)

  it("shows width characters of context", function()
    for _, w in ipairs({ 1, 5, 12, 40, 80 }) do
      local rows = c:kwic("quarantine", { width = w })
      for i = 1, #rows do
        local r = rows[i]
        local src = docs[r.docno].text
        assert.equal(left_context(src, r.start, w), r.left)
        assert.equal(right_context(src, r.stop, w), r.right)
        assert.is_true(utf8.len(r.left) <= w and utf8.len(r.right) <= w)
      end
    end
    assert.equal("the “", c:kwic("quarantine", { width = 5 })[1].left)
    assert.has_error(function() c:kwic("cuba", { width = 0 }) end,
      "bad argument #2 to 'kwic' (width must be positive)")
    assert.has_error(function() c:kwic("cuba", { width = -3 }) end,
      "bad argument #2 to 'kwic' (width must be positive)")
    assert.has_error(function() c:kwic("cuba", { sort = "bogus" }) end,
      "bad argument #2 to 'kwic' (sort must be doc, left, right or match, got 'bogus')")
  end)

  it("stops at limit rows, after sorting", function()
    for _, how in ipairs({ "doc", "left", "right" }) do
      local all = c:kwic("the", { sort = how })
      local some = c:kwic("the", { sort = how, limit = 7 })
      assert.equal(7, #some)
      for i = 1, 7 do assert.equal(all[i].pos, some[i].pos) end
    end
    assert.equal(0, #c:kwic("the", { limit = 0 }))
    assert.equal(11, #c:kwic("red cross", { limit = 1000 }))
  end)

  it("writes TSV, CSV and JSON with one record per hit", function()
    local rows = c:kwic("quarantine")
    local fields = { "doc", "line", "col", "left", "match", "right" }
    local function check(records)
      assert.equal(#rows, #records)
      for i, rec in ipairs(records) do
        for j, f in ipairs(fields) do
          local v = rec[j] or rec[f]
          assert.equal(tostring(rows[i][f]), tostring(math.tointeger(v) or v))
        end
      end
    end
    local tsv = c:kwic("quarantine", { format = "tsv" })
    assert.equal(tsv, rows:tsv())
    local lines = {}
    for line in tsv:gmatch("(.-)\n") do lines[#lines + 1] = line end
    assert.equal("doc\tline\tcol\tleft\tmatch\tright", table.remove(lines, 1))
    local records = {}
    for i, line in ipairs(lines) do
      records[i] = {}
      for f in (line .. "\t"):gmatch("(.-)\t") do records[i][#records[i] + 1] = f end
      assert.equal(6, #records[i])
    end
    check(records)

    local csv = c:kwic("red cross", { format = "csv" })
    assert.equal(csv, c:kwic("red cross"):csv())
    records = read_csv(csv)
    assert.same(fields, table.remove(records, 1))
    rows = c:kwic("red cross")
    check(records)
    assert.equal("Cuba, by the forces of the International", records[1][4])  -- quoted: it holds a comma

    local json = c:kwic("red cross", { format = "json" })
    assert.equal(json, c:find("red cross"):json())
    records = cjson.decode(json)
    check(records)
    assert.same({}, cjson.decode(c:kwic("zzzz", { format = "json" })))
    assert.equal("doc\tline\tcol\tleft\tmatch\tright\n", c:kwic("zzzz", { format = "tsv" }))
  end)

  it("writes to a file", function()
    local path = h.tmpdir() .. "/kwic.tsv"
    local f = assert(io.open(path, "w"))
    c:kwic("quarantine", { format = "tsv", file = f })
    f:close()
    assert.equal(c:kwic("quarantine", { format = "tsv" }), h.read(path))
    h.cleanup()
  end)
end)

describe("freq", function()
  local c = assert(parley.open())

  it("counts folded words and numbers, commonest first", function()
    local want = frequencies(docs, {})
    assert.same(want, as_map(c:freq(), "word"))
    local top = c:freq{ limit = 3 }
    assert.same({ "the", "of", "to" }, { top[1].word, top[2].word, top[3].word })
    assert.equal(grep("the"), top[1].count)
  end)

  it("counts exact forms with fold = false", function()
    local got = as_map(c:freq{ fold = false }, "word")
    assert.same(frequencies(docs, { fold = false }), got)
    assert.equal(4, got["Guantánamo"])
    assert.equal(1, got["Guantanamo"])
    assert.equal(grep("The", true), got["The"])
  end)

  it("keeps the rows at or above min, and stops at limit", function()
    local all = c:freq()
    assert.same(filter(frequencies(docs, {}), 10), as_map(c:freq{ min = 10 }, "word"))
    local some = c:freq{ limit = 25 }
    assert.equal(25, #some)
    for i = 1, 25 do assert.same(all[i], some[i]) end
    assert.equal(0, #c:freq{ min = 100000 })
  end)

  it("includes punctuation when asked", function()
    local got = as_map(c:freq{ punct = true }, "word")
    assert.same(frequencies(docs, { punct = true }), got)
    assert.is_true(got[","] > 200 and got["."] > 300)
    assert.is_nil(as_map(c:freq(), "word")[","])
  end)

  it("counts per value of an attribute with by", function()
    local rows = c:freq{ by = "type" }
    local per = {}
    for _, r in ipairs(rows) do
      per[r.type] = per[r.type] or {}
      assert.is_nil(per[r.type][r.word])
      per[r.type][r.word] = r.count
    end
    for _, d in ipairs(docs) do
      assert.same(frequencies({ d }, {}), per[d.type], d.type)
    end
    assert.equal("telegram", rows[1].type)  -- values in order
    local min = c:freq{ by = "type", min = 40 }
    for _, r in ipairs(min) do assert.is_true(r.count >= 40) end
    assert.error_matches(function() c:freq{ by = "archive" } end, "no region kind has attribute 'archive'")
  end)

  it("counts a sub-corpus", function()
    assert.same(frequencies({ docs[2] }, {}), as_map(c:where{ type = "telegram" }:freq(), "word"))
  end)

  it("writes TSV", function()
    local tsv = c:freq{ limit = 3, format = "tsv" }
    local top = c:freq{ limit = 3 }
    assert.equal(("word\tcount\n%s\t%d\n%s\t%d\n%s\t%d\n"):format(top[1].word, top[1].count, top[2].word,
      top[2].count, top[3].word, top[3].count), tsv)
  end)
end)

describe("ngrams", function()
  local c = assert(parley.open())

  for _, n in ipairs({ 1, 2, 3, 5 }) do
    it("counts " .. n .. "-grams, never across punctuation or documents", function()
      local want = ngram_counts(n, false)
      assert.same(want, as_map(c:ngrams(n), "ngram"))
      if n == 1 then assert.same(frequencies(docs, {}), want) end
    end)
  end

  it("spans punctuation when asked", function()
    assert.same(ngram_counts(2, true), as_map(c:ngrams(2, { punct = true }), "ngram"))
  end)

  it("does not join the end of one document to the start of the next", function()
    local last, first = docs[1].tokens[#docs[1].tokens], docs[2].tokens[1]
    local elsewhere = 0  -- the same pair inside a document, counted by hand
    for _, d in ipairs(docs) do
      for i = 2, #d.tokens do
        if d.tokens[i - 1].folded == last.folded and d.tokens[i].folded == first.folded then
          elsewhere = elsewhere + 1
        end
      end
    end
    local all = as_map(c:ngrams(2, { punct = true }), "ngram")
    assert.equal(elsewhere > 0 and elsewhere or nil, all[last.folded .. " " .. first.folded])
  end)

  it("keeps min and limit, and raises for n outside 1..8", function()
    local top = c:ngrams(2, { limit = 5 })
    assert.equal(5, #top)
    assert.equal("of the", top[1].ngram)
    assert.equal(grep("of[[:space:]]+the"), top[1].count)
    assert.same(filter(ngram_counts(3, false), 3), as_map(c:ngrams(3, { min = 3 }), "ngram"))
    assert.matches("^ngram\tcount\nof the\t%d+\n", c:ngrams(2, { format = "tsv", min = 20 }))
    for _, n in ipairs({ 0, 9, -1, 2.5 }) do
      assert.has_error(function() c:ngrams(n) end, "bad argument #1 to 'ngrams' (n must be between 1 and 8)")
    end
  end)
end)
