-- The reader stage of the build on archives: folders of TEI volumes without a
-- manifest, the folder rules (documentation, unknown formats, subfolders,
-- XML that is not TEI), a manifest's readers, malformed volumes and
-- --skip-bad, read-only folders, grammars in the build's worker threads and
-- by genre, and the frequency list of a small sub-corpus.  Every corpus is a
-- copy in a temporary folder.  Expected values come from the XML itself
-- (Lua patterns over the fixtures, lines and columns counted here), from
-- parley.reader (the reader alone, outside any build) and from counts made
-- here over doc:tokens(), not from the output under test.
local h = require "spec.helpers"
local reader = require "parley.reader"
local fold = parley.text.fold

local TEI = h.root .. "/spec/fixtures/tei/"
local FRUS = "frus1961-63v04-excerpt.xml"
local GOOD = { FRUS, "hearing.xml", "no-documents.xml" }   -- the well-formed fixtures

local function cp(src, dst) assert(os.execute("cp " .. h.shquote(src) .. " " .. h.shquote(dst))) end

-- A temporary folder holding copies of the named TEI fixtures.
local function tei_folder(names)
  local d = h.tmpdir()
  for _, n in ipairs(names or GOOD) do cp(TEI .. n, d .. "/" .. n) end
  return d
end

-- Within a describe block: a tei_folder() corpus (prepare(dir) run on its
-- folder first) opened once before its tests and closed after them; got(dir,
-- corpus) receives it.
local function open_once(prepare, got)
  local c
  setup(function()
    local dir = tei_folder()
    if prepare then prepare(dir) end
    c = h.open(dir)
    got(dir, c)
  end)
  teardown(function()
    c:close()
    h.cleanup()
  end)
end

local function set(list)
  local t = {}
  for _, v in ipairs(list) do t[v] = true end
  return t
end

local function sorted(list) table.sort(list); return list end

