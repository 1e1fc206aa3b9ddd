"""The Dockerfile's install steps, run without a docker engine: its pip commands in a fresh virtual
environment over a copy of the checkout (filtered by .dockerignore), then the image's command."""

from __future__ import annotations

import fnmatch
import glob
import hashlib
import json
import os
import shlex
import shutil
import subprocess
import venv

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DOCKERFILE = os.path.join(ROOT, "Dockerfile")

if not os.path.isfile(DOCKERFILE):  # tests run from an unpacked wheel/sdist
    pytest.skip("no Dockerfile in this checkout", allow_module_level=True)


def parse_dockerfile(path: str) -> list[dict]:
    """Stages of a Dockerfile: [{"from", "name", "steps": [(INSTRUCTION, argument), ...]}]."""
    stages: list[dict] = []
    logical, pending = [], ""
    with open(path) as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not pending and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            logical.append(pending + line)
            pending = ""
    for line in logical:
        instr, _, arg = line.strip().partition(" ")
        instr, arg = instr.upper(), arg.strip()
        if instr == "FROM":
            parts = arg.split()
            stages.append({"from": parts[0], "name": parts[2] if len(parts) > 2 else None, "steps": []})
        else:
            stages[-1]["steps"].append((instr, arg))
    return stages


def dockerignore_filter(root: str):
    patterns = []
    path = os.path.join(root, ".dockerignore")
    if os.path.isfile(path):
        with open(path) as f:
            patterns = [p.strip() for p in f if p.strip() and not p.startswith("#")]

    def ignore(directory, names):
        rel_dir = os.path.relpath(directory, root)
        out = set()
        for name in names:
            rel = name if rel_dir == "." else os.path.join(rel_dir, name)
            for p in patterns:
                bare = p[3:] if p.startswith("**/") else None
                if fnmatch.fnmatch(rel, p) or (bare is not None and fnmatch.fnmatch(name, bare)):
                    out.add(name)
        return out

    return ignore


def test_dockerfile_shape():
    stages = parse_dockerfile(DOCKERFILE)
    assert [s["from"] for s in stages] == ["python:3.11-slim", "python:3.11-slim"]
    final = dict(stages[-1]["steps"])
    assert "g++" not in json.dumps(stages[-1]["steps"])  # no compiler in the runtime image
    assert final["ENV"] == "GENOMEKIT_DATA_DIR=/data" and final["VOLUME"] == "/data"
    assert json.loads(final["ENTRYPOINT"]) == ["python", "-m", "genome_kit"]
    assert json.loads(final["CMD"]) == ["demo"]


