#!/usr/bin/python3
"""PyTorch reference for the adversarial speed benchmark (run by AttackSpeedBench in the same run).

Same work as the Java side: a 784-256-128-10 ReLU MLP in float32, a batch of 10,000 inputs in
[0, 1], cross-entropy summed over the batch; FGSM (one input gradient, sign, step, clip) and a
10-step PGD (random start, 10 steps of 2.5*eps/10, projection to the L-inf ball and [0, 1]).
Prints one JSON line of medians in seconds. Threads: torch.set_num_threads(argv[1]).
"""
import json
import sys
import time

import torch

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
torch.set_num_threads(threads)
torch.manual_seed(0)
n, eps = 10000, 0.1
model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128), torch.nn.ReLU(),
                            torch.nn.Linear(128, 10))
for p in model.parameters():
    p.requires_grad_(False)
x = torch.rand(n, 784)
y = torch.randint(0, 10, (n,))
loss_fn = torch.nn.CrossEntropyLoss(reduction="sum")


def grad(xa):
    xa = xa.detach().requires_grad_(True)
    loss = loss_fn(model(xa), y)
    (g,) = torch.autograd.grad(loss, xa)
    return g


def fwd_bwd():
    grad(x)


def fgsm():
    g = grad(x)
    return (x + eps * g.sign()).clamp_(0, 1)


def pgd(steps=10):
    alpha = 2.5 * eps / steps
    xa = (x + torch.empty_like(x).uniform_(-eps, eps)).clamp_(0, 1)
    for _ in range(steps):
        g = grad(xa)
        xa = xa + alpha * g.sign()
        xa = torch.min(torch.max(xa, x - eps), x + eps).clamp_(0, 1)
    return xa


def median_time(f):
    f()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t0)
    ts.sort()
    return ts[len(ts) // 2]


print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "fwd_bwd": median_time(fwd_bwd),
                  "fgsm": median_time(fgsm), "pgd10": median_time(pgd)}))
