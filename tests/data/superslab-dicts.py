# SPDX-License-Identifier: GPL-2.0-or-later
# A Python workload for tests/run-superslab-preload.sh: dicts, strings,
# lists and their garbage, with deterministic output to compare.
import hashlib

words = {}
for i in range(200000):
    key = "k%06d-%s" % (i, "x" * (i % 37))
    words[key] = [i, str(i * 7), (i, i * i)]
    if i % 3 == 0:
        del words[key]
text = " ".join(sorted(words)[::97])
h = hashlib.sha256(text.encode()).hexdigest()
parts = [text[i:i + 1000].upper() for i in range(0, len(text), 1000)]
nested = {n: {str(m): m * n for m in range(50)} for n in range(2000)}
print(len(words), len(text), h, len(parts), sum(sum(d.values()) for d in nested.values()))
