-- `parley merge FILE…`: the partial results of the parts of a corpus
-- (parley run --shard I/N COMMAND … --partial) added up and finished by the
-- command's own finishing stage, written by the one output layer: exactly
-- what one run of the command over the whole corpus prints.
local cli = require "parley.cli"
local partial = require "parley.partial"

return cli.command {
  name = "merge",
  summary = "Add the partial results of a command's runs over the parts of a corpus "
    .. "(parley run --shard I/N … --partial) and print its table, as one run over the whole corpus does.",
  args = { { "FILE", "the partial results, one per part, in any order", rest = true } },
  options = { cli.opt.chart_format },
  notes = [[
The files must be of one corpus (by name) and one command with the same arguments and
options (--format and --corpus aside), one for each part 1..N of the same N, of format
version 1 (docs/scale.md). The counts are added, then finished as the command finishes a
single run: ordering, ties, --min and --limit, statistics.]],
  examples = {
    "parley merge part-1.json part-2.json",
    "parley merge --format tsv part-*.json",
  },
  run = function(opts, out)
    local files = {}
    for i, f in ipairs(opts) do files[i] = f end
    local name, o, parts = partial.gather(files)
    if not name:find("^[%w_]+$") then cli.fail(("merge: %s: no command '%s'"):format(files[1], name)) end
    local ok, cmd = pcall(require, "parley.cmd." .. name)
    if not ok or type(cmd) ~= "table" or not cmd.finish then
      cli.fail(("merge: %s: '%s' is no command whose results merge"):format(files[1], name))
    end
    local counts = parts[1]
    for i = 2, #parts do counts = (cmd.add or partial.add)(counts, parts[i]) end
    o.format = opts.format
    return cmd.finish(counts, o, out)
  end,
}
