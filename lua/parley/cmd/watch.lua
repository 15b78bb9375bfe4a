-- `parley watch`: keep a corpus' index fresh, and vouch for it to every process that opens it.
local cli = require "parley.cli"
local watch = require "parley.watch"

return cli.command {
  name = "watch",
  summary = "Watch a corpus folder: rebuild its index when a source changes, and tell every "
    .. "process that opens the corpus meanwhile whether the index is fresh, so that opening a "
    .. "large archive does not stat each source. Runs until Ctrl-C.",
  options = { cli.opt.corpus, cli.opt.repair, cli.opt.skip_bad, cli.opt.trust },
  notes = "The watcher answers on a socket beside the index (INDEX.watch), only to processes of "
    .. "its own user; before each answer it reads every change queued so far, so an edit made "
    .. "before a query is always noticed by it. Without a watcher, every open stats each source. "
    .. "A corpus on a network file system (NFS, SMB, 9p, FUSE …) is watched but never vouched "
    .. "for, with a warning: edits made on another machine that shares it are never seen here.",
  examples = { "parley watch --corpus path/to/archive &", "parley kwic quarantine --corpus path/to/archive" },
  run = function(opts)
    local dir = opts.corpus or ((require("parley").home or ".") .. "/corpus")
    watch.serve(dir, opts, function(line) cli.note("parley: " .. line) end)
  end,
}
