# Sourced by ./toolgate and .ci/run: exports JAVA_HOME pointing at a JDK >= 21.
# Order: $JAVA_HOME if new enough, then the newest JDK under /usr/lib/jvm (or
# /Library/Java/JavaVirtualMachines), then `java` on PATH.

toolgate_java_major() { # $1 = JDK home; prints its feature version or nothing
  local rel="$1/release" v
  [ -x "$1/bin/java" ] || return 0
  if [ -f "$rel" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$rel" | head -n1)
  else
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = \([0-9][0-9]*\).*/\1/p' | head -n1)
  fi
  [ "${v:-}" = "1" ] && v=8
  printf '%s' "${v:-}"
}

toolgate_find_java() {
  local want=21 best="" best_v=0 cand v
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(toolgate_java_major "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge "$want" ]; then printf '%s' "$JAVA_HOME"; return 0; fi
  fi
  for cand in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$cand" ] || continue
    v=$(toolgate_java_major "$cand")
    if [ -n "$v" ] && [ "$v" -ge "$want" ] && [ "$v" -gt "$best_v" ]; then best="$cand"; best_v="$v"; fi
  done
  if [ -z "$best" ] && command -v java >/dev/null 2>&1; then
    cand=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    v=$(toolgate_java_major "$cand")
    if [ -n "$v" ] && [ "$v" -ge "$want" ]; then best="$cand"; fi
  fi
  [ -n "$best" ] || return 1
  printf '%s' "$best"
}

if ! JAVA_HOME=$(toolgate_find_java); then
  echo "toolgate: no JDK 21 or newer found (looked at \$JAVA_HOME, /usr/lib/jvm and PATH); install one or set JAVA_HOME" >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
# Maven's own JVM: the build tool's guava calls sun.misc.Unsafe (JDK 23+ warns on every build) and
# its SLF4J finds no provider; neither is something a newcomer can act on, so both stay quiet.
toolgate_maven_opts="-Dslf4j.internal.verbosity=ERROR"
if [ "$(toolgate_java_major "$JAVA_HOME")" -ge 23 ]; then
  toolgate_maven_opts="$toolgate_maven_opts --sun-misc-unsafe-memory-access=allow"
fi
case " ${MAVEN_OPTS:-} " in
  *" $toolgate_maven_opts "*) ;;
  *) export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }$toolgate_maven_opts" ;;
esac
