#!/usr/bin/env python3
# Builds the calibration prompts for a model trained on the KJV (tools/TensorCash.Train): one prompt a line,
# "SET<TAB>TEXT", with the newline between verses written as the two characters \n (the harness unescapes it).
# The text is shaped like a training document (a chapter: verses joined by newlines, BOS in front, which the
# tokenizer adds), so the model continues it as it would its corpus.
#   heldout  chapters with ordinal % 20 == 10 (the 5% the model never saw): verse 1 + "\n" (the model starts
#            verse 2), and verse 1 cut after half its words (the model finishes the verse)
#   train    the same two shapes on chapters with ordinal % 20 == 0 (seen in training: memorised recital), 40 chapters
#   other    English that is not the KJV, written for this file
# Input: `bible -f gen1:1-rev22:21` (Debian bible-kjv + bible-kjv-text; public domain text) on stdin.
import re, sys

chapters = []
for line in sys.stdin:
    m = re.match(r"^([1-3]?[A-Za-z]+)(\d+):(\d+) (.*)$", line.rstrip("\n"))
    if not m:
        continue
    key = m.group(1) + m.group(2)
    if not chapters or chapters[-1][0] != key:
        chapters.append((key, []))
    chapters[-1][1].append(m.group(4).strip())

def shapes(verses):
    first = verses[0]
    words = first.split(" ")
    return [first + "\\n", " ".join(words[: max(1, len(words) // 2)])]

out = []
for i, (_, verses) in enumerate(chapters):
    if i % 20 == 10:
        out += [("heldout", p) for p in shapes(verses)]
for i, (_, verses) in enumerate(chapters):
    if i % 20 == 0 and i // 20 < 40:
        out += [("train", p) for p in shapes(verses)]
other = [
    "The train to the coast leaves at seven, so we packed the night before and",
    "To build the project, install the compiler, run the configure script, and then",
    "My grandmother kept a small garden behind the house where she grew tomatoes and",
    "The committee met on Tuesday to discuss the budget for next year, and after a long debate",
    "Water boils at one hundred degrees Celsius at sea level, but at higher altitudes",
    "She opened the letter slowly, unsure of what it would say, and read the first line:",
    "In the morning the fishermen went down to the harbour to mend their nets, and",
    "The king of the northern country sent messengers to his neighbour, saying",
    "Once upon a time there was a little village at the edge of a great forest, and",
    "The old man looked at the sky and said that it would rain before evening, for",
    "Please remember to lock the door when you leave, because last week",
    "When the war was over, the soldiers returned to their homes and their fields, and",
]
out += [("other", p) for p in other]
for s, p in out:
    print(s + "\t" + p)
