#!/usr/bin/python3
"""PyTorch side of InterleavedAttackBench: the same work as AttackSpeedBench's reference, one
operation per command, so the Java side can alternate Gauntlet and PyTorch repetition by repetition.

Reads one command per line on stdin (fgsm | pgd10 | apgd10 | gemm | fwd_bwd | elem_fgsm | elem_pgd | copy | triad
| quit), runs it once and prints the
elapsed seconds. The first line printed is a JSON header (torch version, threads). APGD-10 is
Croce and Hein's Auto-PGD with the cross-entropy loss (as in attacks/scripts/apgd_reference.py:
step 2 eps, momentum 0.75, checkpoints of the paper, halving and restart from the best point),
random start, no early stop. Threads: torch.set_num_threads(argv[1]).
"""
import json
import math
import sys
import time

import torch

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
torch.set_num_threads(threads)
torch.manual_seed(0)
n, eps = 10000, 0.1
model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128), torch.nn.ReLU(),
                            torch.nn.Linear(128, 10))
for p in model.parameters():
    p.requires_grad_(False)
x = torch.rand(n, 784)
y = torch.randint(0, 10, (n,))
if len(sys.argv) > 2:
    # The Java side's weights and batch (InterleavedAttackBench writes them), so both attack the same model
    # and rows: float32 little-endian, per layer W (out x in, row-major) then b, then x (n x 784).
    import numpy as np
    raw = np.fromfile(sys.argv[2], dtype="<f4")
    at = 0
    for m in model:
        if isinstance(m, torch.nn.Linear):
            o, i = m.weight.shape
            m.weight.copy_(torch.from_numpy(raw[at:at + o * i].reshape(o, i).copy()))
            at += o * i
            m.bias.copy_(torch.from_numpy(raw[at:at + o].copy()))
            at += o
    x = torch.from_numpy(raw[at:at + n * 784].reshape(n, 784).copy())
    at += n * 784
    assert at == raw.size, "weights file: %d floats left over" % (raw.size - at)
y_ref = model(x).argmax(1)  # the clean decisions: the reference classes of the early-stopped attack
last_rows = [0]
loss_sum = torch.nn.CrossEntropyLoss(reduction="sum")
loss_rows = torch.nn.CrossEntropyLoss(reduction="none")


def grad(xa):
    xa = xa.detach().requires_grad_(True)
    loss = loss_sum(model(xa), y)
    (g,) = torch.autograd.grad(loss, xa)
    return g


def fgsm():
    g = grad(x)
    return (x + eps * g.sign()).clamp_(0, 1)


def project(xa):
    return torch.min(torch.max(xa, x - eps), x + eps).clamp_(0, 1)


def pgd(steps=10):
    alpha = 2.5 * eps / steps
    xa = (x + torch.empty_like(x).uniform_(-eps, eps)).clamp_(0, 1)
    for _ in range(steps):
        g = grad(xa)
        xa = project(xa + alpha * g.sign())
    return xa


def pgd_until_flipped(steps=10):
    """PGD-10 as Gauntlet's robustness check runs it, with the same work saving: a row whose decision
    has left its clean class is frozen at that iterate and gets no further gradient (the batch is
    compacted). The gradient rows computed are kept for the "rows" command."""
    alpha = 2.5 * eps / steps
    xa = (x + torch.empty_like(x).uniform_(-eps, eps)).clamp_(0, 1)
    out = xa.clone()
    idx = torch.arange(n)
    x0s, ys = x, y_ref
    rows = 0
    for _ in range(steps):
        xs = xa.detach().requires_grad_(True)
        z = model(xs)
        (g,) = torch.autograd.grad(loss_sum(z, ys), xs)
        rows += xs.shape[0]
        done = z.detach().argmax(1) != ys
        if bool(done.any()):
            out[idx[done]] = xa[done]
            keep = ~done
            if not bool(keep.any()):
                last_rows[0] = rows
                return out
            idx, xa, x0s, ys, g = idx[keep], xa[keep], x0s[keep], ys[keep], g[keep]
        xa = torch.min(torch.max(xa + alpha * g.sign(), x0s - eps), x0s + eps).clamp_(0, 1)
    out[idx] = xa
    last_rows[0] = rows
    return out


def flipped_rate():
    """The fraction of rows whose decision leaves its clean class at the early-stopped attack's end."""
    return float((model(pgd_until_flipped()).argmax(1) != y_ref).float().mean())


