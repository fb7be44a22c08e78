"""Exploration of SED-inspired candidate definitions on NB201 CIFAR-10 (tuning set only).

Run: /usr/bin/python3 tools/sed/explore.py [shared-data-dir]
Prints Spearman rho and Kendall tau-b of each candidate against cifar10_test_acc (all 15,625 cells).
CIFAR-100 / ImageNet16-120 are printed only for the frozen definition (--final), never used to choose.
"""
import csv, math, sys, itertools
import numpy as np

DATA = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith('--') else '/work/shared/data'
OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3']
EDGES = [(1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2)]  # (to, from), string order
STAGE_C = [16, 32, 64]

rows = list(csv.DictReader(open(f'{DATA}/nb201/nb201.csv', newline='')))
def parse(arch):
    ops = []
    for group in arch.strip('|').split('|+|'):
        for tok in group.split('|'):
            name, src = tok.split('~')
            ops.append(OPS.index(name))
    return ops
cells = np.array([parse(r['arch']) for r in rows])
acc = {d: np.array([float(r[f'{d}_test_acc']) for r in rows]) for d in ['cifar10', 'cifar100', 'imagenet16']}
params = np.array([float(r['cifar10_params_mb']) for r in rows])

def ranks(v):
    order = np.argsort(v, kind='mergesort'); s = v[order]
    r = np.empty(len(v)); i = 0
    while i < len(v):
        j = i
        while j + 1 < len(v) and s[j + 1] == s[i]: j += 1
        r[order[i:j + 1]] = (i + j) / 2 + 1; i = j + 1
    return r
def spearman(x, y):
    a, b = ranks(x), ranks(y); return np.corrcoef(a, b)[0, 1]
