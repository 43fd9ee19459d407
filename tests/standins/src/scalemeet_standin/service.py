"""Start a stand-in the way Jitsi's start scripts start the real service."""

import logging
import sys

from . import BANNER, hocon


def run(component, config_dir, conf_name):
    """Log the banner, read <config_dir>/<conf_name> (or -Dconfig.file from <config_dir>/config), run."""
    logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(name)s %(levelname)s %(message)s")
    log = logging.getLogger("standin")
    log.warning(BANNER)
    path = hocon.config_path(config_dir + "/config", "%s/%s" % (config_dir, conf_name))
    log.info("reading %s", path)
    component(hocon.load(path)).run()
