"""Single-thread encode throughput of Google's sentencepiece (Python binding, C++ encoder) over a text file.

Usage: /usr/bin/python3 tokenizer-sentencepiece.py MODEL CORPUS [PASSES]
Encodes all lines (one document per line) in one batch call with num_threads=1, PASSES times after a warm-up, and
prints the best pass as "sentencepiece-python <bytes> <tokens> <seconds>".
"""
import sys
import time

import sentencepiece

model, corpus = sys.argv[1:3]
passes = int(sys.argv[3]) if len(sys.argv) > 3 else 5
processor = sentencepiece.SentencePieceProcessor(model_file=model)
with open(corpus, encoding="utf-8") as f:
    lines = f.read().split("\n")
if lines and lines[-1] == "":
    lines.pop()
size = sum(len(line.encode("utf-8")) for line in lines)
processor.encode(lines, num_threads=1)
best = float("inf")
tokens = 0
for _ in range(passes):
    start = time.perf_counter()
    ids = processor.encode(lines, num_threads=1)
    best = min(best, time.perf_counter() - start)
    tokens = sum(len(row) for row in ids)
print(f"sentencepiece-python {size} {tokens} {best:.6f}")
