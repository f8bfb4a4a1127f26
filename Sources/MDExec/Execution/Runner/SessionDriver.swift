/// The interpreters that keep a session (see `RunnerScript`), and their drivers.
///
/// A Python session is `python -u -c DRIVER DIR`: one `__main__` namespace for every block;
/// a block is compiled from its file under its workspace-relative path (as `python FILE`
/// names it in tracebacks and `__file__`) and run, its last expression's value
/// shown (`repr`, unless `None` or the statement ends with `;`); `SystemExit` gives the
/// block's code and the session goes on; tracebacks start at the block's own frames; the
/// standard streams are put back after each block and flushed before its end is told.
/// `sys.stdout` is line-buffered; `sys.stderr` writes go into stdout between markers (see
/// `FramedStderr`) unless the streams are merged, so the two keep the order they were
/// written in. It shows pictures as files in `.mdexec/out` (`NNNNNNNNN.KIND.EXT`, counted across the
/// session, read back by `ImageCollector`): `display(obj)` (a builtin), and matplotlib
/// figures: `MPLBACKEND=Agg` unless set, an import hook that gives `matplotlib.pyplot` a
/// `show()` emitting every open figure under Agg, and the figures still open under Agg when
/// a block ends (PNG, `bbox_inches="tight"`, no `Software` metadata), each closed once shown.
///
/// A shell session is `sh -c LOOP` (or `bash`), the loop sourcing what the runner writes in
/// the session's `next` fifo: `exec 1>&8 2>&9` (the session's own streams, saved on fds 8
/// and 9 when it started: a block that closed or redirected its streams does not silence the
/// next), `unset -f . exec unset`, `unset POSIXLY_CORRECT`, `\. "./FILE" </dev/null` (the workspace's path before it once a block left the
/// workspace), then a redirection that creates the result file named
/// after `$?`, then one that opens `done`. Only redirections, assignments and special
/// built-ins: nothing a block can redefine (a function named `printf`, `PATH=`, `IFS`, `cd`,
/// `set -u`) is used. bash lets a function shadow even a special built-in (`.`, `exec`,
/// `unset`) outside POSIX mode, so the loop sets `POSIXLY_CORRECT` (an assignment: POSIX
/// mode, special built-ins first) before reading the next block; the block's text then
/// removes functions named `.`, `exec` or `unset` and unsets it before sourcing the block. A block that closes fd 8 or 9 ends its session (restarted next time).
public enum SessionDriver: String, Sendable, Equatable {
    case python = "py"
    case shell = "sh"

    /// The driver for an interpreter command, or nil when it keeps no session.
    public init?(command: [String]) {
        guard let first = command.first else { return nil }
        let name = first.split(separator: "/").last.map(String.init) ?? first
        if name.hasPrefix("python") {
            self = .python
        } else if ["sh", "bash", "dash"].contains(name) {
            self = .shell
        } else {
            return nil
        }
    }

    /// The Python driver's source (standard library only).
    static let pythonSource = #"""
        import ast, builtins, io, os, signal, sys, traceback, types


        class _MdexecFramed(io.RawIOBase):
            """sys.stderr's bytes, framed into the session's own stdout (a copy of fd 1 no block
            moves): one pipe keeps them in the order written with stdout. fileno() is the real
            stderr, for code that needs a descriptor (subprocess, faulthandler)."""

            def __init__(self, out):
                self.out = out

            def writable(self):
                return True

            def fileno(self):
                return 2

            def write(self, data):
                data = bytes(data)
                try:
                    sys.stdout.flush()
                except Exception:
                    pass
                # RS starts a marker: a block's own is shown as its visible symbol.
                view = memoryview(b"\x1emdx-e" + data.replace(b"\x1e", "\u241e".encode()) + b"\x1emdx-o")
                sent = 0
                try:
                    while sent < len(view):
                        sent += os.write(self.out, view[sent:])
                except OSError:
                    try:
                        if sent == 0:
                            os.write(2, data)
                        else:
                            os.write(self.out, b"\x1emdx-o")
                    except OSError:
                        pass
                return len(data)


        def _mdexec_session(sd, merged):
            saved = (os.dup(1), os.dup(2))
            base = os.getcwd()
            main = types.ModuleType("__main__")
            main.__builtins__ = builtins
            sys.modules["__main__"] = main
            sys.stdin = open(os.devnull)
            # One write per line: a line printed to stdout and one to stderr arrive in order.
            sys.stdout.reconfigure(line_buffering=True, write_through=False)

            def framed():
                return io.TextIOWrapper(_MdexecFramed(saved[0]), encoding=sys.stdout.encoding, errors="backslashreplace", write_through=True)

            if merged:
                sys.stderr.reconfigure(line_buffering=True, write_through=False)
            else:
                sys.stderr = framed()

            def touch(name):
                os.close(os.open(os.path.join(sd, name), os.O_WRONLY | os.O_CREAT, 0o600))
                os.close(os.open(os.path.join(sd, "done"), os.O_WRONLY))

            def streams():
                for fd, copy in zip((1, 2), saved):
                    os.dup2(copy, fd)
                for name in ("stdout", "stderr"):
                    stream = getattr(sys, name)
                    try:
                        if not stream.closed:
                            stream.flush()
                            continue
                    except Exception:
                        pass
                    if name == "stderr" and not merged:
                        setattr(sys, name, framed())
                    else:
                        fresh = io.TextIOWrapper(io.FileIO(1 if name == "stdout" else 2, "w", closefd=False), line_buffering=True)
                        setattr(sys, name, fresh)

