"""Fuzz families for the surfaces around a run (issue 21): a hostile control server for
`wdl attach`, output streams that fail, and outputs that alias inputs. Registered in
fuzz_registry.FAMILIES; each takes the Fuzzer of .ci/fuzz.py (its run, classify and record)."""
import fcntl
import json
import os
import pty
import select
import shutil
import socket
import struct
import subprocess
import termios
import threading
import time

from fuzz_registry import family

# ---- a hostile server for `wdl attach` ----
HOSTILE_NUMBERS = ["NaN", "Infinity", "-Infinity", 1e308, -1e308, 2**63, 2**64 + 7, -2**63 - 1, 1e19, -1]


def capture_welcome(fz):
    """A real run's welcome message (read once): the hostile server starts from a snapshot the
    client accepts, so that every mutation reaches the client's checks one value at a time."""
    if getattr(fz, "welcome", None) is not None:
        return fz.welcome
    sock = fz.path("real.sock")
    run = subprocess.Popen([fz.wdl, "train", "--headless", "--config", "base.yaml", "--epochs", "1000",
                            "--control", sock], cwd=fz.work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while not os.path.exists(sock) and time.monotonic() < deadline:
            time.sleep(0.05)
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        client.settimeout(10)
        client.connect(sock)
        client.sendall(b'{"type":"hello","version":1,"client":"fuzz","readOnly":true}\n')
        fz.welcome = json.loads(read_line(client))
        client.close()
    except (OSError, ValueError) as error:
        raise SystemExit(f"fuzz setup: no welcome from a real run's control socket ({error})")
    finally:
        run.kill()
        run.wait()
    if fz.welcome.get("type") != "welcome":
        raise SystemExit(f"fuzz setup: a real run answered hello with {str(fz.welcome)[:200]}")
    return fz.welcome


def read_line(conn, limit=32 << 20):
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(1 << 16)
        if not chunk:
            break
        data += chunk
        if len(data) > limit:
            break
    return data


def numeric_leaves(value, path=()):
    """Paths to every number (not a bool) in a decoded JSON value."""
    if isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in numeric_leaves(v, path + (k,))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in numeric_leaves(v, path + (i,))]
    return []


def set_path(value, path, new):
    for key in path[:-1]:
        value = value[key]
    value[path[-1]] = new


def hostile_leaf(fz, value):
    """A number to make hostile: half the time one of the snapshot's own (step, epoch, rates,
    seconds: what the screen converts and formats), else mostly an integer one (counts, rows: the
    values a client converts to Int), else any (losses, percentiles)."""
    leaves = numeric_leaves(value)
    top = [p for p in leaves if len(p) == 1]
    integers = [p for p in leaves if isinstance(get_path(value, p), int)]
    if top and fz.rng.random() < 0.5:
        return fz.rng.choice(top)
    return fz.rng.choice(integers if integers and fz.rng.random() < 0.7 else leaves)


def get_path(value, path):
    for key in path:
        value = value[key]
    return value


def hostile_messages(fz, welcome):
    """The welcome (maybe with one hostile number) and hostile updates after it."""
    r = fz.rng
    welcome = json.loads(json.dumps(welcome))
    snapshot = welcome["welcome"]["snapshot"]
    messages = []
    op = r.choice([0, 1, 1, 2, 2, 3])  # slices and the rest's values most: where the audit found crashes
    if op == 0:
        path = hostile_leaf(fz, snapshot)
        set_path(snapshot, path, r.choice(HOSTILE_NUMBERS))
        return [welcome], f"welcome with {'.'.join(map(str, path))} hostile"
    messages.append(welcome)
    history = r.choice(["trainLoss", "validation", "markers", "events"])
    held = len(snapshot.get(history, []))
    if op == 1:
        start, count = r.choice([(2**63 - 1, 2), (2**62, 2**62), (-1, 1), (0, 2**62), (0, held + 1),
                                 (held, 1), (1e308, 1), ("NaN", 1)])
        messages.append({"type": "update", "update": {history: {"keep": [[start, count]], "append": []}}})
        return messages, f"{history} keep [{start}, {count}] of {held}"
    if op == 2:
        rest = json.loads(json.dumps(snapshot))
        for h in ("trainLoss", "validation", "markers", "events"):
            rest[h] = []
        path = hostile_leaf(fz, rest)
        set_path(rest, path, r.choice(HOSTILE_NUMBERS))
        messages.append({"type": "update", "update": {"rest": rest}})
        return messages, f"rest with {'.'.join(map(str, path))} hostile"
    point = r.choice([[r.choice(HOSTILE_NUMBERS), 10, 0.5], [5, r.choice(HOSTILE_NUMBERS), 0.5], [5, 10, "NaN"]])
    messages.append({"type": "update", "update": {"trainLoss": {"keep": [[0, len(snapshot.get("trainLoss", []))]],
                                                                "append": [point]}}})
    return messages, f"trainLoss point {point}"


