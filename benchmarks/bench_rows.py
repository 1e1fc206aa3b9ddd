"""Row-object cost: where the time of a kept row object goes, and the floor.

1. The floor: a tiny C extension (compiled here with the interpreter's compiler flags)
   makes N bare objects of 32/56/64/128 bytes with PyObject_Malloc + PyObject_Init and keeps
   them in a list, then the same from chunks of fresh anonymous memory with and without
   MADV_HUGEPAGE. On a VM, page faults of freshly mapped memory dominate: the cost per kept
   object grows with its size, and huge pages remove most of it.
Times are CPU times of the measuring process (page faults included), best of several runs.

2. Rows: genome_kit and the reference GenomeKit (``_common.REFERENCE_PYTHON``) make and keep 1M exon
   rows (``exons[i]``), 1M rows through ``exons.rows`` / 200 kb queries, and
   ``exon.transcript`` for 100k exons, on the same synthetic annotation (bench_annotations.py).

Usage: python benchmarks/bench_rows.py [--rows 1000000] [--no-ref]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import sysconfig
import tempfile
import textwrap

from bench_annotations import MEASURE, ROOT, generate

from _common import REFERENCE_PYTHON, machine

FLOOR_C = r"""
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>
#include <sys/mman.h>
static const int SIZES[4] = {32, 56, 64, 128};
static PyTypeObject T[4], H[4];
static void dealloc(PyObject* o) { PyObject_Free(o); }
static void nofree(PyObject* o) { (void)o; }
static PyObject* make(PyObject* self, PyObject* args) {
  Py_ssize_t n; int k, mode;
  if (!PyArg_ParseTuple(args, "nii", &n, &k, &mode)) return NULL;
  size_t bytes = (size_t)n * SIZES[k] + (4u << 20);
  char* p = NULL;
  if (mode) {  /* fresh anonymous memory, 2 MiB aligned; mode 2: MADV_HUGEPAGE */
    char* base = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    p = (char*)(((uintptr_t)base + (2u << 20) - 1) & ~(uintptr_t)((2u << 20) - 1));
#ifdef MADV_HUGEPAGE
    if (mode == 2) madvise(p, bytes - (2u << 20), MADV_HUGEPAGE);
#endif
  }
  PyObject* list = PyList_New(n);
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* o = mode ? (PyObject*)(p + (size_t)i * SIZES[k]) : (PyObject*)PyObject_Malloc(SIZES[k]);
    PyObject_Init(o, mode ? &H[k] : &T[k]);
    ((long*)o)[2] = i;
    ((long*)o)[3] = 7;
    PyList_SET_ITEM(list, i, o);
  }
  return list;  /* mode != 0 leaks its mapping on purpose: measured once per process */
}
static PyMethodDef M[] = {{"make", make, METH_VARARGS, 0}, {0}};
static struct PyModuleDef D = {PyModuleDef_HEAD_INIT, "gk_floor", 0, -1, M};
PyMODINIT_FUNC PyInit_gk_floor(void) {
  for (int k = 0; k < 4; ++k) {
    PyTypeObject* ts[2] = {&T[k], &H[k]};
    for (int j = 0; j < 2; ++j) {
      memset(ts[j], 0, sizeof(PyTypeObject));
      Py_SET_REFCNT((PyObject*)ts[j], 1);
      Py_SET_TYPE((PyObject*)ts[j], &PyType_Type);
      ts[j]->tp_name = "gk_floor.Obj";
      ts[j]->tp_basicsize = SIZES[k];
      ts[j]->tp_dealloc = j ? nofree : dealloc;
      ts[j]->tp_flags = Py_TPFLAGS_DEFAULT;
      if (PyType_Ready(ts[j]) < 0) return NULL;
    }
  }
  return PyModule_Create(&D);
}
"""

FLOOR_RUN = textwrap.dedent(
    """
    import json, sys, time, gk_floor
    n = int(sys.argv[1]); mode = int(sys.argv[2]); out = {}
    for k, size in enumerate((32, 56, 64, 128)):
        b = float("inf")
        for _ in range(3 if mode == 0 else 1):
            t = time.process_time(); l = gk_floor.make(n, k, mode); b = min(b, time.process_time() - t); del l
        out[size] = b / n * 1e9
    print(json.dumps(out))
    """
)

ROWS = textwrap.dedent(
    """
    import random

    def best(fn, repeat=5):  # CPU time of this process (page faults included): robust on a shared machine
        b = float("inf")
        for _ in range(repeat):
            t = time.process_time(); fn(); b = min(b, time.process_time() - t)
        return b

    g = gk.Genome("bench_anno")
    exons, trans = g.exons, g.transcripts
    n = min(int(sys.argv[5]), len(exons))
    idx = list(range(n))
    f = exons.__getitem__
    r["exons[i], kept (ns/row)"] = best(lambda: [f(i) for i in idx]) / n * 1e9
    r["exons[i], dropped (ns/row)"] = best(lambda: [None for i in idx if f(i) is None]) / n * 1e9
    rng = random.Random(3)
    qs = [gk.Interval("chr%d" % rng.randint(1, 22), "+", s, s + 200_000, "bench")
          for s in (rng.randint(0, 20_000_000) for _ in range(2000))]
    fo = exons.find_overlapping
    hits = sum(len(fo(q)) for q in qs)
    r["find_overlapping 200 kb, kept (ns/row)"] = best(lambda: [fo(q) for q in qs]) / hits * 1e9
    el = [f(i) for i in range(0, n, max(1, n // 100_000))]
    r["exon.transcript (ns)"] = best(lambda: [e.transcript for e in el]) / len(el) * 1e9
    tl = [trans[rng.randrange(len(trans))] for _ in range(100_000)]
    r["transcript.id, random rows (ns)"] = best(lambda: [t.id for t in tl]) / len(tl) * 1e9
    print(json.dumps(r))
    """
)


def floor(n: int, work: str) -> dict:
    src = os.path.join(work, "gk_floor.c")
    with open(src, "w") as f:
        f.write(FLOOR_C)
    so = os.path.join(work, "gk_floor" + sysconfig.get_config_var("EXT_SUFFIX"))
    cc = (sysconfig.get_config_var("CC") or "cc").split()
    inc = sysconfig.get_paths()["include"]
    subprocess.run([*cc, "-O2", "-shared", "-fPIC", "-I", inc, src, "-o", so], check=True)
    script = os.path.join(work, "floor_run.py")
    with open(script, "w") as f:
        f.write(FLOOR_RUN)
    out = {}
    for mode, label in ((0, "PyObject_Malloc"), (1, "fresh 4 KiB pages"), (2, "fresh huge pages")):
        cmd = [sys.executable, script, str(n), str(mode)]
        p = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
        out[label] = json.loads(p.stdout) if p.returncode == 0 else {"error": p.stderr.strip()[-200:]}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--no-ref", action="store_true")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="gk_bench_rows_")
    print(f"machine: {machine()}")
    print(f"\n=== floor: ns per bare object made and kept in a list of {args.rows:,} ===")
    fl = floor(args.rows, work)
    print(f"{'allocation':22s}" + "".join(f"{s:>10d} B" for s in (32, 56, 64, 128)))
    for label, row in fl.items():
        if "error" in row:
            print(f"{label:22s} failed: {row['error']}")
            continue
        print(f"{label:22s}" + "".join(f"{row[str(s)]:10.1f}  " for s in (32, 56, 64, 128)))

    data = os.path.join(work, "data")
    os.makedirs(data)
    generate(os.path.join(data, "bench"), 1.0)
    env = dict(os.environ, GENOMEKIT_DATA_DIR=data, GENOMEKIT_QUIET="1")
    script = os.path.join(work, "rows.py")
    with open(script, "w") as f:
        # MEASURE's set-up (local-only data manager, best(), build mode) + the row measurements
        f.write(MEASURE.split("t = time.perf_counter()\ng = gk.Genome")[0] + ROWS)
    sides = [("genome_kit", sys.executable, ROOT)]
    if not args.no_ref:
        sides.append(("reference 7.7.0", REFERENCE_PYTHON, None))
    res = {}
    for label, py, path in sides:
        e = dict(env)
        e.pop("PYTHONPATH", None)
        if path:
            e["PYTHONPATH"] = path
        for n in os.listdir(data):
            if n.startswith("bench_anno"):
                os.remove(os.path.join(data, n))
        gff = os.path.join(data, "bench.gff3")
        for mode in ("build", "rows"):
            p = subprocess.run(
                [py, script, mode, gff, data, "0", str(args.rows)],
                env=e,
                cwd=work,
                capture_output=True,
                text=True,
            )
            if p.returncode != 0:
                res[label] = {"error": (p.stderr.strip().splitlines() or ["?"])[-1]}
                break
            res[label] = json.loads(p.stdout.strip().splitlines()[-1])
    ours, ref = res["genome_kit"], res.get("reference 7.7.0", {})
    print("\n=== rows: genome_kit vs reference (ns per row; ratio > 1: genome_kit is faster) ===")
    for k, v in ours.items():
        if not k.endswith(")"):
            continue
        b = ref.get(k)
        fb = "n/a" if b is None else f"{b:.1f}"
        print(f"{k:42s} {v:10.1f} {fb:>10s} {'' if not b else f'{b / v:.2f}x':>8s}")
    for label, r in res.items():
        if "error" in r:
            print(f"{label} failed: {r['error']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
