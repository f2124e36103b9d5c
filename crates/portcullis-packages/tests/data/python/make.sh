#!/bin/sh
# Makes the Python fixtures with the real tools (pip, dpkg-deb) and records
# what pip itself lists as the truth. Run from this directory; needs python3
# (3.11 here), PyPI and a Debian 12 mirror.
#
#   venv/     a venv (made without pip) into which pip installed pinned
#             packages; only each dist-info's METADATA and RECORD are kept.
#   debian/   the dist-packages of Debian 12's python3-six, python3-certifi,
#             python3-chardet, python3-debian and python3-cairo (egg-info
#             directories, a dist-info, and pycairo's single-file egg-info).
#   truth-*.json  pip's own listing: `pip list --format=json` and the
#             license fields of `pip inspect`.
set -eu
here=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# pip itself, pinned, in a venv of its own (pip 25 knows metadata 2.4's
# License-Expression; the system's may not).
python3 -m venv "$work/tool"
"$work/tool/bin/pip" install --no-cache-dir pip==25.1.1
pip="$work/tool/bin/pip"
python3 -m venv --without-pip "$work/venv"
"$pip" --python "$work/venv/bin/python" install --no-cache-dir \
    six==1.16.0 idna==3.7 requests==2.31.0 urllib3==2.3.0 \
    charset-normalizer==3.3.2 certifi==2024.2.2 attrs==25.3.0
# A License field that is a whole license text (installed without numpy).
"$pip" --python "$work/venv/bin/python" install --no-cache-dir --no-deps contourpy==1.2.1

(cd "$work" && for d in python3-six python3-certifi python3-chardet python3-debian python3-cairo; do
    apt-get download "$d"; done && mkdir root && for f in *.deb; do dpkg-deb -x "$f" root; done)

rm -rf venv debian
sp=lib/python3.11/site-packages
for d in "$work/venv/$sp"/*.dist-info; do
    n=$(basename "$d"); mkdir -p "venv/$sp/$n"
    cp "$d/METADATA" "$d/RECORD" "venv/$sp/$n/"
done
dp=usr/lib/python3/dist-packages
mkdir -p "debian/$dp"
for e in "$work/root/$dp"/*.egg-info "$work/root/$dp"/*.dist-info; do
    n=$(basename "$e")
    if [ -d "$e" ]; then
        mkdir -p "debian/$dp/$n"
        for f in PKG-INFO METADATA RECORD; do [ -f "$e/$f" ] && cp "$e/$f" "debian/$dp/$n/"; done
    else
        cp "$e" "debian/$dp/$n"
    fi
done

# The truth, by pip.
pick='import json,sys
d=json.load(sys.stdin)
out=[]
for i in d["installed"]:
    m=i["metadata"]
    out.append({"name":m["name"],"version":m["version"],
        "license":m.get("license"),"license_expression":m.get("license_expression"),
        "license_classifiers":[c for c in m.get("classifier",[]) if c.startswith("License ::")]})
json.dump(sorted(out,key=lambda x:x["name"].lower()),sys.stdout,indent=1)'
"$pip" --python "$work/venv/bin/python" list --format=json > truth-venv-list.json
"$pip" --python "$work/venv/bin/python" inspect | python3 -c "$pick" > truth-venv-inspect.json
"$pip" --python "$work/venv/bin/python" show --files charset-normalizer six > truth-venv-show-files.txt
"$pip" list --path "$work/root/$dp" --format=json > truth-debian-list.json
"$pip" inspect --path "$work/root/$dp" | python3 -c "$pick" > truth-debian-inspect.json
echo "made in $here"
