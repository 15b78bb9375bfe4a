-- `parley kwic QUERY`: a concordance, through corpus:kwic.
local cli = require "parley.cli"
local readline = require "parley.readline"
local query = require "parley.query"

return cli.command {
  name = "kwic",
  summary = "A concordance (keyword in context): every match of a query with its document, "
    .. "line and column in the original file and the words around it.",
  args = { { "QUERY", "the query; several words make one query (a phrase)", rest = true } },
  options = {
    cli.opt.corpus, cli.opt.where,
    { "width", arg = "N", number = true, default = 40, help = "characters of context on each side" },
    { "sort", arg = "KEY", choices = { "doc", "left", "right", "match" }, default = "doc",
      help = "corpus order (doc), or alphabetically by the words left or right of the match, or the match" },
    cli.opt.limit,
    { "context", arg = "KIND",
      help = "show each match inside its whole region of this kind (turn, point, sentence …), "
        .. "labelled with its speaker" },
    cli.opt.format, cli.opt.repair, cli.opt.trust, cli.opt.skip_bad,
  },
  notes = [[
query forms:
  inspection            a word, folded (Inspection, INSPECTION; guantanamo finds Guantánamo)
  =Inspection           that exact form
  missile*              every word starting with "missile"
  inspect%a*            a Lua pattern over the folded words (anchored)
  /inspect[a-z]*/       an re pattern over the folded words (a PEG: repetition never gives back)
  "red cross"           a phrase (so is an unquoted run of words); _ stands for any one token
  inspection NEAR/5 cross   the first within 5 tokens of the second, in the same document
On a terminal, a query with no match says so on standard error.]],
  examples = {
    "parley kwic quarantine --sort left --width 30",
    "parley kwic '\"red cross\"' --context turn --format csv",
  },
  run = function(opts, out)
    local corpus = cli.scoped(opts, "kwic")
    local q = table.concat(opts, " ")
    local hits = corpus:find(q)
    if #hits == 0 and opts.format == "tty" and out == io.stdout and readline.isatty(1) then
      cli.note(("no matches for '%s'"):format(q))
      local re = query.gives_back(query.parse(q))
      if re then
        cli.note(("note: in /%s/ a repetition takes all it can and never gives back (an re "
          .. "pattern is a PEG); a Lua pattern backtracks: %%a*tion finds the words ending in tion"):format(re))
      end
      return
    end
    corpus:kwic(hits, { width = opts.width, sort = opts.sort, limit = opts.limit, format = opts.format,
                        context = opts.context, file = out })
  end,
}
