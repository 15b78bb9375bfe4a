-- The report in a real browser: headless Chromium (Debian's chromium, a test
-- dependency that make deps installs) renders the bundled corpus's report,
-- with JavaScript and without (a copy whose Content-Security-Policy forbids
-- every script: the browser itself keeps them from running, which a canary
-- script in the copy proves).  The screenshot must not be blank (against a
-- blank page's of the same size, taken the same way), the page's text must
-- hold the speakers and the topics, and every section's charts must have a
-- size on the page.  A missing browser fails the spec: it is never skipped.
local h = require "spec.helpers"

local function chromium()
  for _, p in ipairs { "/usr/bin/chromium", "/usr/bin/chromium-browser" } do
    if require("parley.fs").stat(p) then return p end
  end
  error("chromium is missing: the browser test needs Debian's chromium (make deps installs it, as root: "
    .. "apt-get install chromium)", 0)
end

-- Run the browser headless on file `page` with flags; -> its standard output (and fails loudly).
local function browse(page, flags)
  local bin = chromium()
  local profile = h.tmpdir()
  local cmd = ("%s --headless --no-sandbox --disable-gpu --no-first-run --no-default-browser-check "
    .. "--disable-extensions --disable-background-networking --user-data-dir=%s %s %s 2>%s/err")
    :format(h.shquote(bin), h.shquote(profile), flags, h.shquote("file://" .. page), h.shquote(profile))
  local p = assert(io.popen(cmd))
  local out = p:read("a")
  local ok = p:close()
  assert(ok, "chromium failed: " .. cmd .. "\n" .. (h.read(profile .. "/err") or ""))
  return out
end

local function screenshot(page)
  local png = h.tmpdir() .. "/shot.png"
  browse(page, "--window-size=1280,2400 --hide-scrollbars --screenshot=" .. h.shquote(png))
  local bytes = assert(h.read(png), "no screenshot written")
  assert.equal("\137PNG", bytes:sub(1, 4))
  return #bytes
end

-- The report with a measuring script added at its end: on load it writes, for
-- each section, the rendered width and height of each of its charts into the
-- page, which --dump-dom then gives.
local MEASURE = [[
<script>
window.addEventListener("load", function () {
  var out = [];
  document.querySelectorAll("section").forEach(function (s) {
    s.querySelectorAll("svg").forEach(function (g) {
      var r = g.getBoundingClientRect();
      out.push(s.id + " " + Math.round(r.width) + "x" + Math.round(r.height));
    });
  });
  var pre = document.createElement("pre");
  pre.id = "measured";
  pre.textContent = out.join("\n");
  document.body.appendChild(pre);
});
</script>
]]

describe("the report in headless Chromium", function()
  teardown(h.cleanup)

  local dir = h.tmpdir()
  local page = dir .. "/report.html"
  local blank = dir .. "/blank.html"
  local nojs = dir .. "/nojs.html"
  local CANARY = '<p id="canary">scripts did not run</p><script>document.getElementById("canary").textContent = "scripts ran";</script>'

  setup(function()
    local _, e, code = h.run({ "report", "-o", page })
    assert.equal(0, code, e)
    h.write(blank, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>blank</title></head><body></body></html>\n")
    local html = assert(h.read(page))
    html = html:gsub('<meta charset="utf%-8">', function()
      return [[<meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="script-src 'none'">]]
    end, 1):gsub("</body>", function() return CANARY .. "</body>" end)
    h.write(nojs, html)
  end)

  it("draws a page that is not blank, with JavaScript and without", function()
    local empty = screenshot(blank)
    local with_js = screenshot(page)
    local without_js = screenshot(nojs)
    assert.is_true(with_js > 8 * empty, ("screenshot %d bytes, a blank page's %d"):format(with_js, empty))
    assert.is_true(without_js > 8 * empty, ("screenshot without JavaScript %d bytes, a blank page's %d"):format(without_js, empty))
  end)

  it("holds the speakers and the topics in the page's text, with JavaScript off too", function()
    assert.matches('<p id="canary">scripts did not run</p>', browse(nojs, "--dump-dom"))
    for _, js in ipairs { true, false } do
      local dom = browse(js and page or nojs, "--dump-dom")
      for _, s in ipairs { "A. I. Mikoyan", "John McCloy", "Adlai Stevenson", "Guantánamo base", "inspection",
                           "The report against the record", "Timeline" } do
        assert.is_not_nil(dom:find(s, 1, true), ("%s not in the page (JavaScript %s)"):format(s, js and "on" or "off"))
      end
    end
  end)

  it("gives every section's charts a size on the page", function()
    local measured = dir .. "/measured.html"
    h.write(measured, (assert(h.read(page)):gsub("</body>", function() return MEASURE .. "</body>" end)))
    local dom = browse(measured, "--virtual-time-budget=5000 --window-size=1280,2400 --dump-dom")
    local sizes = assert(dom:match('<pre id="measured">(.-)</pre>'), "the measuring script did not run")
    local seen = {}
    for id, w, hgt in sizes:gmatch("(%w+) (%d+)x(%d+)") do
      assert.is_true(tonumber(w) > 50 and tonumber(hgt) > 10, ("a chart of %s is %sx%s"):format(id, w, hgt))
      seen[id] = (seen[id] or 0) + 1
    end
    for _, id in ipairs { "structure", "speakers", "topics", "compare", "timeline" } do
      assert.is_true((seen[id] or 0) >= 1, id .. " has no chart on the page")
    end
  end)
end)
