#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Refresh .config after configs/pvk_defconfig changed.

    kconfig-refresh.py KCONFIG DEFCONFIG CONFIG

olddefconfig-style: every value CONFIG sets is kept, a symbol it does
not mention (one that is new, say) takes its value from DEFCONFIG, and
anything neither sets gets its Kconfig default.  The previous CONFIG is
kept as CONFIG.old.  Needs python3-kconfiglib (scripts/setup.sh).
"""

import sys

import kconfiglib


def main(argv):
    if len(argv) != 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    kconfig, defconfig, config = argv[1:]
    kconf = kconfiglib.Kconfig(kconfig, warn_to_stderr=True)
    kconf.load_config(defconfig)
    # replace=False: the values of CONFIG go on top of the defconfig's;
    # overriding them is the point, so that is not worth a warning.
    kconf.warn_assign_override = False
    kconf.warn_assign_redun = False
    kconf.load_config(config, replace=False)
    print(kconf.write_config(config))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
