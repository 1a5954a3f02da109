(ns mmap.grep
  "The grep command from Clojure: `bin/clojure -M:grep [OPTION]... PATTERNS [FILE]...` runs
  what `bin/mmgrep` runs, mmap.Grep (options and output as GNU grep -P; see its javadoc or
  the README). For the same search as values, see mmap.core/grep."
  (:import (java.io OutputStream PrintStream)
           (mmap Grep)))

(set! *warn-on-reflection* true)

(defn run
  "Runs grep with `args` (strings), writing results to `out` and messages to `err` (a
  PrintStream); returns the exit status."
  [args ^OutputStream out ^PrintStream err]
  (Grep/run (into-array String args) out err))

(defn -main [& args]
  (Grep/main (into-array String (or args []))))
