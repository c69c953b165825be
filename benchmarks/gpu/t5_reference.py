"""A small T5 v1.1 forward pass in plain PyTorch over a Hugging Face-named state dict, for ``check_cpu.py``.

It follows the computation of transformers' ``modeling_t5`` (what ``T5ForConditionalGeneration`` does with these
parameters: ``nn.Linear`` weights are [out, in], buckets from the bucket function, RMS norm, unscaled attention with
the relative position bias in the first layer's table, gated-GELU (tanh) feed-forward, untied lm_head without
rescaling), so that checking its greedy outputs against ONNX Runtime's on the same weights checks the weight mapping
of ``onnx_weights.py`` where transformers cannot be installed. No KV cache: every step recomputes the whole decoder.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def relative_position_bucket(relative_position, bidirectional, num_buckets, max_distance):
    """T5's bucket of ``key_position - query_position`` (the function transformers applies; int64 tensor in, out)."""
    buckets = torch.zeros_like(relative_position)
    if bidirectional:
        num_buckets //= 2
        buckets += (relative_position > 0).long() * num_buckets
        distance = relative_position.abs()
    else:
        distance = -torch.clamp(relative_position, max=0)
    exact = num_buckets // 2
    small = distance < exact
    scaled = torch.log(distance.float() / exact) / math.log(max_distance / exact) * (num_buckets - exact)
    large = torch.clamp(exact + scaled.long(), max=num_buckets - 1)
    return buckets + torch.where(small, distance, large)


class ReferenceT5:
    def __init__(self, state: dict, config: dict):
        self.w = {k: torch.tensor(v, dtype=torch.float32) for k, v in state.items()}
        self.c = config
        self.heads, self.d_kv = config["num_heads"], config["d_kv"]
        self.eps = config["layer_norm_epsilon"]
        self.gated = config.get("feed_forward_proj", "relu").startswith("gated")

    def _norm(self, x, name):
        variance = x.pow(2).mean(-1, keepdim=True)
        return self.w[name] * (x * torch.rsqrt(variance + self.eps))

    def _split(self, x):
        b, n, _ = x.shape
        return x.view(b, n, self.heads, self.d_kv).transpose(1, 2)

    def _attention(self, prefix, x, kv, bias):
        q = self._split(F.linear(x, self.w[prefix + "q.weight"]))
        k = self._split(F.linear(kv, self.w[prefix + "k.weight"]))
        v = self._split(F.linear(kv, self.w[prefix + "v.weight"]))
        scores = torch.matmul(q, k.transpose(2, 3)) + bias
        context = torch.matmul(F.softmax(scores.float(), dim=-1), v)
        b, _, n, _ = context.shape
        return F.linear(context.transpose(1, 2).reshape(b, n, -1), self.w[prefix + "o.weight"])

    def _feed_forward(self, prefix, h):
        if self.gated:
            gate = F.gelu(F.linear(h, self.w[prefix + "wi_0.weight"]), approximate="tanh")
            hidden = gate * F.linear(h, self.w[prefix + "wi_1.weight"])
        else:
            hidden = F.relu(F.linear(h, self.w[prefix + "wi.weight"]))
        return F.linear(hidden, self.w[prefix + "wo.weight"])

    def _position_bias(self, stack, queries, keys, bidirectional):
        q = torch.arange(queries)[:, None]
        k = torch.arange(keys)[None, :]
        buckets = relative_position_bucket(k - q, bidirectional, self.c["relative_attention_num_buckets"], self.c["relative_attention_max_distance"])
        table = self.w[f"{stack}.block.0.layer.0.SelfAttention.relative_attention_bias.weight"]
        return table[buckets].permute(2, 0, 1).unsqueeze(0)

    @staticmethod
    def _mask_bias(mask):
        return (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min

    def encode(self, input_ids, attention_mask):
        x = self.w["shared.weight"][input_ids]
        n = input_ids.shape[1]
        bias = self._position_bias("encoder", n, n, True) + self._mask_bias(attention_mask)
        for block in range(self.c["num_layers"]):
            p = f"encoder.block.{block}.layer."
            h = self._norm(x, p + "0.layer_norm.weight")
            x = x + self._attention(p + "0.SelfAttention.", h, h, bias)
            x = x + self._feed_forward(p + "1.DenseReluDense.", self._norm(x, p + "1.layer_norm.weight"))
        return self._norm(x, "encoder.final_layer_norm.weight")

    def decode_logits(self, decoder_ids, encoded, attention_mask):
        x = self.w["shared.weight"][decoder_ids]
        n = decoder_ids.shape[1]
        causal = torch.triu(torch.full((n, n), torch.finfo(torch.float32).min), diagonal=1)
        self_bias = self._position_bias("decoder", n, n, False) + causal
        cross_bias = self._mask_bias(attention_mask)
        layers = self.c.get("num_decoder_layers") or self.c["num_layers"]
        for block in range(layers):
            p = f"decoder.block.{block}.layer."
            h = self._norm(x, p + "0.layer_norm.weight")
            x = x + self._attention(p + "0.SelfAttention.", h, h, self_bias)
            h = self._norm(x, p + "1.layer_norm.weight")
            x = x + self._attention(p + "1.EncDecAttention.", h, encoded, cross_bias)
            x = x + self._feed_forward(p + "2.DenseReluDense.", self._norm(x, p + "2.layer_norm.weight"))
        x = self._norm(x, "decoder.final_layer_norm.weight")
        return F.linear(x, self.w["lm_head.weight"])

    @torch.no_grad()
    def greedy(self, input_ids, max_new_tokens, allowed=None, start=0, eos=1):
        """Greedy decoding of one input (list of ids); ``allowed(prefix) -> ids`` masks the raw logits as transformers does."""
        ids = torch.tensor([input_ids])
        mask = torch.ones_like(ids)
        encoded = self.encode(ids, mask)
        out = [start]
        for _ in range(max_new_tokens):
            logits = self.decode_logits(torch.tensor([out]), encoded, mask)[0, -1]
            if allowed is not None:
                keep = torch.full_like(logits, float("-inf"))
                keep[allowed(out)] = 0
                logits = logits + keep
            token = int(torch.argmax(logits))
            out.append(token)
            if token == eos:
                break
        return out[1:]
