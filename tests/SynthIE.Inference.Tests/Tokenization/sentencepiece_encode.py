"""Encodes texts with Google's sentencepiece for the tokenizer agreement test.

Usage: /usr/bin/python3 sentencepiece_encode.py MODEL INPUT.json OUTPUT.json
INPUT.json is a JSON list of strings. OUTPUT.json gets {"version": ..., "ids": [[int]], "decoded": [str]}, where
"decoded" is what Hugging Face transformers 4.23 T5Tokenizer.decode(ids, skip_special_tokens=True) returns for the
ids (special ids 0, 1, 2 dropped, pieces decoded by sentencepiece, stripped, then its clean-up of spaces).
"""
import json
import sys

try:
    import sentencepiece
except ImportError:
    sys.stderr.write("sentencepiece is missing: apt-get install python3-sentencepiece\n")
    sys.exit(3)


def clean_up_tokenization(text):
    return (text.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
            .replace(" ' ", "'").replace(" n't", "n't").replace(" 'm", "'m").replace(" 's", "'s")
            .replace(" 've", "'ve").replace(" 're", "'re"))


def main():
    model, source, target = sys.argv[1:4]
    processor = sentencepiece.SentencePieceProcessor(model_file=model)
    with open(source, encoding="utf-8") as f:
        texts = json.load(f)
    ids = processor.encode(texts)
    decoded = [clean_up_tokenization(processor.decode([i for i in row if i > 2]).strip()) for row in ids]
    with open(target, "w", encoding="utf-8") as f:
        json.dump({"version": sentencepiece.__version__, "ids": ids, "decoded": decoded}, f)


main()
