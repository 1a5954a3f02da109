(ns mmap.bench-text
  "The :text suite: the patterns people type, over real text (the running JDK's own sources,
  every .java file of lib/src.zip concatenated in sorted path order, about 200 MB), as
  count-matches and as re-seq, against ripgrep, Python re over mmap and GNU grep -cP.

    bin/clojure -T:build bench :suite text [:runs 3] [:file PATH] [:write true]"
  (:require [clojure.java.io :as io]
            [clojure.java.shell :as sh]
            [clojure.string :as str]
            [mmap.bench-tree :as tree]
            [mmap.core :as m])
  (:import (java.io File FileOutputStream)
           (java.nio.file Files)))

(set! *warn-on-reflection* true)

(def patterns
  "The issue's twelve, as typed."
  ["\\w+@\\w+\\.\\w+"
   "(\\d{1,3}\\.){3}\\d{1,3}"
   "ERROR|WARN|FATAL"
   "(?i)timeout"
   "\\w+Exception\\b"
   "[A-Z][a-z]+[A-Z][a-z]+"
   "public static final (\\w+) (\\w+)"
   "(?m)^\\s*//.*$"
   "\"[^\"]*\""
   "\\bint\\b"
   "@param\\s+(\\w+)"
   "\\d+"])

(defn- have? [tool] (zero? (:exit (sh/sh "bash" "-c" (str "command -v " tool)))))

(defn corpus
  "bench/data/jdk-src.java: every .java file under the unzipped src.zip, in sorted path order;
  nil when the JDK has no src.zip."
  []
  (let [out (io/file "bench/data/jdk-src.java")]
    (if (.exists out)
      (str out)
      (when-let [dir (tree/jdk-tree)]
        (println "concatenating" dir "into" (str out))
        (let [files (sort (map str (filter #(and (.isFile ^File %) (str/ends-with? (str %) ".java"))
                                           (file-seq (io/file dir)))))]
          (with-open [o (FileOutputStream. out)]
            (doseq [f files] (Files/copy (.toPath (io/file f)) o))))
        (str out)))))

(defn- best-of
  "Runs f `runs` times; {:seconds best :count of the last run}."
  [runs f]
  (let [rs (vec (for [_ (range runs)]
                  (let [t0 (System/nanoTime) n (f)]
                    [(/ (- (System/nanoTime) t0) 1e9) n])))]
    {:seconds (apply min (map first rs)) :count (second (peek rs))}))

