#!/usr/bin/env bash
# The README's main job: runs on a fresh machine with only Go installed.
set -euo pipefail
bin=${1:-bin/gwg}
"$bin" version
