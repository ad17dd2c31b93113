#!/usr/bin/env python3
"""PyTorch reference for Gauntlet's APGD (attacks/.../adversarial/Apgd.java): ApgdParityTest's literals.

An independent implementation of Croce and Hein (ICML 2020), Algorithm 1, as Apgd.java documents it
(step 2 eps, momentum 0.75, checkpoints p0 = 0, p1 = 0.22, p_{j+1} = p_j + max(p_j - p_{j-1} - 0.03, 0.06),
halving when fewer than rho = 0.75 of the steps since the last checkpoint raised the loss, or when neither
the step was halved at the last checkpoint nor the best loss rose (not at the first checkpoint), restart
from the best point), with the losses differentiated by torch autograd from the logits (Gauntlet computes
their logit gradients by hand from log-probabilities). Float64, fixed weights and starting points (no
random start), so both sides follow the same trajectory.

Regenerate:  /usr/bin/python3 attacks/scripts/apgd_reference.py   (Debian's python3-torch 1.13)
"""
import math
import torch

torch.set_default_dtype(torch.float64)
D, H, K, N = 6, 8, 4, 6


def weights():
    w1 = torch.tensor([[0.9 * math.sin(1.3 * i + 0.7 * j + 0.5) for j in range(H)] for i in range(D)])
    b1 = torch.tensor([0.1 * math.cos(j + 1) for j in range(H)])
    w2 = torch.tensor([[0.8 * math.cos(0.9 * j - 1.1 * c + 0.3) for c in range(K)] for j in range(H)])
    b2 = torch.tensor([0.05 * math.sin(c + 2) for c in range(K)])
    return w1, b1, w2, b2


def inputs(eps):
    x = torch.tensor([[0.5 + 0.35 * math.sin(2.1 * r + 1.7 * i + 0.2) for i in range(D)] for r in range(N)])
    s = torch.tensor([[0.8 * math.sin(3.3 * r - 1.9 * i + 0.4) for i in range(D)] for r in range(N)])
    y = torch.tensor([r % K for r in range(N)])
    return x, y, s


def logits(x, w):
    w1, b1, w2, b2 = w
    return torch.tanh(x @ w1 + b1) @ w2 + b2


def loss_fn(kind, z, y, t):
    zs, idx = z.sort(dim=1, descending=True)
    u = torch.arange(z.shape[0])
    if kind == "ce":
        return -torch.nn.functional.cross_entropy(z, t, reduction="none") if t is not None else \
            torch.nn.functional.cross_entropy(z, y, reduction="none")
    if t is None:
        other = torch.where(idx[:, 0] == y, zs[:, 1], zs[:, 0])
        return -(z[u, y] - other) / (zs[:, 0] - zs[:, 2] + 1e-12)
    return -(z[u, y] - z[u, t]) / (zs[:, 0] - (zs[:, 2] + zs[:, 3]) / 2 + 1e-12)


def checkpoints(n):
    w, prev, p = [], 0.0, 0.22
    while p <= 1:
        c = math.ceil(p * n - 1e-9)
        if 1 <= c <= n and (not w or c > w[-1]):
            w.append(c)
        prev, p = p, p + max(p - prev - 0.03, 0.06)
    return w


def project(x, x0, eps, norm):
    d = x - x0
    if norm == "linf":
        d = d.clamp(-eps, eps)
    else:
        n = d.norm(dim=1, keepdim=True)
        d = d * torch.clamp(eps / n.clamp(min=1e-12), max=1.0)
    return (x0 + d).clamp(0.0, 1.0)


def direction(g, norm):
    if norm == "linf":
        return g.sign()
    return g / g.norm(dim=1, keepdim=True).clamp(min=1e-12)


def apgd(kind, norm, x0, y, t, start, eps, steps, w):
    def evaluate(x):
        x = x.clone().requires_grad_(True)
        z = logits(x, w)
        loss = loss_fn(kind, z, y, t)
        g, = torch.autograd.grad(loss.sum(), [x])
        pred = z.argmax(1)
        success = (pred == t) if t is not None else (pred != y)
        return loss.detach(), g.detach(), success

    n = x0.shape[0]
    x = project(start, x0, eps, norm)
    loss, grad, success = evaluate(x)
    x_best, grad_best, loss_best = x.clone(), grad.clone(), loss.clone()
    x_adv, found = x.clone(), success.clone()
    eta = torch.full((n, 1), 2 * eps)
    x_old = x.clone()
    steps_loss = [loss.clone()]
    checks = checkpoints(steps)
    last, reduced_last, best_last = 0, torch.ones(n, dtype=torch.bool), loss_best.clone()
    for it in range(steps):
        momentum = x - x_old
        x_old = x.clone()
        a = 1.0 if it == 0 else 0.75
        z = project(x + eta * direction(grad, norm), x0, eps, norm)
        x = project(x + a * (z - x) + (1 - a) * momentum, x0, eps, norm)
        loss, grad, success = evaluate(x)
        steps_loss.append(loss.clone())
        x_adv[success] = x[success]
        found |= success
        better = loss > loss_best
        x_best[better], grad_best[better], loss_best[better] = x[better], grad[better], loss[better]
        if it + 1 in checks:
            wj = it + 1
            up = sum((steps_loss[s + 1] > steps_loss[s]).long() for s in range(last, wj))
            reduce = (up < 0.75 * (wj - last)) | (~reduced_last & (best_last >= loss_best))
            reduced_last, best_last = reduce.clone(), loss_best.clone()
            eta[reduce] /= 2
            x[reduce], grad[reduce] = x_best[reduce], grad_best[reduce]
            last = wj
    return torch.where(found.unsqueeze(1), x_adv, x_best), loss_best, found


def literal(name, t):
    rows = t.tolist()
    if isinstance(rows[0], list):
        body = ",\n      ".join("{" + ", ".join(repr(v) for v in r) + "}" for r in rows)
        return f"  static final double[][] {name} = {{\n      {body}}};"
    return f"  static final double[] {name} = {{{', '.join(repr(float(v)) for v in rows)}}};"


if __name__ == "__main__":
    print(f"// torch {torch.__version__}; checkpoints(20) = {checkpoints(20)}, checkpoints(100) = {checkpoints(100)}")
    w = weights()
    eps = 0.1
    x0, y, s = inputs(eps)
    start = (x0 + eps * s).clamp(0, 1)
    for tag, kind, norm, e, t in [("CE_LINF", "ce", "linf", 0.1, None), ("DLR_LINF", "dlr", "linf", 0.1, None),
                                  ("CE_L2", "ce", "l2", 0.3, None), ("DLR_T_LINF", "dlr", "linf", 0.1, torch.full((N,), 3))]:
        st = project(start, x0, e, norm)
        adv, best, found = apgd(kind, norm, x0, y, t, st, e, 20, w)
        print(literal(tag + "_POINTS", adv))
        print(literal(tag + "_BEST_LOSS", best))
        print(f"  // {tag} found: {found.tolist()}")
