"""A genome_kit data manager plugin for tests.

Serves files from the local data directory like the default manager, and
synthesises ``<name>.plugin.txt`` files on request, so a test can tell that
resolution went through the plugin. ``GK_TEST_PLUGIN_FAIL=1`` makes the
constructor fail (to test the fallback).
"""

import os

from genome_kit.data_manager import DefaultDataManager


class PluginDataManager(DefaultDataManager):
    def __init__(self, data_dir):
        if os.environ.get("GK_TEST_PLUGIN_FAIL"):
            raise RuntimeError("test plugin asked to fail")
        super().__init__(data_dir, bucket_name="")

    def get_file(self, filename):
        if filename.endswith(".plugin.txt"):
            os.makedirs(self.data_dir, exist_ok=True)
            path = os.path.join(self.data_dir, filename)
            with open(path, "w") as f:
                f.write(f"served by {type(self).__name__}\n")
            return path
        return super().get_file(filename)