(defn- sh-number [cmd]
  (let [{:keys [exit out err]} (sh/sh "bash" "-c" cmd)]
    (when-not (#{0 1} exit) (throw (ex-info (str cmd " failed: " err) {})))
    (or (some-> (re-find #"\d+" out) parse-long) 0)))

(defn- q [s] (str "'" (str/replace s "'" "'\\''") "'"))

(defn- count-seq
  "Walks a lazy seq without holding its head."
  [s]
  (loop [s (seq s) n 0] (if s (recur (next s) (inc n)) n)))

(defn methods-for
  "[label runs thunk] for one pattern: ours first, then the tools found."
  [pattern file runs]
  (let [re (re-pattern pattern)]
    (cond-> [["count-matches" runs #(m/count-matches re file)]
             ["re-seq" runs #(count-seq (m/re-seq re file))]]
      (have? "rg") (conj ["rg --count-matches" runs #(sh-number (str "rg --no-config --count-matches " (q pattern) " " (q file)))])
      (have? "python3") (conj ["python re over mmap" 1
                               #(sh-number (str "python3 -c 'import re,mmap,sys; f=open(sys.argv[1],\"rb\"); "
                                                "m=mmap.mmap(f.fileno(),0,access=mmap.ACCESS_READ); "
                                                "print(sum(1 for _ in re.finditer(sys.argv[2].encode(), m)))' "
                                                (q file) " " (q pattern)))])
      (have? "grep") (conj ["grep -cP (lines)" 1 #(sh-number (str "LC_ALL=C grep -cP " (q pattern) " " (q file)))]))))

(defn- geomean [xs] (Math/exp (/ (reduce + (map #(Math/log %) xs)) (count xs))))

(defn run-suite [{:keys [runs write file only] :or {runs 3}}]
  (let [file (or file (corpus))]
    (if-not file
      (do (println "SKIP the :text suite: this JDK has no lib/src.zip, and no :file was given") true)
      (let [size (.length (io/file file))
            pats (if only (filter #(re-find (re-pattern only) %) patterns) patterns)
            _ (sh/sh "bash" "-c" (str "cat " (q file) " > /dev/null"))
            rows (vec (for [p pats]
                        (let [ms (methods-for p file runs)]
                          (doseq [[_ _ f] (take 2 ms)] (f))      ; warm the JIT
                          {:pattern p
                           :results (vec (for [[label n f] ms]
                                           (let [r (best-of n f)]
                                             (println (format "  %-36s %-22s %10d %8.3f s" p label (:count r) (:seconds r)))
                                             (assoc r :label label))))})))
          by-label (fn [row label] (first (filter #(= label (:label %)) (:results row))))
          ratio (fn [row ours other] (when-let [o (by-label row other)] (/ (:seconds o) (:seconds (by-label row ours)))))
          cell (fn [r] (if r (format "%.3f" (:seconds r)) "–"))
          table (str "| pattern | matches | count-matches s | re-seq s | rg s | python s | grep -cP s | count vs rg | re-seq vs rg |\n"
                     "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
                     (apply str (for [row rows]
                                  (format "| `%s` | %d | %s | %s | %s | %s | %s | %s | %s |\n"
                                          (str/replace (:pattern row) "|" "\\|")
                                          (:count (by-label row "count-matches"))
                                          (cell (by-label row "count-matches")) (cell (by-label row "re-seq"))
                                          (cell (by-label row "rg --count-matches")) (cell (by-label row "python re over mmap"))
                                          (cell (by-label row "grep -cP (lines)"))
                                          (some->> (ratio row "count-matches" "rg --count-matches") (format "%.2f×"))
                                          (some->> (ratio row "re-seq" "rg --count-matches") (format "%.2f×"))))))
          count-ratios (keep #(ratio % "count-matches" "rg --count-matches") rows)
          seq-ratios (keep #(ratio % "re-seq" "rg --count-matches") rows)
          summary (when (seq count-ratios)
                    (format "\nGeometric mean vs ripgrep (× faster; above 1 is ours ahead): count-matches %.2f×, re-seq %.2f×.\n"
                            (geomean count-ratios) (geomean seq-ratios)))
          ;; Python's re walks the whole text as java.util.regex does, so it is the judge; ripgrep
          ;; searches line by line (a match cannot cross a line end), and grep -c counts lines.
          judged #{"count-matches" "re-seq" "python re over mmap"}
          disagree (for [row rows
                         :let [counts (set (keep #(when (judged (:label %)) (:count %)) (:results row)))]
                         :when (> (count counts) 1)]
                     [(:pattern row) (map (juxt :label :count) (:results row))])
          rg-differs (for [row rows
                           :let [rg (by-label row "rg --count-matches")]
                           :when (and rg (not= (:count rg) (:count (by-label row "count-matches"))))]
                       (format "`%s`: rg %d" (:pattern row) (:count rg)))
          header (format "File: %s (%.0f MB). Machine: %d cores, %s, JDK %s, JVM flags of the :bench alias. Date: %s.\nOurs: all threads, best of %d; rg best of %d; Python and grep one run each (grep -cP counts lines, not matches).\n\n"
                         file (/ size 1e6) (.availableProcessors (Runtime/getRuntime)) (System/getProperty "os.name")
                         (System/getProperty "java.version") (str (java.time.LocalDate/now)) runs runs)]
        (println)
        (println header)
        (println table)
        (some-> summary println)
        (if (seq disagree)
          (println "MATCH COUNTS DISAGREE:" (pr-str disagree))
          (println "Ours (count-matches and re-seq) and Python found the same number of matches for every pattern."))
        (when (seq rg-differs)
          (println "ripgrep counts differently (its matches never cross a line end):" (str/join ", " rg-differs)))
        (when write
          (spit "bench/RESULTS-text.md" (str "# Real-text regex benchmark\n\n" header table summary "\n"
                                             (if (seq disagree) (str "Counts disagree: " (pr-str disagree))
                                                 "Ours (count-matches and re-seq) and Python found the same number of matches for every pattern.")
                                             "\n"
                                             (when (seq rg-differs)
                                               (str "\nripgrep counts differently, as its matches never cross a line end: "
                                                    (str/join ", " rg-differs) ".\n")))))
        (empty? disagree)))))
