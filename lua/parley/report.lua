-- The report of a corpus as one self-contained HTML page (`parley report`,
-- lua/parley/cmd/report.lua): the corpus's documents, each document's turns
-- along it, the speakers, the keyword families through the text, keyness,
-- the editorial apparatus, the report checked against the record, and the
-- timeline of a dated archive.  Each section is what a command prints: the
-- command runs with its rows captured (output.capture), and they are written
-- by the one output layer as HTML tables, beside the command's own chart
-- (lua/parley/svg.lua).  Nothing is fetched: the CSS and the SVG are inline,
-- the page reads and prints without JavaScript (a few lines of it make the
-- tables sortable), and the same corpus and options give the same bytes.  A
-- large corpus is summarised: every table shows its first rows and says how
-- many it left out, so that a report of thousands of documents stays small.
local E = require "parley.error"
local output = require "parley.output"
local svg = require "parley.svg"
local overview = require "parley.overview"
local topics = require "parley.topics"

local M = {}

M.TOP = 20          -- rows of a table (--top)
M.STRIPS = 12       -- documents drawn in the structure section
M.FAMILIES = 8      -- keyword families followed
M.WORDS = 6         -- families made of the commonest content words, for a corpus without families of its own

local esc = svg.escape

local CSS = [[
body{font-family:Georgia,"Times New Roman",serif;margin:1.5em auto;max-width:64em;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ccc}
h3{font-size:1.05em;margin-bottom:.3em}
nav ol{columns:2;font-family:sans-serif;font-size:.9em}
table{border-collapse:collapse;font:.85em/1.35 sans-serif;margin:.6em 0}
th,td{border:1px solid #ddd;padding:.2em .45em;vertical-align:top;text-align:left}
th{background:#f2f2f2}caption{text-align:left;font-style:italic;padding:.3em 0}
td.num{text-align:right}.table{overflow-x:auto}
figure{margin:1em 0}figure svg{max-width:100%;height:auto}
figcaption,.note,.more{font:.85em sans-serif;color:#555}
.unavailable{font:.9em sans-serif;color:#8a4b00}
@media print{body{max-width:none;margin:0}nav{display:none}h2{break-before:page}figure,table{break-inside:avoid}
.table{overflow:visible}a{color:inherit;text-decoration:none}}
]] .. require("parley.compare.html").VIEW_CSS

-- Sortable tables, for those who have JavaScript on: a click on a heading
-- sorts by that column (numbers as numbers), a second click the other way.
local SCRIPT = [[
document.querySelectorAll("table").forEach(function(t){
  t.querySelectorAll("th").forEach(function(th,i){
    th.style.cursor="pointer";th.title="sort by this column";
    th.addEventListener("click",function(){
      var body=t.tBodies[0];if(!body)return;
      var rows=Array.prototype.slice.call(body.rows),dir=th.dataset.dir==="1"?-1:1;th.dataset.dir=dir===1?"1":"-1";
      function key(r){var c=r.cells[i];if(!c)return "";var v=c.getAttribute("data-value");if(v!==null&&v!==""&&!isNaN(parseFloat(v)))return parseFloat(v);return c.textContent.trim().toLowerCase();}
      rows.sort(function(a,b){var x=key(a),y=key(b);if(typeof x!==typeof y){x=String(x);y=String(y);}return x<y?-dir:x>y?dir:0;});
      rows.forEach(function(r){body.appendChild(r);});
    });
  });
});
]]

-- ------------------------------------------------------------ commands' tables

-- run(name, args, corpus, extra) -> the command's captured tables and texts
-- (output.capture) | nil, message: the bundled command `name` over the
-- corpus opened already, with its options parsed from args as on the
-- command line, and extra options set as they are.
function M.run(name, args, corpus, extra)
  local cmd = require("parley.cmd." .. name)
  local ok, sink = E.pcall(function()
    local opts = cmd:parse(args or {})
    opts.opened = corpus
    for k, v in pairs(extra or {}) do opts[k] = v end
    local s = output.capture()
    cmd.run(opts, s)
    return s
  end)
  if not ok then
    if not E.is(sink) then error(sink, 0) end   -- a bug is a bug, not a section the corpus lacks
    return nil, (E.message(sink):gsub("^" .. name .. ": ", ""))
  end
  return sink
end

-- A captured table as HTML, its first `limit` rows, saying what was left out and how to get it all.
local function table_html(t, limit, command)
  local rows, shown = t.rows, t.rows
  if #rows > limit then
    shown = {}
    for i = 1, limit do shown[i] = rows[i] end
  end
  local out = { '<div class="table">' .. output.render(shown, t.columns, "html", { caption = t.caption }) .. "</div>" }
  if #rows > limit then
    out[#out + 1] = ('<p class="more">The first %s of %s shown; <code>%s --format csv</code> gives them all.</p>')
      :format(output.number(limit), output.number(#rows), esc(command))
  end
  return table.concat(out, "\n")
end

-- An SVG chart inline, with its text alternative under it.
local function figure(chart, alt)
  chart = svg.fragment(chart)
  return ('<figure role="group" aria-label="%s">%s<figcaption>%s</figcaption></figure>'):format(esc(alt), chart, esc(alt))
end

-- A captured table's chart, the command's own as --format svg draws it: over
-- all the rows, since each chart keeps what it can show (the busiest
-- speakers, so many rows a family) and says what it left out.
local function chart_of(t, alt)
  if not t.chart or #t.rows == 0 then return nil end
  return figure(t.chart(t.rows, "svg"), alt)
end

local function unavailable(why) return ('<p class="unavailable">Not in this report: %s.</p>'):format(esc(why)) end

-- The first table of a command run over the corpus (M.run) | nil, the section's text saying why not.
local function table_of(name, args, corpus, extra)
  local sink, err = M.run(name, args, corpus, extra)
  if not sink then return nil, unavailable(err) end
  return sink.tables[1]
end

-- ------------------------------------------------------------ sections

local function where_args(opts)
  local args = {}
  for _, w in ipairs(opts.where or {}) do args[#args + 1] = "--where"; args[#args + 1] = w end
  return args
end

local function with(list, ...)
  local out = {}
  for _, v in ipairs(list) do out[#out + 1] = v end
  for _, v in ipairs { ... } do out[#out + 1] = v end
  return out
end

local function command_line(name, args)
  local parts = { "parley", name }
  for _, a in ipairs(args) do parts[#parts + 1] = a:find("[%s'\"]") and ("'" .. a:gsub("'", "'\\''") .. "'") or a end
  return table.concat(parts, " ")
end

-- The documents: the overview's table.
local function section_overview(ctx)
  local args = with(where_args(ctx.opts), "--top", "6")
  local t, why = table_of("overview", args, ctx.corpus)
  if not t then return why end
  ctx.facts.documents = #t.rows
  return table_html(t, ctx.top, command_line("overview", args))
end

-- The turns of a document along it, as a strip, with its editorial notes marked.
local function section_structure(ctx)
  local corpus = ctx.scope
  if not corpus:has_kind("turn") then return unavailable("the documents have no speaker turns (their grammars give none)") end
  local notes_kind = corpus:has_kind("editorial_note") and "editorial_note" or nil
  local out, drawn, without, docs = {}, 0, 0, corpus:regions("document")
  local examined, colors, ncolors = 0, {}, 0   -- a speaker has one colour in every strip
  for _, d in ipairs(docs) do
    if drawn >= M.STRIPS then break end
    examined = examined + 1
    local one = corpus:where{ id = d.attrs.id }
    local turns = one:regions("turn")
    if #turns == 0 then
      without = without + 1
    else
      drawn = drawn + 1
      local spans, marks = {}, {}
      for _, t in ipairs(turns) do
        local who = t.attrs.speaker ~= "" and t.attrs.speaker or (t.attrs.label ~= "" and t.attrs.label) or "(unnamed)"
        spans[#spans + 1] = { from = t.pos - d.pos, to = t.stop_pos + 1 - d.pos, name = who }
        if not colors[who] then ncolors = ncolors + 1; colors[who] = ncolors end
      end
      for _, n in ipairs(notes_kind and one:regions(notes_kind) or {}) do
        marks[#marks + 1] = { at = n.pos - d.pos, label = "editorial note: " .. tostring(n.attrs.text or "") }
      end
      local title = ("%s: %d turns along its %s tokens%s"):format(d.attrs.id, #turns, output.number(d.stop_pos + 1 - d.pos),
        #marks > 0 and (", %d editorial notes marked"):format(#marks) or "")
      out[#out + 1] = ("<h3>%s</h3>"):format(esc(d.attrs.id))
      out[#out + 1] = figure(svg.strip { title = title, length = d.stop_pos + 1 - d.pos, spans = spans, marks = marks,
        colors = colors }, title)
    end
  end
  if drawn == 0 then
    return unavailable(#docs == 0 and "the selection holds no whole document" or "no document of the selection has turns")
  end
  if without > 0 then
    out[#out + 1] = ('<p class="note">%s of the first %d without turns.</p>'):format(output.count(without, "document"), examined)
  end
  if #docs > examined then
    out[#out + 1] = ('<p class="more">%s more not drawn (the first %d with turns are).</p>'):format(
      output.count(#docs - examined, "document"), M.STRIPS)
  end
  return table.concat(out, "\n")
end

-- The who-follows-whom table of its `n` busiest speakers (turns.busiest),
-- rows and columns, saying how many were left out; the table as it is when
-- it has no more.
local function busiest(m, n)
  local names = {}
  for k = 2, #m.columns do names[#names + 1] = m.columns[k] end
  local keep = require("parley.turns").busiest(m.rows, names, n)
  if not keep then return m end
  local rows, cols = {}, { m.columns[1] }
  for _, r in ipairs(m.rows) do if keep[r.speaker] then rows[#rows + 1] = r end end
  for _, c in ipairs(names) do if keep[c] then cols[#cols + 1] = c end end
  return { rows = rows, columns = cols, caption = ("the %d busiest of %s, rows and columns")
    :format(n, output.count(#m.rows, "speaker")) }
end

-- Speakers: their words, turns and questions, with the command's chart; who follows whom.
local function section_speakers(ctx)
  local args = where_args(ctx.opts)
  local t, why = table_of("speakers", args, ctx.corpus)
  if not t then return why end
  local out = { chart_of(t, "Each speaker's share of the words, of the turns and of the questions (the busiest "
    .. "speakers, as parley speakers --format svg draws them)") or "", table_html(t, ctx.top, command_line("speakers", args)) }
  local margs = with(args, "--matrix")
  local m = table_of("speakers", margs, ctx.corpus)
  if m then
    out[#out + 1] = "<h3>Who follows whom</h3>"
    out[#out + 1] = chart_of(m, "Turns of each speaker (rows) followed by a turn of each (columns)") or ""
    out[#out + 1] = table_html(busiest(m, ctx.top), ctx.top, command_line("speakers", margs))
  end
  return table.concat(out, "\n")
end

-- The families followed: the manifest's (--families), the bundled corpus's,
-- or the corpus's commonest content words, one family each.
local function families_of(ctx)
  if ctx.opts.families then
    local fams, err = topics.load(ctx.opts.families)
    if not fams then E.raise(err, 0) end
    return fams, "the keyword families of " .. ctx.opts.families
  end
  if topics.is_bundled(ctx.corpus) then return topics.families, "the keyword families written for the bundled corpus" end
  local fams = {}
  for _, w in ipairs(overview.top_words(ctx.scope, M.WORDS)) do fams[#fams + 1] = { name = w.word, w.word } end
  return fams, ("the corpus's %d commonest content words (give your own with --families FILE)"):format(#fams)
end

local function section_topics(ctx)
  if #ctx.families == 0 then return unavailable("no keyword families to follow (the text has no content words)") end
  local args = where_args(ctx.opts)
  local t, why = table_of("topics", args, ctx.corpus, { family_list = ctx.families, families_label = ctx.families_label })
  if not t then return why end
  local out = { ('<p class="note">Followed: %s.</p>'):format(esc(ctx.families_label)) }
  -- a concordance plot per family: all its mentions, then a row per speaker, a mark at each mention
  out[#out + 1] = chart_of(t, "Where each family is mentioned along the text: all mentions, then each "
    .. "speaker's") or ""
  out[#out + 1] = table_html(t, M.FAMILIES, command_line("topics", args))
  return table.concat(out, "\n")
end

local function section_keyness(ctx)
  local args = { "--limit", tostring(ctx.top) }
  for _, side in ipairs { "a", "b" } do
    for _, w in ipairs(ctx.opts[side] or {}) do args[#args + 1] = "--" .. side; args[#args + 1] = w end
  end
  local t, why = table_of("keyness", args, ctx.scope)
  if not t then return why end
  return table_html(t, ctx.top, command_line("keyness", args))
end

local function section_annotations(ctx)
  local args = where_args(ctx.opts)
  local t, why = table_of("annotations", args, ctx.corpus)
  if not t then return why end
  if #t.rows == 0 then return unavailable("the documents' grammars mark no editorial notes, transliterations or supplied words") end
  return table_html(t, ctx.top, command_line("annotations", args))
end

local function section_compare(ctx)
  local compare = require "parley.compare"
  local report, record = compare.default_pair(ctx.scope)
  if not (report and record) then
    return unavailable("the manifest pairs no report with a record (a document of type telegram and one of type "
      .. "transcript or memorandum); parley compare REPORT RECORD compares any two documents")
  end
  local ok, claims, info = E.pcall(compare.compare, ctx.scope, report, record, {})
  if not ok then
    if not E.is(claims) then error(claims, 0) end
    return unavailable(E.message(claims))
  end
  return require("parley.compare.html").body(claims, info,
    { report = report, record = record, min_score = compare.MIN_SCORE, heading = "h3" })
end

local function section_timeline(ctx)
  -- the documents' own dates (a manifest's, or a TEI reader's), as the timeline reads them
  local first, last = require("parley.timeline").date_span(ctx.scope)
  if not first or first == last then return unavailable("the documents are not dated on two days or more") end
  local args = where_args(ctx.opts)
  local t, why = table_of("timeline", args, ctx.corpus, { family_list = ctx.families, families_label = ctx.families_label })
  if not t then return why end
  return table.concat({ chart_of(t, "Mentions of each family per period of the documents' dates") or "",
    table_html(t, ctx.top, command_line("timeline", with(args, "--families", "FILE"))) }, "\n")
end

M.sections = {
  { id = "overview", title = "The documents", make = section_overview },
  { id = "structure", title = "Each document's turns", make = section_structure },
  { id = "speakers", title = "Speakers", make = section_speakers },
  { id = "topics", title = "Topics through the text", make = section_topics },
  { id = "keyness", title = "Keyness: the words of one side against the other's", make = section_keyness },
  { id = "annotations", title = "The editorial apparatus", make = section_annotations },
  { id = "compare", title = "The report against the record", make = section_compare },
  { id = "timeline", title = "Timeline", make = section_timeline },
}

-- ------------------------------------------------------------ the page

-- page(corpus, opts) -> html, summary: opts.where (a list of "attr=value"),
-- a, b (keyness's sides, lists of "attr=value"), families (a file), top
-- (rows per table), title, stamp (a line saying when).
-- summary = { title =, sections = { { id =, title =, shown = bool } … }, documents =, tokens = }.
function M.page(corpus, opts)
  opts = opts or {}
  return (function()
    local scope = corpus
    if opts.where and #opts.where > 0 then
      scope = require("parley.cli").scoped({ opened = corpus, where = opts.where }, "report")
    end
    local ctx = { corpus = corpus, scope = scope, opts = opts, facts = {}, top = opts.top or M.TOP }
    ctx.families, ctx.families_label = families_of(ctx)
    if #ctx.families > M.FAMILIES then
      local f = {}
      for i = 1, M.FAMILIES do f[i] = ctx.families[i] end
      ctx.families_label = ("%s (the first %d of %d)"):format(ctx.families_label, M.FAMILIES, #ctx.families)
      ctx.families = f
    end
    local title = opts.title or ("%s — a parley report"):format(corpus.title or corpus.name or "corpus")
    local body, toc, sum = {}, {}, { title = title, sections = {} }
    for _, s in ipairs(M.sections) do
      local part = s.make(ctx)
      local shown = not part:find('^<p class="unavailable">')
      sum.sections[#sum.sections + 1] = { id = s.id, title = s.title, shown = shown }
      toc[#toc + 1] = ('<li><a href="#%s">%s</a></li>'):format(s.id, esc(s.title))
      body[#body + 1] = ('<section id="%s"><h2>%s</h2>\n%s\n</section>'):format(s.id, esc(s.title), part)
    end
    sum.documents, sum.tokens = ctx.facts.documents, scope:size()
    local lead = ("%s of %s tokens%s."):format(output.count(sum.documents or 0, "document"), output.number(sum.tokens),
      opts.where and #opts.where > 0 and (" where " .. table.concat(opts.where, ", ")) or "")
    return table.concat({
      "<!DOCTYPE html>",
      '<html lang="en"><head><meta charset="utf-8">',
      '<meta name="viewport" content="width=device-width, initial-scale=1">',
      '<meta name="generator" content="parley">',
      "<title>" .. esc(title) .. "</title>",
      "<style>" .. CSS .. "</style></head><body>",
      "<header><h1>" .. esc(title) .. "</h1>",
      ('<p class="note">%s Made by parley from the corpus %s%s; every figure is defined in parley\'s docs/statistics.md.</p>')
        :format(esc(lead), esc(corpus.name or ""), opts.stamp and (" on " .. esc(opts.stamp)) or ""),
      '</header><nav aria-label="sections"><ol>' .. table.concat(toc) .. "</ol></nav>",
      table.concat(body, "\n"),
      "<script>" .. SCRIPT .. "</script>",
      "</body></html>",
      "",
    }, "\n"), sum
  end)()
end

return M
