-- What reaches a reader besides table cells: captions, notes, the REPL's
-- summaries and every error message are data too (a corpus's name, a
-- document's id, a file name) and must reach a terminal or Markdown as
-- tables' cells do -- no escape sequence, no markup.  One number style in
-- every summary ("1 document", "14 000 tokens"), Markdown rules as wide as
-- their columns, `-h` after a command, :run arguments split as a shell
-- splits them, one message for a script that does not exist, and a where
-- clause that selects nothing said as such.  README's room map names every
-- file of the core and of the toolkit.
local h = require "spec.helpers"
local output = require "parley.output"
local writer = require "parley.writer"
local show = require "parley.show"
local text = require "parley.text"
local repl = require "parley.repl"

local FFFD = "\u{FFFD}"

-- The first thing in s a terminal would act on or hide: a C0 control but
-- newline and tab, DEL, a C1 control, U+2028/9, a bidirectional override or
-- isolate, or a byte that is not UTF-8.  nil when there is none.
local function raw_control(s)
  local i, n = 1, #s
  while i <= n do
    local c = s:byte(i)
    if (c < 0x20 and c ~= 10 and c ~= 9) or c == 0x7F then return ("byte %d at %d"):format(c, i) end
    if c < 0x80 then
      i = i + 1
    else
      local len = c >= 0xF0 and 4 or c >= 0xE0 and 3 or c >= 0xC2 and 2 or 0
      if len == 0 or not utf8.len(s, i, i) or i + len - 1 > n then return ("a bad byte at %d"):format(i) end
      local cp = utf8.codepoint(s, i)
      if cp <= 0x9F or cp == 0x2028 or cp == 0x2029 or (cp >= 0x202A and cp <= 0x202E)
          or (cp >= 0x2066 and cp <= 0x2069) then
        return ("U+%04X at %d"):format(cp, i)
      end
      i = i + len
    end
  end
  return nil
end

local function assert_clean(s, what)
  assert(raw_control(s) == nil, ("%s: %s in %q"):format(what, tostring(raw_control(s)), s))
end

-- A corpus whose name, title, document id, type and titles hold terminal escape sequences.
local function evil()
  local dir = h.tmpdir()
  h.write(dir .. "/corpus.lua", [[
return {
  name = "evil\27]0;pwned\7\27[2J",
  title = "T\27[31mRED\u{202E}",
  documents = {
    { id = "x\27[31mred", path = "a.txt", type = "tele\27[1mgram", title = "doc\27[31m\u{2028}x\u{85}" },
  },
}
]])
  h.write(dir .. "/a.txt", "Quarantine here, quarantine there.\n")
  return dir
end

-- A corpus whose name, title and document titles are markup.
local function markup()
  local dir = h.tmpdir()
  h.write(dir .. "/corpus.lua", [[
return {
  name = '# <script>alert("name")</script>',
  title = "<img src=x onerror=alert(1)> [click](http://evil.example) & co",
  documents = {
    { id = "t1", path = "t1.txt", title = "T1 <script>alert(1)</script> [x](javascript:alert(1))" },
  },
}
]])
  h.write(dir .. "/t1.txt", "A quarantine and a blockade.\n")
  return dir
end

describe("captions", function()
  after_each(h.cleanup)

  it("reach a terminal as tty cells do: no escape sequence in overview, outline, topics or collocates", function()
    local dir = evil()
    for _, cmd in ipairs {
      { "overview" }, { "outline", "x\27[31mred" }, { "topics" }, { "topics", "--where", "id=x\27[31mred" },
      { "collocates", "quarantine", "--min", "1" }, { "kwic", "quarantine" },
    } do
      local args = { table.unpack(cmd) }
      args[#args + 1] = "--corpus"
      args[#args + 1] = dir
      local out, err, code = h.run(args)
      local name = table.concat(cmd, " ")
      assert.equal(0, code, name .. ": " .. err)
      assert_clean(out, name .. " (stdout)")
      assert_clean(err, name .. " (stderr)")
    end
    local out = h.run({ "overview", "--corpus", dir })
    -- the caption line: the name and title with each control shown as U+FFFD
    assert.truthy(out:find("evil" .. FFFD .. "]0;pwned" .. FFFD .. FFFD .. "[2J — T" .. FFFD .. "[31mRED" .. FFFD .. "\n",
      1, true))
    out = h.run({ "outline", "x", "--corpus", dir })
    assert.equal("x" .. FFFD .. "[31mred (a.txt)", out:match("^[^:]*"))
  end)

  it("keep their line breaks and tabs on a terminal, and escape markup in md and html", function()
    local rows, cols = { { n = 1 } }, { "n" }
    local caption = "line one\twith a tab\r\nline \27[2J two"
    assert.equal("line one\twith a tab\nline " .. FFFD .. "[2J two\n", output.render(rows, cols, "tty", { caption = caption })
      :match("^(.-\n.-\n)"))
    local md = output.render(rows, cols, "md", { caption = '<script>alert("x")</script> *a* [b](c) & d_e' })
    assert.equal('&lt;script&gt;alert("x")&lt;/script&gt; \\*a\\* \\[b\\](c) &amp; d\\_e', md:match("^(.-)\n\n"))
    local html = output.render(rows, cols, "html", { caption = "<b>&</b>" })
    assert.truthy(html:find("<caption>&lt;b&gt;&amp;&lt;/b&gt;</caption>", 1, true))
  end)

  it("never open a Markdown block: a leading # - + = ~ or 1. is escaped", function()
    local function first(caption)
      return output.render({ { n = 1 } }, { "n" }, "md", { caption = caption }):match("^(.-)\n\n")
    end
    assert.equal("\\# not a heading", first("# not a heading"))
    assert.equal("  \\- not a list", first("  - not a list"))
    assert.equal("\\+ plus", first("+ plus"))
    assert.equal("\\=== no rule", first("=== no rule"))
    assert.equal("1962\\. not a list", first("1962. not a list"))
    assert.equal("7\\) nor this", first("7) nor this"))
    assert.equal("12345678901. a long number", first("12345678901. a long number"))  -- no list starts so
    assert.equal("a # in the middle", first("a # in the middle"))
  end)

  it("of a corpus made of markup are escaped in md and html wherever they appear", function()
    local dir = markup()
    for _, cmd in ipairs { { "overview" }, { "outline", "t1" }, { "kwic", "quarantine" } } do
      for _, fmt in ipairs { "md", "html" } do
        local args = { table.unpack(cmd) }
        for _, a in ipairs { "--corpus", dir, "--format", fmt } do args[#args + 1] = a end
        local out, err, code = h.run(args)
        local name = table.concat(cmd, " ") .. " " .. fmt
        assert.equal(0, code, name .. ": " .. err)
        assert.is_nil(out:find("<script", 1, true), name)
        assert.is_nil(out:find("<img", 1, true), name)
        if fmt == "md" then
          assert.is_nil(out:find("[^\\]%]%("), name)          -- no link: its brackets are escaped
          assert.is_nil(out:find("^#"), name)                  -- no heading
        end
      end
    end
    local md = h.run({ "overview", "--corpus", dir, "--format", "md" })
    assert.truthy(md:find('^\\# &lt;script&gt;alert%("name"%)&lt;/script&gt; — &lt;img src=x onerror=alert%(1%)&gt; '
      .. '\\%[click\\%]%(http://evil%.example%) &amp; co<br>1 document'))
    -- the cells read back as the data
    local t = h.md(md)
    assert.equal("T1 <script>alert(1)</script> [x](javascript:alert(1))", t[2][#t[2]])
  end)
end)

describe("messages and notes", function()
  after_each(h.cleanup)

  it("reach the terminal through one sanitiser: errors of commands, of scripts and tracebacks", function()
    local dir = evil()
    local _, err, code = h.run({ "outline", "nosuch", "--corpus", dir })
    assert.equal(1, code)
    assert.equal("parley: outline: no document 'nosuch' (documents: x" .. FFFD .. "[31mred)\n", err)
    _, err, code = h.run({ "kwic", "quarantine", "--corpus", dir, "--where", "type=x" })
    assert.equal(1, code)
    assert.equal("parley: kwic: no documents where type=x; types are: tele" .. FFFD .. "[1mgram\n", err)
    -- a bug's message and its traceback: newlines and tabs kept, the escape not
    _, err, code = h.run({ "-e", "error('bad \\27[2J thing')" })
    assert.equal(1, code)
    assert_clean(err, "traceback")
    assert.truthy(err:find("^parley: %(command line%):1: bad " .. FFFD .. "%[2J thing\nstack traceback:\n\t"))
    _, err = h.run({ "-e", "error(require('parley.error').new('quiet \\27]0;t\\7'))" })
    assert.equal("parley: quiet " .. FFFD .. "]0;t" .. FFFD .. "\n", err)
    -- an option the command line does not know is quoted the same way
    _, err = h.run({ "-\27[2J" })
    assert.truthy(err:find("^parley: unrecognized option '%-" .. FFFD .. "%[2J'\n"))
  end)

  it("are cleaned in pieces exactly as the allocating sanitiser cleans them", function()
    -- the printer of the command line allocates nothing and works in pieces of 256 bytes: a
    -- message of many pieces, a period of 23 bytes (prime, so the boundaries fall at every
    -- offset in it) holding characters of 2, 3 and 4 bytes, CR LF, controls and bad bytes
    local period = "é\r\n€\27\xFF𝄞\xE2\x82a\t\u{202E}bcd"
    assert.equal(23, #period)
    local msg = period:rep(300)
    local script = h.tmpdir() .. "/m.lua"
    h.write(script, ("error(require('parley.error').new(%q))"):format(msg))
    local _, err, code = h.run({ script })
    assert.equal(1, code)
    assert.equal("parley: " .. writer.clean(msg) .. "\n", err)
    assert_clean(err, "pieces")
  end)

  it("of a corpus: warnings that quote a file name are cleaned", function()
    local dir, outside = h.tmpdir(), h.tmpdir()
    h.write(dir .. "/a.txt", "quarantine\n")
    h.write(outside .. "/secret.txt", "secret\n")
    assert.is_true(os.execute(("ln -s %s %s"):format(h.shquote(outside .. "/secret.txt"),
      h.shquote(dir .. "/evil\27[31m.txt"))))
    local _, err, code = h.run({ "kwic", "quarantine", "--corpus", dir })
    assert.equal(0, code)
    assert.truthy(err:find("parley: warning: ", 1, true))
    assert.truthy(err:find("evil" .. FFFD .. "[31m.txt", 1, true))
    assert_clean(err, "warning")
  end)

  it("of commands (cli.note) are cleaned too", function()
    local _, err = h.run({ "-e", "require('parley.cli').note('no matches for \\'\\27[31mx\\'')" })
    assert.equal("no matches for '" .. FFFD .. "[31mx'\n", err)
  end)

  it("writer.clean keeps newlines and tabs and replaces everything a terminal acts on", function()
    assert.equal("a\tb\nc", writer.clean("a\tb\r\nc"))
    assert.equal("a" .. FFFD .. "b", writer.clean("a\rb"))                 -- a lone CR rewrites the line
    assert.equal(FFFD .. FFFD .. FFFD .. FFFD, writer.clean("\u{2028}\u{2029}\u{202D}\u{2066}"))
    assert.equal(FFFD .. "[0m" .. FFFD .. FFFD .. "ok", writer.clean("\27[0m\u{9B}\x7Fok"))
    assert.equal(FFFD .. FFFD .. "x", writer.clean("\xC3\xFFx"))            -- a cut sequence, a bad byte
    assert.equal("北京 é", writer.clean("北京 é"))
    assert.equal("", writer.clean(""))
    assert.equal(("\27"):rep(5000):gsub("\27", FFFD), writer.clean(("\27"):rep(5000)))
  end)
end)

describe("the REPL", function()
  after_each(h.cleanup)

  it("prints the summaries of a corpus, a document, an index and hits without their escapes", function()
    local dir = evil()
    local src = table.concat({
      ("c = parley.open(%q)"):format(dir),
      "c", "c:doc(1)", "c.ix", "c:where{ id = c:doc(1).id }", "c:find('quarantine')",
      "error(require('parley.error').new('bad \\27[2J'))",
      "error('worse \\27[2J')",
      ":run outline nosuch --corpus " .. dir,
    }, "\n") .. "\n"
    local out, err, code = h.run({ "-i" }, { stdin = src })
    assert.equal(0, code, err)
    assert_clean(out, "REPL output")
    assert_clean(err, "REPL errors")
    local E = "evil" .. FFFD .. "]0;pwned" .. FFFD .. FFFD .. "[2J"
    -- "Quarantine here, quarantine there.": four words and two punctuation tokens
    assert.truthy(out:find("<corpus " .. E .. ": 1 document, 6 tokens>\n", 1, true))
    assert.truthy(out:find("<document x" .. FFFD .. "[31mred: 6 tokens>\n", 1, true))
    assert.truthy(out:find("(1 document, 6 tokens)\n", 1, true))
    assert.truthy(out:find("<corpus " .. E .. " where id=x" .. FFFD .. "[31mred: 6 tokens>\n", 1, true))
    assert.truthy(err:find("bad " .. FFFD .. "[2J\n", 1, true))
    assert.truthy(err:find("worse " .. FFFD .. "[2J", 1, true))
    assert.truthy(err:find("outline: no document 'nosuch' (documents: x" .. FFFD .. "[31mred)\n", 1, true))
  end)

  it("quotes strings with separators and bidirectional controls escaped", function()
    assert.equal('"a\\u{202E}b\\u{2028}c\\u{2029}d\\u{2066}e\\u{85}"',
      show.tostring("a\u{202E}b\u{2028}c\u{2029}d\u{2066}e\u{85}"))
    assert.equal('"北京 é ✓"', show.tostring("北京 é ✓"))
  end)

  it("splits :run arguments as a shell does", function()
    assert.same({ "kwic", "red cross", "--limit", "2" }, repl.words("kwic 'red cross' --limit 2"))
    assert.same({ "kwic", '"red cross"' }, repl.words([[kwic '"red cross"']]))
    assert.same({ "a \"b\" \\ $ c\\d" }, repl.words([["a \"b\" \\ \$ c\d"]]))
    assert.same({ "a b", "c'd" }, repl.words([[a\ b c\'d]]))
    assert.same({ "", "x" }, repl.words("'' x"))
    assert.same({ "ab cd" }, repl.words([[a"b c"d]]))
    assert.same({}, repl.words("  \t "))
    local words, why = repl.words("kwic 'red cross")
    assert.is_nil(words)
    assert.equal("a ' quote is not closed", why)
    assert.is_nil((repl.words('kwic "red')))
  end)

  it(":run runs a script with quoted arguments, and says what the command line says of a missing one", function()
    local out, err, code = h.run({ "-i" }, { stdin = ":run kwic 'red cross' --format tsv\n"
      .. ":run kwic \"red cross\" --limit 2 --format tsv\n:run nosuch\n" })
    assert.equal(0, code, err)
    local rows = h.tsv(out)
    -- 10 by grep -o -i -w 'red cross' corpus/*.txt corpus/*.md, and one across the line end
    -- of the dinner's line 99 ("Red" / "Cross"); then 2; a header each
    assert.equal(11 + 1 + 2 + 1, #rows)
    for _, r in ipairs(rows) do
      if r[1] ~= "doc" then assert.equal("red cross", r[5]:lower()) end
    end
    local _, cli_err = h.run({ "nosuch" })
    assert.equal(cli_err, "parley: " .. err)
    assert.equal("parley: no bundled script 'nosuch' (they are in " .. h.root .. "/scripts)\n", cli_err)
  end)

  it(":run runs a script named by path, and gives the command line's advice for a file of the name", function()
    local dir = h.tmpdir()
    h.write(dir .. "/hello.lua", "print('hello ' .. table.concat({ ... }, '|'))\n")
    h.write(dir .. "/hello", "print('not run')\n")
    local out, err = h.run({ "-i" }, { stdin = ":run ./hello.lua 'a b' c\n:run hello\n", cwd = dir })
    assert.equal("hello a b|c\n", out)
    local _, cli_err = h.run({ "hello" }, { cwd = dir })
    assert.equal("parley: no bundled script 'hello' (to run the file hello in this folder, say ./hello)\n", cli_err)
    assert.equal(cli_err, "parley: " .. err)
  end)
end)

describe("numbers in summaries", function()
  after_each(h.cleanup)

  -- one document of 14 000 words (no punctuation, so 14 000 tokens) and another of 1
  local function big()
    local dir = h.tmpdir()
    local words = {}
    for i = 1, 14000 do words[i] = ({ "alpha", "beta", "gamma", "delta" })[i % 4 + 1] end
    h.write(dir .. "/big.txt", table.concat(words, " ") .. "\n")
    return dir
  end

  it("follow the tables' style, C and Lua alike: 1 document, 14 000 tokens, 1 span", function()
    local dir = big()
    local c = h.open(dir)
    assert.equal("<document big: 14 000 tokens>", tostring(c:doc(1)))
    assert.equal(("<corpus %s: 1 document, 14 000 tokens>"):format(c.name), tostring(c))
    assert.equal(("<corpus %s where id=big: 14 000 tokens>"):format(c.name), tostring(c:where{ id = "big" }))
    assert.truthy(tostring(c.ix):find("%(1 document, 14 000 tokens%)$"))
    local hits = require("parley.hits")
    assert.equal("hits (1 span)", tostring(hits.from(c.ix, { 0, 1 })))
    assert.equal("hits (0 spans)", tostring(hits.from(c.ix, {})))
    local spans = {}
    for i = 0, 12344 do spans[#spans + 1] = i; spans[#spans + 1] = i + 1 end
    assert.equal("hits (12 345 spans)", tostring(hits.from(c.ix, spans)))
    assert.equal("<hits: 3500 for alpha>", tostring(c:find("alpha")))  -- every 4th of 14 000: below 10 000
    local w = output.writer({ "n" }, "tsv")
    assert.equal("writer tsv (0 rows)", tostring(w))
    w:write({ { n = 1 } })
    assert.equal("writer tsv (1 row)", tostring(w))
    w:close()
    c:close()
    local one = h.tmpdir()
    h.write(one .. "/a.txt", "one two three\n")
    c = h.open(one)
    assert.truthy(tostring(c.ix):find("%(1 document, 3 tokens%)$"))
    assert.equal("<document a: 3 tokens>", tostring(c:doc(1)))
    c:close()
  end)
end)

describe("the command line", function()
  after_each(h.cleanup)

  it("gives a command's help for -h after the command, as for --help", function()
    for _, name in ipairs { "kwic", "overview", "topics" } do
      local long, _, code = h.run({ name, "--help" })
      assert.equal(0, code)
      local short, err, code2 = h.run({ name, "-h" })
      assert.equal(0, code2, err)
      assert.equal(long, short)
      assert.truthy(short:find("\n  %-h, %-%-help +show this help\n"))
    end
    local _, err, code = h.run({ "kwic", "-x" })
    assert.equal(1, code)
    assert.truthy(err:find("unknown option '-x'", 1, true))
  end)

  it("says that a where clause selects nothing, with the values there are", function()
    local _, err, code = h.run({ "kwic", "cuba", "--where", "type=nosuch" })
    assert.equal(1, code)
    -- the types of corpus/corpus.lua
    assert.equal("parley: kwic: no documents where type=nosuch; types are: telegram, transcript\n", err)
    _, err = h.run({ "ngrams", "--where", "id=nosuch", "--where", "id=none" })
    assert.equal("parley: ngrams: no documents where id=nosuch|none; ids are: dinner-1962-11-01, "
      .. "telegram-1962-11-02\n", err)
    _, err = h.run({ "kwic", "cuba", "--where", "type=telegram", "--where", "date=1962-11-01" })
    assert.equal("parley: kwic: no documents where date=1962-11-01 type=telegram; "
      .. "each condition holds somewhere, but not together\n", err)
    local out
    out, err, code = h.run({ "kwic", "cuba", "--where", "type=telegram", "--format", "tsv" })
    assert.equal(0, code, err)
    assert.is_true(#h.tsv(out) > 1)
  end)
end)

describe("tty and md tables", function()
  it("show U+2028 and U+2029 in a tty cell as a space, as other line breaks", function()
    local tty = output.render({ { a = "x\u{2028}y\u{2029}z", b = 1 }, { a = "w", b = 2 } }, { "a", "b" }, "tty")
    assert_clean(tty, "tty")
    local lines = {}
    for l in tty:gmatch("[^\n]+") do lines[#lines + 1] = l end
    assert.equal(4, #lines)                               -- header, rule, two rows: no line broken
    assert.equal("x y z  1", lines[3])
    assert.equal(text.width(lines[2]), text.width(lines[3]))
  end)

  it("tsv writes an ESC as it is: data for programs (docs/lua-api.md, Output)", function()
    assert.equal("v\na\27[31mb\n", output.render({ { v = "a\27[31mb" } }, { "v" }, "tsv"))
  end)

  it("have Markdown rule cells as wide as their padded columns", function()
    assert.equal("|  to |\n| --: |\n|   1 |\n", output.render({ { to = 1 } }, { "to" }, "md"))
    assert.equal("| a   | b\\_c |\n| --- | ---- |\n| x   | y    |\n",
      output.render({ { a = "x", b_c = "y" } }, { "a", "b_c" }, "md"))
    -- every command's md table: each line's cells as wide as the rule's
    for _, cmd in ipairs { { "outline", "dinner" }, { "speakers" }, { "overview" }, { "ngrams", "--limit", "5" } } do
      local args = { table.unpack(cmd) }
      args[#args + 1] = "--format"
      args[#args + 1] = "md"
      local out = h.run(args)
      local widths
      for line in out:gmatch("[^\n]+") do
        if line:find("^| ") then
          local cells = {}
          for cell in (line:sub(2, -2) .. "|"):gsub("\\|", "\0\0"):gmatch("([^|]*)|") do
            cells[#cells + 1] = text.width((cell:gsub("\0\0", "\\|")))
          end
          widths = widths or cells
          assert.same(widths, cells, table.concat(cmd, " ") .. ": " .. line)
        end
      end
      assert.truthy(widths, table.concat(cmd, " "))
    end
  end)
end)

describe("README's room map", function()
  it("names every file of core/ and lua/parley/, and nothing that is not there", function()
    local readme = assert(h.read(h.root .. "/README.md"))
    local map = assert(readme:match("\n## Where things live\n(.-)\n## ") or readme:match("\n## Where things live\n(.*)$"))
    local function row(path)
      return assert(map:match("\n| `" .. path:gsub("%p", "%%%0") .. "` |([^\n]*)"), path)
    end
    local core, lua = row("core/"), row("lua/parley/")
    local fs = require "parley.fs"
    for _, f in ipairs(assert(fs.dir(h.root .. "/core"))) do
      if f:find("%.[ch]$") then assert.truthy(core:find("`" .. f .. "`", 1, true), "core/" .. f) end
    end
    for _, f in ipairs(assert(fs.dir(h.root .. "/lua/parley"))) do
      if f:find("%.lua$") then assert.truthy(lua:find("`" .. f .. "`", 1, true), "lua/parley/" .. f) end
    end
    for f in core:gmatch("`([%w_]+%.[ch])`") do
      assert.truthy(fs.stat(h.root .. "/core/" .. f), "README names core/" .. f)
    end
    for f in lua:gmatch("`([%w_]+%.lua)`") do
      assert.truthy(fs.stat(h.root .. "/lua/parley/" .. f), "README names lua/parley/" .. f)
    end
  end)
end)
