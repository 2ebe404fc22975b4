"""The discrete hierarchical VAE's update in PyTorch: the CPU bench's peer (docs/math.md §3, §4).

One update of every encoder estimator of our CPU engine (src/models/vae/estimators.ts):
reinforce, reinforce-baseline, reinforce-loo, disarm, fhnca, fhnca-baseline, written plainly
with torch tensors vectorised over the batch (no Python loop over examples or units), float32
(torch's default), Adam (torch.optim.Adam on the negated ascent gradient, the paper's
hyper-parameters), the running-mean baselines and the same gradient-variance metric work as ours
(docs/math.md §4: per-example squared-signal sums, no per-example gradients stored).

f-HNCA's flip deltas use the same factorisation as ours (docs/math.md §2 "Messages"): with
per-update tables exp(±W), the decoder children's log-probability change under a parent's flip
is -log(p + q·e^{-Δw}) - Δw·[child = 0], summed over children as log of products of 64
factors; the next encoder layer's (clipped) children are computed exactly with clamp.

Modes (stdin/stdout, JSON or lines):
  python3 vae.py bench    reads lines "ESTIMATOR LAYERS SECONDS", answers each with one line
                          "MS_PER_UPDATE UPDATES" (process CPU time per update, 1 thread); the
                          CPU bench interleaves these with our engine's timings
  python3 vae.py threads  prints the OS threads a product of the bench's shapes runs on (1)
  python3 vae.py same-draws  reads {"cases": [...]} (parameters, batch, uniforms, baselines) and
                          writes the batch-mean ascent gradient of every tensor
                          (tests/peer-torch-fairness.test.ts)
"""

from __future__ import annotations

import json
import math
import os
import sys
import time

# One thread in every library, set before torch loads them: torch.set_num_threads(1) does not
# reach OpenBLAS, whose second thread spun beside the first and doubled the process CPU time the
# bench measures. `python3 vae.py threads` prints how many OS threads a product runs on.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"

import torch  # noqa: E402 (after the thread settings)

torch.set_num_threads(1)
torch.set_grad_enabled(False)

PROB_MIN = 1e-5
LOGIT_CLIP = math.log((1 - PROB_MIN) / PROB_MIN)
CHUNK = 64
ESTIMATORS = ["fhnca", "fhnca-baseline", "reinforce", "reinforce-baseline", "reinforce-loo", "disarm"]


def entropy(z):
    """Entropy (nats) of Bernoulli(sigmoid(z)), elementwise."""
    p = torch.sigmoid(z)
    return -(p * torch.nn.functional.logsigmoid(z) + (1 - p) * torch.nn.functional.logsigmoid(-z))


def log_bernoulli(v, x):
    """log p(x | logit v) elementwise, x in {0, 1}."""
    return torch.nn.functional.logsigmoid((2 * x - 1) * v)


