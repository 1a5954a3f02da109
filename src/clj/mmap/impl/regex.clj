(ns mmap.impl.regex
  "Regex matches over mapped bytes, as lazy seqs and reducibles, on mmap.RegexScanner."
  (:import (clojure.lang ArrayChunk IReduceInit)
           (java.util List)
           (java.util.function Function)
           (java.util.regex Pattern)
           (mmap ParallelScan RegexScanner RegexScanner$Spec)))

(set! *warn-on-reflection* true)

(defn- utf8? [encoding]
  (case (or encoding :utf-8)
    :utf-8 true
    (:latin-1 :bytes) false
    (throw (ex-info (str "Unknown :encoding " (pr-str encoding) "; allowed: :bytes, :latin-1, :utf-8")
                    {:encoding encoding}))))

(defn- spec
  ^RegexScanner$Spec [seg from to ^Pattern re {:keys [encoding window max-window]}]
  (RegexScanner$Spec. seg (long from) (long to) re (boolean (utf8? encoding))
                      (long (or window RegexScanner/DEFAULT_WINDOW))
                      (long (or max-window RegexScanner/MAX_DECODED_WINDOW))))

(defn scanner
  "One thread's scanner over bytes [from, to) of `seg`."
  ^RegexScanner [seg from to ^Pattern re opts]
  (RegexScanner. (spec seg from to re opts) nil))

(def default-threads (.availableProcessors (Runtime/getRuntime)))

(defn parallel?
  "Whether to split the scan over threads: more than one thread asked for, a pattern
  without \\G, and more than one chunk of text."
  [^Pattern re from to {:keys [threads chunk-size]}]
  (and (> (long (or threads default-threads)) 1)
       (ParallelScan/splittable re)
       (> (- (long to) (long from)) (long (or chunk-size (* 4 1024 1024))))))

(defn parallel-scan
  "Matches found by several threads, in order; `f` (or nil, to only count) makes each result."
  ^ParallelScan [seg from to ^Pattern re f {:keys [threads chunk-size] :as opts}]
  (ParallelScan. (spec seg from to re opts)
                 (int (or threads default-threads))
                 (long (or chunk-size (if f (* 256 1024) (* 8 1024 1024))))
                 (when f (reify Function (apply [_ s] (f s))))))

(defn lazy-batches
  "A chunked lazy seq of the parallel scan's results; calls `on-done` once exhausted."
  [^ParallelScan p on-done]
  (lazy-seq
    (let [^List b (.nextBatch p)]
      (if (.isEmpty b)
        (do (on-done) nil)
        (chunk-cons (ArrayChunk. (.toArray b) 0 (.size b)) (lazy-batches p on-done))))))

(defn re-groups-of
  "What clojure.core/re-groups gives: the match, or a vector of it and its groups."
  [^RegexScanner s]
  (let [n (.groupCount s)]
    (if (zero? n)
      (.group s 0)
      (loop [i 0 acc (transient [])]
        (if (> i n) (persistent! acc) (recur (inc i) (conj! acc (.group s i))))))))

(defn match-map
  "{:match :groups :start :end}, plus :named for named groups; offsets are bytes in the file."
  [^RegexScanner s base]
  (let [n (.groupCount s)
        named (.namedGroups s)]
    (cond-> {:match (.group s 0)
             :groups (mapv #(.group s (int %)) (range 1 (inc n)))
             :start (- (.start s) (long base))
             :end (- (.end s) (long base))}
      (seq named) (assoc :named (into {} (map (fn [[k i]] [(keyword k) (.group s (int i))])) named)))))

(defn lazy-matches
  "A lazy seq of (f scanner) for each match; calls `on-done` once exhausted."
  [^RegexScanner s f on-done]
  (lazy-seq
    (if (.find s)
      (cons (f s) (lazy-matches s f on-done))
      (do (on-done) nil))))

(defn reduce-matches
  "Reduces (f scanner) over each match of scanner `s`."
  [^RegexScanner s f rf init]
  (loop [acc init]
    (if (.find s)
      (let [acc (rf acc (f s))]
        (if (reduced? acc) @acc (recur acc)))
      acc)))

(defn reduce-batches
  "Reduces over the parallel scan's results, batch by batch; closes the scan."
  [^ParallelScan p rf init]
  (try
    (loop [acc init]
      (let [^List b (.nextBatch p)]
        (if (.isEmpty b)
          acc
          (let [acc (reduce rf acc b)]
            (if (reduced? acc) @acc (recur acc))))))
    (finally (.close p))))
