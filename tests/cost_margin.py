#!/usr/bin/python3
"""cost_margin.py COST_TRACE TRAIN_DIR [SOLVER...]: how far catlr's costs are
from the course's float64 NumPy algorithm, against how far the printed values
are from a rounding boundary. Not run by ctest.

Runs the course's loop (the algorithm and loader of the course's NumPy
program, logreg_numpy.py, imported from the path in the environment variable
CATLR_NUMPY_PROGRAM) for 2000 iterations keeping every cost, runs
COST_TRACE TRAIN_DIR SOLVER 1 and 2 threads for each SOLVER (default primal
gram), and prints max |catlr - numpy| over all iterations, and the smallest
distance between a printed (every 100th) reference cost and the nearest
boundary where its 6-decimal rounding would change. The printed table is safe
while the first stays well below the second."""
import importlib.util, os, subprocess, sys
import numpy as np

trace, train = sys.argv[1], sys.argv[2]
solvers = sys.argv[3:] or ["primal", "gram"]
peer = os.environ.get("CATLR_NUMPY_PROGRAM")
if not peer:
    sys.exit("cost_margin.py: set CATLR_NUMPY_PROGRAM to the course's logreg_numpy.py")
spec = importlib.util.spec_from_file_location("peer", peer)
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)

X, Y = ref.load(train, "cat")
m = X.shape[1]
w = np.zeros((X.shape[0], 1)); b = 0.0
costs = []
for i in range(2000):
    A = 1.0 / (1.0 + np.exp(-(w.T @ X + b)))
    costs.append(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m)
    dw = X @ (A - Y).T / m
    db = np.sum(A - Y) / m
    w -= 0.005 * dw
    b -= 0.005 * db
costs = np.array(costs)
printed = costs[::100]
margin = np.min(np.abs(printed * 1e6 - np.floor(printed * 1e6) - 0.5)) / 1e6
print("closest rounding boundary of a printed cost: %.3g (iteration %d)"
      % (margin, 100 * int(np.argmin(np.abs(printed * 1e6 - np.floor(printed * 1e6) - 0.5)))))
for s in solvers:
    for threads in ("1", "2"):
        out = subprocess.run([trace, train, s, threads], check=True, capture_output=True, text=True).stdout
        got = np.array([float(line.split()[1]) for line in out.splitlines()])
        d = np.abs(got - costs)
        print("%-6s threads %s: max |catlr - numpy| = %.3g (iteration %d), %.0fx below the margin"
              % (s, threads, d.max(), int(d.argmax()), margin / d.max()))