class Vae:
    """Parameters (input-major weights as ours), Adam, baselines; `draw(pass, layer, shape)` gives uniforms."""

    def __init__(self, sizes, estimator, params=None, dtype=torch.float32, seed=0):
        self.sizes = sizes
        self.L = len(sizes) - 1
        self.estimator = estimator
        g = torch.Generator().manual_seed(seed)
        if params is None:
            params = []
            for l in range(1, self.L + 1):
                a = math.sqrt(6 / (sizes[l - 1] + sizes[l]))
                params += [(torch.rand(sizes[l - 1], sizes[l], generator=g) * 2 - 1) * a, torch.zeros(sizes[l])]
            for m in range(self.L):
                a = math.sqrt(6 / (sizes[m + 1] + sizes[m]))
                params += [(torch.rand(sizes[m + 1], sizes[m], generator=g) * 2 - 1) * a, torch.zeros(sizes[m])]
            params.append(torch.zeros(sizes[self.L]))
        self.tensors = [t.to(dtype).clone() for t in params]
        self.enc_w = self.tensors[0 : 2 * self.L : 2]
        self.enc_b = self.tensors[1 : 2 * self.L : 2]
        self.dec_w = self.tensors[2 * self.L : 4 * self.L : 2]
        self.dec_b = self.tensors[2 * self.L + 1 : 4 * self.L + 1 : 2] + [self.tensors[4 * self.L]]
        self.baselines = [0.0] * (self.L + 1)
        self.optimizer = torch.optim.Adam(self.tensors, lr=1e-4, betas=(0.9, 0.999), eps=1e-8)
        self.variance_sum = 0.0
        self.elbo_sum = 0.0

    # ---- passes -------------------------------------------------------------------------
    def encoder(self, l, below):
        u = self.enc_b[l - 1] + below @ self.enc_w[l - 1]
        ut = u.clamp(-LOGIT_CLIP, LOGIT_CLIP)
        return u, ut, torch.sigmoid(ut)

    def decoder_logit(self, m, above):
        if m == self.L:
            return self.dec_b[m].expand(above.shape[0], -1) if above is not None else self.dec_b[m]
        return self.dec_b[m] + above @ self.dec_w[m]

    def tail(self, f, phi_f, phi, draw, first_dec_target):
        """Partial pass from layer f with phi_f (LOO, DisARM): log p_{f-1}(phi_{f-1} | phi_f) + Σ Dec'_{m>=f} + Σ Ent'_{l>f}."""
        total = log_bernoulli(self.decoder_logit(f - 1, phi_f), first_dec_target).sum(1)
        layers = {f: phi_f}
        for l in range(f + 1, self.L + 1):
            _, ut, p = self.encoder(l, layers[l - 1])
            total = total + entropy(ut).sum(1)
            layers[l] = (draw(f, l, p.shape) < p).to(p.dtype)
        for m in range(f, self.L + 1):
            above = layers[m + 1] if m < self.L else torch.zeros(phi_f.shape[0], 0, dtype=phi_f.dtype)
            total = total + log_bernoulli(self.decoder_logit(m, above), layers[m]).sum(1)
        return total

    def update(self, x, draw, step=True):
        """One update on the batch x [B, pixels] (0/1); returns the per-tensor ascent gradients."""
        L, est = self.L, self.estimator
        B = x.shape[0]
        disarm = est == "disarm"
        phi, u, ut, p, anti = [x], [None], [None], [None], [None]
        ent = [None]
        for l in range(1, L + 1):
            ul, utl, pl = self.encoder(l, phi[l - 1])
            un = draw(0, l, pl.shape)
            phi.append(((1 - un) < pl if disarm else un < pl).to(x.dtype))
            anti.append((un < pl).to(x.dtype) if disarm else None)
            u.append(ul), ut.append(utl), p.append(pl), ent.append(entropy(utl).sum(1))
        v, dec = [], []
        for m in range(L + 1):
            vm = self.decoder_logit(m, phi[m + 1] if m < L else torch.zeros(B, 0, dtype=x.dtype))
            v.append(vm)
            dec.append(log_bernoulli(vm, phi[m]).sum(1))
        elbo = sum(ent[1:]) + sum(dec)
        up_dec = [None] * (L + 2)
        up_dec[L + 1] = torch.zeros(B, dtype=x.dtype)
        for m in range(L, -1, -1):
            up_dec[m] = up_dec[m + 1] + dec[m]
        up_ent = [torch.zeros(B, dtype=x.dtype)] * (L + 3)
        for l in range(L, 0, -1):
            up_ent[l] = up_ent[l + 1] + ent[l]
        grads = [None] * len(self.tensors)
        targets = [None] * (L + 1)
        inv = 1.0 / B
        variance, count = 0.0, 0
        for l in range(1, L + 1):
            pl, ql, utl = p[l], 1 - p[l], ut[l]
            b = self.baselines[l] if est.endswith("-baseline") else 0.0
            own = -pl * ql * utl  # d H(q_l) / d u
            if est.startswith("reinforce") and est != "reinforce-loo":
                F = up_dec[l - 1] + up_ent[l + 1]
                targets[l] = F
                g = own + (phi[l] - pl) * (F - b)[:, None]
            elif est in ("reinforce-loo", "disarm"):
                F = up_dec[l - 1] + up_ent[l + 1]
                other = anti[l] if disarm else (draw(l, l, pl.shape) < pl).to(x.dtype)
                half = 0.5 * (F - self.tail(l, other, phi, draw, phi[l - 1]))
                pair = half[:, None] * (phi[l] - other)
                g = own + (pair * torch.maximum(pl, ql) if disarm else pair)
            else:
                g = self.fhnca(l, phi, u, ut, p, v, dec, up_dec, up_ent, b, targets)
            grads[2 * (l - 1)] = phi[l - 1].T @ g * inv
            grads[2 * (l - 1) + 1] = g.sum(0) * inv
            # docs/math.md §4: Σ_ij Var_b = (1/B) Σ_b (Σ_i s²)(Σ_j x²) − Σ_ij gbar², encoder only
            ss = (g * g).sum(1)
            vW = max(0.0, float((ss * phi[l - 1].sum(1)).sum()) * inv - float((grads[2 * (l - 1)] ** 2).sum()))
            vB = max(0.0, float(ss.sum()) * inv - float((grads[2 * (l - 1) + 1] ** 2).sum()))
            variance += vW + vB
            count += self.sizes[l - 1] * self.sizes[l] + self.sizes[l]
        for m in range(L):
            dg = phi[m] - torch.sigmoid(v[m])
            grads[2 * L + 2 * m] = phi[m + 1].T @ dg * inv
            grads[2 * L + 2 * m + 1] = dg.sum(0) * inv
        grads[4 * L] = (phi[L] - torch.sigmoid(v[L])).sum(0) * inv
        self.variance_sum += variance / count
        self.elbo_sum += float(elbo.sum())
        if step:
            for t, gr in zip(self.tensors, grads):
                t.grad = -gr  # Adam minimises: ascent on the ELBO
            self.optimizer.step()
            if est.endswith("-baseline"):
                for l in range(1, L + 1):
                    self.baselines[l] = 0.99 * self.baselines[l] + 0.01 * float(targets[l].mean())
        return grads

    def fhnca(self, l, phi, u, ut, p, v, dec, up_dec, up_ent, b, targets):
        """f-HNCA terms 1–5 of docs/math.md §3 for layer l, every example and unit at once."""
        L = self.L
        pl, ql, utl, phil = p[l], 1 - p[l], ut[l], phi[l]
        delta = 1 - 2 * phil  # [B, n]
        # term 2: decoder below, children phi_{l-1} of p_{l-1}(. | phi_l), through the exp(±D) tables
        w = self.dec_w[l - 1]  # [n, nc]
        nc = w.shape[1]
        vc = v[l - 1]
        pc, qc = torch.sigmoid(vc), torch.sigmoid(-vc)
        pad = (-nc) % CHUNK
        table = torch.stack([torch.exp(w), torch.exp(-w)])  # e^{+w}, e^{-w}
        # e^{-Δw}: e^{+w} where the parent is 1, e^{-w} where 0
        e = torch.where(phil[:, :, None] > 0, table[0][None], table[1][None])  # [B, n, nc]
        f = pc[:, None, :] + qc[:, None, :] * e
        if pad:
            f = torch.nn.functional.pad(f, (0, pad), value=1.0)
        log_sum = f.view(f.shape[0], f.shape[1], -1, CHUNK).prod(-1).log().sum(-1)
        # Σ_{children = 0} Δ w = Δ (rowSum − Σ_{children on} w)
        lin = w.sum(1)[None, :] - phi[l - 1] @ w.T
        dn = -log_sum - delta * lin  # log p(children | flipped) − log p(children | actual)
        top = l == L
        if not top:
            wc = self.enc_w[l]  # [n, nc2]
            uf = (u[l + 1][:, None, :] + delta[:, :, None] * wc[None]).clamp(-LOGIT_CLIP, LOGIT_CLIP)
            child = phi[l + 1][:, None, :]
            dlq = (log_bernoulli(uf, child) - log_bernoulli(ut[l + 1][:, None, :], child)).sum(-1)
            dent = (entropy(uf) - entropy(ut[l + 1])[:, None, :]).sum(-1)
            d = -delta * dlq  # log Q_0 − log Q_1
            ed = torch.exp(-d.abs())
            rho1 = torch.where(d > 0, ed / (pl * ed + ql), 1 / (pl + ql * ed))
            rho0 = torch.where(d > 0, 1 / (pl * ed + ql), ed / (pl + ql * ed))
            term4 = delta * dent
        else:
            rho1 = rho0 = torch.ones_like(pl)
            term4 = 0.0
        term2 = delta * dn
        lp = torch.nn.functional.logsigmoid(v[l])
        lq = lp - v[l]
        dec_above = dec[l][:, None]
        term3 = rho1 * lp - rho0 * lq + (rho1 - rho0) * (dec_above - torch.where(phil > 0, lp, lq))
        further = up_dec[l + 1] + up_ent[l + 2]
        targets[l] = further + dec[l]
        s = -utl + term2 + term3 + term4 + (rho1 - rho0) * (further - b)[:, None]
        return pl * ql * s


