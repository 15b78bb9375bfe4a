-- The TEI reader (core/tei.c through parley.reader): documents, ids, dates,
-- genres, notes out of line, persNames and the register, speech markup,
-- the map back to the XML, entities, encodings, and malformed files.
-- Expected values come from the fixtures themselves: counts taken from the
-- XML with Lua patterns, line and column found by searching the file, and
-- values read off the fixture by hand (the fixtures are short).
local h = require "spec.helpers"
local reader = require "parley.reader"

local dir = h.root .. "/spec/fixtures/tei/"
local FRUS = dir .. "frus1961-63v04-excerpt.xml"
local HEARING = dir .. "hearing.xml"

local function squeeze(s) return (s:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")) end

local function read(path)
  local docs, reg = reader.read(path)
  assert(docs, reg)
  return docs, reg
end

local function by_id(docs)
  local t = {}
  for _, d in ipairs(docs) do t[d.id] = d end
  return t
end

local function of_kind(d, kind)
  local out = {}
  for _, r in ipairs(d.regions) do if r.kind == kind then out[#out + 1] = r end end
  return out
end

local function metas(d, key)
  local out = {}
  for _, m in ipairs(d.meta) do if m[1] == key then out[#out + 1] = m[2] end end
  return out
end

local function meta(d, key) return metas(d, key)[1] end

-- The XML of each <div type="document"> of a file, by xml:id (FRUS divs do not nest).
local function div_sources(src)
  local out = {}
  for id, body in src:gmatch('<div type="document" xml:id="([^"]+)"[^>]*>(.-)\n%s*</div>') do out[id] = body end
  return out
end

-- The body: the text before the first note region (notes are appended after it).
local function body_of(d)
  local notes = of_kind(d, "note")
  return notes[1] and d.text:sub(1, notes[1].start - 1) or d.text
end

-- The line and column of a text offset by the rule of the index (core/ixfile.c ix_line_col):
-- from the last anchor at or before it the text copies the source, newlines adding lines.
local function line_col(d, off)
  local a
  for _, x in ipairs(d.anchors) do if x.text <= off then a = x else break end end
  local seg = d.text:sub(a.text, off - 1)
  local nl = select(2, seg:gsub("\n", ""))
  if nl == 0 then return a.line, a.col + utf8.len(seg) end
  return a.line + nl, utf8.len(seg:match("[^\n]*$")) + 1
end

-- Line and column of byte offset off of src, counted here from the file.
local function src_line_col(src, off)
  local line, start = 1, 1
  for p in src:sub(1, off - 1):gmatch("\n()") do line, start = line + 1, p end
  return line, utf8.len(src, start, off - 1) + 1
end

-- Every word of the text that lies between two anchors, checked against the XML: the word is
-- in the file where the map says, at the line and column the map gives.
local function check_map(path, docs)
  local src = h.read(path)
  local ls = { 1 }
  for p in src:gmatch("\n()") do ls[#ls + 1] = p end
  local function lc(off)
    local lo, hi = 1, #ls
    while lo < hi do local m = (lo + hi + 1) // 2; if ls[m] <= off then lo = m else hi = m - 1 end end
    return lo, utf8.len(src, ls[lo], off - 1) + 1
  end
  local checked = 0
  for _, d in ipairs(docs) do
    local an, k = d.anchors, 1
    assert.equal(1, an[1].text)
    for s, w, e in d.text:gmatch("()([%w\128-\255][%w\128-\255'.,;:]*)()") do
      while k < #an and an[k + 1].text <= s do k = k + 1 end
      -- no anchor inside the word, and not the expansion of an entity (anchored at its reference)
      if not (an[k + 1] and an[k + 1].text < e) and src:sub(an[k].src, an[k].src) ~= "&" then
        local seg = d.text:sub(an[k].text, s - 1)
        if not seg:find("\n") then
          local off = an[k].src + #seg
          local piece = src:sub(off, off + #w - 1)
          if piece ~= w then   -- a character reference composed with the letter before it
            piece = src:sub(off, off + #w + 16):gsub("&#x(%x+);", function(x) return utf8.char(tonumber(x, 16)) end)
            piece = parley.text.normalize(piece, "NFC"):sub(1, #w)
          end
          assert.equal(w, piece, d.id .. ": " .. w)
          local l1, c1 = line_col(d, s)
          local l2, c2 = lc(off)
          assert.same({ l2, c2 }, { l1, c1 }, d.id .. ": " .. w)
          checked = checked + 1
        end
      end
    end
  end
  return checked
end

describe("parley.reader", function()
  it("describes the tei reader: its document attributes and region kinds", function()
    local info = reader.info("tei")
    assert.same({ "volume", "number", "date", "date_to", "title", "genre" }, info.doc_attrs)
    local kinds = {}
    for _, k in ipairs(info.kinds) do kinds[k.name] = k.attrs end
    assert.same({ "n", "type", "id", "anchor" }, kinds.note)
    assert.same({ "n", "id" }, kinds.noteref)
    assert.same({ "ref", "name" }, kinds.persname)
    assert.same({ "speaker", "who" }, kinds.turn)
    assert.same({ "speaker" }, kinds.label)
    assert.same({ "type" }, kinds.list)
    assert.same({ "n" }, kinds.page)
    assert.same({}, kinds.head)
    assert.same({}, kinds.dateline)
    assert.is_nil(reader.info("nosuch"))
    assert.has_error(function() reader.read(FRUS, "nosuch") end, "bad argument #2 to 'read' (no reader 'nosuch')")
  end)

  it("refuses a folder and a missing file with a message naming it", function()
    local docs, err = reader.read(dir)
    assert.is_nil(docs)
    assert.equal(dir .. ": is a folder, not a file", err)
    docs, err = reader.read(dir .. "nosuch.xml")
    assert.is_nil(docs)
    assert.equal(dir .. "nosuch.xml: No such file or directory", err)
  end)
end)

describe("the tei reader on a FRUS excerpt", function()
  local src = h.read(FRUS)
  local docs, reg = read(FRUS)
  local d = by_id(docs)
  local divs = div_sources(src)

  it("makes one document per <div type=\"document\">, named VOLUME/xml:id", function()
    local ids = {}
    for id in src:gmatch('<div type="document" xml:id="([^"]+)"') do ids[#ids + 1] = "frus1961-63v04/" .. id end
    assert.equal(5, #ids)                          -- d5 d62 d189 d217 d248
    assert.same(ids, (function() local t = {} for i, x in ipairs(docs) do t[i] = x.id end return t end)())
    for _, x in ipairs(docs) do
      assert.equal("frus1961-63v04", x.attrs.volume)
      assert.equal(x.id:match("/d(%d+)$"), x.attrs.number)
    end
  end)

  it("dates documents from the dateline's date: when, from/to, notBefore/notAfter, none", function()
    assert.same({ "1963-08-28", "" }, { d["frus1961-63v04/d5"].attrs.date, d["frus1961-63v04/d5"].attrs.date_to })
    assert.same({ "", "" }, { d["frus1961-63v04/d62"].attrs.date, d["frus1961-63v04/d62"].attrs.date_to })
    assert.equal("1963-10-07", d["frus1961-63v04/d189"].attrs.date)
    assert.same({ "1963-10-25", "1963-10-26" }, { d["frus1961-63v04/d217"].attrs.date, d["frus1961-63v04/d217"].attrs.date_to })
    assert.same({ "1963-10", "1963-11-01" }, { d["frus1961-63v04/d248"].attrs.date, d["frus1961-63v04/d248"].attrs.date_to })
    assert.equal("October 7, 1963, 4:30 p.m.", meta(d["frus1961-63v04/d189"], "date_text"))
    assert.equal("Washington, October 7, 1963, 4:30 p.m.", meta(d["frus1961-63v04/d189"], "dateline"))
    assert.equal("Washington", meta(d["frus1961-63v04/d189"], "place"))
    assert.is_nil(meta(d["frus1961-63v04/d62"], "dateline"))
  end)

  it("gives titles without their notes and genres from the heads", function()
    assert.equal("189. Memorandum of a Conversation", d["frus1961-63v04/d189"].attrs.title)
    assert.equal("62. Editorial Note", d["frus1961-63v04/d62"].attrs.title)
    local genres = {}
    for i, x in ipairs(docs) do genres[i] = x.attrs.genre end
    -- heads: Memorandum of Telephone Conversation, Editorial Note, Memorandum of a Conversation,
    -- Telegram From ..., Memorandum of a Telephone Conversation
    assert.same({ "telephone", "editorial", "memorandum", "telegram", "telephone" }, genres)
  end)

  it("puts notes out of line: a noteref where each stands, its text after the body", function()
    local total = 0
    for id, xml in pairs(divs) do
      local x = d["frus1961-63v04/" .. id]
      local notes, refs = of_kind(x, "note"), of_kind(x, "noteref")
      local n = select(2, xml:gsub("<note ", ""))
      total = total + n
      assert.equal(n, #notes, id)
      assert.equal(n, #refs, id)
      local body = body_of(x)
      for i, note in ipairs(notes) do
        assert.equal(refs[i].attrs.id, note.attrs.anchor)
        assert.equal(refs[i].start - 1, refs[i].stop)              -- zero width
        assert.is_true(refs[i].stop <= #body)
        local text = x.text:sub(note.start, note.stop)
        assert.is_nil(body:find(text, 1, true), id .. ": a note's text is in the body")
        assert.equal("\n\n", x.text:sub(note.start - 2, note.start - 1))   -- its own paragraph
      end
    end
    assert.equal(8, total)                                         -- 2 + 0 + 1 + 2 + 3, by hand
    local d5 = d["frus1961-63v04/d5"]
    assert.equal("Source: Department of State, Rusk Files: Lot 72 D 192, Telephone Conversations. Transcribed by Phyllis D. Bernau.",
                 meta(d5, "source"))
    assert.equal("source", of_kind(d5, "note")[1].attrs.type)
    assert.equal("d5fn2", of_kind(d5, "note")[2].attrs.id)
    assert.truthy(body_of(d5):find("B read from a message. Pres likely to start", 1, true))
  end)

  it("keeps persNames: a region each, a de-duplicated pair each, names from the register", function()
    for id, xml in pairs(divs) do
      local x = d["frus1961-63v04/" .. id]
      local seen, uniq, n = {}, 0, 0
      for inner in xml:gmatch("<persName[^>]*>(.-)</persName>") do
        n = n + 1
        local name = squeeze(inner:gsub("<[^>]*>", ""))
        if not seen[name] then seen[name], uniq = true, uniq + 1 end
      end
      assert.equal(n, #of_kind(x, "persname"), id)
      assert.equal(uniq, #metas(x, "persname"), id)
    end
    local d248 = d["frus1961-63v04/d248"]
    local p = of_kind(d248, "persname")[1]
    assert.same({ ref = "p_HWA1", name = "Harriman, W. Averell" }, p.attrs)
    assert.equal("Harriman", d248.text:sub(p.start, p.stop))
    -- a corresp the excerpt's register lacks keeps an empty name
    local d189 = d["frus1961-63v04/d189"]
    for _, r in ipairs(of_kind(d189, "persname")) do
      if r.attrs.ref == "p_DGC1" then assert.equal("", r.attrs.name) end
    end
  end)

  it("lists participants: register names where corresp resolves, else the text; headings left out", function()
    assert.same({ "The President", "Ball, George W.", "Bohlen, Charles E.", "Mr. Tyler", "Couve de Murville",
                  "Alphand, Herve", "Mr. Lucet" }, metas(d["frus1961-63v04/d189"], "participant"))
    assert.same({}, metas(d["frus1961-63v04/d5"], "participant"))
  end)

  it("returns the volume's register with roles", function()
    local n = select(2, src:gsub('<persName xml:id=', ""))
    assert.equal(10, n)
    assert.equal(n, #reg)
    assert.same({ id = "p_AH1", name = "Alphand, Herve", role = "French Ambassador to the United States" }, reg[1])
    assert.same({ id = "p_DIEM1", name = "Diem", role = "see Ngo Dinh Diem" }, reg[5])
  end)

  it("separates paragraphs by a blank line and leaves page breaks as zero-width regions", function()
    local d62 = d["frus1961-63v04/d62"]
    assert.equal(1, select(2, d62.text:gsub("\n\n", "")))           -- head, one p
    assert.is_nil(d62.text:find("\n\n\n", 1, true))
    local page = of_kind(d["frus1961-63v04/d189"], "page")
    assert.equal(1, #page)
    assert.equal("390", page[1].attrs.n)
    assert.equal(page[1].start - 1, page[1].stop)
    local d189 = d["frus1961-63v04/d189"]
    assert.equal("in general and that they have", d189.text:sub(page[1].start - 10, page[1].start + 18))
    local heads = of_kind(d189, "head")
    assert.equal("189. Memorandum of a Conversation", d189.text:sub(heads[1].start, heads[1].stop))
    local lists = of_kind(d189, "list")
    assert.same({ "subject", "participants" }, { lists[1].attrs.type, lists[2].attrs.type })
  end)

  it("maps every word back to its place in the XML file", function()
    local n = check_map(FRUS, docs)
    assert.is_true(n > 1000, n .. " words checked")
  end)
end)

describe("the tei reader on constructed markup", function()
  local docs, reg = read(HEARING)
  local d = by_id(docs)
  local h1 = d["hearing1962/h1"]

  it("reads a prefixed TEI namespace, ids with and without xml:id, and textual dates", function()
    assert.same({ "hearing1962/h1", "hearing1962/2", "hearing1962/h3" },
                { docs[1].id, docs[2].id, docs[3].id })
    assert.same({ "1962-10-27", "1962-10-28", "1962-09" }, { docs[1].attrs.date, docs[2].attrs.date, docs[3].attrs.date })
    assert.same({ "telephone", "letter", "minutes" }, { docs[1].attrs.genre, docs[2].attrs.genre, docs[3].attrs.genre })
  end)

  it("expands entities and CDATA, leaves out comments and processing instructions", function()
    assert.equal("1. Transcript of Telephone Conversation on the Cuban missile crisis", h1.attrs.title)
    local body = body_of(h1)
    assert.truthy(body:find("that Café and café are one word, Q&A <sic>.", 1, true))
    assert.truthy(body:find("x < y & z is CDATA and this goes on.", 1, true))
    assert.is_nil(body:find("comment", 1, true))
    assert.is_nil(body:find("not text", 1, true))
    assert.is_nil(body:find("page-break", 1, true))
    assert.truthy(body:find("; foreign markup.", 1, true))        -- another namespace's element keeps its text
  end)

  it("gives NFC text: a combining accent composes with the letter before it", function()
    assert.truthy(h1.text:find("\nCafé written", 1, true))
    assert.is_nil(h1.text:find("\u{301}", 1, true))
    assert.equal(h1.text, parley.text.normalize(h1.text, "NFC"))
  end)

  it("makes turns and labels of <sp> and <speaker>, speakers named from a register at the end of the file", function()
    local turns, labels = of_kind(h1, "turn"), of_kind(h1, "label")
    assert.equal(2, #turns)
    assert.equal(2, #labels)
    assert.same({ speaker = "Kennedy, John F.", who = "p_JFK" }, turns[1].attrs)
    assert.same({ speaker = "Mikoyan, Anastas I." }, labels[2].attrs)
    assert.equal("The President:", h1.text:sub(labels[1].start, labels[1].stop))
    assert.equal("Mikoyan", h1.text:sub(labels[2].start, labels[2].stop))
    assert.equal(turns[1].start, labels[1].start)
    assert.truthy(h1.text:sub(turns[2].start, turns[2].stop):find("goes on.\n\nCafé written with a combining accent; foreign markup.$"))
    local p = of_kind(h1, "persname")[1]
    assert.same({ ref = "p_AIM", name = "Mikoyan, Anastas I." }, p.attrs)
    assert.same({ { id = "p_JFK", name = "Kennedy, John F.", role = "President" },
                  { id = "p_AIM", name = "Mikoyan, Anastas I.", role = "First Deputy Chairman" } }, reg)
  end)

  it("appends a note met inside a turn after the body", function()
    local notes = of_kind(h1, "note")
    assert.equal(2, #notes)
    assert.equal("A note in the middle of a turn.", h1.text:sub(notes[2].start, notes[2].stop))
    assert.equal(#h1.text, notes[2].stop)
  end)

  it("maps words back to the XML through entities, CDATA and the combining accent", function()
    assert.is_true(check_map(HEARING, docs) > 40)
    -- the composed Café of the second paragraph sits where its "Cafe" starts in the file
    local src = h.read(HEARING)
    local s = h1.text:find("Café written", 1, true)
    local at = src:find("Cafe&#x301;", 1, true)
    assert.same({ src_line_col(src, at) }, { line_col(h1, s) })
  end)

  it("reads a file without document divs as one document per <text>", function()
    local path = dir .. "no-documents.xml"
    local ds = read(path)
    assert.equal(1, #ds)
    assert.equal("no-documents/t1", ds[1].id)
    assert.equal("A Short Report", ds[1].attrs.title)
    assert.equal("A Short Report\n\nOne text, so one document.\n\nSecond paragraph.\n\nIts only note.", ds[1].text)
    check_map(path, ds)
  end)
end)

describe("the tei reader on hostile input", function()
  local function write(name, data)
    local path = h.tmpdir() .. "/" .. name
    h.write(path, data)
    return path
  end
  after_each(h.cleanup)

  -- The position of the first occurrence of s in the file, as line:col.
  local function where(path, s)
    local src = h.read(path)
    return ("%d:%d"):format(src_line_col(src, assert(src:find(s, 1, true))))
  end

  it("reports an unclosed tag, an undefined entity and a truncated file as PATH:LINE:COL: MESSAGE", function()
    local path = dir .. "unclosed.xml"
    local docs, err = reader.read(path)
    assert.is_nil(docs)
    local line = where(path, "</body>"):match("^%d+")
    assert.equal(path .. ":" .. line .. ":7: mismatched tag", err)
    path = dir .. "bad-entity.xml"
    docs, err = reader.read(path)
    assert.is_nil(docs)
    assert.equal(path .. ":" .. where(path, "&undefined;") .. ": undefined entity", err)
    path = dir .. "truncated.xml"
    docs, err = reader.read(path)
    assert.is_nil(docs)
    local src = h.read(path)
    local lines = select(2, src:gsub("\n", "")) + 1
    assert.matches("^" .. path:gsub("%p", "%%%0") .. ":" .. lines .. ":%d+: unclosed token$", err)
  end)

  it("refuses an empty file and text that is not XML", function()
    local docs, err = reader.read(write("empty.xml", ""))
    assert.is_nil(docs)
    assert.matches("empty%.xml:1:1: no element found$", err)
    docs, err = reader.read(write("plain.xml", "Just some words.\n"))
    assert.is_nil(docs)
    assert.matches("plain%.xml:1:1: syntax error$", err)
  end)

  it("stops an entity expansion bomb and never loads an external entity", function()
    local lol = { '<?xml version="1.0"?>\n<!DOCTYPE TEI [\n<!ENTITY l0 "lollollollollollollollollollol">\n' }
    for i = 1, 9 do
      lol[#lol + 1] = ("<!ENTITY l%d \"%s\">\n"):format(i, ("&l" .. (i - 1) .. ";"):rep(10))
    end
    lol[#lol + 1] = ']>\n<TEI><text><body><div type="document"><p>&l9;</p></div></body></text></TEI>\n'
    local docs, err = reader.read(write("bomb.xml", table.concat(lol)))
    assert.is_nil(docs)
    assert.matches("amplification", err)
    local secret = write("secret.txt", "THE SECRET")
    local path = write("external.xml", '<?xml version="1.0"?>\n<!DOCTYPE TEI [\n<!ENTITY ext SYSTEM "'
      .. secret .. '">\n]>\n<TEI><text><body><div type="document"><p>before &ext; after</p></div></body></text></TEI>\n')
    docs, err = reader.read(path)
    assert(docs, err)
    assert.is_nil(docs[1].text:find("SECRET", 1, true))
    assert.equal("before after", docs[1].text)
    -- and says so: the file, the place of the first entity left out, how many of each sort
    local _, _, warning = reader.read(path)
    assert.equal(path .. ":5:49: entity 'ext' left out of the text (1 external entity not loaded: a corpus "
      .. "is never read outside its files; 0 declared in a DTD that is not read)", warning)
  end)

  it("says which entities of a DTD it does not read are left out, in the build's warnings too", function()
    local path = write("dtd.xml", '<?xml version="1.0"?>\n<!DOCTYPE TEI SYSTEM "tei_all.dtd">\n'
      .. '<TEI><text><body><div type="document"><p>Rusk spoke&mdash;briefly&hellip;</p></div></body></text></TEI>\n')
    local docs, _, warning = reader.read(path)
    assert.equal("Rusk spokebriefly", docs[1].text)
    assert.truthy(warning:find(path .. ":3:52: entity 'mdash' left out of the text, and others (0 external entities "
      .. "not loaded: a corpus is never read outside its files; 2 declared in a DTD that is not read)", 1, true), warning)
    local corpus = h.tmpdir()
    assert(os.rename(path, corpus .. "/dtd.xml"))
    local _, err, code = h.run { "overview", "--corpus", corpus }
    assert.equal(0, code, err)
    assert.truthy(err:find("warning: " .. corpus .. "/dtd.xml:3:52: entity 'mdash' left out", 1, true), err)
  end)

  it("reads ISO-8859-1 and UTF-16 files, with columns counted in characters", function()
    local xml = '<TEI><text><body><div type="document" xml:id="a">\n<p>Caf\xe9 au lait,\n  s\xe9ance tenue.</p></div></body></text></TEI>\n'
    local path = write("latin1.xml", '<?xml version="1.0" encoding="ISO-8859-1"?>\n' .. xml)
    local docs = read(path)
    assert.equal("Café au lait, séance tenue.", docs[1].text)
    assert.same({ 4, 3 }, { line_col(docs[1], docs[1].text:find("séance")) })
    assert.same({ 3, 9 }, { line_col(docs[1], docs[1].text:find("au")) })
    local u16 = { "\xff\xfe" }                                    -- little-endian, with a BOM
    local text = '<?xml version="1.0" encoding="UTF-16"?>\n' .. xml:gsub("\xe9", "\0\xe9")
    for c in text:gmatch("%z?[^%z]") do
      u16[#u16 + 1] = #c == 2 and "\xe9\0" or c .. "\0"
    end
    docs = read(write("utf16.xml", table.concat(u16)))
    assert.equal("Café au lait, séance tenue.", docs[1].text)
    assert.same({ 4, 3 }, { line_col(docs[1], docs[1].text:find("séance")) })
    assert.same({ 3, 9 }, { line_col(docs[1], docs[1].text:find("au")) })
  end)

  it("chooses genres by one table of phrases in the head, or the source note of an older volume", function()
    local heads = {
      { "12. Notes of Meeting", "minutes" }, { "13. Summary Record of the 514th Meeting", "minutes" },
      { "14. Airgram From the Embassy in Paris", "telegram" }, { "15. Note From the Soviet Government", "note" },
      { "16. Paper Prepared in the Policy Planning Council", "other" },
      { "17. Memorandum for the Record", "memorandum" }, { "18. Transcript of Telephone Conversation", "telephone" },
      { "19. Letter From President Kennedy Enclosing a Telegram", "letter" },
      { "20. Telegram From the Embassy Enclosing a Letter", "telegram" }, { "Editorial Note", "editorial" },
    }
    local xml = { '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body>' }
    for _, x in ipairs(heads) do xml[#xml + 1] = '<div type="document"><head>' .. x[1] .. '</head><p>Text.</p></div>' end
    xml[#xml + 1] = '<div type="document"><note rend="inline" type="source">691.119/6–1948: Telegram</note>'
      .. '<head>The Ambassador in Iran (Wiley) to the Secretary of State</head><p>Text.</p></div>'
    xml[#xml + 1] = '</body></text></TEI>'
    local docs = read(write("genres.xml", table.concat(xml, "\n")))
    assert.equal(#heads + 1, #docs)
    for i, x in ipairs(heads) do assert.equal(x[2], docs[i].attrs.genre, x[1]) end
    assert.equal("telegram", docs[#docs].attrs.genre)
  end)

  it("keeps ids unique, nests notes and persNames without losing text", function()
    local path = write("vol.xml", [[
<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body>
<div type="document" xml:id="2"><p>One<note n="1">outer <note n="x">inner</note> end</note>.</p></div>
<div type="document"><p><persName corresp="#a">Al <persName>Bo</persName></persName> met.</p></div>
<div type="document" xml:id="2"><p>Three<note n="1" xml:id="fn1">Once.</note> and again<note n="###" target="#fn1"/>.</p></div>
</body></text></TEI>
]])
    local docs = read(path)
    assert.same({ "vol/2", "vol/2-2", "vol/2-3" }, { docs[1].id, docs[2].id, docs[3].id })
    assert.equal("One.\n\nouter inner end", docs[1].text)
    assert.equal(1, #of_kind(docs[1], "note"))
    assert.equal("Al Bo met.", docs[2].text)
    assert.same({ "Al Bo" }, metas(docs[2], "persname"))
    -- an empty note pointing at another is a second reference to it, not a note of its own
    assert.equal("Three and again.\n\nOnce.", docs[3].text)
    local refs = of_kind(docs[3], "noteref")
    assert.same({ "fn1", "fn1" }, { refs[1].attrs.id, refs[2].attrs.id })
    assert.equal(1, #of_kind(docs[3], "note"))
    check_map(path, docs)
  end)
end)

-- The whole FRUS sample, when it is beside the repository (../shared/corpora/frus).
describe("the tei reader on the FRUS sample", function()
  local frus = os.getenv("PARLEY_FRUS") or (h.root .. "/../shared/corpora/frus")
  it("reads every volume: 14 541 documents, as many as the files hold", function()
    local p = io.popen("ls " .. h.shquote(frus) .. "/*.xml 2>/dev/null")
    local paths = {}
    for path in p:lines() do paths[#paths + 1] = path end
    p:close()
    if #paths == 0 then pending("the FRUS sample is not at " .. frus) return end
    local n, divs, dated, unsorted, bad_text = 0, 0, 0, 0, 0
    for _, path in ipairs(paths) do
      local docs, err = reader.read(path)
      assert(docs, err)
      n = n + #docs
      divs = divs + select(2, h.read(path):gsub('<div type="document"', ""))
      for _, x in ipairs(docs) do
        if x.attrs.date ~= "" then dated = dated + 1 end
        for i = 2, #x.regions do if x.regions[i].start < x.regions[i - 1].start then unsorted = unsorted + 1 end end
        for i = 2, #x.anchors do if x.anchors[i].text <= x.anchors[i - 1].text then unsorted = unsorted + 1 end end
        if x.text:find("^%s") or x.text:find("%s$") or x.text:find("\n\n\n", 1, true) or x.text:find("  ", 1, true)
           or x.text:find("[^\n]\n[^\n]") or x.text:find(" \n", 1, true) or x.text:find("\n ", 1, true) or not utf8.len(x.text) then bad_text = bad_text + 1 end
      end
    end
    assert.equal(43, #paths)
    assert.equal(divs, n)
    assert.equal(14541, n)
    assert.same({ 0, 0 }, { unsorted, bad_text })   -- regions and anchors in order; whitespace squeezed
    assert.is_true(dated >= 12358)                 -- the README's count of machine-readable dates
  end)
end)

describe("TEI dates that are not dates of the calendar", function()
  after_each(h.cleanup)

  it("leave the document undated rather than dated otherwise", function()
    local cases = {
      { '<date when="1962-02-30">', "" }, { '<date when="1962-13">', "" }, { '<date when="0000">', "" },
      { '<date when="1964-02-29">', "1964-02-29" }, { '<date when="1963-02-29">', "" },
      { "<date>February 30, 1962</date>", "" }, { "<date>February 28, 1962</date>", "1962-02-28" },
      { '<date when="1962-11-01T10:30:00">', "1962-11-01" },
    }
    local body = {}
    for i, c in ipairs(cases) do
      local date = c[1]:find("</date>", 1, true) and c[1] or (c[1] .. "x</date>")
      body[#body + 1] = ('<div type="document" xml:id="d%d"><dateline>Washington, %s</dateline><p>w</p></div>')
        :format(i, date)
    end
    local path = h.tmpdir() .. "/dates.xml"
    h.write(path, '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body>' .. table.concat(body) .. "</body></text></TEI>")
    local docs = assert(reader.read(path, "tei"))
    assert.equal(#cases, #docs)
    for i, c in ipairs(cases) do assert.equal(c[2], docs[i].attrs.date, c[1]) end
  end)
end)
