local t = {} for i = 1, 100 do t[i] = { path = "a.txt", id = "a" .. i } end return { documents = t }
