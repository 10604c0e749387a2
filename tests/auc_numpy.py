#!/usr/bin/python3
"""auc_numpy.py CATLR MODEL DIR: check catlr eval's ROC AUC and average
precision against NumPy on the probabilities catlr predict prints, and that
predict and eval give every image the same probability.

The AUC is the Mann-Whitney statistic, counted pair by pair (positive
ranked above negative: 1, tied: 1/2, over pos x neg pairs), which shares no
code or method with catlr's trapezoids; the two agree to 1e-12."""
import json
import subprocess
import sys

import numpy as np

catlr, model, folder = sys.argv[1:4]
run = lambda *args: subprocess.run([catlr, *args], check=True, capture_output=True, text=True).stdout
pred = [json.loads(line) for line in run("predict", "--json", model, folder).splitlines()]
ev = json.loads(run("eval", "--json", "--per-file", model, folder))
files = {f["path"]: f for f in ev["files"]}
assert len(files) == len(pred) == ev["images"], (len(files), len(pred))
for line in pred:
    assert files[line["path"]]["p"] == line["p"], line["path"]

p = np.array([line["p"] for line in pred])
y = np.array([files[line["path"]]["actual"] == ev["positive"] for line in pred])
pos, neg = p[y], p[~y]
auc = ((pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()) / (
    len(pos) * len(neg))

# average precision: precision times the rise in recall, ties taken together
ap, tp, fp, recall = 0.0, 0, 0, 0.0
for value in np.unique(p)[::-1]:
    group = p == value
    tp += int((group & y).sum())
    fp += int((group & ~y).sum())
    if tp / len(pos) > recall:
        ap += (tp / len(pos) - recall) * tp / (tp + fp)
        recall = tp / len(pos)

print(f"{len(p)} images ({len(pos)} positive): ROC AUC numpy {auc!r} catlr {ev['roc_auc']!r}; "
      f"average precision numpy {ap!r} catlr {ev['pr_auc']!r}")
assert abs(auc - ev["roc_auc"]) < 1e-12, (auc, ev["roc_auc"])
assert abs(ap - ev["pr_auc"]) < 1e-12, (ap, ev["pr_auc"])
print("auc_numpy: OK")
