-- `parley entities`: people, places, organisations, dates, durations and numbers (lua/parley/entities.lua).
local cli = require "parley.cli"
local entities = require "parley.entities"
local output = require "parley.output"

return cli.command {
  name = "entities",
  summary = "People, places and organisations (from the gazetteer and the corpus's person "
    .. "register), numbers, durations and dates, each with its count, the forms used and its first mention.",
  options = {
    cli.opt.corpus,
    { "type", arg = "TYPE", multi = true, choices = entities.types, help = "only entities of this type (repeat for more)" },
    { "gazetteer", arg = "FILE", help = "more entries: a Lua file returning { { name =, type =, variants = { … } }, … }" },
    cli.opt.where,
    { "min", arg = "N", number = true, default = 1, help = "least count" },
    cli.opt.format, cli.opt.repair, cli.opt.trust, cli.opt.skip_bad,
  },
  notes = [[
a gazetteer file is Lua data, for example
  return { { name = "U Thant", type = "person", variants = { "U Thant", "Thant" } } }
with variants written as kwic queries. Dates are named by their ISO form, durations
by a normal form ("10–15 days" for "ten to fifteen days"); numbers written in digits.]],
  examples = { "parley entities --type person --type place", "parley entities --gazetteer extra.lua --format csv" },
  run = function(opts, out)
    local extra
    if opts.gazetteer then
      local err
      extra, err = entities.load(opts.gazetteer)
      if not extra then cli.fail("entities: " .. err) end
    end
    local corpus = cli.scoped(opts, "entities")
    local rows = entities.entities(corpus, { gazetteer = extra, types = #opts.type > 0 and opts.type or nil,
                                             min = opts.min })
    output.write(rows, entities.columns, opts.format, out)
  end,
}