-- The document attributes of each document, by id (the document regions' attributes).
local function doc_attrs(c)
  local out = {}
  for _, r in ipairs(c:regions("document")) do out[r.attrs.id] = r.attrs end
  return out
end

local function ids_where(c, filter)
  local out = {}
  for _, r in ipairs(c:where(filter):regions("document")) do out[#out + 1] = r.attrs.id end
  return sorted(out)
end

-- The lines of stderr that are warnings.
local function warnings(err)
  local out = {}
  for l in err:gmatch("[^\n]+") do
    if l:find("^parley: warning: ") then out[#out + 1] = l end
  end
  return out
end

local function grep(list, plain)
  local out = {}
  for _, l in ipairs(list) do if l:find(plain, 1, true) then out[#out + 1] = l end end
  return out
end

local function exists(path) return io.open(path, "rb") ~= nil end

-- The only line of file text holding plain; its number and the column (in code points) there.
local function locate(text, plain)
  local found
  local n = 0
  for line in (text .. "\n"):gmatch("(.-)\n") do
    n = n + 1
    local s = line:find(plain, 1, true)
    if s then
      assert(found == nil, plain .. " is on more than one line")
      found = { n, utf8.len(line:sub(1, s - 1)) + 1 }
    end
  end
  return assert(found, plain .. " not found")
end

local function count_plain(text, plain)
  local n, i = 0, 1
  while true do
    local s, e = text:find(plain, i, true)
    if not s then return n end
    n, i = n + 1, e + 1
  end
end

describe("a folder of TEI volumes without a manifest", function()
  local dir, c
  open_once(nil, function(d, x) dir, c = d, x end)

  it("holds the documents the reader finds in each file, no more, no fewer", function()
    local want = {}
    for _, n in ipairs(GOOD) do
      local docs = assert(reader.read(dir .. "/" .. n))
      for _, d in ipairs(docs) do want[#want + 1] = d.id end
    end
    assert.is_true(#want >= 9)
    assert.same(sorted(want), sorted(h.ids(c)))
    assert.equal(#want, c:stats().documents)
  end)

  it("gives each document volume, number, date, date_to, title and genre, as the XML says", function()
    local src = h.read(dir .. "/" .. FRUS)
    local volume = src:match('<idno type="frus">([^<]+)</idno>')
    local attrs = doc_attrs(c)
    local seen = 0
    for open, body in src:gmatch('(<div type="document"[^>]*>)(.-)</div>') do
      local id, n = open:match('xml:id="([^"]+)"'), open:match(' n="([^"]+)"')
      local a = assert(attrs[volume .. "/" .. id], id)
      assert.equal(volume, a.volume)
      assert.equal(n, a.number)
      local dt = body:match("<dateline>.-<date([^>]*)>") or ""
      local when, from, to = dt:match('when="([^"]+)"'), dt:match('from="([^"]+)"'), dt:match(' to="([^"]+)"')
      local nb, na = dt:match('notBefore="([^"]+)"'), dt:match('notAfter="([^"]+)"')
      assert.equal(when and when:sub(1, 10) or from or nb or "", a.date, id)
      assert.equal(to or na or "", a.date_to, id)
      -- the head without its notes and markup, spaces squeezed
      local head = body:match("<head>(.-)</head>"):gsub("<note.-</note>", ""):gsub("<[^>]+>", "")
        :gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")
      assert.equal(head, a.title, id)
      seen = seen + 1
    end
    assert.equal(5, seen)
    -- genres read off the heads by hand
    local genre = { d5 = "telephone", d62 = "editorial", d189 = "memorandum", d217 = "telegram", d248 = "telephone" }
    for id, g in pairs(genre) do assert.equal(g, attrs[volume .. "/" .. id].genre, id) end
    -- the constructed hearing: textual dates read by hand, no xml:id on the second
    assert.equal("1962-10-27", attrs["hearing1962/h1"].date)
    assert.equal("1962-10-28", attrs["hearing1962/2"].date)
    assert.equal("1962-09", attrs["hearing1962/h3"].date)
    assert.equal("minutes", attrs["hearing1962/h3"].genre)
    assert.equal("", attrs["hearing1962/h3"].number)   -- its div has no n
    assert.equal("A Short Report", attrs["no-documents/t1"].title)
  end)

  it("selects documents by genre with where", function()
    assert.same({ "frus1961-63v04/d189" }, ids_where(c, { genre = "memorandum" }))
    assert.same({ "hearing1962/h3" }, ids_where(c, { genre = "minutes" }))
    assert.same({ "frus1961-63v04/d248", "frus1961-63v04/d5", "hearing1962/h1" },
      ids_where(c, { genre = "telephone" }))
    -- the sub-corpus holds the memorandum's words only: "Tyler" drafted it (its source note)
    local memo = c:where{ genre = "memorandum" }
    assert.equal(c:count("tyler"), memo:count("tyler"))
    assert.equal(0, memo:count("bernau"))
  end)

  it("points kwic's line and column at the word in the XML file", function()
    local src = h.read(dir .. "/" .. FRUS)
    -- after a curly quote (three bytes, one column) on its line
    for _, w in ipairs{ "imperialist", "Bernau", "CAP" } do
      local want = locate(src, w)
      local rows = c:kwic(fold(w))
      assert.equal(count_plain(src, w), #rows, w)
      assert.equal(want[1], rows[1].line, w)
      assert.equal(want[2], rows[1].col, w)
      assert.equal(w, rows[1].match)
    end
    -- a word of the constructed hearing, on a line indented with spaces after an entity
    local hs = h.read(dir .. "/hearing.xml")
    local want = locate(hs, "written with a combining")
    local rows = c:kwic('"written with a combining"')
    assert.equal(1, #rows)
    assert.same(want, { rows[1].line, rows[1].col })
  end)

  it("finds footnote text, which follows the body and lies in no paragraph of it", function()
    -- "Bernau" is only in the source note of d5 (its first note)
    local hits = c:find("bernau")
    assert.equal(1, #hits)
    local hit = hits[1]
    assert.equal("frus1961-63v04/d5", hit.doc)
    local d5 = c:where{ id = "frus1961-63v04/d5" }
    local notes = d5:regions("note")
    assert.is_true(#notes >= 2)
    local first = notes[1]
    assert.equal("source", first.attrs.type)
    assert.is_true(hit.pos >= first.pos and hit.stop_pos <= first.stop_pos)
    -- the body: the paragraphs before the first note; none holds the hit
    local body = 0
    for _, p in ipairs(d5:regions("paragraph")) do
      if p.stop_pos < first.pos then
        body = body + 1
        assert.is_false(hit.pos >= p.pos and hit.pos <= p.stop_pos)
      end
    end
    assert.is_true(body >= 3)
    -- the paragraph around the hit is the note's own
    local around = hits:regions("paragraph")[1]
    assert.equal(first.pos, around.start)
  end)
end)

describe("the folder rules", function()
  after_each(h.cleanup)

  it("names documentation, unknown formats, XML that is not TEI and subfolders, and indexes none of them", function()
    local dir = tei_folder({ "hearing.xml" })
    h.write(dir .. "/README.md", "About this corpus: transcriptions of xyzzy.\n")
    h.write(dir .. "/LICENSE", "Licensed to xyzzy.\n")
    h.write(dir .. "/a.pdf", "%PDF-1.4 xyzzy\n")
    h.write(dir .. "/b.docx", "PK xyzzy\n")
    h.write(dir .. "/plain.xml", '<?xml version="1.0"?>\n<root><p>xyzzy</p></root>\n')
    assert(os.execute("mkdir " .. h.shquote(dir .. "/drafts")))
    h.write(dir .. "/drafts/extra.txt", "xyzzy in a subfolder\n")
    local out, err, code = h.run({ "-e", ("local c = assert(parley.open(%q)) print(#c:find('xyzzy'), c:stats().documents)")
      :format(dir) })
    assert.equal(0, code, err)
    -- only the hearing's three documents; the word of every other file is nowhere
    assert.equal("0\t3\n", out)
    local ws = warnings(err)
    local doc = grep(ws, "documentation")
    assert.equal(1, #doc)
    assert.truthy(doc[1]:find("README.md", 1, true) and doc[1]:find("LICENSE", 1, true))
    local unknown = grep(ws, "unknown format")
    assert.equal(1, #unknown)
    assert.truthy(unknown[1]:find(": 3 files skipped", 1, true), unknown[1])
    for _, n in ipairs{ "a.pdf", "b.docx", "plain.xml (XML, not TEI)" } do
      assert.truthy(unknown[1]:find(n, 1, true), n)
    end
    assert.falsy(unknown[1]:find("LICENSE", 1, true))
    local sub = grep(ws, "drafts/")
    assert.equal(1, #sub)
    assert.truthy(sub[1]:find("1 folder not read", 1, true))
    assert.equal(3, #ws)   -- and nothing else
    -- the next open takes the fast path, which lists no folder: the index repeats them
    local again
    out, again, code = h.run({ "-e", ("print(assert(parley.open(%q)).opened)"):format(dir) })
    assert.equal(0, code, again)
    assert.equal("fast\n", out)
    assert.same(ws, warnings(again))
  end)

  it("gives an .xml of a manifest the tei reader by itself, the text reader on request, and names a bad reader", function()
    local dir = tei_folder({ FRUS })
    local src = h.read(dir .. "/" .. FRUS)
    h.write(dir .. "/corpus.lua", ('return { documents = { { path = %q } } }'):format(FRUS))
    local c = h.open(dir)
    assert.equal(#assert(reader.read(dir .. "/" .. FRUS)), c:stats().documents)
    assert.equal(0, c:count("persname"))   -- tags are markup, not words
    c:close()
    h.write(dir .. "/corpus.lua", ('return { documents = { { path = %q, reader = "text" } } }'):format(FRUS))
    c = h.open(dir)
    assert.equal(1, c:stats().documents)
    -- every opening and closing persName tag is a word now
    assert.equal(count_plain(src, "persName"), c:count("=persName"))
    assert.is_true(c:count("=persName") > 40)
    c:close()
    h.write(dir .. "/corpus.lua", ('return { documents = { { path = %q, reader = "pdf" } } }'):format(FRUS))
    local none, err = parley.open(dir)
    assert.is_nil(none)
    assert.truthy(err:find("corpus.lua: documents[1] (" .. FRUS .. "): 'reader' must be one of", 1, true), err)
    assert.truthy(err:find("'pdf'", 1, true), err)
    -- an .xml that is not TEI, listed without a reader, is refused with the way out named
    h.write(dir .. "/plain.xml", "<root>words</root>\n")
    h.write(dir .. "/corpus.lua", 'return { documents = { { path = "plain.xml" } } }')
    none, err = parley.open(dir)
    assert.is_nil(none)
    assert.truthy(err:find("plain.xml: an XML file that is not TEI", 1, true), err)
    assert.truthy(err:find('reader = "text"', 1, true), err)
  end)
end)

describe("a malformed volume among good ones", function()
  after_each(h.cleanup)

  it("stops the build, or with --skip-bad is skipped and named, and is watched until fixed", function()
    local dir = tei_folder({ FRUS, "hearing.xml", "unclosed.xml" })
    local bad = dir .. "/unclosed.xml"
    -- where expat stops: at the name in the closing tag that does not match (after "</"),
    -- found here in the file
    local at = locate(h.read(bad), "</body>")
    local where = ("%s:%d:%d: "):format(bad, at[1], at[2] + 2)
    local out, err, code = h.run({ "overview", "--corpus", dir })
    assert.equal(1, code)
    assert.equal("", out)
    assert.truthy(err:find(where, 1, true), err)
    assert.is_false(exists(dir .. "/.parley/index"))
    assert.same({}, require("parley.fs").dir(dir .. "/.parley") or {})   -- no temporary file either
    out, err, code = h.run({ "overview", "--corpus", dir, "--skip-bad" })
    assert.equal(0, code, err)
    local skipped = grep(warnings(err), "warning: skipped ")
    assert.equal(1, #skipped)
    assert.truthy(skipped[1]:find("skipped " .. where, 1, true), skipped[1])
    local good = #assert(reader.read(dir .. "/" .. FRUS)) + #assert(reader.read(dir .. "/hearing.xml"))
    assert.truthy(out:find(("\n%d documents, "):format(good), 1, true), out)
    assert.truthy(exists(dir .. "/.parley/index"))
    -- every later open says what was skipped: the index records it
    out, err, code = h.run({ "overview", "--corpus", dir, "--skip-bad" })
    assert.equal(0, code, err)
    assert.same(skipped, grep(warnings(err), "warning: skipped "))
    out, err, code = h.run({ "-e",
      ("local c = assert(parley.open(%q, { skip_bad = true })) print(c.opened, c:stats().documents)"):format(dir) })
    assert.equal(("fast\t%d\n"):format(good), out)
    assert.same(skipped, grep(warnings(err), "warning: skipped "))
    -- without --skip-bad the index that skipped a file is not current
    local none, oerr = parley.open(dir)
    assert.is_nil(none)
    assert.truthy(oerr:find(where, 1, true), oerr)
    -- fixed: the source that gave no documents is watched, so the next open reads it
    cp(TEI .. "no-documents.xml", bad)
    local c = h.open(dir, { skip_bad = true })
    assert.equal("built", c.opened)
    assert.equal(good + #assert(reader.read(bad)), c:stats().documents)
    assert.truthy(c:doc(assert(reader.read(bad))[1].id))
    c:close()
    out, err, code = h.run({ "overview", "--corpus", dir })
    assert.equal(0, code, err)
    assert.truthy(out:find(("\n%d documents, "):format(good + 1), 1, true), out)
  end)
end)

describe("several malformed volumes with --skip-bad", function()
  after_each(h.cleanup)

  it("names each, with its place, and indexes the rest", function()
    local bad = { "unclosed.xml", "truncated.xml", "bad-entity.xml" }
    local dir = tei_folder({ "hearing.xml", table.unpack(bad) })
    h.write(dir .. "/empty.xml", "")   -- not even XML: unknown, not skipped
    local out, err, code = h.run({ "-e", ("print(assert(parley.open(%q, { skip_bad = true })):stats().documents)")
      :format(dir) })
    assert.equal(0, code, err)
    assert.equal(#assert(reader.read(dir .. "/hearing.xml")) .. "\n", out)
    local skipped = grep(warnings(err), "warning: skipped ")
    for _, n in ipairs(bad) do
      local lines = grep(skipped, "skipped " .. dir .. "/" .. n .. ":")
      assert.equal(1, #lines, n)
      assert.truthy(lines[1]:find("^parley: warning: skipped [^:]+:%d+:%d+: %S"), lines[1])
    end
    assert.equal(#bad, #skipped)
    assert.equal(1, #grep(warnings(err), "empty.xml (XML, not TEI)"))
    -- the first source (bad-entity.xml) gave no documents: the index is current all the same
    out, err, code = h.run({ "-e", ("print(assert(parley.open(%q, { skip_bad = true })).opened)"):format(dir) })
    assert.equal("fast\n", out, err)
  end)
end)

describe("a read-only corpus folder", function()
  after_each(function()
    h.cleanup()
  end)

  it("gets its index in the user cache, never in the folder, also for root", function()
    local dir = tei_folder({ "hearing.xml" })
    local cache = h.tmpdir()
    assert(os.execute("chmod 555 " .. h.shquote(dir)))
    local out, err, code = h.run({ "-e", ("local c = assert(parley.open(%q)) print(c:stats().path, c:stats().documents)")
      :format(dir) }, { env = { XDG_CACHE_HOME = cache } })
    os.execute("chmod 755 " .. h.shquote(dir))   -- so that cleanup can remove it
    assert.equal(0, code, err)
    local path, n = out:match("^(%S+)\t(%d+)\n$")
    assert.equal(cache .. "/parley/", path:sub(1, #cache + 8))
    assert.equal(#assert(reader.read(dir .. "/hearing.xml")), tonumber(n))
    assert.truthy(exists(path))
    assert.is_false(exists(dir .. "/.parley"))
    -- and a second open finds it there, without writing anything into the folder
    assert(os.execute("chmod 555 " .. h.shquote(dir)))
    out, err, code = h.run({ "-e", ("local c = assert(parley.open(%q)) print(c.opened, c:stats().path)"):format(dir) },
      { env = { XDG_CACHE_HOME = cache } })
    os.execute("chmod 755 " .. h.shquote(dir))
    assert.equal(0, code, err)
    assert.equal("fast\t" .. path .. "\n", out)
    assert.is_false(exists(dir .. "/.parley"))
  end)
end)

-- Everything a corpus' index says about regions and documents, as comparable tables.
local function regions_of(c)
  local out = {}
  for _, k in ipairs(c.ix:kinds()) do
    local list = {}
    for _, r in ipairs(c:regions(k.name)) do
      local attrs = {}
      for name, v in pairs(r.attrs) do attrs[#attrs + 1] = name .. "=" .. tostring(v) end
      list[#list + 1] = ("%s|%s|%s|%s|%s|%s"):format(r.doc, r.pos, r.stop_pos, r.start, r.stop,
        table.concat(sorted(attrs), "\0"))
    end
    out[k.name] = { count = k.count, regions = list }
    assert.equal(k.count, #list, k.name)
  end
  return out
end

local function flat(v)
  if type(v) ~= "table" then return tostring(v) end
  local parts = {}
  for k, x in pairs(v) do parts[#parts + 1] = tostring(k) .. "=" .. flat(x) end
  return "{" .. table.concat(sorted(parts), ",") .. "}"
end

local function metadata_of(c)
  local out = {}
  for d in c:docs() do out[#out + 1] = d.id .. " " .. d.path .. " " .. flat(d.meta) end
  return out
end

local function answers(c, words)
  local out = {}
  for _, w in ipairs(words) do
    local rows = {}
    for _, r in ipairs(c:kwic(w)) do rows[#rows + 1] = table.concat({ r.doc, r.line, r.col, r.match }, ":") end
    out[w] = { count = c:count(w), kwic = rows }
  end
  return out
end

describe("grammars in the build's worker threads", function()
  after_each(h.cleanup)

  local function same_either_way(dir, words)
    local t = h.tmpdir()
    local one = h.open(dir, { rebuild = true, threads = 1, index = t .. "/one" })
    local two = h.open(dir, { rebuild = true, threads = 2, index = t .. "/two" })
    assert.equal("built", one.opened)
    assert.equal("built", two.opened)
    local r1, r2 = regions_of(one), regions_of(two)
    assert.same(r1, r2)
    assert.same(metadata_of(one), metadata_of(two))
    assert.same(answers(one, words), answers(two, words))
    one:close()
    two:close()
    return r1
  end

  it("give the bundled corpus the same regions, metadata and answers with one thread or two", function()
    local r = same_either_way(h.corpus, { "guantanamo", '"red cross"', "missile*", "inspection NEAR/5 cross" })
    assert.is_true(r.turn.count > 20)
  end)

  it("give a folder of TEI volumes the same too", function()
    local r = same_either_way(tei_folder(), { "bundy", "diem", "mikoyan", "vietnam" })
    assert.is_true(r.turn.count > 0 and r.narration.count > 0)
  end)
end)

describe("grammars of TEI documents by genre", function()
  after_each(h.cleanup)

  local NO_GENRES = "genres = { memorandum = false, telegram = false, telephone = false, minutes = false }"

  local function per_doc(c, kind)
    local out = {}
    for d in c:docs() do out[d.id] = 0 end
    if not c:has_kind(kind) then return out end
    for _, r in ipairs(c:regions(kind)) do out[r.doc] = out[r.doc] + 1 end
    return out
  end

  it("reads memoranda with the narrative grammar, none with genres off, all with the volume's grammar", function()
    local dir = tei_folder({ FRUS })
    local c = h.open(dir)
    local genre = {}
    for id, a in pairs(doc_attrs(c)) do genre[id] = a.genre end
    local turns, narration = per_doc(c, "turn"), per_doc(c, "narration")
    -- the memorandum of conversation reports who said what: turns of the narrative grammar
    assert.is_true(turns["frus1961-63v04/d189"] >= 2)
    assert.same({ name = "narrative", source = "built-in", file = "lua/parley/grammar/narrative.lua" },
                c:doc("frus1961-63v04/d189").meta.grammar_used)
    assert.is_nil(c:doc("frus1961-63v04/d62").meta.grammar_used)   -- an editorial note: no grammar
    for id, g in pairs(genre) do
      local narrative = g == "memorandum" or g == "telegram" or g == "telephone" or g == "minutes"
      assert.equal(narrative, narration[id] > 0, id .. " (" .. g .. ")")
    end
    c:close()
    h.write(dir .. "/corpus.lua", ("return { %s, documents = { { path = %q } } }"):format(NO_GENRES, FRUS))
    c = h.open(dir)
    assert.equal("built", c.opened)   -- another way of reading: rebuilt
    for id, n in pairs(per_doc(c, "turn")) do assert.equal(0, n, id) end
    assert.is_false(c:has_kind("narration"))
    c:close()
    h.write(dir .. "/corpus.lua",
      ("return { %s, documents = { { path = %q, grammar = \"narrative\" } } }"):format(NO_GENRES, FRUS))
    c = h.open(dir)
    local all = per_doc(c, "narration")
    assert.equal(5, c:stats().documents)
    for id, n in pairs(all) do assert.is_true(n > 0, id) end   -- the editorial note too
    assert.is_true(per_doc(c, "turn")["frus1961-63v04/d189"] >= 2)
    c:close()
  end)

  it("reads a document the manifest names by id with the grammar given for it, or none", function()
    local dir = tei_folder({ FRUS })
    -- d5 is a telephone memorandum (narrative by genre), d62 an editorial note (no grammar by genre)
    h.write(dir .. "/corpus.lua", ("return { documents = { { path = %q, grammars = { "
      .. "[\"frus1961-63v04/d5\"] = false, [\"frus1961-63v04/d62\"] = \"narrative\" } } } }"):format(FRUS))
    local c = h.open(dir)
    local narration = per_doc(c, "narration")
    assert.equal(0, narration["frus1961-63v04/d5"])
    assert.is_true(narration["frus1961-63v04/d62"] > 0)
    assert.is_true(narration["frus1961-63v04/d189"] > 0)   -- the others by their genre still
    c:close()
    h.write(dir .. "/corpus.lua", ("return { documents = { { path = %q, grammars = { d5 = 3 } } } }"):format(FRUS))
    local ok, err = parley.open(dir)
    assert.is_nil(ok)
    assert.truthy(err:find("grammars[d5] must name a grammar", 1, true), err)
  end)

  it("checks a manifest's genres: a grammar that does not exist is an error there, a genre no document has a warning", function()
    local dir = tei_folder({ FRUS })
    h.write(dir .. "/corpus.lua", ("return { genres = { telegram = \"nosuch\" }, documents = { { path = %q } } }"):format(FRUS))
    local ok, err = parley.open(dir)
    assert.is_nil(ok)
    assert.truthy(err:find(dir .. "/corpus.lua: genres.telegram: no grammar 'nosuch'", 1, true), err)
    h.write(dir .. "/corpus.lua", ("return { genres = { telgram = false }, documents = { { path = %q } } }"):format(FRUS))
    local out, werr, code = h.run({ "-e", ("assert(parley.open(%q))"):format(dir) })
    assert.equal(0, code, werr)
    assert.truthy(werr:find("genres.telgram: no document has that genre", 1, true), werr)
  end)
end)

-- The folded frequency list of document d, counted here from its tokens
-- (words and numbers, as freq counts without punct).
local function hand_freq(d)
  local t = {}
  for _, tok in ipairs(d:tokens()) do
    if tok.kind == "word" or tok.kind == "number" then
      local w = fold(tok.text)
      t[w] = (t[w] or 0) + 1
    end
  end
  return t
end

local function freq_map(rows)
  local t = {}
  for _, r in ipairs(rows) do
    assert.is_nil(t[r.word], r.word)
    t[r.word] = r.count
  end
  return t
end

describe("the frequency list of a small sub-corpus", function()
  local dir, c
  -- the bundled corpus' two documents and the TEI volumes in one folder: a lexicon
  -- large enough that a TEI document is a small sub-corpus of it
  open_once(function(d)
    cp(h.dinner, d .. "/")
    cp(h.telegram, d .. "/")
  end, function(d, x) dir, c = d, x end)

  it("counts each document's words as its tokens say, on both sides of the sparse threshold", function()
    local small, large = 0, 0
    local threshold = c:stats().folded_types / 4   -- core/freq.c: fewer tokens than that count sparsely
    for d in c:docs() do
      local sub = c:where{ id = d.id }
      local want = hand_freq(d)
      assert.same(want, freq_map(sub:freq():totable()), d.id)
      if sub:size() < threshold then small = small + 1 else large = large + 1 end
    end
    assert.is_true(small >= 5, "small sub-corpora: " .. small)
    assert.is_true(large >= 1, "large sub-corpora: " .. large)
  end)

  it("counts paragraphs of the bundled corpus as their tokens say", function()
    local b <close> = h.open(h.corpus)
    local spans, regions = b.ix:regions("paragraph"), b:regions("paragraph")
    local tokens = {}
    local checked = 0
    for i = 1, #spans, 9 do
      local s, e = spans:span(i)
      local doc = regions[i].doc
      tokens[doc] = tokens[doc] or b:doc(doc):tokens()
      local want = {}
      for _, tok in ipairs(tokens[doc]) do
        if tok.pos >= s and tok.pos < e and (tok.kind == "word" or tok.kind == "number") then
          local w = fold(tok.text)
          want[w] = (want[w] or 0) + 1
        end
      end
      local sub = b:sub(spans:sub(i, i), "paragraph " .. i)
      assert.is_true(sub:size() < b:stats().folded_types / 4)   -- the sparse count
      assert.same(want, freq_map(sub:freq():totable()), "paragraph " .. i)
      checked = checked + 1
    end
    assert.is_true(checked >= 10)
  end)

  it("agrees with the whole corpus' list, and with the whole corpus taken as one span", function()
    local whole = freq_map(c:freq():totable())
    local total = {}
    for d in c:docs() do
      for w, n in pairs(hand_freq(d)) do total[w] = (total[w] or 0) + n end
    end
    assert.same(total, whole)
    -- the documents' spans, merged: one span over the whole corpus
    local spans = c.ix:regions("document", {})
    spans = spans:union(spans:sub(1, 0))
    assert.equal(c:stats().tokens, spans:width())
    local all = c:sub(spans, "all")
    assert.same(whole, freq_map(all:freq():totable()))
  end)

  it("counts exact forms the same way when fold is off", function()
    for d in c:docs() do
      local sub = c:where{ id = d.id }
      if sub:size() < c:stats().folded_types / 4 then
        local want = {}
        for _, tok in ipairs(d:tokens()) do
          if tok.kind == "word" or tok.kind == "number" then want[tok.text] = (want[tok.text] or 0) + 1 end
        end
        assert.same(want, freq_map(sub:freq{ fold = false }:totable()), d.id)
      end
    end
  end)
end)

describe("a build of many TEI documents in several batches on two threads", function()
  after_each(h.cleanup)

  -- The workers read the spec's strings (paths, genres, ids) while the main
  -- thread adds every document's id and metadata to the strings.  Whether a
  -- realloc lands under a reading worker is a matter of timing, so this does
  -- not prove the race away (ASan on the whole FRUS build found it); it runs
  -- the path many batches over, and checks what comes out of it.
  it("gives every document, its genre's grammar and its metadata", function()
    local dir = h.tmpdir() .. "/many"
    assert(os.execute("mkdir " .. h.shquote(dir)))
    local n, per = 8, 400
    for f = 1, n do
      local divs = {}
      for i = 1, per do
        divs[i] = ('<div type="document" xml:id="d%d"><head>%d. Memorandum of Conversation</head>'
          .. '<dateline><date when="1962-10-%02d">October %d, 1962</date></dateline>'
          .. '<list type="participants"><item><persName>Mr. Smith%d</persName></item></list>'
          .. '<p>Mr. Smith%d said that the word%d mattered. He added that it did.</p></div>')
          :format(i, i, i % 28 + 1, i % 28 + 1, i, i, i)
      end
      h.write(("%s/v%d.xml"):format(dir, f), '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc>'
        .. ('<publicationStmt><idno type="frus">vol%d</idno></publicationStmt>'):format(f)
        .. "</fileDesc></teiHeader><text><body>" .. table.concat(divs) .. "</body></text></TEI>")
    end
    local c = h.open(dir, { threads = 2, batch_mb = 1, rebuild = true })
    assert.equal(n * per, c:stats().documents)
    assert.equal(n * per, c:count("said"))
    local speakers = {}
    for _, r in ipairs(c:regions("turn")) do speakers[r.attrs.speaker] = (speakers[r.attrs.speaker] or 0) + 1 end
    assert.equal(n, speakers["Mr. Smith7"] or speakers["Smith7"])   -- one turn in each volume
    assert.truthy(c:doc("vol8/d400"))
    c:close()
  end)
end)

describe("--skip-bad and a grammar failing on one document of a volume", function()
  teardown(h.cleanup)
  it("indexes the volume's other documents with their turns, and that one without, saying so", function()
    local dir = h.tmpdir()
    h.write(dir .. "/vol.xml", [[<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><idno type="frus">vol1</idno></teiHeader>
<text><body>
<div type="document" xml:id="d1" n="1"><head>1. Memorandum</head><p>Mr. Rusk said the quarantine holds.</p></div>
<div type="document" xml:id="d2" n="2"><head>2. Memorandum</head><p>BOOM said the quarantine.</p></div>
<div type="document" xml:id="d3" n="3"><head>3. Memorandum</head><p>Mr. Rusk said nothing of the quarantine.</p></div>
</body></text></TEI>
]])
    assert(require("parley.fs").mkdir(dir .. "/grammars"))
    h.write(dir .. "/grammars/fragile.lua", [[return require("parley.grammar").register{ name = "fragile",
  kinds = { turn = { "speaker" } },
  parse = function(text)
    if text:find("BOOM", 1, true) then error("cannot read this one") end
    return { regions = { { kind = "turn", start = 1, stop = #text, attrs = { speaker = "Rusk" } } } }
  end }]])
    h.write(dir .. "/corpus.lua", [[return { name = "fragile", documents = { { path = "vol.xml", grammar = "fragile" } } }]])
    -- without --skip-bad the build stops, naming the file, the document and the grammar's error
    local _, err, code = h.run { "overview", "--corpus", dir }
    assert.equal(1, code)
    assert.truthy(err:find(dir .. "/vol.xml: document vol1/d2: grammar 'fragile'", 1, true), err)
    assert.truthy(err:find("cannot read this one", 1, true), err)
    -- with it, the three documents are there (three mentions), two of them with a turn
    local out
    out, err, code = h.run { "-e", ("local c = assert(parley.open(%q, { skip_bad = true })); print(c:count('quarantine'), #c:regions('turn'))")
      :format(dir) }
    assert.equal(0, code, err)
    assert.equal("3\t2\n", out)
    assert.truthy(err:find("vol1/d2: grammar 'fragile'", 1, true), err)
    assert.truthy(err:find("indexed without its grammar's regions (--skip-bad: 1 of the file's 3 documents so)", 1, true), err)
  end)
end)

describe("speakers named as the volume's register names them", function()
  -- spec/fixtures/tei/offices/vol.xml: a persons list giving offices with dates, as FRUS
  -- volumes do, and documents that name their speakers by office and by surname
  teardown(h.cleanup)
  local dir = h.tmpdir()
  assert(os.execute(("cp %s/spec/fixtures/tei/offices/vol.xml %s/"):format(h.shquote(h.root), h.shquote(dir))))
  local c = assert(parley.open(dir))
  local by_doc = {}
  for _, r in ipairs(c:regions("turn")) do
    by_doc[r.doc] = by_doc[r.doc] or {}
    table.insert(by_doc[r.doc], { r.attrs.label, r.attrs.speaker })
  end

  it("gives an office the person who held it at the document's date", function()
    -- 1962: "The President" is Kennedy (President until November 22, 1963); 1967: Johnson
    assert.same({ { "The President", "John F. Kennedy" } }, by_doc["offices/d3"])
    assert.same({ "The President", "Lyndon B. Johnson" }, by_doc["offices/d2"][1])
    -- 1967: the Under Secretary is Katzenbach (from October 1966), not Ball (to September
    -- 1966) nor Harriman (Under Secretary for Political Affairs, another office)
    assert.same({ "The Under Secretary", "Nicholas deB. Katzenbach" }, by_doc["offices/d2"][2])
  end)

  it("gives a surname the one entry that has it, and a participant written as a title its holder", function()
    assert.same({ "Secretary Rusk", "Dean Rusk" }, by_doc["offices/d2"][3])
    assert.same({ "The Secretary", "Dean Rusk" }, by_doc["offices/d1"][1])
    assert.same({ "Ambassador Dobrynin", "Anatoliy F. Dobrynin" }, by_doc["offices/d1"][2])
    local participants = c:doc("offices/d1").meta.participant
    assert.same({ "Rusk, Dean", "Dobrynin, Anatoliy F." }, participants)
  end)

  it("so that one person is one speaker", function()
    local speakers = c:values("speaker")
    local n = 0
    for _, s in ipairs(speakers) do if s:find("Rusk", 1, true) or s:find("Secretary", 1, true) then n = n + 1 end end
    assert.equal(1, n)
  end)
end)