@family("attach server")
def attach_server_case(fz):
    """`wdl attach` (in a pseudo-terminal) against a server that sends hostile values: the client
    must say "connection lost" and exit by itself, neither crash nor hang."""
    welcome = capture_welcome(fz)
    messages, what = hostile_messages(fz, welcome)
    sock_path = fz.path("fake.sock")
    if os.path.exists(sock_path):
        os.remove(sock_path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(sock_path)
    server.listen(1)
    server.settimeout(10)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    # On a terminal, Swift's crash handler would wait for a key before dying: a crash would
    # look like a hang.
    env = dict(os.environ, TERM="xterm-256color", SWIFT_BACKTRACE="interactive=no")
    args = ["attach", "fake.sock"]
    child = subprocess.Popen([fz.wdl] + args, stdin=slave, stdout=slave, stderr=slave, cwd=fz.work, env=env,
                             start_new_session=True)
    os.close(slave)
    screen = bytearray()

    def drain():
        while True:
            try:
                ready, _, _ = select.select([master], [], [], 0.2)
                if ready:
                    chunk = os.read(master, 65536)
                    if not chunk:
                        return
                    screen.extend(chunk[-4096:])
                elif child.poll() is not None:
                    return
            except OSError:
                return
    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    outcome = None
    try:
        conn, _ = server.accept()
        conn.settimeout(5)
        read_line(conn)  # hello
        for message in messages:
            conn.sendall(json.dumps(message).encode() + b"\n")
        time.sleep(0.5)
        conn.close()
    except OSError as error:
        what += f" (server: {error})"
    finally:
        server.close()
    try:
        code = child.wait(timeout=1)
    except subprocess.TimeoutExpired:
        # A client that survived shows "connection lost" and the last state until q closes it.
        os.write(master, b"q")
        try:
            code = child.wait(timeout=8)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            code, outcome = None, "hang"
    reader.join(timeout=2)
    os.close(master)
    tail = bytes(screen[-300:]).decode("utf-8", "replace")
    fz.last = (code, f"{what}: {tail!r}")
    if outcome is None:
        outcome = "crash" if code is None or code < 0 or code >= 128 else "clean"
    fz.record("attach server", outcome, args, [])


# ---- output streams that fail ----
def run_with_streams(fz, args, stdout_full, stderr_closed, timeout=30):
    """Runs wdl with stdout on /dev/full and/or stderr closed; returns (code, stdout, stderr)."""
    full = open("/dev/full", "wb") if stdout_full else subprocess.PIPE
    try:
        p = subprocess.run([fz.wdl] + args, stdout=full, stderr=subprocess.PIPE, cwd=fz.work, timeout=timeout,
                           preexec_fn=(lambda: os.close(2)) if stderr_closed else None)
        out = p.stdout.decode("utf-8", "replace") if p.stdout else ""
        err = p.stderr.decode("utf-8", "replace") if p.stderr else ""
        fz.last = (p.returncode, (err or out)[:300])
        return p.returncode, out, err
    except subprocess.TimeoutExpired:
        fz.last = (None, "timeout")
        return None, "", ""
    finally:
        if stdout_full:
            full.close()


@family("output streams")
def output_streams_case(fz):
    """stdout on a full disk (/dev/full) or stderr closed (2>&-), for the commands that write:
    a failed write of output is an error exit; a run still saves its final checkpoint."""
    r = fz.rng
    command = r.choice(["train", "eval", "inspect", "predict", "missing"])
    stdout_full, stderr_closed = r.choice([(True, False), (False, True), (True, True)])
    shutil.rmtree(fz.path("ck"), ignore_errors=True)
    args = {
        "train": ["train", "--headless", "--config", "base.yaml", "--checkpoint-dir", "ck"],
        "eval": ["eval", "--model", "base/final.safetensors", "--data", "valid.csv", "--json"],
        "inspect": ["inspect", "base/final.safetensors"],
        "predict": ["predict", "--model", "base/final.safetensors", "--data", "valid.csv", "--out", "-"],
        "missing": ["eval", "--model", "no-such.safetensors", "--data", "valid.csv"],
    }[command]
    code, out, err = run_with_streams(fz, args, stdout_full, stderr_closed)
    last = fz.last = (code, f"stdout {'/dev/full' if stdout_full else 'pipe'}, stderr {'closed' if stderr_closed else 'pipe'}: {fz.last[1]}")
    if code is None:
        outcome = "hang"
    elif code < 0 or code >= 128:
        outcome = "crash"
    elif command == "train" and not os.path.exists(fz.path("ck/final.safetensors")):
        outcome = "data loss"
    elif command == "train" and fz.run(["inspect", "ck/final.safetensors"])[0] != 0:
        # With fd 2 closed the next file opened takes its number: a message written "to stderr"
        # would land in it.
        outcome = "data loss"
    elif code == 0 and (stdout_full or command == "missing"):
        outcome = "silent"  # output lost (or an error unreported) and success claimed
    elif code == 0 and command == "eval" and fz.answer(out) != fz.answer(fz.base_eval):
        outcome = "silent"
    else:
        # An error exit with stderr closed is right too when the command had something to say
        # there (a notice it could not write is a failed write of output).
        outcome = "clean"
    fz.last = last
    fz.record("output streams", outcome, args, [])


# ---- outputs that alias inputs ----
@family("output aliases")
def output_aliases_case(fz):
    """An output path naming an input (--metrics-out, predict --out and --ids-out, export targets;
    directly, through ./, an absolute path or a symbolic link): refused before anything is
    written, the input byte-identical afterwards."""
    r = fz.rng
    shutil.copy(fz.path("train.csv"), fz.path("alias-train.csv"))
    shutil.copy(fz.path("base.yaml"), fz.path("alias.yaml"))
    open(fz.path("alias.safetensors"), "wb").write(fz.checkpoint)
    case = r.randrange(7)
    if case == 0:
        victim, args = "alias-train.csv", ["train", "--headless", "--config", "base.yaml", "--train", "alias-train.csv",
                                           "--checkpoint-dir", "ck", "--metrics-out", "{}"]
    elif case == 1:
        victim, args = "alias.yaml", ["train", "--headless", "--config", "alias.yaml", "--checkpoint-dir", "ck",
                                      "--metrics-out", "{}"]
    elif case == 2:
        victim, args = "alias.safetensors", ["train", "--headless", "--resume", "alias.safetensors", "--epochs", "2",
                                             "--checkpoint-dir", "ck", "--metrics-out", "{}"]
    elif case == 3:
        victim, args = "alias-train.csv", ["predict", "--model", "base/final.safetensors", "--data", "alias-train.csv",
                                           "--out", "{}"]
    elif case == 4:
        output = r.choice([["--out", "{}"], ["--out", "p.txt", "--ids-out", "{}"]])
        victim, args = "alias.safetensors", ["predict", "--model", "alias.safetensors", "--data", "valid.csv"] + output
    elif case == 5:
        victim, args = "alias.safetensors", ["export", "alias.safetensors", "--onnx", "{}"]
    else:
        victim, args = "alias-train.csv", ["predict", "--model", "base/final.safetensors", "--data", "alias-train.csv",
                                           "--out", "p.txt", "--ids-out", "{}"]
    spelling = r.choice(["plain", "dot", "absolute", "link"])
    target = {"plain": victim, "dot": "./" + victim, "absolute": fz.path(victim), "link": "link-" + victim}[spelling]
    if spelling == "link":
        if os.path.lexists(fz.path(target)):
            os.remove(fz.path(target))
        os.symlink(victim, fz.path(target))
    args = [a.replace("{}", target) for a in args]
    before = open(fz.path(victim), "rb").read()
    shutil.rmtree(fz.path("ck"), ignore_errors=True)
    code, out, err = fz.run(args)
    after = open(fz.path(victim), "rb").read()
    if code is not None and 0 <= code < 128 and before != after:
        outcome = "data loss"
    else:
        outcome = fz.classify(code, out, err, [target, victim, "--"])
        if outcome == "clean" and code == 0:
            outcome = "silent"  # an output over an input was not refused
    fz.record("output aliases", outcome, args, [victim])
