-- parley.text: validation, normalisation, folding, code-point indexing,
-- width, categories and grapheme clusters, on the seed documents and on
-- hostile input.
local h = require "spec.helpers"
local text = require "parley.text"

local dinner = assert(h.read(h.dinner))
local telegram = assert(h.read(h.telegram))

local ACUTE = "\xCC\x81"  -- U+0301 COMBINING ACUTE ACCENT

-- Reference sub on code points, through Lua's utf8 library.
local function ref_sub(s, i, j)
  local n = utf8.len(s)
  if i < 0 then i = math.max(n + i + 1, 1) elseif i == 0 then i = 1 end
  if j < 0 then j = n + j + 1 elseif j > n then j = n end
  if i > j then return "" end
  return s:sub(utf8.offset(s, i), utf8.offset(s, j + 1) - 1)
end

local function clusters(s)
  local starts, parts = {}, {}
  for start, g in text.graphemes(s) do
    starts[#starts + 1] = start
    parts[#parts + 1] = g
  end
  return parts, starts
end

describe("parley.text", function()
  it("is the parley.text field of the toolkit", function()
    assert.equal(text, require("parley").text)
    assert.matches("^%d+%.%d+%.%d+$", text.unicode)
  end)

  describe("valid", function()
    it("accepts the seed documents", function()
      assert.is_true(text.valid(dinner))
      assert.is_true(text.valid(telegram))
    end)

    it("accepts edge code points, NUL and the empty string", function()
      assert.is_true(text.valid(""))
      assert.is_true(text.valid("a\0b"))
      assert.is_true(text.valid("\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80"))
      assert.is_true(text.valid("\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF"))
    end)

    it("rejects hostile sequences at the first bad byte", function()
      local cases = {
        ["\xC0\xAF"] = 1,            -- overlong '/'
        ["\xC1\xBF"] = 1,            -- overlong 2-byte
        ["\xE0\x80\xAF"] = 1,        -- overlong 3-byte
        ["\xF0\x80\x80\xAF"] = 1,    -- overlong 4-byte
        ["\xED\xA0\x80"] = 1,        -- surrogate U+D800
        ["\xED\xBF\xBF"] = 1,        -- surrogate U+DFFF
        ["\xF4\x90\x80\x80"] = 1,    -- U+110000
        ["\xF5\x80\x80\x80"] = 1,
        ["\xF8\x88\x80\x80\x80"] = 1,
        ["\xFF"] = 1,
        ["\xE2\x82"] = 1,            -- truncated euro sign
        ["\x80"] = 1,                -- stray continuation
        ["ab\xE2\x82\xACc\xE2\x82"] = 7,
        ["\xC3\xA9\x80"] = 3,
        ["\xE2\x28\xA1"] = 1,        -- bad second byte
      }
      for s, at in pairs(cases) do
        local ok, off, line, col = text.valid(s)
        assert.is_false(ok)
        assert.equal(at, off)
        assert.equal(1, line)
        assert.equal(utf8.len(s:sub(1, at - 1)) + 1, col)
      end
    end)

    it("reports line and column in code points after newlines", function()
      local s = "line one\nlin\xC3\xA9 two\n  \xC3\xA9\xE2\x80\x94\xE2\x82x"
      local ok, off, line, col = text.valid(s)
      assert.is_false(ok)
      assert.equal(#"line one\nlin\xC3\xA9 two\n  \xC3\xA9\xE2\x80\x94" + 1, off)
      assert.equal(3, line)
      assert.equal(5, col)
      assert.same({ false, 1, 1, 1 }, { text.valid("\x80\n") })
      assert.same({ false, 3, 3, 1 }, { text.valid("\n\n\xFF") })
      assert.same({ false, 4, 2, 3 }, { text.valid("\na\0\xC0") })
    end)

    it("finds a bad byte planted in the seed document", function()
      local at = dinner:find("Guant", 1, true)
      local bad = dinner:sub(1, at - 1) .. "\xED\xA0\x80" .. dinner:sub(at)
      local _, nl = dinner:sub(1, at - 1):gsub("\n", "")
      local line_start = dinner:sub(1, at - 1):match(".*\n()") or 1
      local ok, off, line, col = text.valid(bad)
      assert.is_false(ok)
      assert.equal(at, off)
      assert.equal(nl + 1, line)
      assert.equal(utf8.len(dinner:sub(line_start, at - 1)) + 1, col)
    end)
  end)

  describe("normalize", function()
    it("round-trips NFD and NFC", function()
      local nfd = text.normalize("Guantánamo émigrés", "NFD")
      assert.equal("Guanta" .. ACUTE .. "namo e" .. ACUTE .. "migre" .. ACUTE .. "s", nfd)
      assert.equal("Guantánamo émigrés", text.normalize(nfd))
      assert.equal("Guantánamo émigrés", text.normalize(nfd, "NFC"))
      assert.equal(dinner, text.normalize(text.normalize(dinner, "NFD"), "NFC"))
      assert.equal(telegram, text.normalize(telegram))
    end)

    it("applies compatibility mappings only in the K forms", function()
      assert.equal("ﬁ", text.normalize("ﬁ", "NFC"))
      assert.equal("fi", text.normalize("ﬁ", "NFKC"))
      assert.equal("fi", text.normalize("ﬁ", "NFKD"))
      assert.equal("e" .. ACUTE .. "1", text.normalize("é¹", "NFKD"))
    end)

    it("reorders combining marks canonically", function()
      -- dot below (ccc 220) sorts before acute (ccc 230)
      assert.equal("q\xCC\xA3\xCC\x81", text.normalize("q\xCC\x81\xCC\xA3", "NFD"))
    end)

    it("keeps NUL bytes", function()
      assert.equal("a\0é\0", text.normalize("a\0e" .. ACUTE .. "\0"))
      assert.equal("\0" .. ACUTE, text.normalize("\0" .. ACUTE))
    end)

    it("handles long non-ASCII text beyond the stack scratch", function()
      local s = string.rep("é", 1000)
      assert.equal(string.rep("e" .. ACUTE, 1000), text.normalize(s, "NFD"))
      assert.equal(s, text.normalize(string.rep("e" .. ACUTE, 1000)))
    end)

    it("rejects a bad form and invalid UTF-8", function()
      assert.has_error(function() text.normalize("x", "X") end,
        "bad argument #2 to 'normalize' (invalid option 'X')")
      assert.error_matches(function() text.normalize("x", "nfc") end, "invalid option 'nfc'")
      assert.has_error(function() text.normalize("abcd\x80") end, "invalid UTF-8 at byte 5")
      assert.has_error(function() text.normalize("\xC0\xAF", "NFD") end, "invalid UTF-8 at byte 1")
      assert.error_matches(function() text.normalize({}) end, "bad argument #1 to 'normalize'")
    end)
  end)

  describe("casefold", function()
    it("folds case by Unicode rules and composes", function()
      assert.equal("strasse", text.casefold("Straße"))
      assert.equal("strasse", text.casefold("STRASSE"))
      assert.equal("émigrés", text.casefold("ÉMIGRÉS"))
      assert.equal("guantánamo", text.casefold("Guanta" .. ACUTE .. "namo"))
      assert.equal("“quarantine”", text.casefold("“QUARANTINE”"))
      assert.equal("σαρ", text.casefold("ΣΑΡ"))
    end)

    it("raises on invalid UTF-8", function()
      assert.has_error(function() text.casefold("ok\xED\xA0\x80") end, "invalid UTF-8 at byte 3")
    end)
  end)

  describe("fold", function()
    it("folds the seed document's words", function()
      assert.equal("guantanamo", text.fold("Guantánamo"))
      assert.equal("emigres", text.fold("ÉMIGRÉS"))
      assert.equal("emigres", text.fold("émigrés"))
      assert.equal("“quarantine”", text.fold("“Quarantine”"))
      assert.equal("castro's", text.fold("Castro’s"))  -- typographic apostrophes fold to '
      assert.equal("'quarantine'", text.fold("‘Quarantine’"))
      assert.equal("kennedy—this", text.fold("Kennedy—this"))
      assert.equal("fi", text.fold("ﬁ"))
      assert.equal("strasse", text.fold("Straße"))
    end)

    it("folds precomposed and decomposed input alike", function()
      assert.equal("guantanamo", text.fold("Guanta" .. ACUTE .. "namo"))
      assert.equal("e", text.fold("e" .. ACUTE))
      assert.equal("e", text.fold("E" .. ACUTE))
      assert.equal("aei", text.fold("A" .. ACUTE .. "E\xCC\x81\xCC\xA3I"))
      assert.equal(text.fold(dinner), text.fold(text.normalize(dinner, "NFD")))
    end)

    it("folds the whole seed document consistently", function()
      local f = text.fold(dinner)
      assert.is_true(text.valid(f))
      assert.is_nil(f:find("[A-Z]"))
      assert.truthy(f:find("in guantanamo. why are", 1, true))
      assert.truthy(f:find("cuban emigres prepare", 1, true))
      assert.truthy(f:find("the “quarantine” would be", 1, true))
      assert.equal(f, text.fold(f))
      assert.equal(telegram:lower(), text.fold(telegram))
    end)

    it("equals string.lower on large ASCII input", function()
      local parts = {}
      for i = 1, 20000 do parts[i] = string.char(i % 128) end
      local s = table.concat(parts) .. telegram:rep(20)
      assert.equal(s:lower(), text.fold(s))
    end)

    it("keeps NUL bytes and compatibility-maps non-ASCII runs", function()
      assert.equal("a\0e\0", text.fold("A\0É\0"))
      assert.equal("x2", text.fold("X²"))
      assert.equal("kelvin k", text.fold("KELVIN \xE2\x84\xAA"))  -- U+212A KELVIN SIGN
    end)

    it("handles non-ASCII runs longer than the stack scratch", function()
      assert.equal(string.rep("e", 600), text.fold(string.rep("É", 600)))
      local ar = text.normalize("\xEF\xB7\xBA", "NFKC")        -- U+FDFA, 18 code points
      assert.equal(text.casefold(ar):rep(40), text.fold(("\xEF\xB7\xBA"):rep(40)))
      assert.equal("", text.fold(string.rep(ACUTE, 500)))
    end)

    it("raises on invalid UTF-8 with the byte offset", function()
      assert.has_error(function() text.fold("Guant\xC3") end, "invalid UTF-8 at byte 6")
      assert.has_error(function() text.fold("\x80abc") end, "invalid UTF-8 at byte 1")
      assert.has_error(function() text.fold("abc\xC0\xAF") end, "invalid UTF-8 at byte 4")
      assert.has_error(function() text.fold("é\xF4\x90\x80\x80") end, "invalid UTF-8 at byte 3")
    end)
  end)

  describe("upper and lower", function()
    it("map case per code point", function()
      assert.equal("émigrés", text.lower("ÉMIGRÉS"))
      assert.equal("GUANTÁNAMO", text.upper("Guantánamo"))
      assert.equal("“QUARANTINE”", text.upper("“quarantine”"))
      assert.equal("a\0é", text.lower("A\0É"))
      assert.equal(telegram:upper(), text.upper(telegram))
      assert.equal(telegram:lower(), text.lower(telegram))
    end)

    it("raise on invalid UTF-8", function()
      assert.has_error(function() text.upper("ab\xE2\x82") end, "invalid UTF-8 at byte 3")
    end)
  end)

  describe("len", function()
    it("counts code points", function()
      assert.equal(0, text.len(""))
      assert.equal(10, text.len("Guantánamo"))
      assert.equal(11, text.len("Guanta" .. ACUTE .. "namo"))
      assert.equal(3, text.len("a\0b"))
      assert.equal(utf8.len(dinner), text.len(dinner))
    end)

    it("returns fail and the offset of invalid UTF-8", function()
      assert.same({ nil, 1 }, { text.len("\xE2\x82") })
      assert.same({ nil, 4 }, { text.len("a\xC3\xA9\x80") })
      assert.same({ nil, 2 }, { text.len("a\xED\xA0\x80") })
    end)
  end)

  describe("sub", function()
    it("slices by code points", function()
      assert.equal("tánamo", text.sub("Guantánamo", 5))
      assert.equal("á", text.sub("Guantánamo", 6, 6))
      assert.equal("mo", text.sub("Guantánamo", -2))
      assert.equal("Guantánamo", text.sub("Guantánamo"))
      assert.equal("\0é", text.sub("a\0é", 2, 3))
      assert.equal("", text.sub("", 1, 5))
    end)

    it("follows string.sub's index rules", function()
      local ascii = "quarantine"
      local words = "“Guantánamo”—émigrés"
      for i = -14, 14 do
        for j = -14, 14 do
          assert.equal(ascii:sub(i, j), text.sub(ascii, i, j))
          assert.equal(ref_sub(words, i, j), text.sub(words, i, j))
        end
      end
      assert.equal("é", text.sub("é", math.mininteger, math.maxinteger))
    end)

    it("raises on invalid UTF-8 in the walked part", function()
      assert.has_error(function() text.sub("ab\x80cd", 2, 4) end, "invalid UTF-8 at byte 3")
      assert.has_error(function() text.sub("ab\x80cd", -1) end, "invalid UTF-8 at byte 3")
    end)
  end)

  describe("width", function()
    it("counts display columns", function()
      assert.equal(0, text.width(""))
      assert.equal(10, text.width("Guantánamo"))
      assert.equal(10, text.width("Guanta" .. ACUTE .. "namo"))
      assert.equal(4, text.width("日本"))
      assert.equal(6, text.width("日本a" .. ACUTE .. "—"))
    end)

    it("raises on invalid UTF-8", function()
      assert.has_error(function() text.width("日\xE6\x9C") end, "invalid UTF-8 at byte 4")
    end)
  end)

  describe("category", function()
    it("names general categories of code points and characters", function()
      assert.equal("Lu", text.category("G"))
      assert.equal("Ll", text.category("á"))
      assert.equal("Mn", text.category(0x301))
      assert.equal("Mn", text.category(ACUTE))
      assert.equal("Pd", text.category("—"))
      assert.equal("Pi", text.category("“"))
      assert.equal("Pf", text.category("’"))
      assert.equal("Nd", text.category(0x37))
      assert.equal("Cc", text.category("\0"))
      assert.equal("Cs", text.category(0xD800))
      assert.equal("Cn", text.category(0x10FFFF))
      assert.equal("Lo", text.category("日"))
    end)

    it("rejects out-of-range code points and strings of other lengths", function()
      assert.error_matches(function() text.category(0x110000) end, "code point out of range")
      assert.error_matches(function() text.category(-1) end, "code point out of range")
      assert.error_matches(function() text.category("ab") end, "expected a single UTF%-8 character")
      assert.error_matches(function() text.category("") end, "expected a single UTF%-8 character")
      assert.error_matches(function() text.category("\xC0\xAF") end, "expected a single UTF%-8 character")
      assert.error_matches(function() text.category(1.5) end, "number has no integer representation")
    end)
  end)

  describe("graphemes", function()
    it("yields byte starts and clusters", function()
      local family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}"
      local s = "e" .. ACUTE .. family .. "\u{1F1EB}\u{1F1F7}\u{1F1E9}\u{1F1EA}x\r\n\0"
      local parts, starts = clusters(s)
      assert.same({ "e" .. ACUTE, family, "\u{1F1EB}\u{1F1F7}", "\u{1F1E9}\u{1F1EA}",
                    "x", "\r\n", "\0" }, parts)
      local at = 1
      for k, g in ipairs(parts) do
        assert.equal(at, starts[k])
        at = at + #g
      end
    end)

    it("covers the seed document exactly", function()
      local parts = clusters(dinner)
      assert.equal(dinner, table.concat(parts))
      assert.equal(text.len(dinner:gsub("\r\n", "\n")), #parts)
      local nfd = text.normalize("Guantánamo émigrés", "NFD")
      assert.equal(18, #clusters(nfd))
    end)

    it("is a stateless iterator", function()
      local iter, s, ctl = text.graphemes("ab")
      assert.equal("ab", s)
      assert.equal(0, ctl)
      assert.same({ 2, "b" }, { iter("ab", 1) })
      assert.same({}, { iter("ab", 2) })
      assert.same({}, { iter("ab", 3) })
      assert.same({}, { text.graphemes("")("", 0) })
    end)

    it("raises on invalid UTF-8 while iterating", function()
      assert.has_error(function()
        for _ in text.graphemes("ok\xE2\x82") do end
      end, "invalid UTF-8 at byte 3")
    end)
  end)
end)
