return { roots = { "sub", "/nonexistent" }, documents = { { path = "sub/c.txt" }, { path = "../x.txt" } } }
