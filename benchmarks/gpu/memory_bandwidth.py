#!/usr/bin/env python3
"""GPU memory bandwidth as a device-to-device copy sees it (bytes read + written per second), for the decoder-step target."""

import json
import sys

import torch


def main():
    size = 1 << 30  # 1 GiB read and 1 GiB written per copy
    source = torch.empty(size, dtype=torch.uint8, device="cuda")
    target = torch.empty_like(source)
    for _ in range(3):
        target.copy_(source)
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    repeats = 20
    start.record()
    for _ in range(repeats):
        target.copy_(source)
    end.record()
    torch.cuda.synchronize()
    seconds = start.elapsed_time(end) / 1000
    result = {"device_name": torch.cuda.get_device_name(), "copy_bytes_per_s": 2 * size * repeats / seconds}
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
