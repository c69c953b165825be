"""A T5 v1.1 encoder-decoder in plain PyTorch that computes exactly what SynthIE.Inference.TestModels' ONNX graphs
compute (T5GraphComposer): pre-norm residual blocks with RMS norm (weight only), unscaled attention plus relative
position bias (the table of block 0 used by every block; bidirectional buckets in the encoder, causal in the decoder's
self-attention, none in cross-attention), gated-GELU feed-forward (tanh GELU), final RMS norm, untied lm_head applied
to the decoder's final states without rescaling.

Vocabulary trick: the model only has rows for the ids it can meet. The embedding table holds the rows of `input_vocab`
(ids seen in inputs, plus every target id); any other input id uses the row of id 2 (<unk>). lm_head holds the rows of
`target_vocab`; every other id has a zero row (logit exactly 0), so the full 32,128-way softmax is
softmax([logits over target_vocab, 0 × (32,128 − |target_vocab|)]), which `log_probs` computes exactly and cheaply.

Tied output layer (training): with `tied=True` the lm_head row of each target id is d_model^-0.5 × that id's embedding
row (as the original T5 ties them), which helps the model copy names from its input. The exported graph is still
T5 v1.1's untied lm_head without rescaling: its rows are simply those products (`lm_head_weight()`), the same function.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

UNK = 2


def bucket(relative, bidirectional, num_buckets, max_distance):
    """T5's relative position bucket of one relative position (key − query), as T5RelativePositionBuckets computes it."""
    b = 0
    if bidirectional:
        num_buckets //= 2
        if relative > 0:
            b += num_buckets
        distance = abs(relative)
    else:
        distance = -min(relative, 0)
    max_exact = num_buckets // 2
    if distance < max_exact:
        return b + distance
    log_ratio = float(torch.log(torch.tensor(distance / max_exact, dtype=torch.float32))) / math.log(max_distance / max_exact)
    log_ratio = float(torch.tensor(log_ratio, dtype=torch.float32))
    large = max_exact + int(log_ratio * (num_buckets - max_exact))
    return b + min(large, num_buckets - 1)


class Config:
    def __init__(self, d_model=128, d_kv=32, num_heads=4, d_ff=384, num_layers=2, num_decoder_layers=2,
                 vocab_size=32128, num_buckets=32, max_distance=128, eps=1e-6, dropout=0.0):
        self.d_model, self.d_kv, self.num_heads, self.d_ff = d_model, d_kv, num_heads, d_ff
        self.num_layers, self.num_decoder_layers, self.vocab_size = num_layers, num_decoder_layers, vocab_size
        self.num_buckets, self.max_distance, self.eps, self.dropout = num_buckets, max_distance, eps, dropout

    def to_dict(self):
        return dict(self.__dict__)


class RMSNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        inner = c.num_heads * c.d_kv
        self.h, self.d = c.num_heads, c.d_kv
        self.q = nn.Linear(c.d_model, inner, bias=False)
        self.k = nn.Linear(c.d_model, inner, bias=False)
        self.v = nn.Linear(c.d_model, inner, bias=False)
        self.o = nn.Linear(inner, c.d_model, bias=False)
        nn.init.normal_(self.q.weight, std=(c.d_model * c.d_kv) ** -0.5)
        nn.init.normal_(self.k.weight, std=c.d_model ** -0.5)
        nn.init.normal_(self.v.weight, std=c.d_model ** -0.5)
        nn.init.normal_(self.o.weight, std=inner ** -0.5)

    def split(self, x):
        b, n, _ = x.shape
        return x.view(b, n, self.h, self.d).transpose(1, 2)

    def forward(self, x, kv, bias):
        q, k, v = self.split(self.q(x)), self.split(self.k(kv)), self.split(self.v(kv))
        scores = q @ k.transpose(-1, -2) + bias
        p = torch.softmax(scores.float(), dim=-1)
        out = (p @ v).transpose(1, 2).reshape(x.shape[0], x.shape[1], self.h * self.d)
        return self.o(out)


