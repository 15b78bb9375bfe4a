-- `parley report`: the corpus as one self-contained HTML page (lua/parley/report.lua),
-- written under a temporary name and renamed into place; prints a summary and the path.
local cli = require "parley.cli"
local output = require "parley.output"
local report = require "parley.report"
local fs = require "parley.fs"

-- Write text to path whole or not at all: PATH.tmp.PID, then renamed over it.
local function write_atomically(path, text)
  local tmp = ("%s.tmp.%d"):format(path, fs.pid())
  local f, err = io.open(tmp, "wb")
  if not f then cli.fail(("report: cannot write %s: %s"):format(path, tostring(err))) end
  local ok, werr = f:write(text)
  if ok then ok, werr = f:flush() end
  f:close()
  if ok then ok, werr = os.rename(tmp, path) end
  if not ok then
    os.remove(tmp)
    cli.fail(("report: cannot write %s: %s"):format(path, tostring(werr)))
  end
end

return cli.command {
  name = "report",
  summary = "The corpus as one HTML page to open offline, print or send: its documents, each "
    .. "document's turns, speakers, topics through the text, keyness, the editorial apparatus, "
    .. "the report against the record, and the timeline of a dated archive, as tables and charts.",
  options = {
    cli.opt.corpus,
    { "output", short = "o", arg = "FILE", default = "report.html", help = "the page to write" },
    cli.opt.where,
    { "a", arg = "ATTR=VALUE", multi = true, help = "keyness's first side (as for parley keyness; default side=USSR turns)" },
    { "b", arg = "ATTR=VALUE", multi = true, help = "keyness's second side (default side=US turns)" },
    { "families", arg = "FILE", help = "the keyword families to follow (as for topics; default: the bundled "
      .. "corpus's, or the corpus's commonest content words)" },
    { "top", arg = "N", number = true, default = report.TOP, help = "rows of each table (the rest are counted, not shown)" },
    { "title", arg = "TEXT", help = "the page's title (default: the corpus's title)" },
    { "stamp", arg = "TEXT", help = "a line saying when it was made, e.g. --stamp \"$(date -I)\" (default: none, "
      .. "so that the same corpus gives the same bytes)" },
    cli.opt.repair, cli.opt.trust, cli.opt.skip_bad,
  },
  notes = [[
the page is self-contained: its CSS and charts (SVG) are inline, nothing is fetched, and it
reads and prints with JavaScript off (a few lines of it make the tables sortable). Each
section is what a command prints (overview, speakers, topics, keyness, annotations,
compare, timeline), with at most --top rows of each table, saying how many were left
out, and at most 8 keyword families; a section the corpus cannot have (no turns, no
dates) says why.]],
  examples = { "parley report", "parley report --corpus path/to/corpus -o corpus.html --top 30" },
  run = function(opts, out)
    local corpus = cli.open_corpus(opts)
    local html, summary = report.page(corpus, { where = opts.where, a = opts.a, b = opts.b, families = opts.families,
                                                top = opts.top, title = opts.title, stamp = opts.stamp })
    write_atomically(opts.output, html)
    local shown, missing = {}, {}
    for _, s in ipairs(summary.sections) do
      if s.shown then shown[#shown + 1] = s.id else missing[#missing + 1] = s.id end
    end
    output.put(out, ("%s: %s, %s tokens; %d sections%s\nwrote %s (%s)\n"):format(
      require("parley.writer").clean(summary.title), output.count(summary.documents or 0, "document"), output.number(summary.tokens),
      #shown, #missing > 0 and (" (not for this corpus: " .. table.concat(missing, ", ") .. ")") or "",
      opts.output, require("parley.overview").bytes(#html)))
  end,
}