            shown = [0]

            def emit(kind, ext, write):
                folder = os.path.join(base, ".mdexec", "out")
                os.makedirs(folder, exist_ok=True)
                shown[0] += 1
                with open(os.path.join(folder, "%09d.%s.%s" % (shown[0], kind, ext)), "wb") as f:
                    write(f)

            def display(*objects):
                """Shows each object: an image for one with _repr_png_, _repr_jpeg_ or _repr_svg_, its repr otherwise."""
                for obj in objects:
                    for method, ext in (("_repr_png_", "png"), ("_repr_jpeg_", "jpeg"), ("_repr_svg_", "svg")):
                        make = getattr(obj, method, None)
                        data = make() if callable(make) else None
                        if data is not None:
                            if isinstance(data, str):
                                data = data.encode("utf-8")
                            emit("display", ext, lambda f: f.write(data))
                            break
                    else:
                        print(repr(obj))

            def agg():
                plt = sys.modules.get("matplotlib.pyplot")
                try:
                    return plt if plt is not None and plt.get_backend().lower() == "agg" else None
                except Exception:
                    return None

            def figures():
                plt = agg()
                for number in plt.get_fignums() if plt is not None else ():
                    figure = plt.figure(number)
                    try:
                        emit("figure", "png", lambda f: figure.savefig(f, format="png", bbox_inches="tight", metadata={"Software": None}))
                    finally:
                        plt.close(figure)

            class Figures:
                """Gives pyplot a show() that emits the open figures (under Agg, the session's backend)."""

                def find_spec(self, name, path=None, target=None):
                    if name != "matplotlib.pyplot":
                        return None
                    for finder in sys.meta_path:
                        spec = None if finder is self or not hasattr(finder, "find_spec") else finder.find_spec(name, path, target)
                        if spec is not None and spec.loader is not None:
                            spec.loader = Loader(spec.loader)
                            return spec
                    return None

            class Loader:
                def __init__(self, real):
                    self.real = real

                def __getattr__(self, name):
                    return getattr(self.real, name)

                def create_module(self, spec):
                    return self.real.create_module(spec)

                def exec_module(self, module):
                    self.real.exec_module(module)
                    shown_by_backend = module.show

                    def show(*args, **kwargs):
                        if agg() is None:
                            return shown_by_backend(*args, **kwargs)
                        figures()

                    show.__doc__ = shown_by_backend.__doc__
                    module.show = show

            os.environ.setdefault("MPLBACKEND", "Agg")
            sys.meta_path.insert(0, Figures())
            builtins.display = display

            def hidden(source, node):
                line = source.splitlines()[node.end_lineno - 1] if node.end_lineno <= len(source.splitlines()) else b""
                return line[node.end_col_offset:].lstrip().startswith(b";")

            def run(path):
                full = os.path.join(base, path)
                main.__file__ = path
                sys.argv[:] = [path]
                if sys.path:
                    folder = os.path.dirname(full)
                    sys.path[0] = base if folder == os.path.join(base, ".mdexec") else folder
                try:
                    with open(full, "rb") as f:
                        source = f.read()
                    tree = compile(source, path, "exec", ast.PyCF_ONLY_AST)
                    last = None
                    if tree.body and isinstance(tree.body[-1], ast.Expr) and not hidden(source, tree.body[-1]):
                        last = ast.Expression(tree.body.pop().value)
                    exec(compile(tree, path, "exec"), main.__dict__)
                    if last is not None:
                        value = eval(compile(last, path, "eval"), main.__dict__)
                        if value is not None:
                            print(repr(value))
                    return 0
                except SystemExit as e:
                    code = e.code
                    if code is None:
                        return 0
                    if isinstance(code, int):
                        return code & 0xFF
                    try:
                        print(code, file=sys.stderr)
                    except Exception:
                        pass
                    return 1
                except BaseException as e:
                    tb = e.__traceback__
                    while tb is not None and tb.tb_frame.f_code.co_filename == own:
                        tb = tb.tb_next
                    try:
                        traceback.print_exception(type(e), e, tb)
                    except Exception:
                        pass
                    return 130 if isinstance(e, KeyboardInterrupt) else 1

            own = _mdexec_session.__code__.co_filename
            handler = signal.default_int_handler
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            touch("p.%d" % os.getpid())
            while True:
                with open(os.path.join(sd, "next"), "rb") as f:
                    request = f.read().decode("utf-8", "surrogateescape").split("\n")
                try:
                    try:
                        signal.signal(signal.SIGINT, handler)
                        code = run(request[1])
                    finally:
                        handler = signal.getsignal(signal.SIGINT)
                        signal.signal(signal.SIGINT, signal.SIG_IGN)
                except BaseException:
                    code = 130
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                try:
                    figures()
                except BaseException:
                    try:
                        traceback.print_exc()
                    except Exception:
                        pass
                    code = code or 1
                streams()
                touch("r%s.%d" % (request[0], code))


        _mdexec_session(sys.argv[1], len(sys.argv) > 2 and sys.argv[2] == "1")
        """#
}
