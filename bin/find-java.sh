# Sourced by bin/clojure and bin/mmgrep: find_java prints the first JDK 22+ among JAVA_CMD,
# JAVA_HOME, the JDKs under /usr/lib/jvm (newest first) and the java on PATH, or explains
# what it found and exits.
MIN_JAVA=22

java_major() { # prints the major version of the java given, or nothing
  local v
  v=$("$1" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}') || return 0
  case "$v" in 1.*) v=${v#1.} ;; esac
  echo "${v%%[.+-]*}"
}

find_java() {
  local candidates=() c m seen=""
  [[ -n "${JAVA_CMD:-}" ]] && candidates+=("$JAVA_CMD")
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME/bin/java")
  while IFS= read -r c; do candidates+=("$c/bin/java"); done < <(ls -d /usr/lib/jvm/*/ 2>/dev/null | sed 's:/$::' | sort -rV)
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  for c in "${candidates[@]}"; do
    [[ -x "$c" ]] || continue
    m=$(java_major "$c")
    if [[ -n "$m" && "$m" -ge $MIN_JAVA ]]; then echo "$c"; return 0; fi
    seen+="  $c (version ${m:-unknown})"$'\n'
  done
  {
    echo "${0##*/}: this project needs a JDK $MIN_JAVA or newer (java.lang.foreign), and none was found."
    [[ -n "$seen" ]] && printf 'Found only:\n%s' "$seen"
    echo "Set JAVA_CMD or JAVA_HOME to a JDK $MIN_JAVA+, or install one under /usr/lib/jvm."
  } >&2
  exit 1
}

