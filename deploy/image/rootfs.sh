#!/usr/bin/env bash
# Builds the root filesystem layer of the container image (run by `mvn -Pimage package`, see
# gateway/pom.xml): a Java runtime cut down by jlink to the modules the gateway uses, the shared
# libraries of the build host that runtime links against (glibc and friends), and /etc/passwd and
# /etc/group naming the unprivileged user the gateway runs as. Jib then puts this directory and the
# gateway's jars on an empty base image ("scratch"): no registry is needed for a base image.
#   deploy/image/rootfs.sh JDK_HOME OUTPUT_DIR
set -euo pipefail
jdk="${1:?JDK home}"
out="${2:?output directory}"
uid=65532

# The modules of the JDK the gateway and its libraries use (jdeps over the runtime classpath, plus
# those only reached by reflection or service loading: naming/DNS for PostgreSQL and JNDI lookups,
# jdk.crypto.ec and jdk.charsets for TLS and the JDBC drivers, jdk.management for the JVM metrics).
modules=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,\
java.net.http,java.prefs,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,\
java.xml,java.xml.crypto,jdk.charsets,jdk.crypto.ec,jdk.httpserver,jdk.jfr,jdk.management,jdk.naming.dns,\
jdk.net,jdk.unsupported,jdk.zipfs,jdk.localedata

rm -rf "$out"
mkdir -p "$out/opt" "$out/etc" "$out/tmp"
"$jdk/bin/jlink" --add-modules "$modules" --include-locales=en,de,fr \
  --strip-debug --no-header-files --no-man-pages --compress=zip-6 --output "$out/opt/java"

# java.desktop is there for java.beans (YAML binding); its native display, sound and font code is not
# used by a server and would pull in X11: removed.
rm -f "$out"/opt/java/lib/{libawt_xawt,libjawt,libjsound,libsplashscreen,libfontmanager,liblcms,libjavajpeg,libmlib_image}.so
# Shared libraries of the runtime, resolved on this host (real files: layers keep no symlinks here).
libs="$(find "$out/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} \; 2>/dev/null \
  | awk '/=> \// {print $3} /^\s*\/lib/ {print $1}' | sort -u)"
for lib in $libs; do
  mkdir -p "$out$(dirname "$lib")"
  cp -L "$lib" "$out$lib"
done
# The name service switch (user names, /etc/hosts then DNS) as glibc loads it at run time.
for lib in /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/x86_64-linux-gnu/libnss_dns.so.2 \
           /lib/x86_64-linux-gnu/libresolv.so.2; do
  if [ -e "$lib" ]; then mkdir -p "$out$(dirname "$lib")"; cp -L "$lib" "$out$lib"; fi
done
if [ -e /lib64/ld-linux-x86-64.so.2 ]; then mkdir -p "$out/lib64"; cp -L /lib64/ld-linux-x86-64.so.2 "$out/lib64/"; fi

cat > "$out/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/sbin/nologin
toolgate:x:$uid:$uid:toolgate:/tmp:/sbin/nologin
PASSWD
cat > "$out/etc/group" <<GROUP
root:x:0:
toolgate:x:$uid:
GROUP
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$out/etc/nsswitch.conf"
echo "image root filesystem: $(du -sh "$out" | cut -f1) in $out" >&2
