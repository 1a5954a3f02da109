(ns mmap.bench-tree
  "The :tree suite: the whole grep command, start-up included, against GNU grep and ripgrep,
  over the JDK's own sources (lib/src.zip, unzipped once into bench/data/jdk-src) and over
  one small file.

    bin/clojure -T:build bench :suite tree [:runs 5] [:write true]"
  (:require [clojure.java.io :as io]
            [clojure.java.shell :as sh]
            [clojure.string :as str])
  (:import (java.io File)))

(set! *warn-on-reflection* true)

(def patterns
  [{:name "literal" :pattern "ConcurrentHashMap"}
   {:name "no literal" :pattern "[a-z]+[0-9]{3,}"}])

(defn- have? [tool] (zero? (:exit (sh/sh "bash" "-c" (str "command -v " tool)))))

(defn jdk-tree
  "bench/data/jdk-src, unzipped from this JDK's lib/src.zip the first time; nil when the JDK has none."
  []
  (let [dir (io/file "bench/data/jdk-src")
        zip (io/file (System/getProperty "java.home") "lib/src.zip")]
    (cond (.isDirectory dir) (str dir)
          (.exists zip) (do (println "unzipping" (str zip) "into" (str dir))
                            (.mkdirs dir)
                            (let [{:keys [exit err]} (sh/sh "unzip" "-q" "-o" (str zip) "-d" (str dir))]
                              (when-not (zero? exit) (throw (ex-info (str "unzip failed: " err) {}))))
                            (str dir))
          :else nil)))

(defn- wall
  "Runs the shell command `cmd` `runs` times; {:median seconds, :out of the last run}."
  [cmd runs]
  (let [times+outs (vec (for [_ (range runs)]
                          (let [t0 (System/nanoTime)
                                {:keys [out exit err]} (sh/sh "bash" "-c" cmd)]
                            (when-not (#{0 1} exit) (throw (ex-info (str cmd " failed: " err) {:exit exit})))
                            [(/ (- (System/nanoTime) t0) 1e9) out])))
        sorted (sort (map first times+outs))]
    {:median (nth sorted (quot (count sorted) 2)) :out (second (peek times+outs))}))

(defn- total
  "What a -c or -n run printed, reduced to one number: the sum of the counts, or the lines."
  [flag ^String out]
  (if (= flag "-c")
    (reduce + (map #(parse-long (subs % (inc (or (str/last-index-of % ":") -1)))) (remove str/blank? (str/split-lines out))))
    (count (str/split-lines out))))

(defn- q [s] (str "'" s "'"))

(defn commands
  "[label shell-command] for one search, ours first."
  [flag pattern target recursive?]
  (cond-> [["bin/mmgrep" (str "bin/mmgrep " (when recursive? "-r ") flag " " (q pattern) " " (q target))]]
    (have? "grep") (conj ["GNU grep -P" (str "LC_ALL=C.UTF-8 grep -P " (when recursive? "-r ") flag " " (q pattern) " " (q target))])
    (have? "rg") (conj ["ripgrep" (str "rg --no-config " flag " " (q pattern) " " (q target))])))

(defn run-suite [{:keys [runs write] :or {runs 5}}]
  ;; Built now, so that the first timed run does not include building it.
  (sh/sh "bin/mmgrep" "-c" "x" "README.md")
  (let [tree (jdk-tree)
        small "README.md"
        rows (concat
               (when tree
                 (for [{:keys [name pattern]} patterns
                       flag ["-c" "-n"]]
                   {:what (str "-r " flag ", " name " `" pattern "`, JDK sources")
                    :results (vec (for [[label cmd] (commands flag pattern tree true)]
                                    (let [{:keys [median out]} (wall cmd runs)]
                                      (println (format "  %-44s %-12s %6.3f s" (str "-r " flag " " pattern) label median))
                                      {:label label :seconds median :total (total flag out)})))}))
               [{:what (str "-c `the`, one small file (" small ")")
                 :results (vec (for [[label cmd] (commands "-c" "the" small false)]
                                 (let [{:keys [median out]} (wall cmd (* 2 runs))]
                                   (println (format "  %-44s %-12s %6.3f s" "-c the README.md" label median))
                                   {:label label :seconds median :total (total "-c" out)})))}])
        table (str "| search | command | wall (median) | count | bin/mmgrep's speed relative to it |\n"
                   "|---|---|---:|---:|---:|\n"
                   (apply str (for [{:keys [what results]} rows
                                    :let [ours (:seconds (first results))]
                                    r results]
                                (format "| %s | %s | %.3f s | %d | %.2f× |\n" what (:label r) (:seconds r) (:total r)
                                        (/ (:seconds r) ours)))))
        disagree (for [{:keys [what results]} rows
                       :when (> (count (set (map :total results))) 1)]
                   [what (map (juxt :label :total) results)])
        header (format (str "Whole commands, JVM start included, median of %d runs (%d for the small file), "
                            "page cache warm. Tree: %s. Machine: %d cores, JDK %s. Date: %s.\n\n")
                       runs (* 2 runs) (or tree "not found (no lib/src.zip in this JDK)")
                       (.availableProcessors (Runtime/getRuntime)) (System/getProperty "java.version")
                       (str (java.time.LocalDate/now)))
        verdict (if (seq disagree)
                  (str "COUNTS DISAGREE: " (pr-str disagree))
                  "Every command printed the same number of lines (-n) or the same total count (-c).")]
    (println)
    (println header)
    (println table)
    (println verdict)
    (when write
      (let [f (io/file "bench/RESULTS-tree.md")]
        (spit f (str "# grep command benchmark (:tree suite)\n\n" header table "\n" verdict "\n"))
        (println "wrote" (str f))))
    (empty? disagree)))