def checkpoints(steps):
    w, prev, p = [], 0.0, 0.22
    while p <= 1:
        c = math.ceil(p * steps - 1e-9)
        if 1 <= c <= steps and (not w or c > w[-1]):
            w.append(c)
        prev, p = p, p + max(p - prev - 0.03, 0.06)
    return w


def evaluate(xa):
    xa = xa.detach().requires_grad_(True)
    z = model(xa)
    loss = loss_rows(z, y)
    (g,) = torch.autograd.grad(loss.sum(), xa)
    return loss.detach(), g, z.detach().argmax(1) != y


def apgd(steps=10):
    xa = project(x + torch.empty_like(x).uniform_(-eps, eps))
    loss, g, ok = evaluate(xa)
    x_best, g_best, l_best = xa.clone(), g.clone(), loss.clone()
    x_adv, found = xa.clone(), ok.clone()
    eta = torch.full((n, 1), 2 * eps)
    x_old = xa.clone()
    hist = [loss]
    checks = set(checkpoints(steps))
    last, reduced, best_last = 0, torch.ones(n, dtype=torch.bool), l_best.clone()
    for it in range(steps):
        mom = xa - x_old
        x_old = xa
        a = 1.0 if it == 0 else 0.75
        z = project(xa + eta * g.sign())
        xa = project(xa + a * (z - xa) + (1 - a) * mom)
        loss, g, ok = evaluate(xa)
        hist.append(loss)
        x_adv[ok] = xa[ok]
        found |= ok
        better = loss > l_best
        x_best[better], g_best[better], l_best[better] = xa[better], g[better], loss[better]
        if it + 1 in checks:
            up = sum((hist[s + 1] > hist[s]).long() for s in range(last, it + 1))
            red = (up < 0.75 * (it + 1 - last)) | (~reduced & (best_last >= l_best))
            reduced, best_last = red, l_best.clone()
            eta[red] /= 2
            xa = xa.clone()
            xa[red], g[red] = x_best[red], g_best[red]
            last = it + 1
    return torch.where(found.unsqueeze(1), x_adv, x_best)


# ---- per-phase breakdown (StepBreakdownBench): the pieces of one step, on preallocated tensors ----
W = [m.weight for m in model if isinstance(m, torch.nn.Linear)]  # out x in
acts = [torch.empty(n, w.shape[0]) for w in W]
deltas = [torch.empty(n, w.shape[0]) for w in W]
gin = torch.empty(n, 784)
g_fixed = grad(x)
x_pgd = project(x + torch.empty_like(x).uniform_(-eps, eps))
buf = torch.empty_like(x)
buf2 = torch.empty_like(x)


def gemm():
    """The six matrix products of one input-only forward + backward, same shapes, into preallocated outputs."""
    a = x
    for w, z in zip(W, acts):
        torch.mm(a, w.t(), out=z)
        a = z
    torch.mm(deltas[2], W[2], out=deltas[1])
    torch.mm(deltas[1], W[1], out=deltas[0])
    torch.mm(deltas[0], W[0], out=gin)


def fwd_bwd():
    grad(x)


def elem_fgsm():
    """FGSM's element-wise part as the fgsm op writes it (sign, scale, add, clamp)."""
    return (x + eps * g_fixed.sign()).clamp_(0, 1)


def elem_pgd():
    """One PGD step's element-wise part as the pgd op writes it (sign, scale, add, project, clamp)."""
    return project(x_pgd + (2.5 * eps / 10) * g_fixed.sign())


def copy():
    buf.copy_(x)


def triad():
    torch.add(buf2, x, alpha=0.5, out=buf)


ops = {"fgsm": fgsm, "pgd10": pgd, "apgd10": apgd, "gemm": gemm, "fwd_bwd": fwd_bwd, "elem_fgsm": elem_fgsm,
       "elem_pgd": elem_pgd, "copy": copy, "triad": triad, "pgd10es": pgd_until_flipped}
print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
for line in sys.stdin:
    cmd = line.strip()
    if cmd == "quit":
        break
    if cmd == "rows":
        print(last_rows[0], flush=True)
        continue
    if cmd == "flipped":
        print(flipped_rate(), flush=True)
        continue
    t0 = time.perf_counter()
    ops[cmd]()
    print(time.perf_counter() - t0, flush=True)
