-- `parley index`: build or bring up to date a corpus's index, and say what it
-- is made of; with --shard I/N, build part I of its segments only, for an
-- archive indexed on several machines (docs/scale.md).
local cli = require "parley.cli"
local output = require "parley.output"

local function mb(bytes) return ("%.1f MB"):format(bytes / 1e6) end

return cli.command {
  name = "index",
  summary = "Build the index of a corpus, or bring it up to date (only the segments whose sources "
    .. "changed are built again), and say what it holds; with --shard I/N, build part I of N of "
    .. "its segments only, so that several machines index one archive together.",
  options = {
    cli.opt.corpus,
    { "rebuild", help = "build every segment again, whatever is there" },
    { "segment-mb", arg = "MB", help = "the size of a segment, in megabytes of sources (default 32): "
      .. "a corpus under it is one file" },
    { "shard", arg = "I/N", help = "build the segments of part I of N only (a segment is in the part "
      .. "of its first source, by the rule of parley run --shard), and no segment list" },
    { "threads", arg = "N", number = true, help = "build on N cores (default: all)" },
    cli.opt.repair, cli.opt.skip_bad, cli.opt.trust,
  },
  notes = [[
An index larger than one segment is a folder of segments (INDEX.seg/) and their list (INDEX):
docs/index-format.md. Segments are named after what they are made of, so a segment that is
there already is taken as it is. To index an archive on N machines that see the same corpus
folder (a shared file system), run `parley index --shard I/N` on machine I; where each has
a copy of its own (with the files' times kept: rsync -t), copy the parts' INDEX.seg/ folders
into one; then any `parley index` or open there joins the segments without building them.]],
  examples = {
    "parley index --corpus path/to/archive",
    "parley index --corpus path/to/archive --shard 1/2",
  },
  run = function(opts, out)
    local dir = (opts.corpus or ((require("parley").home or ".") .. "/corpus")):gsub("/+$", "")
    local segment_mb
    if opts.segment_mb then
      segment_mb = tonumber(opts.segment_mb)
      if not segment_mb or segment_mb <= 0 then cli.fail("index: --segment-mb: a positive number of megabytes expected") end
    end
    local o = { rebuild = opts.rebuild, repair = opts.repair, skip_bad = opts.skip_bad,
                trust_grammars = opts.trust_grammars, segment_mb = segment_mb, threads = opts.threads }
    local corpus = require "parley.corpus"
    local t0 = os.time()
    if opts.shard then
      local part = require("parley.shard").parse(opts.shard)
      local st, err = corpus.build_part(dir, o, part)
      if not st then cli.fail("index: " .. err) end
      out:write(("part %d/%d of %s: %d of its %s built, %d there already (the corpus has %s); "
        .. "the next open where all parts' segments are joins them\n"):format(part.i, part.n, st.index_path,
        st.built_segments or 0, output.count(st.mine or 0, "segment"), st.reused or 0,
        output.count(st.segments or 0, "segment")))
      return
    end
    local c, err = corpus.open(dir, o)
    if not c then cli.fail("index: " .. err) end
    local s = c.ix:stats()
    local b = c.built
    out:write(("%s: %s, %s, %s; %s, %s (%s)\n"):format(c.index_path, output.count(s.documents, "document"),
      output.count(s.tokens, "token"), output.count(s.types, "type"), output.count(s.segments, "segment"),
      mb(s.bytes), b and ("%d built, %d there already, in %d s"):format(b.built_segments or 1, b.reused or 0,
        os.time() - t0) or c.opened == "fast" and "current" or "current, checked"))
    c:close()
  end,
}
