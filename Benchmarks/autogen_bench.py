#!/usr/bin/env python3
"""Times AutoGen 0.7.5's DockerCommandLineCodeExecutor on the benchmark blocks.

Run with the venv's python (Benchmarks/run.sh creates it). Per repetition: start(), then
execute_code_blocks() over N sh blocks, then over N python blocks (one call each: the
per-block time is that call's duration divided by N), then stop(). start() polls the
container status with 0.1 s sleeps and stop() is `docker stop` (10 s grace: the
container's /bin/sh ignores SIGTERM), so they are timed on their own.

Prints one line per measurement: `autogen.<what> <seconds>` (run.sh collects them).
"""
import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid

sys.dont_write_bytecode = True  # no __pycache__ for gen_doc in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_doc import block_code  # noqa: E402

from autogen_core import CancellationToken  # noqa: E402
from autogen_core.code_executor import CodeBlock  # noqa: E402
from autogen_ext.code_executors.docker import DockerCommandLineCodeExecutor  # noqa: E402


async def one_repetition(image: str, n: int, langs: list[str], prefix: str) -> None:
    with tempfile.TemporaryDirectory(prefix="mdexec-bench-autogen-") as work_dir:
        name = f"{prefix}-{uuid.uuid4().hex[:12]}"
        executor = DockerCommandLineCodeExecutor(image=image, container_name=name, work_dir=work_dir, timeout=60)
        token = CancellationToken()
        t0 = time.perf_counter()
        await executor.start()
        t1 = time.perf_counter()
        print(f"autogen.start {t1 - t0:.6f}", flush=True)
        try:
            for lang in langs:
                blocks = [CodeBlock(code=block_code(lang, i), language=lang) for i in range(n)]
                t0 = time.perf_counter()
                result = await executor.execute_code_blocks(blocks, token)
                t1 = time.perf_counter()
                if result.exit_code != 0 or result.output.count("block ") != n:
                    raise SystemExit(f"AutoGen {lang} blocks failed ({result.exit_code}): {result.output[-400:]}")
                print(f"autogen.blocks.{lang}.{n} {t1 - t0:.6f}", flush=True)
        finally:
            t0 = time.perf_counter()
            await executor.stop()
            t1 = time.perf_counter()
            print(f"autogen.stop {t1 - t0:.6f}", flush=True)
            # stop() removes the container (auto_remove); make sure on any failure.
            try:
                import docker

                docker.from_env().containers.get(name).remove(force=True)
            except Exception:
                pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--image", required=True)
    parser.add_argument("--blocks", type=int, default=50)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--langs", default="sh,python")
    parser.add_argument("--name-prefix", default="mdexec-bench-autogen")
    args = parser.parse_args()
    for _ in range(args.reps):
        asyncio.run(one_repetition(args.image, args.blocks, args.langs.split(","), args.name_prefix))


if __name__ == "__main__":
    main()
