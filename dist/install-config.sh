#!/bin/sh
# install-config.sh NEW OLD DIR: installs the default configuration NEW as DIR/ctsbatch.xml the
# way dpkg treats a conffile. OLD is the default the previous install left (DATADIR's copy,
# read before it is replaced). Absent: NEW is installed. Unedited since that install (equal to
# OLD) or already NEW: it is replaced or left. Edited: it is kept, and NEW is put beside it
# as ctsbatch.xml.dist (dpkg would say .dpkg-dist) for the administrator to merge.
set -eu
new=$1
old=$2
dir=$3
conf=$dir/ctsbatch.xml

install -d -m 755 "$dir"
if [ ! -e "$conf" ]; then
    install -m 644 "$new" "$conf"
    echo "install: $conf: installed"
elif cmp -s "$new" "$conf"; then
    echo "install: $conf: already the current default"
elif [ -f "$old" ] && cmp -s "$old" "$conf"; then
    install -m 644 "$new" "$conf"
    echo "install: $conf: not edited since the last install; replaced by the new default"
else
    install -m 644 "$new" "$conf.dist"
    echo "install: $conf: edited here, kept as it is; the new default is $conf.dist"
    echo "install:   compare with: diff -u $conf $conf.dist"
fi
