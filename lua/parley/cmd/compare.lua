-- `parley compare [REPORT RECORD]`: a report's claims held against the record
-- of the same meeting (lua/parley/compare.lua).
local cli = require "parley.cli"
local compare = require "parley.compare"
local output = require "parley.output"

local COUNTING = [[
claims: the report's sentences (outside its header fields, sign-off and source note) and,
within them, each reported-speech clause its grammar attributes to a speaker. score: the
share of the claim's content words (folded, stemmed, stop words and speakers' names left
out; synonyms and numbers as one term), each weighted by its rarity among the record's
sentences, that the passage (a sentence of the record) holds; combined: the same for the
best three passages together. A claim is supported when combined >= --min-score (see
docs/statistics.md). label: verbatim quote (a quotation of three words or more whose
words the passage has, in order, for 90%), close paraphrase (score >= 0.4), summary,
attribution shift (the best support was said by someone the report does not name),
strength shift (a hedge against a firm statement, or a condition of the record left out),
not found. flags: every shift that applies, and "numbers differ". --format html writes a
self-contained side-by-side page: the claims, coloured by label, beside the record, with a
strip of the record's turns showing which the report uses. --table omitted lists the record's
turns no claim uses; --table unmentioned the record's words (stemmed, synonyms together) in
three sentences or more that no claim holds, by sentences x weight.]]

local function list(v) return type(v) == "table" and table.concat(v, ", ") or tostring(v or "") end

local COLUMNS = {
  { name = "n", align = "right" }, { name = "line", align = "right" }, "point", "attributed_to", "label",
  { name = "supported", tty = false },
  { name = "flags", display = list, text = list },
  { name = "score", align = "right" },
  { name = "support", title = "best support", display = function(v)
      local s = type(v) == "table" and v[1]
      return s and ("%s, line %d (%.2f)"):format(s.speaker ~= "" and s.speaker or "narration", s.line, s.score) or ""
    end, text = function(v)
      local out = {}
      for _, s in ipairs(type(v) == "table" and v or {}) do out[#out + 1] = ("%s:%d:%.3f"):format(s.speaker, s.line, s.score) end
      return table.concat(out, "; ")
    end },
  { name = "text", max_width = 60 },
}

local COVERAGE = {
  { name = "name", title = "speaker" }, { name = "turns", align = "right" },
  { name = "covered_turns", title = "turns used", align = "right" },
  { name = "words", align = "right" }, { name = "covered_words", title = "words used", align = "right" },
  { name = "share", align = "right" },
}

local OMITTED = {
  "doc", { name = "line", align = "right" }, "speaker", "side", { name = "words", align = "right" },
  { name = "text", max_width = 70 },
}

local UNMENTIONED = {
  "word", { name = "mentions", title = "sentences", align = "right" },
  { name = "lines", title = "first lines", display = list, text = list },
  { name = "weight", align = "right" },
}

return cli.command {
  name = "compare",
  summary = "Hold a report (a telegram, a cable) against the record of the same meeting: each claim "
    .. "with its best support in the record, labelled, and what the report leaves out.",
  args = { { "REPORT", "the report's document id (default: the bundled telegram)", optional = true },
           { "RECORD", "the record's document id (default: the bundled dinner record)", optional = true } },
  options = {
    cli.opt.corpus,
    { "min-score", arg = "X", fraction = true, help = "the combined score a claim needs to be supported [default: "
        .. compare.MIN_SCORE .. "]" },
    { "table", arg = "WHAT", choices = { "claims", "coverage", "omitted", "unmentioned" }, default = "claims",
      help = "what to print: the claims, the record's coverage per speaker, the record's turns no claim "
        .. "uses, or the record's topics the report never mentions" },
    cli.opt.format, cli.opt.repair, cli.opt.trust, cli.opt.skip_bad,
  },
  notes = COUNTING,
  examples = { "parley compare", "parley compare telegram-1962-11-02 dinner-1962-11-01 --format json",
               "parley compare --corpus ../shared/corpora/frus REPORT_ID RECORD_ID" },
  run = function(opts, out)
    local corpus = cli.open_corpus(opts)
    local report, record = opts[1], opts[2]
    if report and not record then
      cli.fail("compare: give both the report's and the record's document ids, or neither for the defaults")
    end
    if not report then
      report, record = compare.default_pair(corpus)
      if not report or not record then
        cli.fail("compare: give the report's and the record's document ids (this corpus has no document of "
          .. "type or genre telegram, and none of type transcript or genre memorandum, to take by default)")
      end
    end
    local claims, info = compare.compare(corpus, report, record, { min_score = opts.min_score })
    if opts.table == "coverage" then
      output.write(info.speakers, COVERAGE, opts.format, out,
        { caption = ("coverage of %s by the claims of %s"):format(record, report) })
      return
    elseif opts.table == "omitted" then
      output.write(info.omitted, OMITTED, opts.format, out,
        { caption = ("the %d turns of %s that no claim of %s uses"):format(#info.omitted, record, report) })
      return
    elseif opts.table == "unmentioned" then
      output.write(info.unmentioned, UNMENTIONED, opts.format, out,
        { caption = ("words of %s in three sentences or more that %s never uses"):format(record, report) })
      return
    end
    if opts.format == "html" then   -- the side-by-side view, a page of its own
      output.put(out or io.stdout, require("parley.compare.html").page(claims, info,
        { report = report, record = record, min_score = opts.min_score or compare.MIN_SCORE }))
      return
    end
    local supported = 0
    for _, c in ipairs(claims) do if c.supported then supported = supported + 1 end end
    output.write(claims, COLUMNS, opts.format, out, {
      caption = ("%s against %s: %d claims, %d supported; %d of the record's %d turns used")
        :format(report, record, #claims, supported, #info.turns - #info.omitted, #info.turns) })
  end,
}
