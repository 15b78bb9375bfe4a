-- busted output handler: the usual terminal output, then one closing line
-- `N passed, N failed` (errors count as failures) for CI to read.
return function(options)
  local busted = require "busted"
  local io_type = io.type(io.stdout) == "file" and require("term").isatty(io.stdout)
  local base = require(io_type and "busted.outputHandlers.utfTerminal"
                                or "busted.outputHandlers.plainTerminal")
  local handler = base(options)
  busted.subscribe({ "suite", "end" }, function()
    io.write(string.format("%d passed, %d failed\n", handler.successesCount,
      handler.failuresCount + handler.errorsCount))
    io.flush()
    return nil, true
  end)
  return handler
end
