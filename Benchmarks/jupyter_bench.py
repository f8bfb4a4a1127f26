#!/usr/bin/env python3
"""Times a Jupyter kernel (nbclient + ipykernel) on the benchmark's python blocks.

Run with the venv's python (Benchmarks/run.sh creates it): the kernel is the venv's own
ipykernel (kernel name python3, whose `python` argv jupyter_client replaces with this
interpreter), a host process: no container. For each size N and repetition: an nbformat
notebook of N code cells, cell i holding exactly gen_doc.block_code("python", i) (the
code of block i of mdexec's python documents), run by nbclient in a new kernel. Kernel
start (up to its kernel_info reply) and shutdown are timed on their own; the cell loop
(execute_request .. idle, output collected into the notebook, as NotebookClient.execute
does) is timed alone, so per cell = (T(200) - T(10)) / 190 has neither in it.

Prints one line per measurement: `jupyter.<what> <seconds>` (run.sh collects them), and
`jupyter.kernel <argv0>` once (the interpreter the kernel ran in).
"""
import argparse
import asyncio
import os
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ for gen_doc in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_doc import block_code  # noqa: E402

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from nbclient.util import ensure_async  # noqa: E402


def notebook(n: int) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(block_code("python", i)) for i in range(n)]
    return nb


def check(nb: nbformat.NotebookNode, n: int) -> None:
    for i, cell in enumerate(nb.cells):
        text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
        if text != f"block {i}: {i * i}\n":
            raise SystemExit(f"Jupyter cell {i} of {n}: unexpected output {cell.get('outputs')!r}")


async def one_run(n: int, work_dir: str, first: bool) -> None:
    nb = notebook(n)
    client = NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": work_dir}})
    client.reset_execution_trackers()
    t0 = time.perf_counter()
    async with client.async_setup_kernel(cwd=work_dir):
        info = await client.async_wait_for_reply(await ensure_async(client.kc.kernel_info()))
        if info is None or "language_info" not in info["content"]:
            raise SystemExit(f"Jupyter kernel gave no kernel_info: {info!r}")
        t1 = time.perf_counter()
        print(f"jupyter.start {t1 - t0:.6f}", flush=True)
        if first:
            print(f"jupyter.kernel {client.km.format_kernel_cmd()[0]}", flush=True)
        t0 = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            await client.async_execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
        t1 = time.perf_counter()
        print(f"jupyter.cells.{n} {t1 - t0:.6f}", flush=True)
        t0 = time.perf_counter()
    t1 = time.perf_counter()
    print(f"jupyter.stop {t1 - t0:.6f}", flush=True)
    check(nb, n)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10,200", help="cell counts, comma-separated")
    parser.add_argument("--reps", type=int, default=1)
    args = parser.parse_args()
    first = True
    with tempfile.TemporaryDirectory(prefix="mdexec-bench-jupyter-") as work_dir:
        for _ in range(args.reps):
            for n in (int(x) for x in args.sizes.split(",")):
                asyncio.run(one_run(n, work_dir, first))
                first = False


if __name__ == "__main__":
    main()
