"""Read a Jitsi HOCON file the way the Java services do (config.file system property)."""

import os
import re
import shlex

from pyhocon import ConfigFactory, ConfigTree


def config_path(env_file, default):
    """The -Dconfig.file of JAVA_SYS_PROPS in the service's environment file, as Jitsi's start scripts pass it."""
    try:
        with open(env_file, encoding="utf-8") as f:
            for line in f:
                m = re.match(r"\s*JAVA_SYS_PROPS\s*=\s*(.*)$", line)
                if m:
                    for word in shlex.split(m.group(1)):
                        for prop in shlex.split(word):
                            if prop.startswith("-Dconfig.file="):
                                return prop.split("=", 1)[1]
    except FileNotFoundError:
        pass
    return os.environ.get("STANDIN_CONFIG_FILE", default)


def load(path):
    if not os.path.exists(path):
        return ConfigTree()
    return ConfigFactory.parse_file(path)


def get(tree, key, default=None):
    try:
        return tree.get(key, default)
    except Exception:  # pylint: disable=broad-except  # pyhocon raises several types for a missing path
        return default


def as_bool(value):
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "yes", "on", "1")