def os_threads() -> int:
    """The process's OS threads after a few products of the bench's shapes (1: single-threaded)."""
    a, b = torch.rand(50, 200), torch.rand(200, 784)
    for _ in range(10):
        a @ b
    return len(os.listdir("/proc/self/task"))


def bench() -> int:
    """Answers "ESTIMATOR LAYERS SECONDS" lines with "MS_PER_UPDATE UPDATES" (CPU time, 1 thread)."""
    models = {}
    g = torch.Generator().manual_seed(1)
    # binarized MNIST has about 13% of its pixels on; the dense products do not depend on it
    batches = [(torch.rand(50, 784, generator=g) < 0.13).float() for _ in range(8)]
    draw = lambda _pass, _layer, shape: torch.rand(shape)
    print("ready", torch.__version__, torch.get_num_threads(), flush=True)
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        est, layers, seconds = parts[0], int(parts[1]), float(parts[2])
        key = (est, layers)
        if key not in models:
            models[key] = Vae([784] + [200] * layers, est)
            for k in range(3):
                models[key].update(batches[k % 8], draw)
        model = models[key]
        done = 0
        wall = time.perf_counter()
        cpu = time.process_time()
        while time.perf_counter() - wall < seconds or done < 2:
            model.update(batches[done % 8], draw)
            done += 1
        print(f"{(time.process_time() - cpu) * 1000 / done:.4f} {done}", flush=True)
    return 0


