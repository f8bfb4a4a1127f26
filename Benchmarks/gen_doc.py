#!/usr/bin/env python3
"""Generates the documents and block files the benchmarks run (see Benchmarks/run.sh).

  gen_doc.py doc LANG N OUT.md        N fenced LANG blocks (sh or python), prose between
  gen_doc.py files LANG N DIR         the same N blocks as files DIR/tmp_code_<sha256>.<ext>,
                                      one name per line on stdout, in order
  gen_doc.py big MB OUT.md            a ~MB megabyte document of mixed Markdown (extraction)
  gen_doc.py print MIB OUT.md         one sh block that prints MIB MiB (peak memory)

block_code() is also imported by autogen_bench.py, so every contender runs the same code.
"""
import hashlib
import os
import sys

EXTENSIONS = {"sh": "sh", "python": "py"}


def block_code(lang: str, i: int) -> str:
    """The code of block i: tiny, distinct per block (so every block is its own file)."""
    if lang == "sh":
        return f'echo "block {i}: $(( {i} * {i} ))"\n'
    if lang == "python":
        return f'print("block {i}:", {i} * {i})\n'
    raise SystemExit(f"unknown language {lang}")


def doc(lang: str, n: int) -> str:
    parts = [f"# Benchmark: {n} {lang} blocks\n"]
    for i in range(n):
        parts.append(f"\nStep {i} of the benchmark.\n\n```{lang}\n{block_code(lang, i)}```\n")
    return "".join(parts)


def files(lang: str, n: int, directory: str) -> None:
    os.makedirs(directory, exist_ok=True)
    for i in range(n):
        code = block_code(lang, i)
        name = f"tmp_code_{hashlib.sha256(code.encode()).hexdigest()}.{EXTENSIONS[lang]}"
        with open(os.path.join(directory, name), "w") as f:
            f.write(code)
        print(name)


# One section of the extraction document: headings, prose with inline markup, lists,
# block quotes, tables-as-text, executable and non-executable fences, a recorded output,
# a tilde fence, an indented code block and a nested fence in a list item.
SECTION = """\
## Section {i}: configuring the *widget* service

The widget service reads its settings from `widget.toml` and **never** from the
environment. See [the manual](https://example.com/manual/{i}) for the full list; this
section shows the minimal setup, then checks that it works. Lines are wrapped at about
eighty characters, as most hand-written Markdown is.

- install the package with `pip install widget=={i}.0`
- write the configuration file
  1. copy the template
  2. edit the port
- start the service and query it

```sh
mkdir -p conf/{i} && cd conf/{i}
printf 'port = %d\\n' {port} > widget.toml
cat widget.toml
```

```output
port = {port}
```

exit code: 0

> **Note**
> The service binds to localhost only. In a container, publish the port explicitly:
>
> ```python
> import socket
> s = socket.socket()
> print(s.family, {i})
> ```

```python {{timeout=30}}
# filename: checks/check_{i}.py
import json
settings = {{"port": {port}, "name": "widget-{i}", "debug": False}}
print(json.dumps(settings, sort_keys=True))
```

~~~json
{{"port": {port}, "name": "widget-{i}", "replicas": [1, 2, 3]}}
~~~

    indented code is never run: echo {i}

| key | value |
|-----|-------|
| port | {port} |

```text
plain text is not executed either ({i})
```

"""


def big(megabytes: float) -> str:
    target = int(megabytes * 1_000_000)
    out, size, i = [], 0, 0
    out.append("# A large generated document\n\n")
    while size < target:
        s = SECTION.format(i=i, port=1024 + i % 60000)
        out.append(s)
        size += len(s)
        i += 1
    return "".join(out)


def printer(mib: int) -> str:
    # Lines of 64 bytes, MIB MiB in all, as fast as the container can produce them.
    return (
        f"# One block that prints {mib} MiB\n\n```sh\n"
        f"yes 0123456789012345678901234567890123456789012345678901234567890 | head -c {mib * 1048576}\n"
        "```\n"
    )


def main(argv: list[str]) -> None:
    if len(argv) < 2:
        raise SystemExit(__doc__)
    kind = argv[1]
    if kind == "doc":
        text = doc(argv[2], int(argv[3]))
        open(argv[4], "w").write(text)
    elif kind == "files":
        files(argv[2], int(argv[3]), argv[4])
    elif kind == "big":
        open(argv[3], "w").write(big(float(argv[2])))
    elif kind == "print":
        open(argv[3], "w").write(printer(int(argv[2])))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
