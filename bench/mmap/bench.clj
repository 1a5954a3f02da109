(ns mmap.bench
  "The regex benchmark: a deterministic log-like file (1 GiB by default), three patterns,
  and every method a user would reach for, timed in the same run, with their match counts
  checked against each other.

    bin/clojure -T:build bench                 ; 1 GiB, prints the table
    bin/clojure -T:build bench :size 256m      ; another size (k, m, g suffixes)
    bin/clojure -T:build bench :write true     ; also writes bench/RESULTS.md

  Other suites: `:suite tree` (the grep command over a source tree; mmap.bench-tree),
  `:suite binary` (summing int64 values; mmap.bench-binary), `:suite text` (the patterns
  people type, over the JDK's own sources or `:file PATH`; mmap.bench-text)."
  (:require [clojure.edn :as edn]
            [clojure.java.io :as io]
            [clojure.java.shell :as sh]
            [clojure.string :as str]
            [mmap.core :as m])
  (:import (java.io BufferedOutputStream FileOutputStream)
           (java.lang.management ManagementFactory MemoryPoolMXBean MemoryType)
           (java.util Random)))

(set! *warn-on-reflection* true)

(def patterns
  [{:name "dense capture" :java #"<(.*?)>" :pcre "<(.*?)>"}
   {:name "dense class" :java #"<[^>]*>" :pcre "<[^>]*>"}
   {:name "sparse literal" :java #"ZQ_NEEDLE_\d+" :pcre "ZQ_NEEDLE_\\d+"}])

(defn- heap-pools [] (filter #(= MemoryType/HEAP (.getType ^MemoryPoolMXBean %)) (ManagementFactory/getMemoryPoolMXBeans)))

(defn parse-size [s]
  (let [[_ n unit] (re-matches #"(\d+)([kKmMgG]?)" (str s))]
    (* (parse-long n) (case (str/lower-case unit) "k" 1024 "m" (* 1024 1024) "g" (* 1024 1024 1024) 1))))

(def ^:private words ["alpha" "beta" "gamma" "delta" "request" "served" "cache" "miss" "user" "session"
                      "timeout" "retry" "upstream" "ok" "error" "disk" "queue" "worker" "flush" "commit"])

(defn generate!
  "Writes `size` bytes of log-like lines, the same for the same size: tags in <...>,
  words, and a rare ZQ_NEEDLE_n literal every ~50,000 lines."
  [file size]
  (let [rnd (Random. 20261127)
        sb (StringBuilder.)]
    (with-open [out (BufferedOutputStream. (FileOutputStream. (io/file file)) (* 1024 1024))]
      (loop [written 0 line 0]
        (when (< written size)
          (.setLength sb 0)
          (.append sb (format "2026-11-%02d %02d:%02d:%02d " (inc (mod line 28)) (mod line 24) (mod line 60) (mod (quot line 7) 60)))
          (dotimes [_ (+ 2 (.nextInt rnd 4))]
            (.append sb "<") (.append sb ^String (words (.nextInt rnd 20))) (.append sb "=")
            (.append sb (.nextInt rnd 100000)) (.append sb "> "))
          (dotimes [_ (+ 1 (.nextInt rnd 6))] (.append sb ^String (words (.nextInt rnd 20))) (.append sb " "))
          (when (zero? (.nextInt rnd 50000)) (.append sb "ZQ_NEEDLE_") (.append sb line))
          (.append sb "\n")
          (let [bs (.getBytes (str sb) "US-ASCII")
                n (min (alength bs) (- size written))]
            (.write out bs 0 (int n))
            (recur (+ (long written) (long n)) (inc (long line)))))))))


(defn- timed
  "Runs f; returns {:count :seconds :peak-heap}."
  [f]
  (System/gc)
  (run! #(.resetPeakUsage ^MemoryPoolMXBean %) (heap-pools))
  (let [t0 (System/nanoTime)
        n (f)
        secs (/ (- (System/nanoTime) t0) 1e9)]
    {:count n :seconds secs
     :peak-heap (reduce + (map #(.getUsed (.getPeakUsage ^MemoryPoolMXBean %)) (heap-pools)))}))

(defn- sh-count
  "Runs a shell pipeline that prints a number; returns it, or nil when a tool is missing."
  [cmd]
  (let [{:keys [exit out]} (sh/sh "bash" "-c" cmd)]
    (when (zero? exit) (some-> (re-find #"\d+" out) parse-long))))

(defn- have? [tool] (zero? (:exit (sh/sh "bash" "-c" (str "command -v " tool)))))

(defn methods-for
  "[label thunk] pairs for one pattern, ours first."
  [{:keys [java pcre]} file threads]
  (let [q #(str "'" % "'")]
    (cond-> [["mmap count-matches, 1 thread" #(m/count-matches java file {:threads 1})]
             [(str "mmap count-matches, " threads " threads") #(m/count-matches java file {:threads threads})]
             ["mmap re-seq, 1 thread" #(count (m/re-seq java file {:threads 1}))]
             [(str "mmap re-seq, " threads " threads") #(count (m/re-seq java file {:threads threads}))]
             ["(count (re-seq re (slurp f)))" #(count (re-seq java (slurp file)))]]
      (have? "python3")
      (conj ["Python re.finditer over mmap"
             #(sh-count (str "python3 -c 'import re,mmap,sys; f=open(sys.argv[1],\"rb\"); "
                             "m=mmap.mmap(f.fileno(),0,access=mmap.ACCESS_READ); "
                             "print(sum(1 for _ in re.finditer(sys.argv[2].encode(), m)))' " (q file) " " (q pcre)))])
      (have? "grep")
      (conj ["GNU grep -oP | wc -l" #(sh-count (str "LC_ALL=C grep -oP " (q pcre) " " (q file) " | wc -l"))])
      (have? "rg")
      (conj ["ripgrep --count-matches" #(sh-count (str "rg --no-config --count-matches " (q pcre) " " (q file)))]))))


(defn peak-live-heap
  "Runs f while listening to the collector; returns [f's result, the most heap in use just
  after any collection]: what f kept alive at its peak, leaving uncollected garbage out."
  [f]
  (let [peak (atom 0)
        listener (reify javax.management.NotificationListener
                   (handleNotification [_ n _]
                     (when (= (.getType n) com.sun.management.GarbageCollectionNotificationInfo/GARBAGE_COLLECTION_NOTIFICATION)
                       (let [info (com.sun.management.GarbageCollectionNotificationInfo/from
                                   ^javax.management.openmbean.CompositeData (.getUserData n))
                             heap-pools (set (map #(.getName ^MemoryPoolMXBean %) (heap-pools)))
                             used (reduce + (keep (fn [[pool usage]]
                                                    (when (heap-pools pool) (.getUsed ^java.lang.management.MemoryUsage usage)))
                                                  (.getMemoryUsageAfterGc (.getGcInfo info))))]
                         (swap! peak max used)))))
        beans (ManagementFactory/getGarbageCollectorMXBeans)]
    (doseq [b beans] (.addNotificationListener ^javax.management.NotificationEmitter b listener nil nil))
    (try [(f) @peak]
         (finally (doseq [b beans] (.removeNotificationListener ^javax.management.NotificationEmitter b listener))))))

(defn memory-check-main
  "In a child JVM: our count-matches and re-seq (all threads) over `file`; prints the peak live heap."
  [pattern file]
  (let [re (re-pattern pattern)
        [_ peak] (peak-live-heap #(do (m/count-matches re file)
                                      ;; a loop, not count: RT.count would hold the seq's head while it walks
                                      (loop [s (m/re-seq re file) n 0] (if s (recur (next s) (inc n)) n))))]
    (print peak)))

(defn memory-check
  "Runs `memory-check-main` in a child JVM limited to -Xmx64m; the peak live heap in bytes, or nil if it failed."
  [^java.util.regex.Pattern re file]
  (let [code (str "(require 'mmap.bench) (mmap.bench/memory-check-main " (pr-str (.pattern re)) " " (pr-str file) ")")
        {:keys [exit out]} (sh/sh (str (System/getProperty "java.home") "/bin/java") "-Xmx64m" "-XX:+UseSerialGC"
                                  "--enable-native-access=ALL-UNNAMED" "--add-modules=jdk.incubator.vector"
                                  "-cp" (System/getProperty "java.class.path") "clojure.main" "-e" code)]
    (when (zero? exit) (some-> (re-find #"\d+$" (str/trim out)) parse-long))))

(defn- fmt-bytes [n] (format "%.0f MiB" (/ (double n) 1024 1024)))

(defn run-bench [{:keys [size threads write file]}]
  (let [size (parse-size (or size "1g"))
        threads (or threads (.availableProcessors (Runtime/getRuntime)))
        file (or file (str "bench/data/bench-" size ".log"))]
    (io/make-parents file)
    (when-not (= size (.length (io/file file)))
      (println "generating" file (fmt-bytes size))
      (generate! file size))
    (sh/sh "bash" "-c" (str "cat '" file "' > /dev/null"))   ; warm the page cache
    (let [rows (vec (for [p patterns]
                      (let [ms (methods-for p file threads)]
                        ;; warm the JIT on the JVM methods
                        (doseq [[_ f] (take 4 ms)] (f))
                        {:pattern p
                         :heap-64m (memory-check (:java p) file)
                         :results (vec (for [[label f] ms]
                                         (let [r (timed f)]
                                           (println (format "  %-16s %-36s %10s matches %7.2f s" (:name p) label (:count r) (:seconds r)))
                                           (assoc r :label label))))})))
          gbps #(/ (/ size 1e9) (:seconds %))
          table (str "| pattern | method | matches | GB/s | ours (count-matches, all threads) is × faster |\n"
                     "|---|---|---:|---:|---:|\n"
                     (apply str
                            (for [{:keys [pattern results]} rows
                                  :let [ours (second results)]
                                  r results]
                              (format "| %s `%s` | %s | %s | %.3f | %.2f× |\n"
                                      (:name pattern) (:pcre pattern) (:label r) (:count r) (gbps r)
                                      (/ (gbps ours) (gbps r)))))
                     "\nOurs (count-matches, then re-seq, all threads) run again in a JVM limited to -Xmx64m; "
                     "the most heap still in use after any garbage collection:\n\n"
                     (apply str (for [{:keys [pattern heap-64m]} rows]
                                  (format "- %s: %s\n" (:name pattern)
                                          (if heap-64m (fmt-bytes heap-64m) "FAILED under -Xmx64m"))))
                     "\n`(count (re-seq re (slurp f)))` needed "
                     (fmt-bytes (apply max (for [{:keys [results]} rows r results
                                                 :when (str/includes? (:label r) "slurp")] (:peak-heap r))))
                     " of heap at its peak.\n")
          disagree (for [{:keys [pattern results heap-64m]} rows
                         :let [counts (set (keep :count results))]
                         :when (> (count counts) 1)]
                     [(:name pattern) (map (juxt :label :count) results)])
          header (format "File: %s of generated log lines. Machine: %d cores, %s, JDK %s. Date: %s.\n\n"
                         (fmt-bytes size) (.availableProcessors (Runtime/getRuntime))
                         (System/getProperty "os.name") (System/getProperty "java.version")
                         (str (java.time.LocalDate/now)))]
      (println)
      (println header)
      (println table)
      (if (seq disagree)
        (println "MATCH COUNTS DISAGREE:" (pr-str disagree))
        (println "Every method found the same number of matches."))
      (when write
        (spit "bench/RESULTS.md" (str "# Regex benchmark results\n\n" header table "\n"
                                      (if (seq disagree) (str "Counts disagree: " (pr-str disagree)) "Every method found the same number of matches.")
                                      "\n")))
      (empty? disagree))))

(defn -main [& args]
  ;; Numbers, booleans and keywords are read; anything else (256m, a regex) stays the string it was.
  (let [read-arg #(let [v (try (edn/read-string %) (catch Exception _ %))]
                    (if (or (number? v) (boolean? v) (keyword? v)) v %))
        opts (into {} (for [[k v] (partition 2 args)] [(keyword (str/replace k #"^:" "")) (read-arg v)]))
        ok (case (some-> (:suite opts) name)
             "tree" ((requiring-resolve 'mmap.bench-tree/run-suite) opts)
             "binary" ((requiring-resolve 'mmap.bench-binary/run-suite) opts)
             "text" ((requiring-resolve 'mmap.bench-text/run-suite) opts)
             (nil "log") (run-bench (update opts :size #(some-> % str))))]
    (shutdown-agents)
    (System/exit (if ok 0 1))))