def kendall(x, y):
    """tau-b, Knight's scheme: sort by (x, y); discordant pairs = strict inversions of y (Fenwick tree)."""
    x = np.asarray(x); y = np.asarray(y); n = len(x)
    order = np.lexsort((y, x)); xs, ys = x[order], y[order]
    def tied(v):
        _, c = np.unique(v, return_counts=True); return int((c * (c - 1) // 2).sum())
    joint = tied(np.unique(np.stack([xs, ys], 1), axis=0, return_inverse=True)[1].ravel())
    yr = np.unique(ys, return_inverse=True)[1].ravel() + 1
    tree = [0] * (yr.max() + 1); inv = 0
    for i, r in enumerate(yr):  # count earlier elements with a strictly larger y
        k = r; le = 0
        while k > 0: le += tree[k]; k -= k & -k
        inv += i - le
        k = r
        while k < len(tree): tree[k] += 1; k += k & -k
    n0 = n * (n - 1) // 2; n1 = tied(xs); n2 = tied(ys)
    return (n0 - n1 - n2 + joint - 2 * inv) / math.sqrt((n0 - n1) * (n0 - n2))

def live_edges(ops):
    """Edge k is live when it is not none and lies on a 0->3 path of non-none edges."""
    fwd = {0}
    for j in (1, 2, 3):
        if any(ops[k] != 0 and EDGES[k][1] in fwd for k in range(6) if EDGES[k][0] == j): fwd.add(j)
    bwd = {3}
    for i in (2, 1, 0):
        if any(ops[k] != 0 and EDGES[k][0] in bwd for k in range(6) if EDGES[k][1] == i): bwd.add(i)
    return [ops[k] != 0 and EDGES[k][1] in fwd and EDGES[k][0] in bwd for k in range(6)]

PATHS = [[3], [0, 4], [1, 5], [0, 2, 5]]  # edge indices of the four 0->3 paths

LN = math.log
NODE_INPUTS = {j: [k for k in range(6) if EDGES[k][0] == j] for j in (1, 2, 3)}

def op_entropy(op, C, pool=-LN(3)):
    """Gaussian log-std change of one edge: conv k x k over C channels +1/2 ln(C k^2); k x k average pool -ln k."""
    return {0: 0.0, 1: 0.0, 2: 0.5 * LN(C), 3: 0.5 * LN(9 * C), 4: pool}[op]

def live_skips(o):
    lv = live_edges(o)
    return sum(1 for k in range(6) if lv[k] and o[k] == 1)

def edge_sum(o, C, skip_penalty=0.0, live_only=True, pool=-LN(3), skips_live_only=True):
    """Cell entropy: sum of edge terms over the live (or all) edges, minus a penalty per skip beyond the first."""
    lv = live_edges(o)
    if not any(lv): return -math.inf
    use = lv if live_only else [True] * 6
    skips = live_skips(o) if skips_live_only else o.count(1)
    return sum(op_entropy(o[k], C, pool) for k in range(6) if use[k]) - skip_penalty * max(0, skips - 1)

def path_sum(o, C):
    """Sum over the input->output paths without a none edge of the path's summed edge terms."""
    if not any(live_edges(o)): return -math.inf
    return sum(sum(op_entropy(o[k], C) for k in p) for p in PATHS if all(o[k] != 0 for k in p))

def node_propagation(o, C, combine, skip_penalty=0.0):
    """h(node j) = combine over live in-edges of h(source) + edge term; the cell scores h(node 3)."""
    lv = live_edges(o)
    if not any(lv): return -math.inf
    h = [0.0, None, None, None]
    for j in (1, 2, 3):
        terms = [h[EDGES[k][1]] + op_entropy(o[k], C) for k in NODE_INPUTS[j] if lv[k]]
        h[j] = combine(terms) if terms else None
    return h[3] - skip_penalty * max(0, live_skips(o) - 1)

def variance_propagation(o, C):
    """No-BN variance gains (conv C k^2, skip 1, pool 1/9) summed at nodes; the cell scores 1/2 ln(gain)."""
    gain = {0: 0.0, 1: 1.0, 2: C, 3: 9.0 * C, 4: 1 / 9}
    v = [1.0, 0.0, 0.0, 0.0]
    for k, (j, i) in enumerate(EDGES): v[j] += gain[o[k]] * v[i]
    return 0.5 * LN(v[3]) if v[3] > 0 else -math.inf

def network(cell_score):
    """5 cells in each of the three stages (C = 16, 32, 64)."""
    return lambda o: sum(5 * cell_score(o, C) for C in STAGE_C)

mean = lambda v: sum(v) / len(v)
logsumexp = lambda v: LN(sum(math.exp(t) for t in v))
FROZEN_SKIP_PENALTY = 0.4
CANDIDATES = [
    ('params (baseline, not SED)', lambda o: None),
    ('edge sum, all edges, no skip penalty', network(lambda o, C: edge_sum(o, C, live_only=False))),
    ('edge sum, live edges, no skip penalty', network(lambda o, C: edge_sum(o, C))),
] + [
    (f'edge sum, live edges, pool {p:.3f}, skip penalty 1/3', network(lambda o, C, p=p: edge_sum(o, C, 1 / 3, pool=p)))
    for p in (0.0, -0.5 * LN(3), -2 * LN(3), -3 * LN(3))
] + [
    (f'edge sum, live edges, skip penalty {lam:.3f}', network(lambda o, C, lam=lam: edge_sum(o, C, lam)))
    for lam in (0.25, 1 / 3, 0.4, 0.5, 0.6, 0.75, 1.0, 2.0)
] + [
    ('edge sum, live edges, skip penalty 0.4 counting dead skips', network(lambda o, C: edge_sum(o, C, 0.4, skips_live_only=False))),
    ('path sum (4 input->output paths)', network(path_sum)),
    ('node propagation, sum at nodes', network(lambda o, C: node_propagation(o, C, sum))),
    ('node propagation, sum at nodes, skip penalty 0.4', network(lambda o, C: node_propagation(o, C, sum, 0.4))),
    ('node propagation, max at nodes (depth)', network(lambda o, C: node_propagation(o, C, max))),
    ('node propagation, mean at nodes (skips dilute)', network(lambda o, C: node_propagation(o, C, mean))),
    ('node propagation, log-sum-exp at nodes', network(lambda o, C: node_propagation(o, C, logsumexp))),
    ('variance propagation without BN', network(variance_propagation)),
]
FROZEN = network(lambda o, C: edge_sum(o, C, FROZEN_SKIP_PENALTY))

def evaluate(name, fn, final=False):
    s = params.copy() if name.startswith('params') else np.array([fn(list(c)) for c in cells], dtype=float)
    line = f'| {name} | {spearman(s, acc["cifar10"]):.4f} | {kendall(s, acc["cifar10"]):.4f} |'
    if final:
        for d in ('cifar100', 'imagenet16'):
            line += f' {spearman(s, acc[d]):.4f} | {kendall(s, acc[d]):.4f} |'
    print(line, flush=True)
    return s

if __name__ == '__main__':
    if '--final' in sys.argv:
        print('| frozen definition | C10 rho | C10 tau | C100 rho | C100 tau | IN16 rho | IN16 tau |')
        evaluate(f'edge sum, live edges, skip penalty {FROZEN_SKIP_PENALTY}', FROZEN, final=True)
    else:
        print('| candidate | C10 rho | C10 tau |')
        for name, fn in CANDIDATES: evaluate(name, fn)
