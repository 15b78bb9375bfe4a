#!/usr/bin/env python3
"""The peer of parley compare in bench/compare.lua: what a historian might
write with NLTK — sentences split at . ? !, words lower-cased, stop words left
out, Porter-stemmed, each report sentence scored against every record sentence
by the idf-weighted share of its stems there, the best three kept.
Usage: compare_peer.py REPORT.txt RECORD.txt  (prints the number of claims)."""
import math
import re
import sys

from nltk.stem import PorterStemmer

STOP = set("""a about above after again against all also although am an and any are as at be because been before
being below between both but by can cannot could did do does doing down during each either even ever every few
for from further had has have having he her here hers herself him himself his how however i if in into is it
its itself just let may me mine more most much must my myself neither no nor not now of off on once one only or
other others otherwise our ours ourselves out over own same shall she should since so some such than that the
their theirs them themselves then there these they this those though through thus to too under until up upon us
very was we were what when where whether which while who whom whose why will with within without would yet you
your yours yourself yourselves said say says saying told tell asked ask stated declared noted mentioned remarked
added replied answered continued underlined emphasized observed""".split())

stem = PorterStemmer().stem
memo = {}


def terms(sentence):
    out = set()
    for w in re.findall(r"[\w'-]+", sentence.lower()):
        if w in STOP or len(w) < 2:
            continue
        t = memo.get(w)
        if t is None:
            t = memo[w] = stem(w)
        out.add(t)
    return out


def sentences(text):
    return [s for s in re.split(r"(?<=[.?!])\s+(?=[A-Z\"(])", text) if s.strip()]


report = [terms(s) for s in sentences(open(sys.argv[1], encoding="utf-8").read())]
record = [terms(s) for s in sentences(open(sys.argv[2], encoding="utf-8").read())]
df = {}
for p in record:
    for t in p:
        df[t] = df.get(t, 0) + 1
n = len(record)
w = lambda t: math.log(1 + n / df.get(t, 1))
claims = 0
for c in report:
    if len(c) < 3:
        continue
    claims += 1
    total = sum(w(t) for t in c)
    scores = sorted((sum(w(t) for t in c & p) / total for p in record), reverse=True)[:3]
print(claims)
