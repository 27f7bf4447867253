#!/usr/bin/env bash
# Install the Debian/Ubuntu packages the product needs, if any is missing.
# Usage: scripts/system-deps.sh run|test
set -euo pipefail
mode=${1:-run}

packages=(
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0   # WeasyPrint (harfbuzz-subset: smaller, faster PDFs)
  fonts-dejavu-core fonts-dejavu-extra fonts-wqy-microhei # report fonts, CJK vendor names included
  redis-server                                            # broker for Celery when REDIS_URL is not given
  gettext                                                 # msgfmt: the translations compiled at install
)
[ "$mode" = test ] && packages+=(poppler-utils chromium)  # pdftotext; the browser the UI tests drive
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)  # front-end packages come from npm

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install ${missing[*]}" >&2
  # Everything but the browser tests and a private Redis works without them; carry on.
fi
