-- The TEI-reader target: the input is an XML file, read by parley.reader
-- (core/reader.c, core/tei.c, core/teimeta.c); what it gives must hold
-- together: regions and anchors inside the text, anchors in order.
local fuzz = require "fuzz"
local reader = require "parley.reader"
local fail = fuzz.fail

local path = fuzz.scratch .. "/tei.xml"

return function(xml)
  local f = assert(io.open(path, "wb"))
  f:write(xml)
  f:close()
  local docs = reader.read(path)
  if not docs then return end
  for _, d in ipairs(docs) do
    local n = #d.text
    if not parley.text.valid(d.text) then fail("a document's text is not valid UTF-8") end
    for _, r in ipairs(d.regions) do
      if r.start < 1 or r.stop > n or r.stop < r.start - 1 then
        fail(("region %s %d..%d outside a text of %d bytes"):format(r.kind, r.start, r.stop, n))
      end
    end
    local last = 0
    for _, a in ipairs(d.anchors) do
      if a.text < last or a.text > n + 1 or a.src < 1 or a.src > #xml + 1 then
        fail(("anchor text %d src %d out of order or outside"):format(a.text, a.src))
      end
      last = a.text
    end
  end
end
