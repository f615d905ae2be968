# bench/lib.sh: shell pieces shared by bench/run and bench/cluster (sourced, not run).
# The caller sets: here (the bench dir), root (the repository), tmp (its private temp dir), and
# optionally BENCH_TAG (the progress prefix). After pick_jdk/compile_tool it has JDK and tool.

say() { printf '[%s %s] %s\n' "${BENCH_TAG:-bench}" "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

stop_pid() {  # $1 = pid: TERM, wait up to 15 s, then KILL
  local pid="$1" i
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}

# ------------------------------------------------------------------ JDK, jar, helper tool

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1; }
pick_jdk() {  # prints a JDK >= 21 with javac: BENCH_JDK, JAVA_HOME, newest under /usr/lib/jvm
  local c v
  for c in "${BENCH_JDK:-}" "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/* 2>/dev/null | sort -rV); do
    [ -n "$c" ] && [ -x "$c/bin/javac" ] || continue
    v="$(java_major "$c")"
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then echo "$c"; return 0; fi
  done
  return 1
}

ensure_jar() {  # builds target/cairn.jar with mvn -o when missing or older than the sources
  local jar="$root/target/cairn.jar"
  if [ ! -f "$jar" ] || [ -n "$(find "$root/src/main" "$root/pom.xml" -newer "$jar" -print -quit)" ]; then
    say "building target/cairn.jar (mvn -o package)"
    (cd "$root" && JAVA_HOME="$JDK" mvn -o -q -B package -DskipTests >"$tmp/build.log" 2>&1) \
      || { tail -n 30 "$tmp/build.log" >&2; die "build failed"; }
  fi
}

compile_tool() {  # compiles bench/src/CairnBench.java into $tmp/classes; defines tool, tool_within
  say "compiling bench/src/CairnBench.java"
  "$JDK/bin/javac" -d "$tmp/classes" "$here/src/CairnBench.java"
  tool_cmd=("$JDK/bin/java" -XX:+UseSerialGC -cp "$tmp/classes" CairnBench)
}
tool() { "${tool_cmd[@]}" "$@"; }
# bounded: a hung agent must not stall the run (timeout needs a command, not a function)
tool_within() { local secs="$1"; shift; timeout -k 5 "$secs" "${tool_cmd[@]}" "$@"; }

# ------------------------------------------------------------------ RESULT lines and numbers

field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p" | head -n1; }  # field "RESULT a=1 b=2" b -> 2
fnum() { local v; v="$(field "$1" "$2")"; echo "${v:-0}"; }            # same, 0 when missing
now_ms() { echo $(($(date +%s%N) / 1000000)); }
us_ms() { awk -v u="$1" 'BEGIN { if (u == "") print "-"; else printf "%.2f", u / 1000 }'; }
errs() {  # sum of wrk error counters in a RESULT line
  local l="$1" s=0 k v
  for k in status_errors connect_errors read_errors write_errors timeouts; do
    v="$(fnum "$l" "$k")"; s=$((s + v))
  done
  echo "$s"
}

# Other work on the machine skews every figure: callers note how busy the CPUs are before they start.
cpu_busy() {  # percent of all CPU time not idle over 1 s
  local a b
  a=($(sed -n 's/^cpu //p' /proc/stat)); sleep 1; b=($(sed -n 's/^cpu //p' /proc/stat))
  awk -v a="${a[*]}" -v b="${b[*]}" 'BEGIN { n = split(a, x); split(b, y); t = 0
    for (i = 1; i <= n; i++) t += y[i] - x[i]; idle = (y[4] - x[4]) + (y[5] - x[5])
    printf "%.0f", (t > 0 ? 100 * (t - idle) / t : 0) }'
}

# ------------------------------------------------------------------ wrk

# $1 = port, $2 = script in bench/, $3 = connections, $4 = seconds, rest = script arguments
# -> one RESULT line (report.lua); the raw wrk output stays in $tmp/wrk.out
wrk_run() {
  local port="$1" script="$2" conns="$3" secs="$4"; shift 4
  local threads=$((conns < 2 ? 1 : 2))
  # wrk itself runs at most secs; the outer bound only guards against a wedged wrk
  timeout -k 5 $((secs + 30)) wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout 5s -s "$here/$script" \
    "http://127.0.0.1:$port" -- "$@" >"$tmp/wrk.out" 2>&1 || true
  grep '^RESULT' "$tmp/wrk.out" || { cat "$tmp/wrk.out" >&2; echo "RESULT error=wrk_failed"; }
}