@pytest.mark.slow  # compiles the package once: ~1.5-4 min on 2 shared cores (still run by default)
def test_dockerfile_install_steps_in_a_venv(tmp_path):
    """Replays FROM/WORKDIR/COPY/RUN/ENV of every stage with container paths mapped under a temp root:
    `python -m pip ...` and `rm -rf ...` run for real (venv python), apt-get is the only thing skipped."""
    fs = tmp_path / "fs"  # the container file systems, one per stage
    stages = parse_dockerfile(DOCKERFILE)
    names = {s["name"]: i for i, s in enumerate(stages) if s["name"]}
    venv_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(venv_dir)
    python = str(venv_dir / "bin" / "python")
    skipped, ran = [], []
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PATH"] = f"{venv_dir / 'bin'}{os.pathsep}{env['PATH']}"

    def host(stage: int, path: str) -> str:
        return os.path.join(str(fs / str(stage)), path.lstrip("/"))

    image_env: dict[str, str] = {}
    for i, stage in enumerate(stages):
        workdir = "/"
        os.makedirs(host(i, "/"), exist_ok=True)
        for instr, arg in stage["steps"]:
            if instr == "WORKDIR":
                workdir = os.path.join(workdir, arg)
                os.makedirs(host(i, workdir), exist_ok=True)
            elif instr == "COPY":
                parts = arg.split()
                if parts[0].startswith("--from="):
                    src_stage = names[parts[0].split("=", 1)[1]]
                    src, dst = host(src_stage, parts[1]), host(i, os.path.join(workdir, parts[2]))
                    shutil.copytree(src, dst, dirs_exist_ok=True)
                else:
                    assert parts == [".", "."], f"unsupported COPY {arg}"
                    shutil.copytree(
                        ROOT, host(i, workdir), ignore=dockerignore_filter(ROOT), dirs_exist_ok=True
                    )
            elif instr == "ENV":
                key, _, value = arg.partition("=")
                image_env[key] = value
            elif instr == "RUN":
                for command in arg.split("&&"):
                    words = shlex.split(command)
                    if words[0] == "apt-get":
                        skipped.append(command.strip())
                        continue
                    if words[0] == "rm":
                        words = [w if not w.startswith("/") else host(i, w) for w in words]
                        if any(w.startswith(host(i, "/var")) for w in words):
                            skipped.append(command.strip())
                            continue
                    else:
                        assert words[:3] == ["python", "-m", "pip"], f"unsupported RUN step: {command}"
                        # pip's cache may serve downloads here (--no-cache-dir only keeps the image small)
                        words = [python, *(host(i, w) if w.startswith("/") else w for w in words[1:])]
                        words = [w for w in words if w != "--no-cache-dir"]
                    expanded = []
                    for w in words:
                        expanded += sorted(glob.glob(w)) if "*" in w else [w]
                    proc = subprocess.run(
                        expanded, cwd=host(i, workdir), env=env, capture_output=True, text=True, timeout=1200
                    )
                    assert proc.returncode == 0, f"{command}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
                    ran.append(command.strip())
    assert all(s.startswith(("apt-get", "rm -rf /var/lib/apt")) for s in skipped), skipped
    assert any("pip wheel" in r for r in ran) and any("pip install" in r and ".whl" in r for r in ran)
    assert not os.path.exists(host(len(stages) - 1, "/wheels"))  # cleaned up in the runtime stage

    # the image's command, from its WORKDIR, with its ENV (the data volume) — outside the checkout
    final = dict(stages[-1]["steps"])
    entry = json.loads(final["ENTRYPOINT"]) + json.loads(final["CMD"])
    data = host(len(stages) - 1, image_env["GENOMEKIT_DATA_DIR"])
    os.makedirs(data, exist_ok=True)
    run_env = dict(env, GENOMEKIT_DATA_DIR=data)
    cwd = host(len(stages) - 1, final["WORKDIR"])
    where = subprocess.run(
        [python, "-c", "import genome_kit, sys; print(genome_kit.__file__)"],
        cwd=cwd, env=run_env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert where.stdout.startswith(str(venv_dir)), where.stdout  # the installed package, not the checkout
    proc = subprocess.run(
        [python, *entry[1:]], cwd=cwd, env=run_env, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stderr
    assert "one_hot of 100 x 1 kb windows: (100, 1000, 4) uint8" in proc.stdout
    info = subprocess.run(
        [python, "-m", "genome_kit", "data", "info"], cwd=cwd, env=run_env, capture_output=True, text=True
    )
    assert f"data dir:  {data}" in info.stdout
    docker_recipe_flow(python, host(len(stages) - 1, "/"), cwd, data, run_env, tmp_path)


def docker_recipe_flow(python, image_root, cwd, data, run_env, tmp_path):
    """The tutorial's docker flow: data-src mounted into the container, outputs into the data volume
    (``docker run -v "$PWD/data-src:/data-src" -v gkdata:/data --entrypoint python genome_kit
    /data-src/build.py sacCer3/ucsc/fasta /data``), and the recipes shipped in the image (``docker run
    -v gkdata:/data genome_kit data build ce11/ucsc/fasta /data``); upstream files come from a loopback
    mirror of UCSC with its md5sum.txt."""
    from bucket_server import BucketServer

    mounted = os.path.join(image_root, "data-src")
    shutil.copytree(os.path.join(ROOT, "data-src"), mounted)  # the -v mount
    sample = os.path.join(ROOT, "genome_kit", "sample_data", "sacCer.sample.fa.gz")
    bigzips = tmp_path / "mirror" / "hgdownload.soe.ucsc.edu" / "goldenPath"
    for db in ("sacCer3", "ce11"):
        folder = bigzips / db / "bigZips"
        folder.mkdir(parents=True)
        shutil.copyfile(sample, folder / f"{db}.fa.gz")
        with open(sample, "rb") as f:
            (folder / "md5sum.txt").write_text(f"{hashlib.md5(f.read()).hexdigest()}  {db}.fa.gz\n")
    with BucketServer(str(tmp_path / "mirror")) as mirror:
        env = dict(run_env, GENOMEKIT_RECIPE_MIRROR=mirror.url)
        for command in (
            [python, os.path.join(mounted, "build.py"), "sacCer3/ucsc/fasta", data],
            [python, "-m", "genome_kit", "data", "build", "ce11/ucsc/fasta", data],
        ):
            proc = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
            assert proc.returncode == 0, proc.stderr
            assert "md5 matches md5sum.txt" in proc.stderr
    for db in ("sacCer3", "ce11"):
        assert {f"{db}.2bit", f"{db}.chrom.sizes", f"{db}.build.json"} <= set(os.listdir(data))
    check = "import genome_kit as gk; g = gk.Genome('sacCer3'); print(g.chromosomes)"
    out = subprocess.run(
        [python, "-c", check], cwd=cwd, env=run_env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "['chrI', 'chrII']"
