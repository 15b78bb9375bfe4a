return { people = { { name = "X", aliases = { "Y" } } }, documents = { { path = "a.txt", grammar = "transcript" } } }
