"""Exploration of SED-inspired candidate definitions on NAS-Bench-101 (the 500 cells of the NASLib subset).

Run: /usr/bin/python3 tools/sed/nb101_explore.py [shared-data-dir]
Prints Spearman rho and Kendall tau-b of each candidate against naslib_val_accuracy (CIFAR-10, the only accuracy in the
subset and the tuning column), and the baselines (params and the NASLib proxy columns) on the same cells.
The frozen definition is implemented in core/Proxies/Sed/SedScore.cs; tools/sed/SedReport.cs reports it from C#.
"""
import csv, math, sys
import numpy as np

DATA = sys.argv[1] if len(sys.argv) > 1 else '/work/shared/data'
rows = list(csv.DictReader(open(f'{DATA}/nb101/nb101_naslib_zc_subset.csv', newline='')))
acc = np.array([float(r['naslib_val_accuracy']) for r in rows])


def ranks(v):
    v = np.asarray(v, float); order = np.argsort(v, kind='mergesort'); s = v[order]; r = np.empty(len(v)); i = 0
    while i < len(v):
        j = i
        while j + 1 < len(v) and s[j + 1] == s[i]: j += 1
        r[order[i:j + 1]] = (i + j) / 2 + 1; i = j + 1
    return r


def spearman(x, y=acc): return np.corrcoef(ranks(x), ranks(y))[0, 1]


def kendall(x, y=acc):
    """tau-b by brute force (n = 500)."""
    x = np.asarray(x, float); y = np.asarray(y, float)
    dx = np.sign(x[:, None] - x[None, :]); dy = np.sign(y[:, None] - y[None, :])
    iu = np.triu_indices(len(x), 1)
    s = (dx * dy)[iu].sum(); tx = (dx[iu] != 0).sum(); ty = (dy[iu] != 0).sum()
    return s / math.sqrt(tx * ty)


def prune(m, ops):
    n = len(ops); fi = {0}; to = {n - 1}
    for v in range(n):
        if v in fi: fi.update(w for w in range(v + 1, n) if m[v][w])
    for v in range(n - 1, -1, -1):
        if v in to: to.update(u for u in range(v) if m[u][v])
    keep = sorted(fi & to)
    return [[m[a][b] for b in keep] for a in keep], [ops[k] for k in keep]


def channels(m, cin, cout):
    n = len(m); ch = [0] * n; ch[0], ch[-1] = cin, cout
    if n == 2: return ch
    feeders = [v for v in range(1, n - 1) if m[v][n - 1]]
    share, extra = divmod(cout, len(feeders))
    for i, v in enumerate(feeders): ch[v] = share + (1 if i < extra else 0)
    for v in range(n - 3, 0, -1):
        if not m[v][n - 1]: ch[v] = max(ch[w] for w in range(v + 1, n - 1) if m[v][w])
    return ch


def max_log_std(n):
    """1/2 ln Var(max of n iid N(0,1)), by quadrature."""
    x = np.linspace(-12, 12, 200001); dx = x[1] - x[0]
    pdf = np.exp(-x * x / 2) / math.sqrt(2 * math.pi)
    cdf = 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))
    f = n * pdf * cdf ** (n - 1)
    mean = (x * f).sum() * dx; var = (x * x * f).sum() * dx - mean ** 2
    return 0.5 * math.log(var)


def rectified_max_log_std(n):
    """1/2 ln(Var max(0, M_n) / Var max(0, Z)): a max-pool on a rectified map, as NAS-Bench-101's pools are."""
    x = np.linspace(-12, 12, 200001); dx = x[1] - x[0]
    pdf = np.exp(-x * x / 2) / math.sqrt(2 * math.pi)
    cdf = 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))
    def var(k):
        f = k * pdf * cdf ** (k - 1); r = np.maximum(x, 0)
        return (r * r * f).sum() * dx - ((r * f).sum() * dx) ** 2
    return 0.5 * math.log(var(n) / var(1))


GAUSS9, GAUSS4 = max_log_std(9), max_log_std(4)
MAX9, MAX4 = rectified_max_log_std(9), rectified_max_log_std(4)
print(f'max-pool terms on rectified maps: 3x3 {MAX9:.4f}, 2x2 {MAX4:.4f}; on Gaussian values: 3x3 {GAUSS9:.4f}, '
      f'2x2 {GAUSS4:.4f}; avg-pool 3x3 {-math.log(3):.4f}')

cells = []
for r in rows:
    bits = r['adjacency_7x7_rowmajor']
    m = [[bits[7 * i + j] == '1' for j in range(7)] for i in range(7)]
    cells.append(prune(m, r['ops'].split('|')))

PLAN = [(128, 128)] * 3 + [(128, 256)] + [(256, 256)] * 2 + [(256, 512)] + [(512, 512)] * 2


def reach(m):
    """reach[u][v]: a path u -> v of length >= 1."""
    n = len(m); R = [[False] * n for _ in range(n)]
    for u in range(n - 1, -1, -1):
        for v in range(u + 1, n):
            if m[u][v]:
                R[u][v] = True
                for w in range(v + 1, n):
                    if R[v][w]: R[u][w] = True
    return R


def shortcuts(m):
    """Edges u -> v that also have a longer path u -> ... -> v (not in the transitive reduction)."""
    n = len(m); R = reach(m)
    return sum(1 for u in range(n) for v in range(u + 1, n) if m[u][v] and any(m[u][w] and R[w][v] for w in range(u + 1, v)))


def op_term(op, c, pool=None):
    if op == 'conv3x3-bn-relu': return 0.5 * math.log(9 * c)
    if op == 'conv1x1-bn-relu': return 0.5 * math.log(c)
    return MAX9 if pool is None else pool


