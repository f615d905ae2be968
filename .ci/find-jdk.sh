# Sourced by ./test and .ci/run: find_jdk prints the home of a JDK >= 21 (with javac), trying
# JAVA_HOME, then java on PATH, then /usr/lib/jvm/* (newest first).
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1 | cut -d. -f1
}

find_jdk() {
  local candidates=() home v
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  while IFS= read -r d; do candidates+=("$d"); done < <(ls -d /usr/lib/jvm/*/ 2>/dev/null | sed 's:/$::' | sort -rV)
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || continue
    v="$(java_major "$home/bin/java")"
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then echo "$home"; return 0; fi
  done
  return 1
}
