#!/usr/bin/env bash
# The .deb CPack builds: its control fields (name, version from the
# project, maintainer, description, the runtime libraries as dependencies)
# and contents, then dpkg -i into a scratch root (--root, as an ordinary
# dpkg database there; dependencies are not installed in it, so
# --force-depends), and the programs it installed run.
. "$DB_SOURCE_DIR/tests/cli/lib.sh"
. "$DB_SOURCE_DIR/tests/install/lib.sh"
need cpack
need dpkg-deb
need dpkg

version=$(sed -n 's/^CPACK_PACKAGE_VERSION:[A-Z]*=//p' "$DB_BUILD_DIR/CMakeCache.txt")
[ -n "$version" ] || version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")/\1/p' "$DB_BUILD_DIR/CPackConfig.cmake")
(cd "$WORK" && cpack -G DEB --config "$DB_BUILD_DIR/CPackConfig.cmake" -B "$WORK/pkg") \
    >"$WORK/cpack.log" 2>&1
check_eq "cpack -G DEB exits 0" "$?" 0 || cat "$WORK/cpack.log" >&2
deb=$(ls "$WORK"/pkg/*.deb 2>/dev/null | head -1)
check "a .deb was built" test -f "$deb"
[ -f "$deb" ] || { cat "$WORK/cpack.log" >&2; report; exit; }

info=$(dpkg-deb -I "$deb")
check_eq "Package" "$(dpkg-deb -f "$deb" Package)" dbexport
check_eq "Version is the project's" "$(dpkg-deb -f "$deb" Version)" "$version"
check_contains "Maintainer" "$(dpkg-deb -f "$deb" Maintainer)" "<"
check_contains "Description" "$(dpkg-deb -f "$deb" Description)" "SQLite and PostgreSQL"
check_eq "Section" "$(dpkg-deb -f "$deb" Section)" database
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libsqlite3-0 libpq5 zlib1g libjq1 libc6; do
    check_contains "Depends on $lib" "$depends" "$lib"
done
# base64 is the format library's own; libb64 is only the unit test's reference.
check_eq "no dependency on libb64" "$(grep -c libb64 <<<"$depends")" 0
contents=$(dpkg-deb -c "$deb")
for program in $DB_PROGRAMS; do
    check_contains "the .deb holds /usr/bin/$program" "$contents" "./usr/bin/$program"
    check_contains "the .deb holds $program(1)" "$contents" "./usr/share/man/man1/$program.1.gz"
    check_contains "the .deb holds $program's completion" "$contents" \
        "./usr/share/bash-completion/completions/$program"
done
for page in $DB_MAN_PAGES; do
    check_contains "the .deb holds $page" "$contents" "./usr/share/man/man${page##*.}/$page.gz"
done
check_contains "the .deb holds the docs" "$contents" "./usr/share/doc/dbexport/USAGE.md"
case $contents in *" ./usr/local/"* | *" ./build"* | *"$DB_BUILD_DIR"*) not_ok "stray paths: $contents" ;; *) ok ;; esac

# dpkg -i into a scratch root.
root=$WORK/root
mkdir -p "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/info"
: >"$root/var/lib/dpkg/status"
# (--path-include: Debian's container images exclude /usr/share/man and
# /usr/share/doc in /etc/dpkg/dpkg.cfg.d, and dpkg --root reads that too.)
dpkg --root="$root" --log=/dev/null --force-not-root --force-depends --force-script-chrootless \
    --path-include='/usr/share/man/*' --path-include='/usr/share/doc/dbexport/*' -i "$deb" >"$WORK/dpkg.log" 2>&1
check_eq "dpkg --root -i exits 0" "$?" 0 || cat "$WORK/dpkg.log" >&2
check_eq "dpkg knows it installed" \
    "$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${db:Status-Status}' dbexport)" installed
for program in $DB_PROGRAMS; do
    out=$("$root/usr/bin/$program" --version | head -1)
    check_eq "the packaged $program runs" "$out" "$program $version"
    render "$root/usr/share/man/man1/$program.1.gz" >/dev/null
    check_eq "the packaged $program(1) renders" "$?" 0
done
dpkg --root="$root" --log=/dev/null --force-not-root --force-script-chrootless -r dbexport \
    >>"$WORK/dpkg.log" 2>&1
check_eq "dpkg -r exits 0" "$?" 0
check "dpkg -r removes the programs" test ! -e "$root/usr/bin/dbexport"

report
