"""Data manager plugins: a real distribution advertising an entry point in
``genomekit.plugins.data_manager``, pip-installed into a private directory and
picked up by ``import genome_kit`` in a fresh interpreter."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
import zipfile

import pytest

import genome_kit as gk

HERE = os.path.dirname(os.path.abspath(__file__))
PLUGIN_SRC = os.path.join(HERE, "data_manager_plugin")
DIST = "gk_test_dm_plugin"
VERSION = "0.1.0"
ENTRY_POINTS = "[genomekit.plugins.data_manager]\ntestplugin = gk_test_dm_plugin:PluginDataManager\n"


def _record_line(arcname: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{arcname},sha256={digest},{len(data)}"


def build_wheel(out_dir: str) -> str:
    """Packs tests/data_manager_plugin into a wheel (PEP 427) without a build backend,
    so the test works in a bare venv with no setuptools and no network."""
    dist_info = f"{DIST}-{VERSION}.dist-info"
    files = {}
    pkg_dir = os.path.join(PLUGIN_SRC, DIST)
    for name in sorted(os.listdir(pkg_dir)):
        if name.endswith(".py"):
            with open(os.path.join(pkg_dir, name), "rb") as f:
                files[f"{DIST}/{name}"] = f.read()
    files[f"{dist_info}/METADATA"] = (
        f"Metadata-Version: 2.1\nName: gk-test-dm-plugin\nVersion: {VERSION}\n"
        "Summary: genome_kit test data manager plugin\n"
    ).encode()
    files[f"{dist_info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: genome_kit-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    files[f"{dist_info}/entry_points.txt"] = ENTRY_POINTS.encode()
    record = [_record_line(k, v) for k, v in files.items()] + [f"{dist_info}/RECORD,,"]
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    path = os.path.join(out_dir, f"{DIST}-{VERSION}-py3-none-any.whl")
    with zipfile.ZipFile(path, "w") as z:
        for k, v in files.items():
            z.writestr(k, v)
    return path


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory):
    """A directory where the plugin distribution is installed by pip (kept off the
    shared environment: other processes using this venv must not see it)."""
    work = tmp_path_factory.mktemp("plugin")
    wheel = build_wheel(str(work))
    site = work / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--target",
            str(site),
            wheel,
        ],
        check=True,
        capture_output=True,
    )
    assert (site / f"{DIST}-{VERSION}.dist-info" / "entry_points.txt").is_file()
    return str(site)


CHILD = """
import genome_kit as gk
from genome_kit import gk_data
m = gk_data.data_manager
print(type(m).__module__ + "." + type(m).__name__)
print(m.data_dir)
if type(m).__name__ == "PluginDataManager":
    with open(gk_data.get_file("x.plugin.txt")) as f:
        print(f.read().strip())
    print(gk.Genome("plugyeast").chromosomes)
"""


def run_child(site: str, data_dir: str, **env_extra) -> subprocess.CompletedProcess:
    # The genome_kit being tested comes first on the path, then the plugin.
    pkg_root = os.path.dirname(os.path.dirname(os.path.abspath(gk.__file__)))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GENOMEKIT_", "GK_TEST_PLUGIN"))}
    env["PYTHONPATH"] = os.pathsep.join([pkg_root, site])
    env["GENOMEKIT_DATA_DIR"] = data_dir
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-W", "default", "-c", CHILD],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=HERE,  # not the repository root, where `import genome_kit` could find an unbuilt checkout
    )


@pytest.fixture(scope="module")
def plugin_data_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("plugindata")
    sample = os.path.join(os.path.dirname(gk.__file__), "sample_data", "sacCer.sample.fa.gz")
    gk.build_assembly(sample, str(d / "plugyeast"))
    return str(d)


def test_installed_plugin_is_used_at_import(plugin_site, plugin_data_dir):
    r = run_child(plugin_site, plugin_data_dir)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "gk_test_dm_plugin.PluginDataManager"
    assert lines[1] == plugin_data_dir  # instantiated with the data directory
    assert lines[2] == "served by PluginDataManager"  # gk_data.get_file goes through it
    assert lines[3] == "['chrI', 'chrII']"  # and so does Genome resolution
    assert "Warning" not in r.stderr


def test_failing_plugin_falls_back_with_warning(plugin_site, plugin_data_dir):
    r = run_child(plugin_site, plugin_data_dir, GK_TEST_PLUGIN_FAIL="1")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "genome_kit.data_manager.DefaultDataManager"
    assert "RuntimeWarning" in r.stderr
    assert "testplugin" in r.stderr and "test plugin asked to fail" in r.stderr


def test_plugin_can_be_bypassed(plugin_site, plugin_data_dir):
    r = run_child(plugin_site, plugin_data_dir, GENOMEKIT_DATA_MANAGER="default")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "genome_kit.data_manager.DefaultDataManager"
    assert r.stderr == ""


def test_unknown_plugin_name_warns(plugin_site, plugin_data_dir):
    r = run_child(plugin_site, plugin_data_dir, GENOMEKIT_DATA_MANAGER="nosuchplugin")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "genome_kit.data_manager.DefaultDataManager"
    assert "nosuchplugin" in r.stderr and "testplugin" in r.stderr


def test_without_plugin_default_is_used(plugin_data_dir):
    r = run_child(os.devnull, plugin_data_dir)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "genome_kit.data_manager.DefaultDataManager"
