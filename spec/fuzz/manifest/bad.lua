return { name = 1, documents = { { path = "" }, { id = "" }, "x", { path = "a.txt", date = "1962-13-45" } } }