def cell_vertex_sum(m, ops, cin, cout, proj=0.0, pool=None, lam=0.0, skip=shortcuts):
    n = len(ops); ch = channels(m, cin, cout)
    h = sum(sorted(op_term(ops[t], ch[t], pool) for t in range(1, n - 1)))  # sorted, as SedScore: equal terms tie exactly
    h += proj * sum(0.5 * math.log(cin) for t in range(1, n) if m[0][t])
    return h - lam * max(0, skip(m) - 1)


def cell_propagate(m, ops, cin, cout, combine, proj=0.0, pool=None):
    """h(vertex) = combine(inputs) + op term; inputs are predecessors' h or the input projection's term; output: the
    concatenation is the channel-weighted mean of its parts' h, plus (combine) the input projection."""
    n = len(ops); ch = channels(m, cin, cout); h = [0.0] * n
    pterm = proj * 0.5 * math.log(cin)
    for t in range(1, n - 1):
        ins = [h[s] for s in range(1, t) if m[s][t]] + ([pterm] if m[0][t] else [])
        h[t] = combine(ins) + op_term(ops[t], ch[t], pool)
    feeders = [t for t in range(1, n - 1) if m[t][n - 1]]
    if not feeders: return pterm
    cat = sum(ch[t] * h[t] for t in feeders) / sum(ch[t] for t in feeders)
    return combine([cat, pterm]) if m[0][n - 1] else cat


def cell_feeder_mean(m, ops, cin, cout):
    """Concatenation read as per-element entropy: each output channel sees the op terms of its feeder's ancestors
    (each once); the cell scores the channel-weighted mean over the output's feeders."""
    n = len(ops); ch = channels(m, cin, cout); R = reach(m)
    feeders = [t for t in range(1, n - 1) if m[t][n - 1]]
    if not feeders: return 0.0
    return sum(ch[f] * sum(op_term(ops[t], ch[t]) for t in range(1, n - 1) if t == f or R[t][f]) for f in feeders) / cout


def network(cell_fn, down=MAX4):
    return [0.5 * math.log(27) + 2 * down + sum(cell_fn(m, ops, ci, co) for ci, co in PLAN) for m, ops in cells]


lse = lambda v: 0.5 * math.log(sum(math.exp(2 * x) for x in v))
candidates = [
    ('FROZEN: vertex sum, projections 0, max-pool on rectified maps', lambda m, o, a, b: cell_vertex_sum(m, o, a, b)),
    ('vertex sum, max-pool on Gaussian values (-0.51)', lambda m, o, a, b: cell_vertex_sum(m, o, a, b, pool=GAUSS9)),
    ('vertex sum, projections 1/2 ln C_in', lambda m, o, a, b: cell_vertex_sum(m, o, a, b, proj=1.0)),
    ('vertex sum, max-pool 0', lambda m, o, a, b: cell_vertex_sum(m, o, a, b, pool=0.0)),
    ('vertex sum, max-pool +ln 3', lambda m, o, a, b: cell_vertex_sum(m, o, a, b, pool=math.log(3))),
    ('vertex sum, max-pool -ln 3 (as avg pool)', lambda m, o, a, b: cell_vertex_sum(m, o, a, b, pool=-math.log(3))),
    ('vertex sum, lambda 0.4 per shortcut beyond the first', lambda m, o, a, b: cell_vertex_sum(m, o, a, b, lam=0.4)),
    ('vertex sum, lambda 0.4, shortcuts incl. projections', lambda m, o, a, b: cell_vertex_sum(m, o, a, b, lam=0.4, proj=1.0)),
    ('feeders: channel-weighted mean of ancestor sums (concat as a mean)', cell_feeder_mean),
    ('node propagation, sum of inputs', lambda m, o, a, b: cell_propagate(m, o, a, b, sum)),
    ('node propagation, max of inputs (longest path)', lambda m, o, a, b: cell_propagate(m, o, a, b, max)),
    ('node propagation, mean of inputs', lambda m, o, a, b: cell_propagate(m, o, a, b, lambda v: sum(v) / len(v))),
    ('node propagation, variance addition (log-sum-exp)', lambda m, o, a, b: cell_propagate(m, o, a, b, lse)),
]
for lam in (0.2, 0.6, 1.0):
    candidates.append((f'vertex sum, lambda {lam}', lambda m, o, a, b, lam=lam: cell_vertex_sum(m, o, a, b, lam=lam)))

print(f'{"candidate":<70} {"rho":>7} {"tau-b":>7}')
for col in ['naslib_params', 'naslib_flops', 'synflow', 'snip', 'grad_norm', 'fisher', 'l2_norm', 'jacov', 'grasp', 'plain', 'epe_nas']:
    v = [float(r[col]) for r in rows]
    print(f'{"baseline: " + col:<70} {spearman(v):7.4f} {kendall(v):7.4f}')
for name, fn in candidates:
    s = network(fn)
    print(f'{name:<70} {spearman(s):7.4f} {kendall(s):7.4f}')

# Diagnostics (not candidates): where the signal is on this subset.
for name, feature in [('number of conv3x3 vertices', lambda m, o: o.count('conv3x3-bn-relu')),
                      ('number of conv1x1 vertices', lambda m, o: o.count('conv1x1-bn-relu')),
                      ('number of maxpool3x3 vertices', lambda m, o: o.count('maxpool3x3')),
                      ('number of interior vertices', lambda m, o: len(o) - 2)]:
    v = [feature(m, o) for m, o in cells]
    print(f'{"diagnostic: " + name:<70} {spearman(v):7.4f} {kendall(v):7.4f}')
