"""NLTK peer of parley's benchmark: the word frequency list or the bigram list of a
folder of UTF-8 text files (bigrams within a file), tab-separated, commonest first.
Words are regex tokens case-folded, as parley folds case.
Run: python3 bench/nltk_peer.py freq|bigrams DOCS_DIR
"""
import os
import re
import sys

from nltk import FreqDist
from nltk.util import bigrams

WORD = re.compile(r"\w+(?:[’'-]\w+)*")


def tokens(path):
    with open(path, encoding="utf-8") as f:
        return WORD.findall(f.read().casefold())


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("freq", "bigrams"):
        sys.exit("usage: nltk_peer.py freq|bigrams DOCS_DIR")
    what, folder = sys.argv[1], sys.argv[2]
    dist = FreqDist()
    for name in sorted(os.listdir(folder)):
        words = tokens(os.path.join(folder, name))
        dist.update(words if what == "freq" else bigrams(words))
    out = sys.stdout
    for item, n in dist.most_common():
        out.write(f"{item if what == 'freq' else ' '.join(item)}\t{n}\n")


if __name__ == "__main__":
    main()