def same_draws() -> int:
    """Gradients of one update from given parameters, batch, uniforms and baselines (float64)."""
    cases = json.load(sys.stdin)["cases"]
    out = []
    for c in cases:
        sizes = c["sizes"]
        params = [torch.tensor(t, dtype=torch.float64).view(*shape) for t, shape in zip(c["params"], c["shapes"])]
        model = Vae(sizes, c["estimator"], params=params, dtype=torch.float64)
        model.baselines = list(c["baselines"])
        x = torch.tensor(c["pixels"], dtype=torch.float64).view(c["batch"], sizes[0])
        uniforms = {(int(k.split(",")[0]), int(k.split(",")[1])): torch.tensor(u, dtype=torch.float64).view(c["batch"], -1) for k, u in c["uniforms"].items()}
        draw = lambda pass_, layer, shape: uniforms[(pass_, layer)][:, : shape[1]]
        grads = model.update(x, draw, step=False)
        out.append({"grads": [g.reshape(-1).tolist() for g in grads], "variance": model.variance_sum, "elbo": model.elbo_sum})
    json.dump({"results": out}, sys.stdout)
    return 0


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "bench"
    if mode == "threads":
        print(os_threads())
        sys.exit(0)
    sys.exit(bench() if mode == "bench" else same_draws())