class FeedForward(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.wi_0 = nn.Linear(c.d_model, c.d_ff, bias=False)
        self.wi_1 = nn.Linear(c.d_model, c.d_ff, bias=False)
        self.wo = nn.Linear(c.d_ff, c.d_model, bias=False)
        for w in (self.wi_0, self.wi_1):
            nn.init.normal_(w.weight, std=c.d_model ** -0.5)
        nn.init.normal_(self.wo.weight, std=c.d_ff ** -0.5)

    def forward(self, x):
        return self.wo(F.gelu(self.wi_0(x), approximate="tanh") * self.wi_1(x))


class Block(nn.Module):
    def __init__(self, c, decoder):
        super().__init__()
        self.decoder = decoder
        self.norm0 = RMSNorm(c.d_model, c.eps)
        self.self_attn = Attention(c)
        if decoder:
            self.norm1 = RMSNorm(c.d_model, c.eps)
            self.cross_attn = Attention(c)
        self.norm_ff = RMSNorm(c.d_model, c.eps)
        self.ff = FeedForward(c)
        self.drop = nn.Dropout(c.dropout)

    def forward(self, x, self_bias, enc=None, cross_bias=None):
        h = self.norm0(x)
        x = x + self.drop(self.self_attn(h, h, self_bias))
        if self.decoder:
            x = x + self.drop(self.cross_attn(self.norm1(x), enc, cross_bias))
        return x + self.drop(self.ff(self.norm_ff(x)))


class DemoT5(nn.Module):
    def __init__(self, c, input_vocab, target_vocab, tied=False):
        super().__init__()
        self.c = c
        self.tied = tied
        input_vocab = sorted(set(input_vocab) | set(target_vocab) | {0, 1, UNK})
        self.register_buffer("input_vocab", torch.tensor(input_vocab, dtype=torch.long))
        self.register_buffer("target_vocab", torch.tensor(sorted(set(target_vocab)), dtype=torch.long))
        row = torch.full((c.vocab_size,), input_vocab.index(UNK), dtype=torch.long)
        row[self.input_vocab] = torch.arange(len(input_vocab))
        self.register_buffer("row_of_id", row)
        col = torch.full((c.vocab_size,), -1, dtype=torch.long)
        col[self.target_vocab] = torch.arange(len(self.target_vocab))
        self.register_buffer("col_of_id", col)
        self.shared = nn.Embedding(len(input_vocab), c.d_model)
        nn.init.normal_(self.shared.weight, std=1.0)
        if tied:
            self.register_buffer("target_rows", self.row_of_id[self.target_vocab].clone())
            self.lm_head = None
        else:
            self.lm_head = nn.Linear(c.d_model, len(self.target_vocab), bias=False)
            nn.init.normal_(self.lm_head.weight, std=c.d_model ** -0.5)
        self.enc_bias = nn.Embedding(c.num_buckets, c.num_heads)
        self.dec_bias = nn.Embedding(c.num_buckets, c.num_heads)
        self.encoder = nn.ModuleList(Block(c, False) for _ in range(c.num_layers))
        self.decoder = nn.ModuleList(Block(c, True) for _ in range(c.num_decoder_layers))
        self.enc_final = RMSNorm(c.d_model, c.eps)
        self.dec_final = RMSNorm(c.d_model, c.eps)
        self.drop = nn.Dropout(c.dropout)
        self.log_unused = math.log(c.vocab_size - len(self.target_vocab))
        self._tables = {}

    def bucket_table(self, bidirectional):
        key = bidirectional
        if key not in self._tables:
            m = self.c.max_distance
            self._tables[key] = torch.tensor([bucket(r - m, bidirectional, self.c.num_buckets, m) for r in range(2 * m + 1)])
        return self._tables[key]

    def position_bias(self, q_len, k_len, bidirectional, table, offset=0):
        m = self.c.max_distance
        rel = torch.arange(k_len)[None, :] - (torch.arange(q_len)[:, None] + offset)
        buckets = self.bucket_table(bidirectional)[rel.clamp(-m, m) + m]
        return table(buckets).permute(2, 0, 1)[None]  # [1, heads, q, k]

    def embed(self, ids):
        return self.shared(self.row_of_id[ids])

    def encode(self, ids, mask):
        x = self.drop(self.embed(ids))
        n = ids.shape[1]
        bias = self.position_bias(n, n, True, self.enc_bias) + ((1.0 - mask[:, None, None, :].float()) * -1e9)
        for block in self.encoder:
            x = block(x, bias)
        return self.drop(self.enc_final(x))

    def decode(self, dec_ids, enc, mask):
        x = self.drop(self.embed(dec_ids))
        n = dec_ids.shape[1]
        causal = torch.triu(torch.full((n, n), -1e9), diagonal=1)
        self_bias = self.position_bias(n, n, False, self.dec_bias) + causal
        cross_bias = (1.0 - mask[:, None, None, :].float()) * -1e9
        for block in self.decoder:
            x = block(x, self_bias, enc, cross_bias)
        return self.drop(self.dec_final(x))

    def lm_head_weight(self):
        """The lm_head rows of target_vocab ([len(target_vocab), d_model]); tied: the scaled embedding rows."""
        if self.tied:
            return self.shared.weight[self.target_rows] * (self.c.d_model ** -0.5)
        return self.lm_head.weight

    def log_probs_compact(self, states):
        """Log-probabilities over [target_vocab..., 'any other id'] (the last column: log of their summed probability)."""
        logits = F.linear(states, self.lm_head_weight())
        unused = torch.full(logits.shape[:-1] + (1,), self.log_unused, dtype=logits.dtype)
        return torch.log_softmax(torch.cat([logits, unused], dim=-1), dim=-1)

    def full_logits(self, states):
        """Logits over all vocab_size ids, as the exported graph computes them."""
        out = torch.zeros(states.shape[:-1] + (self.c.vocab_size,))
        out[..., self.target_vocab] = F.linear(states, self.lm_head_weight())
        return out


def load_weights(path):
    """Reads a weights file written by train.py's export into a DemoT5 (float32 copies of the stored float16 values)."""
    import json
    import struct

    import numpy as np

    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"SYNTHIEW":
        raise ValueError(f"{path}: not a weights file")
    (n,) = struct.unpack("<I", data[8:12])
    header = json.loads(data[12:12 + n].decode("utf-8"))
    offset = 12 + n
    tensors = {}
    for t in header["tensors"]:
        count = 1
        for d in t["shape"]:
            count *= d
        dtype = np.dtype("<f2") if t["dtype"] == "float16" else np.dtype("<i4")
        array = np.frombuffer(data, dtype=dtype, count=count, offset=offset).reshape(t["shape"])
        offset += count * dtype.itemsize
        tensors[t["name"]] = torch.from_numpy(array.astype(np.float32 if t["dtype"] == "float16" else np.int64))
    c = header["config"]
    config = Config(d_model=c["d_model"], d_kv=c["d_kv"], num_heads=c["num_heads"], d_ff=c["d_ff"], num_layers=c["num_layers"],
                    num_decoder_layers=c["num_decoder_layers"], vocab_size=c["vocab_size"], num_buckets=c["relative_attention_num_buckets"],
                    max_distance=c["relative_attention_max_distance"], eps=c["layer_norm_epsilon"], dropout=0.0)
    model = DemoT5(config, tensors["shared.ids"].tolist(), tensors["lm_head.ids"].tolist())
    assert model.input_vocab.tolist() == tensors["shared.ids"].tolist()
    with torch.no_grad():
        model.shared.weight.copy_(tensors["shared.rows"])
        model.lm_head.weight.copy_(tensors["lm_head.rows"])
        model.enc_bias.weight.copy_(tensors["encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight"])
        model.dec_bias.weight.copy_(tensors["decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight"])
        for stack, blocks in (("encoder", model.encoder), ("decoder", model.decoder)):
            for i, b in enumerate(blocks):
                p = f"{stack}.block.{i}.layer."
                for proj in "qkvo":
                    getattr(b.self_attn, proj).weight.copy_(tensors[f"{p}0.SelfAttention.{proj}.weight"])
                b.norm0.weight.copy_(tensors[f"{p}0.layer_norm.weight"])
                ff = 1
                if stack == "decoder":
                    for proj in "qkvo":
                        getattr(b.cross_attn, proj).weight.copy_(tensors[f"{p}1.EncDecAttention.{proj}.weight"])
                    b.norm1.weight.copy_(tensors[f"{p}1.layer_norm.weight"])
                    ff = 2
                for proj in ("wi_0", "wi_1", "wo"):
                    getattr(b.ff, proj).weight.copy_(tensors[f"{p}{ff}.DenseReluDense.{proj}.weight"])
                b.norm_ff.weight.copy_(tensors[f"{p}{ff}.layer_norm.weight"])
            (model.enc_final if stack == "encoder" else model.dec_final).weight.copy_(tensors[f"{stack}.final_layer_norm.weight"])
    model.eval()
    return model
