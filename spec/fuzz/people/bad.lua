return { { name = "" }, { aliases = "x" }, { name = "A", aliases = { 1, {} } }, 3, { name = "A" } }
