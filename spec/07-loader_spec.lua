-- parley.loader: reading source documents into normalised text (BOM, line
-- endings, strict UTF-8 or repair, NUL refused, NFC), on the seed documents
-- and on hostile input.
local h = require "spec.helpers"
local loader = require "parley.loader"
local text = require "parley.text"
-- what the loader's message on invalid UTF-8 suggests
local REPAIR = "; --repair (repair = true in parley.open) replaces invalid UTF-8 with U+FFFD"

local dinner = assert(h.read(h.dinner))
local telegram = assert(h.read(h.telegram))

local BOM = "\xEF\xBB\xBF"
local FFFD = "\xEF\xBF\xBD"
local ACUTE = "\xCC\x81"  -- U+0301 COMBINING ACUTE ACCENT

-- normalize that must fail; returns the message.
local function refused(name, data, opts)
  local t, msg = loader.normalize(name, data, opts)
  assert.is_nil(t)
  assert.is_string(msg)
  return msg
end

local function count(s, pat)
  return select(2, s:gsub(pat, ""))
end

describe("parley.loader", function()
  local dir

  before_each(function() dir = h.tmpdir() end)
  after_each(function() h.cleanup() end)

  describe("read", function()
    it("loads the seed documents unchanged", function()
      for path, want in pairs({ [h.dinner] = dinner, [h.telegram] = telegram }) do
        local t, info = loader.read(path)
        assert.equal(want, t)
        assert.same({ identity = true, bom = false, crlf = false, cr = false, nfc = false,
                      repaired = 0, bytes = #want, anchors = {} }, info)
      end
    end)

    it("strips a BOM at the start only", function()
      local path = dir .. "/bom.txt"
      h.write(path, BOM .. "Mikoyan\n" .. BOM .. "\n")
      local t, info = loader.read(path)
      assert.equal("Mikoyan\n" .. BOM .. "\n", t)
      assert.is_true(info.bom)
      assert.is_false(info.identity)
      assert.equal(15, info.bytes)
      h.write(path, BOM)
      t, info = loader.read(path)
      assert.equal("", t)
      assert.is_true(info.bom)
    end)

    it("turns CRLF and CR into LF, keeping the lines", function()
      local lf = dinner
      local crlf_path, cr_path = dir .. "/crlf.txt", dir .. "/cr.txt"
      h.write(crlf_path, (lf:gsub("\n", "\r\n")))
      h.write(cr_path, (lf:gsub("\n", "\r")))
      local t, info = loader.read(crlf_path)
      assert.equal(lf, t)
      assert.is_true(info.crlf)
      assert.is_false(info.cr)
      assert.is_false(info.identity)
      assert.equal(#lf + count(lf, "\n"), info.bytes)
      t, info = loader.read(cr_path)
      assert.equal(lf, t)
      assert.is_true(info.cr)
      assert.is_false(info.crlf)
    end)

    it("loads an empty file", function()
      local path = dir .. "/empty.txt"
      h.write(path, "")
      local t, info = loader.read(path)
      assert.equal("", t)
      assert.is_true(info.identity)
      assert.equal(0, info.bytes)
    end)

    it("names the path of a missing file or a directory", function()
      local t, msg = loader.read(dir .. "/nope.txt")
      assert.is_nil(t)
      assert.equal(dir .. "/nope.txt: No such file or directory", msg)
      t, msg = loader.read(dir)
      assert.is_nil(t)
      assert.equal(dir .. ": Is a directory", msg)
    end)

    it("reports bad bytes in a file with its path, line and column", function()
      local path = dir .. "/bad.txt"
      h.write(path, "one\r\ntwo\r\nthré\xC0e\r\n")
      local t, msg = loader.read(path)
      assert.is_nil(t)
      assert.equal(path .. ":3:5: invalid UTF-8 sequence (byte 0xC0)" .. REPAIR, msg)
    end)

    it("repairs a file when asked, with a warning naming it", function()
      local path = dir .. "/bad.txt"
      h.write(path, "ok\n\xFFbad\xC0\xAF\n")
      assert.is_nil(loader.read(path))
      local t, info = loader.read(path, { repair = true })
      assert.equal("ok\n" .. FFFD .. "bad" .. FFFD .. FFFD .. "\n", t)
      assert.equal(3, info.repaired)
      assert.is_false(info.identity)
      assert.equal(path .. ": replaced 3 invalid UTF-8 sequences with U+FFFD", info.warning)
    end)

    it("round-trips a 20 MB file", function()
      local reps = math.ceil(20 * 1024 * 1024 / #dinner)
      local big = dinner:rep(reps)
      local path = dir .. "/big.txt"
      h.write(path, big)
      local t, info = loader.read(path)
      assert.is_true(t == big, "text differs")
      assert.is_true(info.identity)
      assert.equal(#big, info.bytes)
      h.write(path, (big:gsub("\n", "\r\n")))
      t, info = loader.read(path)
      assert.is_true(t == big, "CRLF text differs")
      assert.is_true(info.crlf)
    end)

    it("raises on bad arguments", function()
      assert.has_error(function() loader.read() end,
        "bad argument #1 to 'read' (string expected, got no value)")
      assert.has_error(function() loader.read(h.dinner, "repair") end,
        "bad argument #2 to 'read' (table expected, got string)")
    end)
  end)

  describe("normalize", function()
    it("keeps valid NFC text as it is", function()
      local t, info = loader.normalize("x", "Guantánamo — “U Thant”")
      assert.equal("Guantánamo — “U Thant”", t)
      assert.is_true(info.identity)
      assert.is_false(info.nfc)
      assert.is_nil(info.warning)
    end)

    it("composes NFD into NFC, also after an ASCII base", function()
      local t, info = loader.normalize("x", "Guanta" .. ACUTE .. "namo")
      assert.equal("Guantánamo", t)
      assert.is_true(info.nfc)
      assert.is_false(info.identity)
      assert.equal(12, info.bytes)
      assert.equal("é\n", loader.normalize("x", "e" .. ACUTE .. "\r\n"))
      assert.equal("\xE1\xBA\xA1\xCC\x87", loader.normalize("x", "a\xCC\x87\xCC\xA3"))  -- reordered
      assert.equal("\xEA\xB0\x80", loader.normalize("x", "\xE1\x84\x80\xE1\x85\xA1"))  -- Hangul
      assert.equal(ACUTE .. "x", loader.normalize("x", ACUTE .. "x"))       -- no base: kept
      assert.equal("\n" .. ACUTE, loader.normalize("x", "\r" .. ACUTE))    -- no composing with LF
    end)

    it("maps the composed text back to the source's lines and columns", function()
      -- "café line one" with NFD é: source columns e=4, U+0301=5, space=6; text é=4, space=5.
      -- Line 2, after CRLF line ends: "second é guantanamo": source g at column 11, text at 10.
      local src = "caf" .. "e" .. ACUTE .. " line one\r\nsecond e" .. ACUTE .. " guantanamo\r\nthird\n"
      local t, info = loader.normalize("x", src)
      assert.equal("café line one\nsecond é guantanamo\nthird\n", t)
      assert.same({
        { text = 4, src = 4, line = 1, col = 4 }, { text = 6, src = 7, line = 1, col = 6 },
        { text = 23, src = 25, line = 2, col = 8 }, { text = 25, src = 28, line = 2, col = 10 },
      }, info.anchors)
      -- no anchors where nothing composes, with a BOM, CRLF or repaired bytes
      for _, s in ipairs { "plain\r\ntext", BOM .. "é text", "bad \xC0 byte" } do
        local _, i = loader.normalize("x", s, { repair = true })
        assert.same({}, i.anchors)
      end
    end)

    it("handles NFC results longer than their input", function()
      local qa = "\xE0\xA5\x98"  -- U+0958, excluded from composition: becomes U+0915 U+093C
      local t, info = loader.normalize("x", ("a" .. qa):rep(50000))
      assert.equal(("a\xE0\xA4\x95\xE0\xA4\xBC"):rep(50000), t)
      assert.is_true(info.nfc)
    end)

    it("agrees with parley.text on decomposed seed text", function()
      local nfd = text.normalize(dinner, "NFD")
      assert.is_true(nfd ~= dinner)
      local t, info = loader.normalize("dinner", nfd)
      assert.equal(dinner, t)
      assert.is_true(info.nfc)
      local mix = {}
      local parts = { "a", "e", " ", "\n", ACUTE, "\xCC\xA3", "\xCC\x88", "é", "\xE1\x84\x80",
                      "\xE1\x85\xA1", "\xE1\x86\xA8", "ω", "\xCD\x85", "Å", "\xE2\x84\xAB" }
      for i = 1, 4000 do mix[i] = parts[(i * 7919 + i // 13) % #parts + 1] end
      local s = table.concat(mix)
      assert.equal(text.normalize(s, "NFC"), (loader.normalize("mix", s)))
    end)

    it("composes every canonical composite and agrees with parley.text on all characters", function()
      -- each character (and so each NFD sequence) after a space: its own run
      local all = {}
      for cp = 0x80, 0x2FFFF do
        if cp < 0xD800 or cp > 0xDFFF then all[#all + 1] = utf8.char(cp) end
      end
      local s = " " .. table.concat(all, " ")
      local nfc = text.normalize(s, "NFC")
      local nfd = text.normalize(s, "NFD")
      assert.is_true(loader.normalize("all", s) == nfc, "NFC of every character differs")
      local t, info = loader.normalize("all", nfd)
      assert.is_true(t == nfc, "NFC of every decomposition differs")
      assert.is_true(info.nfc)
      -- and without the spaces: runs as long as the blocks
      s = table.concat(all)
      assert.is_true(loader.normalize("all", s) == text.normalize(s, "NFC"))
    end)

    it("gives line and column in characters of the first invalid sequence", function()
      assert.equal("doc.txt:3:5: invalid UTF-8 sequence (byte 0xC0)" .. REPAIR,
        refused("doc.txt", "line one\nline two\nabcd\xC0 rest\n"))
      -- four two-byte characters (8 bytes) before the bad byte: column 5
      assert.equal("doc.txt:3:5: invalid UTF-8 sequence (byte 0xFF)" .. REPAIR,
        refused("doc.txt", "α\nβ\nßüñé\xFF\n"))
      -- a decomposed é counts as two characters of the original line
      assert.equal("doc.txt:3:5: invalid UTF-8 sequence (byte 0x80)" .. REPAIR,
        refused("doc.txt", "\n\nae" .. ACUTE .. "—\x80"))
      -- CRLF and CR lines, and a BOM, which is not a column
      assert.equal("d:3:5: invalid UTF-8 sequence (byte 0xC0)" .. REPAIR, refused("d", "a\r\nb\r\nxyzw\xC0"))
      assert.equal("d:3:5: invalid UTF-8 sequence (byte 0xC0)" .. REPAIR, refused("d", "a\rb\rxyzw\xC0"))
      assert.equal("d:1:5: invalid UTF-8 sequence (byte 0xC0)" .. REPAIR, refused("d", BOM .. "abcd\xC0"))
    end)

    it("refuses a sequence truncated at the end of the file", function()
      assert.equal("t:2:4: invalid UTF-8 sequence (bytes 0xE2 0x80)" .. REPAIR, refused("t", "x\nabc\xE2\x80"))
      assert.equal("t:1:1: invalid UTF-8 sequence (bytes 0xF0 0x9F 0x98)" .. REPAIR, refused("t", "\xF0\x9F\x98"))
      assert.equal("t:1:2: invalid UTF-8 sequence (byte 0xC3)" .. REPAIR, refused("t", "a\xC3"))
    end)

    it("refuses overlong forms, surrogates, values above U+10FFFF and stray bytes", function()
      local cases = {
        "\xC0\xAF", "\xC1\xBF", "\xE0\x80\xAF", "\xE0\x9F\xBF", "\xF0\x80\x80\xAF",
        "\xF0\x8F\xBF\xBF", "\xED\xA0\x80", "\xED\xBF\xBF", "\xF4\x90\x80\x80",
        "\xF5\x80\x80\x80", "\xF8\x88\x80\x80\x80", "\xFF", "\x80", "\xBF",
      }
      for _, bad in ipairs(cases) do
        assert.matches("^s:1:3: invalid UTF%-8 sequence %(byte 0x%x%x%); %-%-repair",
          refused("s", "ok" .. bad .. "ok"))
      end
      -- the edges of the valid ranges
      local edges = "\xC2\x80\xDF\xBF\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80\xEF\xBF\xBF" ..
                    "\xF0\x90\x80\x80\xF4\x8F\xBF\xBF"
      assert.equal(edges, (loader.normalize("s", edges)))
    end)

    it("repairs each maximal subpart with one U+FFFD", function()
      -- Unicode 15, table 3-8
      local t, info = loader.normalize("u", "a\xF1\x80\x80\xE1\x80\xC2b\x80c\x80\xBFd",
                                       { repair = true })
      assert.equal("a" .. FFFD:rep(3) .. "b" .. FFFD .. "c" .. FFFD:rep(2) .. "d", t)
      assert.equal(6, info.repaired)
      assert.equal("u: replaced 6 invalid UTF-8 sequences with U+FFFD", info.warning)
      local cases = {
        ["\xC0\xAF"] = 2, ["\xE0\x80\xAF"] = 3, ["\xED\xA0\x80"] = 3,
        ["\xF4\x90\x80\x80"] = 4, ["\xF0\x9F\x98"] = 1, ["\xE2\x80"] = 1,
      }
      for bad, n in pairs(cases) do
        t, info = loader.normalize("u", "x" .. bad, { repair = true })
        assert.equal("x" .. FFFD:rep(n), t)
        assert.equal(n, info.repaired)
      end
      t, info = loader.normalize("u", "e" .. ACUTE .. "\xC0", { repair = true })
      assert.equal("é" .. FFFD, t)
      assert.is_true(info.nfc)
      assert.equal("u: replaced 1 invalid UTF-8 sequence with U+FFFD", info.warning)
    end)

    it("refuses a NUL byte with its position, even when repairing", function()
      assert.equal("b:2:3: binary file (NUL byte)", refused("b", "ab\ncd\0ef"))
      assert.equal("b:1:2: binary file (NUL byte)", refused("b", "é\0"))
      assert.equal("b:1:3: binary file (NUL byte)", refused("b", "\xC0é\0", { repair = true }))
      assert.equal("b:1:1: binary file (NUL byte)", refused("b", "\0"))
    end)

    it("finds special bytes at every position of the word-at-a-time scan", function()
      for i = 1, 40 do
        local pre = ("a"):rep(i - 1)
        assert.equal("w:1:" .. i .. ": binary file (NUL byte)", refused("w", pre .. "\0" .. pre))
        assert.equal("w:1:" .. i .. ": invalid UTF-8 sequence (byte 0xC0)" .. REPAIR,
          refused("w", pre .. "\xC0" .. pre))
        local t, info = loader.normalize("w", pre .. "\r" .. pre .. "\r\n" .. pre .. "é" .. pre)
        assert.equal(pre .. "\n" .. pre .. "\n" .. pre .. "é" .. pre, t)
        assert.is_true(info.cr and info.crlf and not info.nfc)
      end
    end)

    it("accepts the empty string", function()
      local t, info = loader.normalize("e", "")
      assert.equal("", t)
      assert.is_true(info.identity)
    end)

    it("raises on bad arguments", function()
      assert.has_error(function() loader.normalize("x") end,
        "bad argument #2 to 'normalize' (string expected, got no value)")
      assert.has_error(function() loader.normalize("x", "y", true) end,
        "bad argument #3 to 'normalize' (table expected, got boolean)")
    end)
  end)
end)
