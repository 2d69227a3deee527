#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
echo "the check unit-test framework was not found at configure time;" \
     "install check (Debian) or check-devel (Fedora) and re-run configure" >&2
exit 1
